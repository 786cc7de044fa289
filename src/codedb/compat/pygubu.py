"""PygubuAI's own calls over codedb (docs/moving.md, PygubuAI), so that its code runs unchanged:

    from codedb.compat.pygubu import init_db, get_session, create_project, list_projects
    init_db()                                    # $CODEDB_URL, else ./code_db.sqlite
    session = get_session()
    create_project(session, "calculator", "/home/ada/calc", "a calculator")
    add_workflow_event(session, "calculator", "ui_edited", "added a button")
    session.close()

Its projects are codedb projects without a user (type `pygubu`), found by name; a project
made here has the id the registry import gives the same name, so the registry, the old
database and this API all meet on one project. Templates are codedb templates: the tool's
text version ('1.0.0') is the version's label; downloads are the tool's count plus codedb's,
the rating codedb's average once rated here, the tool's until then. Ids are the tool's
integers (db.origins keeps the mapping). Times are naive UTC, as its models gave them.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import attrs

from ..core.db import Database, connect
from ..errors import Conflict, InvalidInput, NotFound
from ..legacy.gui_projects import project_id as registry_project_id
from ..schema.migrations import migrate

SYSTEM = "pygubu"
PAGE = 200  # templates read per query by search_templates
PROJECT_FIELDS = {"name": "name", "path": "path", "description": "description", "meta_data": "metadata"}


def _naive(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None)


@attrs.define
class Project:
    """A PygubuAI project, as its model's attributes."""

    id: int
    name: str
    path: str
    description: str
    created_at: datetime | None
    updated_at: datetime | None
    meta_data: dict[str, Any]


@attrs.define
class Template:
    """A PygubuAI template: its latest version's content and label."""

    id: int
    name: str
    description: str
    author: str
    version: str
    downloads: int
    rating: float
    content: str
    created_at: datetime | None
    updated_at: datetime | None
    meta_data: dict[str, Any]


@attrs.define
class WorkflowEvent:
    id: int
    project_id: int
    timestamp: datetime | None
    action: str
    description: str


class Session:
    """What PygubuAI's calls take first: the open database. `close()` ends the session (the
    database stays open until close_db)."""

    def __init__(self, db: Database):
        self.db: Database | None = db

    @property
    def database(self) -> Database:
        if self.db is None:
            raise InvalidInput("this session is closed; open another with get_session()")
        return self.db

    def close(self) -> None:
        self.db = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_db: Database | None = None


def init_db(path: str | os.PathLike[str] | None = None) -> Database:
    """Open (creating or upgrading) the database at `path` (a file or a codedb URL), else
    $CODEDB_URL, else ./code_db.sqlite; later sessions use it."""
    global _db
    close_db()
    db = connect(None if path is None else os.fspath(path))
    try:
        migrate(db)
    except BaseException:
        db.close()
        raise
    _db = db
    return db


def get_session() -> Session:
    """A session on the database init_db opened (opening the default one if none is)."""
    return Session(_db if _db is not None else init_db())


def close_db() -> None:
    global _db
    if _db is not None:
        _db.close()
        _db = None


# --- projects ---------------------------------------------------------------------------------


def _find(db: Database, name: Any) -> Any:
    """The codedb project of PygubuAI's project `name` (a project without a user), or None."""
    if not isinstance(name, str):
        raise InvalidInput(f"a project name is text, not {type(name).__name__}")
    return next((p for p in db.projects.named(name.strip()) if p.user_id is None), None)


def _project(db: Database, held: Any) -> Project:
    return Project(
        db.origins.number_for(SYSTEM, "projects", held.project_id),
        held.name,
        held.path or "",
        held.description,
        _naive(held.created_at),
        _naive(held.updated_at),
        held.metadata if isinstance(held.metadata, dict) else {},
    )


def create_project(session: Session, name: str, path: str, description: str = "") -> Project:
    """A new project; Conflict when one has the name."""
    db = session.database
    if not isinstance(path, str | os.PathLike) or not os.fspath(path).strip():
        raise InvalidInput("a project needs its folder's path; give path")
    with db.transaction():
        if _find(db, name) is not None:
            raise Conflict(f"a project named {name!r} exists already; choose another name")
        derived = registry_project_id(name.strip())
        held = db.projects.create(
            name,
            description or "",
            project_type=SYSTEM,
            path=os.fspath(path),
            project_id=None if db.projects.find(derived) is not None else derived,
        )
        db.projects.move(held.project_id, "start")
        return _project(db, db.projects.get(held.project_id))


def get_project(session: Session, name: str) -> Project | None:
    db = session.database
    held = _find(db, name)
    return None if held is None else _project(db, held)


