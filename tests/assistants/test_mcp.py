"""`codedb mcp`'s server driven by the MCP SDK's own client, in this process (the SDK's memory
streams) and as a real process over stdio (read-only mode, a client that goes away), and
the same server over HTTP at /mcp of `codedb serve`, on SQLite and PostgreSQL: every tool
listed with its schemas and hints, the old tool's tools with its argument names and
envelope, the other domains' tools, resources, read-only mode and bad calls."""

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

import codedb
from mcpsession import with_session

LEGACY = {
    "list_functions",
    "get_function",
    "add_function",
    "modify_function",
    "delete_function",
    "search_functions",
    "export_function",
    "import_function",
    "coverage_report",
    "list_dependencies",
    "remove_dependency",
    "find_cycles",
    "detect_recursion",
    "visualize_dependencies",
    "generate_function_doc",
    "list_code_db_commands",
    "semantic_search",
}


async def all_tools(session: Any) -> list[Any]:
    found, cursor = [], None
    while True:
        from mcp_types import PaginatedRequestParams

        page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor) if cursor else None)
        found += page.tools
        cursor = page.next_cursor
        if not cursor:
            return found


def test_every_tool_is_listed_with_its_schemas_and_hints(ready_target: str) -> None:
    from codedb.assistants.server import TOOLS  # the MCP SDK's import takes 1 s: not at collection

    async def body(session: Any) -> None:
        tools = {tool.name: tool for tool in await all_tools(session)}
        assert set(tools) == {tool.name for tool in TOOLS} and set(tools) >= LEGACY
        for tool in tools.values():
            assert tool.description and tool.input_schema["type"] == "object"
            assert tool.output_schema is None or tool.output_schema["type"] == "object"
            assert tool.annotations is not None and tool.annotations.read_only_hint is not None
        assert tools["get_function"].input_schema["required"] == ["id"]
        assert set(tools["add_function"].input_schema["required"]) == {"name", "description", "code"}
        assert tools["delete_function"].annotations.destructive_hint
        assert not tools["delete_function"].annotations.read_only_hint
        assert tools["search"].annotations.read_only_hint
        project = tools["show_project"].output_schema
        assert "project" in project["properties"] and "Project" in project["$defs"]

    with_session(ready_target, body)


