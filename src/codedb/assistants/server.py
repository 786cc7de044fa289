"""codedb over the Model Context Protocol, with the official SDK's low-level server: the
tool table of assistants.legacy and assistants.domains (schemas and hints generated from
their attrs classes, listed a page at a time), resources (a function's code, a project and
its files, templates, the modules and tags), and the calls, each one transaction in a worker
thread on the server's one connection: a client that goes away mid-call leaves the change
whole or absent. Nothing but protocol messages goes to stdout."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote, unquote

import attrs
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from .. import __version__
from ..core.db import Database, connect
from ..core.shapes import json_bytes, parse_body, plain, schema_of
from ..core.target import mask, resolve_target
from ..errors import CodedbError, InvalidInput, NotFound, describe_driver_error, one_line
from . import domains, legacy
from .tool import Tool

TOOLS: tuple[Tool, ...] = legacy.TOOLS + domains.TOOLS
PAGE = 20  # tools and resources listed per page
log = logging.getLogger("codedb.mcp")
ENVELOPE = {
    "type": "object",
    "properties": {
        "ok": {"type": "boolean"},
        "result": {},
        "error": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "message": {"type": "string"},
                "suggested_action": {"type": "string"},
                "details": {},
            },
        },
    },
    "required": ["ok"],
}
INSTRUCTIONS = (
    "codedb keeps a library of code functions and the records of AI coding tools. The old code_db "
    "tool's tools answer {ok, result} envelopes; the others answer records. Resources: "
    "codedb://functions/{id}, codedb://projects/{id}, codedb://projects/{id}/files/{path}, "
    "codedb://templates/{id}, codedb://modules, codedb://tags."
)


def object_schema(hint: Any) -> dict[str, Any]:
    """A JSON schema with an object at its root: an attrs class inline, a list as {"items"},
    the classes it refers to under $defs."""
    defs: dict[str, Any] = {}
    if isinstance(hint, type) and attrs.has(hint):
        schema_of(hint, defs, "#/$defs/")
        root = dict(defs.pop(hint.__name__))
    else:
        root = {
            "type": "object",
            "properties": {"items": schema_of(hint, defs, "#/$defs/")},
            "required": ["items"],
        }
    if defs:
        root["$defs"] = defs
    return root


def listing(tool: Tool) -> types.Tool:
    output = ENVELOPE if tool.legacy else object_schema(tool.answer) if tool.answer is not None else None
    return types.Tool(
        name=tool.name,
        description=tool.description,
        input_schema=object_schema(tool.arguments),
        output_schema=output,
        annotations=types.ToolAnnotations(
            read_only_hint=tool.reads,
            destructive_hint=tool.destructive,
            idempotent_hint=tool.idempotent,
            open_world_hint=False,
        ),
    )


def _text(value: Any) -> list[types.ContentBlock]:
    """The answer as JSON text too, for clients that read no structured content."""
    return [types.TextContent(text=json_bytes(value).decode())]


def _start(params: types.PaginatedRequestParams | None) -> int:
    """Where a listing's page starts: its cursor is the offset."""
    cursor = params.cursor if params else None
    return int(cursor) if cursor and cursor.isdigit() else 0


def _page(start: int, total: int) -> tuple[int, str | None]:
    """The start of a listing's page and the next page's cursor."""
    following = start + PAGE
    return start, str(following) if following < total else None


def code_type(code: str) -> str:
    if "def " in code or "import " in code:
        return "text/x-python"
    if "function " in code and "end" in code:
        return "text/x-julia"
    return "text/plain"


MIME = {
    "py": "text/x-python",
    "jl": "text/x-julia",
    "js": "text/javascript",
    "ts": "text/x-typescript",
    "md": "text/markdown",
    "json": "application/json",
    "html": "text/html",
    "css": "text/css",
    "sql": "application/sql",
    "txt": "text/plain",
    "toml": "application/toml",
    "yaml": "application/yaml",
}


