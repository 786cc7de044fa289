"""Random external_ids rows for the round trips of tests/transfer (found by domain name)."""

from typing import Any

AFTER = ("users",)  # the users it maps are drawn first


def draw_rows(draw: Any, rows: dict[str, list[dict[str, object]]], kit: Any) -> None:
    for user in rows["users"]:
        if draw(kit.st.booleans()):
            rows["external_ids"].append(
                {
                    "system": draw(kit.st.sampled_from(["codeobit", "duilio", "yago"])),
                    "kind": "users",
                    "external_id": draw(kit.NAME),
                    "record_id": user["user_id"],
                    "created_at": draw(kit.WHEN),
                }
            )
