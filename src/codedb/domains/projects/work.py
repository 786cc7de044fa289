"""A project's work (db.generations, db.generated_files, db.clarifications, db.autosaves,
db.analyses): each write is one transaction, and keeps the project's counters."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

import attrs

from ...core.api import NO_LIMIT, DomainAPI
from ...core.convert import (
    check_json,
    check_number,
    check_text,
    db_time,
    json_text,
    now,
    optional_text,
    params,
    record,
    records,
)
from ...core.ids import new_id, resolve_prefix
from ...errors import Conflict, InvalidInput, NotFound
from .records import (
    GENERATION_STATUSES,
    Autosave,
    ClarificationSession,
    CodeGeneration,
    GeneratedFile,
    ProjectAnalysis,
)

if TYPE_CHECKING:
    from ...core.db import Database


def _text(value: Any, what: str, *, required: bool = False) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidInput(f"{'empty ' if isinstance(value, str) else ''}{what}; give {what} as text")
    return check_text(value, what)


class _Part(DomainAPI):
    def __init__(self, db: Database):
        super().__init__(db)
        self.q = db.queries.projects

    def _resolve(self, kind: str, value: str, get: str, find: str, key: str, hint: str) -> str:
        return resolve_prefix(
            kind,
            value,
            lambda v: getattr(self.q, get)(self.conn, **{key: v}) is not None,
            lambda p: [row[0] for row in getattr(self.q, find)(self.conn, prefix=p)],
            hint,
        )


class Generations(_Part):
    """Code generations of a project: a specification, then the generated code."""

    HINT = "list a project's generations with 'codedb generations list PROJECT'"

    def resolve(self, generation_id: str) -> str:
        return self._resolve(
            "generation", generation_id, "get_generation", "find_generation_ids", "generation_id", self.HINT
        )

    def get(self, generation_id: str) -> CodeGeneration:
        found = record(CodeGeneration, self.q.get_generation(self.conn, generation_id=generation_id))
        if found is None:
            raise NotFound(f"generation {generation_id} not found; {self.HINT}")
        return found

    def add(
        self,
        project_id: str,
        specification: str,
        *,
        language: str = "",
        framework: str = "",
        generated_code: str = "",
        status: str = "pending",
        tokens_used: int = 0,
    ) -> CodeGeneration:
        """Record a generation (counts in the project's generations)."""
        if status not in GENERATION_STATUSES:
            raise InvalidInput(f"invalid status {status!r}; use one of {', '.join(GENERATION_STATUSES)}")
        stamp = now()
        generation = CodeGeneration(
            new_id(),
            project_id,
            _text(specification, "specification", required=True),
            _text(language or "", "language"),
            _text(framework or "", "framework"),
            _text(generated_code or "", "generated code"),
            status,
            check_number(tokens_used, "tokens_used", whole=True),
            stamp,
            stamp,
        )
        with self.db.transaction():
            self.db.projects.get(project_id)
            self.q.load_code_generations(self.conn, [params(generation)])
            self.db.projects.add_work(project_id, generations=1)
        return generation

    def finish(
        self, generation_id: str, status: str, generated_code: str = "", tokens_used: int = 0
    ) -> CodeGeneration:
        """Record a generation's outcome: completed or failed, its code and tokens."""
        if status not in GENERATION_STATUSES:
            raise InvalidInput(f"invalid status {status!r}; use one of {', '.join(GENERATION_STATUSES)}")
        with self.db.transaction():
            self.get(generation_id)
            self.q.finish_generation(
                self.conn,
                generation_id=generation_id,
                status=status,
                generated_code=_text(generated_code or "", "generated code"),
                tokens_used=check_number(tokens_used, "tokens_used", whole=True),
                updated_at=db_time(now()),
            )
            return self.get(generation_id)

    def update(self, generation_id: str, **fields: Any) -> CodeGeneration:
        """Change a generation's specification, language, framework, generated_code, status
        or tokens_used (those given)."""
        unknown = sorted(
            set(fields)
            - {"specification", "language", "framework", "generated_code", "status", "tokens_used"}
        )
        if unknown:
            raise InvalidInput(f"cannot update {', '.join(unknown)} of a generation")
        with self.db.transaction():
            current = attrs.asdict(self.get(generation_id))
            current.update(fields)
            if current["status"] not in GENERATION_STATUSES:
                raise InvalidInput(
                    f"invalid status {current['status']!r}; use one of {', '.join(GENERATION_STATUSES)}"
                )
            self.q.update_generation(
                self.conn,
                generation_id=generation_id,
                specification=_text(current["specification"], "specification", required=True),
                language=_text(current["language"] or "", "language"),
                framework=_text(current["framework"] or "", "framework"),
                generated_code=_text(current["generated_code"] or "", "generated code"),
                status=current["status"],
                tokens_used=check_number(current["tokens_used"], "tokens_used", whole=True),
                updated_at=db_time(now()),
            )
            return self.get(generation_id)

    def delete(self, generation_id: str) -> None:
        with self.db.transaction():
            if not self.q.delete_generation(self.conn, generation_id=generation_id):
                raise NotFound(f"generation {generation_id} not found; {self.HINT}")

    def list(
        self, project_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[CodeGeneration]:
        self.db.projects.get(project_id)
        rows = self.q.list_generations(
            self.conn, project_id=project_id, limit=NO_LIMIT if limit is None else limit, offset=offset or 0
        )
        return records(CodeGeneration, rows)


def check_relative_path(path: Any) -> str:
    """A generated file's path: relative, without '..', so that writing it under a folder
    stays under that folder."""
    text = _text(path, "path", required=True).replace("\\", "/")
    parts = text.split("/")
    if text.startswith("/") or ".." in parts or any(p in ("", ".") for p in parts) or ":" in parts[0]:
        raise InvalidInput(
            f"path {path!r:.80} must be relative and stay inside the project (no '/', '..' or '.')"
        )
    return text


class GeneratedFiles(_Part):
    """A project's generated files: one per path; generating a path again replaces it."""

    def save(
        self, project_id: str, path: str, content: str, *, file_type: str = "", provider: str | None = None
    ) -> GeneratedFile:
        """Store a generated file (replacing the one at the same path), counting its lines."""
        path = check_relative_path(path)
        content = _text(content, "content")
        lines = content.count("\n") + (1 if content and not content.endswith("\n") else 0)
        stamp = now()
        with self.db.transaction():
            self.db.projects.get(project_id)
            old = record(
                GeneratedFile, self.q.get_generated_file(self.conn, project_id=project_id, path=path)
            )
            if old is None:
                made = GeneratedFile(
                    new_id(),
                    project_id,
                    path,
                    _text(file_type or "", "file type"),
                    content,
                    len(content.encode("utf-8")),
                    lines,
                    optional_text(provider, "provider"),
                    stamp,
                    stamp,
                )
                self.q.load_generated_files(self.conn, [params(made)])
                self.db.projects.add_work(project_id, files=1, lines=lines)
            else:
                self.q.replace_generated_file(
                    self.conn,
                    file_id=old.file_id,
                    file_type=_text(file_type or old.file_type, "file type"),
                    content=content,
                    size=len(content.encode("utf-8")),
                    lines=lines,
                    provider=optional_text(provider, "provider") or old.provider,
                    updated_at=db_time(stamp),
                )
                self.db.projects.add_work(project_id, lines=lines - old.lines)
            found = record(
                GeneratedFile, self.q.get_generated_file(self.conn, project_id=project_id, path=path)
            )
            assert found is not None
            return found

    def get(self, project_id: str, path: str) -> GeneratedFile:
        found = record(GeneratedFile, self.q.get_generated_file(self.conn, project_id=project_id, path=path))
        if found is None:
            raise NotFound(
                f"project {project_id} has no generated file {path}; list them with 'codedb files list'"
            )
        return found

    def list(self, project_id: str) -> builtins.list[GeneratedFile]:
        self.db.projects.get(project_id)
        return records(GeneratedFile, self.q.list_project_generated_files(self.conn, project_id=project_id))


class Clarifications(_Part):
    """Clarification sessions: an idea, questions answered one at a time; completing one
    fills its project's brief."""

    HINT = "start one with 'codedb clarify start PROJECT'"

    def resolve(self, session_id: str) -> str:
        return self._resolve(
            "clarification session",
            session_id,
            "get_clarification",
            "find_clarification_ids",
            "session_id",
            self.HINT,
        )

    def get(self, session_id: str) -> ClarificationSession:
        found = record(ClarificationSession, self.q.get_clarification(self.conn, session_id=session_id))
        if found is None:
            raise NotFound(f"clarification session {session_id} not found; {self.HINT}")
        return found

    def start(
        self, project_id: str, idea: str, questions: builtins.list[str], *, depth: str = "standard"
    ) -> ClarificationSession:
        """Open a session with its questions (a list of texts)."""
        check_json(questions, "questions", list)
        if not questions or not all(isinstance(q, str) and q.strip() for q in questions):
            raise InvalidInput("questions must be a non-empty list of non-empty texts")
        stamp = now()
        session = ClarificationSession(
            new_id(),
            project_id,
            _text(idea, "idea", required=True),
            _text(depth or "standard", "depth"),
            list(questions),
            {},
            0.0,
            False,
            stamp,
            stamp,
        )
        with self.db.transaction():
            self.db.projects.get(project_id)
            self.q.load_clarification_sessions(self.conn, [params(session)])
        return session

    def answer(self, session_id: str, question: int, answer: str) -> ClarificationSession:
        """Answer question number `question` (from 1); progress is the share answered."""
        with self.db.transaction():
            session = self.get(session_id)
            if session.completed:
                raise Conflict(f"clarification session {session_id} is complete; start another to change it")
            if (
                isinstance(question, bool)
                or not isinstance(question, int)
                or not 1 <= question <= len(session.questions)
            ):
                raise InvalidInput(f"question must be a number from 1 to {len(session.questions)}")
            answers = {**session.answers, str(question): _text(answer, "answer", required=True)}
            progress = round(100.0 * len(answers) / len(session.questions), 2)
            self.q.update_clarification(
                self.conn,
                session_id=session_id,
                answers=json_text(answers),
                progress=progress,
                completed=False,
                updated_at=db_time(now()),
            )
            return self.get(session_id)

    def complete(self, session_id: str, *, actor: str | None = None) -> ClarificationSession:
        """Close a session and fill its project's brief with the idea and the answers."""
        with self.db.transaction():
            session = self.get(session_id)
            if session.completed:
                raise Conflict(f"clarification session {session_id} is complete already")
            self.q.update_clarification(
                self.conn,
                session_id=session_id,
                answers=json_text(session.answers),
                progress=session.progress,
                completed=True,
                updated_at=db_time(now()),
            )
            brief = {
                "idea": session.idea,
                "depth": session.depth,
                "answers": [
                    {"question": q, "answer": session.answers.get(str(n))}
                    for n, q in enumerate(session.questions, 1)
                ],
            }
            self.db.projects.update(session.project_id, brief=brief, actor=actor)
            return self.get(session_id)


class Autosaves(_Part):
    """Autosaves of files being edited: save, list per file, restore one to a file."""

    HINT = "list them with 'codedb autosaves list'"

    def resolve(self, save_id: str) -> str:
        return self._resolve("autosave", save_id, "get_autosave", "find_autosave_ids", "save_id", self.HINT)

    def get(self, save_id: str) -> Autosave:
        found = record(Autosave, self.q.get_autosave(self.conn, save_id=save_id))
        if found is None:
            raise NotFound(f"autosave {save_id} not found; {self.HINT}")
        return found

    def save(
        self,
        file_path: str,
        content: str,
        *,
        save_type: str = "auto",
        metadata: dict[str, Any] | None = None,
        save_id: str | None = None,
    ) -> Autosave:
        content = _text(content, "content")
        made = Autosave(
            save_id or new_id(),
            _text(file_path, "file path", required=True),
            content,
            _text(save_type or "auto", "save type"),
            check_json({} if metadata is None else metadata, "metadata", dict),
            len(content),
            now(),
        )
        with self.db.transaction():
            if self.q.load_autosaves(self.conn, [params(made)]) == 0:
                raise Conflict(f"autosave {made.save_id} exists already; give another save id or none")
        return made

    def update(self, save_id: str, **fields: Any) -> Autosave:
        """Change an autosave's file_path, content, save_type or metadata (those given)."""
        unknown = sorted(set(fields) - {"file_path", "content", "save_type", "metadata"})
        if unknown:
            raise InvalidInput(f"cannot update {', '.join(unknown)} of an autosave")
        with self.db.transaction():
            current = attrs.asdict(self.get(save_id))
            current.update(fields)
            content = _text(current["content"], "content")
            self.q.update_autosave(
                self.conn,
                save_id=save_id,
                file_path=_text(current["file_path"], "file path", required=True),
                content=content,
                save_type=_text(current["save_type"] or "auto", "save type"),
                metadata=json_text(check_json(current["metadata"] or {}, "metadata", dict)),
                size_chars=len(content),
            )
            return self.get(save_id)

    def delete(self, save_id: str) -> None:
        with self.db.transaction():
            if not self.q.delete_autosave(self.conn, save_id=save_id):
                raise NotFound(f"autosave {save_id} not found; {self.HINT}")

    def list(
        self, file_path: str | None = None, *, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[Autosave]:
        rows = self.q.list_autosaves(
            self.conn, file_path=file_path, limit=NO_LIMIT if limit is None else limit, offset=offset or 0
        )
        return records(Autosave, rows)


class Analyses(_Part):
    """Project analyses: a health score 0-100 with counts; the latest and the trend."""

    def add(
        self,
        project_id: str,
        health_score: float,
        *,
        analysis: dict[str, Any] | None = None,
        issues: int = 0,
        warnings: int = 0,
    ) -> ProjectAnalysis:
        score = check_number(health_score, "health_score")
        if score is None or score > 100:
            raise InvalidInput("health_score must be a number from 0 to 100")
        made = ProjectAnalysis(
            new_id(),
            project_id,
            check_json({} if analysis is None else analysis, "analysis", dict),
            score,
            check_number(issues, "issues", whole=True),
            check_number(warnings, "warnings", whole=True),
            now(),
        )
        with self.db.transaction():
            self.db.projects.get(project_id)
            self.q.load_project_analyses(self.conn, [params(made)])
        return made

    def get(self, analysis_id: str) -> ProjectAnalysis:
        found = record(ProjectAnalysis, self.q.get_analysis(self.conn, analysis_id=analysis_id))
        if found is None:
            raise NotFound(
                f"analysis {analysis_id} not found; list a project's with 'codedb analyses list PROJECT'"
            )
        return found

    def update(self, analysis_id: str, **fields: Any) -> ProjectAnalysis:
        """Change an analysis's analysis, health_score, issues or warnings (those given)."""
        unknown = sorted(set(fields) - {"analysis", "health_score", "issues", "warnings"})
        if unknown:
            raise InvalidInput(f"cannot update {', '.join(unknown)} of an analysis")
        with self.db.transaction():
            current = attrs.asdict(self.get(analysis_id))
            current.update(fields)
            score = check_number(current["health_score"], "health_score")
            if score is None or score > 100:
                raise InvalidInput("health_score must be a number from 0 to 100")
            self.q.update_analysis(
                self.conn,
                analysis_id=analysis_id,
                analysis=json_text(check_json(current["analysis"] or {}, "analysis", dict)),
                health_score=score,
                issues=check_number(current["issues"], "issues", whole=True),
                warnings=check_number(current["warnings"], "warnings", whole=True),
            )
            return self.get(analysis_id)

    def delete(self, analysis_id: str) -> None:
        with self.db.transaction():
            if not self.q.delete_analysis(self.conn, analysis_id=analysis_id):
                raise NotFound(f"analysis {analysis_id} not found")

    def list(self, project_id: str, *, limit: int | None = None) -> builtins.list[ProjectAnalysis]:
        """A project's analyses, newest first (its trend)."""
        self.db.projects.get(project_id)
        rows = self.q.list_analyses(
            self.conn, project_id=project_id, limit=NO_LIMIT if limit is None else limit, offset=0
        )
        return records(ProjectAnalysis, rows)

    def latest(self, project_id: str) -> ProjectAnalysis | None:
        found = self.list(project_id, limit=1)
        return found[0] if found else None
