"""New record ids: random version 4 UUIDs, written as uuid4 writes them."""

import uuid

from codedb.core.ids import new_id


def test_new_ids_are_random_version_4_uuids_as_uuid4_writes_them() -> None:
    made = [new_id() for _ in range(20_000)]
    assert len(set(made)) == len(made)
    for text in made:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122) and str(parsed) == text
    # 122 bits vary from id to id, and the version's 4 and the variant's 2 never do
    fixed = 0xF << 76 | 0x3 << 62
    ored, anded = 0, (1 << 128) - 1
    for text in made:
        value = uuid.UUID(text).int
        ored, anded = ored | value, anded & value
    varying = ored & ~anded
    assert varying & fixed == 0 and bin(varying).count("1") == 122
