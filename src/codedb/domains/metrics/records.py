"""The metrics domain's records: a timed operation (a row), and an operation's summary."""

from datetime import datetime
from typing import Any

import attrs

from ...core.convert import KEY, json_field, optional_float, stored_bool, stored_time


@attrs.frozen
class Metric:
    metric_id: str
    operation: str = attrs.field(metadata=KEY)
    duration_ms: float = attrs.field(converter=float)
    success: bool = attrs.field(converter=stored_bool, default=True)
    error: str | None = None
    extra: Any = json_field(factory=dict)
    created_at: datetime = attrs.field(converter=stored_time, default=None)


@attrs.frozen
class OperationSummary:
    """One operation over a window: runs, failures, the error rate, the mean and the exact
    nearest-rank percentiles of its durations (ms)."""

    operation: str
    count: int
    errors: int
    error_rate: float = attrs.field(converter=float)
    mean_ms: float = attrs.field(converter=float)
    p50_ms: float | None = attrs.field(converter=optional_float)
    p95_ms: float | None = attrs.field(converter=optional_float)
    p99_ms: float | None = attrs.field(converter=optional_float)
    max_ms: float = attrs.field(converter=float)
