"""Random conversation_history rows for the round trips of tests/transfer."""

from typing import Any


def draw_rows(draw: Any, rows: dict[str, list[dict[str, object]]], kit: Any) -> None:
    st = kit.st
    for n, user in enumerate(rows["users"]):
        for m in range(draw(st.integers(0, 3))):
            rows["conversation_history"].append(
                {
                    "message_id": f"{user['user_id']}-m{m}",
                    "user_id": user["user_id"],
                    "session_id": f"s{n}-{draw(st.integers(0, 1))}",
                    "role": draw(st.sampled_from(["system", "user", "assistant", "tool"])),
                    "content": draw(kit.TEXT),
                    "model": draw(st.none() | kit.TEXT),
                    "workspace_path": draw(st.none() | kit.TEXT),
                    "tokens": draw(st.integers(0, 10**6)),
                    "extra": kit.json_text(draw(kit.OBJECT)),
                    "created_at": draw(kit.WHEN),
                }
            )
            rows["message_vectors"] += kit.vectors(draw, "message_id", f"{user['user_id']}-m{m}")
