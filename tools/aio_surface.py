"""Write src/codedb/aio_surface.py: the async domain APIs' types, made from the sync ones.

codedb.aio wraps each domain API at run time (AsyncAPI: every public method a coroutine with
the same arguments, every @contextmanager method an async context manager). Type checkers
cannot follow that, so this script writes a Protocol per API class, its methods copied from
the source (arguments, defaults and return types as written) as `async def`, and
`AsyncSurface`, which declares them as AsyncDatabase's attributes. tests/core/test_surface.py
fails when the file is not what this script writes today.

    python tools/aio_surface.py          # rewrite the file
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "codedb" / "aio_surface.py"

HEADER = '''"""The async domain APIs as type checkers see them: written by tools/aio_surface.py from
the sync API classes (do not edit; run `python tools/aio_surface.py` after changing an API).
Imported for type checking only: codedb.aio makes these objects at run time (AsyncAPI)."""

# ruff: noqa
'''


class Names:
    """Where each name an annotation or a default uses comes from, by module."""

    def __init__(self) -> None:
        self.imports: dict[str, tuple[str, str | None]] = {}  # local name -> (module, name or None)

    def add(self, local: str, module: str, name: str | None) -> None:
        known = self.imports.get(local)
        if known is not None and known != (module, name):
            raise SystemExit(f"two things are named {local}: {known} and {(module, name)}; rename one")
        self.imports[local] = (module, name)

    def lines(self) -> list[str]:
        plain = sorted({m for m, n in self.imports.values() if n is None})
        grouped: dict[str, list[str]] = {}
        for local, (module, name) in self.imports.items():
            if name is not None:
                grouped.setdefault(module, []).append(name if name == local else f"{name} as {local}")
        return [f"import {m}" for m in plain] + [
            f"from {m} import {', '.join(sorted(names))}" for m, names in sorted(grouped.items())
        ]


def _module_names(module_name: str) -> dict[str, tuple[str, str | None]]:
    """A module's top-level names (its imports, TYPE_CHECKING ones too, and its definitions)."""
    module = importlib.import_module(module_name)
    tree = ast.parse(inspect.getsource(module))
    package = module_name if hasattr(module, "__path__") else module_name.rpartition(".")[0]
    found: dict[str, tuple[str, str | None]] = {}
    body = list(tree.body)
    for node in list(body):
        if isinstance(node, ast.If):
            body += node.body
    for node in body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name] = (alias.name, None)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            for alias in node.names:
                found[alias.asname or alias.name] = (base, alias.name)
        elif isinstance(node, ast.ClassDef | ast.FunctionDef):
            found[node.name] = (module_name, node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = (module_name, target.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found[node.target.id] = (module_name, node.target.id)
    return found


def _used(node: ast.AST | None) -> set[str]:
    """The names an expression reads (an attribute's root: `builtins` of builtins.list)."""
    if node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _methods(cls: type) -> list[tuple[ast.FunctionDef, str]]:
    """The public methods of `cls` and its codedb bases (nearest first), with their module."""
    seen: set[str] = set()
    found = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("codedb."):
            continue
        for node in _class_body(klass):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and node.name not in seen:
                seen.add(node.name)
                found.append((node, klass.__module__))
    return found


@cache
def _class_body(klass: type) -> list[ast.stmt]:
    """The statements of a class's body, parsed once (a base comes with every API)."""
    return ast.parse(inspect.getsource(klass)).body[0].body  # type: ignore[attr-defined, no-any-return]


def _decorators(node: ast.FunctionDef) -> set[str]:
    return {ast.unparse(d) for d in node.decorator_list}


def _method(node: ast.FunctionDef, module: str, names: Names, modules: dict[str, dict]) -> str:
    known = modules.get(module)
    if known is None:  # each module parsed once (setdefault would parse it for every method)
        known = modules[module] = _module_names(module)
    args = node.args
    if "staticmethod" in _decorators(node):  # reached through an instance: self comes first
        args = ast.arguments(
            posonlyargs=[],
            args=[ast.arg("self"), *args.args],
            vararg=args.vararg,
            kwonlyargs=args.kwonlyargs,
            kw_defaults=args.kw_defaults,
            kwarg=args.kwarg,
            defaults=args.defaults,
        )
    returns = node.returns
    used = _used(returns)
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None:
            used |= _used(arg.annotation)
    for default in [*args.defaults, *args.kw_defaults]:
        used |= _used(default)
    for name in sorted(used - {"self"}):
        if name in known:
            names.add(name, *known[name])
        elif not hasattr(builtins, name):
            raise SystemExit(f"{module}.{node.name}: cannot tell where {name} comes from")
    signature = ast.unparse(args)
    if "contextmanager" in _decorators(node):
        assert isinstance(returns, ast.Subscript), f"{module}.{node.name}: say what the block yields"
        names.add("AbstractAsyncContextManager", "contextlib", "AbstractAsyncContextManager")
        yielded = ast.unparse(returns.slice)
        return f"    def {node.name}({signature}) -> AbstractAsyncContextManager[{yielded}]: ..."
    result = ast.unparse(returns) if returns is not None else "None"
    return f"    async def {node.name}({signature}) -> {result}: ..."


def render() -> str:
    """The text of src/codedb/aio_surface.py for the API classes of today's registry."""
    from codedb.core.registry import api_classes, import_object

    names = Names()
    names.add("Protocol", "typing", "Protocol")
    modules: dict[str, dict] = {}
    classes, attributes = [], []
    for attribute, (package, spec) in api_classes().items():
        cls = import_object(package, spec)
        methods = [_method(node, module, names, modules) for node, module in _methods(cls)]
        doc = (inspect.getdoc(cls) or cls.__name__).splitlines()[0]
        head = f'class Async{cls.__name__}(Protocol):\n    """Async: {doc}"""\n\n'
        classes.append(head + "\n".join(methods))
        attributes.append(f"    {attribute}: Async{cls.__name__}")
    surface = (
        'class AsyncSurface:\n    """The domain APIs of an AsyncDatabase (codedb.aio), by attribute."""\n\n'
        + "\n".join(attributes)
    )
    imports = ["from __future__ import annotations", "", *names.lines()]
    return "\n\n\n".join([HEADER.rstrip("\n"), "\n".join(imports), *classes, surface]) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
