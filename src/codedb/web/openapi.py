"""The OpenAPI 3.1 document, made from the route table and the attrs records (their field
names and annotations), never written by hand; and /docs, a page that lists it."""

from __future__ import annotations

import re
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from ..core.shapes import PRIMITIVE, schema_of
from .endpoint import Endpoint, Param
from .html import render

ERRORS = {
    "400": "an id prefix matching several records",
    "401": "no API key, or not a valid one",
    "403": "a deactivated user, another user's records, or a read-only server",
    "404": "not found",
    "409": "a conflict: a duplicate, a lifecycle move not allowed, a claim not held",
    "413": "the body is too large",
    "422": "a field or parameter that is missing, unknown, of the wrong type or out of range",
}


def _parameter(param: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": PRIMITIVE[param.kind]}
    if param.default is not None:
        schema["default"] = param.default
    if param.minimum is not None:
        schema["minimum"] = param.minimum
    if param.maximum is not None:
        schema["maximum"] = param.maximum
    if param.choices:
        schema["enum"] = list(param.choices)
    return {"name": param.name, "in": "query", "required": False, "schema": schema, "description": param.help}


def operation(endpoint: Endpoint, components: dict[str, Any]) -> dict[str, Any]:
    names = re.findall(r"{(\w+)(?::path)?}", endpoint.path)
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in names
    ]
    parameters += [_parameter(param) for param in endpoint.query]
    answer = schema_of(endpoint.answer, components) if endpoint.answer is not None else {}
    made: dict[str, Any] = {
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "operationId": endpoint.method.lower()
        + "_"
        + re.sub(r"[^a-z0-9]+", "_", endpoint.path.lower()).strip("_"),
        "parameters": parameters,
        "responses": {
            str(endpoint.status): {
                "description": "done",
                "content": {"application/json": {"schema": answer}},
            },
            **{
                code: {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
                for code, text in ERRORS.items()
            },
        },
    }
    if endpoint.body is not None:
        made["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema_of(endpoint.body, components)}},
        }
    if endpoint.writes:
        made["description"] = "Changes data: refused (403) by a read-only server."
    return made


def document(endpoints: tuple[Endpoint, ...]) -> dict[str, Any]:
    from .. import __version__

    components: dict[str, Any] = {
        "Error": {
            "type": "object",
            "properties": {"detail": {"type": "string", "description": "one line: the problem and the fix"}},
            "required": ["detail"],
        }
    }
    paths: dict[str, Any] = {}
    for endpoint in endpoints:
        path = endpoint.path.replace(":path}", "}")
        paths.setdefault(path, {})[endpoint.method.lower()] = operation(endpoint, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "codedb",
            "version": __version__,
            "description": "YAGO's project routes and codedb's JSON API. Every request carries "
            "'Authorization: Bearer <API key>' when the database has keys.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


def routes(endpoints: tuple[Endpoint, ...]) -> list[BaseRoute]:
    made = document(endpoints)
    encoded = orjson.dumps(made)

    async def openapi_json(request: Request) -> Response:
        return Response(encoded, media_type="application/json")

    async def docs(request: Request) -> Response:
        return HTMLResponse(render("docs.html", request, doc=made, user=None))

    return [Route("/openapi.json", openapi_json), Route("/docs", docs)]
