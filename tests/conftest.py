"""Fixtures: a database URL or path for each backend (SQLite file, PostgreSQL schema), an open
migrated database, and the codedb CLI run in-process through its entry point (`CLI`) or, for
what only a real process shows, as a subprocess (`SubprocessCLI`)."""

import contextlib
import functools
import importlib.util
import io
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import codedb

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PG_ENV = "CODEDB_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
# The library's tests also run through PgBouncer (tests/library/test_library.py).
WITH_PGBOUNCER = [*BACKENDS, pytest.param("pgbouncer", marks=pytest.mark.postgres)]


def needs_installed(module: str, reason: str) -> None:
    """Skip the calling test module when `module` is not installed, found without importing it
    (importorskip imported wordllama, 0.5 s, in every worker that only collected the module)."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(reason, allow_module_level=True)


def pytest_report_header(config: pytest.Config) -> list[str]:
    pg = os.environ.get(PG_ENV)
    return [
        f"SQLite {sqlite3.sqlite_version} (Python sqlite3 module)",
        f"PostgreSQL: {pg}" if pg else f"PostgreSQL: not configured ({PG_ENV} unset): its tests skip",
    ]


# The catalogs every test run churns (each test makes and drops a schema of some 30 objects).
# The test server may run without autovacuum (this project's does): unvacuumed, their dead
# rows make every catalog lookup of the next runs slower (15 ms instead of 0.3 ms seen here).
CATALOGS = (
    "pg_class", "pg_attribute", "pg_type", "pg_depend", "pg_constraint", "pg_index", "pg_attrdef",
    "pg_namespace", "pg_proc", "pg_trigger", "pg_rewrite", "pg_description", "pg_statistic",
)  # fmt: skip


def _vacuum_catalogs(config: pytest.Config) -> None:
    url = os.environ.get(PG_ENV)
    if not url or hasattr(config, "workerinput"):  # once per run, in the controlling process
        return
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE) " + ", ".join(f"pg_catalog.{name}" for name in CATALOGS))
    except psycopg.Error:
        pass  # not the owner of the catalogs, or no server: the tests say so themselves


def pytest_sessionstart(session: pytest.Session) -> None:
    _vacuum_catalogs(session.config)


def pytest_sessionfinish(session: pytest.Session) -> None:
    _vacuum_catalogs(session.config)


def pg_base_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
    _install_trigrams(url)
    return url


@functools.cache
def _install_trigrams(url: str) -> None:
    """pg_trgm in the test database's public schema, as an administrator installs it for codedb
    (migration 0025 then indexes function names with it). It stays, as the server's roles do;
    a server without the extension runs the same tests without the index."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateObject):
        pass  # another worker created it a moment ago
    except psycopg.Error:
        pass  # not available: ILIKE reads every name, slower, the same answers


def schema_url(base: str, schema: str) -> str:
    """A URL whose connections work in `schema` (libpq's options=-csearch_path=...)."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"


def drop_schema(base: str, schema: str) -> None:
    """Drop a test schema with its objects, and the read-only role codedb made for it (roles
    belong to the whole server and outlive the schema)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    from codedb.schema.query import reader_role_name

    role = reader_role_name(str(conninfo_to_dict(base).get("dbname", "postgres")), schema)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL pointing at a new, empty schema, dropped after the test."""
    import psycopg

    base = pg_base_url()
    schema = f"codedb_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema_url(base, schema)
    finally:
        drop_schema(base, schema)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database of the backend under test: a file path or a PostgreSQL URL."""
    if backend == "postgresql":
        return str(request.getfixturevalue("pg_schema_url"))
    return str(tmp_path / "test.sqlite")


@pytest.fixture(scope="session")
def pg_migrated_url() -> Iterator[str]:
    """A PostgreSQL schema with every migration applied, shared by this worker's `db` tests
    (emptied after each), dropped at the end: migrating a schema per test costs half a second."""
    import psycopg

    base = pg_base_url()
    schema = f"codedb_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = schema_url(base, schema)
    with codedb.connect(url) as database:
        codedb.migrate(database)
    try:
        yield url
    finally:
        drop_schema(base, schema)


