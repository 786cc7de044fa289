"""The analytics commands: `codedb analytics record|project|trends|widgets|export`."""

from collections.abc import Sequence
from typing import Any

from ...cli.common import emit, json_arg, number_arg, open_db, out, output_format
from ...cli.frame import FORMAT, command
from ...errors import InvalidInput

SUMMARY_COLUMNS = ("metric_name", "count", "latest", "latest_at", "min", "max", "mean")
TREND_COLUMNS = ("period", "count", "total", "mean", "min", "max")
USAGE_COLUMNS = ("name", "count", "total")
EXPORT_COLUMNS = ("record_id", "project_id", "metric_name", "value", "recorded_at", "metadata")
BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """Values as a line of bars, the lowest ▁ and the highest █."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return BARS[len(BARS) // 2] * len(values)
    return "".join(BARS[round((v - low) / (high - low) * (len(BARS) - 1))] for v in values)


@command(
    """
Usage: codedb analytics record METRIC VALUE [--project=PROJECT] [--metadata=JSON] [options]
       codedb analytics project PROJECT [--json | --csv] [options]
       codedb analytics trends METRIC [--period=PERIOD] [--project=PROJECT]
                               [--window=AGE | --since=DATE] [--until=DATE] [--json | --csv] [options]
       codedb analytics widgets [--key=KEY] [--window=AGE | --since=DATE] [--until=DATE]
                                [--json | --csv] [options]
       codedb analytics export [--metric=METRIC] [--project=PROJECT] [--window=AGE | --since=DATE]
                               [--until=DATE] [--format=FORMAT] [--file=FILE] [--force] [options]

Analytics: named measurements over time, of a project (PROJECT: a name, an id or a unique
prefix) or of none. 'project' summarises each metric of a project (count, latest, min, max,
mean); 'trends' gives a metric per day, week (from Monday) or month, with a sparkline of the
means on a table; 'widgets' counts the measurements per value of a metadata key (widget by
default, or feature, ...); 'export' writes the measurements as CSV or JSON.

Options:
  --project=PROJECT  the project measured
  --metadata=JSON    a JSON object, e.g. '{"widget": "editor"}'
  --period=PERIOD    day, week or month [default: day]
  --window=AGE       the last AGE: 24h, 7d, 52w
  --since=DATE       from DATE (ISO 8601)
  --until=DATE       up to DATE
  --key=KEY          the metadata key to count by [default: widget]
  --metric=METRIC    one metric only
  --format=FORMAT    csv or json [default: csv]
  --file=FILE        write the export to FILE
  --force            replace an existing --file
"""
    + FORMAT
    + """
Example:
  codedb analytics record editor_opened 1 --metadata='{"widget": "editor"}'
"""
)
def cmd_analytics(args: dict[str, Any]) -> int:
    from ...cli.render import render

    if args["export"] and args["--format"] not in ("csv", "json"):
        raise InvalidInput(f"unknown --format {args['--format']!r}; use csv or json")
    window = {"window": args["--window"], "since": args["--since"], "until": args["--until"]}
    with open_db(args) as db:
        analytics = db.analytics
        project_id = db.projects.resolve(args["--project"]) if args["--project"] else None
        if args["record"]:
            found = analytics.record(
                args["METRIC"],
                number_arg(args["VALUE"], "VALUE"),
                project_id=project_id,
                metadata=json_arg(args["--metadata"], "--metadata"),
            )
            out(found.record_id)
        elif args["project"]:
            out(
                render(
                    analytics.project_summary(db.projects.resolve(args["PROJECT"])),
                    SUMMARY_COLUMNS,
                    output_format(args),
                )
            )
        elif args["trends"]:
            trends = analytics.trends(args["METRIC"], args["--period"], project_id=project_id, **window)
            text = render(trends, TREND_COLUMNS, output_format(args))
            if output_format(args) == "table" and trends:
                text += f"\n\nmean per {args['--period']}: {sparkline([t.mean for t in trends])}"
            out(text)
        elif args["widgets"]:
            out(render(analytics.usage_counts(args["--key"], **window), USAGE_COLUMNS, output_format(args)))
        else:
            rows = analytics.measurements(metric_name=args["--metric"], project_id=project_id, **window)
            text = render(rows, EXPORT_COLUMNS, args["--format"], width=None)
            plural = "" if len(rows) == 1 else "s"
            emit(text, args["--file"], args["--force"], f"{len(rows)} measurement{plural}")
    return 0
