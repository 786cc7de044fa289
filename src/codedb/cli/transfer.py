"""Backup and transfer commands: backup, restore, export, import, import-legacy, copy,
recover, check-backup."""

import os
import sys
from pathlib import Path
from typing import Any

from ..errors import InvalidInput
from .common import open_db, out, whole_number
from .frame import command

NOTES_SHOWN = 20  # import-legacy's notes of each kind printed without --all-notes


@command("""
Usage: codedb backup (DEST | --output=DEST2) [--format=FORMAT]
                     [--compact | --encrypt [--passphrase-file=FILE]] [--verify=LEVEL] [--force] [--quiet]
                     [options]
       codedb backup --to-dir=DIR [--keep=N] [--format=FORMAT]
                     [--compact | --encrypt [--passphrase-file=FILE]] [--verify=LEVEL] [--quiet] [options]

Back up the database while it stays in use. sqlite (the default) copies the file with the
online backup API (progress on a terminal) or, with --compact, VACUUM INTO; the copy is
checked before it is put in place. json is a logical dump of every table that restores
exactly, on either backend; sql is a plain SQL dump (SQLite). Backups are readable by their
owner only; DEST is never the database itself, a link or a device. --encrypt seals the
backup with AES-256-GCM in chunks as it is written (a key from the passphrase by scrypt), so
no plain copy reaches the disk; the passphrase comes from $CODEDB_BACKUP_PASSPHRASE or the
first line of --passphrase-file, never from the command line.

Options:
  --format=FORMAT  sqlite, json or sql [default: sqlite]
  -o DEST2, --output=DEST2  the backup file (codeobit's spelling of DEST)
  --compact        write a compacted copy (VACUUM INTO)
  --verify=LEVEL   check a SQLite copy: quick, full or none [default: quick]
  --force          replace DEST if it exists
  --to-dir=DIR     write a timestamped file into DIR (created 0700 if missing)
  --keep=N         with --to-dir: keep this database's N newest backups there
  --quiet          no progress bar
  --encrypt        encrypt the backup (restore and check-backup need its passphrase)
  --passphrase-file=FILE  read the passphrase from the first line of FILE

Examples:
  codedb backup nightly.sqlite
  codedb backup --to-dir=/var/backups/codedb --keep=7
""")
def cmd_backup(args: dict[str, Any]) -> int:
    from ..transfer.backup import backup
    from ..transfer.crypto import passphrase_from

    keep = whole_number(args["--keep"], "--keep", minimum=-(2**63))
    dest = args["DEST"] or args["--output"]
    with open_db(args, current=False) as db:
        result = backup(
            db,
            Path(dest) if dest else None,
            fmt=args["--format"],
            compact=args["--compact"],
            force=args["--force"],
            to_dir=Path(args["--to-dir"]) if args["--to-dir"] else None,
            keep=keep,
            quiet=args["--quiet"],
            verify=args["--verify"],
            passphrase=passphrase_from(args["--passphrase-file"]) if args["--encrypt"] else None,
        )
    out(f"backed up to {result.path} ({result.format}, {result.size_bytes:,} bytes)")
    for path in result.removed:
        out(f"removed old backup {path}")
    return 0


@command("""
Usage: codedb restore SRC [--format=FORMAT] [--force] [--quiet] [--passphrase-file=FILE] [options]

Replace the database's content with a backup: a codedb SQLite backup or a JSON dump. SRC is
checked first (SQLite header, integrity, a codedb schema at a revision this version knows;
JSON that parses and matches the schema). The restored database is built and checked beside
the target, then copied into it in one transaction, so programs that have it open see the
restored data and a failure leaves the old. An older backup is migrated. An encrypted
backup is decrypted and authenticated whole first (its passphrase from
$CODEDB_BACKUP_PASSPHRASE or --passphrase-file): a wrong passphrase or a changed byte
restores nothing. A backup of another tool (codeobit's, ...) is not restored: 'codedb
import-legacy' brings its data in.

Options:
  --format=FORMAT  what SRC must be: sqlite (codeobit's 'sql' too) or json; by default,
                   what its first bytes say
  --force       replace a database that holds data
  --quiet       no progress bar
  --passphrase-file=FILE  read an encrypted backup's passphrase from the first line of FILE

Example:
  codedb restore nightly.sqlite --force
""")
def cmd_restore(args: dict[str, Any]) -> int:
    from ..core.db import connect
    from ..core.files import remove_database_files
    from ..core.target import resolve_target
    from ..transfer.restore import refuse_if_holding, restore

    passphrase = _passphrase_for(Path(args["SRC"]), args["--passphrase-file"])
    if args["--format"] is not None and passphrase is None:
        _check_format(Path(args["SRC"]), args["--format"])
    path = resolve_target(args["--db"]).path
    created = path is not None and not os.path.lexists(path)
    if path is not None and not created and not args["--force"]:
        # Look before opening for writing, which would switch another application's file to WAL.
        with connect(args["--db"], create=False, readonly=True) as probe:
            refuse_if_holding(probe)
    try:
        with connect(args["--db"], create=True) as db:
            result = restore(
                db, Path(args["SRC"]), force=args["--force"], quiet=args["--quiet"], passphrase=passphrase
            )
    except InvalidInput:
        if created and path is not None:
            remove_database_files(path)
        _refuse_if_legacy(Path(args["SRC"]))
        raise
    except BaseException:
        if created and path is not None:  # the file this restore made, and only that
            remove_database_files(path)
        raise
    rows = sum(result.rows.values())
    migrated = f"; migrated {', '.join(result.migrated)}" if result.migrated else ""
    out(
        f"restored {result.target} from {args['SRC']} "
        f"({result.source_kind}, revision {result.revision}, {rows:,} rows){migrated}"
    )
    return 0


