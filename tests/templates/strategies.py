"""Random template marketplace rows for the round trips of tests/transfer."""

from typing import Any


def draw_rows(draw: Any, rows: dict[str, list[dict[str, object]]], kit: Any) -> None:
    st = kit.st
    users = [u["user_id"] for u in rows["users"]]
    for n in range(draw(st.integers(0, 2))):
        tid = f"template-{n}-{draw(st.uuids())}"
        rows["templates"].append(
            {
                "template_id": tid,
                "name": f"t{n} " + draw(kit.TEXT),
                "description": draw(kit.TEXT),
                "author": draw(kit.TEXT),
                "created_at": draw(kit.WHEN),
                "updated_at": draw(kit.WHEN),
                "metadata": kit.json_text(draw(kit.OBJECT)),
                "prior_downloads": draw(st.integers(0, 10**6)),
                "prior_rating": draw(st.none() | st.floats(0, 5)),
            }
        )
        rows["template_vectors"] += kit.vectors(draw, "template_id", tid)
        versions = draw(st.integers(1, 3))
        for version in range(1, versions + 1):
            rows["template_versions"].append(
                {
                    "template_id": tid,
                    "version": version,
                    "content": draw(kit.TEXT),
                    "notes": draw(kit.TEXT),
                    "published_at": draw(kit.WHEN),
                    "label": draw(st.none() | st.just(f"{version}.0.0")),
                }
            )
        for tag in draw(st.lists(kit.NAME, max_size=2, unique=True)):
            rows["template_tags"].append({"template_id": tid, "tag": tag})
        for user in draw(st.lists(st.sampled_from(users), unique=True)) if users else []:
            rows["template_ratings"].append(
                {
                    "template_id": tid,
                    "user_id": user,
                    "rating": draw(st.integers(1, 5)),
                    "created_at": draw(kit.WHEN),
                    "updated_at": draw(kit.WHEN),
                }
            )
        for d in range(draw(st.integers(0, 2))):
            rows["template_downloads"].append(
                {
                    "download_id": f"{tid}-d{d}",
                    "template_id": tid,
                    "version": draw(st.integers(1, versions)),
                    "user_id": draw(st.none() | st.sampled_from(users or [None])),
                    "downloaded_at": draw(kit.WHEN),
                }
            )
