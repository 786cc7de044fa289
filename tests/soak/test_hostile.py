"""The soak suite's second hostile round (issue #22): `codedb query` attack statements on both
backends, crafted pickles, recover inputs, SQLModel files and encrypted headers in processes
capped at 1 GiB, JSON escapes in every JSON option, and reformatted dumps. Each test prints
its runs, its failures (always 0: a failure fails the test) and, for the crafted files, the
peak memory of the worst input."""

import json
import os
import pickle
import random
import re
import resource
import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

import codedb
from conftest import CLI, ROOT, db_snapshot

pytestmark = pytest.mark.soak
FULL = os.environ.get("CODEDB_SOAK") == "full"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
CAP = 2**30  # bytes of address space each crafted input may use

# Statements that act outside a read-only transaction or beyond codedb's tables (issue #22
# item 4), and ways to wrap them so that a parser could not recognise them.
ATTACKS = [
    "COPY (SELECT 1) TO PROGRAM 'touch {marker}'",
    "COPY (SELECT 1) TO '{marker}'",
    "SELECT lo_from_bytea(0, 'x')",
    "SELECT lo_export(lo_from_bytea(0, 'x'), '{marker}')",
    "SELECT lo_put({lo}, 0, 'broken')",
    "SELECT lo_unlink({lo})",
    "SELECT pg_terminate_backend({pid})",
    "SELECT pg_cancel_backend({pid})",
    "SELECT pg_reload_conf()",
    "SELECT pg_switch_wal()",
    "SELECT pg_create_restore_point('x')",
    "CHECKPOINT",
    "ANALYZE",
    "VACUUM",
    "SELECT pg_stat_reset()",
    "SELECT pg_read_file('/etc/hostname')",
    "SELECT pg_ls_dir('.')",
    "LISTEN codedb",
    "NOTIFY codedb",
    "SET TRANSACTION READ WRITE",
    "SELECT set_config('role', 'postgres', false)",
    "SELECT set_config('session_authorization', 'postgres', false)",
    "SET ROLE postgres",
    "RESET ROLE",
    "SELECT pg_advisory_lock(1)",
    "DELETE FROM function",
    "DROP TABLE function CASCADE",
    "CREATE TABLE zz(x int)",
    "GRANT ALL ON function TO PUBLIC",
    "ALTER ROLE CURRENT_USER SUPERUSER",
    "CREATE ROLE zz_evil SUPERUSER LOGIN",
    "SELECT nextval('yoyo_lock_pkey')",
    "COMMIT",
    "DO $$BEGIN PERFORM pg_read_file('/etc/hostname'); END$$",
]
WRAPS = [
    "{s}",
    "{s};",
    "SELECT 1; {s}",
    "{s}; SELECT 1",
    "SELECT 1; COMMIT; {s}",
    "/* x */ {s}",
    "WITH x AS (SELECT 1) {s}",
    "SELECT * FROM ({s}) AS t",
    "EXPLAIN ANALYZE {s}",
    "PREPARE p AS {s}",
]
SQLITE_ATTACKS = [
    "ATTACH DATABASE '{marker}' AS x",
    "VACUUM INTO '{marker}'",
    "VACUUM",
    "PRAGMA query_only = 0",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA writable_schema = 1",
    "PRAGMA optimize",
    "PRAGMA wal_checkpoint(TRUNCATE)",
    "DELETE FROM function",
    "CREATE TABLE zz(x)",
    "BEGIN IMMEDIATE",
    "SELECT load_extension('/tmp/x')",
    "REINDEX",
    "ANALYZE",
]


def _admin() -> psycopg.Connection:
    return psycopg.connect(os.environ["CODEDB_TEST_POSTGRES_URL"], autocommit=True)


