"""The JSON columns' conversions: what is written is what is read back, the empty object and
array included (made without the parser, a new one each time); the time every write stores."""

import json

from hypothesis import given
from hypothesis import strategies as st

from codedb.core.convert import json_text, stored_json

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@given(st.lists(JSON_VALUES, max_size=3) | st.dictionaries(st.text(max_size=5), JSON_VALUES, max_size=3))
def test_a_json_column_reads_back_what_was_written(value):
    text = json_text(value)
    assert json.loads(text) == value
    assert stored_json(text) == value


def test_the_empty_object_and_array_are_fresh_each_time():
    assert (json_text({}), json_text([]), json_text(None)) == ("{}", "[]", None)
    first = stored_json("{}")
    first["changed"] = 1
    assert stored_json("{}") == {}
    listed = stored_json("[]")
    listed.append(1)
    assert stored_json("[]") == []
    assert stored_json({"a": 1}) == {"a": 1}  # psycopg hands back decoded jsonb: kept as it is


def test_falsy_values_that_are_not_containers_still_go_through_the_encoder():
    assert (json_text(0), json_text(""), json_text(False)) == ("0", '""', "false")


def test_now_is_naive_utc_to_the_microsecond(monkeypatch):
    import time
    from datetime import UTC, datetime

    from codedb.core.convert import db_time, now

    monkeypatch.setenv("TZ", "America/New_York")  # a local time that is not UTC
    time.tzset()
    try:
        before = datetime.now(UTC).replace(tzinfo=None)
        made = now()
        after = datetime.now(UTC).replace(tzinfo=None)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert made.tzinfo is None and before <= made <= after
    assert db_time(made) == made.isoformat(" ", "microseconds")  # what every write stores