@pytest.fixture(scope="session")
def pgbouncer_url() -> Iterator[str]:
    """A URL through a real PgBouncer in transaction pooling mode (tests/pgbouncer.py) to a
    schema of the test server with every migration applied (migrated directly: yoyo's lock
    and DDL want a session), shared by this worker's `db` tests, dropped at the end."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    from pgbouncer import pgbouncer

    base = pg_base_url()
    schema = f"codedb_bouncer_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    from codedb.schema.query import reader_role_name

    try:
        with codedb.connect(schema_url(base, schema)) as database:
            codedb.migrate(database)
        server = {key: str(value) for key, value in conninfo_to_dict(base).items()}
        reader = reader_role_name(server.get("dbname", "postgres"), schema)
        with pgbouncer(server, schema, users=(reader,)) as url:
            yield url
    finally:
        drop_schema(base, schema)


@pytest.fixture(scope="session")
def sqlite_migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every migration applied, made once per worker: a test's database is
    a copy of it (migrating a file per test cost 0.12 s, 21 s of the suite)."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite"
    with codedb.connect(str(path)) as database:
        codedb.migrate(database)
    assert not path.with_name(path.name + "-wal").exists()  # closed, so the file holds it all
    return path


def migrated_copy(request: pytest.FixtureRequest) -> str:
    """The test's SQLite target (tests/.../test.sqlite), a copy of the migrated file (mode 0600
    kept, as codedb made it)."""
    import shutil

    path = Path(str(request.getfixturevalue("target")))
    shutil.copy2(request.getfixturevalue("sqlite_migrated"), path)
    return str(path)


@pytest.fixture
def new_cli(tmp_path: Path, sqlite_migrated: Path) -> Callable[[str], "CLI"]:
    """`new_cli(name)`: the CLI on a new initialised SQLite file tmp_path/name, a copy of this
    worker's migrated file (what `codedb init` makes, which tests/cli and tests/schema test),
    for tests about something else: a new file's migration costs 0.1 s."""
    import shutil

    def make(name: str = "code_db.sqlite") -> CLI:
        shutil.copy2(sqlite_migrated, tmp_path / name)
        return CLI(str(tmp_path / name), tmp_path)

    return make


@pytest.fixture
def db(backend: str, request: pytest.FixtureRequest) -> Iterator[codedb.Database]:
    """An open, empty database with every migration applied. On PostgreSQL it is this worker's
    shared schema: emptied afterwards, and brought back to the head revision if the test
    rolled migrations back."""
    if backend == "pgbouncer":
        with codedb.connect(request.getfixturevalue("pgbouncer_url")) as database:
            try:
                yield database
            finally:
                if database.in_transaction:
                    database.conn.rollback()
                empty(database)
        return
    if backend != "postgresql":
        with codedb.connect(migrated_copy(request)) as database:
            yield database
        return
    url = request.getfixturevalue("pg_migrated_url")
    with codedb.connect(url) as database:
        try:
            yield database
        finally:
            if database.in_transaction:
                database.conn.rollback()
            codedb.migrate(database)
            empty(database)


def empty(database: codedb.Database) -> None:
    """Delete every row of a shared PostgreSQL schema after a test: the tables' own DELETEs
    (`clear_tables`'s, in its order) sent in one round trip, not a count and a DELETE per table
    (2 ms against 10-18 ms here, 50 ms a test under the suite's load)."""
    tables = reversed(list(database.tables.values()))
    script = ";\n".join(bound.clear.sql.strip().rstrip(";") for bound in tables)
    with database.transaction():
        database.conn.execute(script)


