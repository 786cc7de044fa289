"""The frame every command inherits, tried through a function-library command and a database
command: usage errors in one line with the usage, suggestions, `-` for standard streams,
--force before replacing a file, pages, read-only queries, supported URL schemes, missing
schemas, rollback that asks before dropping rows, one vocabulary, completion."""

import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from codedb.schema.migrations import known_ids
from conftest import CLI, ROOT, db_snapshot


@pytest.fixture
def lib(ready_target: str, tmp_path: Path) -> CLI:
    """The CLI on a database `codedb init` made."""
    return CLI(ready_target, tmp_path)


def add(cli: CLI, name: str, *extra: str) -> str:
    return cli.ok("add-function", f"--name={name}", "--code=def f(x): return x", *extra).strip()


def usage_error(cli: CLI, *args: str) -> list[str]:
    result = cli(*args)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
    assert "Argument(" not in result.stderr and "Option(" not in result.stderr  # no docopt internals
    return result.stderr.strip().splitlines()


def test_usage_errors_name_the_problem_then_show_the_usage(lib: CLI) -> None:
    lines = usage_error(lib, "show-function")
    assert lines[0] == "codedb: missing --function-id or --id"
    assert lines[1].startswith("Usage: codedb show-function (--function-id=ID | --id=ID)")
    assert usage_error(lib, "show-function", "--frobnicate=1")[0] == "codedb: unknown option --frobnicate"
    assert usage_error(lib, "list-functions", "--modle=x")[0] == (
        "codedb: unknown option --modle; did you mean --module?"
    )
    assert usage_error(lib, "show-function", "--id=a", "--function-id=b")[0] == (
        "codedb: --function-id and --id cannot be given together; give one of them"
    )
    assert usage_error(lib, "add-function", "--name=x", "--code=1", "--code-file=f")[0] == (
        "codedb: --code-file and --code cannot be given together; give one of them"
    )
    assert usage_error(lib, "backup")[0] == "codedb: missing DEST"
    assert usage_error(lib, "list-functionz") == [
        "codedb: unknown command 'list-functionz'; did you mean list-functions?"
    ]
    assert usage_error(lib, "vacum") == ["codedb: unknown command 'vacum'; did you mean vacuum?"]


def test_the_package_is_typed() -> None:
    assert (ROOT / "src" / "codedb" / "py.typed").is_file()
    import codedb
    from codedb.domains.library.records import Function

    assert Function.__annotations__["name"] is str
    assert "Database" in codedb.__all__


def test_dash_is_standard_output_for_every_file_option(lib: CLI) -> None:
    fid = add(lib, "fib")
    doc = json.loads(lib.ok("export-function", f"--function-id={fid}", "--file=-"))
    assert doc["function_id"] == fid
    assert lib.ok("visualize-dependencies", "--file=-").startswith("digraph dependencies {")
    dump = json.loads(lib.ok("export", "--output=-"))
    assert [row["name"] for row in dump["tables"]["function"]] == ["fib"]
    assert not (lib.cwd / "-").exists()
    code = "def from_stdin(): return 1\n"
    new = lib.ok("add-function", "--name=piped", "--code-file=-", input=code).strip()
    assert json.loads(lib.ok("show-function", f"--function-id={new}", "--json"))["code_snippet"] == code


def test_writers_refuse_to_replace_without_force(lib: CLI, tmp_path: Path) -> None:
    fid = add(lib, "fib")
    for args in (
        ("export-function", f"--function-id={fid}"),
        ("visualize-dependencies",),
        ("export-module", "--module=none"),
    ):
        existing = tmp_path / "existing.txt"
        existing.write_text("keep me")
        line = lib.error(*args, f"--file={existing}")
        assert line in (
            f"Error: {existing} exists already; give another name, or --force to replace it",
            "Error: module none not found; list modules with 'codedb list-modules'",
        )
        assert existing.read_text() == "keep me"
    existing = tmp_path / "existing.txt"
    lib.ok("export-function", f"--function-id={fid}", f"--file={existing}", "--force")
    assert json.loads(existing.read_text())["function_id"] == fid
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    dump = tmp_path / "dump.json"
    dump.write_text("keep")
    assert lib.error("export", f"--output={dump}") == (
        f"Error: {dump} exists already; give another name, or --force to replace it"
    )
    lib.ok("export", f"--output={dump}", "--force")
    assert json.loads(dump.read_text())["format"] == "codedb-dump"


