"""A project's work (db.generations, db.generated_files, db.clarifications, db.autosaves,
db.analyses): each write is one transaction, and keeps the project's counters."""

# mypy: disable-error-code="no-any-return"
# (a named query returns the records its SQL names, which mypy sees as Any)

from __future__ import annotations

import builtins
from datetime import timedelta
from typing import Any

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
    required_text,
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

LEASE_SECONDS = 300.0  # how long a claim holds before its generation goes back to the queue


def _lease(seconds: Any) -> float:
    value = check_number(seconds, "lease")
    if not value or value > 86_400:
        raise InvalidInput(f"lease must be from 1 second to a day, not {seconds!r}")
    return float(value)


def _text(value: Any, what: str, *, required: bool = False) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidInput(f"{'empty ' if isinstance(value, str) else ''}{what}; give {what} as text")
    return check_text(value, what)


class _Part(DomainAPI):
    def _resolve(self, kind: str, value: str, get: str, find: str, key: str, hint: str) -> str:
        return resolve_prefix(
            kind,
            value,
            lambda v: getattr(self.sql, get)(self.conn, **{key: v}) is not None,
            lambda p: [row[0] for row in getattr(self.sql, find)(self.conn, prefix=p)],
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
        found = self.sql.get_generation(self.conn, generation_id=generation_id)
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
            self.sql.load_code_generations(self.conn, [params(generation)])
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
            self.sql.finish_generation(
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
            self.db.lock_record("code_generations", generation_id)
            current = attrs.asdict(self.get(generation_id))
            current.update(fields)
            if current["status"] not in GENERATION_STATUSES:
                raise InvalidInput(
                    f"invalid status {current['status']!r}; use one of {', '.join(GENERATION_STATUSES)}"
                )
            self.sql.update_generation(
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

    # --- the queue: execute queues a generation, a worker claims it, then completes or fails it

    def queue(
        self, project_id: str, specification: str | None = None, *, actor: str | None = None
    ) -> CodeGeneration:
        """Move a project to `executing` (through `start` when it is new) and queue a code
        generation of `specification` (by default its brief's idea, else its description)
        for a worker to claim, in one transaction."""
        with self.db.transaction():
            project = self.db.projects.get(project_id)
            if specification is None:
                brief = project.brief if isinstance(project.brief, dict) else {}
                idea = brief.get("project_idea") or brief.get("idea")
                specification = idea if isinstance(idea, str) and idea.strip() else None
                specification = specification or project.description or project.name
            if project.status != "executing":
                self.db.projects.move_to(project_id, "executing", actor=actor)
            return self.add(project_id, specification, status="pending")

    def claim(self, worker: str, *, lease: float = LEASE_SECONDS) -> CodeGeneration | None:
        """Claim the oldest queued generation for `worker` (None when none waits): it becomes
        `running`, held by the worker for `lease` seconds. A claim not completed, failed or
        extended by then goes back to the queue, and the next claim takes it (attempts
        counts the claims). Each generation goes to one worker at a time."""
        worker = check_text(required_text(worker, "worker", "name the worker"), "worker")
        stamp = now()
        until = stamp + timedelta(seconds=_lease(lease))
        with self.db.transaction():
            row = self.sql.claim_next_generation(
                self.conn, worker=worker, now=db_time(stamp), lease_until=db_time(until)
            )
        return row

    def extend(self, generation_id: str, worker: str, *, lease: float = LEASE_SECONDS) -> CodeGeneration:
        """Keep holding a running generation for `lease` more seconds (a long generation's
        heartbeat); Conflict when the worker no longer holds it."""
        stamp = now()
        with self.db.transaction():
            until = stamp + timedelta(seconds=_lease(lease))
            if not self.sql.extend_generation_lease(
                self.conn,
                generation_id=generation_id,
                worker=worker,
                lease_until=db_time(until),
                now=db_time(stamp),
            ):
                self._not_held(generation_id, worker)
            return self.get(generation_id)

    def complete(
        self,
        generation_id: str,
        worker: str,
        *,
        generated_code: str = "",
        tokens_used: int = 0,
        cost: float = 0.0,
        actor: str | None = None,
    ) -> CodeGeneration:
        """Record the outcome of a claimed generation: its code, tokens and cost (added to
        the project's). The project completes when it has nothing else queued or running.
        The files the generation wrote are saved with db.generated_files.save."""
        return self._end(generation_id, worker, "completed", generated_code, tokens_used, cost, None, actor)

    def fail(
        self,
        generation_id: str,
        worker: str,
        error: str,
        *,
        tokens_used: int = 0,
        cost: float = 0.0,
        actor: str | None = None,
    ) -> CodeGeneration:
        """Record that a claimed generation failed (why, and what it cost); its project fails
        with the same reason."""
        error = _text(error, "error", required=True)
        return self._end(generation_id, worker, "failed", "", tokens_used, cost, error, actor)

    def _end(
        self,
        generation_id: str,
        worker: str,
        status: str,
        code: str,
        tokens: int,
        cost: float,
        error: str | None,
        actor: str | None,
    ) -> CodeGeneration:
        code = _text(code or "", "generated code")
        tokens = check_number(tokens, "tokens_used", whole=True)
        cost = check_number(cost, "cost") or 0.0
        with self.db.transaction():
            if not self.sql.end_generation(
                self.conn,
                generation_id=generation_id,
                worker=worker,
                status=status,
                generated_code=code,
                tokens_used=tokens,
                cost=cost,
                error=error,
                now=db_time(now()),
            ):
                self._not_held(generation_id, worker)
            generation = self.get(generation_id)
            project_id = generation.project_id
            if cost:
                self.db.projects.add_work(project_id, cost=cost)
            project = self.db.projects.get(project_id)
            if project.status == "executing":
                if status == "failed":
                    self.db.projects.move(project_id, "fail", reason=error, actor=actor or worker)
                elif not self.sql.count_open_generations(self.conn, project_id=project_id):
                    self.db.projects.move(project_id, "complete", actor=actor or worker)
            return generation

    def _not_held(self, generation_id: str, worker: str) -> None:
        generation = self.get(generation_id)
        holder = f"held by {generation.claimed_by}" if generation.status == "running" else generation.status
        raise Conflict(
            f"generation {generation_id} is not held by {worker} ({holder}); claim another with claim()"
        )

    def queued(self, *, limit: int = 100) -> builtins.list[CodeGeneration]:
        """The queue: generations pending or running, oldest first."""
        return self.sql.list_queued_generations(self.conn, limit=limit)

    def delete(self, generation_id: str) -> None:
        with self.db.transaction():
            if not self.sql.delete_generation(self.conn, generation_id=generation_id):
                raise NotFound(f"generation {generation_id} not found; {self.HINT}")

    def list(
        self, project_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[CodeGeneration]:
        self.db.projects.get(project_id)
        rows = self.sql.list_generations(
            self.conn, project_id=project_id, limit=NO_LIMIT if limit is None else limit, offset=offset or 0
        )
        return rows


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
            # the project's line count takes the difference from the file this read finds
            self.db.lock_record("generated_files", f"{project_id}/{path}")
            self.db.projects.get(project_id)
            old = self.sql.get_generated_file(self.conn, project_id=project_id, path=path)
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
                self.sql.load_generated_files(self.conn, [params(made)])
                self.db.projects.add_work(project_id, files=1, lines=lines)
            else:
                self.sql.replace_generated_file(
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
            found = self.sql.get_generated_file(self.conn, project_id=project_id, path=path)
            assert found is not None
            return found

    def get(self, project_id: str, path: str) -> GeneratedFile:
        found = self.sql.get_generated_file(self.conn, project_id=project_id, path=path)
        if found is None:
            raise NotFound(
                f"project {project_id} has no generated file {path}; list them with 'codedb files list'"
            )
        return found

    def list(self, project_id: str) -> builtins.list[GeneratedFile]:
        self.db.projects.get(project_id)
        return self.sql.list_project_generated_files(self.conn, project_id=project_id)


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
        found = self.sql.get_clarification(self.conn, session_id=session_id)
        if found is None:
            raise NotFound(f"clarification session {session_id} not found; {self.HINT}")
        return found

    def start(
        self,
        project_id: str | None,
        idea: str,
        questions: builtins.list[str],
        *,
        depth: str = "standard",
        provider: str | None = None,
    ) -> ClarificationSession:
        """Open a session with its questions (a list of texts), for a project or (as YAGO
        asks before one exists) for none yet."""
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
            provider=optional_text(provider, "provider"),
        )
        with self.db.transaction():
            if project_id is not None:
                self.db.projects.get(project_id)
            self.sql.load_clarification_sessions(self.conn, [params(session)])
        return session

    def answer(self, session_id: str, question: int, answer: str | None) -> ClarificationSession:
        """Answer question number `question` (from 1), or skip it (`answer` None); progress
        is the share answered or skipped, and the next question the first after it left."""
        with self.db.transaction():
            self.db.lock_record("clarification_sessions", session_id)
            session = self.get(session_id)
            if session.completed:
                raise Conflict(f"clarification session {session_id} is complete; start another to change it")
            total = len(session.questions)
            if isinstance(question, bool) or not isinstance(question, int) or not 1 <= question <= total:
                raise InvalidInput(f"question must be a number from 1 to {total}")
            given = None if answer is None else _text(answer, "answer", required=True)
            answers = {**session.answers, str(question): given}
            left = [n for n in range(1, total + 1) if str(n) not in answers]
            after = [n for n in left if n > question]
            following = (after or left or [total + 1])[0] - 1
            self._write(session, answers, following, completed=False)
            return self.get(session_id)

    def answer_current(self, session_id: str, answer: str | None) -> ClarificationSession:
        """Answer (or, with None, skip) the question the session asks now."""
        session = self.get(session_id)
        if session.current_question >= len(session.questions) and not session.completed:
            raise Conflict(f"clarification session {session_id} has no question left; complete it")
        return self.answer(session_id, session.current_question + 1, answer)

    def _write(
        self, session: ClarificationSession, answers: dict[str, Any], current: int, *, completed: bool
    ) -> None:
        stamp = now()
        answered = sum(1 for key in answers if key.isdigit() and 1 <= int(key) <= len(session.questions))
        self.sql.update_clarification(
            self.conn,
            session_id=session.session_id,
            answers=json_text(answers),
            progress=round(100.0 * answered / len(session.questions), 2),
            current_question=current,
            completed=completed,
            completed_at=db_time(stamp) if completed else None,
            updated_at=db_time(stamp),
        )

    def brief(self, session: ClarificationSession) -> dict[str, Any]:
        """The brief a session's answers make (skipped questions answer None)."""
        return {
            "idea": session.idea,
            "depth": session.depth,
            "answers": [
                {"question": q, "answer": session.answers.get(str(n))}
                for n, q in enumerate(session.questions, 1)
            ],
        }

    def complete(self, session_id: str, *, actor: str | None = None) -> ClarificationSession:
        """Close a session and fill its project's brief (when it has a project) with the
        idea and the answers."""
        with self.db.transaction():
            self.db.lock_record("clarification_sessions", session_id)
            session = self.get(session_id)
            if session.completed:
                raise Conflict(f"clarification session {session_id} is complete already")
            self._write(session, session.answers, session.current_question, completed=True)
            if session.project_id is not None:
                self.db.projects.update(session.project_id, brief=self.brief(session), actor=actor)
            return self.get(session_id)


class Autosaves(_Part):
    """Autosaves of files being edited: save, list per file, restore one to a file."""

    HINT = "list them with 'codedb autosaves list'"

    def resolve(self, save_id: str) -> str:
        return self._resolve("autosave", save_id, "get_autosave", "find_autosave_ids", "save_id", self.HINT)

    def get(self, save_id: str) -> Autosave:
        found = self.sql.get_autosave(self.conn, save_id=save_id)
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
            if self.sql.load_autosaves(self.conn, [params(made)]) == 0:
                raise Conflict(f"autosave {made.save_id} exists already; give another save id or none")
        return made

    def update(self, save_id: str, **fields: Any) -> Autosave:
        """Change an autosave's file_path, content, save_type or metadata (those given)."""
        unknown = sorted(set(fields) - {"file_path", "content", "save_type", "metadata"})
        if unknown:
            raise InvalidInput(f"cannot update {', '.join(unknown)} of an autosave")
        with self.db.transaction():
            self.db.lock_record("autosaves", save_id)
            current = attrs.asdict(self.get(save_id))
            current.update(fields)
            content = _text(current["content"], "content")
            self.sql.update_autosave(
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
            if not self.sql.delete_autosave(self.conn, save_id=save_id):
                raise NotFound(f"autosave {save_id} not found; {self.HINT}")

    def list(
        self, file_path: str | None = None, *, limit: int | None = None, offset: int | None = None
    ) -> builtins.list[Autosave]:
        rows = self.sql.list_autosaves(
            self.conn, file_path=file_path, limit=NO_LIMIT if limit is None else limit, offset=offset or 0
        )
        return rows


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
            self.sql.load_project_analyses(self.conn, [params(made)])
        return made

    def get(self, analysis_id: str) -> ProjectAnalysis:
        found = self.sql.get_analysis(self.conn, analysis_id=analysis_id)
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
            self.db.lock_record("project_analyses", analysis_id)
            current = attrs.asdict(self.get(analysis_id))
            current.update(fields)
            score = check_number(current["health_score"], "health_score")
            if score is None or score > 100:
                raise InvalidInput("health_score must be a number from 0 to 100")
            self.sql.update_analysis(
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
            if not self.sql.delete_analysis(self.conn, analysis_id=analysis_id):
                raise NotFound(f"analysis {analysis_id} not found")

    def list(self, project_id: str, *, limit: int | None = None) -> builtins.list[ProjectAnalysis]:
        """A project's analyses, newest first (its trend)."""
        self.db.projects.get(project_id)
        rows = self.sql.list_analyses(
            self.conn, project_id=project_id, limit=NO_LIMIT if limit is None else limit, offset=0
        )
        return rows

    def latest(self, project_id: str) -> ProjectAnalysis | None:
        found = self.list(project_id, limit=1)
        return found[0] if found else None
