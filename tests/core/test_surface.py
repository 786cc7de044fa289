"""The domain surface is declared and typed: Database's annotations are the registry's APIs,
the async surface is what tools/aio_surface.py writes today, and a type checker refuses a
misspelt API or a wrong argument on both."""

import asyncio
import importlib.util
import inspect
import shutil
import typing
from pathlib import Path

import pytest

import codedb
import codedb.aio
from codedb.aio_surface import AsyncSurface
from codedb.core.registry import api_classes, import_object

ROOT = Path(__file__).resolve().parents[2]


def _registry() -> dict[str, type]:
    return {attribute: import_object(*found) for attribute, found in api_classes().items()}


def test_database_declares_every_domain_api_of_the_registry_and_no_other():
    apis = _registry()
    names = {cls.__name__: cls for cls in apis.values()}
    assert len(names) == len(apis), "two API classes share a name"
    hints = typing.get_type_hints(codedb.Database, localns=names)
    declared = {name: hint for name, hint in hints.items() if hint in apis.values()}
    assert declared == apis


def test_every_declared_api_is_what_the_database_hands_out():
    with codedb.connect(":memory:") as db:
        for attribute, cls in _registry().items():
            assert type(getattr(db, attribute)) is cls
        with pytest.raises(AttributeError, match="functoins"):
            db.functoins  # noqa: B018


def test_the_async_surface_is_what_the_generator_writes_today():
    spec = importlib.util.spec_from_file_location("aio_surface_tool", ROOT / "tools" / "aio_surface.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    written = (ROOT / "src" / "codedb" / "aio_surface.py").read_text(encoding="utf-8")
    assert written == tool.render(), "src/codedb/aio_surface.py is stale: run python tools/aio_surface.py"


def test_the_async_surface_has_every_api_and_every_public_method():
    apis = _registry()
    hints = typing.get_type_hints(AsyncSurface)
    assert set(hints) == set(apis)
    for attribute, cls in apis.items():
        protocol = hints[attribute]
        public = {name for name, _ in inspect.getmembers(cls, callable) if not name.startswith("_")}
        declared = {name for name in vars(protocol) if not name.startswith("_")}
        assert declared == public, attribute


def test_the_async_surface_matches_what_aio_hands_out(ready_target):
    async def use() -> list[str]:
        async with await codedb.aio.connect(ready_target) as db:
            made = await db.functions.add("fib", "Fibonacci")
            assert (await db.functions.get(made.function_id)).name == "fib"
            async with db.metrics.timed("probe"):
                pass
            return [m.operation for m in await db.metrics.latest()]

    assert asyncio.run(use()) == ["probe"]


PROBE = '''
import codedb
import codedb.aio


def sync_use() -> None:
    db = codedb.connect(":memory:")
    db.functoins
    db.functions.add(123, nonsense=True)
    reveal_type(db.functions.get("x"))


async def async_use() -> None:
    db = await codedb.aio.connect(":memory:")
    reveal_type(await db.projects.get("x"))
    await db.functions.add(123)
    db.tmplates
'''


def test_a_type_checker_refuses_a_misspelt_api_and_a_wrong_argument(tmp_path):
    api = pytest.importorskip("mypy.api", reason="mypy is in the lint extra")
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    # The project's settings (strict), and a copy of `make lint`'s cache where there is one: mypy
    # then checks the probe alone against codedb's modules as they stand (it checks again those
    # the cache does not hold as they are), 0.4 instead of 5 s.
    cache = tmp_path / "cache"
    if (ROOT / ".mypy_cache").is_dir():
        shutil.copytree(ROOT / ".mypy_cache", cache)
    config = str(ROOT / "pyproject.toml")
    out, err, status = api.run(["--strict", "--config-file", config, "--cache-dir", str(cache), str(probe)])
    assert status == 1, out + err
    lines = [line.split(": ", 1)[1] for line in out.splitlines() if line.startswith(str(probe))]
    assert 'error: "Database" has no attribute "functoins"; maybe "functions"?  [attr-defined]' in lines
    assert 'error: Unexpected keyword argument "nonsense" for "add" of "Functions"  [call-arg]' in lines
    assert any('Argument 1 to "add" of "Functions" has incompatible type "int"' in line for line in lines)
    assert 'note: Revealed type is "codedb.domains.library.records.Function"' in lines
    assert 'note: Revealed type is "codedb.domains.projects.records.Project"' in lines
    wrong = 'Argument 1 to "add" of "AsyncFunctions" has incompatible type "int"'
    assert any(wrong in line for line in lines)
    assert any('"AsyncDatabase" has no attribute "tmplates"' in line for line in lines)
