"""System metrics: timed operations (duration, success, error), summaries per operation with
exact percentiles, the slowest runs, pruning by age, and a timer for Python code."""

from ...core.registry import Commands, Domain, Table

DOMAIN = Domain(
    name="metrics",
    package=__name__,
    tables=(Table("system_metrics", "records:Metric"),),
    api=(("metrics", "api:Metrics"),),
    commands=Commands(
        title="System metrics",
        module=f"{__name__}.commands",
        summaries=(("metrics", "timed operations: record, summary (p50/p95/p99), slowest, prune"),),
    ),
)
