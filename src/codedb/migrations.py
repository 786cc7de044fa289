"""Schema migrations with yoyo: numbered SQL files in migrations/ (and migrations/<dialect>/
where a dialect's SQL differs), each with a .rollback.sql.

A whole `migrate` or `rollback` runs in one transaction on one connection, so a failure in
its third migration leaves the first two unapplied too: the database is as it was.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from .db import Database, display_target, is_postgres, sqlite_path
from .errors import ForeignDatabase, LockedError, MigrationError, UnknownRevision, first_line
from .resources import resource_dir

YOYO_TABLES = {"_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock"}
LOCK_TIMEOUT_SECONDS = 10.0
BASE = "base"  # the revision before the first migration


def _read(dialect: str, migrations_dir: Path | None = None) -> Any:
    from yoyo import read_migrations
    from yoyo.migrations import MigrationList

    root = migrations_dir or resource_dir("migrations")
    sources = [str(root)] + [str(root / dialect)] * (root / dialect).is_dir()
    # yoyo lists one source after the other; the ids alone give the order.
    return MigrationList(sorted(read_migrations(*sources), key=lambda m: m.id))


def known_ids(dialect: str, migrations_dir: Path | None = None) -> list[str]:
    """The migration ids this version of codedb knows, oldest first.

    Read from the file names, as yoyo does, without importing yoyo (read-only commands such
    as `stats` stay quick to start)."""
    root = migrations_dir or resource_dir("migrations")
    files = [*root.glob("*.sql"), *(root / dialect).glob("*.sql")]
    return sorted(p.name[: -len(".sql")] for p in files if not p.name.endswith(".rollback.sql"))


@attrs.frozen
class MigrationStatus:
    """Applied migrations with their times, pending ones, and the current revision."""

    applied: tuple[tuple[str, Any], ...]
    pending: tuple[str, ...]
    unknown: tuple[str, ...]  # applied here but not known to this version (a newer codedb's)

    @property
    def current(self) -> str | None:
        return self.applied[-1][0] if self.applied else None


def status(db: Database, migrations_dir: Path | None = None) -> MigrationStatus:
    """Where the schema stands. Reads only: works on a read-only database."""
    known = known_ids(db.dialect, migrations_dir)
    applied = db.applied_migrations()
    applied_ids = {mid for mid, _ in applied}
    return MigrationStatus(
        applied=tuple((mid, at) for mid, at in applied if mid in known),
        pending=tuple(mid for mid in known if mid not in applied_ids),
        unknown=tuple(mid for mid, _ in applied if mid not in known),
    )


def resolve_revision(dialect: str, revision: str, migrations_dir: Path | None = None) -> str:
    """The full id of `revision` ('0002' or '0002.function-summary-view'), or BASE."""
    if revision == BASE:
        return BASE
    known = known_ids(dialect, migrations_dir)
    matches = [mid for mid in known if mid == revision or mid.split(".", 1)[0] == revision]
    if len(matches) != 1:
        raise UnknownRevision(f"unknown revision {revision!r}; known revisions: {BASE}, {', '.join(known)}")
    return matches[0]


def _yoyo_url(db: Database) -> str:
    if is_postgres(db.target):
        rest = db.target.split("://", 1)[1]
        return f"postgresql+psycopg://{rest}"
    path = sqlite_path(db.target).resolve()
    return f"sqlite:///{path}"


@contextmanager
def _locked_backend(db: Database, lock_timeout: float) -> Iterator[Any]:
    from yoyo import get_backend
    from yoyo.exceptions import LockTimeout

    try:
        backend = get_backend(_yoyo_url(db))
    except Exception as exc:
        raise MigrationError(
            f"cannot open {display_target(db.target)} for migration: {first_line(exc)}"
        ) from None
    try:
        with backend.lock(timeout=lock_timeout):
            backend.ensure_internal_schema_updated()
            yield backend
    except LockTimeout as exc:
        raise LockedError(
            f"{display_target(db.target)} is locked by another migration ({exc}); wait for it to "
            "finish, or if no migration is running, clear the lock with 'codedb migrate --break-lock'"
        ) from None
    finally:
        backend.connection.close()


def _run(backend: Any, migrations: Any, direction: str) -> None:
    """Apply or roll back `migrations` in one transaction of `backend`'s connection."""
    with backend.transaction():
        for migration in migrations:
            try:
                migration.process_steps(backend, direction)
            except Exception as exc:
                verb = "apply" if direction == "apply" else "roll back"
                raise MigrationError(
                    f"could not {verb} migration {migration.id}: {first_line(exc)}; nothing was changed"
                ) from None
            backend.log_migration(migration, direction)
            if direction == "apply":
                backend.mark_one(migration, log=False)
            else:
                backend.unmark_one(migration, log=False)


