"""The MCP tools of codedb's other domains, in its own vocabulary: ranked search; projects;
conversation history (an assistant keeps its memory in codedb); preferences; metrics;
templates; costs; the generation queue. Each is one domain call; a list answers
{"items": [...]}, a record its fields."""

from __future__ import annotations

from typing import Any

import attrs

from ..core.vectors import search_everywhere
from ..domains.history.records import Message, SessionSummary
from ..domains.metrics.records import Metric, OperationSummary
from ..domains.preferences.records import Preference
from ..domains.projects.records import (
    CodeGeneration,
    GeneratedFile,
    Project,
    ProjectOverview,
    ProjectPage,
    WorkflowEvent,
)
from ..domains.projects.usage import CostAlert
from ..domains.templates.records import TemplateListing, TemplateVersion
from .tool import NoArguments, Tool


@attrs.frozen
class SearchArgs:
    query: str
    limit: int = 10
    mode: str = "auto"  # words, semantic, hybrid; auto: hybrid where vectors exist


@attrs.frozen
class ProjectsArgs:
    status: str | None = None
    user_id: str | None = None
    text: str | None = None
    limit: int = 20
    cursor: str | None = None


@attrs.frozen
class ProjectArg:
    project: str


@attrs.frozen
class CreateProjectArgs:
    name: str
    description: str = ""
    user_id: str | None = None
    project_type: str = ""


@attrs.frozen
class MoveArgs:
    project: str
    action: str
    reason: str | None = None


@attrs.frozen
class EventsArgs:
    project: str
    limit: int = 50


@attrs.frozen
class SaveMessageArgs:
    user_id: str
    session_id: str
    role: str
    content: str
    model: str | None = None


@attrs.frozen
class SessionArgs:
    session_id: str
    last: int | None = None


@attrs.frozen
class UserArgs:
    user_id: str
    limit: int = 20


@attrs.frozen
class PreferenceArgs:
    user_id: str
    key: str


@attrs.frozen
class SetPreferenceArgs:
    user_id: str
    key: str
    value: Any


@attrs.frozen
class UserOnly:
    user_id: str


@attrs.frozen
class MetricArgs:
    operation: str
    duration_ms: float
    success: bool = True
    error: str | None = None


@attrs.frozen
class SummaryArgs:
    operation: str | None = None
    window: str | None = None


@attrs.frozen
class TemplatesArgs:
    query: str | None = None
    tag: str | None = None
    limit: int = 20


@attrs.frozen
class TemplateArg:
    template: str


@attrs.frozen
class InstallArgs:
    template: str
    dest: str
    user_id: str | None = None


@attrs.frozen
class CostArgs:
    by: str = "provider"
    since: str | None = None
    until: str | None = None


@attrs.frozen
class ClaimArgs:
    worker: str
    lease: float = 300.0


@attrs.frozen
class CompleteArgs:
    generation_id: str
    worker: str
    generated_code: str = ""
    tokens_used: int = 0
    cost: float = 0.0


@attrs.frozen
class FailArgs:
    generation_id: str
    worker: str
    error: str


@attrs.frozen
class FileArgs:
    project: str
    path: str
    content: str


@attrs.frozen
class Preferred:
    key: str
    value: Any
    found: bool


@attrs.frozen
class Template:
    template: TemplateListing
    content: str


@attrs.frozen
class Claimed:
    generation: CodeGeneration | None


def items(values: Any) -> dict[str, Any]:
    return {"items": list(values)}


def _search(db: Any, a: SearchArgs) -> dict[str, Any]:
    return items(hit._asdict() for hit in search_everywhere(db, a.query, limit=a.limit, mode=a.mode))


def _preference(db: Any, a: PreferenceArgs) -> Preferred:
    found = db.preferences.find(a.user_id, a.key)
    return Preferred(a.key, None if found is None else found.value, found is not None)


def _template(db: Any, a: TemplateArg) -> Template:
    template_id = db.templates.resolve(a.template)
    return Template(db.templates.get(template_id), db.templates.version(template_id).content)


