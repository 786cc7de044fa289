"""`codedb serve` from the command line: the options it refuses (in process, through the
entry point), and a real process that serves, logs, and stops on SIGTERM after finishing the
request in flight."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import codedb
from conftest import CLI
from webserver import free_port


@pytest.fixture
def lib(ready_target: str, tmp_path: Path) -> CLI:
    return CLI(ready_target, tmp_path)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--host=0.0.0.0",), "no user has an API key"),
        (("--port=70000",), "--port"),
        (("--port=x",), "--port"),
        (("--budget=ten:day",), "--budget"),
        (("--budget=10:year",), "--budget"),
        (("--connections=0",), "--connections"),
        (("--weekly-limit=lots",), "--weekly-limit"),
    ],
)
def test_serve_refuses_bad_options_in_one_line(lib: CLI, args: tuple[str, ...], words: str) -> None:
    done = lib("serve", *args)
    assert done.returncode == 1 and words in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_serve_refuses_a_database_that_is_not_one(tmp_path: Path) -> None:
    done = CLI(str(tmp_path / "none.sqlite"), tmp_path)("serve")
    assert done.returncode == 1 and "init" in done.stderr and not (tmp_path / "none.sqlite").exists()


def _wait(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited: {process.communicate()[1]}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("serve did not start")


def test_a_real_process_finishes_the_request_in_flight_on_sigterm(ready_target: str, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "CODEDB_URL": ready_target}
    process = subprocess.Popen(
        [sys.executable, "-m", "codedb", "serve", f"--port={port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait(f"{url}/api/v1/projects", process)
        body = json.dumps({"brief": {"project_idea": "finished in flight"}}).encode()
        with socket.create_connection(("127.0.0.1", port)) as client:
            head = f"POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
            client.sendall(head.encode() + b"Content-Type: application/json\r\n\r\n" + body[:10])
            time.sleep(0.3)
            process.send_signal(signal.SIGTERM)  # the request is half sent
            time.sleep(0.3)
            client.sendall(body[10:])
            answer = client.recv(65536).decode()
        assert answer.startswith("HTTP/1.1 201"), answer
        assert process.wait(30) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once done
    finally:
        if process.poll() is None:
            process.kill()
    err = process.stderr.read() if process.stderr else ""
    assert f"http://127.0.0.1:{port}/" in err and "Traceback" not in err
    logged = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert {"method": "POST", "path": "/api/v1/projects", "status": 201} in [
        {k: entry[k] for k in ("method", "path", "status")} for entry in logged
    ]
    with codedb.connect(ready_target) as db:
        assert [p.name for p in db.projects.list().projects] == ["finished in flight"]
