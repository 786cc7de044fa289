"""db.origins: the ids imported records had in their tools, kept beside codedb's own, on both
backends: derived ids are stable, a known mapping is never replaced, whole-number ids are
handed out once and counted on."""

import codedb
from codedb.domains.origins.api import record_id_for


def test_the_id_of_an_imported_record_is_derived_the_same_everywhere() -> None:
    first = record_id_for("codeobit", "users", 5)
    assert first == record_id_for("codeobit", "users", "5")  # the id as text: the same record
    assert len({first, record_id_for("codeobit", "projects", 5), record_id_for("yago", "users", 5)}) == 3


def test_a_mapping_is_remembered_once_and_read_both_ways(ready_target: str) -> None:
    with codedb.connect(ready_target) as db:
        assert db.origins.remember("duilio", "users", [("user123", "u-1"), ("user456", "u-2")]) == 2
        assert db.origins.remember("duilio", "users", [("user123", "u-other")]) == 0  # kept as it was
        assert db.origins.record_id("duilio", "users", "user123") == "u-1"
        assert db.origins.external_id("duilio", "users", "u-2") == "user456"
        assert db.origins.record_id("duilio", "projects", "user123") is None  # another kind
        assert db.origins.remember("duilio", "users", []) == 0


def test_whole_number_ids_are_handed_out_once_after_the_largest(ready_target: str) -> None:
    with codedb.connect(ready_target) as db:
        assert db.origins.next_number("codeobit", "projects") == 1
        db.origins.remember("codeobit", "projects", [(41, "p-imported"), ("not-a-number", "p-odd")])
        assert db.origins.number_for("codeobit", "projects", "p-new") == 42
        assert db.origins.number_for("codeobit", "projects", "p-new") == 42  # the same, not 43
        assert db.origins.number_for("codeobit", "projects", "p-imported") == 41
        assert db.origins.number_for("codeobit", "projects", "p-later") == 43