@pytest.mark.postgres
def test_query_attack_statements_change_nothing_on_postgresql(pg_schema_url: str, tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    cli = CLI(pg_schema_url, tmp_path)
    cli.ok("init")
    cli.ok("add-function", "--name=kept", "--code=x = 1")
    before = db_snapshot(pg_schema_url)
    marker = tmp_path / "ran"
    with _admin() as admin:
        lo = admin.execute("SELECT lo_from_bytea(0, 'precious')").fetchone()[0]
        pid = admin.execute("SELECT pg_backend_pid()").fetchone()[0]
        roles = admin.execute("SELECT count(*) FROM pg_roles").fetchone()[0]
        objects = admin.execute("SELECT count(*) FROM pg_largeobject_metadata").fetchone()[0]
        outcomes = {0: 0, 1: 0}

        @settings(max_examples=400 if FULL else 60, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.sampled_from(ATTACKS), st.sampled_from(WRAPS))
        def run(attack: str, wrap: str) -> None:
            statement = wrap.format(s=attack.format(marker=marker, lo=lo, pid=pid))
            result = cli("query", statement)
            assert result.returncode in (0, 1) and "Traceback" not in result.stderr, (statement, result)
            outcomes[result.returncode] += 1

        try:
            run()
            assert not marker.exists()
            assert admin.execute("SELECT lo_get(%s)", (lo,)).fetchone()[0] == b"precious"
            assert admin.execute("SELECT count(*) FROM pg_largeobject_metadata").fetchone()[0] == objects
            assert admin.execute("SELECT count(*) FROM pg_roles").fetchone()[0] == roles
            assert admin.execute("SELECT pg_backend_pid()").fetchone()[0] == pid
        finally:
            admin.execute("SELECT lo_unlink(%s)", (lo,))
    assert db_snapshot(pg_schema_url) == before
    print(f"\nPostgreSQL query attacks: {sum(outcomes.values())} runs, exit codes {outcomes}, 0 changes")


def test_query_attack_statements_change_nothing_on_sqlite(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    live = tmp_path / "live.sqlite"
    cli = CLI(str(live), tmp_path)
    cli.ok("init")
    cli.ok("add-function", "--name=kept", "--code=x = 1")
    outside = tmp_path / "outside"
    outside.mkdir()
    before = db_snapshot(str(live))
    outcomes = {0: 0, 1: 0}

    @settings(max_examples=300 if FULL else 40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(SQLITE_ATTACKS), st.sampled_from(WRAPS[:8]), st.integers(0, 10**6))
    def run(attack: str, wrap: str, n: int) -> None:
        statement = wrap.format(s=attack.format(marker=outside / f"f{n}.db"))
        result = cli("query", statement)
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, (statement, result)
        outcomes[result.returncode] += 1

    run()
    assert list(outside.iterdir()) == []
    assert db_snapshot(str(live)) == before
    print(f"\nSQLite query attacks: {sum(outcomes.values())} runs, exit codes {outcomes}, 0 files, 0 changes")


def _capped(args: list[str]) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run codedb with its address space capped; the result and its peak memory in bytes."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))

    script = (
        "import resource, sys, runpy\n"
        "sys.argv = ['codedb', *sys.argv[1:]]\n"
        "try:\n"
        "    runpy.run_module('codedb', run_name='__main__')\n"
        "finally:\n"
        "    print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True, text=True, env=ENV, preexec_fn=cap, timeout=120,
    )  # fmt: skip
    lines = result.stderr.splitlines()
    peak = int(lines[-1].split()[1]) * 1024 if lines and lines[-1].startswith("peak ") else 0
    stderr = "\n".join(line for line in lines if not line.startswith("peak "))
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout, stderr), peak


def _pickles(rng: random.Random) -> bytes:
    """A crafted pickle: one of the shapes of item 14, at a random size."""
    kind = rng.randrange(4)
    if kind == 0:  # str() of shared lists
        inner = [[0] * rng.randint(10, 2000)] * rng.randint(10, 2000)
        return pickle.dumps(_Call(str, ([inner] * rng.randint(1, 3000),)), protocol=rng.choice([3, 4]))
    if kind == 1:  # a shared tuple as a dict key or a set member
        depth = rng.randint(20, 60)
        ops = pickle.BININT1 + b"\x00" + pickle.BININT1 + b"\x01" + pickle.TUPLE2 + pickle.BINPUT + b"\x00"
        for level in range(depth):
            ops += pickle.POP + pickle.BINGET + bytes([level]) + pickle.BINGET + bytes([level])
            ops += pickle.TUPLE2 + pickle.BINPUT + bytes([level + 1])
        body = pickle.EMPTY_DICT + ops + pickle.NONE + pickle.SETITEM if rng.random() < 0.5 else (
            pickle.EMPTY_SET + pickle.MARK + ops + pickle.ADDITEMS
        )
        return pickle.PROTO + b"\x04" + body + pickle.STOP
    if kind == 2:  # the memo billion laughs: each list holds the previous one twice
        ops = pickle.EMPTY_LIST + pickle.BINPUT + b"\x00"
        for level in range(rng.randint(10, 40)):
            ops += pickle.EMPTY_LIST + pickle.MARK + pickle.BINGET + bytes([level])
            ops += pickle.BINGET + bytes([level]) + pickle.APPENDS + pickle.BINPUT + bytes([level + 1])
        return pickle.PROTO + b"\x02" + ops + pickle.STOP
    size = rng.choice([2**31 - 1, 10**9, 2**40]).to_bytes(8, "little")  # an allocation from a size
    call = b"c__builtin__\nbytearray\n" + pickle.LONG1 + bytes([8]) + size + pickle.TUPLE1 + pickle.REDUCE
    return pickle.PROTO + b"\x02" + call + pickle.STOP


class _Call:
    def __init__(self, func: object, args: tuple[object, ...]):
        self.func, self.args = func, args

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self.func, self.args


def _sqlmodel(path: Path, rng: random.Random) -> None:
    generated = rng.choice(
        [
            "code_snippet BLOB AS (zeroblob({n})) VIRTUAL",
            "code_snippet BLOB AS (zeroblob({n}) || name) VIRTUAL",
            "code_snippet TEXT AS (upper(name)) STORED",
        ]
    ).format(n=rng.choice([10**6, 5 * 10**7]))  # SQLite computes it at each insert too
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE function (function_id VARCHAR PRIMARY KEY, name VARCHAR, description VARCHAR, "
            f"{generated}, creation_date DATETIME, last_modified_date DATETIME, signature_json VARCHAR)"
        )
        conn.executemany(
            "INSERT INTO function (function_id, name) VALUES (?, ?)", [(f"f{n}", "n") for n in range(50)]
        )
    conn.close()


def _recover_input(path: Path, rng: random.Random, source: bytes) -> None:
    """A copy of a real 64 KiB-page database with one leaf's cell pointers all set to one
    cell (item 15), and a few random pages overwritten."""
    data = bytearray(source)
    page = 65536
    for number in range(1, len(data) // page):
        at = number * page
        if data[at] == 0x0D and rng.random() < 0.7:
            count = rng.randint(100, 8000)
            pointer = data[at + 8 : at + 10]
            data[at + 3 : at + 5] = count.to_bytes(2, "big")
            end = min(at + 8 + 2 * count, at + page - 1024)
            data[at + 8 : end] = bytes(pointer) * ((end - at - 8) // 2)
    for _ in range(rng.randint(0, 3)):
        at = rng.randrange(1, max(2, len(data) // page)) * page
        data[at : at + page] = rng.randbytes(page)
    path.write_bytes(bytes(data))


def _big_page_database(path: Path) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA page_size = 65536")
        conn.execute(
            "CREATE TABLE function (function_id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT "
            "NULL, code_snippet TEXT NOT NULL, creation_date TIMESTAMP NOT NULL, last_modified_date "
            "TIMESTAMP NOT NULL, signature_json TEXT)"
        )
        rng = random.Random(3)
        conn.executemany(
            "INSERT INTO function VALUES (?, 'f', '', ?, '2024-01-01 00:00:00', '2024-01-01 00:00:00', NULL)",
            [(f"id{n}", rng.randbytes(rng.choice([100, 80_000, 300_000])).hex()) for n in range(12)],
        )
    conn.close()
    return path.read_bytes()


def test_crafted_files_stay_within_memory_and_time(tmp_path: Path) -> None:
    """Random crafted pickles, recover inputs, SQLModel files and encrypted headers, each in a
    process capped at 1 GiB: one line and exit 1 (or a clean success), within 120 s."""
    rng = random.Random(20261206)
    live = tmp_path / "live.sqlite"
    CLI(str(live), tmp_path).ok("init")
    source = _big_page_database(tmp_path / "big.sqlite")
    env = {"CODEDB_BACKUP_PASSPHRASE": "a long passphrase"}
    backup = tmp_path / "b.enc"
    CLI(str(live), tmp_path).ok("backup", str(backup), "--format=json", "--encrypt", env=env)
    sealed = backup.read_bytes()
    runs = 30 if FULL else 3
    worst: dict[str, tuple[int, str]] = {}
    for kind in ("pickle", "recover", "sqlmodel", "encrypted header"):
        for n in range(runs):
            path = tmp_path / f"{kind.replace(' ', '-')}-{n}"
            if kind == "pickle":
                path.write_bytes(_pickles(rng))
                args = [f"--db={live}", "import-legacy", str(path), "--dry-run"]
            elif kind == "recover":
                _recover_input(path, rng, source)
                args = ["recover", str(path), str(tmp_path / f"out-{n}.sqlite")]
            elif kind == "sqlmodel":
                _sqlmodel(path, rng)
                args = [f"--db={live}", "import-legacy", str(path), "--dry-run"]
            else:
                data = bytearray(sealed)
                params = (rng.randint(0, 255), rng.randint(0, 2**32 - 1), rng.randint(0, 2**32 - 1))
                at = len(b"CODEDB-ENCRYPTED-BACKUP\x01")
                data[at : at + 9] = struct.pack(">BII", *params)
                path.write_bytes(bytes(data))
                args = ["check-backup", str(path)]
            start = time.monotonic()
            result, peak = _capped(args)
            seconds = time.monotonic() - start
            assert result.returncode in (0, 1), (kind, result)
            assert "Traceback" not in result.stderr, (kind, result.stderr)
            if result.returncode == 1:
                assert len(result.stderr.strip().splitlines()) == 1, result.stderr
            if peak > worst.get(kind, (0, ""))[0]:
                worst[kind] = (peak, f"{seconds:.1f} s")
    for kind, (peak, seconds) in worst.items():
        print(f"\ncrafted {kind}s: {runs} runs, 0 failures, worst peak {peak / 2**20:.0f} MiB ({seconds})")


def test_json_escapes_in_every_json_option(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    live = tmp_path / "live.sqlite"
    cli = CLI(str(live), tmp_path)
    cli.ok("init")
    cli.ok("users", "add", "--username=ada")
    cli.ok("projects", "create", "--name=shop", "--user=ada")
    commands = [
        ("users", "add", "--username=u{n}", "--preferences={j}"),
        ("projects", "create", "--name=p{n}", "--config={j}"),
        ("analytics", "record", "m", "1", "--metadata={j}"),
        ("history", "save", "ada", "s{n}", "--role=user", "--content=hi", "--extra={j}"),
        ("metrics", "record", "op", "1", "--extra={j}"),
        ("analyses", "add", "shop", "--health=50", "--analysis={j}"),
        ("prefs", "set", "ada", "k{n}", "{j}"),
        ("prefs", "get", "ada", "missing", "--default={j}"),
    ]
    escapes = st.sampled_from(
        ["\\ud800", "\\udfff", "\\u0000", "\\ud83d\\ude00", "\\u00e9", "\\\\", '\\"', "x"]
    )
    texts = st.lists(escapes, min_size=1, max_size=4).map("".join)
    outcomes = {0: 0, 1: 0}
    counter = iter(range(10**9))

    @settings(max_examples=300 if FULL else 50, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(commands), texts, st.booleans())
    def run(command: tuple[str, ...], text: str, as_key: bool) -> None:
        n = next(counter)
        document = f'{{"{text}": 1}}' if as_key else f'{{"k": "{text}"}}'
        args = [a.format(n=n, j=document) for a in command]
        result = cli(*args)
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, (args, result)
        decoded = json.loads(f'"{text}"')
        try:
            storable = "\x00" not in decoded and bool(decoded.encode("utf-8") or True)
        except UnicodeEncodeError:  # a lone surrogate (a pair is one character)
            storable = False
        if not storable:
            assert result.returncode == 1, (args, result)
        outcomes[result.returncode] += 1

    run()
    assert cli.ok("check").startswith("ok")
    runs = sum(outcomes.values())
    print(f"\nJSON escapes in {len(commands)} JSON options: {runs} runs, exit codes {outcomes}")


def test_reformatted_dumps_import_exactly(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    source = tmp_path / "source.sqlite"
    cli = CLI(str(source), tmp_path)
    cli.ok("init")
    with codedb.connect(source) as db:
        user = db.users.add("ada", preferences={"theme": "dark", "size": 1.5}).user_id
        for n in range(30):
            db.functions.add(f"f{n}", f"é {n}", f"x = {n / 3}", modules=["m"], tags=[f"t{n % 4}"])
        db.metrics.record("op", 12.25, extra={"ratio": 0.1, "big": 10**15})
        db.projects.create("p", user_id=user, config={"temperature": 0.7})
    dump = tmp_path / "dump.json"
    cli.ok("export", f"--output={dump}")
    data = json.loads(dump.read_text())
    expected = db_snapshot(str(source))
    runs = {"n": 0}

    @settings(max_examples=40 if FULL else 8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.sampled_from([None, 0, 1, 2, 4, "\t"]),
        st.booleans(),
        st.booleans(),
        st.sampled_from([(",", ":"), (", ", ": "), (",", ": ")]),
    )
    def run(indent: object, sort_keys: bool, ascii_only: bool, separators: tuple[str, str]) -> None:
        runs["n"] += 1
        changed = tmp_path / f"changed{runs['n']}.json"
        changed.write_text(
            json.dumps(
                data, indent=indent, sort_keys=sort_keys, ensure_ascii=ascii_only, separators=separators
            )
        )
        target = tmp_path / f"target{runs['n']}.sqlite"
        into = CLI(str(target), tmp_path)
        into.ok("init")
        into.ok("import", str(changed), "--quiet")
        assert db_snapshot(str(target)) == expected

    run()
    print(f"\nreformatted dumps: {runs['n']} layouts, 0 failures, every one imported exactly")


# Junk for the fuzzers of the surfaces below: texts and numbers a client may send.
TEXTS = ["", " ", "x", "a" * 300, "\x00", "\ud800", "a\nb\x1b[2J", "'; DROP TABLE projects; --",
         "../../etc/passwd", "%00", "😀", "NaN", "-1", "0", "1e999", "\u202e", "{{x}}", "fib*",
         "a OR (b"]  # fmt: skip
UTF8_TEXTS = [text for text in TEXTS if text != "\ud800"]  # what a client can encode
NUMBERS = [0, -1, 1, 2**31, 2**53 + 1, 2**63, -(2**63) - 1, 2**64, 10**30, 1e308, -1e308, 0.5, -0.0, 3.7]


def junk(rng: random.Random, texts: list[str] = TEXTS, depth: int = 0) -> Any:
    """A JSON value of any type: one of `texts` or NUMBERS, null, a boolean, or a list or
    object of such values nested up to 3 deep."""
    roll = rng.random()
    if roll < 0.3 or depth > 2:
        return rng.choice(texts)
    if roll < 0.55:
        return rng.choice(NUMBERS)
    if roll < 0.65:
        return rng.choice([None, True, False])
    if roll < 0.8:
        return [junk(rng, texts, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(texts): junk(rng, texts, depth + 1) for _ in range(rng.randrange(4))}


def fill_for_fuzzing(db: codedb.Database) -> dict[str, str]:
    """A user, a project with a file, a function and a template; their ids by the names the
    routes' paths and the tools' arguments give them."""
    user = db.users.add("ann", "ann@example.com")
    project = db.projects.create("shop", "a shop", user_id=user.user_id)
    db.generated_files.save(project.project_id, "src/app.py", "print(1)\n")
    function = db.functions.add("fib", "numbers", "def fib(n): return n", ["math"], ["rec"])
    template = db.templates.publish("tpl", "body {{x}}", author="ann", tags=["t"])
    return {
        "user_id": user.user_id,
        "username": "ann",
        "project_id": project.project_id,
        "project": project.project_id,
        "function_id": function.function_id,
        "id": function.function_id,
        "template_id": template.template_id,
        "template": template.template_id,
        "module": "math",
        "tag": "rec",
        "file_path": "src/app.py",
    }


def path_of(route: str, known: dict[str, str], rng: random.Random) -> str:
    """A route's path with each {part} an id that exists or junk, percent-encoded."""
    from urllib.parse import quote

    def part(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if name in known and rng.random() < 0.7:
            return quote(known[name])
        return quote(rng.choice(["x", "..", "a" * 300, "😀", "0", "a\nb", "a/b", "%ff"]), safe="")

    return re.sub(r"\{([^}]+)\}", part, route)


def test_every_route_answers_random_requests_in_one_line(serve: Any, local: codedb.Database) -> None:
    """Random requests at every route of a real server: ids that exist and junk in the path,
    each declared query parameter with a value of its kind or junk, bodies of the route's
    fields with values of any JSON type (huge and negative numbers, NUL, lone surrogates,
    control characters, nesting). Every answer is JSON; an error is a status below 500 with
    one printable line, and a write that fails leaves the rows as they were."""
    import attrs

    from codedb.schema.health import check
    from codedb.web.app import ENDPOINTS

    known = fill_for_fuzzing(local)
    web = serve()
    rng = random.Random(23)
    statuses: dict[int, int] = {}
    runs = 2000 if FULL else 150
    for _ in range(runs):
        endpoint = rng.choice(ENDPOINTS)
        query = {
            p.name: str(rng.choice([*TEXTS[:4], *map(str, NUMBERS), *p.choices]))
            for p in endpoint.query
            if rng.random() < 0.5
        }
        body = None
        if endpoint.body is not None:
            given = [f.name for f in attrs.fields(endpoint.body) if rng.random() < 0.6]
            body = {f: known[f] if f in known and rng.random() < 0.5 else junk(rng) for f in given}
        before = local.row_counts() if endpoint.writes else None
        answer = web.client.request(
            endpoint.method,
            path_of(endpoint.path, known, rng),
            params=query,
            content=None if body is None else json.dumps(body),
            headers={"content-type": "application/json"},
        )
        statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
        shown = (endpoint.method, endpoint.path, query, body, answer.status_code, answer.text[:300])
        assert answer.status_code < 500 and answer.headers["content-type"] == "application/json", shown
        if answer.status_code >= 400:
            detail = answer.json()["detail"]
            assert detail and detail.isprintable(), shown
            if before is not None:
                assert local.row_counts() == before, shown
    assert not check(local).findings
    print(f"\nrandom requests: {runs} runs, 0 failures, statuses {dict(sorted(statuses.items()))}")


@pytest.mark.parametrize("keys", [False, True], ids=["no keys", "keys"])
def test_every_page_answers_random_requests(serve: Any, local: codedb.Database, keys: bool) -> None:
    """Random requests at every page and form of a real server, with and without API keys:
    paths with ids that exist and junk, query values of any text, forms with any fields, and
    session cookies of random bytes (a forged signature, other than ASCII). Every answer is a
    page, a redirect or a refusal: never a status of 500 or more."""
    from codedb.web.pages import PAGES

    known = fill_for_fuzzing(local)
    cookie = ""
    if keys:
        key = local.users.new_key(known["user_id"])
        web = serve()
        signed_in = web.client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', signed_in.text)
        assert token is not None
        made = web.client.post("/login", data={"key": key, "csrf": token.group(1)}, follow_redirects=False)
        assert made.status_code == 303
        cookie = made.cookies["codedb_session"]
        web.client.cookies.clear()
    else:
        web = serve()
    rng = random.Random(29)
    names = ["q", "limit", "status", "window", "fragment", "next", "offset", "key", "csrf", "alert_id"]
    statuses: dict[int, int] = {}
    runs = 1500 if FULL else 150
    for n in range(runs):
        fields = {name: rng.choice(UTF8_TEXTS) for name in names if rng.random() < 0.3}
        jar = rng.choice([cookie, cookie + "0", cookie[:-1] + "é", "", "a.b.c.d", "é" * 8, "a..." * 10])
        headers = {"cookie": f"codedb_session={jar}".encode("latin-1")} if jar else {}
        if n % 5:
            path = path_of(rng.choice(PAGES)[0], known, rng)
            answer = web.client.get(path, params=fields, headers=headers, follow_redirects=False)
        else:
            path = rng.choice(["/login", "/logout", "/costs/dismiss"])
            answer = web.client.post(path, data=fields, headers=headers, follow_redirects=False)
        statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
        assert answer.status_code < 500, (path, fields, jar, answer.status_code, answer.text[:300])
    print(f"\nrandom page requests: {runs} runs, 0 failures, statuses {dict(sorted(statuses.items()))}")


def test_every_mcp_tool_answers_random_arguments(ready_target: str) -> None:
    """Random arguments to every tool of `codedb mcp` through the MCP SDK's own client: each
    argument an id that exists or a value of any JSON type. Every answer is a result or an
    error naming the problem in one printable line (a JSON-RPC error for a missing argument of
    the old tool's tools); never the message of a failed call (a bug)."""
    import attrs
    from mcp.shared.exceptions import MCPError

    from codedb.assistants.server import TOOLS
    from mcpsession import with_session

    with codedb.connect(ready_target) as db:
        known = fill_for_fuzzing(db)
    rng = random.Random(31)
    outcomes = {"ok": 0, "error": 0, "refused": 0}
    runs = 1500 if FULL else 150

    async def body(session: Any) -> None:
        for _ in range(runs):
            tool = rng.choice(TOOLS)
            arguments = {
                f.name: known[f.name] if f.name in known and rng.random() < 0.6 else junk(rng, UTF8_TEXTS)
                for f in attrs.fields(tool.arguments)
                if rng.random() < 0.7 and not (tool.files and f.name in ("file", "dest"))
            }
            try:
                answer = await session.call_tool(tool.name, arguments)
            except MCPError as exc:
                outcomes["refused"] += 1
                assert str(exc).isprintable() and "failed" not in str(exc), (tool.name, arguments, exc)
                continue
            outcomes["error" if answer.is_error else "ok"] += 1
            if answer.is_error:
                message = answer.structured_content["error"]["message"]
                shown = (tool.name, arguments, message)
                assert message.isprintable() and "the call failed" not in message, shown

    with_session(ready_target, body)
    print(f"\nrandom tool calls: {runs} runs, 0 failures, {outcomes}")


# Methods the Python API fuzzer leaves out: they call a model (embed, the semantic searches),
# wrap a block (timed, indexing_paused) or take a parsed query rather than text.
NOT_FUZZED = {"embed", "search_semantic", "search_hybrid", "similar", "timed", "indexing_paused",
              "text_hits", "count_text_matches", "search_ranked"}  # fmt: skip


def value_of(hint: Any, known: list[str], rng: random.Random, depth: int = 0) -> Any:
    """A random value of the type `hint` names: hostile texts and ids that exist, numbers at
    the limits of every backend, dates at the ends of the calendar; LookupError for a type
    without a strategy here (the method is left out)."""
    import collections.abc
    import datetime
    import types
    import typing

    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return value_of(rng.choice(arguments), known, rng, depth)
    if origin is typing.Literal:
        return rng.choice(arguments)
    if hint is type(None):
        return None
    if hint is str:
        return rng.choice(known) if rng.random() < 0.4 else rng.choice(TEXTS)
    if hint is bool:
        return rng.random() < 0.5
    if hint is int:
        return rng.choice([n for n in NUMBERS if isinstance(n, int)] + [1, 5, 20])
    if hint is float:
        return rng.choice([*NUMBERS, float("nan"), float("inf"), float("-inf")])
    if hint is datetime.datetime:
        return rng.choice([datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31, 23, 59),
                           datetime.datetime.now(datetime.UTC), datetime.datetime(2026, 1, 1)])  # fmt: skip
    if hint is datetime.timedelta:
        return rng.choice(
            [datetime.timedelta(0), datetime.timedelta(days=-1), datetime.timedelta(days=10**6)]
        )
    if hint is typing.Any or hint is object:
        return junk(rng)
    if origin in (list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Iterable):
        if origin is tuple and arguments and arguments[-1] is not Ellipsis:
            return tuple(value_of(a, known, rng, depth + 1) for a in arguments)
        inner = arguments[0] if arguments else str
        return [] if depth > 2 else [value_of(inner, known, rng, depth + 1) for _ in range(rng.randrange(4))]
    if origin in (dict, collections.abc.Mapping):
        if depth > 2:
            return {}
        key, item = arguments or (str, typing.Any)
        return {value_of(key, known, rng, depth + 1): value_of(item, known, rng, depth + 1) for _ in range(3)}
    raise LookupError(hint)


def test_every_domain_api_method_answers_random_values_of_its_types(db: codedb.Database) -> None:
    """Every public method of every domain API (codedb's Python API, which the CLI, HTTP and MCP
    call) with random values of the types it declares: ids that exist, hostile texts (NUL, a
    lone surrogate, control characters, 300 letters), numbers past every backend's limits, NaN,
    dates at the ends of the calendar. Each call returns, or raises one of codedb's errors in
    one line (an error may quote a newline it was given as it stands: the surfaces escape it);
    never another exception, and a refused call changes no row."""
    import inspect
    import typing

    from codedb.core.registry import api_class, api_classes
    from conftest import snapshot

    known = list(fill_for_fuzzing(db).values())
    rng = random.Random(37)
    rounds = 30 if FULL else 3
    outcomes = {"ok": 0, "refused": 0}
    methods = 0
    for attribute in api_classes():
        for name, method in inspect.getmembers(api_class(attribute), callable):
            if name.startswith("_") or name in NOT_FUZZED:
                continue
            hints = typing.get_type_hints(method)
            parameters = [p for p in inspect.signature(method).parameters.values() if p.name != "self"]
            if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters):
                continue
            if any(re.search(r"Path|Callable|IO\[", str(hints.get(p.name))) for p in parameters):
                continue  # a file's path: the CLI fuzzers give those
            try:
                for p in parameters:
                    value_of(hints.get(p.name, Any), known, rng)
            except LookupError:  # a record or a parsed query: built by codedb, not given
                continue
            methods += 1
            for round_ in range(rounds):
                arguments = {
                    p.name: value_of(hints.get(p.name, Any), known, rng)
                    for p in parameters
                    if p.default is p.empty or rng.random() < 0.5
                }
                before = snapshot(db) if round_ == 0 else None
                try:
                    found = getattr(getattr(db, attribute), name)(**arguments)
                    if inspect.isgenerator(found):
                        list(found)
                    outcomes["ok"] += 1
                except codedb.CodedbError as exc:
                    outcomes["refused"] += 1
                    assert str(exc) and "Traceback" not in str(exc), (attribute, name, arguments, exc)
                    if before is not None:
                        assert snapshot(db) == before, (attribute, name, arguments, exc)
    assert methods > 150
    print(f"\nrandom API calls: {methods} methods, {rounds} rounds, 0 failures, {outcomes}")


def test_values_another_program_wrote_end_every_read_in_one_line(tmp_path: Path) -> None:
    """SQLite keeps any value in any column: a value of another type written into a column of
    codedb's file by another program (a number where a time is kept, text where a number is, a
    BLOB where text is, a time that is not one, text that is not UTF-8), then the commands that
    read it. Each ends in exit 0, or 1 with one line on stderr; `check` names the value."""
    import runpy
    import shutil

    from codedb.core.registry import derived_tables

    sample = tmp_path / "sample.sqlite"
    with codedb.connect(sample) as db:
        codedb.migrate(db)
    runpy.run_path(str(ROOT / "examples" / "sample_library.py"), run_name="sample")["main"](str(sample))
    with codedb.connect(sample) as db:
        columns = [(t, c) for t in db.tables if t not in derived_tables() for c in db.tables[t].columns]
        project = db.projects.list().projects[0].project_id
    reads = [["list-functions", "--json"], ["search", "fib"], ["coverage-report"], ["projects", "list"],
             ["projects", "show", project], ["users", "list"], ["usage", "list"], ["costs"],
             ["templates", "list"], ["metrics", "summary"], ["history", "sessions", "ada"],
             ["backup", "--format=json", "--force", str(tmp_path / "dump.json")]]  # fmt: skip
    values: list[object] = [7, 1.5, "abc", "2026-13-45", "", b"\x00\xff", 10**18, "{not json"]
    rng = random.Random(41)
    runs = 1500 if FULL else 150
    exits = {0: 0, 1: 0}
    for _ in range(runs):
        table, column = rng.choice(columns)
        value = rng.choice(values)
        target = tmp_path / "poisoned.sqlite"
        shutil.copy2(sample, target)
        conn = sqlite3.connect(target)
        try:
            with conn:
                first = f"(SELECT min(rowid) FROM {table})"
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = {first}", [value])
        except sqlite3.Error:
            continue  # a constraint of the table refused it: codedb never sees it
        finally:
            conn.close()
        cli = CLI(str(target), tmp_path)
        for read in [rng.choice(reads), ["check"]]:
            result = cli(*read)
            shown = (table, column, value, read, result.stderr[-600:])
            assert result.returncode in (0, 1) and "Traceback" not in result.stderr, shown
            one_line = len(result.stderr.strip().splitlines()) == 1
            assert result.returncode == 0 or one_line or read == ["check"], shown
            exits[result.returncode] += 1
    print(f"\nvalues another program wrote: {runs} runs, 0 failures, exits {exits}")
