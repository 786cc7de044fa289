"""Semantic search's vectors (codedb.core.vectors, migration 0027) on both backends: a vector
per row made by `embed` and made again when the text changes (not when only its time does),
deleted with its row, never compared across models or lengths, top-k equal to an exact search
done by hand, similar rows, hybrid ranking, and the async API."""

import base64
import math
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

import codedb
from codedb.core.embedding import LOCAL_MODEL, LocalProvider, unit_rows
from codedb.core.textsearch import SearchHit, parse
from codedb.core.vectors import decode, encode, fuse, text_hash, top_k
from conftest import needs_installed

needs_installed("wordllama", "the semantic extra is not installed (pip install -e '.[semantic]')")

LIBRARY = [
    ("quicksort_inplace", "Sorts an array of integers in place", "def quicksort_inplace(a): ..."),
    ("parse_json_file", "Read a JSON document from disk", "def parse_json_file(path): ..."),
    ("send_email", "Deliver a message through an SMTP server", "def send_email(to, body): ..."),
    ("haversine_distance", "Distance between two points on Earth", "def haversine_distance(a, b): ..."),
    ("fibonacci_memo", "Fibonacci numbers with a cache", "def fibonacci_memo(n): ..."),
    ("hash_password", "Salted password digest with PBKDF2", "def hash_password(secret): ..."),
]


class Counting:
    """The local model, counting the texts it was asked to embed."""

    def __init__(self, inner: Any = None, model: str | None = None, dimensions: int | None = None):
        self.inner = inner or LocalProvider()
        self.model = model or self.inner.model
        self.dimensions = dimensions
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += texts
        rows = self.inner.embed(texts)
        return unit_rows(rows[:, : self.dimensions]) if self.dimensions else rows


def library(db: codedb.Database) -> dict[str, str]:
    return {
        name: db.functions.add(name, description, code).function_id for name, description, code in LIBRARY
    }


def stored(db: codedb.Database, table: str = "function_vectors") -> dict[str, tuple[str, int, str, str]]:
    key = {"function_vectors": "function_id", "template_vectors": "template_id"}.get(table, "message_id")
    query = f"SELECT {key}, model, dimensions, text_hash, vector FROM {table}"  # noqa: S608 - a test's table
    return {row[0]: tuple(row[1:]) for row in db.conn.execute(query).fetchall()}


def test_vectors_round_trip_as_little_endian_float32_base64() -> None:
    vector = np.array([0.5, -1.25, 3.0], dtype=np.float32)
    text = encode(vector)
    assert base64.b64decode(text) == struct.pack("<3f", 0.5, -1.25, 3.0)
    assert decode(text, 3).tolist() == [0.5, -1.25, 3.0]
    with pytest.raises(codedb.InvalidInput, match="holds 3 values, not 4"):
        decode(text, 4)
    with pytest.raises(codedb.InvalidInput, match="not base64"):
        decode("***", 3)


def test_embed_makes_a_vector_per_row_and_again_when_its_text_changes(db: codedb.Database) -> None:
    ids = library(db)
    provider = Counting()
    assert db.functions.pending_vectors(LOCAL_MODEL) == 6
    report = db.functions.embed(provider, batch=4)
    assert (report.embedded, report.unchanged, report.model) == (6, 0, LOCAL_MODEL)
    rows = stored(db)
    assert set(rows) == set(ids.values())
    model, dimensions, digest, vector = rows[ids["send_email"]]
    assert (model, dimensions) == (LOCAL_MODEL, 256)
    assert digest == text_hash(
        "send email\nto, body\nDeliver a message through an SMTP server\ndef send_email(to, body): ..."
    )
    assert math.isclose(float(np.linalg.norm(decode(vector, 256))), 1.0, rel_tol=1e-5)
    assert db.functions.pending_vectors(LOCAL_MODEL) == 0
    assert db.functions.embed(provider) == (0, 0, LOCAL_MODEL) and len(provider.texts) == 6

    # A changed text is embedded again; a change that leaves the text as it was is not.
    db.functions.modify(ids["send_email"], "ada", "now async", "async def send_email(to, body): ...")
    db.functions.modify(ids["fibonacci_memo"], "ada", "same code", "def fibonacci_memo(n): ...")
    assert db.functions.pending_vectors(LOCAL_MODEL) == 2
    assert db.functions.embed(provider) == (1, 1, LOCAL_MODEL)
    assert provider.texts[-1].endswith("async def send_email(to, body): ...")
    assert stored(db)[ids["send_email"]][2] != digest
    assert db.functions.pending_vectors(LOCAL_MODEL) == 0

    # A deleted function takes its vector with it.
    db.functions.delete(ids["parse_json_file"])
    assert ids["parse_json_file"] not in stored(db)
    assert db.functions.vector_models() == [(LOCAL_MODEL, 256, 5)]


