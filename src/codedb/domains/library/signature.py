"""What codedb reads from a function's code: its signature (Python), and whether it calls
itself (any language written as `name(...)`)."""

import ast
import json
import re

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
    """The signature of the first function defined in Python `code`, as JSON text
    ({"arg_names": [...], "arg_types": [...]}), or None when there is none to parse."""
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
            return json.dumps(
                {
                    "arg_names": [p.arg for p in params],
                    "arg_types": [ast.unparse(p.annotation) if p.annotation else None for p in params],
                }
            )
    return None
