"""examples/asgi_app.py, the ASGI service over codedb.aio, driven in-process through the ASGI
protocol (its lifespan, then requests) against real databases of both backends."""

import asyncio
import json
import runpy
from typing import Any

import pytest

import codedb
from conftest import ROOT


class Client:
    """ASGI messages in and out, as a server would send and take them."""

    def __init__(self, app: Any):
        self.app = app

    async def request(self, method: str, path: str, body: Any = None, chunks: int = 1) -> tuple[int, Any]:
        raw = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
        step = max(1, -(-len(raw) // chunks))
        parts = [raw[i : i + step] for i in range(0, len(raw), step)] or [b""]
        incoming = [
            {"type": "http.request", "body": part, "more_body": n < len(parts) - 1}
            for n, part in enumerate(parts)
        ]
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return incoming.pop(0)

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        path, _, query = path.partition("?")
        scope = {"type": "http", "method": method, "path": path, "query_string": query.encode()}
        await self.app(scope, receive, send)
        start, answer = sent
        assert dict(start["headers"])[b"content-type"] == b"application/json"
        return start["status"], json.loads(answer["body"])


class Lifespan:
    """The lifespan protocol: one task for the app's life, told of startup, then shutdown."""

    def __init__(self, app: Any):
        self.app = app
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[Any] | None = None

    async def event(self, name: str) -> dict[str, Any]:
        if self.task is None:
            self.task = asyncio.create_task(self.app({"type": "lifespan"}, self.incoming.get, self.sent.put))
        await self.incoming.put({"type": f"lifespan.{name}"})
        answer = await self.sent.get()
        if not answer["type"].endswith(".complete") or name == "shutdown":
            await self.task
        return answer


def load_app(target: str) -> Any:
    return runpy.run_path(str(ROOT / "examples" / "asgi_app.py"), run_name="asgi_example")["App"](target)


def test_the_service_lists_and_creates_functions_and_projects(target: str) -> None:
    with codedb.connect(target) as db:
        codedb.migrate(db)
        user = db.users.add("ada", "ada@example.com")
    app = load_app(target)

    async def main() -> None:
        life = Lifespan(app)
        assert (await life.event("startup"))["type"] == "lifespan.startup.complete"
        client = Client(app)
        status, made = await client.request(
            "POST",
            "/functions",
            {"name": "fib", "code": "def fib(n): return n", "modules": ["math"]},
            chunks=3,
        )
        assert status == 201 and made["name"] == "fib"
        assert await client.request("GET", f"/functions/{made['function_id'][:8]}") == (200, made)
        status, listed = await client.request("GET", "/functions?module=math")
        assert status == 200 and [f["function_id"] for f in listed] == [made["function_id"]]
        status, hits = await client.request("GET", "/search?q=fib")
        assert (
            status == 200 and hits[0]["function_id"] == made["function_id"] and "«fib»" in hits[0]["snippet"]
        )
        status, project = await client.request("POST", "/projects", {"name": "demo", "user_id": user.user_id})
        assert status == 201 and project["status"] == "creating"
        status, page = await client.request("GET", "/projects?status=creating")
        assert (
            status == 200
            and page["total"] == 1
            and page["projects"][0]["project_id"] == project["project_id"]
        )
        # what a client gets wrong: one line naming the problem, the right status
        status, error = await client.request("POST", "/functions", {"name": " "})
        assert status == 400 and error["error"].startswith("empty function name")
        status, error = await client.request("GET", "/functions/nope")
        assert status == 404 and "nope" in error["error"]
        status, error = await client.request("POST", "/functions", b"{not json")
        assert status == 400 and error["error"].startswith("the body is not JSON")
        status, error = await client.request("POST", "/functions", [1, 2])
        assert status == 400 and "not a JSON object" in error["error"]
        status, error = await client.request("GET", "/functions?limit=many")
        assert status == 400 and "limit='many' is not a whole number" in error["error"]
        status, error = await client.request("POST", "/projects", {"name": "x", "user_id": "nobody"})
        assert status == 404 and "nobody" in error["error"]
        assert (await client.request("DELETE", "/functions"))[0] == 405
        assert (await client.request("GET", "/nothing"))[0] == 404
        status, error = await client.request("POST", "/functions", b"x" * (1 << 20 + 1), chunks=4)
        assert status == 413
        many = await asyncio.gather(
            *(client.request("POST", "/functions", {"name": f"f{n}", "tags": ["many"]}) for n in range(8))
        )  # requests at the same time: a pool's connections on PostgreSQL, turns on SQLite
        assert [status for status, _ in many] == [201] * 8
        assert len((await client.request("GET", "/functions?tag=many"))[1]) == 8
        assert (await life.event("shutdown"))["type"] == "lifespan.shutdown.complete"

    asyncio.run(main())
    with codedb.connect(target) as db:  # what the service wrote is in the database
        assert sorted(s.name for s in db.functions.list()) == [
            "f0",
            "f1",
            "f2",
            "f3",
            "f4",
            "f5",
            "f6",
            "f7",
            "fib",
        ]
        assert db.projects.list().total == 1


def test_the_service_refuses_to_start_on_a_missing_database(tmp_path: Any) -> None:
    missing = tmp_path / "missing.sqlite"
    app = load_app(str(missing))

    async def main() -> dict[str, Any]:
        return await Lifespan(app).event("startup")

    failed = asyncio.run(main())
    assert failed["type"] == "lifespan.startup.failed" and "does not exist; create it" in failed["message"]
    assert not missing.exists()


@pytest.mark.parametrize("path", ["/functions", "/projects"])
def test_requests_before_startup_are_refused(path: str, tmp_path: Any) -> None:
    app = load_app(str(tmp_path / "x.sqlite"))
    status, error = asyncio.run(Client(app).request("GET", path))
    assert status == 503 and "has not started" in error["error"]
