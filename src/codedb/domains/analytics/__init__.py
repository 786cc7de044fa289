"""Analytics: named measurements over time, of a project or of none, with JSON metadata; a
project's summary, trends per day, week or month, usage counts by a metadata key, export."""

from ...core.registry import Commands, Domain, Table

DOMAIN = Domain(
    name="analytics",
    package=__name__,
    tables=(Table("analytics", "records:Measurement"),),
    api=(("analytics", "api:Analytics"),),
    commands=Commands(
        title="Analytics",
        module=f"{__name__}.commands",
        summaries=(("analytics", "measurements: record, project summary, trends, widget usage, export"),),
    ),
    requires=("projects",),
    derived=("analytics_daily",),  # per metric, project and day (migration 0014)
)