def migrate(
    db: Database,
    to: str | None = None,
    *,
    dry_run: bool = False,
    lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    migrations_dir: Path | None = None,
) -> list[str]:
    """Apply the pending migrations (up to and including `to`); return their ids."""
    current = status(db, migrations_dir)
    if current.unknown:
        raise MigrationError(
            f"{display_target(db.target)} has migrations this codedb does not know "
            f"({', '.join(current.unknown)}); upgrade codedb"
        )
    pending = list(current.pending)
    if to is not None:
        target = resolve_revision(db.dialect, to, migrations_dir)
        pending = [] if target == BASE else [mid for mid in pending if mid <= target]
    if dry_run or not pending:
        return pending
    with _locked_backend(db, lock_timeout) as backend:
        todo = [m for m in backend.to_apply(_read(db.dialect, migrations_dir)) if m.id in pending]
        _run(backend, todo, "apply")
        return [m.id for m in todo]


def rollback(
    db: Database,
    to: str | None = None,
    steps: int | None = None,
    *,
    dry_run: bool = False,
    lock_timeout: float = LOCK_TIMEOUT_SECONDS,
    migrations_dir: Path | None = None,
) -> list[str]:
    """Roll back the last `steps` migrations (default 1), or all after `to`; return their ids."""
    applied = [mid for mid, _ in status(db, migrations_dir).applied]
    if to is not None:
        target = resolve_revision(db.dialect, to, migrations_dir)
        undo = applied if target == BASE else [mid for mid in applied if mid > target]
    else:
        count = 1 if steps is None else steps
        if count < 0:
            raise MigrationError("--steps must be 0 or more")
        undo = applied[len(applied) - count :] if count else []
    undo.reverse()
    if dry_run or not undo:
        return undo
    with _locked_backend(db, lock_timeout) as backend:
        todo = [m for m in backend.to_rollback(_read(db.dialect, migrations_dir)) if m.id in undo]
        _run(backend, todo, "rollback")
        return [m.id for m in todo]


def break_lock(db: Database) -> None:
    """Remove a migration lock left by a process that died."""
    from yoyo import get_backend

    get_backend(_yoyo_url(db)).break_lock()


@attrs.frozen
class InitResult:
    applied: tuple[str, ...]
    already: bool
    foreign_tables: tuple[str, ...]


def init(db: Database, *, force: bool = False, lock_timeout: float = LOCK_TIMEOUT_SECONDS) -> InitResult:
    """Create codedb's schema. An existing codedb database is left alone; a database holding
    other tables is refused unless `force`, and even then none of those tables is touched."""
    current = status(db)
    if current.applied or current.unknown:
        return InitResult(applied=(), already=True, foreign_tables=())
    foreign = tuple(sorted(db.table_names() - YOYO_TABLES))
    if foreign and not force:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise ForeignDatabase(
            f"{display_target(db.target)} holds tables of another application ({shown}); "
            "give a new or empty database, or add codedb's tables beside them with 'codedb init --force'"
        )
    applied = migrate(db, lock_timeout=lock_timeout)
    return InitResult(applied=tuple(applied), already=False, foreign_tables=foreign)
