"""The projects API (db.projects): create, get, list (filters, sorts, keyset pages), update,
delete, the lifecycle moves, the workflow history, and a project's export and import.

Every move and every edit writes a workflow event in the same transaction."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import base64
import builtins
import json
import operator
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from ...core.api import NO_LIMIT, DomainAPI
from ...core.convert import (
    check_json,
    check_key_text,
    check_number,
    check_page,
    check_text,
    db_time,
    field_names,
    from_dict,
    json_text,
    json_value,
    key_fields,
    like_pattern,
    now,
    optional_text,
    params,
    query_time,
    required_text,
    same_json,
    to_dict,
)
from ...core.db import is_unique_violation
from ...core.ids import new_id, resolve_prefix
from ...errors import Conflict, InvalidInput, NotFound
from .records import STATUSES, Project, ProjectOverview, ProjectPage, WorkflowEvent

HINT = "list projects with 'codedb projects list'"
MAX_PAGE = 10_000

_AT = {name: i for i, name in enumerate(field_names(Project))}  # a field of Project -> its place in a row
_COUNTS = operator.attrgetter(*field_names(ProjectOverview)[1:])  # its fields after the project, in order

# action -> (the statuses it moves from, the status it moves to)
MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "start": (("creating",), "in_progress"),
    "execute": (("in_progress", "paused"), "executing"),
    "pause": (("in_progress", "executing"), "paused"),
    "resume": (("paused",), "in_progress"),
    "complete": (("in_progress", "executing"), "completed"),
    "fail": (("creating", "in_progress", "executing", "paused"), "failed"),
    "reopen": (("completed", "failed"), "in_progress"),
}
SORTS = ("created", "updated", "name", "cost")
EDITABLE = (
    "name",
    "description",
    "project_type",
    "path",
    "config",
    "brief",
    "provider",
    "model",
    "temperature",
    "max_tokens",
    "cost_estimate",
    "progress",
    "agent_role",
    "strategy",
    "metadata",
)
JSON_FIELDS = ("config", "brief", "metadata")
EXPORT_FORMAT = "codedb-project"
# The tables a project's export carries, with the field that ties their rows to it.
OWNED = (
    ("workflow_events", "project_id"),
    ("code_generations", "project_id"),
    ("generated_files", "project_id"),
    ("clarification_sessions", "project_id"),
    ("ai_provider_usage", "project_id"),
    ("project_analyses", "project_id"),
)
OWNED_QUERIES = {  # the query listing a project's rows of each OWNED table but its events
    "code_generations": "list_project_code_generations",
    "generated_files": "list_project_generated_files",
    "clarification_sessions": "list_project_clarification_sessions",
    "ai_provider_usage": "list_project_ai_provider_usage",
    "project_analyses": "list_project_project_analyses",
}
# The listing query of each order, (in one status?, sort, descending) -> the query of a page
# by offset and its keyset twin. One status in creation order (the commonest listing) has
# queries of its own, which walk projects_status_idx.
LISTINGS = {
    (False, "created", False): ("list_projects_by_created_asc", "list_projects_by_created_asc_after"),
    (False, "created", True): ("list_projects_by_created_desc", "list_projects_by_created_desc_after"),
    (False, "updated", False): ("list_projects_by_updated_asc", "list_projects_by_updated_asc_after"),
    (False, "updated", True): ("list_projects_by_updated_desc", "list_projects_by_updated_desc_after"),
    (False, "name", False): ("list_projects_by_name_asc", "list_projects_by_name_asc_after"),
    (False, "name", True): ("list_projects_by_name_desc", "list_projects_by_name_desc_after"),
    (False, "cost", False): ("list_projects_by_cost_asc", "list_projects_by_cost_asc_after"),
    (False, "cost", True): ("list_projects_by_cost_desc", "list_projects_by_cost_desc_after"),
    (True, "created", False): (
        "list_projects_in_status_by_created_asc",
        "list_projects_in_status_by_created_asc_after",
    ),
    (True, "created", True): (
        "list_projects_in_status_by_created_desc",
        "list_projects_in_status_by_created_desc_after",
    ),
}


def allowed_actions(status: str) -> builtins.list[str]:
    """The lifecycle actions a project in `status` can take."""
    return [action for action, (sources, _) in MOVES.items() if status in sources]


def _name(value: Any) -> str:
    return check_key_text(required_text(value, "project name", "give the project a name"), "project name")


# The fields a create sets that create_plain_project writes as constants, with those values.
_PLAIN: tuple[tuple[str, Any], ...] = (
    ("path", None), ("config", {}), ("brief", None), ("provider", None), ("model", None),
    ("temperature", None), ("max_tokens", None), ("cost_estimate", 0.0), ("agent_role", None),
    ("strategy", None), ("metadata", {}),
)  # fmt: skip


def _create_values(project: Project, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The query that writes a new project of checked `fields` and its parameters: what
    params() gives for the columns a create sets, made directly (a create's record is written
    once); create_plain_project's when the fields in _PLAIN hold their defaults."""
    plain = all(fields[key] == default and type(fields[key]) is type(default) for key, default in _PLAIN)
    if plain:
        keys = ("name", "description", "project_type")
        values = {key: fields[key] for key in keys}
    else:
        values = {key: json_text(value) if key in JSON_FIELDS else value for key, value in fields.items()}
    values["project_id"], values["user_id"] = project.project_id, project.user_id
    for key, what in key_fields(Project):
        if key in values:
            check_key_text(values[key], what)
    values["stamp"] = db_time(project.created_at)
    return ("create_plain_project" if plain else "create_project"), values


