"""The analytics domain's records: a measurement (a row), and what reports make of them."""

from datetime import datetime
from typing import Any

import attrs

from ...core.convert import KEY, json_field, stored_time


@attrs.frozen
class Measurement:
    record_id: str
    project_id: str | None
    metric_name: str = attrs.field(metadata=KEY)
    value: float = attrs.field(converter=float)
    recorded_at: datetime = attrs.field(converter=stored_time, default=None)
    metadata: Any = json_field(factory=dict)


@attrs.frozen
class MetricSummary:
    """One metric of a project: how many measurements, the latest (and when), min, max, mean."""

    metric_name: str
    count: int
    latest: float = attrs.field(converter=float)
    latest_at: datetime = attrs.field(converter=stored_time)
    min: float = attrs.field(converter=float)
    max: float = attrs.field(converter=float)
    mean: float = attrs.field(converter=float)


@attrs.frozen
class Trend:
    """A metric over one period (YYYY-MM-DD for a day or a week's Monday, YYYY-MM a month)."""

    period: str
    count: int
    total: float = attrs.field(converter=float)
    mean: float = attrs.field(converter=float)
    min: float = attrs.field(converter=float)
    max: float = attrs.field(converter=float)


@attrs.frozen
class UsageCount:
    """How often one value of a metadata key (a widget, a feature) was recorded."""

    name: str
    count: int
    total: float = attrs.field(converter=float)
