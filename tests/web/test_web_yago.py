"""YAGO's routes through a real server, on SQLite and PostgreSQL, with YAGO's shapes
(docs/moving.md, YAGO): projects, their lifecycle, execute and the queue, export,
files, cost alerts and clarification sessions."""

from typing import Any

import pytest

import codedb

PROJECT_FIELDS = {
    "id",
    "name",
    "description",
    "status",
    "progress",
    "brief",
    "config",
    "primary_model",
    "agent_role",
    "strategy",
    "temperature",
    "max_tokens",
    "created_at",
    "updated_at",
    "started_at",
    "completed_at",
    "project_path",
    "cost_estimate",
    "actual_cost",
    "files_generated",
    "lines_of_code",
    "errors",
    "logs",
}


def _create(web: Any, idea: str | None = "a book shop", **config: Any) -> dict[str, Any]:
    brief = {} if idea is None else {"project_idea": idea, "target_users": "students"}
    answer = web.client.post("/api/v1/projects", json={"brief": brief, "config": config})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_create_and_get_have_yago_shapes(web: Any) -> None:
    made = _create(web, primary_model="gpt-4", agent_role="architect", temperature=0.2, max_tokens=900)
    assert set(made) == {"project_id", "status", "message", "project"} and made["status"] == "created"
    project = made["project"]
    assert set(project) == PROJECT_FIELDS
    assert (project["name"], project["description"], project["status"]) == (
        "a book shop",
        "a book shop",
        "creating",
    )
    assert (
        project["primary_model"],
        project["agent_role"],
        project["temperature"],
        project["max_tokens"],
    ) == (
        "gpt-4",
        "architect",
        0.2,
        900,
    )
    assert project["strategy"] == "balanced" and project["brief"]["target_users"] == "students"
    assert web.client.get(f"/api/v1/projects/{made['project_id']}").json() == project
    untitled = _create(web, None)["project"]
    assert untitled["name"] == "Untitled Project" and untitled["temperature"] == 0.7
    assert _create(web)["project"]["name"] == "a book shop (2)"  # YAGO allowed two of one idea


def test_listing_pages_sorts_and_filters(web: Any) -> None:
    ids = [_create(web, f"idea {n:02}")["project_id"] for n in range(23)]
    page = web.client.get("/api/v1/projects", params={"page": 3, "page_size": 10}).json()
    assert page["pagination"] == {
        "total": 23,
        "page": 3,
        "page_size": 10,
        "total_pages": 3,
        "has_next": False,
        "has_prev": True,
    }
    assert [p["id"] for p in page["projects"]] == ids[::-1][20:]  # newest first by default
    by_name = web.client.get("/api/v1/projects", params={"sort_by": "name", "order": "asc", "page_size": 2})
    assert [p["name"] for p in by_name.json()["projects"]] == ["idea 00", "idea 01"]
    web.client.post(f"/api/v1/projects/{ids[4]}/start")
    started = web.client.get("/api/v1/projects", params={"status": "in_progress"}).json()
    assert [p["id"] for p in started["projects"]] == [ids[4]] and started["pagination"]["total"] == 1
    for params, field in (
        ({"page_size": 101}, "page_size"),
        ({"page": 0}, "page"),
        ({"sort_by": "x"}, "sort_by"),
        ({"order": "up"}, "order"),
        ({"status": "lost"}, "status"),
        ({"page": "two"}, "page"),
    ):
        answer = web.client.get("/api/v1/projects", params=params)
        assert answer.status_code == 422 and field in answer.json()["detail"], params