def _checked_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The editable fields of a project, each checked (InvalidInput naming the first wrong)."""
    checked = dict(fields)
    if "name" in checked:
        checked["name"] = _name(checked["name"])
    for key in ("description", "project_type"):
        if key in checked:
            checked[key] = optional_text(checked[key], key.replace("_", " ")) or ""
    for key in ("path", "provider", "model"):
        if key in checked:
            checked[key] = optional_text(checked[key], key)
    if "config" in checked:
        checked["config"] = check_json({} if checked["config"] is None else checked["config"], "config", dict)
    if "brief" in checked and checked["brief"] is not None:
        checked["brief"] = check_json(checked["brief"], "brief", dict)
    if "temperature" in checked:
        checked["temperature"] = check_number(checked["temperature"], "temperature")
    if "max_tokens" in checked:
        checked["max_tokens"] = check_number(checked["max_tokens"], "max_tokens", whole=True, minimum=1)
    if "cost_estimate" in checked:
        checked["cost_estimate"] = check_number(checked["cost_estimate"], "cost_estimate") or 0.0
    if "progress" in checked:
        progress = check_number(checked["progress"], "progress") or 0.0
        if progress > 100:
            raise InvalidInput(f"progress must be from 0 to 100, not {progress}")
        checked["progress"] = float(progress)
    for key in ("agent_role", "strategy"):
        if key in checked:
            checked[key] = optional_text(checked[key], key.replace("_", " "))
    if "metadata" in checked:
        checked["metadata"] = check_json(checked["metadata"] or {}, "metadata", dict)
    return checked


def encode_cursor(sort: str, descending: bool, value: Any, project_id: str) -> str:
    raw = json.dumps([sort, descending, value, project_id], separators=(",", ":"), default=json_value)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, descending: bool) -> tuple[Any, str]:
    """The (sort value, project id) a cursor points after; InvalidInput for a cursor that is
    not one, or one of another sort."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found = json.loads(raw)
        kind, down, value, project_id = found
        if not isinstance(project_id, str) or not isinstance(value, str | int | float):
            raise ValueError
        check_text(json.dumps(found, ensure_ascii=False), "cursor")  # no lone surrogate
    except (ValueError, TypeError, UnicodeDecodeError, InvalidInput):
        raise InvalidInput(
            f"invalid cursor {cursor!r:.60}; give the next_cursor of the previous page"
        ) from None
    if kind != sort or down != descending:
        raise InvalidInput(
            f"this cursor belongs to a listing sorted by {kind}{' descending' if down else ''}; "
            "list with the same --sort and direction"
        )
    return value, project_id


