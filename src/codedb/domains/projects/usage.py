"""AI provider usage and its costs (db.usage): record a request, list them, and the cost
reports: spend per provider and model, day, month, project or user over a period, latency
percentiles and error rates, and spend against a budget."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import attrs

from ...core.api import NO_LIMIT, DomainAPI
from ...core.convert import (
    check_number,
    check_text,
    now,
    optional_text,
    params,
    parse_time,
    query_time,
    required_text,
    whole_days,
)
from ...core.ids import new_id
from ...errors import InvalidInput
from .records import AlertDismissal, ProviderUsage

GROUPS = {
    "provider": (
        "cost_by_provider_model",
        ("provider", "model", "requests", "errors", "tokens_in", "tokens_out", "tokens_total", "cost"),
    ),
    "day": ("cost_by_day", ("period", "requests", "tokens_total", "cost")),
    "month": ("cost_by_month", ("period", "requests", "tokens_total", "cost")),
    "provider-day": (
        "cost_by_provider_model_day",
        ("period", "provider", "model", "requests", "tokens_total", "cost"),
    ),
    "project": ("cost_by_project", ("project_id", "name", "requests", "tokens_total", "cost")),
    "user": ("cost_by_user", ("user_id", "username", "requests", "tokens_total", "cost")),
    "latency": (
        "latency_by_provider_model",
        ("provider", "model", "requests", "error_rate", "p50_ms", "p95_ms", "p99_ms"),
    ),
}
THRESHOLDS = (50, 80, 100)
OVER_ESTIMATE = 1.2  # YAGO's rule: a project's cost over 1.2x its estimate is an alert
WEEKLY_LIMIT = 100.0  # YAGO's weekly limit (dollars); a warning past half of it
# The groupings the daily rollup answers when the period is whole days.
DAILY = {
    "provider": "daily_cost_by_provider_model",
    "day": "daily_cost_by_day",
    "month": "daily_cost_by_month",
    "provider-day": "daily_cost_by_provider_model_day",
}


@attrs.frozen
class Budget:
    """Spend over a period against a budget, with the thresholds (percent) it crossed."""

    period: str
    since: datetime
    until: datetime
    budget: float
    spent: float
    percent: float
    crossed: tuple[int, ...]


@attrs.frozen
class CostAlert:
    """A cost alert: YAGO's `budget_exceeded` (a project over 1.2x its estimate) and
    `weekly_limit_warning` (past half the weekly limit), and `budget` (a budget's threshold
    crossed). Its id names the rule and what it is about: dismissing it keeps it away while
    that stays so."""

    alert_id: str
    type: str
    severity: str  # high, medium
    message: str
    project_id: str | None = None
    project_name: str | None = None
    actual_cost: float | None = None
    estimated_cost: float | None = None
    total_cost: float | None = None
    limit: float | None = None


def _name(value: Any, what: str) -> str:
    return required_text(value, what, f"give the {what}")


def period_bounds(period: str, at: datetime | None = None) -> tuple[datetime, datetime]:
    """The current day or month (UTC) holding `at`: [start, end)."""
    at = at or now()
    if period == "day":
        start = at.replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + timedelta(days=1)
    if period == "month":
        start = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        following = (start + timedelta(days=32)).replace(day=1)
        return start, following
    raise InvalidInput(f"unknown period {period!r}; use day or month")


class Usage(DomainAPI):
    """Requests to AI providers and what they cost."""

    def record(
        self,
        provider: str,
        model: str,
        *,
        project_id: str | None = None,
        request_type: str = "",
        tokens_in: int = 0,
        tokens_out: int = 0,
        tokens_total: int | None = None,
        cost: float = 0.0,
        latency_ms: float | None = None,
        success: bool = True,
        error: str | None = None,
        timestamp: str | datetime | None = None,
    ) -> ProviderUsage:
        """Record one request; its cost adds to its project's actual cost."""
        tokens_in = check_number(tokens_in, "tokens_in", whole=True)
        tokens_out = check_number(tokens_out, "tokens_out", whole=True)
        total = check_number(
            tokens_in + tokens_out if tokens_total is None else tokens_total, "tokens_total", whole=True
        )
        if not isinstance(success, bool):
            raise InvalidInput("success must be true or false")
        made = ProviderUsage(
            new_id(),
            project_id,
            _name(provider, "provider"),
            _name(model, "model"),
            check_text(request_type or "", "request type"),
            tokens_in,
            tokens_out,
            total,
            check_number(cost, "cost"),
            check_number(latency_ms, "latency_ms"),
            success,
            optional_text(error, "error"),
            parse_time(timestamp) if timestamp is not None else now(),
        )
        with self.db.transaction():
            if project_id is not None:
                self.db.projects.get(project_id)
            self.sql.load_ai_provider_usage(self.conn, [params(made)])
            if project_id is not None and made.cost:
                self.db.projects.add_work(project_id, cost=made.cost)
        return made

    def record_many(self, rows: builtins.list[ProviderUsage]) -> int:
        """Load usage records in one transaction (imports, benchmarks): no project counters."""
        with self.db.transaction():
            return int(self.sql.load_ai_provider_usage(self.conn, [params(r) for r in rows]))

    def list(
        self,
        *,
        project_id: str | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> builtins.list[ProviderUsage]:
        """Usage, newest first: all or a project's, within [since, until)."""
        rows = self.sql.list_usage(
            self.conn,
            project_id=project_id,
            since=query_time(since),
            until=query_time(until),
            limit=NO_LIMIT if limit is None else limit,
            offset=offset or 0,
        )
        return rows

    def report(
        self,
        by: str = "provider",
        *,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
    ) -> builtins.list[dict[str, Any]]:
        """Spend over [since, until) grouped `by` provider (and model), provider-day, day,
        month, project or user; `latency` gives per provider and model the error rate and
        p50/p95/p99 latencies (exact, nearest rank)."""
        if by not in GROUPS:
            raise InvalidInput(f"unknown grouping {by!r}; use one of {', '.join(GROUPS)}")
        query, columns = GROUPS[by]
        days = whole_days(since, until)
        if by in DAILY and days is not None:  # whole days: the rollup answers
            rows = getattr(self.sql, DAILY[by])(self.conn, since_day=days[0], until_day=days[1])
        else:
            rows = getattr(self.sql, query)(self.conn, since=query_time(since), until=query_time(until))
        return [dict(zip(columns, _plain(row), strict=True)) for row in rows]

    def total(
        self, *, since: str | datetime | None = None, until: str | datetime | None = None
    ) -> dict[str, Any]:
        days = whole_days(since, until)
        if days is not None:
            found = self.sql.daily_total_cost(self.conn, since_day=days[0], until_day=days[1])
        else:
            found = self.sql.total_cost(self.conn, since=query_time(since), until=query_time(until))
        requests, tokens, cost = _plain(found)
        return {"requests": int(requests), "tokens_total": int(tokens), "cost": float(cost)}

    def alerts(
        self,
        *,
        weekly_limit: float = WEEKLY_LIMIT,
        budgets: Iterable[tuple[float, str]] = (),
        dismissed: bool = False,
        at: datetime | None = None,
    ) -> builtins.list[CostAlert]:
        """The cost alerts that hold now, without those dismissed (unless `dismissed`):
        YAGO's two rules, and each (amount, period) budget of `budgets` past 50 %."""
        at = at or now()
        found = [
            CostAlert(
                f"budget_exceeded-{project_id}",
                "budget_exceeded",
                "high",
                f"project {name} has cost ${float(actual):.2f}, "
                f"over 1.2x its estimate of ${float(estimate):.2f}",
                project_id=project_id,
                project_name=name,
                actual_cost=float(actual),
                estimated_cost=float(estimate),
            )
            for project_id, name, actual, estimate in self.sql.projects_over_estimate(
                self.conn, ratio=OVER_ESTIMATE
            )
        ]
        limit = check_number(weekly_limit, "weekly limit")
        week = at - timedelta(days=at.weekday())
        week_start = week.replace(hour=0, minute=0, second=0, microsecond=0)
        total = float(self.sql.projects_cost_since(self.conn, since=query_time(week_start)))
        if limit and total > limit / 2:
            found.append(
                CostAlert(
                    f"weekly_limit_warning-{week_start:%Y-%m-%d}",
                    "weekly_limit_warning",
                    "medium",
                    f"${total:.2f} spent this week, over half of the ${limit:.2f} weekly limit",
                    total_cost=total,
                    limit=limit,
                )
            )
        for amount, period in budgets:
            state = self.budget(amount, period, at=at)
            if state.crossed:
                found.append(
                    CostAlert(
                        f"budget-{period}-{state.since:%Y-%m-%d}-{state.crossed[-1]}",
                        "budget",
                        "high" if state.crossed[-1] >= 100 else "medium",
                        f"${state.spent:.2f} spent this {period}: "
                        f"{state.percent}% of the ${amount:.2f} budget",
                        total_cost=state.spent,
                        limit=float(amount),
                    )
                )
        if dismissed:
            return found
        gone = {row[0] for row in self.sql.list_alert_dismissals(self.conn)}
        return [alert for alert in found if alert.alert_id not in gone]

    def dismiss_alert(self, alert_id: str, *, by: str | None = None) -> AlertDismissal:
        """Dismiss a cost alert (kept: it stays dismissed); dismissing it again returns the
        first dismissal."""
        alert_id = check_text(required_text(alert_id, "alert id", "give the alert's id"), "alert id")
        if len(alert_id) > 200:
            raise InvalidInput("an alert id is at most 200 characters; give the id the alert list shows")
        made = AlertDismissal(alert_id, now(), optional_text(by, "dismissed by"))
        with self.db.transaction():
            self.sql.load_cost_alert_dismissals(self.conn, [params(made)])
            found = self.sql.get_alert_dismissal(self.conn, alert_id=alert_id)
        assert found is not None
        return found

    def budget(self, amount: float, period: str = "month", *, at: datetime | None = None) -> Budget:
        """Spend in the current day or month against `amount`, and the thresholds crossed
        (50, 80 and 100 percent)."""
        amount = check_number(amount, "budget")
        if not amount:
            raise InvalidInput("the budget must be above 0")
        since, until = period_bounds(period, at)
        spent = self.total(since=since, until=until)["cost"]
        percent = 100.0 * spent / amount
        return Budget(
            period,
            since,
            until,
            amount,
            spent,
            round(percent, 2),
            tuple(t for t in THRESHOLDS if percent >= t),
        )


def _plain(row: Any) -> builtins.list[Any]:
    """Numbers as Python numbers on both backends (PostgreSQL sums are Decimal or int)."""
    from decimal import Decimal

    return [float(v) if isinstance(v, Decimal) else v for v in row]