WRITES = {"reads": False}
TOOLS = (
    Tool(
        "search",
        "Ranked search of functions, templates and conversation history by words and, where "
        '`codedb embed` made vectors, by meaning (mode: auto, words, semantic, hybrid); words, '
        'prefixes (fib*), "phrases", name:, tag:, AND/OR/NOT.',
        SearchArgs,
        _search,
    ),
    Tool(
        "list_projects",
        "Projects, newest first, filtered by status, user or text; page on with the "
        "next_cursor of the previous page.",
        ProjectsArgs,
        lambda db, a: db.projects.list(
            status=a.status,
            user_id=a.user_id,
            text=a.text,
            sort="created",
            descending=True,
            limit=a.limit,
            after=a.cursor,
        ),
        ProjectPage,
    ),
    Tool(
        "show_project",
        "A project (by id, id prefix or name) with its counts.",
        ProjectArg,
        lambda db, a: db.projects.overview(db.projects.resolve(a.project)),
        ProjectOverview,
    ),
    Tool(
        "create_project",
        "Create a project (status creating).",
        CreateProjectArgs,
        lambda db, a: db.projects.create(
            a.name, a.description, user_id=a.user_id, project_type=a.project_type
        ),
        Project,
        **WRITES,
    ),
    Tool(
        "move_project",
        "Take a lifecycle action: start, execute, pause, resume, complete, fail, reopen.",
        MoveArgs,
        lambda db, a: db.projects.move(db.projects.resolve(a.project), a.action, reason=a.reason),
        Project,
        **WRITES,
    ),
    Tool(
        "project_events",
        "A project's workflow events, newest first.",
        EventsArgs,
        lambda db, a: items(db.projects.history(db.projects.resolve(a.project), limit=a.limit)),
        list[WorkflowEvent],
    ),
    Tool(
        "save_message",
        "Save a message of a conversation (the assistant's memory).",
        SaveMessageArgs,
        lambda db, a: db.history.save(a.user_id, a.session_id, a.role, a.content, model=a.model),
        Message,
        **WRITES,
    ),
    Tool(
        "session_messages",
        "A conversation session's messages, oldest first (the last N with last).",
        SessionArgs,
        lambda db, a: items(db.history.messages(a.session_id, last=a.last)),
        list[Message],
    ),
    Tool(
        "user_sessions",
        "A user's conversation sessions, most recent first.",
        UserArgs,
        lambda db, a: items(db.history.sessions(a.user_id, limit=a.limit)),
        list[SessionSummary],
    ),
    Tool(
        "get_preference",
        "One of a user's preferences (found false when unset).",
        PreferenceArgs,
        _preference,
        Preferred,
    ),
    Tool(
        "set_preference",
        "Set one of a user's preferences to any JSON value.",
        SetPreferenceArgs,
        lambda db, a: db.preferences.set(a.user_id, a.key, a.value),
        Preference,
        **WRITES,
        idempotent=True,
    ),
    Tool(
        "list_preferences",
        "A user's preferences.",
        UserOnly,
        lambda db, a: items(db.preferences.list(a.user_id)),
        list[Preference],
    ),
    Tool(
        "record_metric",
        "Record a timed operation (milliseconds, success, error).",
        MetricArgs,
        lambda db, a: db.metrics.record(a.operation, a.duration_ms, success=a.success, error=a.error),
        Metric,
        **WRITES,
    ),
    Tool(
        "metrics_summary",
        "Per operation: count, error rate, p50/p95/p99 (window: 24h, 7d...).",
        SummaryArgs,
        lambda db, a: items(db.metrics.summary(a.operation, window=a.window)),
        list[OperationSummary],
    ),
    Tool(
        "search_templates",
        "Templates by text, tag, best rated first.",
        TemplatesArgs,
        lambda db, a: items(db.templates.list(text=a.query, tag=a.tag, limit=a.limit)),
        list[TemplateListing],
    ),
    Tool(
        "show_template",
        "A template (by id or name) with its latest content.",
        TemplateArg,
        _template,
        Template,
    ),
    Tool(
        "install_template",
        "Write a template's latest content to a new file dest (counted as a download).",
        InstallArgs,
        lambda db, a: db.templates.install(db.templates.resolve(a.template), a.dest, user_id=a.user_id),
        TemplateVersion,
        **WRITES,
        files=True,
    ),
    Tool(
        "cost_report",
        "Spend per provider, day, month, project or user, or latency percentiles.",
        CostArgs,
        lambda db, a: items(db.usage.report(a.by, since=a.since, until=a.until)),
    ),
    Tool(
        "cost_alerts",
        "Cost alerts: projects over 1.2x their estimate, the weekly limit.",
        NoArguments,
        lambda db, a: items(db.usage.alerts()),
        list[CostAlert],
    ),
    Tool(
        "claim_generation",
        "Claim the oldest queued code generation for a worker, for lease seconds.",
        ClaimArgs,
        lambda db, a: Claimed(db.generations.claim(a.worker, lease=a.lease)),
        Claimed,
        **WRITES,
    ),
    Tool(
        "save_generated_file",
        "Save a file a generation wrote (the same path again replaces it).",
        FileArgs,
        lambda db, a: db.generated_files.save(db.projects.resolve(a.project), a.path, a.content),
        GeneratedFile,
        **WRITES,
        idempotent=True,
    ),
    Tool(
        "complete_generation",
        "Complete a claimed generation with its code, tokens and cost.",
        CompleteArgs,
        lambda db, a: db.generations.complete(
            a.generation_id, a.worker, generated_code=a.generated_code, tokens_used=a.tokens_used, cost=a.cost
        ),
        CodeGeneration,
        **WRITES,
    ),
    Tool(
        "fail_generation",
        "Fail a claimed generation with the reason (its project fails).",
        FailArgs,
        lambda db, a: db.generations.fail(a.generation_id, a.worker, a.error),
        CodeGeneration,
        **WRITES,
    ),
)
