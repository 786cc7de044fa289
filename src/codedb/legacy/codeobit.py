"""codeobit (an AI CLI) moving onto codedb: its SQLite database, its "SQL" backup (a copy of
that file) and its JSON backup ({"users": [...], "projects": [...], ...}), read as docs/moving.md
(codeobit) describes them.

- users -> users: the clear-text API key is stored only as codedb's scrypt hash (it keeps
  working: `db.users.verify_key`); invalid preferences JSON is kept as text.
- projects -> projects (codeobit's statuses mapped onto codedb's), code_generations,
  auto_saves -> autosaves, project_analysis -> project_analyses (analysis_data, issues_count
  and warnings_count as analysis, issues and warnings).
- migrations: codeobit's own bookkeeping, counted and left out.

Ids are codeobit's integers, kept in external_ids (kind = its table): the same file imported
twice adds nothing, and a backup, a strict subset of the database, adds nothing the database
did not. Times written by its code are local with a 'T', its column defaults UTC with a space."""

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs

from ..domains.projects.records import GENERATION_STATUSES, Autosave, CodeGeneration, Project, ProjectAnalysis
from ..domains.users.keys import check_key, hash_key
from ..domains.users.records import User
from .tool import ToolImport

TABLES = ("users", "projects", "code_generations", "auto_saves", "project_analysis")
# codeobit's project statuses (free text, 'active' by default) as codedb's.
STATUS = {
    "active": "in_progress", "in_progress": "in_progress", "running": "in_progress", "open": "in_progress",
    "new": "creating", "creating": "creating", "draft": "creating",
    "paused": "paused", "inactive": "paused", "on_hold": "paused",
    "completed": "completed", "done": "completed", "archived": "completed", "closed": "completed",
    "failed": "failed", "error": "failed", "cancelled": "failed",
    "executing": "executing",
}  # fmt: skip


