"""The projects domain's records: one frozen attrs class per table (field names = column
names; JSON columns hold parsed values), and the shapes of its reports."""

from datetime import datetime
from typing import Any

import attrs

from ...core.convert import KEY, json_field, optional_float, optional_time, stored_bool, stored_time

STATUSES = ("creating", "in_progress", "executing", "paused", "completed", "failed")
GENERATION_STATUSES = ("pending", "running", "completed", "failed")


@attrs.frozen
class Project:
    project_id: str
    user_id: str | None
    name: str = attrs.field(metadata=KEY)
    description: str
    project_type: str
    path: str | None
    status: str = attrs.field(metadata=KEY)
    config: Any = json_field()
    brief: Any = json_field()
    provider: str | None = None
    model: str | None = None
    temperature: float | None = attrs.field(converter=optional_float, default=None)
    max_tokens: int | None = None
    cost_estimate: float = attrs.field(converter=float, default=0.0)
    actual_cost: float = attrs.field(converter=float, default=0.0)
    files_generated: int = 0
    lines_of_code: int = 0
    generations: int = 0
    error_message: str | None = None
    created_at: datetime = attrs.field(converter=stored_time, default=None)
    updated_at: datetime = attrs.field(converter=stored_time, default=None)
    started_at: datetime | None = attrs.field(converter=optional_time, default=None)
    completed_at: datetime | None = attrs.field(converter=optional_time, default=None)
    progress: float = attrs.field(converter=float, default=0.0)  # 0-100, as YAGO reports it
    agent_role: str | None = None
    strategy: str | None = None
    errors: Any = json_field(factory=list)  # [{"timestamp", "error"}], appended, never edited
    logs: Any = json_field(factory=list)  # [{"timestamp", "log"}]
    metadata: Any = json_field(factory=dict)  # free-form (PygubuAI's meta_data)


@attrs.frozen
class WorkflowEvent:
    event_id: str
    project_id: str
    timestamp: datetime = attrs.field(converter=stored_time)
    action: str = ""
    description: str = ""
    actor: str | None = None


@attrs.frozen
class CodeGeneration:
    generation_id: str
    project_id: str
    specification: str
    language: str
    framework: str
    generated_code: str
    status: str = attrs.field(metadata=KEY)
    tokens_used: int
    created_at: datetime = attrs.field(converter=stored_time)
    updated_at: datetime = attrs.field(converter=stored_time)
    claimed_by: str | None = None  # the worker holding it while it runs
    lease_until: datetime | None = attrs.field(converter=optional_time, default=None)
    attempts: int = 0  # times claimed
    cost: float = attrs.field(converter=float, default=0.0)
    error: str | None = None


@attrs.frozen
class AlertDismissal:
    """A cost alert a user dismissed (its id names its rule and what it is about)."""

    alert_id: str
    dismissed_at: datetime = attrs.field(converter=stored_time)
    dismissed_by: str | None = None


@attrs.frozen
class GeneratedFile:
    file_id: str
    project_id: str
    path: str = attrs.field(metadata=KEY)
    file_type: str
    content: str
    size: int
    lines: int
    provider: str | None
    created_at: datetime = attrs.field(converter=stored_time)
    updated_at: datetime = attrs.field(converter=stored_time)


@attrs.frozen
class ClarificationSession:
    session_id: str
    project_id: str | None  # None until the brief makes a project (YAGO asks before one exists)
    idea: str
    depth: str
    questions: Any = json_field()
    answers: Any = json_field()
    progress: float = attrs.field(converter=float, default=0.0)
    completed: bool = attrs.field(converter=stored_bool, default=False)
    created_at: datetime = attrs.field(converter=stored_time, default=None)
    updated_at: datetime = attrs.field(converter=stored_time, default=None)
    current_question: int = 0  # the index of the question asked next
    provider: str | None = None  # the language model's provider that asked
    completed_at: datetime | None = attrs.field(converter=optional_time, default=None)


@attrs.frozen
class ProviderUsage:
    usage_id: str
    project_id: str | None
    provider: str = attrs.field(metadata=KEY)
    model: str = attrs.field(metadata=KEY)
    request_type: str
    tokens_in: int
    tokens_out: int
    tokens_total: int
    cost: float = attrs.field(converter=float)
    latency_ms: float | None = attrs.field(converter=optional_float, default=None)
    success: bool = attrs.field(converter=stored_bool, default=True)
    error: str | None = None
    timestamp: datetime = attrs.field(converter=stored_time, default=None)


@attrs.frozen
class Autosave:
    save_id: str
    file_path: str = attrs.field(metadata=KEY)
    content: str
    save_type: str
    metadata: Any = json_field()
    size_chars: int = 0
    created_at: datetime = attrs.field(converter=stored_time, default=None)


@attrs.frozen
class ProjectAnalysis:
    analysis_id: str
    project_id: str
    analysis: Any = json_field()
    health_score: float = attrs.field(converter=float, default=0.0)
    issues: int = 0
    warnings: int = 0
    created_at: datetime = attrs.field(converter=stored_time, default=None)


@attrs.frozen
class ProjectCounts:
    """What belongs to a project, counted (get_project_counts)."""

    events: int
    code_generations: int
    files: int
    usage_rows: int
    usage_cost: float = attrs.field(converter=float)
    health_score: float | None = attrs.field(converter=optional_float)
    analysed_at: datetime | None = attrs.field(converter=optional_time)


@attrs.frozen
class ProjectOverview:
    """A project with its counts, as `projects show` prints it."""

    project: Project
    events: int
    code_generations: int
    files: int
    usage_rows: int
    usage_cost: float = attrs.field(converter=float)
    health_score: float | None = attrs.field(converter=optional_float)
    analysed_at: datetime | None = attrs.field(converter=optional_time)


@attrs.frozen
class ProjectPage:
    """One page of a listing: the projects, the total that match (None on a keyset page:
    counting them would cost a pass over every match), and the cursor of the next page
    (None on the last)."""

    projects: tuple[Project, ...]
    total: int | None
    next_cursor: str | None