def test_limit_and_offset_page_a_listing(lib: CLI) -> None:
    for name in "abcde":
        add(lib, name, "--modules=m")
    names = [f["name"] for f in json.loads(lib.ok("list-functions", "--limit=2", "--offset=1", "--json"))]
    assert names == ["b", "c"]
    assert len(json.loads(lib.ok("list-functions", "--module=m", "--limit=3", "--json"))) == 3
    assert [
        f["name"] for f in json.loads(lib.ok("search-functions", "--query=", "--offset=4", "--json"))
    ] == ["e"]
    assert lib.error("list-functions", "--limit=-1") == "Error: --limit must be 0 or more"
    assert lib.error("list-functions", "--limit=many") == "Error: invalid --limit 'many'; give a whole number"


def test_query_reads_and_never_writes(lib: CLI) -> None:
    add(lib, "fib", "--tags=classic")
    rows = json.loads(lib.ok("query", "SELECT name, tags FROM function_summary", "--json"))
    assert rows == [{"name": "fib", "tags": "classic"}]
    assert lib.ok("query", "SELECT COUNT(*) AS n FROM function", "--csv") == "n\n1\n"
    before = db_snapshot(lib.target)
    for statement in (
        "DELETE FROM function",
        "DROP TABLE tag",
        "SELECT 1; DELETE FROM function",
        "PRAGMA query_only = 0",
    ):
        result = lib("query", statement)
        assert result.returncode in (0, 1), result
        assert "Traceback" not in result.stderr
    assert db_snapshot(lib.target) == before
    assert lib.error("query", "SELEC nonsense").startswith("Error: the query failed: ")
    assert lib.error("query", "  ") == (
        "Error: empty query; give one SQL statement, e.g. 'SELECT * FROM function_summary'"
    )


def test_unsupported_targets_are_named_and_passwords_never_shown(tmp_path: Path) -> None:
    cli = CLI("unused", tmp_path)
    assert cli.error("--db=mysql://x/y", "stats", db=False) == (
        "Error: unsupported database URL scheme 'mysql' in 'mysql://x/y'; give a file path or "
        "sqlite:///path (SQLite), or postgresql://user@host/dbname (PostgreSQL)"
    )
    line = cli.error("--db=host=localhost password=S3cret dbname=x", "init", db=False)
    assert "S3cret" not in line and "libpq keyword string" in line
    assert not any(tmp_path.iterdir())  # nothing was created
    line = cli.error("--db=postgresql://u:S3cret@127.0.0.1:1/x?password=S3cret", "status", db=False)
    assert "S3cret" not in line and "u:***@127.0.0.1:1" in line


@pytest.mark.postgres
def test_a_missing_postgresql_schema_is_named(tmp_path: Path) -> None:
    from conftest import pg_base_url, schema_url

    cli = CLI(schema_url(pg_base_url(), "no_such_schema_here"), tmp_path)
    line = cli.error("init")
    assert line.startswith("Error: no schema of the search path (no_such_schema_here) exists in ")
    assert "CREATE SCHEMA" in line


def test_rollback_asks_before_dropping_rows(lib: CLI) -> None:
    add(lib, "precious")
    before = db_snapshot(lib.target)
    assert lib.error("rollback", "--to=base") == (
        "Error: rolling back would drop tables holding rows: function (1 rows); "
        "back up with 'codedb backup', then roll back with --force"
    )
    assert db_snapshot(lib.target) == before
    dry = lib.ok("rollback", "--to=base", "--dry-run")
    assert dry.startswith(f"would roll back: {known_ids('sqlite')[-1]}")
    assert db_snapshot(lib.target) == before
    out = lib.ok("rollback", "--to=base", "--force")
    assert re.search(r"dropped: (.+, )?function \(1 rows\)", out), out
    assert lib.ok("migrate").startswith("applied: 0001")  # base is still a codedb database
    assert json.loads(lib.ok("list-functions", "--json")) == []


def test_the_old_and_new_spellings_of_ids_and_db(lib: CLI, tmp_path: Path) -> None:
    fid = add(lib, "fib")
    assert json.loads(lib.ok("show-function", f"--id={fid[:6]}", "--json"))["function_id"] == fid
    assert json.loads(lib.ok("show-function", f"--function-id={fid[:6]}", "--json"))["function_id"] == fid
    shown = json.loads(lib.ok("show-function", f"--function-id={fid}", "--json"))
    assert shown["signature"] == {"arg_names": ["x"], "arg_types": [None]}  # an object, not text
    listed = json.loads(lib.ok("list-functions", "--json"))[0]
    assert listed["signature"] == shown["signature"]  # one JSON shape per record
    old = CLI("unused", tmp_path)
    assert f"current revision: {known_ids('sqlite')[-1]}" in old.ok(
        "--db-path", lib.target, "status-db", db=False
    )
    assert old.ok(f"--db-path={lib.target}", "stats", db=False).startswith("database:")


