"""codeobit's own calls over codedb (docs/moving.md, codeobit), so that its scripts run unchanged:

    from codedb.compat.codeobit import get_database_manager, User, Project
    db = get_database_manager()                  # $CODEDB_URL, else ./code_db.sqlite
    uid = User(username="ada", email="ada@example.com").save()
    Project(name="shop", user_id=uid).save()
    Project.find_by_user(uid)
    db.get_stats()

Rows are dicts with codeobit's columns (JSON columns as JSON text, times as ISO text) and its
integer ids: a record imported from codeobit keeps the id codeobit gave it, a new one gets the
next (db.origins keeps the mapping), and a codedb record made another way gets one when first
seen here. codeobit's project statuses ('active', ...) map onto codedb's lifecycle;
`update_record` and `delete_record` report whether a row changed. The API key a script sets is
stored hashed: reading it back gives None, `db.users.verify_key` checks it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Self

from ..core.db import Database, connect
from ..errors import InvalidInput, NotFound
from ..schema.migrations import known_ids, migrate, status

SYSTEM = "codeobit"
# codeobit's tables, and codedb's that hold their rows.
CODEDB_TABLES = {"users": "users", "projects": "projects", "code_generations": "code_generations",
                 "auto_saves": "autosaves", "project_analysis": "project_analyses"}  # fmt: skip
TABLES = tuple(CODEDB_TABLES)
# codedb's project statuses as codeobit writes them (codeobit's 'active' is in_progress).
STATUS_OUT = {"in_progress": "active", "creating": "creating", "executing": "executing", "paused": "paused",
              "completed": "completed", "failed": "failed"}  # fmt: skip
STATUS_IN = {"active": "in_progress", "inactive": "paused", "archived": "completed", "done": "completed",
             **{v: k for k, v in STATUS_OUT.items() if v != "active"}}  # fmt: skip


def _given(data: dict[str, Any], column: str) -> Any:
    """A column's value as the caller gave it (None when left out): the API it goes to checks
    it and names what is wrong."""
    return data.get(column)


def _text(value: Any) -> str | None:
    return None if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)


def _json_out(value: Any) -> str:
    return json.dumps(value if value is not None else {}, ensure_ascii=False)


def _json_in(value: Any, what: str) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise InvalidInput(f"{what} is not JSON; give a JSON object (as text or a dict)") from None
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} must be a JSON object")
    return value


class DatabaseManager:
    """codeobit's database manager, over one codedb database."""

    def __init__(self, database_url: str | None = None):
        self.db: Database = connect(database_url)
        migrate(self.db)  # as codeobit's `database init` made its tables
        self.db_type = self.db.dialect
        self.connection_string = self.db.target.display

    @property
    def is_connected(self) -> bool:
        try:
            self.db.table_names()
        except Exception:  # a closed connection: codeobit reported it, never raised
            return False
        return True

    def close(self) -> None:
        self.db.close()

    # --- ids --------------------------------------------------------------------------------

    def external(self, table: str, record_id: str) -> int:
        """codeobit's id of a codedb record (given one now if it has none)."""
        return self.db.origins.number_for(SYSTEM, table, record_id)

    def internal(self, table: str, external: Any) -> str | None:
        """The codedb id of codeobit's record `external` of `table`, or None."""
        if external is None or isinstance(external, bool):
            return None
        return self.db.origins.record_id(SYSTEM, table, str(external))

    # --- codeobit's calls -----------------------------------------------------------------------

    def get_stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = {
            "db_type": self.db_type,
            "connection_string": self.connection_string,
            "is_connected": self.is_connected,
        }
        counts = self.db.row_counts(CODEDB_TABLES.values())
        for table, held in CODEDB_TABLES.items():
            stats[f"{table}_count"] = counts.get(held, 0)
        return stats

    def insert_record(self, table: str, data: dict[str, Any]) -> int:
        """Insert a row; its new id."""
        spec = _table(table)
        record_id = spec.insert(self, dict(data))
        return self.external(table, record_id)

    def find_records(self, table: str, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The rows of `table` whose columns equal `filters`' values, by id."""
        spec = _table(table)
        wanted = dict(filters or {})
        unknown = sorted(set(wanted) - set(spec.columns))
        if unknown:
            raise InvalidInput(
                f"{table} has no column {unknown[0]}; its columns are {', '.join(spec.columns)}"
            )
        found = [row for row in spec.rows(self) if all(row.get(k) == v for k, v in wanted.items())]
        return sorted(found, key=lambda row: row["id"])

    def find_record(self, table: str, filters: dict[str, Any]) -> dict[str, Any] | None:
        if "id" in filters and len(filters) == 1:  # the common case, without reading the table
            record_id = self.internal(table, filters["id"])
            return None if record_id is None else _table(table).get(self, record_id)
        found = self.find_records(table, filters)
        return found[0] if found else None

    def update_record(self, table: str, record_id: Any, data: dict[str, Any]) -> bool:
        """Change a row's columns; whether a row changed (False: no such row)."""
        spec, internal = _table(table), self.internal(table, record_id)
        before = None if internal is None else spec.get(self, internal)
        if internal is None or before is None:
            return False
        spec.update(self, internal, {k: v for k, v in data.items() if k not in ("id", "created_at")})
        return spec.get(self, internal) != before

    def delete_record(self, table: str, record_id: Any) -> bool:
        """Delete a row; whether there was one."""
        internal = self.internal(table, record_id)
        if internal is None:
            return False
        try:
            _table(table).delete(self, internal)
        except NotFound:
            return False
        return True


class _Table:
    """One of codeobit's tables over codedb's domain API: its rows as codeobit's dicts."""

    name = ""
    columns: tuple[str, ...] = ()

    def rows(self, m: DatabaseManager) -> Iterator[dict[str, Any]]:
        for record in self.records(m):
            yield self.row(m, record)

    def get(self, m: DatabaseManager, record_id: str) -> dict[str, Any] | None:
        try:
            return self.row(m, self.fetch(m, record_id))
        except NotFound:
            return None

    def records(self, m: DatabaseManager) -> Iterator[Any]:
        raise NotImplementedError

    def fetch(self, m: DatabaseManager, record_id: str) -> Any:
        raise NotImplementedError

    def row(self, m: DatabaseManager, record: Any) -> dict[str, Any]:
        raise NotImplementedError

    def insert(self, m: DatabaseManager, data: dict[str, Any]) -> str:
        raise NotImplementedError

    def update(self, m: DatabaseManager, record_id: str, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def delete(self, m: DatabaseManager, record_id: str) -> None:
        raise NotImplementedError

    def project(self, m: DatabaseManager, value: Any) -> str:
        found = m.internal("projects", value)
        if found is None:
            raise InvalidInput(f"project {value!r} not found")
        return found


class _Users(_Table):
    name = "users"
    columns = ("id", "username", "email", "api_key", "preferences", "created_at", "updated_at")

    def records(self, m: DatabaseManager) -> Iterator[Any]:
        yield from m.db.users.list()

    def fetch(self, m: DatabaseManager, record_id: str) -> Any:
        return m.db.users.get(record_id)

    def row(self, m: DatabaseManager, user: Any) -> dict[str, Any]:
        return {
            "id": m.external("users", user.user_id), "username": user.username, "email": user.email,
            "api_key": None, "preferences": _json_out(user.preferences),
            "created_at": _text(user.created_at), "updated_at": _text(user.updated_at),
        }  # fmt: skip

    def insert(self, m: DatabaseManager, data: dict[str, Any]) -> str:
        if not data.get("email"):
            raise InvalidInput("users.email may not be empty (codeobit's column is NOT NULL)")
        preferences = _json_in(data.get("preferences"), "preferences")
        with m.db.transaction():
            user = m.db.users.add(_given(data, "username"), email=data["email"], preferences=preferences)
            if data.get("api_key"):
                m.db.users.set_key(user.user_id, str(data["api_key"]))
        return user.user_id

    def update(self, m: DatabaseManager, record_id: str, data: dict[str, Any]) -> None:
        with m.db.transaction():
            if "username" in data:
                m.db.users.rename(record_id, data["username"])
            changes: dict[str, Any] = {}
            if "email" in data:
                changes["email"] = data["email"]
            if "preferences" in data:
                changes["preferences"] = _json_in(data["preferences"], "preferences")
            if changes:
                m.db.users.update(record_id, **changes)
            if data.get("api_key"):
                m.db.users.set_key(record_id, str(data["api_key"]))

    def delete(self, m: DatabaseManager, record_id: str) -> None:
        m.db.users.delete(record_id)


class _Projects(_Table):
    name = "projects"
    columns = (
        "id",
        "name",
        "description",
        "project_type",
        "status",
        "config",
        "user_id",
        "created_at",
        "updated_at",
    )

    def records(self, m: DatabaseManager) -> Iterator[Any]:
        offset = 0
        while page := m.db.projects.list(limit=1000, offset=offset).projects:
            yield from page
            offset += len(page)

    def fetch(self, m: DatabaseManager, record_id: str) -> Any:
        return m.db.projects.get(record_id)

    def row(self, m: DatabaseManager, project: Any) -> dict[str, Any]:
        return {
            "id": m.external("projects", project.project_id), "name": project.name,
            "description": project.description, "project_type": project.project_type,
            "status": STATUS_OUT.get(project.status, project.status), "config": _json_out(project.config),
            "user_id": None if project.user_id is None else m.external("users", project.user_id),
            "created_at": _text(project.created_at), "updated_at": _text(project.updated_at),
        }  # fmt: skip

    def _status(self, value: Any) -> str:
        text = str(value or "active").strip().lower()
        if text not in STATUS_IN:
            raise InvalidInput(f"unknown status {text!r}; use one of {', '.join(sorted(STATUS_IN))}")
        return STATUS_IN[text]

    def insert(self, m: DatabaseManager, data: dict[str, Any]) -> str:
        owner = data.get("user_id")
        user_id = None if owner is None else m.internal("users", owner)
        if owner is not None and user_id is None:
            raise InvalidInput(f"user {owner!r} not found")
        wanted = self._status(data.get("status"))
        with m.db.transaction():
            project = m.db.projects.create(
                _given(data, "name"),
                data.get("description") or "",
                user_id=user_id,
                project_type=data.get("project_type") or "",
                config=_json_in(data.get("config"), "config"),
            )
            m.db.projects.move_to(project.project_id, wanted)
        return project.project_id

    def update(self, m: DatabaseManager, record_id: str, data: dict[str, Any]) -> None:
        changes: dict[str, Any] = {k: data[k] for k in ("name", "description", "project_type") if k in data}
        if "config" in data:
            changes["config"] = _json_in(data["config"], "config")
        with m.db.transaction():
            if changes:
                m.db.projects.update(record_id, **changes)
            if "status" in data:
                m.db.projects.move_to(record_id, self._status(data["status"]))

    def delete(self, m: DatabaseManager, record_id: str) -> None:
        m.db.projects.delete(record_id)


class _Generations(_Table):
    name = "code_generations"
    columns = ("id", "project_id", "specification", "language", "framework", "generated_code", "status",
               "tokens_used", "created_at", "updated_at")  # fmt: skip

    def records(self, m: DatabaseManager) -> Iterator[Any]:
        for project in _Projects().records(m):
            yield from reversed(m.db.generations.list(project.project_id))

    def fetch(self, m: DatabaseManager, record_id: str) -> Any:
        return m.db.generations.get(record_id)

    def row(self, m: DatabaseManager, g: Any) -> dict[str, Any]:
        return {
            "id": m.external(self.name, g.generation_id), "project_id": m.external("projects", g.project_id),
            "specification": g.specification, "language": g.language, "framework": g.framework,
            "generated_code": g.generated_code, "status": g.status, "tokens_used": g.tokens_used,
            "created_at": _text(g.created_at), "updated_at": _text(g.updated_at),
        }  # fmt: skip

    def insert(self, m: DatabaseManager, data: dict[str, Any]) -> str:
        made = m.db.generations.add(
            self.project(m, data.get("project_id")),
            _given(data, "specification"),
            language=data.get("language") or "",
            framework=data.get("framework") or "",
            generated_code=data.get("generated_code") or "",
            status=data.get("status") or "completed",
            tokens_used=data.get("tokens_used") or 0,
        )
        return str(made.generation_id)

    def update(self, m: DatabaseManager, record_id: str, data: dict[str, Any]) -> None:
        fields = ("specification", "language", "framework", "generated_code", "status", "tokens_used")
        m.db.generations.update(record_id, **{k: data[k] for k in fields if k in data})

    def delete(self, m: DatabaseManager, record_id: str) -> None:
        m.db.generations.delete(record_id)


class _AutoSaves(_Table):
    name = "auto_saves"
    columns = ("id", "save_id", "file_path", "content", "save_type", "metadata", "size_chars", "created_at")

    def records(self, m: DatabaseManager) -> Iterator[Any]:
        yield from reversed(m.db.autosaves.list())

    def fetch(self, m: DatabaseManager, record_id: str) -> Any:
        return m.db.autosaves.get(record_id)

    def row(self, m: DatabaseManager, a: Any) -> dict[str, Any]:
        return {
            "id": m.external(self.name, a.save_id), "save_id": a.save_id, "file_path": a.file_path,
            "content": a.content, "save_type": a.save_type, "metadata": _json_out(a.metadata),
            "size_chars": a.size_chars, "created_at": _text(a.created_at),
        }  # fmt: skip

    def insert(self, m: DatabaseManager, data: dict[str, Any]) -> str:
        made = m.db.autosaves.save(
            _given(data, "file_path"),
            data.get("content") or "",
            save_type=data.get("save_type") or "auto",
            metadata=_json_in(data.get("metadata"), "metadata"),
            save_id=data.get("save_id"),
        )
        return str(made.save_id)

    def update(self, m: DatabaseManager, record_id: str, data: dict[str, Any]) -> None:
        changes: dict[str, Any] = {k: data[k] for k in ("file_path", "content", "save_type") if k in data}
        if "metadata" in data:
            changes["metadata"] = _json_in(data["metadata"], "metadata")
        m.db.autosaves.update(record_id, **changes)

    def delete(self, m: DatabaseManager, record_id: str) -> None:
        m.db.autosaves.delete(record_id)


class _Analyses(_Table):
    name = "project_analysis"
    columns = (
        "id",
        "project_id",
        "analysis_data",
        "health_score",
        "issues_count",
        "warnings_count",
        "created_at",
    )

    def records(self, m: DatabaseManager) -> Iterator[Any]:
        for project in _Projects().records(m):
            yield from reversed(m.db.analyses.list(project.project_id))

    def fetch(self, m: DatabaseManager, record_id: str) -> Any:
        return m.db.analyses.get(record_id)

    def row(self, m: DatabaseManager, a: Any) -> dict[str, Any]:
        return {
            "id": m.external(self.name, a.analysis_id), "project_id": m.external("projects", a.project_id),
            "analysis_data": _json_out(a.analysis), "health_score": a.health_score,
            "issues_count": a.issues, "warnings_count": a.warnings, "created_at": _text(a.created_at),
        }  # fmt: skip

    def insert(self, m: DatabaseManager, data: dict[str, Any]) -> str:
        made = m.db.analyses.add(
            self.project(m, data.get("project_id")),
            _given(data, "health_score") if data.get("health_score") is not None else 0.0,
            analysis=_json_in(data.get("analysis_data"), "analysis_data"),
            issues=data.get("issues_count") or 0,
            warnings=data.get("warnings_count") or 0,
        )
        return str(made.analysis_id)

    def update(self, m: DatabaseManager, record_id: str, data: dict[str, Any]) -> None:
        names = {"analysis_data": "analysis", "health_score": "health_score", "issues_count": "issues",
                 "warnings_count": "warnings"}  # fmt: skip
        changes = {names[k]: v for k, v in data.items() if k in names}
        if "analysis" in changes:
            changes["analysis"] = _json_in(changes["analysis"], "analysis_data")
        m.db.analyses.update(record_id, **changes)

    def delete(self, m: DatabaseManager, record_id: str) -> None:
        m.db.analyses.delete(record_id)


_SPECS: dict[str, _Table] = {
    spec.name: spec for spec in (_Users(), _Projects(), _Generations(), _AutoSaves(), _Analyses())
}


def _table(name: str) -> _Table:
    if name not in _SPECS:
        raise InvalidInput(f"unknown table {name!r}; codeobit's tables are {', '.join(TABLES)}")
    return _SPECS[name]


_manager: DatabaseManager | None = None


def get_database_manager(database_url: str | None = None) -> DatabaseManager:
    """The manager of the database named by `database_url`, else $CODEDB_URL (codeobit read
    $DATABASE_URL: it is taken too), else ./code_db.sqlite; one per process, as codeobit's."""
    global _manager
    wanted = database_url or os.environ.get("CODEDB_URL") or os.environ.get("DATABASE_URL")
    if _manager is None or (database_url is not None and _manager.db.target.raw != database_url):
        if _manager is not None:
            _manager.close()
        _manager = DatabaseManager(wanted)
    return _manager


class Model:
    """A codeobit record: attributes named as its table's columns; `save()` inserts (no id)
    or updates (an id) and returns the id."""

    table: ClassVar[str] = ""
    json_columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **fields: Any):
        for column in _table(self.table).columns:
            setattr(self, column, fields.pop(column, None))
        if fields:
            raise TypeError(f"{type(self).__name__} has no field {sorted(fields)[0]!r}")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={getattr(self, 'id', None)}>"

    def to_dict(self) -> dict[str, Any]:
        return {column: getattr(self, column) for column in _table(self.table).columns}

    def save(self) -> int:
        m = get_database_manager()
        data = {k: v for k, v in self.to_dict().items() if k not in ("id", "created_at", "updated_at")}
        if getattr(self, "id", None) is None:
            self.id = m.insert_record(self.table, data)
        elif (
            not m.update_record(self.table, self.id, data)
            and m.find_record(self.table, {"id": self.id}) is None
        ):
            raise NotFound(f"{self.table} {self.id} not found")
        fresh = m.find_record(self.table, {"id": self.id})
        if fresh is not None:
            for column, value in fresh.items():
                if column != "api_key":
                    setattr(self, column, value)
        return int(self.id)

    def delete(self) -> bool:
        if getattr(self, "id", None) is None:
            return False
        return get_database_manager().delete_record(self.table, self.id)

    @classmethod
    def _from(cls, row: dict[str, Any] | None) -> Self | None:
        return None if row is None else cls(**row)

    @classmethod
    def find_by_id(cls, record_id: Any) -> Self | None:
        return cls._from(get_database_manager().find_record(cls.table, {"id": record_id}))

    @classmethod
    def find_all(cls, filters: dict[str, Any] | None = None) -> list[Self]:
        return [cls(**row) for row in get_database_manager().find_records(cls.table, filters)]

    @classmethod
    def _find_one(cls, **filters: Any) -> Self | None:
        return cls._from(get_database_manager().find_record(cls.table, filters))

    def _get_json(self, column: str) -> dict[str, Any]:
        value = getattr(self, column)
        if not value:
            return {}
        try:
            found = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}

    def _set_json(self, column: str, value: dict[str, Any]) -> None:
        setattr(self, column, json.dumps(value, ensure_ascii=False))


