"""`codedb embed` and `codedb search --semantic / --hybrid / --words` through the CLI's entry
point, on both backends: what waits, what is made, forgetting a model, the search modes, and
every bad option or failing provider as one line with exit 1 and the database unchanged."""

import json
from pathlib import Path
from typing import Any

import pytest

import codedb
from conftest import CLI, needs_installed

needs_installed("wordllama", "the semantic extra is not installed (pip install -e '.[semantic]')")

MODEL = "wordllama:l2_supercat_256"


@pytest.fixture
def cli(ready_target: str, tmp_path: Path) -> CLI:
    with codedb.connect(ready_target) as db:
        db.functions.add(
            "quicksort_inplace", "Sorts an array of integers in place", "def quicksort_inplace(a): ..."
        )
        db.functions.add(
            "parse_json_file", "Read a JSON document from disk", "def parse_json_file(path): ..."
        )
        ada = db.users.add("ada").user_id
        db.history.save(ada, "s1", "user", "How do I send an e-mail from Python?")
        db.templates.publish("flaskApp", "from flask import Flask\n", description="A small web server")
    return CLI(ready_target, tmp_path)


def test_embed_fills_in_what_waits_and_then_nothing(cli: CLI) -> None:
    assert cli.error("embed", "--check") == "Error: 4 rows wait for a vector; make them with 'codedb embed'"
    waiting = json.loads(cli("embed", "--check", "--json").stdout)
    assert waiting == {"model": MODEL, "waiting": {"functions": 2, "history": 1, "templates": 1}}
    assert cli.ok("embed", "--quiet").splitlines() == [
        f"functions: 2 embedded, 0 unchanged ({MODEL})",
        f"history: 1 embedded, 0 unchanged ({MODEL})",
        f"templates: 1 embedded, 0 unchanged ({MODEL})",
    ]
    assert json.loads(cli.ok("embed", "--json", "--domain=functions")) == {
        "model": MODEL,
        "functions": {"embedded": 0, "unchanged": 0},
    }
    assert (
        cli.ok("embed", "--check", "--domain=templates") == f"templates: 0 waiting for a vector of {MODEL}\n"
    )
    assert (
        cli.ok("embed", "--forget", MODEL, "--domain=history") == f"forgot 1 vectors of {MODEL} in history\n"
    )
    assert json.loads(cli("embed", "--check", "--json").stdout)["waiting"] == {
        "functions": 0,
        "history": 1,
        "templates": 0,
    }


def test_search_finds_by_meaning_where_vectors_exist(cli: CLI) -> None:
    words = json.loads(cli.ok("search", "sort a list of numbers", "--json"))
    assert words == []  # no function holds all five words; no vectors yet: word search alone
    cli.ok("embed", "--quiet")
    semantic = json.loads(cli.ok("search", "sort a list of numbers", "--semantic", "--json", "--limit=1"))
    assert [(h["kind"], h["title"]) for h in semantic] == [
        ("function", "quicksort_inplace"),
        ("message", "s1 (user)"),
        ("template", "flaskApp"),
    ]
    assert 0 < semantic[0]["score"] <= 100
    hybrid = json.loads(cli.ok("search", "sort a list of numbers", "--json", "--limit=1"))  # the default now
    assert hybrid[0]["title"] == "quicksort_inplace"
    assert json.loads(cli.ok("search", "sort a list of numbers", "--words", "--json")) == []
    mail = json.loads(cli.ok("search", "mail", "--hybrid", "--json", "--limit=1"))
    assert ("message", "s1 (user)") in [(h["kind"], h["title"]) for h in mail]


def test_bad_options_and_a_failing_provider_are_one_line_each(cli: CLI, serve_script: Any) -> None:
    assert cli.error("embed", "--domain=recipes") == (
        "Error: unknown domain 'recipes' for --domain; give functions, history, templates"
    )
    assert cli.error("embed", "--batch=0").startswith("Error: --batch")
    assert cli.error("embed", "--batch=5000") == "Error: --batch '5000' is out of range; give 1 to 4096"
    assert cli.error("embed", "--provider=ftp://x") == (
        "Error: unknown embedding provider 'ftp://x'; give local or an http(s) URL of an OpenAI-compatible "
        "API"
    )
    assert cli.error("embed", "--provider=http://127.0.0.1:1/v1") == (
        "Error: an HTTP embedding provider needs a model; give --model NAME"
    )
    assert cli.error("search", "sort", "--semantic") == (
        f"Error: no function has a vector of model {MODEL}; make them with 'codedb embed'"
    )
    # A server that keeps failing: five tries (it asks for no wait), then one line; nothing written.
    failing = serve_script([500])
    line = cli.error("embed", f"--provider={failing.url}", "--model=m", "--quiet", "--domain=templates")
    assert line == (
        f"Error: {failing.url}/embeddings failed 5 times, last: HTTP 500; try again later or check the server"
    )
    assert len(failing.requests) == 5
    assert json.loads(cli("embed", "--check", "--json").stdout)["waiting"]["templates"] == 1


def test_add_and_modify_make_the_vector_when_asked_in_their_transaction(cli: CLI, serve_script: Any) -> None:
    (cli.cwd / "code.py").write_text("def bubble_sort(xs): ...\n")
    fid = cli.ok(
        "add-function", "--name=bubble_sort", "--description=Sorts numbers", "--code-file=code.py", "--embed"
    )
    assert json.loads(cli("embed", "--check", "--json").stdout)["waiting"]["functions"] == 0
    found = json.loads(cli.ok("search", "order integers", "--semantic", "--json", "--limit=2"))
    assert fid.strip() in [hit["id"] for hit in found if hit["kind"] == "function"]
    cli.ok(
        "modify-function",
        f"--function-id={fid.strip()}",
        "--modifier=ada",
        "--description=x",
        "--code-file=code.py",
    )
    # A provider that fails undoes the change it was asked to embed.
    failing = serve_script([400])
    env = {"CODEDB_EMBEDDING_PROVIDER": failing.url, "CODEDB_EMBEDDING_MODEL": "m"}
    line = cli.error("add-function", "--name=lost", "--code=x", "--embed", env=env)
    assert line.startswith(f"Error: {failing.url}/embeddings refused the request: HTTP 400")
    assert "lost" not in cli.ok("list-functions")
    assert cli.error("modify-function", f"--function-id={fid.strip()}", "--modifier=ada", "--description=y",
                     "--code-file=code.py", "--embed", env=env).startswith("Error: ")  # fmt: skip
    history = cli.ok("list-modifications", f"--function-id={fid.strip()}")
    assert (
        "x" in history and "\ny " not in history and len(history.splitlines()) == 3
    )  # header, rule, one change


def test_similar_lists_the_nearest_functions(cli: CLI) -> None:
    with codedb.connect(cli.target) as db:
        sort = db.functions.add(
            "bubble_sort", "Sorts numbers by swapping neighbours", "def b(xs): ..."
        ).function_id
    assert cli.error("similar", sort[:8]) == (
        f"Error: function '{sort}' has no vector of {MODEL}; make it with 'codedb embed'"
    )
    cli.ok("embed", "--quiet")
    found = json.loads(cli.ok("similar", sort[:8], "--json", "--limit=1"))
    assert [h["title"] for h in found] == ["quicksort_inplace"] and 0 < found[0]["score"] <= 100
    assert (
        cli.error("similar", "zzzz")
        == "Error: function zzzz not found; list ids with 'codedb list-functions'"
    )