def test_the_old_tools_keep_their_names_arguments_and_envelope(ready_target: str, tmp_path: Path) -> None:
    exported, dot = tmp_path / "fib.json", tmp_path / "deps.dot"

    async def body(session: Any) -> None:
        async def call(tool: str, /, **arguments: Any) -> dict[str, Any]:
            answer = await session.call_tool(tool, arguments)
            assert answer.structured_content == json.loads(answer.content[0].text)
            return dict(answer.structured_content)

        added = await call(
            "add_function",
            name="fib",
            description="Fibonacci",
            code='def fib(n):\n    """The nth."""\n    return fib(n - 1)\n',
            modules=["math"],
            tags=["recursion"],
        )
        fid = added["function_id"]
        assert added["ok"] and added["result"] == {"function_id": fid}
        helper = (await call("add_function", name="helper", description="", code="def helper(): pass"))[
            "function_id"
        ]
        with codedb.connect(ready_target) as db:
            db.dependencies.add(fid, helper)
        listed = await call("list_functions", module="math")
        assert listed["count"] == 1 and listed["result"][0]["name"] == "fib"
        got = await call("get_function", id=fid)
        assert got["result"]["code"].startswith("def fib") and got["result"]["tags"] == ["recursion"]
        found = await call("search_functions", query="FIBON")
        assert (found["query"], found["result_count"]) == ("FIBON", 1)
        deps = await call("list_dependencies", function_id=fid)
        assert deps["result"] == {"dependencies": [helper]} and deps["dependency_count"] == 1
        cycles = await call("find_cycles")
        assert cycles == {"ok": True, "result": {"cycles": []}, "cycle_count": 0}  # codedb refuses cycles
        recursion = await call("detect_recursion", function_id=fid)
        assert recursion["result"]["direct"] and recursion["function_id"] == fid
        doc = await call("generate_function_doc", function_id=fid)
        assert doc["format"] == "markdown" and "The nth." in doc["result"]["doc"]
        as_json = await call("generate_function_doc", function_id=fid, format="json")
        assert as_json["result"]["doc"]["modules"] == ["math"]
        drawn = await call("visualize_dependencies", file=str(dot), return_content=True)
        assert drawn["result"]["written"] and f'"{fid}" -> "{helper}"' in drawn["result"]["content"]
        again = await session.call_tool("visualize_dependencies", {"file": str(dot)})
        assert again.is_error and again.structured_content["error"]["type"] == "FileExists"
        out = await call("export_function", function_id=fid, file=str(exported))
        assert out["ok"] and out["sha256"] and exported.exists()
        assert (await call("remove_dependency", function_id=fid, depends_on_id=helper))["ok"]
        assert (await call("modify_function", id=fid, modifier="ann", description="faster", code="x"))[
            "result"
        ] == {"status": "modified"}
        coverage = await call("coverage_report")
        assert coverage["function_count"] == 2
        commands = await call("list_code_db_commands")
        assert "mcp" in commands["result"]["commands"] and commands["command_count"] > 20
        assert (await call("delete_function", function_id=fid))["result"] == {"deleted": True}
        imported = await call("import_function", file=str(exported))
        assert imported["ok"] and imported["function_id"] != fid
        for name, arguments, kind in (
            ("get_function", {"id": "nope"}, "FunctionNotFound"),
            ("delete_function", {"function_id": "nope"}, "FunctionNotFound"),
            ("list_dependencies", {"function_id": "nope"}, "FunctionNotFound"),
            ("remove_dependency", {"function_id": helper, "depends_on_id": "nope"}, "DependencyNotFound"),
            ("import_function", {"file": str(tmp_path / "none.json")}, "FileNotFound"),
            ("add_function", {"name": "", "description": "", "code": ""}, "InvalidInput"),
            ("get_function", {"id": 5}, "InvalidInput"),
        ):
            answer = await session.call_tool(name, arguments)
            assert answer.is_error, name
            assert (
                answer.structured_content["ok"] is False
                and answer.structured_content["error"]["type"] == kind
            )
            assert answer.structured_content["error"]["message"]
        from mcp.shared.exceptions import MCPError

        with pytest.raises(MCPError) as missing:
            await session.call_tool("get_function", {})
        assert missing.value.error.code == -32602
        with pytest.raises(MCPError) as unknown:
            await session.call_tool(
                "generate_function", {"prompt": "x"}
            )  # ran a language model: not provided
        assert unknown.value.error.code == -32601
        assert (await call("list_functions"))["ok"]  # it kept serving

    with_session(ready_target, body)


