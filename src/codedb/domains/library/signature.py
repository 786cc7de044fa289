"""What codedb reads from a function's code: its signature (Python, and Julia, the old
code_db tool's language), and whether it calls itself (any language written as `name(...)`)."""

import ast
import json
import re
from typing import Any

# Where `name(` defines the function rather than calls it: Python, Julia, Rust, Go, JavaScript.
_DEFINES = re.compile(r"(?:\bdef|\bfunction|\bfn|\bfunc)\s+$")


def calls_itself(name: str, code: str) -> bool:
    """Whether `code` calls `name` directly: `name(` (a whole identifier) somewhere other than
    where a def/function/fn/func keyword defines it."""
    name = name.strip()
    if not name:
        return False
    for match in re.finditer(rf"(?<![\w.]){re.escape(name)}\s*\(", code):
        if not _DEFINES.search(code[max(0, match.start() - 12) : match.start()]):
            return True
    return False


def signature_of(code: str) -> str | None:
    """The signature of the first function defined in `code` (Python, else Julia), as JSON
    text ({"arg_names": [...], "arg_types": [...]}), or None when there is none to parse."""
    found = _python_signature(code)
    if found is None:
        found = _julia_signature(code)
    return None if found is None else json.dumps(found)


def describe_signature(name: str, signature: dict[str, Any] | None) -> str:
    """A signature as a person reads it: `fib(n: Int, memo)`; '(none found)' without one."""
    if not signature:
        return "(none found)"
    names = signature.get("arg_names") or []
    types = signature.get("arg_types") or [None] * len(names)
    shown = [f"{n}: {t}" if t else str(n) for n, t in zip(names, types, strict=False)]
    return f"{name}({', '.join(shown)})"


def _python_signature(code: str) -> dict[str, list[Any]] | None:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            if args.vararg:
                params.insert(len(args.posonlyargs) + len(args.args), args.vararg)
            if args.kwarg:
                params.append(args.kwarg)
            return {
                "arg_names": [p.arg for p in params],
                "arg_types": [ast.unparse(p.annotation) if p.annotation else None for p in params],
            }
    return None


# Julia: `function name(args)` (name may be qualified, or carry `{T}` parameters), or the
# one-line form `name(args) = body` at the start of a line.
_JULIA_LONG = re.compile(r"\bfunction\s+[\w.!]+\s*(?:\{[^{}]*\}\s*)?\(")
_JULIA_SHORT = re.compile(r"^[ \t]*[A-Za-z_][\w!]*\s*\(", re.M)
_JULIA_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][\w!]*)?\s*(?:\.\.\.)?\s*(?:::\s*(?P<type>.+?))?\s*(?:\.\.\.)?$"
)


def _julia_signature(code: str) -> dict[str, list[Any]] | None:
    for match in _JULIA_LONG.finditer(code):
        inside = _parenthesised(code, match.end())
        if inside is not None:
            return _julia_params(inside)
    for match in _JULIA_SHORT.finditer(code):
        inside = _parenthesised(code, match.end())
        if inside is not None:
            after = code[match.end() + len(inside) + 1 :].lstrip()
            if re.match(r"(?:::\s*[\w{}.]+\s*)?=(?!=)", after):
                return _julia_params(inside)
    return None


def _parenthesised(code: str, start: int) -> str | None:
    """The text from `start` to the ')' closing the '(' just before it; None if unclosed."""
    depth = 1
    for index in range(start, min(len(code), start + 10_000)):
        depth += {"(": 1, ")": -1}.get(code[index], 0)
        if depth == 0:
            return code[start:index]
    return None


def _julia_params(text: str) -> dict[str, list[Any]] | None:
    names: list[str] = []
    types: list[str | None] = []
    for piece in _top_level_split(text.replace(";", ",")):
        piece = _top_level_split(piece, "=")[0].strip()
        if not piece:
            continue
        found = _JULIA_PARAM.match(piece)
        if found is None:
            return None
        names.append(found["name"] or "_")
        types.append(found["type"].strip() if found["type"] else None)
    return {"arg_names": names, "arg_types": types}


def _top_level_split(text: str, separator: str = ",") -> list[str]:
    """`text` split at `separator` outside brackets and braces."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(char, 0)
        if char == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]
