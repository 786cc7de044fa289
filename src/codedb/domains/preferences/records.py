"""The preferences domain's record."""

from datetime import datetime
from typing import Any

import attrs

from ...core.convert import KEY, json_value_field, stored_time


@attrs.frozen
class Preference:
    user_id: str
    key: str = attrs.field(metadata=KEY)
    value: Any = json_value_field()
    created_at: datetime = attrs.field(converter=stored_time, default=None)
    updated_at: datetime = attrs.field(converter=stored_time, default=None)
