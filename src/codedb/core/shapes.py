"""Records as JSON for the surfaces (HTTP, MCP): an attrs class checked strictly from a JSON
object (422-style messages naming the field), records as JSON-ready values and as JSON text,
and the JSON schema of an annotation, attrs classes becoming named definitions."""

from __future__ import annotations

import json
import math
import types
import typing
from datetime import date, datetime
from typing import Any

import attrs

from ..errors import InvalidInput
from .convert import json_value, to_dict

PRIMITIVE = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "object"}


def parse_body(cls: type, data: Any) -> Any:
    """An instance of the attrs class `cls` from a JSON object, strictly: unknown fields,
    missing ones and wrong types are 422 naming the field (no coercion of "1" to 1)."""
    if not isinstance(data, dict):
        raise InvalidInput(f"the body must be a JSON object with the fields {', '.join(_names(cls))}")
    fields = {field.name: field for field in attrs.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise InvalidInput(f"unknown field {unknown[0]!r:.60}; the fields are {', '.join(fields)}")
    hints = typing.get_type_hints(cls)
    for name, field in fields.items():
        if name not in data:
            if field.default is attrs.NOTHING:
                raise InvalidInput(f"field {name} is required")
            continue
        if not matches(hints[name], data[name]):
            raise InvalidInput(f"field {name} must be {describe(hints[name])}")
    return cls(**data)


def _names(cls: type) -> list[str]:
    return [field.name for field in attrs.fields(cls)]


def _parts(hint: Any) -> tuple[Any, ...]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return typing.get_args(hint)
    return (hint,)


def matches(hint: Any, value: Any) -> bool:
    """Whether a JSON value fits a field's annotation (str, int, float, bool, dict, list,
    Any, and unions of them with None)."""
    for part in _parts(hint):
        origin = typing.get_origin(part) or part
        if part is Any:
            return True
        if part is type(None) and value is None:
            return True
        if origin is bool and isinstance(value, bool):
            return True
        if origin is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if origin is float and isinstance(value, int | float) and not isinstance(value, bool):
            return math.isfinite(value)
        if origin in (str, dict, list) and isinstance(value, origin):
            return True
    return False


def describe(hint: Any) -> str:
    words = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
             dict: "a JSON object", list: "a JSON array", type(None): "null"}  # fmt: skip
    return " or ".join(words.get(typing.get_origin(p) or p, "a JSON value") for p in _parts(hint))


SCALARS = (str, int, float, bool, type(None))


def plain(value: Any) -> Any:
    """An answer as JSON-ready values: records as their fields. Scalars go first: an answer
    of 50 listed functions holds some 500 of them (attrs.has on each cost 1.2 ms a page)."""
    kind = type(value)
    if kind in SCALARS:
        return value
    if kind is dict:
        return {key: item if type(item) in SCALARS else plain(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [item if type(item) in SCALARS else plain(item) for item in value]
    if attrs.has(kind):
        return to_dict(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def json_bytes(value: Any) -> bytes:
    """plain() values as compact JSON: orjson's (the serve extra's), or the standard
    library's, written alike, for what orjson refuses: an integer past 64 bits, which a JSON
    column may hold (Python's integers are whole, and PostgreSQL's jsonb gives the float 1e30
    back as the integer 10**30)."""
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(value, default=_iso, ensure_ascii=False, separators=(",", ":")).encode()


def _iso(value: Any) -> str:
    if isinstance(value, date):  # a datetime too, written as orjson writes it
        return value.isoformat()
    json_value(value)


def schema_of(hint: Any, components: dict[str, Any], refs: str = "#/components/schemas/") -> dict[str, Any]:
    """The JSON schema of an annotation; attrs classes become components referenced by name."""
    if hint is Any or hint is None:
        return {}
    if isinstance(hint, dict):
        return hint
    if hint is type(None):
        return {"type": "null"}
    if hint is datetime:
        return {"type": "string", "format": "date-time"}
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return {"anyOf": [schema_of(part, components, refs) for part in typing.get_args(hint)]}
    origin = typing.get_origin(hint)
    if origin in (list, tuple):
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        return {"type": "array", "items": schema_of(args[0], components, refs) if args else {}}
    if origin is dict:
        return {"type": "object"}
    if attrs.has(hint):
        name = hint.__name__
        if name not in components:
            components[name] = {}  # a placeholder first: a record may refer to itself
            hints = typing.get_type_hints(hint)
            fields = attrs.fields(hint)
            components[name] = {
                "type": "object",
                "properties": {f.name: schema_of(hints[f.name], components, refs) for f in fields if f.repr},
                "required": [f.name for f in fields if f.default is attrs.NOTHING and f.repr],
            }
            if hint.__doc__ and not hint.__doc__.startswith(f"{name}("):
                components[name]["description"] = " ".join(hint.__doc__.split())
        return {"$ref": f"{refs}{name}"}
    return {"type": PRIMITIVE[hint]} if hint in PRIMITIVE else {}