class Assistant:
    """One database served to an MCP client: its tools (only those that read, read-only; none
    that reads or writes a file it is given, without `files`: over HTTP), its connection,
    opened on the first call, used by one worker thread at a time."""

    def __init__(self, target: Any = None, *, read_only: bool = False, files: bool = True):
        import anyio

        self.target = resolve_target(target)
        self.read_only = read_only
        self.files = files
        self.tools = tuple(
            tool for tool in TOOLS if (tool.reads or not read_only) and (files or not tool.files)
        )
        self.by_name = {tool.name: tool for tool in self.tools}
        self.limiter = anyio.CapacityLimiter(1)
        self._db: Database | None = None

    def db(self) -> Database:
        if self._db is None:
            from ..schema.migrations import require_schema

            db = connect(self.target, create=False, readonly=self.read_only)
            try:
                require_schema(db, current=True)
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    async def run(self, fn: Any, *args: Any) -> Any:
        import anyio.to_thread

        return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)

    # --- tools ------------------------------------------------------------------------------

    async def list_tools(
        self, ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        start, following = _page(_start(params), len(self.tools))
        return types.ListToolsResult(
            tools=[listing(tool) for tool in self.tools[start : start + PAGE]], next_cursor=following
        )

    async def call_tool(self, ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = self.by_name.get(params.name)
        if tool is None:
            known = {t.name: t for t in TOOLS}.get(params.name)
            hidden = ""
            if known is not None and known.files and not self.files:
                hidden = (
                    " (it reads or writes a file on the server's disk: not served over HTTP; "
                    "run 'codedb mcp' on the machine that holds the file)"
                )
            elif known is not None and self.read_only:
                hidden = " (this server is read-only)"
            raise MCPError(code=types.METHOD_NOT_FOUND, message=f"unknown tool {params.name!r:.60}{hidden}")
        given = params.arguments or {}
        missing = [
            f.name for f in attrs.fields(tool.arguments) if f.default is attrs.NOTHING and f.name not in given
        ]
        if tool.legacy and missing:
            raise MCPError(
                code=types.INVALID_PARAMS, message=f"{tool.name}: missing required argument {missing[0]}"
            )
        try:
            arguments = parse_body(tool.arguments, given)
            result = await self.run(lambda: plain(tool.call(self.db(), arguments)))
        except legacy.Failed as exc:
            return self._error(tool, exc.envelope)
        except CodedbError as exc:
            kind = "FunctionNotFound" if tool.legacy and isinstance(exc, NotFound) else type(exc).__name__
            return self._error(tool, {"type": kind, "message": mask(str(exc))})
        except Exception as exc:  # a driver's error a user can cause, else a bug: one line either way
            message = describe_driver_error(exc)
            if message is None:
                log.exception("tool %s failed", tool.name)
                message = f"{type(exc).__name__}: the call failed; the server's log (stderr) has the details"
            await self.run(self.close)
            return self._error(tool, {"type": "DatabaseError", "message": mask(message)})
        return types.CallToolResult(content=_text(result), structured_content=result)

    def _error(self, tool: Tool, error: dict[str, Any]) -> types.CallToolResult:
        error = {**error, "message": one_line(error["message"])}  # naming what was given as it is
        structured = {"ok": False, "error": error} if tool.legacy else {"error": error}
        return types.CallToolResult(content=_text(structured), structured_content=structured, is_error=True)

    # --- resources --------------------------------------------------------------------------

    async def list_resources(
        self, ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        def listed() -> tuple[list[types.Resource], list[types.Resource]]:
            fixed = [
                types.Resource(
                    uri="codedb://modules",
                    name="modules",
                    mime_type="application/json",
                    description="The modules and how many functions each holds",
                ),
                types.Resource(
                    uri="codedb://tags",
                    name="tags",
                    mime_type="application/json",
                    description="The tags and how many functions carry each",
                ),
            ]
            functions = [
                types.Resource(
                    uri=f"codedb://functions/{f.function_id}",
                    name=f.name,
                    description=f.description[:200],
                    mime_type=code_type(f.code_snippet),
                )
                for f in self.db().functions.list(limit=PAGE, offset=offset)
            ]
            return (fixed if offset == 0 else []), functions

        offset = _start(params)
        fixed, functions = await self.run(listed)
        more = len(functions) == PAGE
        return types.ListResourcesResult(
            resources=fixed + functions, next_cursor=str(offset + PAGE) if more else None
        )

    async def list_resource_templates(
        self, ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        made = [
            types.ResourceTemplate(
                uri_template="codedb://functions/{function_id}",
                name="function",
                description="A function's code, in its language's MIME type",
            ),
            types.ResourceTemplate(
                uri_template="codedb://projects/{project_id}",
                name="project",
                description="A project with its counts and its files",
                mime_type="application/json",
            ),
            types.ResourceTemplate(
                uri_template="codedb://projects/{project_id}/files/{path}",
                name="project file",
                description="A file a project's generation wrote",
            ),
            types.ResourceTemplate(
                uri_template="codedb://templates/{template}",
                name="template",
                description="A template's latest content",
            ),
        ]
        return types.ListResourceTemplatesResult(resource_templates=made)

    async def read_resource(
        self, ctx: Any, params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        uri = str(params.uri)
        try:
            text, mime = await self.run(self._read, uri)
        except CodedbError as exc:
            raise MCPError(code=types.INVALID_PARAMS, message=one_line(mask(str(exc)))) from None
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, text=text, mime_type=mime)]
        )

    def _read(self, uri: str) -> tuple[str, str]:
        db = self.db()
        scheme, _, rest = uri.partition("://")
        parts = [unquote(p) for p in rest.split("/")]
        if scheme != "codedb" or not parts[0]:
            raise InvalidInput(f"unknown resource {uri!r:.80}; the resources start with codedb://")
        kind = parts[0]
        if kind in ("modules", "tags") and len(parts) == 1:
            found = db.modules.list() if kind == "modules" else db.tags.list()
            return json.dumps(plain(found), ensure_ascii=False), "application/json"
        if kind == "functions" and len(parts) == 2:
            function = db.functions.get(db.functions.resolve(parts[1]))
            return function.code_snippet, code_type(function.code_snippet)
        if kind == "projects" and len(parts) == 2:
            project_id = db.projects.resolve(parts[1])
            doc = {
                **plain(db.projects.overview(project_id)),
                "files": [
                    {
                        "path": f.path,
                        "size": f.size,
                        "lines": f.lines,
                        "uri": f"codedb://projects/{project_id}/files/{quote(f.path)}",
                    }
                    for f in db.generated_files.list(project_id)
                ],
            }
            return json.dumps(doc, ensure_ascii=False, default=str), "application/json"
        if kind == "projects" and len(parts) >= 4 and parts[2] == "files":
            project_id = db.projects.resolve(parts[1])
            file = db.generated_files.get(project_id, "/".join(parts[3:]))
            return file.content, MIME.get(file.path.rpartition(".")[2].lower(), "text/plain")
        if kind == "templates" and len(parts) == 2:
            template_id = db.templates.resolve(parts[1])
            return db.templates.version(template_id).content, "text/plain"
        raise InvalidInput(f"unknown resource {uri!r:.80}; list the resource templates")

    def server(self) -> Server[Any]:
        return Server(
            "codedb",
            version=__version__,
            instructions=INSTRUCTIONS,
            on_list_tools=self.list_tools,
            on_call_tool=self.call_tool,
            on_list_resources=self.list_resources,
            on_list_resource_templates=self.list_resource_templates,
            on_read_resource=self.read_resource,
        )


async def serve_stdio(assistant: Assistant) -> None:
    """Serve MCP over this process's stdin and stdout until the client closes them."""
    from mcp.server.stdio import stdio_server

    server = assistant.server()
    try:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())
    finally:
        assistant.close()