def list_projects(session: Session) -> list[Project]:
    """Every project of the tool (no user), newest updated first."""
    db = session.database
    found: list[Project] = []
    after = None
    while True:
        page = db.projects.list(project_type=SYSTEM, sort="updated", descending=True, limit=500, after=after)
        found += [_project(db, p) for p in page.projects if p.user_id is None]
        if page.next_cursor is None:
            return found
        after = page.next_cursor


def update_project(session: Session, name: str, **fields: Any) -> bool:
    """Change a project's name, path, description or meta_data; False when there is no such
    project."""
    unknown = sorted(set(fields) - set(PROJECT_FIELDS))
    if unknown:
        raise InvalidInput(f"cannot update {', '.join(unknown)}; editable: {', '.join(PROJECT_FIELDS)}")
    db = session.database
    with db.transaction():
        held = _find(db, name)
        if held is None:
            return False
        changes = {PROJECT_FIELDS[key]: value for key, value in fields.items()}
        if "path" in changes:
            changes["path"] = os.fspath(changes["path"])
        db.projects.update(held.project_id, actor=SYSTEM, **changes)
    return True


def delete_project(session: Session, name: str) -> bool:
    """Delete a project with its events and analytics; False when there is no such project."""
    db = session.database
    with db.transaction():
        held = _find(db, name)
        if held is None:
            return False
        db.analytics.delete_for_project(held.project_id)
        db.projects.delete(held.project_id)
    return True


def add_workflow_event(session: Session, project_name: str, action: str, description: str = "") -> bool:
    """Add an event to a project's history; False when there is no such project."""
    db = session.database
    held = _find(db, project_name)
    if held is None:
        return False
    db.projects.record_event(held.project_id, action, description or "", actor=SYSTEM)
    return True


def get_workflow_events(session: Session, project_name: str, limit: int = 100) -> list[WorkflowEvent]:
    """A project's latest `limit` events, newest first (none for an unknown project)."""
    db = session.database
    held = _find(db, project_name)
    if held is None:
        return []
    number = db.origins.number_for(SYSTEM, "projects", held.project_id)
    return [
        WorkflowEvent(
            db.origins.number_for(SYSTEM, "workflow_events", e.event_id),
            number,
            _naive(e.timestamp),
            e.action,
            e.description,
        )
        for e in db.projects.history(held.project_id, limit=limit)
    ]


# --- templates --------------------------------------------------------------------------------


def _template(db: Database, template_id: str) -> Template:
    listing = db.templates.get(template_id)
    held = db.templates.find(listing.name)
    latest = db.templates.version(template_id)
    if held is None:  # deleted between the two reads
        raise NotFound(f"template {listing.name} not found")
    return Template(
        db.origins.number_for(SYSTEM, "templates", template_id),
        held.name,
        held.description,
        held.author,
        latest.label or f"{latest.version}.0.0",
        held.prior_downloads + listing.downloads,
        listing.rating if listing.rating is not None else held.prior_rating or 0.0,
        latest.content,
        _naive(held.created_at),
        _naive(held.updated_at),
        held.metadata if isinstance(held.metadata, dict) else {},
    )


def create_template(session: Session, name: str, content: str, **fields: Any) -> Template:
    """A new template (fields: description, author, version, meta_data); Conflict when one has
    the name."""
    known = ("description", "author", "version", "meta_data")
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise InvalidInput(f"a template has no field {unknown[0]}; give {', '.join(known)}")
    db = session.database
    with db.transaction():
        if isinstance(name, str) and db.templates.find(name.strip()) is not None:
            raise Conflict(f"a template named {name!r} exists already; choose another name")
        published = db.templates.publish(
            name,
            content,
            description=fields.get("description") or "",
            author=fields.get("author") or "",
            label=fields.get("version") or "1.0.0",
            metadata=fields.get("meta_data") or {},
        )
        return _template(db, published.template_id)


def search_templates(session: Session, query: str) -> list[Template]:
    """The templates whose name or description holds `query`, by name."""
    db = session.database
    found: list[Template] = []
    offset = 0
    while page := db.templates.list(text=query, sort="name", limit=PAGE, offset=offset):
        found += [_template(db, listing.template_id) for listing in page]
        offset += len(page)
    return found


def record_analytics(
    session: Session,
    metric_name: str,
    metric_value: float,
    project_name: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> bool:
    """Record a measurement (of a project, or of none); False when the project named is not
    there."""
    db = session.database
    project_id = None
    if project_name is not None:
        held = _find(db, project_name)
        if held is None:
            return False
        project_id = held.project_id
    db.analytics.record(metric_name, metric_value, project_id=project_id, metadata=metadata)
    return True
