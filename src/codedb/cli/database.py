"""Database commands: init, migrate, rollback, status, stats, check, vacuum, query, completion."""

from typing import Any

from .common import open_db, out, output_format, seconds, whole_number
from .frame import FORMAT, command


@command("""
Usage: codedb init [--force] [--overwrite] [--lock-timeout=SECONDS] [options]

Create the database (a SQLite file is made readable by its owner only) and apply all
migrations. On a codedb database it applies nothing. A database holding other tables is
refused unless --force, which adds codedb's tables beside them and never deletes any.
--overwrite (the old tool's init-db --overwrite) then empties codedb's tables; when they
hold rows it asks for --force too, as restore does.

Options:
  --force                 add codedb's tables to a database holding other tables (and
                          with --overwrite, delete the rows codedb's tables hold)
  --overwrite             start empty: delete every row of codedb's tables
  --lock-timeout=SECONDS  how long to wait for another migration [default: 10]

Example:
  codedb --db code_db.sqlite init
""")
def cmd_init(args: dict[str, Any]) -> int:
    from ..core.db import connect
    from ..schema.migrations import init, status

    with connect(args["--db"], create=True) as db:
        result = init(db, force=args["--force"], lock_timeout=seconds(args["--lock-timeout"]), report=out)
        where = db.target.display
        if result.already:
            state = status(db)
            hint = (
                f"; {len(state.pending)} pending, apply them with 'codedb migrate'" if state.pending else ""
            )
            out(f"{where} is already initialised at revision {state.current}; nothing applied{hint}")
        else:
            out(f"initialised {where}: applied {', '.join(result.applied)}")
            if result.foreign_tables:
                out(f"left untouched: {', '.join(result.foreign_tables)}")
        if args["--overwrite"]:
            _overwrite(db, args["--force"])
    return 0


def _overwrite(db: Any, force: bool) -> None:
    from ..errors import CodedbError

    held = {table: count for table, count in db.row_counts().items() if count}
    if held and not force:
        rows, tables = sum(held.values()), len(held)
        raise CodedbError(
            f"{db.target.display} holds data ({rows:,} row{'s' * (rows != 1)} in {tables} "
            f"table{'s' * (tables != 1)}); "
            "--overwrite would delete it: back it up first, then give --overwrite --force"
        )
    db.clear_tables()
    out(f"emptied {db.target.display}: deleted {sum(held.values()):,} rows")


@command("""
Usage: codedb migrate [--to=REV] [--dry-run] [--break-lock] [--lock-timeout=SECONDS] [options]

Apply pending migrations, all of them or up to and including REV, in one transaction. A
lock left by a migration process that died is cleared by itself.

Options:
  --to=REV                the last revision to apply (e.g. 0002)
  --dry-run               list what would be applied, change nothing
  --break-lock            clear yoyo's lock rows of processes that died, then migrate
  --lock-timeout=SECONDS  how long to wait for another migration [default: 10]

Example:
  codedb migrate --dry-run
""")
def cmd_migrate(args: dict[str, Any]) -> int:
    from ..schema.migrations import break_lock, migrate

    with open_db(args, current=False) as db:
        timeout = seconds(args["--lock-timeout"])
        if args["--break-lock"]:
            break_lock(db, timeout, report=out)
        ids = migrate(db, args["--to"], dry_run=args["--dry-run"], lock_timeout=timeout, report=out)
    if not ids:
        out("nothing to apply: the schema is up to date")
    else:
        out(("would apply: " if args["--dry-run"] else "applied: ") + ", ".join(ids))
    return 0


@command("""
Usage: codedb rollback [--to=REV | --target=REV2 | --steps=N] [--force] [--dry-run] [--lock-timeout=SECONDS]
                       [options]

Roll back the last migration, the last N, or all after REV ('base' rolls back all), in one
transaction. Rolling back drops those migrations' tables: when any of them holds rows the
rollback is refused unless --force (back up first). --dry-run rolls back inside a
transaction it then undoes, and says what would be dropped.

Options:
  --to=REV                keep REV and what comes before it (0002, 2 or its full id)
  --target=REV2           the same (codeobit's spelling)
  --steps=N               how many migrations to roll back [default: 1]
  --force                 drop tables even when they hold rows
  --dry-run               list what would be rolled back, change nothing
  --lock-timeout=SECONDS  how long to wait for another migration [default: 10]

Example:
  codedb rollback --to=0002 --dry-run
""")
def cmd_rollback(args: dict[str, Any]) -> int:
    from ..schema.migrations import rollback

    steps = whole_number(args["--steps"], "--steps")
    to = args["--to"] or args["--target"]
    with open_db(args, current=False) as db:
        before = db.row_counts()
        ids = rollback(
            db,
            to,
            None if to else steps,
            force=args["--force"],
            dry_run=args["--dry-run"],
            lock_timeout=seconds(args["--lock-timeout"]),
            report=out,
        )
        after = set(db.table_names()) if not args["--dry-run"] else None
    if not ids:
        out("nothing to roll back")
        return 0
    out(("would roll back: " if args["--dry-run"] else "rolled back: ") + ", ".join(ids))
    if after is not None:
        dropped = [f"{t} ({n:,} rows)" for t, n in before.items() if t not in after]
        if dropped:
            out("dropped: " + ", ".join(dropped))
    return 0


