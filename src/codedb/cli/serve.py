"""`codedb serve`: the database over HTTP (codedb.web, run by uvicorn)."""

import json
import os
import secrets
import sys
from typing import Any

from ..errors import InvalidInput
from .common import number_arg, open_db, whole_number
from .frame import command

ENVIRONMENT = "CODEDB_SERVE"  # how `serve` hands its settings to uvicorn's worker processes
PERIODS = ("day", "month")


def budgets(specs: list[str]) -> list[tuple[float, str]]:
    """--budget=20:day --budget=500:month -> [(20.0, "day"), (500.0, "month")]."""
    found = []
    for spec in specs:
        amount, _, period = spec.partition(":")
        value = number_arg(amount, "--budget")
        if value is None or value <= 0 or period not in PERIODS:
            raise InvalidInput(
                f"invalid --budget {spec!r}; give DOLLARS:day or DOLLARS:month, such as 20:day"
            )
        found.append((value, period))
    return found


@command("""
Usage: codedb serve [--host=HOST] [--port=N] [--read-only] [--workers=N] [--connections=N]
                    [--weekly-limit=DOLLARS] [--budget=SPEC]... [--max-body=BYTES] [options]

Serve the database over HTTP: YAGO's routes (/api/v1/projects, /costs/alerts,
/clarifications), codedb's JSON API under /api/v1, the OpenAPI document (/openapi.json, /docs)
and pages to browse it (/). When any user has an API key, every request needs one
('Authorization: Bearer KEY'; the pages sign in with it); a database without keys is served
on loopback only. Logs one JSON line per request on stderr; SIGTERM or Ctrl+C lets the
requests in flight finish.

Options:
  --host=HOST            the address to listen on [default: 127.0.0.1]
  --port=N               the port [default: 8000]
  --read-only            serve reads only (the database is opened read-only)
  --workers=N            server processes [default: 1]
  --connections=N        database connections (worker threads) per process [default: 8]
  --weekly-limit=DOLLARS YAGO's weekly cost limit; past half of it is an alert [default: 100]
  --budget=SPEC          also alert on a budget, DOLLARS:day or DOLLARS:month (repeatable)
  --max-body=BYTES       the largest request body [default: 1048576]

Example:
  codedb serve --host=0.0.0.0 --port=8080
  codedb users key alice                 # prints the key once: then every request needs one
  curl -H "Authorization: Bearer $KEY" http://localhost:8080/api/v1/projects
""")
def cmd_serve(args: dict[str, Any]) -> int:
    host = args["--host"]
    port = whole_number(args["--port"], "--port", 0)
    if port is None or port > 65535:
        raise InvalidInput("--port must be from 0 to 65535")
    settings = {
        "target": args["--db"],
        "read_only": bool(args["--read-only"]),
        "connections": whole_number(args["--connections"], "--connections", 1),
        "max_body": whole_number(args["--max-body"], "--max-body", 1024),
        "weekly_limit": number_arg(args["--weekly-limit"], "--weekly-limit"),
        "budgets": budgets(args["--budget"]),
        "secret": secrets.token_hex(32),  # the session cookies' key, shared by the workers
    }
    workers = whole_number(args["--workers"], "--workers", 1)
    with open_db(args, readonly=True) as db:
        keys = db.users.keys_in_use()
        where = db.target.display
    from ..core.target import mask
    from ..web.server import is_loopback

    if not keys and not is_loopback(host):
        raise InvalidInput(
            f"{host} would serve {where} to the network, and no user has an API key; "
            "make one with 'codedb users key USER', or serve on 127.0.0.1"
        )
    try:
        import uvicorn
    except ImportError:
        raise InvalidInput("codedb serve needs uvicorn; install codedb[serve] (make demo does)") from None
    os.environ[ENVIRONMENT] = json.dumps(settings)
    shown = f"[{host}]" if ":" in host else host
    access = "API keys of " + f"{keys} user(s)" if keys else "no API keys: loopback only"
    print(
        f"codedb: serving {mask(where)} at http://{shown}:{port}/ ({access}"
        f"{', read-only' if settings['read_only'] else ''}); Ctrl+C stops",
        file=sys.stderr,
    )
    uvicorn.run(
        "codedb.web.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=30,
        log_config=LOGGING,
    )
    return 0


# uvicorn's own messages at warning and up, codedb's access log as JSON lines, both on stderr.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(message)s"}, "server": {"format": "%(levelname)s: %(message)s"}},
    "handlers": {
        "access": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
        "server": {"class": "logging.StreamHandler", "formatter": "server", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "codedb.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "codedb.web": {"handlers": ["server"], "level": "WARNING", "propagate": False},
        "uvicorn": {"handlers": ["server"], "level": "WARNING", "propagate": False},
    },
}
