"""YAGO (a web service) moving onto codedb: its database on SQLite (yago.db) or PostgreSQL
(read through a postgresql:// URL, read-only), as docs/moving.md (YAGO) describes it.

- users -> users: YAGO has no usernames (the e-mail's local part becomes one); its bcrypt
  hashed_password is kept as an opaque credential (password_hash), never checked or shown.
- projects -> projects with YAGO's fields (primary_model as model, project_path as path,
  progress, agent_role, strategy, errors, logs); its JSON columns may hold, on PostgreSQL, a
  JSON string of the object (its code stored json.dumps output in JSONB): read either way.
- clarification_sessions (a session may have no project yet), generated_files,
  ai_provider_usage, templates (its data as version 1, its category, status and counters in
  metadata, its tags as tags).
- error_logs: the service's own error log; alembic_version: its migration bookkeeping; both
  counted and left out.
Ids are YAGO's UUIDs, kept as codedb's ids (and in external_ids)."""

import json
from typing import Any

from ..domains.projects.records import STATUSES, ClarificationSession, GeneratedFile, Project, ProviderUsage
from ..domains.templates.records import Template, TemplateTag, TemplateVersion
from ..domains.users.records import User
from .tool import ToolImport

TABLES = ("users", "projects", "clarification_sessions", "generated_files", "ai_provider_usage", "templates")