class Codeobit(ToolImport):
    system = "codeobit"
    label = "codeobit database"
    bookkeeping = {"migrations": "codeobit's own record of its schema migrations, not data"}

    def __init__(self, db: Any, stamp: Any):
        super().__init__(db, stamp)
        self.keys: dict[str, tuple[str, str | None]] = {}  # user id -> (its API key, the hash held)

    def prepare(self) -> None:
        """Hash the users' API keys (scrypt: some 40 ms each, so on every core at once); a key
        whose hash codedb holds already keeps that hash (a second import changes nothing)."""

        def stored(item: tuple[str, str | None]) -> str:
            key, kept = item
            return kept if kept and check_key(key, kept) else hash_key(key)

        ids = list(self.keys)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # scrypt lets go of the GIL
            hashes = list(pool.map(stored, (self.keys[i] for i in ids)))
        users = self.records.get("users", {})
        for user_id, digest in zip(ids, hashes, strict=True):
            if user_id in users:
                users[user_id] = attrs.evolve(users[user_id], api_key_hash=digest)

    def _time(self, row: dict[str, Any], column: str, what: str) -> Any:
        return self.time(row.get(column), f"{what} {column}", local_with_t=True)

    def _users(self, row: dict[str, Any]) -> None:
        what = f"user {row.get('id')}"
        email = self.key_text(row.get("email"), f"{what} email") or None
        user_id, make = self.user_for("users", row.get("id"), email)
        if not make:
            return
        username = self.unique_username(self.key_text(row.get("username"), f"{what} username"), user_id, what)
        key = row.get("api_key")
        if key:
            held = self.db.users.find(username)
            kept = held.api_key_hash if held is not None and held.user_id == user_id else None
            self.keys[user_id] = (str(key), kept)  # hashed in prepare(), all at once
            self.coerced.append(
                f"{what}: its API key is stored hashed (it keeps working; codedb never keeps it in clear)"
            )
        created = self._time(row, "created_at", what)
        self.add(
            "users",
            "users",
            User(
                user_id=user_id,
                username=username,
                email=email,
                full_name="",
                preferences=self.json(row.get("preferences"), f"{what} preferences"),
                api_key_hash=None,
                created_at=created,
                updated_at=self.time(
                    row.get("updated_at"), f"{what} updated_at", local_with_t=True, default=created
                ),
            ),
        )

    def _project(self, external: Any) -> str | None:
        return None if external in (None, "") else self.known("projects", external)

    def _projects(self, row: dict[str, Any]) -> None:
        what = f"project {row.get('id')}"
        project_id = self.record_id("projects", row.get("id"))
        owner = row.get("user_id")
        user_id = None if owner in (None, "") else self.known("users", owner)
        if owner not in (None, "") and user_id is None:
            self.coerced.append(f"{what}: its user {owner} is not in the file; imported without a user")
        raw = self.text(row.get("status"), f"{what} status", "active").strip().lower()
        status = STATUS.get(raw, "in_progress")
        if raw not in STATUS:
            self.coerced.append(f"{what}: status {raw!r} is not one of codedb's; imported as in_progress")
        name = self.key_text(row.get("name"), f"{what} name", "Untitled Project") or "Untitled Project"
        created = self._time(row, "created_at", what)
        self.add(
            "projects",
            "projects",
            Project(
                project_id=project_id,
                user_id=user_id,
                name=self.unique_project_name(name, user_id, project_id, what),
                description=self.text(row.get("description"), f"{what} description"),
                project_type=self.key_text(row.get("project_type"), f"{what} project_type"),
                path=None,
                status=status,
                config=self.json(row.get("config"), f"{what} config"),
                brief=None,
                created_at=created,
                updated_at=self.time(
                    row.get("updated_at"), f"{what} updated_at", local_with_t=True, default=created
                ),
                started_at=created if status != "creating" else None,
            ),
        )

    def _code_generations(self, row: dict[str, Any]) -> None:
        what = f"code generation {row.get('id')}"
        project_id = self._project(row.get("project_id"))
        if project_id is None:
            self.leave_out(
                "code_generations",
                str(row.get("id")),
                f"its project {row.get('project_id')} is not in the file",
            )
            return
        status = self.text(row.get("status"), f"{what} status", "completed").strip().lower()
        if status not in GENERATION_STATUSES:
            self.coerced.append(f"{what}: status {status!r} is not one of codedb's; imported as completed")
            status = "completed"
        created = self._time(row, "created_at", what)
        self.add(
            "code_generations",
            "code_generations",
            CodeGeneration(
                self.record_id("code_generations", row.get("id")),
                project_id,
                self.text(row.get("specification"), f"{what} specification"),
                self.text(row.get("language"), f"{what} language"),
                self.text(row.get("framework"), f"{what} framework"),
                self.text(row.get("generated_code"), f"{what} generated_code"),
                status,
                self.whole(row.get("tokens_used"), f"{what} tokens_used"),
                created,
                self.time(row.get("updated_at"), f"{what} updated_at", local_with_t=True, default=created),
            ),
        )

    def _auto_saves(self, row: dict[str, Any]) -> None:
        what = f"autosave {row.get('id')}"
        save_id = self.key_text(row.get("save_id"), f"{what} save_id")
        if not save_id:
            self.leave_out("auto_saves", str(row.get("id")), "no save_id")
            return
        self._ids[("auto_saves", str(row.get("id")))] = save_id  # codeobit's own key, kept as codedb's
        content = self.text(row.get("content"), f"{what} content")
        self.add(
            "auto_saves",
            "autosaves",
            Autosave(
                save_id,
                self.key_text(row.get("file_path"), f"{what} file_path"),
                content,
                self.text(row.get("save_type"), f"{what} save_type", "auto") or "auto",
                self.json(row.get("metadata"), f"{what} metadata"),
                self.whole(row.get("size_chars", len(content)), f"{what} size_chars"),
                self._time(row, "created_at", what),
            ),
        )

    def _project_analysis(self, row: dict[str, Any]) -> None:
        what = f"analysis {row.get('id')}"
        project_id = self._project(row.get("project_id"))
        if project_id is None:
            self.leave_out(
                "project_analysis",
                str(row.get("id")),
                f"its project {row.get('project_id')} is not in the file",
            )
            return
        self.add(
            "project_analysis",
            "project_analyses",
            ProjectAnalysis(
                self.record_id("project_analysis", row.get("id")),
                project_id,
                self.json(row.get("analysis_data"), f"{what} analysis_data"),
                self.number(row.get("health_score"), f"{what} health_score", high=100.0),
                self.whole(row.get("issues_count"), f"{what} issues_count"),
                self.whole(row.get("warnings_count"), f"{what} warnings_count"),
                self._time(row, "created_at", what),
            ),
        )