def test_update_reports_progress_errors_and_logs(web: Any) -> None:
    pid = _create(web)["project_id"]
    answer = web.client.put(
        f"/api/v1/projects/{pid}", json={"status": "in_progress", "progress": 30, "log": "go"}
    )
    assert answer.json()["status"] == "updated"
    project = answer.json()["project"]
    assert (project["status"], project["progress"], project["started_at"] is not None) == (
        "in_progress",
        30.0,
        True,
    )
    project = web.client.put(
        f"/api/v1/projects/{pid}",
        json={"error": "disk full", "actual_cost": 2.5, "files_generated": 4, "lines_of_code": 120},
    ).json()["project"]
    assert [e["error"] for e in project["errors"]] == ["disk full"] and [
        e["log"] for e in project["logs"]
    ] == ["go"]
    assert (project["actual_cost"], project["files_generated"], project["lines_of_code"]) == (2.5, 4, 120)
    done = web.client.put(f"/api/v1/projects/{pid}", json={"status": "completed"}).json()["project"]
    assert done["completed_at"] is not None
    before = web.client.get(f"/api/v1/projects/{pid}").json()
    for body, status, word in (
        ({"progress": 101}, 422, "progress"),
        ({"progress": "half"}, 422, "progress"),
        ({"nickname": "x"}, 422, "nickname"),
        ({"status": "creating"}, 409, "creating"),
        ({"files_generated": 1.5}, 422, "files_generated"),
        ([1, 2], 422, "JSON object"),
    ):
        answer = web.client.put(f"/api/v1/projects/{pid}", json=body)
        assert answer.status_code == status and word in answer.json()["detail"], body
    assert web.client.get(f"/api/v1/projects/{pid}").json() == before


def test_lifecycle_routes_and_delete(web: Any) -> None:
    pid = _create(web)["project_id"]
    assert web.client.post(f"/api/v1/projects/{pid}/pause").status_code == 409  # creating cannot pause
    for action, said, status in (
        ("start", "started", "in_progress"),
        ("pause", "paused", "paused"),
        ("resume", "resumed", "in_progress"),
    ):
        answer = web.client.post(f"/api/v1/projects/{pid}/{action}").json()
        assert (answer["project_id"], answer["status"]) == (pid, said) and answer["message"]
        assert web.client.get(f"/api/v1/projects/{pid}").json()["status"] == status
    gone = web.client.delete(f"/api/v1/projects/{pid}").json()
    assert (gone["project_id"], gone["status"]) == (pid, "deleted")
    missing = web.client.get(f"/api/v1/projects/{pid}")
    assert missing.status_code == 404 and pid in missing.json()["detail"]
    assert web.client.delete(f"/api/v1/projects/{pid}").status_code == 404


def test_execute_queues_a_generation_that_a_worker_completes(web: Any) -> None:
    pid = _create(web)["project_id"]
    queued = web.client.post(f"/api/v1/projects/{pid}/execute").json()
    assert (queued["status"], queued["generation_status"]) == ("executing", "pending")
    assert web.client.get(f"/api/v1/projects/{pid}").json()["status"] == "executing"
    claimed = web.client.post("/api/v1/generations/claim", json={"worker": "w1", "lease": 60}).json()
    assert (claimed["generation_id"], claimed["claimed_by"]) == (queued["generation_id"], "w1")
    empty = web.client.post("/api/v1/generations/claim", json={"worker": "w2"}).json()
    assert empty["generation"] is None
    saved = web.client.post(
        f"/api/v1/projects/{pid}/files", json={"path": "src/app.py", "content": "print(1)\n"}
    )
    assert saved.status_code == 201
    stolen = web.client.post(
        f"/api/v1/generations/{claimed['generation_id']}/complete", json={"worker": "w2"}
    )
    assert stolen.status_code == 409
    done = web.client.post(
        f"/api/v1/generations/{claimed['generation_id']}/complete", json={"worker": "w1", "cost": 0.4}
    ).json()
    assert done["status"] == "completed"
    project = web.client.get(f"/api/v1/projects/{pid}").json()
    assert (project["status"], project["actual_cost"], project["files_generated"]) == ("completed", 0.4, 1)