@pytest.fixture
def ready_target(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of the backend under test with every migration applied, for CLI tests that
    start from `codedb init`: a new SQLite file, or this worker's shared PostgreSQL schema
    (emptied, and brought back to the head revision, afterwards)."""
    if backend != "postgresql":
        yield migrated_copy(request)
        return
    url = request.getfixturevalue("pg_migrated_url")
    try:
        yield url
    finally:
        with codedb.connect(url) as database:
            codedb.migrate(database)
            empty(database)


@pytest.fixture
def memory_db() -> Iterator[codedb.Database]:
    """An in-memory SQLite database with the migrations' SQL run directly: for fast tests of
    the API that need no file (yoyo itself needs one)."""
    with codedb.connect(":memory:") as database:
        codedb.migrate(database)
        yield database


class CLI:
    """Runs codedb in this process through its entry point (`codedb.cli.main`), as a user
    would from a shell in `cwd`: stdout and stderr captured, stdin from `input`."""

    def __init__(self, target: str, cwd: Path):
        self.target = target
        self.cwd = cwd

    def argv(self, args: tuple[str, ...], db: bool) -> list[str]:
        return [*([f"--db={self.target}"] if db else []), *args]

    def __call__(
        self, *args: str, db: bool = True, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        from codedb.cli import main

        stdout, stderr = io.StringIO(), io.StringIO()
        saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
        os.environ.pop("CODEDB_URL", None)
        os.environ.update(env or {})
        os.chdir(self.cwd)
        sys.stdin = io.StringIO(input or "")
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = main(self.argv(args, db))
        finally:
            sys.stdin = saved_stdin
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
        return subprocess.CompletedProcess(args, code, stdout.getvalue(), stderr.getvalue())

    def ok(self, *args: str, **kwargs: object) -> str:
        result = self(*args, **kwargs)  # type: ignore[arg-type]
        assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr
        return result.stdout

    def error(self, *args: str, code: int = 1, **kwargs: object) -> str:
        """Run a command that must fail with one line on stderr; return that line."""
        result = self(*args, **kwargs)  # type: ignore[arg-type]
        assert result.returncode == code, (
            f"{args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
        assert "Traceback" not in result.stderr, result.stderr
        if code == 1:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, result.stderr
            assert lines[0].startswith("Error: ")
            return lines[0]
        return result.stderr


class SubprocessCLI(CLI):
    """Runs `python -m codedb` in a subprocess: for what only a real process shows."""

    def __call__(
        self, *args: str, db: bool = True, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        run_env = {k: v for k, v in os.environ.items() if k != "CODEDB_URL"}
        run_env.update({"PYTHONPATH": str(ROOT / "src"), **(env or {})})
        return subprocess.run(
            [sys.executable, "-m", "codedb", *self.argv(args, db)],
            capture_output=True,
            text=True,
            cwd=self.cwd,
            env=run_env,
            input=input,
            timeout=120,
        )


@pytest.fixture
def cli(target: str, tmp_path: Path) -> CLI:
    return CLI(target, tmp_path)


def snapshot(database: codedb.Database) -> dict[str, list[object]]:
    """Every row of every codedb table, as typed records in a backend-independent order: to
    prove that a failed command changed nothing, or that two databases hold the same data."""
    from codedb.transfer.dump import snapshot_rows
    from drivers import Blocking

    rows = database.run(snapshot_rows) if isinstance(database, Blocking) else snapshot_rows(database)
    return {name: sorted(found, key=repr) for name, found in rows.items()}


def db_snapshot(target: str) -> dict[str, list[object]]:
    with codedb.connect(target, create=False) as database:
        return snapshot(database)


@pytest.fixture
def serve(ready_target: str) -> Iterator[Callable[..., Any]]:
    """Start a real codedb server (tests/webserver.py) over the test's database (options as
    codedb.web.create_app takes them); stopped after the test."""
    from codedb.web import create_app
    from webserver import Served

    started: list[Served] = []

    def start(**options: Any) -> Served:
        served = Served(create_app(ready_target, **options))
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()


@pytest.fixture
def web(serve: Callable[..., Any]) -> Any:
    """A server without API keys (loopback only)."""
    return serve()


@pytest.fixture
def local(ready_target: str) -> Iterator[codedb.Database]:
    """The test's database, opened beside the server."""
    with codedb.connect(ready_target) as db:
        yield db


@pytest.fixture
def serve_script() -> Iterator[Callable[[list[Any]], Any]]:
    """Start OpenAI-compatible embedding servers that play scripts (tests/embedserver.py);
    stopped after the test."""
    from embedserver import Server

    made: list[Server] = []

    def start(script: list[Any]) -> Server:
        made.append(Server(script))
        return made[-1]

    yield start
    for server in made:
        server.close()


def inits_at_once(path: Path) -> list[tuple[str, str, int]]:
    """Two `codedb init` processes started together on `path`: (stdout, stderr, exit code) of each."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "codedb", f"--db={path}", "init"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    return [p.communicate(timeout=60) + (p.returncode,) for p in procs]


def worker_processes() -> list[int]:
    """The worker processes (codedb.core.workers) this process has started and not yet reaped
    (Linux: read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"codedb.core.workers" in command:
            found.append(int(entry.name))
    return found
