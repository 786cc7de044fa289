"""The server's rules through a real server: API keys, a database without keys (loopback
only), read-only serving, body limits, hostile requests (it keeps serving, never a
traceback), the JSON API of the other domains, and the OpenAPI document."""

import importlib.util
import json
import random
import socket
from typing import Any
from urllib.parse import quote

import codedb
from codedb.web.app import ENDPOINTS


def _keyed(local: codedb.Database, name: str = "ann") -> tuple[Any, str]:
    user = local.users.add(name, f"{name}@example.com")
    return user, local.users.new_key(user.user_id)


def test_keys_are_required_once_any_exists(serve: Any, local: codedb.Database) -> None:
    ann, key = _keyed(local)
    web = serve()
    bare = web.client.get("/api/v1/projects")
    assert bare.status_code == 401 and "Bearer" in bare.json()["detail"]
    assert bare.headers["www-authenticate"] == "Bearer"
    for header in ("Bearer cdb_nobody.secret", "Basic abc", "Bearer", key, f"Bearer {key}x"):
        answer = web.client.get("/api/v1/projects", headers={"Authorization": header})
        assert answer.status_code == 401, header
        assert key not in answer.text
    good = {"Authorization": f"Bearer {key}"}
    assert web.client.get("/api/v1/projects", headers=good).status_code == 200
    me = web.client.get("/api/v1/users/me", headers=good).json()
    assert me["username"] == "ann" and me["has_api_key"]
    assert not {"api_key_hash", "password_hash"} & set(me) and "scrypt" not in json.dumps(me)
    made = web.client.post("/api/v1/projects", json={"brief": {"project_idea": "x"}}, headers=good).json()
    assert local.projects.get(made["project_id"]).user_id == ann.user_id
    local.users.set_active(ann.user_id, False)
    denied = web.client.get("/api/v1/projects", headers=good)
    assert denied.status_code == 403 and "deactivated" in denied.json()["detail"]


def test_a_database_without_keys_answers_loopback_hosts_only(web: Any) -> None:
    assert web.client.get("/api/v1/projects").status_code == 200
    rebound = web.client.get("/api/v1/projects", headers={"Host": "attacker.example:8000"})
    assert rebound.status_code == 403 and "loopback" in rebound.json()["detail"]
    assert web.client.get("/functions", headers={"Host": "attacker.example"}).status_code == 404
    assert web.client.get("/api/v1/users/me").status_code == 403


def test_read_only_serves_reads_and_refuses_writes(serve: Any, local: codedb.Database) -> None:
    pid = local.projects.create("shop", "").project_id
    web = serve(read_only=True)
    before = local.row_counts()
    assert web.client.get(f"/api/v1/projects/{pid}").status_code == 200
    for method, path, body in (
        ("POST", "/api/v1/projects", {}),
        ("PUT", f"/api/v1/projects/{pid}", {"progress": 5}),
        ("DELETE", f"/api/v1/projects/{pid}", None),
        ("POST", f"/api/v1/projects/{pid}/execute", None),
        ("POST", "/api/v1/functions", {"name": "f"}),
    ):
        answer = web.client.request(method, path, json=body)
        assert answer.status_code == 403 and "read-only" in answer.json()["detail"], path
    assert local.row_counts() == before


def test_bodies_over_the_limit_are_413_and_the_server_goes_on(serve: Any) -> None:
    web = serve(max_body=4096)
    big = {"brief": {"project_idea": "x" * 5000}}
    answer = web.client.post("/api/v1/projects", json=big)
    assert answer.status_code == 413 and "4,096" in answer.json()["detail"]

    def chunks() -> Any:  # no Content-Length: the reader stops at the limit
        for _ in range(100):
            yield b" " * 1000

    streamed = web.client.post("/api/v1/projects", content=chunks())
    assert streamed.status_code == 413
    assert web.client.get("/api/v1/projects").status_code == 200


