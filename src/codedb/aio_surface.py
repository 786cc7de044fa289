"""The async domain APIs as type checkers see them: written by tools/aio_surface.py from
the sync API classes (do not edit; run `python tools/aio_surface.py` after changing an API).
Imported for type checking only: codedb.aio makes these objects at run time (AsyncAPI)."""

# ruff: noqa

from __future__ import annotations

import builtins
from codedb.core.embedding import Provider
from codedb.core.textsearch import SEARCH_CANDIDATES, SearchHit, TextQuery
from codedb.core.vectors import EMBED_BATCH, EmbedReport, VectorModel
from codedb.domains.analytics.records import Measurement, MetricSummary, Trend, UsageCount
from codedb.domains.history.records import Message, SessionSummary
from codedb.domains.library.base import MAX_CYCLES, _PARSE
from codedb.domains.library.records import (
    CoverageEntry,
    DependencyEntry,
    Function,
    FunctionHit,
    FunctionSummary,
    Modification,
    Module,
    ModuleCount,
    Recursion,
    TagCount,
    TestResult,
    UnitTest,
)
from codedb.domains.metrics.records import Metric, OperationSummary
from codedb.domains.preferences.records import Preference
from codedb.domains.projects.records import (
    AlertDismissal,
    Autosave,
    ClarificationSession,
    CodeGeneration,
    GeneratedFile,
    Project,
    ProjectAnalysis,
    ProjectOverview,
    ProjectPage,
    ProviderUsage,
    WorkflowEvent,
)
from codedb.domains.projects.usage import Budget, CostAlert, WEEKLY_LIMIT
from codedb.domains.projects.work import LEASE_SECONDS
from codedb.domains.templates.records import Template, TemplateListing, TemplateVersion
from codedb.domains.users.records import User
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol


