"""The soak suite (`make soak`; CI runs `make soak-short`): concurrent writers and readers,
kill -9 at random moments of every writing command, writers running through restores and
rotating backups, a full disk, and hypothesis over every command's arguments. Each prints its
figures. CODEDB_SOAK=full runs the long version (under 15 minutes here), anything else the
short one (under 3 minutes)."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import codedb
from conftest import CLI, ROOT, db_snapshot, inits_at_once

pytestmark = pytest.mark.soak
FULL = os.environ.get("CODEDB_SOAK") == "full"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
SHARED_PICKLE = ROOT.parent / "shared" / "fixtures" / "legacy" / "code_database.pkl"

WRITER = """
import sys, codedb
name, count = sys.argv[2], int(sys.argv[3])
errors = 0
with codedb.connect(sys.argv[1]) as db:
    for i in range(count):
        try:
            db.functions.add(f"{name}-{i}", code="x = 1", modules=["m"], tags=[name])
        except Exception as exc:
            errors += 1
            print("error", type(exc).__name__, exc, file=sys.stderr, flush=True)
print(errors)
"""

READER = """
import sys, time, codedb
end = time.monotonic() + float(sys.argv[2])
reads = errors = 0
with codedb.connect(sys.argv[1]) as db:
    while time.monotonic() < end:
        try:
            db.functions.list(limit=50)
            db.tests.coverage()
            reads += 1
        except Exception as exc:
            errors += 1
            print("error", type(exc).__name__, exc, file=sys.stderr, flush=True)
