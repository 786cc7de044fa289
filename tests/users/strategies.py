"""Random users, for the round trips of tests/transfer (found by domain name)."""

import uuid
from typing import Any


def draw_rows(draw: Any, rows: dict[str, list[dict[str, object]]], kit: Any) -> None:
    users = [str(uuid.UUID(int=draw(kit.st.integers(0, 2**64)))) for _ in range(draw(kit.st.integers(0, 2)))]
    for n, uid in enumerate(dict.fromkeys(users)):
        rows["users"].append(
            {
                "user_id": uid,
                "username": f"u{n}-" + draw(kit.TEXT),
                "email": draw(kit.st.none() | kit.st.just(f"u{n}@example.com")),
                "full_name": draw(kit.TEXT),
                "preferences": kit.json_text(draw(kit.OBJECT)),
                "is_active": draw(kit.st.booleans()),
                "api_key_hash": draw(kit.st.none() | kit.st.just("scrypt$16384$8$1$c2FsdA==$aGFzaA==")),
                "last_login": draw(kit.st.none() | kit.WHEN),
                "created_at": draw(kit.WHEN),
                "updated_at": draw(kit.WHEN),
                "password_hash": draw(kit.st.none() | kit.st.just("$2b$12$abcdefghijklmnopqrstuu")),
                "is_verified": draw(kit.st.booleans()),
            }
        )
