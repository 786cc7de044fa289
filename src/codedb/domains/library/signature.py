"""The signature of a function, parsed from its Python code."""

import ast
import json


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