@command("""
Usage: codedb export [--format=FORMAT] [--table=T]... [--output=PATH] [--force] [--quiet] [options]

Write tables (all, or those named) as JSON (one document), JSON lines (a header line, then
one row per line), or CSV (one file per table in the folder PATH). JSON and JSON lines are
lossless: 'codedb import' reads them back exactly. Without --output (or with -), JSON goes
to standard output.

Options:
  --format=FORMAT  json, jsonl or csv [default: json]
  --table=T        export only this table (repeatable)
  --output=PATH    the file to write (a folder for csv); - for standard output
  --force          replace files that exist
  --quiet          no progress bar

Example:
  codedb export --format=jsonl --output=library.jsonl
""")
def cmd_export(args: dict[str, Any]) -> int:
    from ..core.files import open_output
    from ..core.progress import progress_bar
    from ..transfer.dump import selected_tables, write_csv, write_json, write_jsonl

    fmt_name = args["--format"]
    if fmt_name not in ("json", "jsonl", "csv"):
        raise InvalidInput(f"unknown export format {fmt_name!r}; use json, jsonl or csv")
    tables = selected_tables(args["--table"])
    output = args["--output"] or "-"
    with open_db(args, replica=True) as db:
        if fmt_name == "csv":
            if output == "-":
                raise InvalidInput(
                    "--format=csv writes one file per table: give a directory with --output=DIR"
                )
            counts = write_csv(db, Path(output), tables, force=args["--force"])
        else:
            write = write_json if fmt_name == "json" else write_jsonl
            with open_output(output, force=args["--force"]) as stream:
                tick = progress_bar(0, "rows", args["--quiet"] or output == "-")
                counts = write(db, stream, tables, tick)
    if output != "-":
        print(f"exported {sum(counts.values()):,} rows of {len(counts)} tables to {output}", file=sys.stderr)
    return 0


@command("""
Usage: codedb import FILE [--dry-run] [--quiet] [options]

Read a JSON or JSON-lines export in one transaction. Rows are keyed on their ids: those that
exist are left as they are, so importing twice adds nothing. Every row is checked before
anything is written.

Options:
  --dry-run     report what would be imported, change nothing
  --quiet       no progress bar

Example:
  codedb import library.jsonl --dry-run
""")
def cmd_import(args: dict[str, Any]) -> int:
    from ..core.progress import progress_bar
    from ..transfer.dump import load, load_all_or_nothing
    from ..transfer.reader import read_dump

    dump = read_dump(args["FILE"])
    tick = progress_bar(dump.total, "rows", args["--quiet"])
    with open_db(args) as db:
        added = load_all_or_nothing(db, lambda: load(db, dump, tick), args["--dry-run"])
    verb = "would import" if args["--dry-run"] else "imported"
    for table, count in dump.counts.items():
        if count:
            new = added.get(table, 0)
            out(f"{verb} {new:,} {table} row{'' if new == 1 else 's'} ({count - new:,} already present)")
    if not dump.total:
        out("the file holds no rows")
    return 0