def test_backup_to_a_new_folder_makes_it_private(tmp_path: Path, new_cli: Callable[[str], CLI]) -> None:
    lib = new_cli("code_db.sqlite")
    folder = tmp_path / "nightly" / "codedb"
    out = lib.ok("backup", f"--to-dir={folder}", "--keep=2")
    assert out.startswith(f"backed up to {folder}/")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()] == [0o600]


def test_completion_scripts_list_commands_and_options(tmp_path: Path) -> None:
    cli = CLI("unused", tmp_path)
    bash = cli.ok("completion", "bash", db=False)
    assert "complete -o default -F _codedb codedb" in bash
    assert "list-functions) opts=" in bash and "--module" in bash
    assert "bashcompinit" in cli.ok("completion", "zsh", db=False)
    assert cli.error("completion", "fish", db=False) == "Error: unknown shell 'fish'; give one of bash, zsh"


def test_no_command_or_surface_reaches_the_queries_and_no_eval_in_src() -> None:
    """Commands (cli/ and every domain's commands module), the HTTP server and the MCP server
    call the domain APIs, never the named queries."""
    package = ROOT / "src" / "codedb"
    surfaces = [*(package / "cli").rglob("*.py"), *(package / "web").rglob("*.py")]
    surfaces += [*(package / "assistants").rglob("*.py"), *(package / "domains").glob("*/commands.py")]
    assert len([p for p in surfaces if p.name == "commands.py"]) >= 8
    for path in surfaces:
        assert ".queries" not in path.read_text(), f"{path} calls named queries directly"
    for path in (ROOT / "src" / "codedb").rglob("*.py"):
        text = path.read_text()
        assert "eval(" not in text.replace("literal_eval(", ""), path


def test_a_function_over_60_lines_says_why() -> None:
    """Code is read in small functions: one longer than 60 lines gives the reason in its
    docstring ("Over 60 lines: ...")."""
    import ast

    long = []
    for path in (ROOT / "src" / "codedb").rglob("*.py"):
        if path.name == "aio_surface.py":  # written by tools/aio_surface.py
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
                too_long = node.end_lineno - node.lineno + 1 > 60
                if too_long and "Over 60 lines:" not in (ast.get_docstring(node) or ""):
                    long.append(f"{path.name}:{node.lineno} {node.name}")
    assert long == []


def test_the_tests_mirror_the_packages() -> None:
    """Each package of src/codedb (each domain on its own) has its folder of tests."""
    package = ROOT / "src" / "codedb"
    wanted = {p.name for p in package.iterdir() if (p / "__init__.py").is_file() and p.name != "domains"}
    wanted |= {p.name for p in (package / "domains").iterdir() if (p / "__init__.py").is_file()}
    present = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and any(p.glob("test_*.py"))}
    assert sorted(wanted - present) == []


