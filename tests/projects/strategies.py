"""Random projects and each table of their work, for the round trips of tests/transfer
(found by domain name)."""

from typing import Any


def draw_rows(draw: Any, rows: dict[str, list[dict[str, object]]], kit: Any) -> None:
    users = list(dict.fromkeys(u["user_id"] for u in rows["users"]))
    for n in range(draw(kit.st.integers(0, 3))):
        pid = f"p{n}-{draw(kit.st.uuids())}"
        rows["projects"].append(
            {
                "project_id": pid,
                "user_id": draw(kit.st.none() | kit.st.sampled_from(list(dict.fromkeys(users)) or [None])),
                "name": f"project {n} " + draw(kit.TEXT),
                "description": draw(kit.TEXT),
                "project_type": draw(kit.TEXT),
                "path": draw(kit.st.none() | kit.TEXT),
                "status": draw(
                    kit.st.sampled_from(
                        ["creating", "in_progress", "executing", "paused", "completed", "failed"]
                    )
                ),
                "config": kit.json_text(draw(kit.OBJECT)),
                "brief": draw(kit.st.none() | kit.OBJECT.map(kit.json_text)),
                "provider": draw(kit.st.none() | kit.TEXT),
                "model": draw(kit.st.none() | kit.TEXT),
                "temperature": draw(kit.st.none() | kit.st.floats(0, 2)),
                "max_tokens": draw(kit.st.none() | kit.st.integers(1, 10**6)),
                "cost_estimate": draw(kit.st.floats(0, 1e6)),
                "actual_cost": draw(kit.st.floats(0, 1e6)),
                "files_generated": draw(kit.st.integers(0, 10**6)),
                "lines_of_code": draw(kit.st.integers(0, 10**6)),
                "generations": draw(kit.st.integers(0, 10**6)),
                "error_message": draw(kit.st.none() | kit.TEXT),
                "created_at": draw(kit.WHEN),
                "updated_at": draw(kit.WHEN),
                "started_at": draw(kit.st.none() | kit.WHEN),
                "completed_at": draw(kit.st.none() | kit.WHEN),
                "progress": draw(kit.st.floats(0, 100)),
                "agent_role": draw(kit.st.none() | kit.TEXT),
                "strategy": draw(kit.st.none() | kit.TEXT),
                "errors": kit.json_text(draw(kit.st.lists(kit.OBJECT, max_size=2))),
                "logs": kit.json_text(draw(kit.st.lists(kit.OBJECT, max_size=2))),
                "metadata": kit.json_text(draw(kit.OBJECT)),
            }
        )
        for e in range(draw(kit.st.integers(0, 2))):
            rows["workflow_events"].append(
                {
                    "event_id": f"{pid}-e{e}",
                    "project_id": pid,
                    "timestamp": draw(kit.WHEN),
                    "action": draw(kit.NAME),
                    "description": draw(kit.TEXT),
                    "actor": draw(kit.st.none() | kit.TEXT),
                }
            )
        if draw(kit.st.booleans()):
            rows["generated_files"].append(
                {
                    "file_id": f"{pid}-f",
                    "project_id": pid,
                    "path": "src/" + draw(kit.NAME),
                    "file_type": draw(kit.TEXT),
                    "content": draw(kit.TEXT),
                    "size": draw(kit.st.integers(0, 10**6)),
                    "lines": draw(kit.st.integers(0, 10**4)),
                    "provider": draw(kit.st.none() | kit.TEXT),
                    "created_at": draw(kit.WHEN),
                    "updated_at": draw(kit.WHEN),
                }
            )
        if draw(kit.st.booleans()):
            rows["code_generations"].append(
                {
                    "generation_id": f"{pid}-g",
                    "project_id": pid,
                    "specification": draw(kit.TEXT),
                    "language": draw(kit.TEXT),
                    "framework": draw(kit.TEXT),
                    "generated_code": draw(kit.TEXT),
                    "status": draw(kit.st.sampled_from(["pending", "running", "completed", "failed"])),
                    "tokens_used": draw(kit.st.integers(0, 10**6)),
                    "created_at": draw(kit.WHEN),
                    "updated_at": draw(kit.WHEN),
                    "claimed_by": draw(kit.st.none() | kit.TEXT),
                    "lease_until": draw(kit.st.none() | kit.WHEN),
                    "attempts": draw(kit.st.integers(0, 100)),
                    "cost": draw(kit.st.floats(0, 1e3)),
                    "error": draw(kit.st.none() | kit.TEXT),
                }
            )
        if draw(kit.st.booleans()):
            rows["clarification_sessions"].append(
                {
                    "session_id": f"{pid}-c",
                    "project_id": draw(kit.st.none() | kit.st.just(pid)),
                    "idea": draw(kit.TEXT),
                    "depth": draw(kit.TEXT),
                    "questions": kit.json_text(draw(kit.st.lists(kit.JSON, max_size=3))),
                    "answers": kit.json_text(draw(kit.OBJECT)),
                    "progress": draw(kit.st.floats(0, 100)),
                    "completed": draw(kit.st.booleans()),
                    "created_at": draw(kit.WHEN),
                    "updated_at": draw(kit.WHEN),
                    "current_question": draw(kit.st.integers(0, 50)),
                    "provider": draw(kit.st.none() | kit.TEXT),
                    "completed_at": draw(kit.st.none() | kit.WHEN),
                }
            )
        if draw(kit.st.booleans()):
            rows["project_analyses"].append(
                {
                    "analysis_id": f"{pid}-a",
                    "project_id": pid,
                    "analysis": kit.json_text(draw(kit.OBJECT)),
                    "health_score": draw(kit.st.floats(0, 100)),
                    "issues": draw(kit.st.integers(0, 10**4)),
                    "warnings": draw(kit.st.integers(0, 10**4)),
                    "created_at": draw(kit.WHEN),
                }
            )
        if draw(kit.st.booleans()):
            rows["ai_provider_usage"].append(
                {
                    "usage_id": f"{pid}-u",
                    "project_id": draw(kit.st.none() | kit.st.just(pid)),
                    "provider": draw(kit.NAME),
                    "model": draw(kit.NAME),
                    "request_type": draw(kit.TEXT),
                    "tokens_in": draw(kit.st.integers(0, 10**6)),
                    "tokens_out": draw(kit.st.integers(0, 10**6)),
                    "tokens_total": draw(kit.st.integers(0, 2 * 10**6)),
                    "cost": draw(kit.st.floats(0, 1e3)),
                    "latency_ms": draw(kit.st.none() | kit.st.floats(0, 1e5)),
                    "success": draw(kit.st.booleans()),
                    "error": draw(kit.st.none() | kit.TEXT),
                    "timestamp": draw(kit.WHEN),
                }
            )
    if draw(kit.st.booleans()):
        rows["autosaves"].append(
            {
                "save_id": str(draw(kit.st.uuids())),
                "file_path": draw(kit.NAME),
                "content": draw(kit.TEXT),
                "save_type": draw(kit.TEXT),
                "metadata": kit.json_text(draw(kit.OBJECT)),
                "size_chars": draw(kit.st.integers(0, 10**6)),
                "created_at": draw(kit.WHEN),
            }
        )
    if draw(kit.st.booleans()):
        rows["cost_alert_dismissals"].append(
            {
                "alert_id": draw(kit.NAME),
                "dismissed_at": draw(kit.WHEN),
                "dismissed_by": draw(kit.st.none() | kit.TEXT),
            }
        )
