"""AI provider usage and its costs (db.usage): record a request, list them, and the cost
reports: spend per provider and model, day, month, project or user over a period, latency
percentiles and error rates, and spend against a budget."""

from __future__ import annotations

import builtins
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

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
    records,
    required_text,
    whole_days,
)
from ...core.ids import new_id
from ...errors import InvalidInput
from .records import ProviderUsage

if TYPE_CHECKING:
    from ...core.db import Database

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

    def __init__(self, db: Database):
        super().__init__(db)
        self.q = db.queries.projects

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
            self.q.load_ai_provider_usage(self.conn, [params(made)])
            if project_id is not None and made.cost:
                self.db.projects.add_work(project_id, cost=made.cost)
        return made

    def record_many(self, rows: builtins.list[ProviderUsage]) -> int:
        """Load usage records in one transaction (imports, benchmarks): no project counters."""
        with self.db.transaction():
            return int(self.q.load_ai_provider_usage(self.conn, [params(r) for r in rows]))

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
        rows = self.q.list_usage(
            self.conn,
            project_id=project_id,
            since=query_time(since),
            until=query_time(until),
            limit=NO_LIMIT if limit is None else limit,
            offset=offset or 0,
        )
        return records(ProviderUsage, rows)

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
            rows = getattr(self.q, DAILY[by])(self.conn, since_day=days[0], until_day=days[1])
        else:
            rows = getattr(self.q, query)(self.conn, since=query_time(since), until=query_time(until))
        return [dict(zip(columns, _plain(row), strict=True)) for row in rows]

    def total(
        self, *, since: str | datetime | None = None, until: str | datetime | None = None
    ) -> dict[str, Any]:
        days = whole_days(since, until)
        if days is not None:
            found = self.q.daily_total_cost(self.conn, since_day=days[0], until_day=days[1])
        else:
            found = self.q.total_cost(self.conn, since=query_time(since), until=query_time(until))
        requests, tokens, cost = _plain(found)
        return {"requests": int(requests), "tokens_total": int(tokens), "cost": float(cost)}

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
