"""Semantic search's quality on the set kept in benchmarks/semantic_set.json (72 functions with
descriptions, 216 searches written as a person would type them, each with the function it
should find): recall@5 and MRR of word, semantic and hybrid search. Hybrid must beat word
search; the figures are the benchmark's too (README)."""

import json

import codedb
from conftest import ROOT, needs_installed

needs_installed("wordllama", "the semantic extra is not installed (pip install -e '.[semantic]')")

SET = json.loads((ROOT / "benchmarks" / "semantic_set.json").read_text())


def test_the_set_holds_200_searches_each_with_a_function_of_the_set() -> None:
    names = [f["name"] for f in SET["functions"]]
    assert len(SET["queries"]) >= 200 and len(set(names)) == len(names)
    assert {q["expected"] for q in SET["queries"]} == set(names)


def test_hybrid_search_beats_word_search_on_the_set(memory_db: codedb.Database) -> None:
    from benchmarks.semantic import quality

    scores = quality(memory_db, SET)
    words, semantic, hybrid = scores["words"], scores["semantic"], scores["hybrid"]
    assert hybrid["recall@5"] > words["recall@5"] and hybrid["mrr"] > words["mrr"]
    assert semantic["recall@5"] >= 0.8  # the local model finds most descriptions by meaning
    assert all(0 <= s["mrr"] <= 1 and 0 <= s["recall@5"] <= 1 for s in scores.values())
