"""Random analytics rows for the round trips of tests/transfer."""

from typing import Any


def draw_rows(draw: Any, rows: dict[str, list[dict[str, object]]], kit: Any) -> None:
    st = kit.st
    projects = [p["project_id"] for p in rows["projects"]]
    for n in range(draw(st.integers(0, 3))):
        rows["analytics"].append(
            {
                "record_id": f"measure-{n}-{draw(st.uuids())}",
                "project_id": draw(st.none() | st.sampled_from(projects or [None])),
                "metric_name": draw(kit.NAME),
                "value": draw(st.floats(-1e12, 1e12)),
                "recorded_at": draw(kit.WHEN),
                "metadata": kit.json_text(draw(kit.OBJECT)),
            }
        )
