"""Random system_metrics rows for the round trips of tests/transfer."""

from typing import Any


def draw_rows(draw: Any, rows: dict[str, list[dict[str, object]]], kit: Any) -> None:
    st = kit.st
    for n in range(draw(st.integers(0, 3))):
        rows["system_metrics"].append(
            {
                "metric_id": f"metric-{n}-{draw(st.uuids())}",
                "operation": draw(kit.NAME),
                "duration_ms": draw(st.floats(0, 1e9)),
                "success": draw(st.booleans()),
                "error": draw(st.none() | kit.TEXT),
                "extra": kit.json_text(draw(kit.OBJECT)),
                "created_at": draw(kit.WHEN),
            }
        )
