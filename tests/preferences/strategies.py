"""Random user_preferences rows for the round trips of tests/transfer (found by domain name)."""

from typing import Any


def draw_rows(draw: Any, rows: dict[str, list[dict[str, object]]], kit: Any) -> None:
    for user in rows["users"]:
        for key in draw(kit.st.lists(kit.NAME, max_size=2, unique=True)):
            rows["user_preferences"].append(
                {
                    "user_id": user["user_id"],
                    "key": key,
                    "value": kit.json_text(draw(kit.JSON)),  # any JSON value, a string or null too
                    "created_at": draw(kit.WHEN),
                    "updated_at": draw(kit.WHEN),
                }
            )
