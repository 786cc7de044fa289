"""Analytics (db.analytics): record a measurement, a project's summary per metric, a
metric's trend per day, week or month, usage counts by a metadata key, and the rows for export."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
import math
import re
from datetime import datetime, timedelta
from typing import Any

from ...core.api import NO_LIMIT, DomainAPI
from ...core.convert import (
    check_json,
    db_time,
    now,
    params,
    parse_time,
    required_text,
    whole_days,
    window_bounds,
)
from ...core.ids import new_id
from ...errors import InvalidInput
from .records import Measurement, MetricSummary, Trend, UsageCount

PERIODS = ("day", "week", "month")
# Each period's trend queries, from the daily rollup and from the rows (named in full, so that
# a search finds every query's caller).
DAILY_TRENDS = {"day": "daily_trend_by_day", "week": "daily_trend_by_week", "month": "daily_trend_by_month"}
TRENDS = {"day": "trend_by_day", "week": "trend_by_week", "month": "trend_by_month"}
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _metric(value: Any) -> str:
    return required_text(value, "metric name", "name what is measured")


class Analytics(DomainAPI):
    """Measurements by metric name, of a project or of none."""

    def record(
        self,
        metric_name: str,
        value: float,
        *,
        project_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        at: str | datetime | None = None,
    ) -> Measurement:
        """Record one measurement (its own transaction); NotFound for an unknown project."""
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidInput(f"value must be a finite number, not {value!r:.40}")
        measurement = Measurement(
            new_id(),
            project_id,
            _metric(metric_name),
            float(value),
            now() if at is None else parse_time(at),
            check_json({} if metadata is None else metadata, "metadata", dict),
        )
        with self.db.transaction():
            if project_id is not None:
                self.db.projects.get(project_id)
            self.sql.load_analytics(self.conn, [params(measurement)])
        return measurement

    def delete_for_project(self, project_id: str) -> int:
        """Delete a project's measurements; how many there were."""
        with self.db.transaction():
            return int(self.sql.delete_project_measurements(self.conn, project_id=project_id) or 0)

    def project_summary(self, project_id: str) -> builtins.list[MetricSummary]:
        """Each metric of a project: count, latest value and time, min, max, mean."""
        self.db.projects.get(project_id)
        return self.sql.project_summary(self.conn, project_id=project_id)

    def trends(
        self,
        metric_name: str,
        period: str = "day",
        *,
        project_id: str | None = None,
        window: str | timedelta | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
    ) -> builtins.list[Trend]:
        """A metric per day, week (from Monday) or month: count, total, mean, min, max. Over
        whole days (dates alone, or no bounds) it reads the daily rollup."""
        if period not in PERIODS:
            raise InvalidInput(f"unknown period {period!r}; use day, week or month")
        metric_name = _metric(metric_name)
        days = None if window is not None else whole_days(since, until)
        if days is not None:  # whole days: the rollup that triggers keep (analytics_daily)
            rows = getattr(self.sql, DAILY_TRENDS[period])(
                self.conn,
                metric_name=metric_name,
                project_id=project_id,
                since_day=days[0],
                until_day=days[1],
            )
            return rows
        start, end = window_bounds(window, since, until)
        rows = getattr(self.sql, TRENDS[period])(
            self.conn,
            metric_name=metric_name,
            project_id=project_id,
            since=db_time(start),
            until=db_time(end),
        )
        return rows

    def usage_counts(
        self,
        key: str = "widget",
        *,
        window: str | timedelta | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
    ) -> builtins.list[UsageCount]:
        """How often each value of a metadata key (a widget, a feature) was recorded."""
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise InvalidInput(f"invalid metadata key {key!r:.40}; give letters, digits, _ or - (up to 64)")
        start, end = window_bounds(window, since, until)
        return self.sql.usage_counts(self.conn, key=key, since=db_time(start), until=db_time(end))

    def measurements(
        self,
        *,
        metric_name: str | None = None,
        project_id: str | None = None,
        window: str | timedelta | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        limit: int | None = None,
    ) -> builtins.list[Measurement]:
        """The measurements matching the filters (None leaves one out), oldest first."""
        start, end = window_bounds(window, since, until)
        rows = self.sql.export_measurements(
            self.conn,
            metric_name=None if metric_name is None else _metric(metric_name),
            project_id=project_id,
            since=db_time(start),
            until=db_time(end),
            limit=NO_LIMIT if limit is None else limit,
        )
        return rows