def test_the_domains_tools_and_resources(ready_target: str) -> None:
    with codedb.connect(ready_target) as db:
        fid = db.functions.add(
            "fib", "Fibonacci numbers", "def fib(n):\n    return n\n", ["math"]
        ).function_id
        pid = db.projects.create("shop", "a book shop").project_id
        db.generated_files.save(pid, "src/app.py", "print(1)\n")
        db.templates.publish("flask-app", "app = Flask(__name__)", description="web")
        user = db.users.add("ann", "ann@example.com").user_id

    async def body(session: Any) -> None:
        async def call(tool: str, /, **arguments: Any) -> Any:
            answer = await session.call_tool(tool, arguments)
            assert not answer.is_error, answer.content
            return answer.structured_content

        assert (await call("search", query="fibonacci"))["items"][0]["id"] == fid
        page = await call("list_projects", limit=1)
        assert [p["name"] for p in page["projects"]] == ["shop"] and page["total"] == 1
        shown = await call("show_project", project="shop")
        assert shown["files"] == 1 and shown["project"]["project_id"] == pid
        moved = await call("move_project", project=pid, action="start")
        assert moved["status"] == "in_progress"
        assert (await call("project_events", project=pid))["items"][0]["action"] == "start"
        await call("save_message", user_id=user, session_id="s1", role="user", content="remember: tabs")
        assert [m["content"] for m in (await call("session_messages", session_id="s1"))["items"]] == [
            "remember: tabs"
        ]
        assert (await call("user_sessions", user_id=user))["items"][0]["session_id"] == "s1"
        await call("set_preference", user_id=user, key="indent", value={"tabs": True})
        assert (await call("get_preference", user_id=user, key="indent")) == {
            "key": "indent",
            "value": {"tabs": True},
            "found": True,
        }
        assert (await call("get_preference", user_id=user, key="none"))["found"] is False
        await call("record_metric", operation="gen", duration_ms=12.0)
        assert (await call("metrics_summary"))["items"][0]["operation"] == "gen"
        assert (await call("show_template", template="flask-app"))["content"] == "app = Flask(__name__)"
        assert (await call("claim_generation", worker="w"))["generation"] is None
        made = await call("create_project", name="blog", description="a blog")
        with codedb.connect(ready_target) as db:
            db.generations.queue(made["project_id"])
        claimed = (await call("claim_generation", worker="w", lease=60))["generation"]
        assert claimed["project_id"] == made["project_id"] and claimed["claimed_by"] == "w"
        saved = await call(
            "save_generated_file", project="blog", path="index.html", content="<h1>blog</h1>\n"
        )
        assert saved["lines"] == 1
        done = await call("complete_generation", generation_id=claimed["generation_id"], worker="w", cost=0.5)
        assert done["status"] == "completed"
        assert (await call("show_project", project="blog"))["project"]["status"] == "completed"
        assert [t["name"] for t in (await call("search_templates", query="web"))["items"]] == ["flask-app"]
        assert (await call("cost_report", by="provider"))["items"] == []
        assert (await call("cost_alerts"))["items"] == []
        bad = await session.call_tool("move_project", {"project": pid, "action": "fly"})
        assert bad.is_error and "unknown action" in bad.structured_content["error"]["message"]
        # an error naming what was given shows its control characters as escapes, in one line
        for tool, arguments in (
            ("show_project", {"project": "a\nb\x1b[2J"}),
            ("get_function", {"id": "a\nb\x1b[2J"}),
        ):
            named = await session.call_tool(tool, arguments)
            message = named.structured_content["error"]["message"]
            assert named.is_error and "a\\nb\\x1b[2J" in message and "\n" not in message, message
        typed = await session.call_tool("search", {"query": "fib", "limit": "ten"})
        assert typed.is_error and "limit" in typed.structured_content["error"]["message"]
        resources = await session.list_resources()
        uris = {str(r.uri) for r in resources.resources}
        assert {"codedb://modules", "codedb://tags", f"codedb://functions/{fid}"} <= uris
        code = (await session.read_resource(f"codedb://functions/{fid}")).contents[0]
        assert code.text.startswith("def fib") and code.mime_type == "text/x-python"
        project = json.loads((await session.read_resource(f"codedb://projects/{pid}")).contents[0].text)
        assert project["files"][0]["uri"] == f"codedb://projects/{pid}/files/src/app.py"
        file = (await session.read_resource(f"codedb://projects/{pid}/files/src/app.py")).contents[0]
        assert file.text == "print(1)\n" and file.mime_type == "text/x-python"
        assert (
            json.loads((await session.read_resource("codedb://modules")).contents[0].text)[0]["name"]
            == "math"
        )
        templates = (await session.list_resource_templates()).resource_templates
        assert {t.uri_template for t in templates} >= {
            "codedb://functions/{function_id}",
            "codedb://templates/{template}",
        }
        from mcp.shared.exceptions import MCPError

        with pytest.raises(MCPError):
            await session.read_resource("codedb://functions/none")

    with_session(ready_target, body)


def test_read_only_lists_and_runs_only_reads(ready_target: str) -> None:
    async def body(session: Any) -> None:
        tools = await all_tools(session)
        assert tools and all(tool.annotations.read_only_hint for tool in tools)
        assert {"get_function", "search"} <= {tool.name for tool in tools}
        from mcp.shared.exceptions import MCPError

        with pytest.raises(MCPError, match="read-only"):
            await session.call_tool("add_function", {"name": "x", "description": "", "code": ""})

    with_session(ready_target, body, read_only=True, process=True)
    with codedb.connect(ready_target) as db:
        assert db.functions.count() == 0


