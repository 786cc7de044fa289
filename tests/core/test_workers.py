"""codedb.core.workers: a bulk job's pure-Python work done by worker processes (real ones,
`python -P -c`), handed back in order, and every way it can go wrong."""

import base64
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from codedb.core.textsearch import document_bytes, documents_of
from codedb.core.workers import MIN_BATCHES, spread
from codedb.errors import CodedbError
from conftest import ROOT, worker_processes

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds its workers in /proc")

TEXTS = [
    "mergeSortedArrays",
    "port8080 HTTP404",
    "café",
    "6e1by",
    "a\nb\tc",
    "lone \udcff surrogate",
    "",
    "x" * 3000,
]


def _batches(count: int) -> list[list[tuple[str, ...]]]:
    """`count` batches of rows as reindex reads them (key, id, name, labels, description, code)."""
    return [
        [
            (f"k{b}-{i}", f"f{b}-{i}", TEXTS[(b + i) % 8], "alpha b_2", TEXTS[i % 8], TEXTS[(b * i) % 8])
            for i in range(9)
        ]
        for b in range(count)
    ]


def test_every_batch_comes_back_in_order_worked_by_other_processes() -> None:
    batches = _batches(7)
    seen, during = [], set()
    for batch, documents in spread(documents_of, batches, workers=2):
        seen.append((batch, documents))
        during.update(worker_processes())
    # as the caller's process makes them, in the batches' order (rows arrive as lists)
    assert [b for b, _ in seen] == batches
    assert [d for _, d in seen] == [documents_of(batch) for batch in batches]
    for batch, (data, left) in seen:  # each row's document made here, or left to the server
        made = [document_bytes(*row[2:]) for row in batch]
        assert left == [at for at, document in enumerate(made) if document is None]
        assert all(document in base64.b64decode(data) for document in made if document is not None)
    assert any(left for _, (_, left) in seen) and any(data for _, (data, _) in seen)
    assert len(during) == 2  # two workers did the work
    assert worker_processes() == []  # and are gone once the job is done


def test_a_worker_per_core_up_to_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    import codedb.core.workers as workers

    for machine, expected in ((3, 3), (64, workers.MAX_WORKERS)):
        monkeypatch.setattr(workers, "cores", lambda machine=machine: machine)
        during: set[int] = set()
        batches, seen = _batches(12), []
        for pair in spread(documents_of, batches):
            during.update(worker_processes())
            seen.append(pair)
        assert len(during) == expected
        assert seen == [(b, documents_of(b)) for b in batches]


def test_a_small_job_or_one_core_works_here() -> None:
    for batches, workers in ((_batches(MIN_BATCHES - 1), 4), (_batches(MIN_BATCHES + 2), 1), ([], 2)):
        seen = []
        for pair in spread(documents_of, batches, workers=workers):
            seen.append(pair)
            assert worker_processes() == []
        assert seen == [(b, documents_of(b)) for b in batches]


def test_batches_are_drawn_only_between_the_pairs_handed_back() -> None:
    """The caller reads its batches from the connection it writes each result to."""
    busy = False
    drawn = []

    def batches():
        for i, batch in enumerate(_batches(9)):
            assert not busy, f"batch {i} was drawn while the caller worked"
            drawn.append(i)
            yield batch

    handed = 0
    for _ in spread(documents_of, batches(), workers=2):
        busy = True
        handed += 1
        # the first few, to see whether the job is worth workers; then a batch a worker ahead
        assert len(drawn) <= max(MIN_BATCHES, handed + 2)
        busy = False
    assert handed == 9 and drawn == list(range(9))


def test_a_worker_that_fails_is_one_error_and_no_process_is_left() -> None:
    batches = _batches(5)
    batches[3] = [("too", "short")]  # document_bytes of nothing: a TypeError in the worker
    with pytest.raises(CodedbError, match=r"^a worker process failed: TypeError"):
        for _ in spread(documents_of, batches, workers=2):
            pass
    assert worker_processes() == []


def test_a_worker_killed_mid_job_is_one_error_and_no_process_is_left() -> None:
    with pytest.raises(
        CodedbError, match=r"^a worker process ended before its work was done \(exit status -9\)"
    ):
        for handed, _ in enumerate(spread(documents_of, _batches(6), workers=2)):
            if handed == 1:  # a worker has handed a batch back: both are at work
                for pid in worker_processes():
                    os.kill(pid, signal.SIGKILL)
    assert worker_processes() == []


def test_ctrl_c_is_the_callers_the_workers_go_on() -> None:
    batches = _batches(6)
    seen = []
    for pair in spread(documents_of, batches, workers=2):
        seen.append(pair)
        workers = worker_processes()
        # a terminal's Ctrl-C signals its foreground process group: the workers are not in it
        assert all(os.getpgid(pid) not in (os.getpgid(0), os.getpid()) for pid in workers)
        if len(seen) > 2:  # each worker has handed a batch back: it is at work, and ignores SIGINT
            for pid in workers:
                os.kill(pid, signal.SIGINT)
    assert seen == [(b, documents_of(b)) for b in batches]


def test_workers_that_cannot_start_leave_the_work_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def elsewhere(rows: list) -> list:  # this test module's: a worker imports codedb's work only
        return documents_of(rows)

    batches = _batches(4)
    assert list(spread(elsewhere, batches, workers=2)) == [(b, documents_of(b)) for b in batches]
    assert worker_processes() == []
    # no process to be had: the same, worked here
    import subprocess as real

    def no_processes(*args: object, **kwargs: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(real, "Popen", no_processes)
    assert list(spread(documents_of, batches, workers=2)) == [(b, documents_of(b)) for b in batches]


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    """A worker imports codedb alone: the caller's script is not run again in it (as
    multiprocessing's spawned workers would run a script that has no __main__ guard)."""
    marker = tmp_path / "runs.txt"
    script = tmp_path / "job.py"
    script.write_text(
        textwrap.dedent(
            f"""
            from codedb.core.textsearch import documents_of
            from codedb.core.workers import MIN_BATCHES, spread
            with open({str(marker)!r}, "a") as out:
                out.write("ran\\n")
            rows = [[("k", "f", "someName", "", "text", "x = 1")] * 3] * 5
            print(sum(len(data) > 0 for _, (data, left) in spread(documents_of, rows, workers=2)))
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "5", "")
    assert marker.read_text() == "ran\n"
