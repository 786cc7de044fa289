"""Origins (db.origins): the ids imported records had in the tools they came from."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from ...core.api import DomainAPI
from ...core.convert import now, params
from ...errors import CodedbError
from .records import ExternalId

# The namespace of the ids codedb gives to imported records (uuid5 of system, kind and id):
# the same record of the same tool gets the same codedb id on every import, on every machine.
NAMESPACE = uuid.UUID("6f1d8d6c-4b7e-5f0a-9a51-3c0de7db0001")


def record_id_for(system: str, kind: str, external_id: object) -> str:
    """The codedb id an imported record gets: a UUID derived from where it came from."""
    return str(uuid.uuid5(NAMESPACE, f"{system}\x00{kind}\x00{external_id}"))


class Origins(DomainAPI):
    """The mapping between the tools' ids and codedb's."""

    def record_id(self, system: str, kind: str, external_id: object) -> str | None:
        """The codedb id of the record `external_id` of `system`'s `kind`, or None."""
        found = self.sql.get_record_id(self.conn, system=system, kind=kind, external_id=str(external_id))
        return None if found is None else str(found)

    def external_id(self, system: str, kind: str, record_id: str) -> str | None:
        """The id `system` knows the codedb record `record_id` of `kind` by, or None."""
        found = self.sql.get_external_id(self.conn, system=system, kind=kind, record_id=record_id)
        return None if found is None else str(found)

    def remember(self, system: str, kind: str, pairs: Iterable[tuple[object, str]]) -> int:
        """Note (external id, codedb id) pairs of `system`'s `kind`; those known already stay
        as they are. The number added."""
        stamp = now()
        rows = [params(ExternalId(system, kind, str(external), record, stamp)) for external, record in pairs]
        return int(self.sql.load_external_ids(self.conn, rows)) if rows else 0

    def next_number(self, system: str, kind: str) -> int:
        """The next whole-number id for `system`'s `kind` (codeobit's AUTOINCREMENT): one more
        than the largest it has handed out or imported."""
        return int(self.sql.max_numeric_external_id(self.conn, system=system, kind=kind) or 0) + 1

    def number_for(self, system: str, kind: str, record_id: str) -> int:
        """The whole-number id `system` knows the codedb record `record_id` of `kind` by: the
        one it has, else the next number, handed out now (once: the mapping is kept)."""
        found = self.external_id(system, kind, record_id)
        if found is not None and found.isdigit():
            return int(found)
        for _ in range(100):  # another process may take the same number at the same moment
            number = self.next_number(system, kind)
            if self.remember(system, kind, [(number, record_id)]):
                return number
            found = self.external_id(system, kind, record_id)
            if found is not None and found.isdigit():
                return int(found)  # that process numbered this very record
        raise CodedbError(f"could not give {kind} record {record_id} a {system} id; try again")
