"""YAGO's HTTP API, shape for shape (its routes under /api/v1/projects, /costs/alerts and
/clarifications, with its JSON field names), over codedb's projects domain. Each route
parses, calls the domain API once and renders: YAGO's names are mapped here, the rules live
in the domain (db.projects.report, db.generations.queue, db.usage.alerts, ...)."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from ..core.convert import now
from ..domains.projects.records import ClarificationSession, GeneratedFile, Project
from ..domains.projects.work import check_relative_path
from ..errors import Forbidden, InvalidInput
from .endpoint import Call, Endpoint, Param

if TYPE_CHECKING:
    from ..core.db import Database

API = "/api/v1"
UNTITLED = "Untitled Project"
NAME_LENGTH = 100  # a project's name is its idea's first 100 characters
SORTS = {"created_at": "created", "updated_at": "updated", "name": "name", "actual_cost": "cost"}
LANGUAGES = {
    "py": "python", "js": "javascript", "jsx": "javascript", "ts": "typescript", "tsx": "typescript",
    "md": "markdown", "json": "json", "html": "html", "css": "css", "sh": "bash", "yml": "yaml",
    "yaml": "yaml", "sql": "sql", "rs": "rust", "go": "go", "java": "java", "c": "c", "h": "c",
    "cpp": "cpp", "rb": "ruby", "php": "php", "toml": "toml", "txt": "text", "jl": "julia",
}  # fmt: skip


@attrs.frozen
class YagoProject:
    """A project as YAGO's API returns it."""

    id: str
    name: str
    description: str
    status: str
    progress: float
    brief: dict[str, Any] | None
    config: dict[str, Any]
    primary_model: str | None
    agent_role: str | None
    strategy: str
    temperature: float
    max_tokens: int
    created_at: str
    updated_at: str
    started_at: str | None
    completed_at: str | None
    project_path: str | None
    cost_estimate: float
    actual_cost: float
    files_generated: int
    lines_of_code: int
    errors: list[Any]
    logs: list[Any]


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def yago_project(project: Project) -> YagoProject:
    return YagoProject(
        id=project.project_id,
        name=project.name,
        description=project.description,
        status=project.status,
        progress=project.progress,
        brief=project.brief,
        config=project.config,
        primary_model=project.model,
        agent_role=project.agent_role,
        strategy=project.strategy or "balanced",
        temperature=0.7 if project.temperature is None else project.temperature,
        max_tokens=project.max_tokens or 4000,
        created_at=project.created_at.isoformat(),
        updated_at=project.updated_at.isoformat(),
        started_at=_time(project.started_at),
        completed_at=_time(project.completed_at),
        project_path=project.path,
        cost_estimate=project.cost_estimate,
        actual_cost=project.actual_cost,
        files_generated=project.files_generated,
        lines_of_code=project.lines_of_code,
        errors=list(project.errors),
        logs=list(project.logs),
    )


@attrs.frozen
class Pagination:
    total: int
    page: int
    page_size: int
    total_pages: int
    has_next: bool
    has_prev: bool


@attrs.frozen
class ProjectList:
    projects: list[YagoProject]
    pagination: Pagination


@attrs.frozen
class CreateBody:
    brief: dict[str, Any] = attrs.field(factory=dict)
    config: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class UpdateBody:
    status: str | None = None
    progress: float | None = None
    actual_cost: float | None = None
    files_generated: int | None = None
    lines_of_code: int | None = None
    error: str | None = None
    log: str | None = None


@attrs.frozen
class StartBody:
    project_idea: str
    questions: list[str]  # codedb asks no language model: the questions come with the idea
    project_type: str | None = None
    depth: str = "standard"
    project_id: str | None = None


@attrs.frozen
class AnswerBody:
    answer: str | None = None
    skip: bool = False


def _project(db: Database, call: Call) -> Project:
    return db.projects.get(call.path["project_id"])


# --- projects ---------------------------------------------------------------------------------


def list_projects(db: Database, call: Call) -> ProjectList:
    q = call.query
    size, page = q["page_size"], q["page"]
    found = db.projects.list(
        status=q["status"],
        sort=SORTS[q["sort_by"]],
        descending=q["order"] == "desc",
        limit=size,
        offset=(page - 1) * size,
    )
    pages = math.ceil(found.total / size) if found.total else 0
    return ProjectList(
        [yago_project(p) for p in found.projects],
        Pagination(found.total or 0, page, size, pages, page < pages, page > 1),
    )


