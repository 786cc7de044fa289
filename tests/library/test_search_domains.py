"""Ranked full-text search over templates (migration 0018) and conversation history (0019) on
both backends, kept by triggers through publish, new versions, tags, unpublish, save, delete and
plain SQL, with reindex; and `codedb search` walking every domain's index."""

import json
import re

import pytest

import codedb
from codedb.core.textsearch import MARK_END, MARK_START, parse
from conftest import CLI


def found(hits: list) -> list[str]:
    return [h.title for h in hits]


@pytest.fixture
def filled(db: codedb.Database) -> codedb.Database:
    ada = db.users.add("ada").user_id
    t = db.templates
    t.publish("fastApiService", "from fastapi import FastAPI\napp = FastAPI()\n", description="A web service",
              tags=["python", "webServer"])  # fmt: skip
    t.publish("cliTool", "import argparse\n", description="command line parsing", tags=["python"])
    h = db.history
    h.save(ada, "s1", "user", "How do I merge sorted arrays in JavaScript?")
    h.save(ada, "s1", "assistant", "Use mergeSortedArrays(a, b) from the utils module.")
    h.save(ada, "s2", "user", "What is a binary search?")
    return db


def test_templates_are_found_by_name_tag_description_and_latest_content(filled: codedb.Database) -> None:
    t = filled.templates
    assert found(t.text_hits(parse("fast api"), 10)) == ["fastApiService"]
    assert found(t.text_hits(parse("tag:web"), 10)) == ["fastApiService"]
    assert found(t.text_hits(parse("argparse"), 10)) == ["cliTool"]
    assert found(t.text_hits(parse("pars*"), 10)) == ["cliTool"]  # a prefix: parsing, argparse's parse
    assert set(found(t.text_hits(parse("tag:python"), 10))) == {"fastApiService", "cliTool"}
    # a name match outranks a content match
    t.publish("helper", "uses cliTool internally", tags=["misc"])
    assert found(t.text_hits(parse("cli tool"), 10)) == ["cliTool", "helper"]
    hit = t.text_hits(parse("argparse"), 10)[0]
    assert hit.kind == "template" and hit.score > 0 and f"{MARK_START}argparse{MARK_END}" in hit.snippet


def test_the_template_index_follows_versions_tags_unpublish_and_sql(filled: codedb.Database) -> None:
    t = filled.templates
    t.publish("cliTool", "import click\n")  # a new version: its content replaces the old one's
    assert found(t.text_hits(parse("click"), 10)) == ["cliTool"]
    assert t.text_hits(parse("argparse"), 10) == []
    t.unpublish(t.resolve("cliTool"), version=2)  # back to version 1
    assert found(t.text_hits(parse("argparse"), 10)) == ["cliTool"]
    tid = t.resolve("fastApiService")
    filled.conn.execute(f"DELETE FROM template_tags WHERE template_id = '{tid}' AND tag = 'webServer'")
    assert t.text_hits(parse("tag:web"), 10) == []
    filled.conn.execute(f"UPDATE templates SET name = 'renamedService' WHERE template_id = '{tid}'")
    assert found(t.text_hits(parse("renamed"), 10)) == ["renamedService"]
    t.unpublish(tid)
    assert t.text_hits(parse("renamed OR fast"), 10) == []
    assert t.stale_in_index() == 0
    before = [(h.id, round(h.score, 9), h.snippet) for h in t.text_hits(parse("python OR import"), 10)]
    assert t.reindex() == 1
    assert [
        (h.id, round(h.score, 9), h.snippet) for h in t.text_hits(parse("python OR import"), 10)
    ] == before


def test_messages_are_found_and_follow_deletes(filled: codedb.Database) -> None:
    h = filled.history
    hits = h.text_hits(parse("merge sorted arrays"), 10)
    assert len(hits) == 2 and {hit.title for hit in hits} == {"s1 (user)", "s1 (assistant)"}
    assert found(h.text_hits(parse("javascript"), 10)) == ["s1 (user)"]  # JavaScript, whole
    assert found(h.text_hits(parse('"binary search"'), 10)) == ["s2 (user)"]
    assert h.text_hits(parse("name:binary"), 10) == []  # messages have no columns to name
    assert h.delete_session("s1") == 2
    assert h.text_hits(parse("merge"), 10) == []
    filled.conn.execute("UPDATE conversation_history SET content = 'linear probing' WHERE session_id = 's2'")
    assert found(h.text_hits(parse("probing"), 10)) == ["s2 (user)"]
    assert h.text_hits(parse("binary"), 10) == []
    assert h.stale_in_index() == 0
    assert h.reindex() == 1
    assert found(h.text_hits(parse("probing"), 10)) == ["s2 (user)"]