def _json_accessors(
    column: str,
) -> tuple[Callable[[Model], dict[str, Any]], Callable[[Model, dict[str, Any]], None]]:
    def getter(self: Model) -> dict[str, Any]:
        return self._get_json(column)

    def setter(self: Model, value: dict[str, Any]) -> None:
        self._set_json(column, value)

    return getter, setter


class User(Model):
    table = "users"
    get_preferences, set_preferences = _json_accessors("preferences")

    @classmethod
    def find_by_username(cls, username: str) -> User | None:
        return cls._find_one(username=username)

    @classmethod
    def find_by_email(cls, email: str) -> User | None:
        return cls._find_one(email=email)


class Project(Model):
    table = "projects"
    get_config, set_config = _json_accessors("config")

    @classmethod
    def find_by_user(cls, user_id: int) -> list[Project]:
        return cls.find_all({"user_id": user_id})

    @classmethod
    def find_by_name(cls, name: str) -> list[Project]:
        return cls.find_all({"name": name})

    def get_user(self) -> User | None:
        user_id = getattr(self, "user_id", None)
        return None if user_id is None else User.find_by_id(user_id)


class CodeGeneration(Model):
    table = "code_generations"

    @classmethod
    def find_by_project(cls, project_id: int) -> list[CodeGeneration]:
        return cls.find_all({"project_id": project_id})

    @classmethod
    def find_by_language(cls, language: str) -> list[CodeGeneration]:
        return cls.find_all({"language": language})


class AutoSave(Model):
    table = "auto_saves"
    get_metadata, set_metadata = _json_accessors("metadata")

    @classmethod
    def find_by_save_id(cls, save_id: str) -> AutoSave | None:
        return cls._find_one(save_id=save_id)

    @classmethod
    def find_by_type(cls, save_type: str) -> list[AutoSave]:
        return cls.find_all({"save_type": save_type})


class ProjectAnalysis(Model):
    table = "project_analysis"
    get_analysis_data, set_analysis_data = _json_accessors("analysis_data")

    @classmethod
    def find_by_project(cls, project_id: int) -> list[ProjectAnalysis]:
        return cls.find_all({"project_id": project_id})


class MigrationManager:
    """codeobit's migration manager: where the schema stands (codedb's migrations)."""

    def __init__(self, db_manager: DatabaseManager | None = None):
        self.manager = db_manager or get_database_manager()

    def status(self) -> dict[str, Any]:
        state = status(self.manager.db)
        known = known_ids(self.manager.db.dialect)
        applied = [mid for mid, _ in state.applied]
        return {
            "total_migrations": len(known),
            "applied_count": len(applied),
            "pending_count": len(state.pending),
            "applied_migrations": applied,
            "pending_migrations": list(state.pending),
        }