print(reads, errors)
"""


def run_py(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_writers_and_readers_lose_nothing(target: str) -> None:
    adds = 5000 if FULL else 400
    with codedb.connect(target) as db:
        codedb.migrate(db)
    start = time.monotonic()
    writers = [run_py(WRITER, target, f"w{n}", str(adds)) for n in range(4)]
    readers = [run_py(READER, target, "3") for _ in range(2)]
    outputs = [p.communicate(timeout=900) for p in writers + readers]
    seconds = time.monotonic() - start
    for out, err in outputs[:4]:
        assert out.strip() == "0" and "error" not in err, err[:500]
    for out, err in outputs[4:]:
        assert out.split()[1] == "0" and "error" not in err, err[:500]
    with codedb.connect(target) as db:
        names = {f.name for f in db.functions.list()}
        assert len(names) == 4 * adds
        assert all(f"w{n}-{i}" in names for n in range(4) for i in range(adds))
        assert [t.functions for t in db.tags.list()] == [adds] * 4
    print(f"\n{db.dialect}: 4 writers x {adds:,} adds + 2 readers in {seconds:.1f} s: 0 lost, 0 errors")


def _commands(tmp: Path, postgres: bool) -> Iterator[tuple[str, list[str]]]:
    dump = tmp / "dump.json"
    yield "init", ["init"]
    yield "import", ["import", str(dump)]
    if SHARED_PICKLE.exists():
        yield "import-legacy", ["import-legacy", str(SHARED_PICKLE)]
    if postgres:  # a SQLite file copy has no PostgreSQL form: the JSON backup
        yield "backup", ["backup", str(tmp / "b.json"), "--format=json", "--force"]
    else:
        yield "backup", ["backup", str(tmp / "b.sqlite"), "--force"]
        yield "backup-rotate", ["backup", f"--to-dir={tmp / 'rot'}", "--keep=2"]
    yield "restore", ["restore", str(dump), "--force"]
    yield "rollback", ["rollback", "--to=base", "--force"]
    yield "migrate", ["migrate"]


def test_kill_9_at_random_moments_leaves_everything_whole(tmp_path: Path, target: str, backend: str) -> None:
    postgres = backend == "postgresql"
    rounds = (20 if postgres else 50) if FULL else (7 if postgres else 10)
    rng = random.Random(20261122)
    source = tmp_path / "source.sqlite"
    src = CLI(str(source), tmp_path)
    src.ok("init")
    with codedb.connect(source) as db:
        size = 20_000 if FULL else 5000
        db.functions.add_many({"name": f"s{i}", "code": "y = 2" * 50, "modules": ["m"]} for i in range(size))
    src.ok("backup", str(tmp_path / "dump.json"), "--format=json")
    dump_ids = {f.function_id for f in db_snapshot(str(source))["function"]}
    live = target if postgres else str(tmp_path / "live.sqlite")
    cli = CLI(live, tmp_path)
    cli.ok("init")
    commands = list(_commands(tmp_path, postgres))
    durations = {}  # each command timed once, so that the kills land inside it
    for name, args in commands:
        start = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "codedb", f"--db={live}", *args], env=ENV, capture_output=True, check=False
        )
        durations[name] = time.monotonic() - start
    killed = 0
    for round_ in range(rounds):
        name, args = commands[round_ % len(commands)]
        if name == "init" and not postgres:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{live}{suffix}").unlink(missing_ok=True)
        before = db_snapshot(live) if name != "init" and _is_codedb(live) else None
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "codedb",
                f"--db={live}",
                *args,
                *(["--quiet"] if name in ("import", "restore") else []),
            ],
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 0.95) * durations[name])
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        # The next command works: no stale lock, and the database is whole.
        cli.ok("init")
        cli.ok("migrate")
        assert cli.ok("check").startswith("ok: integrity, foreign keys"), name
        if name == "import" and before is not None:  # all or nothing
            had = {f.function_id for f in before["function"]}
            now = {f.function_id for f in db_snapshot(live)["function"]}
            assert now in (had, had | dump_ids), (len(had), len(now))
    # The next writes to the same places remove what the killed processes left.
    if postgres:
        cli.ok("backup", str(tmp_path / "b.json"), "--format=json", "--force")
    else:
        cli.ok("backup", str(tmp_path / "b.sqlite"), "--force")
        cli.ok("restore", str(tmp_path / "b.sqlite"), "--force")
    cli.ok("export", f"--output={tmp_path / 'dump.json'}", "--force")
    strays = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert strays == [], strays
    print(
        f"\n{backend}: {rounds} rounds, {killed} kill -9 mid-command: "
        "check passed after each, no stray file, no stale lock"
    )


def _is_codedb(path: str) -> bool:
    if "://" not in path and not Path(path).exists():
        return False
    try:
        with codedb.connect(path, create=False, readonly=True) as db:
            return bool(codedb.status(db).applied)
    except codedb.CodedbError:
        return False


def test_a_writer_through_rotating_backups_loses_nothing(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite"
    cli = CLI(str(live), tmp_path)
    cli.ok("init")
    adds = 3000 if FULL else 600
    writer = run_py(WRITER, str(live), "w", str(adds))
    backups = 0
    while writer.poll() is None:
        cli.ok("backup", f"--to-dir={tmp_path / 'rot'}", "--keep=3", "--quiet")
        backups += 1
    out, err = writer.communicate()
    assert out.strip() == "0", err[:500]
    with codedb.connect(live) as db:
        assert len({f.name for f in db.functions.list()}) == adds
    kept = sorted((tmp_path / "rot").iterdir())
    assert len(kept) == min(3, backups)
    for path in kept:
        assert CLI(str(path), tmp_path).ok("check").startswith("ok")
    print(
        f"\na writer of {adds:,} adds through {backups} rotating backups: 0 lost, {len(kept)} kept, all sound"
    )


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    # Room for a new database and its log while it is migrated (an empty schema is 141 pages
    # since the search indexes of migrations 0016-0019), not for the 3,000-function database
    # the test fills or its backups and exports.
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.decode().strip()}): needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_cleanly(tmp_path: Path, small_disk: Path) -> None:
    live = tmp_path / "live.sqlite"
    cli = CLI(str(live), tmp_path)
    cli.ok("init")
    with codedb.connect(live) as db:
        db.functions.add_many({"name": f"f{i}", "code": "z = 3" * 100} for i in range(3000))
    before = db_snapshot(str(live))
    earlier = small_disk / "earlier.json"
    earlier.write_text("an earlier backup")
    for args in (
        ("backup", str(small_disk / "b.sqlite")),
        ("backup", str(small_disk / "b.json"), "--format=json"),
        ("export", f"--output={small_disk / 'e.json'}"),
        ("export", "--format=csv", f"--output={small_disk / 'csv'}"),
        ("visualize-dependencies", f"--file={small_disk / 'g.dot'}"),
    ):
        result = cli(*args)
        assert "Traceback" not in result.stderr
        if result.returncode != 0:
            assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert db_snapshot(str(live)) == before
    assert earlier.read_text() == "an earlier backup"
    assert not [p for p in small_disk.iterdir() if p.name.startswith(".")]  # no partial temporary file
    # The database itself on the full disk: an import that does not fit is rolled back whole.
    small_db = small_disk / "small.sqlite"
    small = CLI(str(small_db), tmp_path)
    for path in small_disk.iterdir():
        if path.is_file() and path.name != "earlier.json":
            path.unlink()
    small.ok("init")
    dump = tmp_path / "big.json"
    cli.ok("export", f"--output={dump}")
    result = small("import", str(dump))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "full" in result.stderr
    assert db_snapshot(str(small_db))["function"] == []
    assert small.ok("check").startswith("ok")
    print(
        "\nfull disk: every writer failed in one line, the database and earlier backups intact: "
        + result.stderr.strip()
    )


def test_hypothesis_over_every_commands_arguments(tmp_path_factory: pytest.TempPathFactory) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from codedb.cli.frame import command_names

    base = tmp_path_factory.mktemp("fuzz")
    live = base / "live.sqlite"
    cli = CLI(str(live), base)
    cli.ok("init")
    fid = cli.ok("add-function", "--name=f", "--code=def f(a): pass").strip()
    fifo = base / "fifo"
    os.mkfifo(fifo)
    (base / "dir").mkdir()
    (base / "link").symlink_to(live)
    values = st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            [
                str(live),
                f"{live}-wal",
                str(fifo),
                "/dev/null",
                str(base / "dir"),
                str(base / "link"),
                "-",
                fid,
                fid[:4],
                "9999-12-31T23:59:59-05:00",
                "0001-01-01",
                "nan",
                "-1",
                "1" * 400,
                "a\x00b",
                b"\xff".decode("utf-8", "surrogateescape"),
                "x" * 100_000,
            ]
        ),
    )
    # serve and mcp run until stopped (their options: tests/web/test_web_cli.py, tests/assistants)
    commands = sorted(set(command_names()) - {"completion", "restore", "rollback", "init", "serve", "mcp"})
    option_names = {name: _options(name) for name in commands}
    examples = {name: _example(name) for name in commands}
    outcomes: dict[int, int] = {}

    @settings(max_examples=400 if FULL else 60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.sampled_from(commands),
        st.booleans(),
        st.lists(st.tuples(st.integers(0, 30), values), max_size=4),
    )
    def run(command: str, from_example: bool, picked: list[tuple[int, str]]) -> None:
        names = option_names[command]
        if from_example:  # the command's own example, its values replaced: past docopt, mostly
            args = list(examples[command])
            values_at = [n for n, arg in enumerate(args) if n and ("=" in arg or not arg.startswith("-"))]
            for i, value in picked:
                if values_at:
                    at = values_at[i % len(values_at)]
                    args[at] = f"{args[at].split('=', 1)[0]}={value}" if "=" in args[at] else value
        else:
            args = [command] + [f"{names[i % len(names)]}={v}" if names and i % 3 else v for i, v in picked]
        before = {p: p.read_bytes() for p in (live, base / "fifo") if p.is_file()}
        snapshot = db_snapshot(str(live))
        signal.alarm(60)  # a hang fails the test instead of stalling it
        try:
            result = cli(*args)
        finally:
            signal.alarm(0)
        assert result.returncode in (0, 1, 2), (args, result)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        outcomes[result.returncode] = outcomes.get(result.returncode, 0) + 1
        if result.returncode != 0:
            assert db_snapshot(str(live)) == snapshot, args
        assert all(p.read_bytes() == data for p, data in before.items() if p != live)

    run()
    print(
        f"\nhypothesis over {len(commands)} commands: exit codes {dict(sorted(outcomes.items()))}, "
        "no traceback, no hang"
    )


def _options(command: str) -> list[str]:
    import re

    from codedb.cli.frame import load_command

    doc, _ = load_command(command)
    return sorted(set(re.findall(r"(--[a-z][a-z0-9-]*)=", doc)) - {"--db"})


def _example(command: str) -> list[str]:
    """The argv of the example in the command's --help (without the leading `codedb`)."""
    import re
    import shlex

    from codedb.cli.frame import load_command

    doc, _ = load_command(command)
    line = re.split(r"Examples?:", doc, maxsplit=1)[1].strip().splitlines()[0]
    words = shlex.split(re.split(r"\||&&|>", line, maxsplit=1)[0])[1:]  # the shell's part left out
    while words and words[0] == "--db":
        words = words[2:]
    return words