def test_export_files_and_one_file(web: Any, local: codedb.Database) -> None:
    pid = _create(web)["project_id"]
    empty = web.client.get(f"/api/v1/projects/{pid}/files").json()
    assert empty["files"] == [] and empty["message"]
    local.generated_files.save(pid, "src/shop/app.py", "def main():\n    pass\n")
    local.generated_files.save(pid, "README.md", "# shop\n")
    tree = web.client.get(f"/api/v1/projects/{pid}/files").json()
    assert tree["total_files"] == 2 and tree["project_id"] == pid
    src = tree["files"][0]
    assert (src["name"], src["type"], src["path"]) == ("src", "directory", "src")
    leaf = src["children"][0]["children"][0]
    assert leaf == {
        "name": "app.py",
        "path": "src/shop/app.py",
        "type": "file",
        "size": 21,
        "extension": ".py",
    }
    assert tree["files"][1]["name"] == "README.md"
    one = web.client.get(f"/api/v1/projects/{pid}/files/src/shop/app.py").json()
    assert (one["language"], one["lines"], one["size"], one["content"]) == (
        "python",
        2,
        21,
        "def main():\n    pass\n",
    )
    for outside in ("..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "src%2F..%2F..%2Fsecret"):
        answer = web.client.get(f"/api/v1/projects/{pid}/files/{outside}")
        assert answer.status_code == 403 and "outside the project" in answer.json()["detail"], outside
    assert web.client.get(f"/api/v1/projects/{pid}/files/nope.py").status_code == 404
    export = web.client.get(f"/api/v1/projects/{pid}/export").json()
    assert export["export_version"] == "1.0" and export["project"]["id"] == pid
    assert [f["name"] for f in export["files"]] == ["README.md", "project.json", "brief.md"]
    assert "students" in export["files"][2]["content"]


def test_cost_alerts_and_dismissal(web: Any) -> None:
    pid = _create(web, cost_estimate=10)["project_id"]
    assert web.client.get("/api/v1/costs/alerts").json()["alerts"] == []
    web.client.put(f"/api/v1/projects/{pid}", json={"actual_cost": 60})
    listed = web.client.get("/api/v1/costs/alerts").json()
    assert (listed["total_alerts"], listed["unread_count"]) == (2, 1) and listed["timestamp"]
    kinds = {a["type"]: a for a in listed["alerts"]}
    over = kinds["budget_exceeded"]
    assert (over["severity"], over["project_id"], over["actual_cost"], over["estimated_cost"]) == (
        "high",
        pid,
        60.0,
        10.0,
    )
    assert (kinds["weekly_limit_warning"]["total_cost"], kinds["weekly_limit_warning"]["limit"]) == (
        60.0,
        100.0,
    )
    dismissed = web.client.post(f"/api/v1/costs/alerts/{over['id']}/dismiss").json()
    assert (dismissed["alert_id"], dismissed["status"]) == (over["id"], "dismissed") and dismissed[
        "dismissed_at"
    ]
    assert [a["type"] for a in web.client.get("/api/v1/costs/alerts").json()["alerts"]] == [
        "weekly_limit_warning"
    ]


def test_clarification_session_from_start_to_brief(web: Any) -> None:
    started = web.client.post(
        "/api/v1/clarifications/start",
        json={"project_idea": "a shop", "depth": "minimal", "questions": ["Who buys?", "What?", "Where?"]},
    ).json()
    sid = started["session_id"]
    assert started["current_question"] == {"index": 0, "number": 1, "question": "Who buys?"}
    assert started["progress"]["answered"] == 0 and started["can_skip"] and not started["previous_available"]
    turn = web.client.post(f"/api/v1/clarifications/{sid}/answer", json={"answer": "students"}).json()
    assert turn["current_question"]["question"] == "What?" and turn["previous_available"]
    turn = web.client.post(f"/api/v1/clarifications/{sid}/answer", json={"skip": True}).json()
    assert turn["progress"]["answered"] == 2 and turn["current_question"]["number"] == 3
    assert web.client.post(f"/api/v1/clarifications/{sid}/answer", json={}).status_code == 422
    progress = web.client.get(f"/api/v1/clarifications/{sid}/progress").json()
    assert progress == {"session_id": sid, "answered": 2, "total": 3, "percentage": pytest.approx(66.67)}
    done = web.client.post(f"/api/v1/clarifications/{sid}/complete").json()
    assert done["brief"]["answers"][0] == {"question": "Who buys?", "answer": "students"}
    session = web.client.get(f"/api/v1/clarifications/{sid}").json()
    assert session["is_completed"] and session["total_questions"] == 3 and session["project_idea"] == "a shop"
    assert web.client.post(f"/api/v1/clarifications/{sid}/complete").status_code == 409
    no_questions = web.client.post("/api/v1/clarifications/start", json={"project_idea": "x"})
    assert no_questions.status_code == 422 and "questions" in no_questions.json()["detail"]
