"""Random functions, their modules, tags, dependencies, tests, results and changes, for the
round trips of tests/transfer (found by domain name)."""

import uuid
from datetime import timedelta
from typing import Any


def draw_rows(draw: Any, rows: dict[str, list[dict[str, object]]], kit: Any) -> None:
    n = draw(kit.st.integers(1, 6))
    ids = [str(uuid.UUID(int=draw(kit.st.integers(0, 2**128 - 1)))) for _ in range(n)]
    ids = list(dict.fromkeys(ids))
    modules = draw(kit.st.lists(kit.NAME, max_size=3, unique=True))
    tags = draw(kit.st.lists(kit.NAME, max_size=3, unique=True))
    for index, fid in enumerate(ids):
        created = draw(kit.WHEN)
        rows["function"].append(
            {
                "function_id": fid,
                "name": draw(kit.NAME),
                "description": draw(kit.TEXT),
                "code_snippet": draw(kit.TEXT),
                "creation_date": created,
                "last_modified_date": created + timedelta(seconds=draw(kit.st.integers(0, 10**6))),
                "signature_json": draw(kit.st.none() | kit.st.just('{"arg_names": [], "arg_types": []}')),
            }
        )
        for module in draw(kit.st.lists(kit.st.sampled_from(modules), unique=True)) if modules else []:
            rows["function_modules"].append({"function_id": fid, "module_name": module})
        for tag in draw(kit.st.lists(kit.st.sampled_from(tags), unique=True)) if tags else []:
            rows["function_tags"].append({"function_id": fid, "tag": tag})
        for later in ids[index + 1 :]:  # edges go forward only: no cycles
            if draw(kit.st.booleans()):
                rows["function_dependencies"].append({"function_id": fid, "depends_on_id": later})
        for t in range(draw(kit.st.integers(0, 2))):
            tid = f"{fid}-t{t}"
            rows["unittest"].append(
                {
                    "test_id": tid,
                    "function_id": fid,
                    "name": draw(kit.NAME),
                    "description": draw(kit.TEXT),
                    "test_case": draw(kit.TEXT),
                }
            )
            for r in range(draw(kit.st.integers(0, 2))):
                rows["testresult"].append(
                    {
                        "result_id": f"{tid}-r{r}",
                        "test_id": tid,
                        "function_id": fid,
                        "execution_date": draw(kit.WHEN),
                        "actual_result": draw(kit.st.none() | kit.TEXT),
                        "status": draw(kit.st.sampled_from(["passed", "failed", "pending", "running"])),
                    }
                )
        rows["function_vectors"] += kit.vectors(draw, "function_id", fid)
        if draw(kit.st.booleans()):
            rows["modification"].append(
                {
                    "modification_id": f"{fid}-m",
                    "function_id": fid,
                    "modifier": draw(kit.NAME),
                    "modification_date": draw(kit.WHEN),
                    "description": draw(kit.TEXT),
                }
            )
    rows["module"] = [{"name": m, "module_id": str(uuid.uuid5(uuid.NAMESPACE_URL, m))} for m in modules]
    rows["tag"] = [{"name": t} for t in tags]
