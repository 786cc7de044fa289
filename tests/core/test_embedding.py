"""Embedding providers (codedb.core.embedding): the local model from its wheel's files, and an
OpenAI-compatible endpoint played by a real HTTP server on loopback that answers 429 then
200, hangs, refuses, or answers what is not vectors; a provider that fails leaves the
database as it was, on both backends."""

import os
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import codedb
from codedb.core.embedding import KEY_VARIABLE, LOCAL_MODEL, HttpProvider, LocalProvider, provider
from codedb.errors import InvalidInput, ProviderError
from conftest import needs_installed

needs_installed("wordllama", "the semantic extra is not installed (pip install -e '.[semantic]')")


def no_sleep(waits: list[float]) -> Callable[[float], None]:
    return waits.append


def test_the_local_model_runs_from_its_wheel_and_puts_meaning_close() -> None:
    local = LocalProvider()
    rows = local.embed(
        ["sort a list of numbers", "quicksort: orders an array of integers", "parse a JSON file"]
    )
    assert rows.shape == (3, 256) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert rows[0] @ rows[1] > rows[0] @ rows[2] + 0.2
    assert np.array_equal(local.embed(["sort a list of numbers"])[0], rows[0])  # deterministic
    assert local.embed([]).shape == (0, 256)


def test_an_http_provider_retries_429_then_takes_the_answer(serve_script: Any, monkeypatch: Any) -> None:
    server = serve_script([429, 503, "vectors"])
    monkeypatch.setenv(KEY_VARIABLE, "sk-secret")
    waits: list[float] = []
    http = HttpProvider(server.url, "nomic-embed-text", batch=2, sleep=no_sleep(waits))
    rows = http.embed(["a", "b", "c"])
    assert rows.shape == (3, 3) and np.allclose(np.linalg.norm(rows, axis=1), 1.0)
    assert [r["body"] for r in server.requests] == [
        {"model": "nomic-embed-text", "input": ["a", "b"]},
        {"model": "nomic-embed-text", "input": ["a", "b"]},
        {"model": "nomic-embed-text", "input": ["a", "b"]},
        {"model": "nomic-embed-text", "input": ["c"]},
    ]
    assert waits == [0.0, 0.0]  # the server's Retry-After: 0
    assert {r["auth"] for r in server.requests} == {"Bearer sk-secret"}
    assert http.model == "http:nomic-embed-text"


def test_an_http_provider_that_hangs_fails_within_its_bound(serve_script: Any) -> None:
    server = serve_script(["hang"])
    waits: list[float] = []
    started = time.monotonic()
    with pytest.raises(ProviderError) as failed:
        HttpProvider(server.url, "m", timeout=0.3, tries=2, sleep=no_sleep(waits)).embed(["a"])
    assert time.monotonic() - started < 5  # 2 tries of 0.3 s, not the server's 10 s
    assert str(failed.value).startswith(f"{server.url}/embeddings failed 2 times, last: no answer")
    assert len(server.requests) == 2 and waits == [0.5]


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ([401], "refused the request: HTTP 401; check the URL, the model 'm' and CODEDB_EMBEDDING_KEY"),
        ([{"data": "nope"}], "did not answer OpenAI's embeddings format"),
        ([{"vectors": []}], "did not answer OpenAI's embeddings format"),
        ([b"not json"], "did not answer OpenAI's embeddings format"),
        ([{"data": [{"embedding": [1.0]}]}], "answered 1 vectors for 2 texts"),
        ([{"data": [{"embedding": [1.0, "NaN"]}, {"embedding": [1, 2]}]}], "or empty or non-finite ones"),
        (
            [{"data": [{"embedding": [1.0]}, {"embedding": [1, 2]}]}],
            "did not answer OpenAI's embeddings format",
        ),
        ([b'{"data": [{"embedding": [NaN]}, {"embedding": [1]}]}'], "or empty or non-finite ones"),
    ],
)
def test_an_http_provider_refuses_what_is_not_vectors(
    serve_script: Any, script: list[Any], message: str
) -> None:
    server = serve_script(script)
    with pytest.raises(ProviderError) as failed:
        HttpProvider(server.url, "m", sleep=no_sleep([])).embed(["a", "b"])
    assert message in str(failed.value)
    assert len(server.requests) == 1  # no retry: asking again would get the same