def test_mcp_over_http_behind_the_api_keys(serve: Any, local: codedb.Database, tmp_path: Path) -> None:
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client
    from mcp.shared.exceptions import MCPError

    user = local.users.add("ann", "ann@example.com")
    key = local.users.new_key(user.user_id)
    fid = local.functions.add("fib", "Fibonacci", "def fib(n): ...").function_id
    local.templates.publish("flask-app", "app = Flask(__name__)")
    files = tmp_path / "files"
    files.mkdir()
    secret = files / "secret.json"
    secret.write_text('{"name": "stolen", "description": "", "code_snippet": "x"}')
    web = serve()
    bare = web.client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert bare.status_code == 401 and "Bearer" in bare.json()["detail"]

    async def main() -> None:
        client = create_mcp_http_client(headers={"Authorization": f"Bearer {key}"})
        async with client, streamable_http_client(f"{web.url}/mcp", http_client=client) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                await session.initialize()
                listed = {tool.name for tool in await all_tools(session)}
                assert "get_function" in listed
                # The server's disk is not the client's: no tool reads or writes a file there.
                touching = {"export_function", "import_function", "visualize_dependencies"}
                touching.add("install_template")
                assert not listed & touching
                for tool, arguments in (
                    ("install_template", {"template": "flask-app", "dest": str(files / "t.py")}),
                    ("export_function", {"function_id": fid, "file": str(files / "f.json")}),
                    ("visualize_dependencies", {"file": str(files / "d.dot")}),
                    ("import_function", {"file": str(secret)}),
                ):
                    with pytest.raises(MCPError, match="not served over HTTP"):
                        await session.call_tool(tool, arguments)
                assert [p.name for p in files.iterdir()] == ["secret.json"]
                found = await session.call_tool("search_functions", {"query": "fib"})
                assert found.structured_content["result_count"] == 1

    anyio.run(main)


def test_a_client_that_goes_away_mid_call_leaves_nothing_half_written(ready_target: str) -> None:
    """A raw client writes a call and closes the pipe at once: the function is there with its
    modules and tags, or not at all."""
    import subprocess

    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
    ] + [
        {
            "jsonrpc": "2.0",
            "id": 2 + n,
            "method": "tools/call",
            "params": {
                "name": "add_function",
                "arguments": {
                    "name": f"f{n}",
                    "description": "",
                    "code": "pass",
                    "modules": ["m1", "m2"],
                    "tags": ["t1", "t2"],
                },
            },
        }
        for n in range(20)
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", "codedb", "--db", ready_target, "mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    process.stdin.write(b"".join(json.dumps(m).encode() + b"\n" for m in messages))
    process.stdin.close()  # gone, without waiting for an answer
    process.wait(30)
    assert b"Traceback" not in (process.stderr.read() if process.stderr else b"")
    with codedb.connect(ready_target) as db:
        for summary in db.functions.list():
            assert (summary.modules, summary.tags) == (("m1", "m2"), ("t1", "t2")), summary.name


def test_semantic_search_answers_in_the_old_envelope(ready_target: str) -> None:
    pytest.importorskip("wordllama", reason="the semantic extra is not installed")
    from codedb.core.embedding import LocalProvider

    with codedb.connect(ready_target) as db:
        db.functions.add("quicksort_inplace", "Sorts an array of integers in place", "def q(a): ...")
        db.functions.add("send_email", "Deliver a message through an SMTP server", "def s(to): ...")

    async def body(session: Any) -> None:
        refused = await session.call_tool("semantic_search", {"query": "sort numbers"})
        assert refused.is_error and refused.structured_content["ok"] is False
        assert refused.structured_content["error"]["type"] == "Conflict"
        assert "make them with 'codedb embed'" in refused.structured_content["error"]["message"]
        with codedb.connect(ready_target) as db:  # the server sees the vectors made meanwhile
            db.functions.embed(LocalProvider())
        answer = await session.call_tool("semantic_search", {"query": "sort numbers", "top_k": 1})
        found = answer.structured_content
        assert found["ok"] and (found["query"], found["result_count"]) == ("sort numbers", 1)
        assert found["result"][0]["name"] == "quicksort_inplace" and 0 < found["result"][0]["score"] <= 1

    with_session(ready_target, body)


def test_json_numbers_past_64_bits_are_answered(ready_target: str) -> None:
    with codedb.connect(ready_target) as db:
        pid = db.projects.create("big", config={"n": 10**30}).project_id

    async def body(session: Any) -> None:
        answer = await session.call_tool("show_project", {"project": pid})
        assert not answer.is_error, answer.content
        assert answer.structured_content["project"]["config"] == {"n": 10**30}
        assert json.loads(answer.content[0].text)["project"]["config"] == {"n": 10**30}

    with_session(ready_target, body)