def test_every_module_imports_alone(tmp_path: Path) -> None:
    """Each module of src/codedb imports in a fresh interpreter (no import cycle bites)."""
    import subprocess
    import sys

    names = sorted(
        ".".join(p.relative_to(ROOT / "src").with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "src" / "codedb").rglob("*.py")
        if p.name != "__main__.py"
    )
    # One interpreter: before each import every codedb module is forgotten, so each module is
    # imported first, as it would be alone (third-party modules stay loaded: they cannot loop).
    script = (
        "import importlib, sys\n"
        "bad = []\n"
        "for name in sys.argv[1:]:\n"
        "    for loaded in [m for m in sys.modules if m == 'codedb' or m.startswith('codedb.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        bad.append((name, repr(exc)))\n"
        "print(bad)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


SUBCOMMAND_MISTAKES = [
    (("templates", "show"), "templates show: missing TEMPLATE", "codedb templates show TEMPLATE"),
    (("history", "show"), "history show: missing SESSION", "codedb history show SESSION"),
    (("generations", "list"), "generations list: missing PROJECT", "codedb generations list PROJECT"),
    (("analyses", "latest"), "analyses latest: missing PROJECT", "codedb analyses latest PROJECT"),
    (("analytics", "trends"), "analytics trends: missing METRIC", "codedb analytics trends METRIC"),
    (("users", "show"), "users show: missing USER", "codedb users show USER"),
    (("projects", "show"), "projects show: missing PROJECT", "codedb projects show PROJECT"),
    (("prefs", "set", "user123", "k"), "prefs set: missing VALUE", "codedb prefs set USER KEY VALUE"),
    (("prefs", "get", "u", "k", "x"), "prefs get: unexpected argument 'x'", "codedb prefs get USER KEY"),
    (("projects", "pause"), "projects pause: missing PROJECT", "codedb projects (start | execute"),
    (("templates", "publish", "t"), "templates publish: missing --content-file", "codedb templates publish"),
]


@pytest.mark.parametrize("args, message, usage", SUBCOMMAND_MISTAKES)
def test_a_usage_error_names_the_subcommand_typed_and_shows_its_usage(
    tmp_path: Path, args: tuple[str, ...], message: str, usage: str
) -> None:
    """Issue #22 item 21: `templates show` said "missing --content-file" with the usage of
    `templates publish`."""
    result = CLI(str(tmp_path / "x.sqlite"), tmp_path)(*args)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"codedb: {message}", lines
    assert lines[1].startswith(f"Usage: {usage}"), lines
    assert all(args[1] in line or not line.lstrip().startswith("codedb ") for line in lines[1:]), lines


def test_an_unknown_or_missing_subcommand_lists_the_subcommands(tmp_path: Path) -> None:
    cli = CLI(str(tmp_path / "x.sqlite"), tmp_path)
    result = cli("prefs", "sett", "u", "k", "v")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "codedb: unknown subcommand 'sett' of prefs; did you mean set? "
        "(get, set, delete, list, export, import)"
    )
    assert cli("prefs").stderr.splitlines()[0].startswith("codedb: prefs needs a subcommand: ")


def test_every_subcommand_names_itself_in_its_usage_errors(tmp_path: Path) -> None:
    """Each subcommand pattern of every command, given a wrong option: the error names the
    command and the subcommand typed, and shows only that subcommand's usage."""
    from codedb.cli.frame import _patterns, _subcommands, command_names, load_command

    cli = CLI(str(tmp_path / "x.sqlite"), tmp_path)
    checked = 0
    for name in command_names():
        doc, _ = load_command(name)
        for pattern in _patterns(doc):
            words = _subcommands(pattern)
            if not words:
                continue
            sub = sorted(words[0])[0]
            lines = usage_error(cli, name, sub, "--zzz-qqq")
            assert lines[0] == f"codedb: {name} {sub}: unknown option --zzz-qqq", lines
            assert lines[1].startswith(f"Usage: codedb {name} "), lines
            patterns = [ln.lstrip().removeprefix("Usage:").strip() for ln in lines[1:]]
            shown = [ln for ln in patterns if ln.startswith("codedb ")]
            assert all(sub in line for line in shown), (name, sub, shown)
            checked += 1
    assert checked > 40


def test_messages_count_and_name_as_people_write(tmp_path: Path, new_cli: Callable[[str], CLI]) -> None:
    """Issue #22 item 26: "1 projects", "0 function, 0 module", a session conflict naming the
    user by id, a pickle error saying itself twice, and a missing passphrase file taken for
    no passphrase."""
    import pickle

    cli = new_cli("code_db.sqlite")
    cli.ok("users", "add", "--username=ada")
    cli.ok("users", "add", "--username=bob")
    cli.ok("projects", "create", "--name=shop", "--user=ada")
    assert cli.ok("projects", "list").endswith("\n1 of 1 project\n")
    fid = cli.ok("add-function", "--name=f", "--code=x = 1").strip()
    cli.ok("export-function", f"--function-id={fid}", f"--file={tmp_path / 'f.json'}")
    assert cli.ok("import-function", f"--file={tmp_path / 'f.json'}") == "imported: nothing new\n"
    cli.ok("history", "save", "ada", "s1", "--role=user", "--content=hi")
    assert cli.error("history", "save", "bob", "s1", "--role=user", "--content=hi") == (
        "Error: session s1 belongs to user ada; give that user or another session"
    )
    evil = tmp_path / "evil.pkl"
    evil.write_bytes(b"cos\nsystem\n(S'echo hi'\ntR" + pickle.STOP)
    line = cli.error("import-legacy", str(evil))
    assert (
        line == f"Error: {evil}: refused global os.system (a call to it); the file was not imported "
        "(it may be malicious)"
    )
    env = {"CODEDB_BACKUP_PASSPHRASE": "a long passphrase"}
    cli.ok("backup", "b.enc", "--encrypt", env=env)
    assert cli.error("check-backup", "b.enc", "--passphrase-file=missing.txt", db=False) == (
        "Error: passphrase file missing.txt does not exist; give the path of an existing file"
    )
