"""A real PgBouncer (the Debian package) in transaction pooling mode, in front of the test
server, for the tests that run codedb through it. It listens on a free port of 127.0.0.1 and
serves one database alias, codedb, whose server connections work in one schema of the test
server (PgBouncer's connect_query sets their search_path)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from pgcluster import free_port


def pgbouncer_bin() -> str:
    found = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )
    if found is None:
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer; make test installs it)")
    return found


@contextmanager
def pgbouncer(
    server: dict[str, str], schema: str, pool_size: int = 3, users: tuple[str, ...] = ()
) -> Iterator[str]:
    """Run PgBouncer in front of `server` (libpq parameters: host, port, dbname, user); yield
    the URL of its codedb alias, with ?pgbouncer=1. Clients log in to the server as
    themselves: `server`'s user, or one of `users` (codedb query's read-only role)."""
    binary = pgbouncer_bin()
    folder = Path(tempfile.mkdtemp(prefix="codedb-bouncer-", dir="/tmp"))
    port = free_port()
    target = " ".join(f"{key}={server[key]}" for key in ("host", "port", "dbname") if server.get(key))
    logins = (server.get("user", "postgres"), *users)
    (folder / "users.txt").write_text("".join(f'"{user}" ""\n' for user in logins))
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"codedb = {target} connect_query='SET search_path TO {schema}'\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        f"pool_mode = transaction\ndefault_pool_size = {pool_size}\nmax_client_conn = 200\n"
        f"logfile = {folder / 'pgbouncer.log'}\npidfile = {folder / 'pgbouncer.pid'}\n"
        "ignore_startup_parameters = extra_float_digits\nserver_reset_query =\n"
    )
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        for path in folder.iterdir():
            shutil.chown(path, "postgres", "postgres")
    command = [binary, "-d", str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=30)  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    log = (
                        (folder / "pgbouncer.log").read_text() if (folder / "pgbouncer.log").exists() else ""
                    )
                    raise AssertionError(f"pgbouncer did not start: {log[-2000:]}") from None
                time.sleep(0.05)
        yield f"postgresql://{server.get('user', 'postgres')}@127.0.0.1:{port}/codedb?pgbouncer=1"
    finally:
        pid_file = folder / "pgbouncer.pid"
        if pid_file.exists():
            with suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        shutil.rmtree(folder, ignore_errors=True)