def test_hypothesis_over_the_json_and_pickle_readers(tmp_path_factory: pytest.TempPathFactory) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    base = tmp_path_factory.mktemp("readers")
    live = base / "live.sqlite"
    cli = CLI(str(live), base)
    cli.ok("init")
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    )
    documents = st.fixed_dictionaries(
        {"format": st.just("codedb-dump")},
        optional={"format_version": json_values, "revision": json_values, "tables": json_values},
    )

    @settings(max_examples=300 if FULL else 50, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(documents.map(json.dumps).map(str.encode), st.binary(max_size=300)))
    def run(data: bytes) -> None:
        for name, command in (("d.json", "import"), ("d.pkl", "import-legacy")):
            path = base / name
            path.write_bytes(data if name == "d.json" else b"\x80\x04" + data)
            before = db_snapshot(str(live))
            result = cli(command, str(path))
            assert result.returncode in (0, 1), (data, result)
            assert "Traceback" not in result.stderr, (data, result.stderr)
            if result.returncode == 1:  # refused: nothing changed
                assert db_snapshot(str(live)) == before

    run()


def test_two_inits_at_once_on_new_files_many_times(tmp_path: Path) -> None:
    """tests/schema/test_defects.py's race at length: two `codedb init` processes on each new
    file, 10 files (60 with CODEDB_SOAK=full); both succeed and one says it initialised."""
    trials = 60 if FULL else 10
    for trial in range(trials):
        path = tmp_path / f"new{trial}.sqlite"
        results = inits_at_once(path)
        assert [r[2] for r in results] == [0, 0], results
        assert sum(out.startswith("initialised") for out, _, _ in results) == 1, results
    print(f"two inits at once: {trials} new files, each initialised once, no failure")