@command("""
Usage: codedb import-legacy FILE [--dry-run] [--quiet] [--all-notes] [options]

Import the data of the tools codedb replaces, recognised by its content: the old code_db
tool's pickles (every shape; read by a restricted unpickler that runs nothing a file names)
and SQLModel file; codeobit's database and its JSON and "SQL" backups; DuilioCode's
database; PygubuAI's database, registry and workflow files; YAGO's database, a SQLite file
or a postgresql:// URL. One transaction, keyed on the source's ids: a second import adds
nothing, a larger snapshot only what is new. Prints per table what was read, imported, found
there already and left out, and the values read differently and rows skipped, with the
reason (the first 20 of each, and how many more). The source is opened read-only and never
modified.

Options:
  --dry-run     report what would be imported, change nothing
  --quiet       no progress bar
  --all-notes   list every value read differently and every row skipped

Example:
  codedb import-legacy ~/.codeobit/database/codeobit.db --dry-run
""")
def cmd_import_legacy(args: dict[str, Any]) -> int:
    from ..legacy import import_legacy
    from .render import counted, table_rows

    with open_db(args) as db:
        report = import_legacy(db, args["FILE"], dry_run=args["--dry-run"], quiet=args["--quiet"])
    out(f"{report.source}: {report.format}")
    if report.tables:
        width = max(len(t.table) for t in report.tables)
        for t in report.tables:
            into = f" -> {t.into}" if t.into and t.into != t.table else ""
            out(
                f"  {t.table:<{width}}  read {t.read:,}, imported {t.imported:,}, already there "
                f"{t.present:,}, left out {t.left_out:,}{into}"
            )
    else:
        out("found: " + (", ".join(counted(n, what) for what, n in report.found.items()) or "nothing"))
    verb = "would import" if report.dry_run else "imported"
    out(f"{verb}: " + (table_rows(report.added) or "nothing new"))
    if report.present:
        out("already there: " + table_rows(report.present))
    shown = None if args["--all-notes"] else NOTES_SHOWN
    for kind, notes in (("coerced", report.coerced), ("skipped", report.skipped)):
        for note in notes[:shown]:
            out(f"{kind}: {note}")
        if shown is not None and len(notes) > shown:
            out(f"{kind}: ... and {len(notes) - shown:,} more (--all-notes lists every one)")
    return 0


@command("""
Usage: codedb copy SRC DST [--batch=N] [--force] [--quiet] [--json] [options]

Copy every table of SRC into DST: a SQLite file or a PostgreSQL URL on either side, so one
command moves a database from SQLite to PostgreSQL, back, or to another of its kind. SRC is
read in one snapshot (others may go on writing to it) and streamed in batches; DST is written
in one transaction, so a failed or interrupted copy leaves it as it was (a new SQLite DST is
built beside its path and renamed into place at the end). DST is migrated to SRC's revision
first; SRC must be at this codedb's latest. Before the transaction commits, every table is
read back from DST: its row count and a checksum computed the same way on both sides must
match SRC's; they are printed. Search indexes and daily sums are made in DST from its rows.

Options:
  --batch=N  rows per insert statement [default: 5000]
  --force    replace what DST holds
  --quiet    no progress bar
  --json     print the tables, their rows and checksums as JSON

Example:
  codedb copy code_db.sqlite postgresql://codedb@db.example/codedb
""")
def cmd_copy(args: dict[str, Any]) -> int:
    from ..transfer.copy import copy

    result = copy(
        args["SRC"],
        args["DST"],
        batch=whole_number(args["--batch"], "--batch", 1) or 1,
        force=args["--force"],
        quiet=args["--quiet"],
    )
    if args["--json"]:
        from .render import as_json

        out(as_json({"src": result.src, "dst": result.dst, "revision": result.revision,
                     "tables": [t._asdict() for t in result.tables]}))  # fmt: skip
        return 0
    width = max([5, *(len(t.table) for t in result.tables)])
    lines = [f"{'table':<{width}}  {'rows':>11}  checksum (equal on both sides)"]
    lines += [f"{t.table:<{width}}  {t.rows:>11,}  {t.checksum}" for t in result.tables]
    lines.append(
        f"copied {result.rows:,} rows from {result.src} to {result.dst} (revision {result.revision})"
    )
    out("\n".join(lines))
    return 0