class AsyncFunctions(Protocol):
    """Async: Functions of the library: add, get, modify, delete, list, search."""

    async def resolve(self, function_id: str) -> str: ...
    async def get(self, function_id: str) -> Function: ...
    async def find(self, function_id: str) -> Function | None: ...
    async def get_summary(self, function_id: str) -> FunctionSummary: ...
    async def ids(self) -> set[str]: ...
    async def names(self) -> dict[str, str]: ...
    async def named(self, name: str) -> builtins.list[str]: ...
    async def recursion(self, function_id: str) -> Recursion: ...
    async def add(
        self,
        name: str,
        description: str = "",
        code: str = "",
        modules: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        *,
        function_id: str | None = None,
        creation_date: datetime | None = None,
        signature_json: str | None | object = _PARSE,
    ) -> Function: ...
    async def add_many(self, functions: Iterable[Mapping[str, Any]]) -> builtins.list[str]: ...
    async def add_links(
        self, function_id: str, modules: Iterable[str] = (), tags: Iterable[str] = ()
    ) -> FunctionSummary: ...
    async def modify(self, function_id: str, modifier: str, description: str, code: str) -> Function: ...
    async def delete(self, function_id: str) -> None: ...
    async def list(
        self,
        module: str | None = None,
        tag: str | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> builtins.list[FunctionSummary]: ...
    async def count(self) -> int: ...
    async def search_substring(
        self,
        query: str = "",
        *,
        created_after: datetime | str | None = None,
        modified_after: datetime | str | None = None,
        test_status: str | None = None,
        module: str | None = None,
        tag: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> builtins.list[FunctionSummary]: ...
    async def search_ranked(
        self,
        query: str | TextQuery,
        *,
        created_after: datetime | str | None = None,
        modified_after: datetime | str | None = None,
        test_status: str | None = None,
        module: str | None = None,
        tag: str | None = None,
        limit: int | None = 20,
        offset: int | None = None,
    ) -> builtins.list[FunctionHit]: ...
    async def search(self, *args: Any, **kwargs: Any) -> builtins.list[FunctionSummary]: ...
    async def search_text(self, *args: Any, **kwargs: Any) -> builtins.list[FunctionHit]: ...
    async def text_hits(self, query: TextQuery, limit: int) -> builtins.list[SearchHit]: ...
    async def count_text_matches(
        self, query: str | TextQuery, at_most: int = SEARCH_CANDIDATES + 1
    ) -> int: ...
    async def reindex(self) -> int: ...
    def indexing_paused(self) -> AbstractAsyncContextManager[None]: ...
    async def stale_in_index(self) -> int: ...
    async def vector_models(self) -> builtins.list[VectorModel]: ...
    async def pending_vectors(self, model: str) -> int: ...
    async def embed(
        self, provider: Provider, *, batch: int = EMBED_BATCH, progress: Callable[[int], None] | None = None
    ) -> EmbedReport: ...
    async def search_semantic(
        self, text: str, *, limit: int = 10, provider: Provider | None = None
    ) -> builtins.list[SearchHit]: ...
    async def search_hybrid(
        self, text: str, *, limit: int = 10, provider: Provider | None = None
    ) -> builtins.list[SearchHit]: ...
    async def similar(
        self, row_id: str, *, limit: int = 10, model: str | None = None
    ) -> builtins.list[SearchHit]: ...
    async def forget_vectors(self, model: str) -> int: ...
    async def has_vectors(self, model: str) -> bool: ...


class AsyncModules(Protocol):
    """Async: Modules: named groups of functions."""

    async def list(self) -> builtins.list[ModuleCount]: ...
    async def get(self, name: str) -> Module: ...
    async def function_ids(self, name: str) -> builtins.list[str]: ...
    async def add_function(self, function_id: str, module: str) -> FunctionSummary: ...


class AsyncTags(Protocol):
    """Async: Tags: free labels on functions."""

    async def list(self) -> builtins.list[TagCount]: ...
    async def add(self, function_id: str, tag: str) -> FunctionSummary: ...


class AsyncDependencies(Protocol):
    """Async: Dependencies between functions, kept free of cycles."""

    async def add(self, function_id: str, depends_on_id: str) -> None: ...
    async def remove(self, function_id: str, depends_on_id: str) -> None: ...
    async def list(self, function_id: str, *, transitive: bool = False) -> builtins.list[DependencyEntry]: ...
    async def dependents(self, function_id: str) -> builtins.list[DependencyEntry]: ...
    async def edges(self) -> builtins.list[tuple[str, str, str, str]]: ...
    async def cycles(self) -> builtins.list[builtins.list[DependencyEntry]]: ...
    async def elementary_cycles(self, limit: int = MAX_CYCLES) -> builtins.list[tuple[str, ...]]: ...
    async def to_dot(self) -> str: ...


class AsyncTests(Protocol):
    """Async: Unit tests, their results, and the coverage report."""

    async def resolve(self, test_id: str) -> str: ...
    async def add(
        self, function_id: str, name: str, description: str = "", test_case: str = ""
    ) -> UnitTest: ...
    async def get(self, test_id: str) -> UnitTest: ...
    async def ids(self) -> set[str]: ...
    async def list(self, function_id: str) -> builtins.list[UnitTest]: ...
    async def purge(self, function_id: str) -> int: ...
    async def record_result(
        self,
        test_id: str,
        status: str,
        actual_result: str | None = None,
        execution_date: datetime | str | None = None,
    ) -> TestResult: ...
    async def results(self, function_id: str | None = None) -> builtins.list[TestResult]: ...
    async def coverage(self) -> builtins.list[CoverageEntry]: ...


class AsyncModifications(Protocol):
    """Async: The change history of functions."""

    async def list(self, function_id: str) -> builtins.list[Modification]: ...


class AsyncMetrics(Protocol):
    """Async: Timed operations and what they add up to."""

    async def record(
        self,
        operation: str,
        duration_ms: float,
        *,
        success: bool = True,
        error: str | None = None,
        extra: dict[str, Any] | None = None,
        at: str | datetime | None = None,
    ) -> Metric: ...
    def timed(
        self, operation: str, extra: dict[str, Any] | None = None
    ) -> AbstractAsyncContextManager[None]: ...
    async def latest(self, operation: str | None = None, *, limit: int = 1000) -> builtins.list[Metric]: ...
    async def summary(
        self,
        operation: str | None = None,
        *,
        window: str | timedelta | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
    ) -> builtins.list[OperationSummary]: ...
    async def slowest(
        self,
        operation: str | None = None,
        *,
        limit: int = 10,
        window: str | timedelta | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
    ) -> builtins.list[Metric]: ...
    async def prune(
        self, older_than: str | datetime | timedelta, *, dry_run: bool = False
    ) -> tuple[int, datetime]: ...


class AsyncOrigins(Protocol):
    """Async: The mapping between the tools' ids and codedb's."""

    async def record_id(self, system: str, kind: str, external_id: object) -> str | None: ...
    async def external_id(self, system: str, kind: str, record_id: str) -> str | None: ...
    async def remember(self, system: str, kind: str, pairs: Iterable[tuple[object, str]]) -> int: ...
    async def next_number(self, system: str, kind: str) -> int: ...
    async def number_for(self, system: str, kind: str, record_id: str) -> int: ...


class AsyncUsers(Protocol):
    """Async: Users: unique usernames, emails unique ignoring case."""

    async def resolve(self, user: str) -> str: ...
    async def get(self, user_id: str) -> User: ...
    async def find(self, username: str) -> User | None: ...
    async def find_by_email(self, email: str) -> User | None: ...
    async def add(
        self,
        username: str,
        email: str | None = None,
        full_name: str = "",
        preferences: dict[str, Any] | None = None,
        *,
        user_id: str | None = None,
    ) -> User: ...
    async def list(
        self, *, active: bool | None = None, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[User]: ...
    async def update(
        self,
        user_id: str,
        *,
        email: str | None | object = ...,
        full_name: str | None = None,
        preferences: dict[str, Any] | None = None,
    ) -> User: ...
    async def rename(self, user_id: str, username: str) -> User: ...
    async def set_active(self, user_id: str, active: bool) -> User: ...
    async def delete(self, user_id: str) -> None: ...
    async def new_key(self, user_id: str) -> str: ...
    async def set_key(self, user_id: str, key: str) -> None: ...
    async def revoke_key(self, user_id: str) -> None: ...
    async def authenticate(self, key: str) -> User: ...
    async def checked_lately(self, key: str) -> bool: ...
    async def keys_in_use(self) -> int: ...
    async def verify_key(self, user_id: str, key: str) -> bool: ...


class AsyncHistory(Protocol):
    """Async: Messages by session; a session belongs to the user who saved its first message."""

    async def text_hits(self, query: TextQuery, limit: int) -> builtins.list[SearchHit]: ...
    async def reindex(self) -> int: ...
    async def stale_in_index(self) -> int: ...
    async def save(
        self,
        user_id: str,
        session_id: str,
        role: str,
        content: str,
        *,
        model: str | None = None,
        workspace_path: str | None = None,
        tokens: int | None = None,
        extra: dict[str, Any] | None = None,
        at: str | datetime | None = None,
    ) -> Message: ...
    async def messages(
        self, session_id: str, *, last: int | None = None, limit: int | None = None, offset: int = 0
    ) -> builtins.list[Message]: ...
    async def latest_of_user(
        self, user_id: str, count: int, *, session_id: str | None = None
    ) -> builtins.list[Message]: ...
    async def sessions(
        self, user_id: str, *, limit: int | None = None, offset: int = 0
    ) -> builtins.list[SessionSummary]: ...
    async def delete_session(self, session_id: str) -> int: ...
    async def prune(
        self, older_than: str | datetime | timedelta, *, dry_run: bool = False
    ) -> tuple[int, datetime]: ...
    async def markdown(self, session_id: str) -> str: ...
    async def vector_models(self) -> builtins.list[VectorModel]: ...
    async def pending_vectors(self, model: str) -> int: ...
    async def embed(
        self, provider: Provider, *, batch: int = EMBED_BATCH, progress: Callable[[int], None] | None = None
    ) -> EmbedReport: ...
    async def search_semantic(
        self, text: str, *, limit: int = 10, provider: Provider | None = None
    ) -> builtins.list[SearchHit]: ...
    async def search_hybrid(
        self, text: str, *, limit: int = 10, provider: Provider | None = None
    ) -> builtins.list[SearchHit]: ...
    async def similar(
        self, row_id: str, *, limit: int = 10, model: str | None = None
    ) -> builtins.list[SearchHit]: ...
    async def forget_vectors(self, model: str) -> int: ...
    async def has_vectors(self, model: str) -> bool: ...


class AsyncPreferences(Protocol):
    """Async: One JSON value per (user, key): get with a default, set (insert or replace), delete,"""

    async def find(self, user_id: str, key: str) -> Preference | None: ...
    async def get(self, user_id: str, key: str, default: Any = None) -> Any: ...
    async def set(self, user_id: str, key: str, value: Any) -> Preference: ...
    async def delete(self, user_id: str, key: str) -> None: ...
    async def list(self, user_id: str) -> builtins.list[Preference]: ...
    async def export(self, user_id: str) -> dict[str, Any]: ...
    async def import_(self, user_id: str, values: Any, *, replace: bool = False) -> int: ...


class AsyncProjects(Protocol):
    """Async: Projects, their lifecycle and their history."""

    async def resolve(self, project: str) -> str: ...
    async def get(self, project_id: str) -> Project: ...
    async def find(self, project_id: str) -> Project | None: ...
    async def named(self, name: str) -> builtins.list[Project]: ...
    async def overview(self, project_id: str) -> ProjectOverview: ...
    async def record_event(
        self, project_id: str, action: str, description: str = "", actor: str | None = None
    ) -> WorkflowEvent: ...
    async def create(
        self,
        name: str,
        description: str = "",
        *,
        user_id: str | None = None,
        project_type: str = "",
        path: str | None = None,
        config: dict[str, Any] | None = None,
        brief: dict[str, Any] | None = None,
        provider: str | None = None,
        model: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        cost_estimate: float = 0.0,
        actor: str | None = None,
        project_id: str | None = None,
        agent_role: str | None = None,
        strategy: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Project: ...
    async def free_name(self, wanted: str, user_id: str | None, project_id: str | None = None) -> str: ...
    async def update(self, project_id: str, *, actor: str | None = None, **changes: Any) -> Project: ...
    async def report(
        self,
        project_id: str,
        *,
        status: str | None = None,
        progress: float | None = None,
        actual_cost: float | None = None,
        files_generated: int | None = None,
        lines_of_code: int | None = None,
        error: str | None = None,
        log: str | None = None,
        actor: str | None = None,
    ) -> Project: ...
    async def move(
        self, project_id: str, action: str, *, reason: str | None = None, actor: str | None = None
    ) -> Project: ...
    async def move_to(self, project_id: str, status: str, *, actor: str | None = None) -> Project: ...
    async def add_work(
        self, project_id: str, *, files: int = 0, lines: int = 0, generations: int = 0, cost: float = 0.0
    ) -> None: ...
    async def delete(self, project_id: str) -> None: ...
    async def history(
        self, project_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[WorkflowEvent]: ...
    async def list(
        self,
        *,
        status: str | None = None,
        user_id: str | None = None,
        project_type: str | None = None,
        text: str | None = None,
        created_after: str | datetime | None = None,
        created_before: str | datetime | None = None,
        updated_after: str | datetime | None = None,
        updated_before: str | datetime | None = None,
        sort: str = "created",
        descending: bool = False,
        limit: int = 50,
        offset: int = 0,
        after: str | None = None,
    ) -> ProjectPage: ...
    async def export(self, project_id: str) -> dict[str, Any]: ...
    async def import_document(self, doc: Any, where: str = "the document") -> dict[str, int]: ...


class AsyncGenerations(Protocol):
    """Async: Code generations of a project: a specification, then the generated code."""

    async def resolve(self, generation_id: str) -> str: ...
    async def get(self, generation_id: str) -> CodeGeneration: ...
    async def add(
        self,
        project_id: str,
        specification: str,
        *,
        language: str = "",
        framework: str = "",
        generated_code: str = "",
        status: str = "pending",
        tokens_used: int = 0,
    ) -> CodeGeneration: ...
    async def finish(
        self, generation_id: str, status: str, generated_code: str = "", tokens_used: int = 0
    ) -> CodeGeneration: ...
    async def update(self, generation_id: str, **fields: Any) -> CodeGeneration: ...
    async def queue(
        self, project_id: str, specification: str | None = None, *, actor: str | None = None
    ) -> CodeGeneration: ...
    async def claim(self, worker: str, *, lease: float = LEASE_SECONDS) -> CodeGeneration | None: ...
    async def extend(
        self, generation_id: str, worker: str, *, lease: float = LEASE_SECONDS
    ) -> CodeGeneration: ...
    async def complete(
        self,
        generation_id: str,
        worker: str,
        *,
        generated_code: str = "",
        tokens_used: int = 0,
        cost: float = 0.0,
        actor: str | None = None,
    ) -> CodeGeneration: ...
    async def fail(
        self,
        generation_id: str,
        worker: str,
        error: str,
        *,
        tokens_used: int = 0,
        cost: float = 0.0,
        actor: str | None = None,
    ) -> CodeGeneration: ...
    async def queued(self, *, limit: int = 100) -> builtins.list[CodeGeneration]: ...
    async def delete(self, generation_id: str) -> None: ...
    async def list(
        self, project_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[CodeGeneration]: ...


class AsyncGeneratedFiles(Protocol):
    """Async: A project's generated files: one per path; generating a path again replaces it."""

    async def save(
        self, project_id: str, path: str, content: str, *, file_type: str = "", provider: str | None = None
    ) -> GeneratedFile: ...
    async def get(self, project_id: str, path: str) -> GeneratedFile: ...
    async def list(self, project_id: str) -> builtins.list[GeneratedFile]: ...


class AsyncClarifications(Protocol):
    """Async: Clarification sessions: an idea, questions answered one at a time; completing one"""

    async def resolve(self, session_id: str) -> str: ...
    async def get(self, session_id: str) -> ClarificationSession: ...
    async def start(
        self,
        project_id: str | None,
        idea: str,
        questions: builtins.list[str],
        *,
        depth: str = "standard",
        provider: str | None = None,
    ) -> ClarificationSession: ...
    async def answer(self, session_id: str, question: int, answer: str | None) -> ClarificationSession: ...
    async def answer_current(self, session_id: str, answer: str | None) -> ClarificationSession: ...
    async def brief(self, session: ClarificationSession) -> dict[str, Any]: ...
    async def complete(self, session_id: str, *, actor: str | None = None) -> ClarificationSession: ...


class AsyncAutosaves(Protocol):
    """Async: Autosaves of files being edited: save, list per file, restore one to a file."""

    async def resolve(self, save_id: str) -> str: ...
    async def get(self, save_id: str) -> Autosave: ...
    async def save(
        self,
        file_path: str,
        content: str,
        *,
        save_type: str = "auto",
        metadata: dict[str, Any] | None = None,
        save_id: str | None = None,
    ) -> Autosave: ...
    async def update(self, save_id: str, **fields: Any) -> Autosave: ...
    async def delete(self, save_id: str) -> None: ...
    async def list(
        self, file_path: str | None = None, *, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[Autosave]: ...


class AsyncAnalyses(Protocol):
    """Async: Project analyses: a health score 0-100 with counts; the latest and the trend."""

    async def add(
        self,
        project_id: str,
        health_score: float,
        *,
        analysis: dict[str, Any] | None = None,
        issues: int = 0,
        warnings: int = 0,
    ) -> ProjectAnalysis: ...
    async def get(self, analysis_id: str) -> ProjectAnalysis: ...
    async def update(self, analysis_id: str, **fields: Any) -> ProjectAnalysis: ...
    async def delete(self, analysis_id: str) -> None: ...
    async def list(self, project_id: str, *, limit: int | None = None) -> builtins.list[ProjectAnalysis]: ...
    async def latest(self, project_id: str) -> ProjectAnalysis | None: ...


class AsyncUsage(Protocol):
    """Async: Requests to AI providers and what they cost."""

    async def record(
        self,
        provider: str,
        model: str,
        *,
        project_id: str | None = None,
        request_type: str = "",
        tokens_in: int = 0,
        tokens_out: int = 0,
        tokens_total: int | None = None,
        cost: float = 0.0,
        latency_ms: float | None = None,
        success: bool = True,
        error: str | None = None,
        timestamp: str | datetime | None = None,
    ) -> ProviderUsage: ...
    async def record_many(self, rows: builtins.list[ProviderUsage]) -> int: ...
    async def list(
        self,
        *,
        project_id: str | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> builtins.list[ProviderUsage]: ...
    async def report(
        self,
        by: str = "provider",
        *,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
    ) -> builtins.list[dict[str, Any]]: ...
    async def total(
        self, *, since: str | datetime | None = None, until: str | datetime | None = None
    ) -> dict[str, Any]: ...
    async def alerts(
        self,
        *,
        weekly_limit: float = WEEKLY_LIMIT,
        budgets: Iterable[tuple[float, str]] = (),
        dismissed: bool = False,
        at: datetime | None = None,
    ) -> builtins.list[CostAlert]: ...
    async def dismiss_alert(self, alert_id: str, *, by: str | None = None) -> AlertDismissal: ...
    async def budget(self, amount: float, period: str = "month", *, at: datetime | None = None) -> Budget: ...


class AsyncTemplates(Protocol):
    """Async: Templates by unique name, their versions, ratings and downloads."""

    async def text_hits(self, query: TextQuery, limit: int) -> builtins.list[SearchHit]: ...
    async def reindex(self) -> int: ...
    async def stale_in_index(self) -> int: ...
    async def resolve(self, template: str) -> str: ...
    async def find(self, name: str) -> Template | None: ...
    async def get(self, template_id: str) -> TemplateListing: ...
    async def publish(
        self,
        name: str,
        content: str,
        *,
        description: str | None = None,
        author: str | None = None,
        tags: builtins.list[str] | tuple[str, ...] | None = None,
        notes: str = "",
        label: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> TemplateVersion: ...
    async def list(
        self,
        *,
        text: str | None = None,
        tag: str | None = None,
        author: str | None = None,
        sort: str = "rating",
        limit: int = 20,
        offset: int = 0,
    ) -> builtins.list[TemplateListing]: ...
    async def count(
        self, *, text: str | None = None, tag: str | None = None, author: str | None = None
    ) -> int: ...
    async def versions(self, template_id: str) -> builtins.list[TemplateVersion]: ...
    async def version(self, template_id: str, version: int | None = None) -> TemplateVersion: ...
    async def install(
        self,
        template_id: str,
        dest: str | Path,
        *,
        version: int | None = None,
        force: bool = False,
        user_id: str | None = None,
    ) -> TemplateVersion: ...
    async def rate(self, template_id: str, user_id: str, rating: int) -> TemplateListing: ...
    async def unpublish(self, template_id: str, version: int | None = None) -> None: ...
    async def vector_models(self) -> builtins.list[VectorModel]: ...
    async def pending_vectors(self, model: str) -> int: ...
    async def embed(
        self, provider: Provider, *, batch: int = EMBED_BATCH, progress: Callable[[int], None] | None = None
    ) -> EmbedReport: ...
    async def search_semantic(
        self, text: str, *, limit: int = 10, provider: Provider | None = None
    ) -> builtins.list[SearchHit]: ...
    async def search_hybrid(
        self, text: str, *, limit: int = 10, provider: Provider | None = None
    ) -> builtins.list[SearchHit]: ...
    async def similar(
        self, row_id: str, *, limit: int = 10, model: str | None = None
    ) -> builtins.list[SearchHit]: ...
    async def forget_vectors(self, model: str) -> int: ...
    async def has_vectors(self, model: str) -> bool: ...


class AsyncAnalytics(Protocol):
    """Async: Measurements by metric name, of a project or of none."""

    async def record(
        self,
        metric_name: str,
        value: float,
        *,
        project_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        at: str | datetime | None = None,
    ) -> Measurement: ...
    async def delete_for_project(self, project_id: str) -> int: ...
    async def project_summary(self, project_id: str) -> builtins.list[MetricSummary]: ...
    async def trends(
        self,
        metric_name: str,
        period: str = "day",
        *,
        project_id: str | None = None,
        window: str | timedelta | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
    ) -> builtins.list[Trend]: ...
    async def usage_counts(
        self,
        key: str = "widget",
        *,
        window: str | timedelta | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
    ) -> builtins.list[UsageCount]: ...
    async def measurements(
        self,
        *,
        metric_name: str | None = None,
        project_id: str | None = None,
        window: str | timedelta | None = None,
        since: str | datetime | None = None,
        until: str | datetime | None = None,
        limit: int | None = None,
    ) -> builtins.list[Measurement]: ...


class AsyncSurface:
    """The domain APIs of an AsyncDatabase (codedb.aio), by attribute."""

    functions: AsyncFunctions
    modules: AsyncModules
    tags: AsyncTags
    dependencies: AsyncDependencies
    tests: AsyncTests
    modifications: AsyncModifications
    metrics: AsyncMetrics
    origins: AsyncOrigins
    users: AsyncUsers
    history: AsyncHistory
    preferences: AsyncPreferences
    projects: AsyncProjects
    generations: AsyncGenerations
    generated_files: AsyncGeneratedFiles
    clarifications: AsyncClarifications
    autosaves: AsyncAutosaves
    analyses: AsyncAnalyses
    usage: AsyncUsage
    templates: AsyncTemplates
    analytics: AsyncAnalytics