def test_hostile_requests_never_crash_or_leak(web: Any, local: codedb.Database) -> None:
    pid = local.projects.create("shop", "").project_id
    rng = random.Random(24)
    junk = [
        b"",
        b"{",
        b"[]",
        b"null",
        b'{"brief": "\\ud800"}',
        b'{"a":' * 2000,
        b"\xff\xfe",
        b'{"brief": {}}' * 3,
        b'{"progress": 1e999}',
        b'{"progress": NaN}',
        b'{"status": ["x"]}',
        b'{"error": "\\u0000"}',
    ]
    paths = [
        "/api/v1/projects",
        f"/api/v1/projects/{pid}",
        "/api/v1/clarifications/start",
        "/api/v1/functions",
        "/api/v1/generations/claim",
        "/api/v1/usage",
        "/api/v1/metrics",
        f"/api/v1/projects/{pid}/files",
    ]
    for _ in range(150):
        body = (
            rng.choice(junk)
            if rng.random() < 0.7
            else bytes(rng.randrange(256) for _ in range(rng.randrange(64)))
        )
        answer = web.client.request(rng.choice(["POST", "PUT"]), rng.choice(paths), content=body)
        assert answer.status_code in (200, 201, 400, 403, 404, 405, 409, 413, 422), (body, answer.text)
        assert "Traceback" not in answer.text and answer.headers["content-type"] == "application/json"
        assert "detail" in answer.json() or answer.status_code < 300
    for query in (
        "page=-1",
        "page_size=1e3",
        "page=99999999999999999999",
        "status=%00",
        "order=" + "x" * 20000,
    ):
        assert web.client.get(f"/api/v1/projects?{query}").status_code == 422, query
    assert web.client.get("/api/v1/projects").status_code == 200


def test_an_error_naming_what_was_given_shows_its_controls_as_escapes(web: Any) -> None:
    given = "a\nb\x1b[2J\u202e"
    for path, query in (
        (f"/api/v1/projects/{quote(given)}", {}),
        ("/api/v1/preferences", {"user_id": given}),
        ("/api/v1/history/sessions", {"user_id": given}),
    ):
        answer = web.client.get(path, params=query)
        detail = answer.json()["detail"]
        assert answer.status_code == 404 and "a\\nb\\x1b[2J\\u202e" in detail, (path, detail)
        assert len(detail.splitlines()) == 1 and detail.isprintable(), detail


def test_json_numbers_past_64_bits_are_answered(web: Any, local: codedb.Database) -> None:
    # A JSON column holds any number: Python's integers whole, and PostgreSQL's jsonb gives a
    # float of 1e30 sent over HTTP back as the integer 10**30. orjson writes neither (a 500).
    held = local.projects.create("big", config={"n": 10**30, "m": -(2**64)}).project_id
    sent = web.client.post("/api/v1/projects", json={"brief": {"project_idea": "x", "n": 1e30}})
    assert sent.status_code == 201, sent.text
    listed = web.client.get("/api/v1/projects")
    assert listed.status_code == 200, listed.text
    shown = web.client.get(f"/api/v1/projects/{held}")
    assert shown.status_code == 200 and shown.json()["config"] == {"n": 10**30, "m": -(2**64)}
    assert b'"n":1000000000000000000000000000000' in shown.content  # compact, as orjson writes
    ideas = {p["description"]: p["brief"] for p in listed.json()["projects"]}
    assert float(ideas["x"]["n"]) == 1e30  # the same JSON number (PostgreSQL: the integer)
    # and an integer sent past 64 bits is kept whole (orjson reads it as a float)
    whole = {"project_idea": "y", "n": 2**64 + 1, "m": -(2**63) - 5, "deep": [[0.5, 10**40]]}
    made = web.client.post("/api/v1/projects", content=json.dumps({"brief": whole}))
    assert made.status_code == 201, made.text
    assert local.projects.get(made.json()["project_id"]).brief == whole
    for bad in (
        b'{"brief": {"n": NaN, "k": 100000000000000000000}}',
        b"[" * 100_000 + b"100000000000000000000",
        b'{"brief": {"n": 1' + b"0" * 5000 + b"}}",
    ):
        refused = web.client.post("/api/v1/projects", content=bad)
        assert refused.status_code == 422 and "JSON" in refused.json()["detail"], refused.text


