"""codedb's own JSON API under /api/v1, beside YAGO's routes: the function library (search,
tests, dependencies, history), users, preferences, conversation history, metrics,
templates, analytics, provider usage and costs, the generation queue and search across
domains. Each route is one domain call; the answers are the records the Python API returns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ..core.vectors import MODES, search_everywhere
from ..domains.history.records import Message, SessionSummary
from ..domains.library.records import (
    DependencyEntry,
    Function,
    FunctionHit,
    FunctionSummary,
    Modification,
    TestResult,
    UnitTest,
)
from ..domains.metrics.records import Metric, OperationSummary
from ..domains.preferences.records import Preference
from ..domains.projects.records import CodeGeneration, GeneratedFile, ProviderUsage
from ..domains.projects.usage import GROUPS
from ..domains.templates.records import TemplateListing, TemplateVersion
from ..domains.users.records import User, shown
from ..errors import Forbidden
from .endpoint import Call, Endpoint, Param

if TYPE_CHECKING:
    from ..core.db import Database

API = "/api/v1"
FUNCTION = f"{API}/functions/{{function_id}}"
LIMIT = Param("limit", int, 50, 1, 1000, help="rows in the page")
OFFSET = Param("offset", int, 0, 0, 10_000_000, help="rows skipped")


def _user_id(call: Call) -> str:
    """The user a per-user route is about: the signed-in user, or on a server without keys
    the `user_id` query parameter; another user's is 403."""
    asked = call.query.get("user_id")
    if call.user is None:
        if not asked:
            raise Forbidden("this server has no API keys: give the user with ?user_id=")
        return str(asked)
    if asked and asked != call.user.user_id:
        raise Forbidden(f"user {call.user.username} may read and change only their own records")
    return str(call.user.user_id)


USER = Param("user_id", help="the user (only on a server without keys; else the signed-in user)")


# --- the function library ---------------------------------------------------------------------


@attrs.frozen
class FunctionBody:
    name: str
    description: str = ""
    code: str = ""
    modules: list[str] = attrs.field(factory=list)
    tags: list[str] = attrs.field(factory=list)


@attrs.frozen
class ModifyBody:
    code: str
    description: str = ""  # why it changed (kept in the function's history)
    modifier: str | None = None


@attrs.frozen
class ResultBody:
    status: str
    actual_result: str | None = None


def list_functions(db: Database, call: Call) -> list[Any]:
    q = call.query
    if q["q"]:
        return db.functions.search_ranked(
            q["q"], module=q["module"], tag=q["tag"], limit=q["limit"], offset=q["offset"]
        )
    if q["contains"]:
        return db.functions.search_substring(
            q["contains"], module=q["module"], tag=q["tag"], limit=q["limit"], offset=q["offset"]
        )
    return db.functions.list(q["module"], q["tag"], limit=q["limit"], offset=q["offset"])


def add_function(db: Database, call: Call) -> FunctionSummary:
    b = call.body
    made = db.functions.add(b.name, b.description, b.code, b.modules, b.tags)
    return db.functions.get_summary(made.function_id)


def modify_function(db: Database, call: Call) -> Function:
    b = call.body
    modifier = b.modifier or (call.user.username if call.user is not None else "api")
    return db.functions.modify(call.path["function_id"], modifier, b.description, b.code)


def delete_function(db: Database, call: Call) -> dict[str, Any]:
    db.functions.delete(call.path["function_id"])
    return {"function_id": call.path["function_id"], "status": "deleted"}


def record_result(db: Database, call: Call) -> TestResult:
    return db.tests.record_result(call.path["test_id"], call.body.status, call.body.actual_result)


def search_all(db: Database, call: Call) -> list[Any]:
    found = search_everywhere(db, call.query["q"] or "", limit=call.query["limit"], mode=call.query["mode"])
    return [hit._asdict() for hit in found]


# --- users, preferences, history, metrics -------------------------------------------------------


@attrs.frozen
class PreferenceBody:
    value: Any


@attrs.frozen
class MessageBody:
    session_id: str
    role: str
    content: str
    model: str | None = None
    workspace_path: str | None = None
    tokens: int | None = None
    extra: dict[str, Any] | None = None


@attrs.frozen
class MetricBody:
    operation: str
    duration_ms: float
    success: bool = True
    error: str | None = None
    extra: dict[str, Any] | None = None


