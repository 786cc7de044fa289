"""The origins domain's record."""

from datetime import datetime

import attrs

from ...core.convert import KEY, stored_time


@attrs.frozen
class ExternalId:
    system: str = attrs.field(metadata=KEY)  # the tool: codeobit, duilio, pygubu, yago
    kind: str = attrs.field(metadata=KEY)  # its table
    external_id: str = attrs.field(metadata=KEY)  # the id there, as text
    record_id: str  # the codedb row's id
    created_at: datetime = attrs.field(converter=stored_time)
