"""Private PostgreSQL servers for the tests that restart a server or stream to a replica.

A cluster is made with the server's own tools (initdb, pg_ctl, pg_basebackup from the
Debian packages) in a temporary folder, listening on a free port of 127.0.0.1 with trust
authentication, run as the postgres user (PostgreSQL refuses to run as root); it is stopped
and removed afterwards. The shared test server is never restarted."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def server_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.skip("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin): install postgresql")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_postgres(args: list[str]) -> None:
    """Run a server tool as the postgres user when we are root. Its output goes to a file, not
    a pipe: a server it starts would hold a pipe open, and reading it would never end."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    with tempfile.TemporaryFile("w+") as output:
        done = subprocess.run(
            args, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, timeout=120
        )
        if done.returncode:
            output.seek(0)
            raise AssertionError(f"{' '.join(args)} failed: {output.read()[-2000:]}")


class Cluster:
    def __init__(self, data: Path, port: int):
        self.data = data
        self.port = port

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> None:
        as_postgres([str(server_bin() / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args])

    def start(self) -> None:
        self.pg_ctl("-l", str(self.data / "server.log"), "start")

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        self.pg_ctl("-m", "immediate", "stop")


def _config(data: Path, port: int, extra: str = "") -> None:
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(
            f"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
            "fsync = off\nshared_buffers = 32MB\nmax_connections = 40\n" + extra
        )


@contextmanager
def _folder() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="codedb-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def cluster() -> Iterator[Cluster]:
    """A new, running cluster."""
    with _folder() as root:
        data = root / "data"
        as_postgres(
            [str(server_bin() / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        )
        node = Cluster(data, free_port())
        _config(data, node.port)
        node.start()
        try:
            yield node
        finally:
            node.stop()


@contextmanager
def replica(primary: Cluster) -> Iterator[Cluster]:
    """A streaming replica of `primary` (pg_basebackup -R), running and caught up."""
    with _folder() as root:
        data = root / "data"
        backup = str(server_bin() / "pg_basebackup")
        source = ["-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"]
        # a fast checkpoint: the default spread one made the backup wait 20 s
        as_postgres([backup, *source, "-D", str(data), "-R", "-X", "stream", "--checkpoint=fast"])
        node = Cluster(data, free_port())
        _config(data, node.port, "hot_standby = on\n")
        node.start()
        try:
            yield node
        finally:
            node.stop()


def wait_until(check: object, timeout: float = 30.0) -> None:
    """Call `check` until it returns true (a replica catching up)."""
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {check}")
        time.sleep(0.05)