def test_search_walks_every_domain(ready_target: str, tmp_path) -> None:
    cli = CLI(ready_target, tmp_path)
    with codedb.connect(ready_target) as db:
        ada = db.users.add("ada").user_id
        db.functions.add("mergeSortedArrays", "merges", "def mergeSortedArrays(a, b): ...")
        db.templates.publish("mergeTemplate", "merge sorted arrays here")
        db.history.save(ada, "s1", "user", "please merge these sorted arrays")
    hits = json.loads(cli.ok("search", "merge sorted", "--json"))
    assert sorted(h["kind"] for h in hits) == ["function", "message", "template"]
    assert [h["kind"] for h in json.loads(cli.ok("search", "name:merge", "--json"))] == [
        "function",
        "template",
    ]
    assert json.loads(cli.ok("reindex", "--json")) == {
        "indexed": {"functions": 1, "templates": 1, "history": 1}
    }
    assert json.loads(cli.ok("reindex", "--check", "--json")) == {
        "stale": {"functions": 0, "templates": 0, "history": 0}
    }


def test_scores_are_a_relevance_from_0_to_100_in_table_json_and_csv(ready_target: str, tmp_path) -> None:
    """The best match of a search is 100, the others their share of it (of the whole search,
    not of the page), one decimal, in every domain and every output format."""
    cli = CLI(ready_target, tmp_path)
    with codedb.connect(ready_target) as db:
        ada = db.users.add("ada").user_id
        for i in range(6):  # names that hold the word rank above code that holds it once
            db.functions.add(f"merge_{i}" if i < 3 else f"other_{i}", "x", "merge(a)" if i >= 3 else "pass")
        db.templates.publish("mergeTemplate", "merge sorted arrays here")
        db.templates.publish("other", "a merge in the content only, merge")
        db.history.save(ada, "s1", "user", "please merge these sorted arrays")
        db.history.save(ada, "s1", "user", "merge")
        everything = db.functions.search_ranked("merge")
        second_page = db.functions.search_ranked("merge", limit=2, offset=2)
    scores = [h.score for h in everything]
    assert scores[0] == 100.0 and scores == sorted(scores, reverse=True) and min(scores) >= 0.1
    assert all(score == round(score, 1) for score in scores)
    assert [h.score for h in second_page] == scores[2:4]  # the page is scored against the search's best
    hits = json.loads(cli.ok("search", "merge", "--json"))
    by_kind: dict[str, list[float]] = {}
    for hit in hits:
        by_kind.setdefault(hit["kind"], []).append(hit["score"])
    assert sorted(by_kind) == ["function", "message", "template"]
    assert all(s[0] == 100.0 and all(0.1 <= x <= 100.0 for x in s) for s in by_kind.values())
    csv_scores = [line.split(",")[3] for line in cli.ok("search", "merge", "--csv").splitlines()[1:]]
    assert csv_scores == [str(hit["score"]) for hit in hits]  # 100.0, not 1.96748e-06
    rows = [re.split(r"\s{2,}", line) for line in cli.ok("search", "merge").splitlines()[2:]]
    assert [row[3] for row in rows] == csv_scores


def test_search_functions_notes_when_more_match_than_are_ranked(ready_target: str, tmp_path) -> None:
    from codedb.core.textsearch import SEARCH_CANDIDATES

    cli = CLI(ready_target, tmp_path)
    with codedb.connect(ready_target) as db:
        db.functions.add_many({"name": f"common_{i}", "code": "pass"} for i in range(SEARCH_CANDIDATES + 5))
        db.functions.add("fibonacci_memo", "", "pass")
    many = cli("search-functions", "--query", "common", "--limit", "3")
    assert many.returncode == 0 and many.stdout.count("common_") == 3
    assert f"more than {SEARCH_CANDIDATES:,} functions match" in many.stderr
    few = cli("search-functions", "--query", "fibonacci")
    inside = cli("search-functions", "--query", "onacci")  # found inside a name: words match nothing
    for result in (few, inside):
        assert result.returncode == 0 and "fibonacci_memo" in result.stdout and result.stderr == ""