def create_project(db: Database, call: Call) -> dict[str, Any]:
    brief, config = call.body.brief, call.body.config
    idea = brief.get("project_idea")
    idea = idea.strip() if isinstance(idea, str) and idea.strip() else UNTITLED
    user_id = None if call.user is None else call.user.user_id
    name = db.projects.free_name(idea[:NAME_LENGTH].strip(), user_id)
    project = db.projects.create(
        name,
        idea,
        user_id=user_id,
        brief=brief,
        config=config,
        model=config.get("primary_model"),
        agent_role=config.get("agent_role"),
        strategy=config.get("strategy", "balanced"),
        temperature=config.get("temperature", 0.7),
        max_tokens=config.get("max_tokens", 4000),
        cost_estimate=config.get("cost_estimate", 0.0),
        path=config.get("project_path"),
        actor=call.actor,
    )
    return {
        "project_id": project.project_id,
        "status": "created",
        "message": f"Project {project.name} created",
        "project": yago_project(project),
    }


def get_project(db: Database, call: Call) -> YagoProject:
    return yago_project(_project(db, call))


def update_project(db: Database, call: Call) -> dict[str, Any]:
    project = db.projects.report(call.path["project_id"], **attrs.asdict(call.body), actor=call.actor)
    return {"project_id": project.project_id, "status": "updated", "project": yago_project(project)}


def delete_project(db: Database, call: Call) -> dict[str, Any]:
    project_id = call.path["project_id"]
    db.projects.delete(project_id)
    return {"project_id": project_id, "status": "deleted", "message": "Project deleted successfully"}


def _mover(action: str, said: str) -> Any:
    def move(db: Database, call: Call) -> dict[str, Any]:
        project = db.projects.move(call.path["project_id"], action, actor=call.actor)
        return {"project_id": project.project_id, "status": said, "message": f"Project {project.name} {said}"}

    return move


def execute_project(db: Database, call: Call) -> dict[str, Any]:
    generation = db.generations.queue(call.path["project_id"], actor=call.actor)
    return {
        "project_id": generation.project_id,
        "status": "executing",
        "generation_id": generation.generation_id,
        "generation_status": generation.status,
        "message": "Code generation queued: a worker claims it with db.generations.claim()",
    }


def export_project(db: Database, call: Call) -> dict[str, Any]:
    project = yago_project(_project(db, call))
    shown = attrs.asdict(project)
    brief = project.brief or {}
    readme = f"# {project.name}\n\n{project.description}\n\nStatus: {project.status}\n"
    brief_md = "# Project brief\n\n" + "".join(f"## {key}\n\n{value}\n\n" for key, value in brief.items())
    return {
        "project": shown,
        "exported_at": now().isoformat(),
        "export_version": "1.0",
        "files": [
            {"name": "README.md", "content": readme},
            {"name": "project.json", "content": json.dumps(shown, indent=2, ensure_ascii=False)},
            {"name": "brief.md", "content": brief_md},
        ],
    }


