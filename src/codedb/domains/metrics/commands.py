"""The metrics commands: `codedb metrics record|summary|slowest|prune`."""

from typing import Any

from ...cli.common import json_arg, number_arg, open_db, out, output_format, whole_number
from ...cli.frame import FORMAT, command

SUMMARY_COLUMNS = (
    "operation",
    "count",
    "errors",
    "error_rate",
    "mean_ms",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "max_ms",
)
METRIC_COLUMNS = ("created_at", "operation", "duration_ms", "success", "error")


@command(
    """
Usage: codedb metrics record OPERATION DURATION_MS [--failed] [--error=TEXT] [--extra=JSON] [options]
       codedb metrics summary [--operation=OP] [--window=AGE | --since=DATE] [--until=DATE]
                              [--json | --csv] [options]
       codedb metrics slowest [--operation=OP] [--window=AGE | --since=DATE] [--until=DATE]
                              [--limit=N] [--json | --csv] [options]
       codedb metrics prune --older-than=AGE [--dry-run] [options]

System metrics: timed runs of operations. 'summary' gives per operation the runs, failures,
error rate, mean, exact p50/p95/p99 (nearest rank) and max of the durations in milliseconds
over a window (24h, 7d; all time without one). 'slowest' lists the slowest runs. 'prune'
deletes the metrics older than AGE (90d, or a date); --dry-run only counts them.

Options:
  --failed          the run failed
  --error=TEXT      what went wrong
  --extra=JSON      a JSON object of anything else
  --operation=OP    one operation only
  --window=AGE      the last AGE: 30m, 24h, 7d, 2w
  --since=DATE      from DATE (ISO 8601)
  --until=DATE      up to DATE
  --limit=N         how many of the slowest [default: 10]
  --older-than=AGE  an age (90d, 12h, 2w) or a date
  --dry-run         count what would be deleted, delete nothing
"""
    + FORMAT
    + """
Example:
  codedb metrics record build 1234.5 && codedb metrics summary --window=7d
"""
)
def cmd_metrics(args: dict[str, Any]) -> int:
    from ...cli.render import render

    with open_db(args) as db:
        metrics = db.metrics
        window = {"window": args["--window"], "since": args["--since"], "until": args["--until"]}
        if args["record"]:
            metric = metrics.record(
                args["OPERATION"],
                number_arg(args["DURATION_MS"], "DURATION_MS"),
                success=not args["--failed"],
                error=args["--error"],
                extra=json_arg(args["--extra"], "--extra"),
            )
            out(metric.metric_id)
        elif args["summary"]:
            out(render(metrics.summary(args["--operation"], **window), SUMMARY_COLUMNS, output_format(args)))
        elif args["slowest"]:
            limit = whole_number(args["--limit"], "--limit", 1) or 10
            out(
                render(
                    metrics.slowest(args["--operation"], limit=limit, **window),
                    METRIC_COLUMNS,
                    output_format(args),
                )
            )
        else:
            count, before = metrics.prune(args["--older-than"], dry_run=args["--dry-run"])
            verb = "would delete" if args["--dry-run"] else "deleted"
            out(f"{verb} {count} metric{'' if count == 1 else 's'} older than {before:%Y-%m-%d %H:%M:%S} UTC")
    return 0