def test_an_answer_larger_than_the_bound_is_refused(serve_script: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("codedb.core.embedding.MAX_ANSWER", 100)
    server = serve_script(["vectors"])
    with pytest.raises(ProviderError, match="answered over 100 bytes for 8 texts; lower the batch"):
        HttpProvider(server.url, "m").embed(["x"] * 8)


def test_a_provider_is_named_by_local_or_a_url(monkeypatch: Any) -> None:
    monkeypatch.delenv("CODEDB_EMBEDDING_PROVIDER", raising=False)
    monkeypatch.delenv("CODEDB_EMBEDDING_MODEL", raising=False)
    assert provider().model == LOCAL_MODEL
    assert provider("http://localhost:11434/v1", "nomic-embed-text").model == "http:nomic-embed-text"
    monkeypatch.setenv("CODEDB_EMBEDDING_PROVIDER", "https://api.example.com/v1")
    monkeypatch.setenv("CODEDB_EMBEDDING_MODEL", "text-embedding-3-small")
    assert provider().model == "http:text-embedding-3-small"
    for spec, model, message in [
        ("ftp://x", None, "unknown embedding provider 'ftp://x'"),
        ("file:///etc/passwd", None, "unknown embedding provider"),
        ("http://localhost:1/v1", " ", "needs a model"),
        ("local", "other", "the local provider has one model"),
    ]:
        monkeypatch.delenv("CODEDB_EMBEDDING_MODEL", raising=False)
        with pytest.raises(InvalidInput, match=message):
            provider(spec, model)


def test_a_provider_that_fails_leaves_the_database_as_it_was(db: codedb.Database, serve_script: Any) -> None:
    for n in range(5):
        db.functions.add(f"f{n}", f"function number {n}", f"def f{n}(): ...")
    failing = serve_script(["vectors", 500])  # the first batch's request answered, then 500s
    http = HttpProvider(failing.url, "m", tries=2, sleep=no_sleep([]))
    with pytest.raises(ProviderError, match="failed 2 times, last: HTTP 500"):
        db.functions.embed(http, batch=3)
    # The first batch (3 rows) was written in its own transaction; the failed one wrote nothing.
    assert db.functions.vector_models() == [("http:m", 3, 3)] and db.functions.pending_vectors("http:m") == 2
    assert not db.in_transaction
    working = serve_script(["vectors"])
    assert db.functions.embed(HttpProvider(working.url, "m")).embedded == 2  # goes on where it stopped
    assert db.functions.pending_vectors("http:m") == 0


def test_the_key_is_never_printed(serve_script: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv(KEY_VARIABLE, "sk-very-secret")
    server = serve_script([403])
    with pytest.raises(ProviderError) as failed:
        HttpProvider(server.url, "m").embed(["a"])
    assert "sk-very-secret" not in str(failed.value) and os.environ[KEY_VARIABLE] == "sk-very-secret"


def test_without_numpy_semantic_search_says_what_to_install(
    db: codedb.Database, serve_script: Any, monkeypatch: Any
) -> None:
    fid = db.functions.add("f", "a function", "def f(): ...").function_id
    server = serve_script(["vectors"])
    monkeypatch.setitem(sys.modules, "numpy", None)  # as if it were not installed
    with pytest.raises(ProviderError, match=r"semantic search needs numpy; install codedb's semantic extra"):
        HttpProvider(server.url, "m").embed(["a"])
    with pytest.raises(ProviderError, match="semantic search needs numpy"):
        db.functions.similar(fid)
    assert db.functions.search_ranked("function")[0].function_id == fid  # word search needs none