class Yago(ToolImport):
    system = "yago"
    label = "YAGO database"
    bookkeeping = {
        "error_logs": "the service's own error log; codedb keeps no service logs",
        "alembic_version": "YAGO's record of its schema migrations, not data",
    }

    def _id(self, kind: str, value: Any) -> str:
        return self.record_id(kind, value, keep=True)

    def _users(self, row: dict[str, Any]) -> None:
        what = f"user {row.get('id')}"
        email = self.key_text(row.get("email"), f"{what} email") or None
        user_id, make = self.user_for("users", row.get("id"), email, keep=True)
        if not make:
            return
        local = (email or "").split("@", 1)[0] or "user"
        created = self.time(row.get("created_at"), f"{what} created_at")
        self.add(
            "users",
            "users",
            User(
                user_id=user_id,
                username=self.unique_username(local, user_id, what),
                email=email,
                full_name=self.text(row.get("full_name"), f"{what} full_name"),
                preferences={},
                is_active=row.get("is_active") not in (0, "0", False, "false"),
                last_login=self.optional_time(row.get("last_login"), f"{what} last_login"),
                created_at=created,
                updated_at=self.time(row.get("updated_at"), f"{what} updated_at", default=created),
                password_hash=self.text(row.get("hashed_password"), f"{what} hashed_password") or None,
                is_verified=row.get("is_verified") in (1, "1", True, "true"),
            ),
        )

    def _projects(self, row: dict[str, Any]) -> None:
        what = f"project {row.get('id')}"
        project_id = self._id("projects", row.get("id"))
        status = self.text(row.get("status"), f"{what} status", "creating").strip().lower()
        if status not in STATUSES:
            self.coerced.append(f"{what}: status {status!r} is not one of YAGO's; imported as creating")
            status = "creating"
        brief = self.json(row.get("brief"), f"{what} brief")
        name = self.key_text(row.get("name"), f"{what} name").strip() or str(brief.get("project_idea") or "")
        name = name[:200] or "Untitled Project"
        created = self.time(row.get("created_at"), f"{what} created_at")
        temperature, max_tokens = row.get("temperature"), row.get("max_tokens")
        self.add(
            "projects",
            "projects",
            Project(
                project_id=project_id,
                user_id=None,
                name=self.unique_project_name(name, None, project_id, what),
                description=self.text(row.get("description"), f"{what} description"),
                project_type="yago",
                path=self.text(row.get("project_path"), f"{what} project_path") or None,
                status=status,
                config=self.json(row.get("config"), f"{what} config"),
                brief=brief,
                provider=None,
                model=self.text(row.get("primary_model"), f"{what} primary_model") or None,
                temperature=None if temperature is None else self.number(temperature, f"{what} temperature"),
                max_tokens=None if max_tokens in (None, 0) else self.whole(max_tokens, f"{what} max_tokens"),
                cost_estimate=self.number(row.get("cost_estimate"), f"{what} cost_estimate"),
                actual_cost=self.number(row.get("actual_cost"), f"{what} actual_cost"),
                files_generated=self.whole(row.get("files_generated"), f"{what} files_generated"),
                lines_of_code=self.whole(row.get("lines_of_code"), f"{what} lines_of_code"),
                created_at=created,
                updated_at=self.time(row.get("updated_at"), f"{what} updated_at", default=created),
                started_at=self.optional_time(row.get("started_at"), f"{what} started_at"),
                completed_at=self.optional_time(row.get("completed_at"), f"{what} completed_at"),
                progress=self.number(row.get("progress"), f"{what} progress", high=100.0),
                agent_role=self.text(row.get("agent_role"), f"{what} agent_role") or None,
                strategy=self.text(row.get("strategy"), f"{what} strategy") or None,
                errors=self.json(row.get("errors"), f"{what} errors", list),
                logs=self.json(row.get("logs"), f"{what} logs", list),
            ),
        )

    def _project(self, value: Any) -> str | None:
        return None if value in (None, "") else self.known("projects", value)

    def _clarification_sessions(self, row: dict[str, Any]) -> None:
        what = f"clarification session {row.get('id')}"
        external = row.get("project_id")
        project_id = self._project(external)
        if external not in (None, "") and project_id is None:
            self.coerced.append(f"{what}: its project {external} is not in the file; kept without a project")
        questions = self.json(row.get("questions"), f"{what} questions", list)
        answers = self.json(row.get("answers"), f"{what} answers")
        total = self.whole(row.get("total_questions", len(questions)), f"{what} total_questions") or len(
            questions
        )
        completed = row.get("is_completed") in (1, "1", True, "true")
        created = self.time(row.get("created_at"), f"{what} created_at")
        self.add(
            "clarification_sessions",
            "clarification_sessions",
            ClarificationSession(
                self._id("clarification_sessions", row.get("id")),
                project_id,
                self.text(row.get("project_idea"), f"{what} project_idea"),
                self.text(row.get("depth"), f"{what} depth", "standard") or "standard",
                questions,
                answers,
                100.0 if completed else min(100.0, 100.0 * len(answers) / total) if total else 0.0,
                completed,
                created,
                self.time(row.get("updated_at"), f"{what} updated_at", default=created),
                self.whole(row.get("current_question"), f"{what} current_question"),
                self.text(row.get("ai_provider"), f"{what} ai_provider") or None,
                self.optional_time(row.get("completed_at"), f"{what} completed_at"),
            ),
        )

    def _generated_files(self, row: dict[str, Any]) -> None:
        what = f"generated file {row.get('id')}"
        project_id = self._project(row.get("project_id"))
        if project_id is None:
            self.leave_out(
                "generated_files",
                str(row.get("id")),
                f"its project {row.get('project_id')} is not in the file",
            )
            return
        path = self.key_text(row.get("file_path"), f"{what} file_path").replace("\\", "/").lstrip("/")
        content = self.text(row.get("content"), f"{what} content")
        stamp = self.time(row.get("generated_at", row.get("created_at")), f"{what} generated_at")
        self.add(
            "generated_files",
            "generated_files",
            GeneratedFile(
                self._id("generated_files", row.get("id")),
                project_id,
                path or "unnamed",
                self.text(row.get("file_type"), f"{what} file_type"),
                content,
                self.whole(row.get("size", len(content.encode())), f"{what} size"),
                self.whole(row.get("lines", content.count("\n")), f"{what} lines"),
                self.text(row.get("ai_provider"), f"{what} ai_provider") or None,
                stamp,
                stamp,
            ),
        )

    def _ai_provider_usage(self, row: dict[str, Any]) -> None:
        what = f"provider usage {row.get('id')}"
        tokens_in = self.whole(
            _first(row, "input_tokens", "prompt_tokens", "tokens_in"), f"{what} input tokens"
        )
        tokens_out = self.whole(
            _first(row, "output_tokens", "completion_tokens", "tokens_out"), f"{what} output tokens"
        )
        total = _first(row, "total_tokens", "tokens_total")
        error = row.get("error_message")
        self.add(
            "ai_provider_usage",
            "ai_provider_usage",
            ProviderUsage(
                self._id("ai_provider_usage", row.get("id")),
                self._project(row.get("project_id")),
                self.key_text(row.get("provider"), f"{what} provider", "unknown") or "unknown",
                self.key_text(row.get("model"), f"{what} model", "unknown") or "unknown",
                self.text(row.get("request_type"), f"{what} request_type"),
                tokens_in,
                tokens_out,
                tokens_in + tokens_out if total in (None, "") else self.whole(total, f"{what} total tokens"),
                self.number(row.get("cost"), f"{what} cost"),
                None
                if row.get("latency_ms") is None
                else self.number(row.get("latency_ms"), f"{what} latency_ms"),
                row.get("success") not in (0, "0", False, "false"),
                None if error in (None, "") else self.text(error, f"{what} error_message"),
                self.time(row.get("created_at"), f"{what} created_at"),
            ),
        )

    def _templates(self, row: dict[str, Any]) -> None:
        what = f"template {row.get('id')}"
        name = self.key_text(row.get("name"), f"{what} name").strip()
        if not name:
            self.leave_out("templates", str(row.get("id")), "no name")
            return
        template_id = self._id("templates", row.get("id"))
        created = self.time(row.get("created_at"), f"{what} created_at")
        updated = self.time(row.get("updated_at"), f"{what} updated_at", default=created)
        owner = row.get("user_id")
        author_id = None if owner in (None, "") else self.known("users", owner)
        author = ""
        if author_id is not None:
            held = self.records.get("users", {}).get(author_id)
            author = held.email or held.username if held is not None else ""
        counters = {
            k: row[k] for k in ("category", "status", "is_public", "usage_count", "downloads") if k in row
        }
        rating = row.get("rating")
        self.add(
            "templates",
            "templates",
            Template(
                template_id,
                self.unique_template_name(name, template_id, what),
                self.text(row.get("description"), f"{what} description"),
                author,
                created,
                updated,
                {key: value for key, value in counters.items() if value is not None},
                self.whole(row.get("downloads", row.get("usage_count")), f"{what} downloads"),
                None if rating in (None, "") else self.number(rating, f"{what} rating", high=5.0),
            ),
        )
        data = self.json(row.get("template_data"), f"{what} template_data")
        self.add(
            "templates",
            "template_versions",
            TemplateVersion(template_id, 1, json.dumps(data, ensure_ascii=False, indent=2), "", updated),
            key=(template_id, 1),
        )
        for tag in self.json(row.get("tags"), f"{what} tags", list):
            text = self.key_text(tag, f"{what} tag").strip()
            if text:
                self.add(
                    "templates", "template_tags", TemplateTag(template_id, text), key=(template_id, text)
                )


def _first(row: dict[str, Any], *names: str) -> Any:
    for name in names:
        if row.get(name) is not None:
            return row[name]
    return None