@command("""
Usage: codedb status [--json] [options]

The applied migrations with their times, the pending ones, and the current revision.

Options:
  --json        write JSON

Example:
  codedb status --json
""")
def cmd_status(args: dict[str, Any]) -> int:
    from ..core.db import connect
    from ..schema.migrations import status

    with connect(args["--db"], create=False, readonly=True) as db:
        state = status(db)
        where = db.target.display
    data = {
        "database": where,
        "current": state.current,
        "applied": [{"migration_id": mid, "applied_at_utc": at} for mid, at in state.applied],
        "pending": list(state.pending),
        "unknown": list(state.unknown),
    }
    if args["--json"]:
        from .render import as_json

        out(as_json(data))
        return 0
    out(f"database: {where}")
    out(f"current revision: {state.current or 'base (nothing applied)'}")
    for mid, at in state.applied:
        out(f"  applied  {mid}  {at}")
    for mid in state.pending:
        out(f"  pending  {mid}")
    for mid in state.unknown:
        out(f"  unknown  {mid}  (applied by a newer codedb)")
    return 0


@command("""
Usage: codedb stats [--json] [options]

Rows per table, database size, schema revision, backend, engine version and journal mode.
Reads only: works on a read-only file and leaves it unchanged.

Options:
  --json        write JSON

Example:
  codedb --db demo.sqlite stats
""")
def cmd_stats(args: dict[str, Any]) -> int:
    from ..schema.stats import stats

    with open_db(args, readonly=True, current=False, replica=True) as db:
        data = stats(db)
    if args["--json"]:
        from .render import as_json

        out(as_json(data))
        return 0
    out(f"database:      {data['database']}")
    out(f"backend:       {data['backend']} ({data['version']})")
    pending = f" ({len(data['pending_migrations'])} pending)" if data["pending_migrations"] else ""
    out(f"revision:      {data['revision'] or 'base'}{pending}")
    out(f"journal mode:  {data['journal_mode']}")
    out(f"size:          {data['size_bytes']:,} bytes")
    out("rows:")
    width = max((len(name) for name in data["tables"]), default=0)
    for name, count in data["tables"].items():
        out(f"  {name:<{width}}  {count:>10,}")
    return 0


@command("""
Usage: codedb check [--json] [options]

Check the database: SQLite's integrity check, the foreign keys, texts another program wrote
in bytes that are not UTF-8 (SQLite), and the schema revision. Exit code 1 with the list of
findings when anything is wrong. Reads only.

Options:
  --json        write JSON

Example:
  codedb check && echo healthy
""")
def cmd_check(args: dict[str, Any]) -> int:
    from ..core.db import connect
    from ..schema.health import check

    with connect(args["--db"], create=False, readonly=True) as db:
        result = check(db)
    if args["--json"]:
        from .render import as_json

        out(
            as_json(
                {"revision": result.revision, "findings": list(result.findings), "ok": not result.findings}
            )
        )
    elif result.findings:
        for finding in result.findings:
            out(finding)
    else:
        out(f"ok: integrity, foreign keys, revision {result.revision}")
    return 1 if result.findings else 0


@command("""
Usage: codedb vacuum [options]

Rebuild the database file and return its free pages to the file system (SQLite VACUUM); on
PostgreSQL, VACUUM (ANALYZE).

Example:
  codedb vacuum
""")
def cmd_vacuum(args: dict[str, Any]) -> int:
    from ..schema.health import vacuum

    with open_db(args, current=False) as db:
        before, after = vacuum(db)
    out(f"vacuumed: {before:,} -> {after:,} bytes")
    return 0


@command(
    """
Usage: codedb query SQL [--json | --csv] [options]

Run one SQL statement and print its rows. Nothing can be changed: SQLite is opened
read-only and refuses ATTACH, VACUUM and pragmas that set something; PostgreSQL runs it in a
read-only transaction, rolled back, as a role that may only read (made by 'codedb init').

Options:
"""
    + FORMAT
    + """
Example:
  codedb query "SELECT name, test_count FROM function_summary ORDER BY name" --csv
"""
)
def cmd_query(args: dict[str, Any]) -> int:
    from ..schema.query import run_query
    from .render import render

    with open_db(args, readonly=True, current=False, replica=True) as db:
        columns, rows = run_query(db, args["SQL"])
    out(
        render(
            [dict(zip(columns, row, strict=True)) for row in rows], columns, output_format(args), width=None
        )
    )
    return 0


@command("""
Usage: codedb completion SHELL [options]

Print a completion script for SHELL (bash or zsh), generated from the usage texts.

Example:
  source <(codedb completion bash)
""")
def cmd_completion(args: dict[str, Any]) -> int:
    from .completion import script

    out(script(args["SHELL"]))
    return 0