def test_templates_and_messages_have_their_own_vectors(db: codedb.Database) -> None:
    ada = db.users.add("ada").user_id
    flask = db.templates.publish(
        "flaskApp", "from flask import Flask\n", description="A small web server"
    ).template_id
    db.history.save(ada, "s1", "user", "How do I sort a list of numbers?")
    db.history.save(ada, "s1", "assistant", "The weather is sunny today.")
    provider = Counting()
    assert db.templates.embed(provider).embedded == 1 and db.history.embed(provider).embedded == 2
    assert set(stored(db, "template_vectors")) == {flask}
    assert [h.title for h in db.history.search_semantic("ordering integers", limit=1, provider=provider)] == [
        "s1 (user)"
    ]
    # A new version changes the template's text: its vector is made again.
    db.templates.publish("flaskApp", "from flask import Flask, jsonify\n", description="A small web server")
    assert db.templates.pending_vectors(LOCAL_MODEL) == 1
    assert db.templates.embed(provider).embedded == 1


def exact(db: codedb.Database, query: np.ndarray, model: str) -> list[tuple[str, float]]:
    """The nearest rows by hand: every stored vector decoded with struct, cosine in Python."""
    scored = []
    for row_id, (row_model, dimensions, _, vector) in stored(db).items():
        if row_model != model:
            continue
        values = struct.unpack(f"<{dimensions}f", base64.b64decode(vector))
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        scored.append((row_id, sum(a * b for a, b in zip(values, query.tolist(), strict=True)) / norm))
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))


def test_top_k_is_the_exact_search_over_the_same_vectors(db: codedb.Database) -> None:
    ids = library(db)
    for n in range(30):
        db.functions.add(
            f"helper_{n}", f"does step {n} of the work on {n % 4} files", f"def helper_{n}(): ..."
        )
    provider = Counting()
    db.functions.embed(provider)
    for text in ("sort a list of numbers", "send a message", "how far apart are two cities", "files"):
        query = provider.embed([text])[0]
        want = exact(db, query, LOCAL_MODEL)
        hits = db.functions.search_semantic(text, limit=10, provider=provider)
        assert [h.id for h in hits] == [row_id for row_id, _ in want[:10]]
        assert [h.score for h in hits] == [round(max(score, 0) * 100, 1) for _, score in want[:10]]
    # similar(): the nearest to a function's own vector, itself left out.
    own = decode(stored(db)[ids["quicksort_inplace"]][3], 256)
    want = [row_id for row_id, _ in exact(db, own, LOCAL_MODEL) if row_id != ids["quicksort_inplace"]][:5]
    assert [h.id for h in db.functions.similar(ids["quicksort_inplace"], limit=5)] == want


def test_the_vectors_in_memory_follow_every_change(db: codedb.Database) -> None:
    ids = library(db)
    provider = Counting()
    db.functions.embed(provider)
    assert (
        db.functions.search_semantic("sort numbers", limit=1, provider=provider)[0].id
        == ids["quicksort_inplace"]
    )
    db.functions.delete(ids["quicksort_inplace"])
    assert ids["quicksort_inplace"] not in {
        h.id for h in db.functions.search_semantic("sort numbers", limit=6)
    }
    added = db.functions.add("bubble_sort", "Sorts numbers by swapping neighbours", "def bubble_sort(a): ...")
    db.functions.embed(provider)
    assert db.functions.search_semantic("sort numbers", limit=1, provider=provider)[0].id == added.function_id
    # Another connection's writes are seen too.
    with codedb.connect(db.target.raw) as other:
        other.functions.delete(added.function_id)
        merged = other.functions.add("merge_sort", "Sorts numbers by merging", "def merge_sort(a): ...")
        other.functions.embed(provider)
    assert db.functions.search_semantic("sort numbers", limit=1)[0].id == merged.function_id