class Projects(DomainAPI):
    """Projects, their lifecycle and their history."""

    # --- lookups ----------------------------------------------------------------------------

    def resolve(self, project: str) -> str:
        """The id of a project given its id, a unique prefix, or its name (if one project has it)."""
        if isinstance(project, str):
            named = [row[0] for row in self.sql.find_projects_named(self.conn, name=project.strip())]
            if len(named) == 1:
                return str(named[0])
        return resolve_prefix(
            "project",
            project,
            lambda v: self.sql.get_project(self.conn, project_id=v) is not None,
            lambda p: [row[0] for row in self.sql.find_project_ids(self.conn, prefix=p)],
            HINT,
        )

    def get(self, project_id: str) -> Project:
        found = self.sql.get_project(self.conn, project_id=project_id)
        if found is None:
            raise NotFound(f"project {project_id} not found; {HINT}")
        return found

    def find(self, project_id: str) -> Project | None:
        """A project by id, or None."""
        return self.sql.get_project(self.conn, project_id=project_id)

    def named(self, name: str) -> builtins.list[Project]:
        """The projects called `name` (one per user at most)."""
        return self.sql.projects_named(self.conn, name=name)

    def overview(self, project_id: str) -> ProjectOverview:
        """A project with its counts: events, generations, files, usage and its cost, the
        latest analysis (one query)."""
        project = self.get(project_id)
        counts = self.sql.get_project_counts(self.conn, project_id=project_id)
        return ProjectOverview(project, *_COUNTS(counts))  # attrs.asdict: 6 us more a call

    # --- writes -----------------------------------------------------------------------------

    def _event(
        self, project_id: str, action: str, description: str, actor: str | None, stamp: datetime
    ) -> None:
        # Its values written out, with no record made: every create and move writes one.
        self.sql.add_workflow_event(
            self.conn,
            event_id=new_id(),
            project_id=project_id,
            timestamp=db_time(stamp),
            action=action,
            description=description,
            actor=actor,
        )

    def record_event(
        self, project_id: str, action: str, description: str = "", actor: str | None = None
    ) -> WorkflowEvent:
        """Add an event of the caller's own to a project's history."""
        if not isinstance(action, str) or not action.strip():
            raise InvalidInput("empty action; say what happened")
        event = WorkflowEvent(
            new_id(),
            project_id,
            now(),
            check_text(action.strip(), "action"),
            check_text(description or "", "description"),
            optional_text(actor, "actor"),
        )
        with self.db.transaction():
            self.get(project_id)
            self.sql.add_workflow_event(self.conn, **params(event))
        return event

    def create(
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
    ) -> Project:
        """Create a project (status `creating`) and its first event, in one transaction.
        (Over 60 lines: a keyword parameter per field, each checked.)"""
        fields = _checked_fields(
            {
                "name": name,
                "description": description,
                "project_type": project_type,
                "path": path,
                "config": config,
                "brief": brief,
                "provider": provider,
                "model": model,
                "temperature": temperature,
                "max_tokens": max_tokens,
                "cost_estimate": cost_estimate,
                "agent_role": agent_role,
                "strategy": strategy,
                "metadata": metadata,
            }
        )
        stamp = now()
        project = Project(
            project_id=project_id or new_id(),
            user_id=user_id,
            status="creating",
            created_at=stamp,
            updated_at=stamp,
            **fields,
        )
        try:
            with self.db.transaction():
                if user_id is not None:
                    self.db.users.get(user_id)
                query, values = _create_values(project, fields)
                if getattr(self.sql, query)(self.conn, **values) == 0:
                    raise Conflict(f"project {project.project_id} exists already; give another id or none")
                self._event(
                    project.project_id,
                    "created",
                    f"created project {project.name}",
                    optional_text(actor, "actor"),
                    stamp,
                )
        except Exception as exc:
            # The unique index of (user, name) refused it, and the transaction is rolled back
            # (on PostgreSQL it could run no query after the error): name the project it met.
            if is_unique_violation(exc):
                self._check_name(project.name, user_id, None)
            raise
        return project

    def free_name(self, wanted: str, user_id: str | None, project_id: str | None = None) -> str:
        """`wanted`, or numbered ("name (2)") when the user (or no user) has another project
        so named: for tools that allowed two projects of one name."""
        name, n = wanted, 2
        while any(p.user_id == user_id and p.project_id != project_id for p in self.named(name)):
            name, n = f"{wanted} ({n})", n + 1
        return name

    def _check_name(self, name: str, user_id: str | None, project_id: str | None) -> None:
        for other in self.sql.projects_named(self.conn, name=name):
            if other.project_id != project_id and other.user_id == user_id:
                owner = f"user {user_id}" if user_id else "no user"
                raise Conflict(
                    f"a project named {name!r} of {owner} exists already ({other.project_id}); "
                    "choose another name"
                )

    def update(self, project_id: str, *, actor: str | None = None, **changes: Any) -> Project:
        """Change a project's editable fields (EDITABLE); writes an `updated` event naming them."""
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            raise InvalidInput(f"cannot update {', '.join(unknown)}; editable: {', '.join(EDITABLE)}")
        checked = _checked_fields(changes)
        stamp = now()
        with self.db.transaction():
            self.db.lock_record("projects", project_id)  # read, then written back whole
            project = self.get(project_id)
            current = {key: getattr(project, key) for key in EDITABLE}
            changed = sorted(
                key
                for key, value in checked.items()
                if not (same_json(current[key], value) if key in JSON_FIELDS else current[key] == value)
            )
            if not changed:
                return project
            current.update(checked)
            if "name" in changed:
                self._check_name(current["name"], project.user_id, project_id)
            self.sql.update_project(
                self.conn,
                project_id=project_id,
                **{key: json_text(value) if key in JSON_FIELDS else value for key, value in current.items()},
                updated_at=db_time(stamp),
            )
            self._event(
                project_id, "updated", "changed " + ", ".join(changed), optional_text(actor, "actor"), stamp
            )
            return self.get(project_id)

    def report(
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
    ) -> Project:
        """What a tool reports on a project's run (YAGO's update), in one transaction: the
        status it reached (by lifecycle moves, each its event), its progress, its totals
        (cost, files, lines: set, not added), and an error or a log line, appended with a
        timestamp to `errors` / `logs`."""
        results = {
            "actual_cost": None if actual_cost is None else check_number(actual_cost, "actual_cost"),
            "files_generated": None
            if files_generated is None
            else check_number(files_generated, "files_generated", whole=True),
            "lines_of_code": None
            if lines_of_code is None
            else check_number(lines_of_code, "lines_of_code", whole=True),
        }
        entries = {
            key: check_text(required_text(value, key, f"give the {key} as text"), key)
            for key, value in (("error", error), ("log", log))
            if value is not None
        }
        stamp = now()
        with self.db.transaction():
            self.db.lock_record("projects", project_id)  # its logs and errors are appended to
            project = self.get(project_id)
            if status is not None and status != project.status:
                project = self.move_to(project_id, status, actor=actor)
            if progress is not None:
                project = self.update(project_id, progress=progress, actor=actor)
            if any(v is not None for v in results.values()) or entries:
                made = {key: getattr(project, key) if v is None else v for key, v in results.items()}
                at = stamp.isoformat()
                added = {key: [{"timestamp": at, key: text}] for key, text in entries.items()}
                errors = [*project.errors, *added.get("error", [])]
                logs = [*project.logs, *added.get("log", [])]
                self.sql.set_project_results(
                    self.conn,
                    project_id=project_id,
                    **made,
                    errors=json_text(errors),
                    logs=json_text(logs),
                    updated_at=db_time(stamp),
                )
                project = self.get(project_id)
            return project

    def move(
        self, project_id: str, action: str, *, reason: str | None = None, actor: str | None = None
    ) -> Project:
        """Take a lifecycle action (start, execute, pause, resume, complete, fail, reopen);
        Conflict naming the current status and the allowed actions when it cannot."""
        if action not in MOVES:
            raise InvalidInput(f"unknown action {action!r}; the actions are: {', '.join(MOVES)}")
        sources, target = MOVES[action]
        stamp = now()
        with self.db.transaction():
            # Read, then moved: a second move waits for this one's commit and reads its status.
            self.db.lock_record("projects", project_id)
            row = self.sql.project_row(self.conn, project_id=project_id)
            if row is None:
                raise NotFound(f"project {project_id} not found; {HINT}")
            status = row[_AT["status"]]
            if status not in sources:
                allowed = allowed_actions(status)
                raise Conflict(
                    f"project {row[_AT['name']]} is {status}: it cannot {action}; "
                    f"allowed: {', '.join(allowed) if allowed else 'none'}"
                )
            reason = optional_text(reason, "reason")
            failed = target == "failed"
            when = db_time(stamp)
            # The moved record is made once, from the row read and the move's values: an
            # UPDATE's RETURNING of the row cost SQLite 61k instructions more than this SELECT
            # and a plain UPDATE, and a record made twice (get, then evolve) 107k more.
            values = list(row)
            values[_AT["status"]] = target
            if values[_AT["started_at"]] is None and not failed:
                values[_AT["started_at"]] = stamp
            values[_AT["completed_at"]] = stamp if target == "completed" else None
            values[_AT["error_message"]] = (reason or "failed") if failed else None
            values[_AT["updated_at"]] = stamp
            moved = Project(*values)
            written = self.sql.move_project(
                self.conn,
                project_id=project_id,
                was=status,
                status=target,
                started_at=None if failed else when,  # kept if it has one
                completed_at=when if target == "completed" else None,
                error_message=moved.error_message,
                updated_at=when,
            )
            if written != 1:  # the lock above keeps other writers out: a broken lock would show here
                raise Conflict(f"project {project_id} changed while it was moved; try again")
            described = f"{status} -> {target}" + (f": {reason}" if reason else "")
            self._event(project_id, action, described, optional_text(actor, "actor"), stamp)
        return moved

    def move_to(self, project_id: str, status: str, *, actor: str | None = None) -> Project:
        """Take the project to `status` by the fewest lifecycle actions (each its event);
        Conflict when no sequence of actions reaches it."""
        if status not in STATUSES:
            raise InvalidInput(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        project = self.get(project_id)
        path = _path(project.status, status)
        if path is None:
            raise Conflict(
                f"project {project.name} is {project.status}: no lifecycle action takes it to {status}"
            )
        with self.db.transaction():
            for action in path:
                project = self.move(project_id, action, actor=actor)
        return project

    def add_work(
        self, project_id: str, *, files: int = 0, lines: int = 0, generations: int = 0, cost: float = 0.0
    ) -> None:
        """Add to a project's counters (inside the caller's transaction)."""
        self.sql.count_project_work(
            self.conn,
            project_id=project_id,
            files=files,
            lines=lines,
            generations=generations,
            cost=cost,
            updated_at=db_time(now()),
        )

    def delete(self, project_id: str) -> None:
        """Delete a project with its events and work (its provider usage stays, without it)."""
        with self.db.transaction():
            if self.sql.delete_project(self.conn, project_id=project_id) == 0:
                raise NotFound(f"project {project_id} not found; {HINT}")

    # --- reads ------------------------------------------------------------------------------

    def history(
        self, project_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[WorkflowEvent]:
        """A project's workflow events, newest first."""
        self.get(project_id)
        rows = self.sql.list_project_events(
            self.conn, project_id=project_id, limit=NO_LIMIT if limit is None else limit, offset=offset or 0
        )
        return rows

    def list(
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
    ) -> ProjectPage:
        """One page of the projects matching the filters (None leaves one out), sorted by
        created, updated, name or cost (then id), with the next page's cursor and (without
        `after`) the total. `after` (a cursor) pages by keyset: as quick at any depth;
        `offset` skips rows. (Over 60 lines: a keyword parameter per filter.)"""
        if status is not None and status not in STATUSES:
            raise InvalidInput(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        if sort not in SORTS:
            raise InvalidInput(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        check_page(limit, offset, MAX_PAGE)
        if after is not None and offset:
            raise InvalidInput("--after and --offset cannot be given together; a cursor already says where")
        if text is not None:
            text = check_text(text, "search text")
        filters = {
            "status": status,
            "user_id": user_id,
            "project_type": project_type,
            "pattern": None if text is None else like_pattern(text),
            "created_after": query_time(created_after),
            "created_before": query_time(created_before),
            "updated_after": query_time(updated_after),
            "updated_before": query_time(updated_before),
        }
        by_offset, by_keyset = LISTINGS[status is not None and sort == "created", sort, bool(descending)]
        if after is None:
            rows = getattr(self.sql, by_offset)(self.conn, **filters, limit=limit, offset=offset)
        else:
            value, after_id = decode_cursor(after, sort, descending)
            rows = getattr(self.sql, by_keyset)(
                self.conn, **filters, after_value=value, after_id=after_id, limit=limit
            )
        ids = [row[0] for row in rows]
        page = self.sql.get_projects(self.conn, ids=json.dumps(ids, default=json_value))
        by_id = {project.project_id: project for project in page}
        found = [by_id[project_id] for project_id in ids]
        # The total costs a pass over every match: it comes with the first page (and offset
        # pages), not with keyset pages, which stay as quick at any depth.
        count = self.sql.count_matching_projects if status is None else self.sql.count_projects_in_status
        total = int(count(self.conn, **filters)) if after is None else None
        cursor = None
        if len(found) == limit:
            last = found[-1]
            cursor = encode_cursor(sort, descending, _sort_value(last, sort), last.project_id)
        return ProjectPage(tuple(found), total, cursor)

    # --- export and import --------------------------------------------------------------------

    def export(self, project_id: str) -> dict[str, Any]:
        """Everything that belongs to a project, as one JSON-ready document."""
        project = self.get(project_id)
        doc: dict[str, Any] = {"format": EXPORT_FORMAT, "format_version": 1, "project": to_dict(project)}
        for table, _ in OWNED:
            doc[table] = [to_dict(r) for r in self._owned(table, project_id)]
        return doc

    def _owned(self, table: str, project_id: str) -> Iterable[Any]:
        """A project's rows of one of the OWNED tables, oldest first."""
        if table == "workflow_events":
            return self.history(project_id)[::-1]
        query = getattr(self.sql, OWNED_QUERIES[table])
        return query(self.conn, project_id=project_id)

    def import_document(self, doc: Any, where: str = "the document") -> dict[str, int]:
        """Load a project export, in one transaction, keyed on ids (twice adds nothing). A
        user the project names but this database lacks leaves it without a user."""
        if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
            raise InvalidInput(
                f"{where} is not a codedb project export; give a file written by 'codedb projects export'"
            )
        if type(doc.get("format_version")) is not int or doc["format_version"] > 1:
            raise InvalidInput(f"{where}: format_version must be 1 (written by this codedb or an older one)")
        project = from_dict(Project, doc.get("project"))
        rows: dict[str, builtins.list[Any]] = {}
        for table, key in OWNED:
            items = doc.get(table, [])
            if not isinstance(items, builtins.list):
                raise InvalidInput(f"{where}: {table} must be a list of rows")
            cls = self.db.tables[table].record
            rows[table] = []
            for index, item in enumerate(items):
                try:
                    row = from_dict(cls, item)
                except InvalidInput as exc:
                    raise InvalidInput(f"{where}: {table} row {index + 1}: {exc}") from None
                if getattr(row, key) != project.project_id:
                    raise InvalidInput(f"{where}: {table} row {index + 1} belongs to another project")
                rows[table].append(row)
        added: dict[str, int] = {}
        with self.db.transaction():
            if (
                project.user_id is not None
                and self.db.users.sql.get_user(self.conn, user_id=project.user_id) is None
            ):
                project = attrs.evolve(project, user_id=None)
            if self.sql.get_project(self.conn, project_id=project.project_id) is None:
                self._check_name(project.name, project.user_id, project.project_id)
            added["projects"] = int(self.sql.load_projects(self.conn, [params(project)]))
            for table, _ in OWNED:
                if rows[table]:
                    added[table] = int(
                        self.db.tables[table].load(self.conn, [params(r) for r in rows[table]])
                    )
        return added


def _path(start: str, goal: str) -> builtins.list[str] | None:
    """The fewest actions of MOVES from status `start` to `goal` ([] when they are the same)."""
    paths: dict[str, builtins.list[str]] = {start: []}
    frontier = [start]
    while frontier and goal not in paths:
        following = []
        for status in frontier:
            for action, (sources, target) in MOVES.items():
                if status in sources and target not in paths:
                    paths[target] = [*paths[status], action]
                    following.append(target)
        frontier = following
    return paths.get(goal)


def _sort_value(project: Project, sort: str) -> Any:
    if sort == "created":
        return db_time(project.created_at)
    if sort == "updated":
        return db_time(project.updated_at)
    if sort == "name":
        return project.name
    return project.actual_cost