def _tree(files: list[GeneratedFile]) -> list[dict[str, Any]]:
    root: dict[str, Any] = {"children": {}}
    for file in files:
        parts = file.path.split("/")
        node = root
        for depth, part in enumerate(parts[:-1]):
            node = node["children"].setdefault(
                part,
                {"name": part, "path": "/".join(parts[: depth + 1]), "type": "directory", "children": {}},
            )
        extension = parts[-1].rpartition(".")[2] if "." in parts[-1] else ""
        node["children"][parts[-1]] = {
            "name": parts[-1],
            "path": file.path,
            "type": "file",
            "size": file.size,
            "extension": f".{extension}" if extension else "",
        }

    def listed(node: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for child in sorted(node["children"].values(), key=lambda c: (c["type"] != "directory", c["name"])):
            if child["type"] == "directory":
                child = {**child, "children": listed(child)}
            out.append(child)
        return out

    return listed(root)


def project_files(db: Database, call: Call) -> dict[str, Any]:
    project = _project(db, call)
    files = db.generated_files.list(project.project_id)
    shown = {"project_id": project.project_id, "project_path": project.path}
    if not files:
        return {**shown, "files": [], "total_files": 0, "message": "No files generated yet"}
    return {**shown, "files": _tree(files), "total_files": len(files)}


def project_file(db: Database, call: Call) -> dict[str, Any]:
    project = _project(db, call)
    try:
        path = check_relative_path(call.path["file_path"])
    except InvalidInput:
        raise Forbidden(
            f"path {call.path['file_path']!r:.80} is outside the project; give a path from its file list"
        ) from None
    file = db.generated_files.get(project.project_id, path)
    extension = path.rpartition(".")[2].lower() if "." in path.rpartition("/")[2] else ""
    return {
        "project_id": project.project_id,
        "path": file.path,
        "content": file.content,
        "language": LANGUAGES.get(extension, file.file_type or "text"),
        "size": file.size,
        "lines": file.lines,
    }


# --- costs ------------------------------------------------------------------------------------


def cost_alerts(db: Database, call: Call) -> dict[str, Any]:
    alerts = db.usage.alerts(**call.settings.get("alerts", {}))
    shown = [
        {"id": a.alert_id, **{k: v for k, v in attrs.asdict(a).items() if k != "alert_id" and v is not None}}
        for a in alerts
    ]
    return {
        "alerts": shown,
        "total_alerts": len(shown),
        "unread_count": sum(1 for a in alerts if a.severity == "high"),
        "timestamp": now().isoformat(),
    }


def dismiss_alert(db: Database, call: Call) -> dict[str, Any]:
    dismissed = db.usage.dismiss_alert(call.path["alert_id"], by=call.actor)
    return {
        "alert_id": dismissed.alert_id,
        "status": "dismissed",
        "dismissed_at": _time(dismissed.dismissed_at),
    }


# --- clarifications ---------------------------------------------------------------------------


def _turn(session: ClarificationSession) -> dict[str, Any]:
    total, current = len(session.questions), session.current_question
    answered = len(session.answers)
    question = None
    if current < total and not session.completed:
        question = {"index": current, "number": current + 1, "question": session.questions[current]}
    return {
        "session_id": session.session_id,
        "current_question": question,
        "progress": {
            "answered": answered,
            "total": total,
            "percentage": session.progress,
            "remaining": total - answered,
        },
        "can_skip": question is not None,
        "can_finish_early": answered > 0 and not session.completed,
        "next_available": question is not None and current + 1 < total,
        "previous_available": current > 0,
    }


def start_clarification(db: Database, call: Call) -> dict[str, Any]:
    body = call.body
    session = db.clarifications.start(body.project_id, body.project_idea, body.questions, depth=body.depth)
    return _turn(session)


def get_clarification(db: Database, call: Call) -> dict[str, Any]:
    session = db.clarifications.get(call.path["session_id"])
    return {
        "id": session.session_id,
        "project_id": session.project_id,
        "project_idea": session.idea,
        "depth": session.depth,
        "questions": session.questions,
        "answers": session.answers,
        "current_question": session.current_question,
        "total_questions": len(session.questions),
        "is_completed": session.completed,
        "created_at": _time(session.created_at),
        "updated_at": _time(session.updated_at),
        "completed_at": _time(session.completed_at),
    }


def answer_clarification(db: Database, call: Call) -> dict[str, Any]:
    body = call.body
    if not body.skip and body.answer is None:
        raise InvalidInput("field answer is required unless skip is true")
    session_id = call.path["session_id"]
    return _turn(db.clarifications.answer_current(session_id, None if body.skip else body.answer))


def clarification_progress(db: Database, call: Call) -> dict[str, Any]:
    session = db.clarifications.get(call.path["session_id"])
    return {
        "session_id": session.session_id,
        "answered": len(session.answers),
        "total": len(session.questions),
        "percentage": session.progress,
    }


def complete_clarification(db: Database, call: Call) -> dict[str, Any]:
    session = db.clarifications.complete(call.path["session_id"], actor=call.actor)
    return {
        "session_id": session.session_id,
        "status": "completed",
        "project_id": session.project_id,
        "brief": db.clarifications.brief(session),
        "completed_at": _time(session.completed_at),
    }


def shape(*names: str) -> dict[str, Any]:
    """The JSON schema of an object with these fields (an answer without a record class)."""
    return {"type": "object", "properties": {name: {} for name in names}, "required": list(names)}


MOVED = shape("project_id", "status", "message")
PROJECT = f"{API}/projects/{{project_id}}"
CLARIFICATION = f"{API}/clarifications/{{session_id}}"
TURN = shape("session_id", "current_question", "progress", "can_skip", "can_finish_early")
ENDPOINTS = (
    Endpoint(
        "GET",
        f"{API}/projects",
        list_projects,
        "List projects, a page at a time",
        "yago",
        query=(
            Param(
                "status", choices=("creating", "in_progress", "executing", "paused", "completed", "failed")
            ),
            Param("page", int, 1, 1, 1_000_000),
            Param("page_size", int, 20, 1, 100),
            Param("sort_by", default="created_at", choices=tuple(SORTS)),
            Param("order", default="desc", choices=("asc", "desc")),
        ),
        answer=ProjectList,
    ),
    Endpoint(
        "POST",
        f"{API}/projects",
        create_project,
        "Create a project from a brief and a config",
        "yago",
        writes=True,
        body=CreateBody,
        answer=shape("project_id", "status", "message", "project"),
        status=201,
    ),
    Endpoint("GET", PROJECT, get_project, "One project", "yago", answer=YagoProject),
    Endpoint(
        "PUT",
        PROJECT,
        update_project,
        "Report a project's status, progress, totals, an error or a log line",
        "yago",
        writes=True,
        body=UpdateBody,
        answer=shape("project_id", "status", "project"),
    ),
    Endpoint(
        "DELETE", PROJECT, delete_project, "Delete a project and its work", "yago", writes=True, answer=MOVED
    ),
    Endpoint(
        "POST", f"{PROJECT}/start", _mover("start", "started"), "Start", "yago", writes=True, answer=MOVED
    ),
    Endpoint(
        "POST", f"{PROJECT}/pause", _mover("pause", "paused"), "Pause", "yago", writes=True, answer=MOVED
    ),
    Endpoint(
        "POST", f"{PROJECT}/resume", _mover("resume", "resumed"), "Resume", "yago", writes=True, answer=MOVED
    ),
    Endpoint(
        "POST",
        f"{PROJECT}/execute",
        execute_project,
        "Move the project to executing and queue a code generation for a worker",
        "yago",
        writes=True,
        answer=shape("project_id", "status", "generation_id", "message"),
    ),
    Endpoint(
        "GET",
        f"{PROJECT}/export",
        export_project,
        "The project as README.md, project.json and brief.md",
        "yago",
        answer=shape("project", "exported_at", "export_version", "files"),
    ),
    Endpoint(
        "GET",
        f"{PROJECT}/files",
        project_files,
        "The tree of the project's generated files",
        "yago",
        answer=shape("project_id", "project_path", "files", "total_files"),
    ),
    Endpoint(
        "GET",
        f"{PROJECT}/files/{{file_path:path}}",
        project_file,
        "One generated file with its language (403 outside the project)",
        "yago",
        answer=shape("project_id", "path", "content", "language", "size", "lines"),
    ),
    Endpoint(
        "GET",
        f"{API}/costs/alerts",
        cost_alerts,
        "Cost alerts: projects over 1.2x their estimate, the weekly limit, budgets",
        "yago",
        answer=shape("alerts", "total_alerts", "unread_count", "timestamp"),
        quick=lambda query: False,
    ),
    Endpoint(
        "POST",
        f"{API}/costs/alerts/{{alert_id}}/dismiss",
        dismiss_alert,
        "Dismiss a cost alert (kept)",
        "yago",
        writes=True,
        answer=shape("alert_id", "status", "dismissed_at"),
    ),
    Endpoint(
        "POST",
        f"{API}/clarifications/start",
        start_clarification,
        "Start a clarification session with its questions",
        "yago",
        writes=True,
        body=StartBody,
        answer=TURN,
    ),
    Endpoint(
        "GET",
        CLARIFICATION,
        get_clarification,
        "A clarification session",
        "yago",
        answer=shape("id", "project_idea", "questions", "answers", "current_question", "is_completed"),
    ),
    Endpoint(
        "POST",
        f"{CLARIFICATION}/answer",
        answer_clarification,
        "Answer (or skip) the current question",
        "yago",
        writes=True,
        body=AnswerBody,
        answer=TURN,
    ),
    Endpoint(
        "GET",
        f"{CLARIFICATION}/progress",
        clarification_progress,
        "A session's progress",
        "yago",
        answer=shape("session_id", "answered", "total", "percentage"),
    ),
    Endpoint(
        "POST",
        f"{CLARIFICATION}/complete",
        complete_clarification,
        "Complete a session: the brief its answers make (and its project's, when it has one)",
        "yago",
        writes=True,
        answer=shape("session_id", "status", "brief"),
    ),
)