def test_a_vector_of_another_model_or_length_is_never_compared(db: codedb.Database) -> None:
    ids = library(db)
    db.functions.embed(Counting())
    other = Counting(model="http:other-model")
    with pytest.raises(codedb.Conflict) as refused:
        db.functions.search_semantic("sort numbers", provider=other)
    assert str(refused.value) == (
        f"no function has a vector of model http:other-model; it holds vectors of {LOCAL_MODEL} (6): name "
        "that model's provider; make them with 'codedb embed'"
    )
    # The same model name answering vectors of another length: refused, nothing written.
    before = stored(db)
    db.functions.modify(ids["send_email"], "ada", "changed", "def send_email(to): ...")
    with pytest.raises(codedb.Conflict, match=f"model {LOCAL_MODEL} made vectors of 64 dimensions"):
        db.functions.embed(Counting(dimensions=64))
    assert stored(db) == before
    # A search whose vector has another length than the stored ones is refused too.
    with pytest.raises(codedb.Conflict, match="the query's vector has 64 dimensions"):
        db.functions.search_semantic("sort", provider=Counting(dimensions=64))
    # Two models side by side: each search reads its own.
    assert db.functions.embed(other).embedded == 6
    assert {m.model for m in db.functions.vector_models()} == {LOCAL_MODEL, "http:other-model"}
    assert db.functions.forget_vectors("http:other-model") == 6
    assert [m.model for m in db.functions.vector_models()] == [LOCAL_MODEL]


def test_similar_and_search_refuse_what_they_cannot_answer(db: codedb.Database) -> None:
    ids = library(db)
    with pytest.raises(codedb.NotFound, match="has no vector of"):
        db.functions.similar(ids["send_email"])
    db.functions.embed(Counting())
    with pytest.raises(codedb.InvalidInput, match="empty search text"):
        db.functions.search_semantic("  ")
    with pytest.raises(codedb.InvalidInput, match="limit 0 is out of range"):
        db.functions.search_semantic("sort", limit=0)
    with pytest.raises(codedb.NotFound):
        db.functions.similar("no-such-function")


def test_hybrid_search_fuses_word_and_semantic_rankings(db: codedb.Database) -> None:
    both = db.functions.add(
        "sort_numbers", "Sorts a list of numbers", "def sort_numbers(xs): ..."
    ).function_id
    words = db.functions.add(
        "sort_labels", "Alphabetic order of labels", "def sort_labels(xs): ..."
    ).function_id
    meaning = db.functions.add("order_integers", "Arranges integers ascending", "def order_integers(xs): ...")
    neither = db.functions.add("send_email", "Deliver a message through SMTP", "def send_email(to): ...")
    provider = Counting()
    db.functions.embed(provider)
    hits = db.functions.search_hybrid("sort numbers", limit=4, provider=provider)
    assert hits[0].id == both and hits[0].score > hits[1].score
    ranked = [h.id for h in hits]
    assert {words, meaning.function_id} <= set(ranked)  # one found by its words, one by its meaning
    assert ranked[-1] == neither.function_id  # found by neither its words nor, first, its meaning
    with pytest.raises(codedb.InvalidInput, match="search"):
        db.functions.search_hybrid("sort " * 300, provider=provider)


def test_fusion_and_top_k_by_hand() -> None:
    a, b, c = (SearchHit("function", x, x, 0.0, "") for x in "abc")
    fused = fuse([a, b], [b, c], limit=3)
    assert [h.id for h in fused] == ["b", "a", "c"]
    assert fused[0].score == round(100 * (1 / 62 + 1 / 61) / (2 / 61), 1)
    assert fuse([a], [a], limit=1)[0].score == 100.0
    matrix = unit_rows(np.array([[1, 0], [0, 1], [1, 1], [-1, 0]], dtype=np.float32))
    assert [row for row, _ in top_k(matrix, np.array([1, 0], dtype=np.float32), 2)] == [0, 2]
    assert top_k(matrix, np.array([1, 0], dtype=np.float32), 10)[-1][0] == 3
    assert parse("sort numbers").any_word().tree.op == "OR"
    assert parse('"sort numbers"').any_word() == parse('"sort numbers"')


def test_the_async_api_searches_by_meaning(tmp_path: Any) -> None:
    import asyncio

    import codedb.aio

    path = str(tmp_path / "a.sqlite")
    with codedb.connect(path) as db:
        codedb.migrate(db)
        ids = library(db)

    async def main() -> list[SearchHit]:
        async with codedb.aio.connect(path) as adb:
            await adb.functions.embed(LocalProvider())
            return await adb.functions.search_semantic("sort a list of numbers", limit=2)

    assert asyncio.run(main())[0].id == ids["quicksort_inplace"]