def me(db: Database, call: Call) -> dict[str, Any]:
    if call.user is None:
        raise Forbidden(
            "this server has no API keys, so no one is signed in; make one with 'codedb users key'"
        )
    return shown(db.users.get(call.user.user_id))


def get_user(db: Database, call: Call) -> dict[str, Any]:
    return shown(db.users.get(call.path["user_id"]))


# --- templates, usage, the queue ------------------------------------------------------------------


@attrs.frozen
class RatingBody:
    rating: int


@attrs.frozen
class UsageBody:
    provider: str
    model: str
    project_id: str | None = None
    request_type: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0
    latency_ms: float | None = None
    success: bool = True
    error: str | None = None


@attrs.frozen
class ClaimBody:
    worker: str
    lease: float = 300.0


@attrs.frozen
class CompleteBody:
    worker: str
    generated_code: str = ""
    tokens_used: int = 0
    cost: float = 0.0


@attrs.frozen
class FailBody:
    worker: str
    error: str
    tokens_used: int = 0
    cost: float = 0.0


@attrs.frozen
class FileBody:
    path: str
    content: str
    file_type: str = ""
    provider: str | None = None


def claim(db: Database, call: Call) -> CodeGeneration | dict[str, Any]:
    found = db.generations.claim(call.body.worker, lease=call.body.lease)
    return {"generation": None, "message": "the queue is empty"} if found is None else found


def never(query: dict[str, Any]) -> bool:
    """A search or a report: never quick."""
    return False


def _page(call: Call) -> dict[str, Any]:
    return {"limit": call.query["limit"], "offset": call.query["offset"]}