@command("""
Usage: codedb recover DAMAGED OUT [--force] [--json] [options]

Salvage what can be read from a damaged SQLite file (overwritten pages, a truncated file, a
lost -wal, a zeroed header) into OUT, a new codedb database at DAMAGED's revision, checked
before it is put in place. DAMAGED is never written: codedb reads a copy of it page by page,
as the sqlite3 shell's .recover does. It prints per table the rows read, the rows recovered
and the rows DAMAGED's statistics claim (from its last ANALYZE); a row whose parent row was
lost, or that the schema refuses, is left out. Then put OUT in place with 'codedb restore'.

Options:
  --force  replace OUT if it exists
  --json   print the figures as JSON

Example:
  codedb recover code_db.sqlite rescued.sqlite && codedb restore rescued.sqlite
""")
def cmd_recover(args: dict[str, Any]) -> int:
    from ..transfer.recover import recover, totals

    result = recover(args["DAMAGED"], args["OUT"], force=args["--force"])
    if args["--json"]:
        import attrs

        from .render import as_json

        out(as_json({"out": str(result.out), "revision": result.revision,
                     "tables": [attrs.asdict(t) for t in result.tables]}))  # fmt: skip
        return 0
    width = max(len(t.table) for t in result.tables)
    lines = [f"{'table':<{width}}  {'read':>9}  {'recovered':>9}  {'claimed':>9}  damaged pages"]
    for t in result.tables:
        claimed = "lost" if t.schema_lost else "-" if t.claimed is None else f"{t.claimed:,}"
        lines.append(f"{t.table:<{width}}  {t.read:>9,}  {t.recovered:>9,}  {claimed:>9}  {t.damaged_pages}")
    read, recovered = totals(result.tables)
    header = "; its header was damaged (page size guessed)" if result.header_damaged else ""
    into = f"{result.out} (revision {result.revision})"
    lines.append(f"recovered {recovered:,} of the {read:,} rows read into {into}{header}")
    replaced = sum(t.replaced_texts for t in result.tables)
    if replaced:
        held = "text held" if replaced == 1 else "texts held"
        lines.append(f"{replaced:,} {held} bytes that are not UTF-8: recovered with U+FFFD in their place")
    lines.append(f"next: check it (codedb --db {result.out} check), then 'codedb restore {result.out}'")
    out("\n".join(lines))
    return 0


def _check_format(src: Path, wanted: str) -> None:
    """Refuse a restore whose --format is not what SRC holds (codeobit's 'sql' is SQLite)."""
    from ..transfer.restore import source_kind

    kinds = {"sqlite": "sqlite", "sql": "sqlite", "json": "json"}
    if wanted not in kinds:
        raise InvalidInput(f"unknown --format {wanted!r}; use sqlite, sql or json (or leave it out)")
    found = source_kind(src)
    if found != kinds[wanted]:
        held = "a JSON dump" if found == "json" else "a SQLite file"
        meant = "a SQLite file" if kinds[wanted] == "sqlite" else "a JSON dump"
        raise InvalidInput(f"{src} is {held}, not {meant} (--format={wanted}); leave --format out")


def _refuse_if_legacy(src: Path) -> None:
    """When a backup that restore refused is another tool's data, say where it goes."""
    from ..legacy import recognise

    label = recognise(src)
    if label is not None:
        raise InvalidInput(
            f"{src} is a {label}, not a codedb backup; bring its data in with 'codedb import-legacy {src}'"
        )


def _passphrase_for(src: Path, file: str | None) -> str | None:
    """The passphrase of an encrypted backup (None for a plain one)."""
    from ..core.files import check_input
    from ..transfer.crypto import is_encrypted, passphrase_from

    if not is_encrypted(check_input(src, "backup")):
        return None
    if file is not None:
        return passphrase_from(file)  # a missing or unreadable file is named as it is
    try:
        return passphrase_from(None)
    except InvalidInput:
        raise InvalidInput(
            f"{src} is encrypted; give its passphrase in $CODEDB_BACKUP_PASSPHRASE or with --passphrase-file"
        ) from None


@command("""
Usage: codedb check-backup FILE [--passphrase-file=FILE2] [--json] [options]

Check a backup without restoring it: an encrypted one is decrypted and authenticated whole
(into a private temporary folder, removed afterwards); then a SQLite copy must pass the
integrity check and hold a codedb schema this codedb knows, a JSON dump must parse and match
the schema. Exit 0 when it would restore, 1 (with the reason) when not.

Options:
  --passphrase-file=FILE2  an encrypted backup's passphrase (else $CODEDB_BACKUP_PASSPHRASE)
  --json                   print the result as JSON

Example:
  codedb check-backup nightly.sqlite.enc
""")
def cmd_check_backup(args: dict[str, Any]) -> int:
    from ..transfer.restore import check_backup

    src = Path(args["FILE"])
    result = check_backup(src, _passphrase_for(src, args["--passphrase-file"]))
    if args["--json"]:
        import attrs

        from .render import as_json

        out(as_json({"file": str(src), "ok": True, **attrs.asdict(result)}))
    else:
        sealed = "encrypted " if result.encrypted else ""
        at = f"revision {result.revision}, {result.rows:,} rows"
        out(f"ok: {src} is a sound {sealed}{result.kind} backup at {at}")
    return 0