def test_forms_and_cookies_with_other_than_ascii_are_refused_not_a_500(
    serve: Any, local: codedb.Database
) -> None:
    # hmac.compare_digest raises TypeError for a str that is not ASCII: a form's token or a
    # session cookie's signature holding é was an internal error (a 500, the form's bare)
    ann, _ = _keyed(local)
    web = serve()
    for path in ("/login", "/logout", "/costs/dismiss"):
        answer = web.client.post(path, data={"csrf": "é" * 64, "key": "k", "alert_id": "a"})
        assert answer.status_code == 403 and "token" in answer.text, (path, answer.status_code)
    cookie = f"codedb_session={ann.user_id}.9999999999.held.{'é' * 64}".encode("latin-1")
    page = web.client.get("/projects", headers={"cookie": cookie}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_a_slow_client_does_not_hold_the_others(web: Any) -> None:
    with socket.create_connection(("127.0.0.1", web.port)) as slow:
        slow.sendall(b"POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
        assert web.client.get("/api/v1/projects").status_code == 200


def test_the_library_api(web: Any, local: codedb.Database) -> None:
    made = web.client.post(
        "/api/v1/functions",
        json={"name": "fib", "description": "Fibonacci numbers", "code": "def fib(n): ...", "tags": ["math"]},
    )
    assert made.status_code == 201 and made.json()["tags"] == ["math"]
    fid = made.json()["function_id"]
    helper = local.functions.add("helper", "", "def helper(): ...")
    local.dependencies.add(fid, helper.function_id)
    test = local.tests.add(fid, "test_fib")
    assert web.client.get("/api/v1/functions", params={"q": "fibonacci"}).json()[0]["name"] == "fib"
    assert [f["name"] for f in web.client.get("/api/v1/functions", params={"tag": "math"}).json()] == ["fib"]
    deps = web.client.get(f"/api/v1/functions/{fid}/dependencies").json()
    assert [d["name"] for d in deps] == ["helper"]
    assert (
        web.client.get(f"/api/v1/functions/{helper.function_id}/dependents").json()[0]["function_id"] == fid
    )
    result = web.client.post(f"/api/v1/tests/{test.test_id}/results", json={"status": "passed"})
    assert result.status_code == 201
    assert [r["status"] for r in web.client.get(f"/api/v1/functions/{fid}/results").json()] == ["passed"]
    changed = web.client.put(
        f"/api/v1/functions/{fid}", json={"description": "faster", "code": "def fib(n): return n"}
    )
    assert changed.json()["code_snippet"] == "def fib(n): return n"
    history = web.client.get(f"/api/v1/functions/{fid}/history").json()
    assert [(m["modifier"], m["description"]) for m in history] == [("api", "faster")]
    hits = web.client.get("/api/v1/search", params={"q": "fib"}).json()
    assert hits[0]["kind"] == "function" and hits[0]["id"] == fid
    assert web.client.get("/api/v1/search", params={"q": "(fib"}).status_code == 422
    semantic = web.client.get("/api/v1/search", params={"q": "fibonacci numbers", "mode": "semantic"})
    assert semantic.status_code == 409 and "make them with 'codedb embed'" in semantic.json()["detail"]
    assert web.client.get("/api/v1/search", params={"q": "fib", "mode": "nearest"}).status_code == 422
    if importlib.util.find_spec("wordllama"):  # the semantic extra
        from codedb.core.embedding import LocalProvider

        local.functions.embed(LocalProvider())
        by_meaning = web.client.get("/api/v1/search", params={"q": "sequence of sums", "mode": "semantic"})
        assert [h["id"] for h in by_meaning.json() if h["kind"] == "function"][0] == fid
    assert web.client.delete(f"/api/v1/functions/{fid}").json()["status"] == "deleted"
    assert web.client.get(f"/api/v1/functions/{fid}").status_code == 404


def test_per_user_records_belong_to_their_user(serve: Any, local: codedb.Database) -> None:
    ann, ann_key = _keyed(local, "ann")
    bob, _ = _keyed(local, "bob")
    web = serve()
    auth = {"Authorization": f"Bearer {ann_key}"}
    put = web.client.put("/api/v1/preferences/theme", json={"value": {"mode": "dark"}}, headers=auth)
    assert put.status_code == 200 and local.preferences.get(ann.user_id, "theme") == {"mode": "dark"}
    assert web.client.get("/api/v1/preferences/theme", headers=auth).json()["value"] == {"mode": "dark"}
    other = web.client.get("/api/v1/preferences", params={"user_id": bob.user_id}, headers=auth)
    assert other.status_code == 403
    saved = web.client.post(
        "/api/v1/history/messages",
        json={"session_id": "s1", "role": "user", "content": "hello"},
        headers=auth,
    )
    assert saved.status_code == 201
    assert [m["content"] for m in web.client.get("/api/v1/history/sessions/s1", headers=auth).json()] == [
        "hello"
    ]
    assert web.client.get("/api/v1/history/sessions", headers=auth).json()[0]["session_id"] == "s1"
    metric = web.client.post("/api/v1/metrics", json={"operation": "gen", "duration_ms": 12.5}, headers=auth)
    assert metric.status_code == 201
    assert web.client.get("/api/v1/metrics/summary", headers=auth).json()[0]["p50_ms"] == 12.5
    usage = web.client.post(
        "/api/v1/usage", json={"provider": "openai", "model": "gpt", "cost": 0.25}, headers=auth
    )
    assert usage.status_code == 201
    assert web.client.get("/api/v1/costs", headers=auth).json()[0]["cost"] == 0.25
    bad = web.client.post("/api/v1/metrics", json={"operation": "gen", "duration_ms": "slow"}, headers=auth)
    assert bad.status_code == 422 and "duration_ms" in bad.json()["detail"]


def test_templates_api(web: Any, local: codedb.Database) -> None:
    local.templates.publish("flask-app", "app = Flask(__name__)", description="a web app", tags=["web"])
    listed = web.client.get("/api/v1/templates", params={"q": "web"}).json()
    assert [t["name"] for t in listed] == ["flask-app"]
    assert web.client.get("/api/v1/templates/flask-app").json()["latest_version"] == 1
    assert "Flask" in web.client.get("/api/v1/templates/flask-app/content").json()["content"]
    ann = local.users.add("ann", "ann@example.com")
    url, who = "/api/v1/templates/flask-app/ratings", {"user_id": ann.user_id}
    too_high = web.client.post(url, json={"rating": 6}, params=who)
    assert too_high.status_code == 422 and "rating" in too_high.json()["detail"]
    assert web.client.post(url, json={"rating": 4}, params=who).json()["rating"] == 4.0
    assert web.client.post(url, json={"rating": 4}).status_code == 403  # whose rating?


def test_openapi_describes_every_route_from_the_records(web: Any) -> None:
    doc = web.client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    described = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    assert described == {(e.method, e.path.replace(":path}", "}")) for e in ENDPOINTS}
    schemas = doc["components"]["schemas"]
    project = schemas["YagoProject"]["properties"]
    assert {"primary_model", "project_path", "errors", "logs"} <= set(project)
    assert "api_key_hash" not in schemas["User"]["properties"]
    refs = {ref.rsplit("/", 1)[1] for ref in _refs(doc["paths"])}
    assert refs <= set(schemas)
    page = web.client.get("/docs")
    assert page.status_code == 200 and "/api/v1/projects/{project_id}/execute" in page.text


def _refs(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "$ref"] + [r for v in value.values() for r in _refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


def test_unknown_routes_and_methods_answer_json(web: Any) -> None:
    missing = web.client.get("/api/v1/nothing")
    assert missing.status_code == 404 and missing.json()["detail"]
    wrong = web.client.patch("/api/v1/projects")
    assert wrong.status_code == 405 and wrong.json()["detail"]
    assert web.client.get("/api/v1/projects").headers["x-content-type-options"] == "nosniff"


def test_quick_sqlite_reads_run_on_the_loop_and_the_rest_in_threads(serve: Any, backend: str) -> None:
    web = serve()
    server = web.server.config.app.state.server
    by_path = {(e.method, e.path): e for e in ENDPOINTS}
    get_one = by_path[("GET", "/api/v1/functions/{function_id}")]
    listing = by_path[("GET", "/api/v1/functions")]
    write = by_path[("POST", "/api/v1/functions")]
    assert web.client.get("/api/v1/functions").status_code == 200  # the key count is fresh
    sqlite = backend == "sqlite"
    assert server.runs_inline(get_one, None, {}) is sqlite
    assert server.runs_inline(listing, None, {"q": None, "contains": None}) is sqlite
    assert not server.runs_inline(listing, None, {"q": "fib", "contains": None})  # a search
    assert not server.runs_inline(write, None, {})
    assert not server.runs_inline(get_one, "Bearer cdb_never.seen", {})  # scrypt, in a thread


def test_a_database_side_failure_is_a_5xx_not_the_clients_fault(
    web: Any, local: codedb.Database, backend: str
) -> None:
    # Regression: a failure of the database, not of the request (here a value another program
    # wrote that codedb cannot read; a lock held too long, a full disk), was answered 400 Bad
    # Request when the domain API had translated the driver's error, and 503 when it had not.
    project = local.projects.create("shop", "a shop")
    if backend == "sqlite":  # SQLite keeps any value in any column
        local.conn.execute(
            "UPDATE projects SET created_at = 'yesterday' WHERE project_id = ?", [project.project_id]
        )
    else:  # PostgreSQL: a time no record holds (Python's end at year 9999)
        local.conn.execute(
            "UPDATE projects SET created_at = 'infinity' WHERE project_id = %s", [project.project_id]
        )
        local.conn.commit()
    answer = web.client.get(f"/api/v1/projects/{project.project_id}")
    detail = answer.json()["detail"]
    assert answer.status_code == 503 and len(detail.splitlines()) == 1, (answer.status_code, detail)
    assert "created_at" in detail or "infinity" in detail, detail