ENDPOINTS = (
    # the library
    Endpoint(
        "GET",
        f"{API}/functions",
        list_functions,
        "Functions: a page, ranked search (q), substring search (contains), by module or tag",
        "functions",
        query=(
            Param("q", help="ranked full-text search"),
            Param("contains"),
            Param("module"),
            Param("tag"),
            LIMIT,
            OFFSET,
        ),
        answer=list[FunctionHit],
        quick=lambda q: not (q["q"] or q["contains"]),
    ),
    Endpoint(
        "POST",
        f"{API}/functions",
        add_function,
        "Add a function with its modules and tags",
        "functions",
        writes=True,
        body=FunctionBody,
        answer=FunctionSummary,
        status=201,
    ),
    Endpoint(
        "GET",
        FUNCTION,
        lambda db, c: db.functions.get_summary(c.path["function_id"]),
        "One function with its modules and tags",
        "functions",
        answer=FunctionSummary,
    ),
    Endpoint(
        "PUT",
        FUNCTION,
        modify_function,
        "Replace a function's code; the change (who, why) is kept in its history",
        "functions",
        writes=True,
        body=ModifyBody,
        answer=Function,
    ),
    Endpoint("DELETE", FUNCTION, delete_function, "Delete a function", "functions", writes=True),
    Endpoint(
        "GET",
        f"{FUNCTION}/tests",
        lambda db, c: db.tests.list(c.path["function_id"]),
        "A function's unit tests",
        "functions",
        answer=list[UnitTest],
    ),
    Endpoint(
        "GET",
        f"{FUNCTION}/results",
        lambda db, c: db.tests.results(c.path["function_id"]),
        "A function's test results",
        "functions",
        answer=list[TestResult],
    ),
    Endpoint(
        "POST",
        f"{API}/tests/{{test_id}}/results",
        record_result,
        "Record a test's result",
        "functions",
        writes=True,
        body=ResultBody,
        answer=TestResult,
        status=201,
    ),
    Endpoint(
        "GET",
        f"{FUNCTION}/dependencies",
        lambda db, c: db.dependencies.list(c.path["function_id"], transitive=c.query["transitive"]),
        "What a function depends on (transitive: all the way down)",
        "functions",
        query=(Param("transitive", bool, False),),
        answer=list[DependencyEntry],
    ),
    Endpoint(
        "GET",
        f"{FUNCTION}/dependents",
        lambda db, c: db.dependencies.dependents(c.path["function_id"]),
        "The functions that depend on this one",
        "functions",
        answer=list[DependencyEntry],
    ),
    Endpoint(
        "GET",
        f"{FUNCTION}/history",
        lambda db, c: db.modifications.list(c.path["function_id"]),
        "A function's change history",
        "functions",
        answer=list[Modification],
    ),
    Endpoint(
        "GET",
        f"{API}/modules",
        lambda db, c: db.modules.list(),
        "Modules with their counts",
        "functions",
        quick=never,
    ),
    Endpoint(
        "GET", f"{API}/tags", lambda db, c: db.tags.list(), "Tags with their counts", "functions", quick=never
    ),
    Endpoint(
        "GET",
        f"{API}/search",
        search_all,
        "Ranked search across every domain with an index, by words and by meaning",
        "search",
        query=(
            Param("q", help="words, prefixes (fib*), phrases, name:, tag:, AND/OR/NOT"),
            Param("limit", int, 20, 1, 200),
            Param(
                "mode",
                default="auto",
                choices=MODES,
                help="words, semantic, hybrid, or auto: hybrid where vectors exist (codedb embed)",
            ),
        ),
        quick=never,
    ),
    # users, preferences, history, metrics
    Endpoint("GET", f"{API}/users/me", me, "The signed-in user", "users", answer=User),
    Endpoint(
        "GET", f"{API}/users/{{user_id}}", get_user, "A user (never a key or a hash)", "users", answer=User
    ),
    Endpoint(
        "GET",
        f"{API}/preferences",
        lambda db, c: db.preferences.list(_user_id(c)),
        "A user's preferences",
        "preferences",
        query=(USER,),
        answer=list[Preference],
    ),
    Endpoint(
        "GET",
        f"{API}/preferences/{{key}}",
        lambda db, c: db.preferences.find(_user_id(c), c.path["key"]),
        "One preference (null when unset)",
        "preferences",
        query=(USER,),
        answer=Preference,
    ),
    Endpoint(
        "PUT",
        f"{API}/preferences/{{key}}",
        lambda db, c: db.preferences.set(_user_id(c), c.path["key"], c.body.value),
        "Set a preference (any JSON value)",
        "preferences",
        writes=True,
        query=(USER,),
        body=PreferenceBody,
        answer=Preference,
    ),
    Endpoint(
        "DELETE",
        f"{API}/preferences/{{key}}",
        lambda db, c: (
            db.preferences.delete(_user_id(c), c.path["key"]) or {"key": c.path["key"], "status": "deleted"}
        ),
        "Delete a preference",
        "preferences",
        writes=True,
        query=(USER,),
    ),
    Endpoint(
        "POST",
        f"{API}/history/messages",
        lambda db, c: db.history.save(_user_id(c), **attrs.asdict(c.body)),
        "Save a message of a conversation",
        "history",
        writes=True,
        query=(USER,),
        body=MessageBody,
        answer=Message,
        status=201,
    ),
    Endpoint(
        "GET",
        f"{API}/history/sessions",
        lambda db, c: db.history.sessions(_user_id(c), **_page(c)),
        "A user's conversation sessions, most recent first",
        "history",
        query=(USER, LIMIT, OFFSET),
        answer=list[SessionSummary],
    ),
    Endpoint(
        "GET",
        f"{API}/history/sessions/{{session_id}}",
        lambda db, c: db.history.messages(c.path["session_id"], last=c.query["last"]),
        "A session's messages (the last N)",
        "history",
        query=(Param("last", int, None, 1, 100_000),),
        answer=list[Message],
    ),
    Endpoint(
        "POST",
        f"{API}/metrics",
        lambda db, c: db.metrics.record(**attrs.asdict(c.body)),
        "Record a timed operation",
        "metrics",
        writes=True,
        body=MetricBody,
        answer=Metric,
        status=201,
    ),
    Endpoint(
        "GET",
        f"{API}/metrics",
        lambda db, c: db.metrics.latest(c.query["operation"], limit=c.query["limit"]),
        "The latest measurements",
        "metrics",
        query=(Param("operation"), LIMIT),
        answer=list[Metric],
    ),
    Endpoint(
        "GET",
        f"{API}/metrics/summary",
        lambda db, c: db.metrics.summary(c.query["operation"], window=c.query["window"]),
        "Count, error rate and p50/p95/p99 per operation",
        "metrics",
        query=(Param("operation"), Param("window", help="7d, 24h, 30m")),
        answer=list[OperationSummary],
        quick=never,
    ),
    # templates, analytics, usage and costs
    Endpoint(
        "GET",
        f"{API}/templates",
        lambda db, c: db.templates.list(
            text=c.query["q"], tag=c.query["tag"], author=c.query["author"], sort=c.query["sort"], **_page(c)
        ),
        "Templates: search, filter, sort",
        "templates",
        query=(
            Param("q"),
            Param("tag"),
            Param("author"),
            Param("sort", default="rating", choices=("rating", "downloads", "name", "updated")),
            LIMIT,
            OFFSET,
        ),
        answer=list[TemplateListing],
        quick=lambda q: not q["q"],
    ),
    Endpoint(
        "GET",
        f"{API}/templates/{{template_id}}",
        lambda db, c: db.templates.get(db.templates.resolve(c.path["template_id"])),
        "A template (by id or name)",
        "templates",
        answer=TemplateListing,
    ),
    Endpoint(
        "GET",
        f"{API}/templates/{{template_id}}/content",
        lambda db, c: db.templates.version(db.templates.resolve(c.path["template_id"]), c.query["version"]),
        "A template version's content (the latest by default)",
        "templates",
        query=(Param("version", int, None, 1, 1_000_000),),
        answer=TemplateVersion,
    ),
    Endpoint(
        "POST",
        f"{API}/templates/{{template_id}}/ratings",
        lambda db, c: db.templates.rate(
            db.templates.resolve(c.path["template_id"]), _user_id(c), c.body.rating
        ),
        "Rate a template from 1 to 5",
        "templates",
        writes=True,
        query=(USER,),
        body=RatingBody,
        answer=TemplateListing,
    ),
    Endpoint(
        "GET",
        f"{API}/projects/{{project_id}}/analytics",
        lambda db, c: db.analytics.project_summary(c.path["project_id"]),
        "A project's measurements summarised per metric",
        "analytics",
    ),
    Endpoint(
        "GET",
        f"{API}/analytics/trends/{{metric}}",
        lambda db, c: db.analytics.trends(
            c.path["metric"], c.query["period"], project_id=c.query["project_id"], window=c.query["window"]
        ),
        "A metric per day, week or month",
        "analytics",
        query=(
            Param("period", default="day", choices=("day", "week", "month")),
            Param("project_id"),
            Param("window"),
        ),
        quick=never,
    ),
    Endpoint(
        "GET",
        f"{API}/usage",
        lambda db, c: db.usage.list(project_id=c.query["project_id"], **_page(c)),
        "AI provider requests, newest first",
        "costs",
        query=(Param("project_id"), LIMIT, OFFSET),
        answer=list[ProviderUsage],
    ),
    Endpoint(
        "POST",
        f"{API}/usage",
        lambda db, c: db.usage.record(**attrs.asdict(c.body)),
        "Record an AI provider request",
        "costs",
        writes=True,
        body=UsageBody,
        answer=ProviderUsage,
        status=201,
    ),
    Endpoint(
        "GET",
        f"{API}/costs",
        lambda db, c: db.usage.report(c.query["by"], since=c.query["since"], until=c.query["until"]),
        "Spend per provider, day, month, project, user, or latency percentiles",
        "costs",
        query=(Param("by", default="provider", choices=tuple(GROUPS)), Param("since"), Param("until")),
        quick=never,
    ),
    # the generation queue
    Endpoint(
        "GET",
        f"{API}/generations/queue",
        lambda db, c: db.generations.queued(limit=c.query["limit"]),
        "Generations pending or running, oldest first",
        "queue",
        query=(LIMIT,),
        answer=list[CodeGeneration],
    ),
    Endpoint(
        "POST",
        f"{API}/generations/claim",
        claim,
        "Claim the oldest queued generation for a worker, for `lease` seconds",
        "queue",
        writes=True,
        body=ClaimBody,
        answer=CodeGeneration,
    ),
    Endpoint(
        "POST",
        f"{API}/generations/{{generation_id}}/complete",
        lambda db, c: db.generations.complete(c.path["generation_id"], **attrs.asdict(c.body), actor=c.actor),
        "Complete a claimed generation (the project completes with its last)",
        "queue",
        writes=True,
        body=CompleteBody,
        answer=CodeGeneration,
    ),
    Endpoint(
        "POST",
        f"{API}/generations/{{generation_id}}/fail",
        lambda db, c: db.generations.fail(c.path["generation_id"], **attrs.asdict(c.body), actor=c.actor),
        "Fail a claimed generation (its project fails)",
        "queue",
        writes=True,
        body=FailBody,
        answer=CodeGeneration,
    ),
    Endpoint(
        "POST",
        f"{API}/projects/{{project_id}}/files",
        lambda db, c: db.generated_files.save(c.path["project_id"], **attrs.asdict(c.body)),
        "Save a generated file (a path again replaces it)",
        "queue",
        writes=True,
        body=FileBody,
        answer=GeneratedFile,
        status=201,
    ),
)
