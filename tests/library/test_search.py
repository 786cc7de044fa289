"""Ranked full-text search (migration 0016) on both backends: code-aware words, every query
form, weights, snippets, the index kept right by every kind of write, reindex, the CLI, and
hostile search text."""

import contextlib
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import codedb
from codedb.core.textsearch import MARK_END, MARK_START, _Marks, parse, snippet, words
from codedb.errors import CodedbError, InvalidInput
from conftest import CLI, ROOT, worker_processes


def names(hits: list) -> list[str]:
    return [h.name for h in hits]


@pytest.fixture
def library(db: codedb.Database) -> codedb.Database:
    f = db.functions
    code = "def merge_sorted_arrays(a, b):\n    return a + b\n"
    f.add("merge_sorted_arrays", "merge two sorted lists", code, modules=["arrays"], tags=["sort"])
    f.add(
        "mergeSortedArrays",
        "the same in JavaScript",
        "function mergeSortedArrays(a, b) { return a; }",
        tags=["js"],
    )
    f.add("helper", "calls another module", "x = arrays.merge_sorted(a, b)\n")
    f.add("fib", "Fibonacci numbers", "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
          modules=["math"], tags=["recursion"])  # fmt: skip
    f.add("binary_search", "find an item in a sorted list by binary search", "def binary_search(xs, x): ...",
          tags=["search"])  # fmt: skip
    f.add("HTTPServer", "serves the sha256 of files", "class HTTPServer: pass")
    return db


def test_words_split_identifiers_like_the_index() -> None:
    assert words("merge_sorted_arrays") == ["merge", "sorted", "arrays"]
    assert words("mergeSortedArrays") == ["merge", "sorted", "arrays"]
    assert words("arrays.merge_sorted") == ["arrays", "merge", "sorted"]
    assert words("sha256sum") == ["sha", "2", "5", "6", "sum"]
    assert words("vec3d") == ["vec", "3", "d"]
    assert words("HTTPServer") == ["h", "t", "t", "p", "server"]
    assert words("café naïve") == ["café", "naïve"]
    assert words("+-*/ ()") == []


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_words_are_the_words_of_any_text(text: str) -> None:
    """ASCII text takes a quicker path (a regular expression); a non-ASCII word after it sends
    the same text down the character-by-character one."""
    assert words(text) == words(f"{text} é")[:-1]


@pytest.mark.parametrize(
    "query", ["merge", "sorted", "arrays", "merge_sorted", "mergeSorted", "merge sorted arrays"]
)
def test_identifier_forms_find_each_other(library: codedb.Database, query: str) -> None:
    found = set(names(library.functions.search_ranked(query)))
    assert {"merge_sorted_arrays", "mergeSortedArrays", "helper"} <= found
    assert "fib" not in found


def test_a_dotted_name_is_a_phrase(library: codedb.Database) -> None:
    assert names(library.functions.search_ranked("arrays.merge_sorted")) == ["helper"]
    assert names(library.functions.search_ranked("arrays.mergeSorted")) == ["helper"]


def test_whole_identifier_ranks_its_function_first(library: codedb.Database) -> None:
    for query in ("merge_sorted_arrays", "mergeSortedArrays"):
        hits = library.functions.search_ranked(query)
        assert names(hits)[:2] in (
            ["merge_sorted_arrays", "mergeSortedArrays"],
            ["mergeSortedArrays", "merge_sorted_arrays"],
        )
        assert "helper" not in names(hits)  # its code holds arrays merge sorted, not the phrase


def test_the_last_word_typed_is_also_a_prefix(library: codedb.Database) -> None:
    search = library.functions.search_ranked
    library.functions.add("fibonacci_memo", "memoised", "def fibonacci_memo(n): ...")
    # a name that begins so ranks above a description ("Fibonacci numbers" of fib)
    assert names(search("fibon")) == ["fibonacci_memo", "fib"]
    assert names(search("FIBON")) == ["fibonacci_memo", "fib"]
    assert names(search("fibonacci memo")) == ["fibonacci_memo"]
    assert names(search("memo fibon")) == ["fibonacci_memo"]  # only the last word completes
    hits = search("fibon memo")  # an earlier word stands as typed: found inside the name only
    assert [(h.name, h.score) for h in hits] == [("fibonacci_memo", 0.0)]
    assert names(search('"fibon"')) == []  # a quoted word is whole
    assert set(names(search("merge NOT sorte"))) == {"merge_sorted_arrays", "mergeSortedArrays", "helper"}
    assert names(search("fi")) == []  # two letters: too short to complete
    # the word as typed ranks above the words it begins: fib above fibonacci_memo
    assert names(search("fib"))[:1] == ["fib"] and "fibonacci_memo" in names(search("fib"))
    hits = library.functions.search_ranked("fib")
    assert hits[0].score > hits[-1].score
    assert "\u00abfibonacci\u00bb" in hits[-1].snippet or "\u00abFibonacci\u00bb" in hits[-1].snippet


def test_words_that_match_nothing_are_found_inside_names(db: codedb.Database) -> None:
    f = db.functions
    memo = f.add("fibonacci_memo", "memoised", "pass").function_id
    f.add("fib", "Fibonacci numbers", "pass")
    f.add("a_very_long_fibonacci_helper", "", "pass", tags=["helper"])
    search = f.search_ranked
    hits = search("onacci")
    assert names(hits) == ["fibonacci_memo", "a_very_long_fibonacci_helper"]  # shortest name first
    assert [h.score for h in hits] == [0.0, 0.0]  # below any word match
    assert hits[0].snippet == "fib\u00abonacci\u00bb_memo"
    assert names(search("ONACCI")) == names(search("onacci"))
    assert names(search("onacci memo")) == ["fibonacci_memo"]  # each word inside the name
    assert names(search("onacci", limit=1, offset=1)) == ["a_very_long_fibonacci_helper"]  # pages
    assert names(search("onacci", tag="helper")) == ["a_very_long_fibonacci_helper"]  # filters hold
    assert names(search("name:onacci")) == []  # a column names words, not text inside
    assert names(search("on")) == []  # two letters are too few to look inside names
    f.add("onacci", "the word itself", "pass")
    assert names(search("onacci")) == ["onacci"]  # a word match: nothing is looked for inside names
    assert names(search("onacci", offset=1)) == []
    db.conn.execute(f"UPDATE function SET name = 'fibonacci_cache' WHERE function_id = '{memo}'")  # plain SQL
    assert names(search("bonacc")) == ["fibonacci_cache", "a_very_long_fibonacci_helper"]
    f.delete(memo)
    assert names(search("bonacc")) == ["a_very_long_fibonacci_helper"]


def test_reindex_rebuilds_the_names_trigram_index(db: codedb.Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL's names index is pg_trgm's, kept by PostgreSQL itself")
    db.functions.add("fibonacci_memo", "", "pass")
    with db.transaction():
        db.conn.execute("DELETE FROM function_name_trigrams")  # as if its triggers had been bypassed
    assert db.functions.search_ranked("onacci") == []
    db.functions.reindex()
    assert names(db.functions.search_ranked("onacci")) == ["fibonacci_memo"]
    triggers = "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'function_name_trigrams%'"
    assert len(db.conn.execute(triggers).fetchall()) == 3  # the table made again, its triggers kept


def test_postgresql_indexes_names_by_trigrams_where_the_server_has_pg_trgm(db: codedb.Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite's index of names is an FTS5 trigram table (migration 0025)")
    if db.conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone() is None:
        pytest.skip("this server has no pg_trgm: names are read with ILIKE, unindexed")
    indexes = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s"
    assert "function_name_trigrams_idx" in {row[0] for row in db.conn.execute(indexes, ("function",))}
    with db.transaction():
        db.conn.execute("DROP INDEX function_name_trigrams_idx")  # as if pg_trgm came after the migration
    db.functions.reindex()
    assert "function_name_trigrams_idx" in {row[0] for row in db.conn.execute(indexes, ("function",))}
    db.functions.add("fibonacci_memo", "", "pass")
    assert names(db.functions.search_ranked("onacci")) == ["fibonacci_memo"]


def test_searches_are_planned_for_their_words_never_prepared(db: codedb.Database) -> None:
    """A ranked search's plan depends on how common its words are: on PostgreSQL it is never a
    prepared statement's generic plan, while the point reads are prepared as usual."""
    from codedb.core.queries import PLANNED_MARK

    if db.dialect != "postgresql":
        pytest.skip("SQLite has no generic plans: each statement is planned with its values")
    assert db.queries.library.search_functions_ranked.sql.startswith(PLANNED_MARK)
    assert db.queries.templates.search_templates_ranked.sql.startswith(PLANNED_MARK)
    assert db.queries.history.search_messages_ranked.sql.startswith(PLANNED_MARK)
    assert not db.queries.library.get_function.sql.startswith(PLANNED_MARK)
    if db.target.pgbouncer:
        return  # through PgBouncer nothing is prepared
    fid = db.functions.add("fib", "Fibonacci", "pass").function_id
    for _ in range(8):  # psycopg prepares a statement from its 5th run
        assert names(db.functions.search_ranked("fib")) == ["fib"]
        db.functions.get(fid)
    prepared = [row[0] for row in db.conn.execute("SELECT statement FROM pg_prepared_statements")]
    assert any("FROM function WHERE function_id" in text for text in prepared)
    assert not any("ts_rank" in text for text in prepared)


def test_numbers_are_found_whole_and_where_letters_touch_them(db: codedb.Database) -> None:
    f = db.functions
    f.add("serve_port8080", "an HTTP404 page", "PORT = 8080\n")
    f.add("listen", "listens on port 8080 or 80801", "x = 19216811\n")
    f.add("digest", "sha256sum of a file", "error 12345; retry 123456")
    search = f.search_ranked
    assert set(names(search("8080"))) == {"serve_port8080", "listen"}  # glued, and on its own
    assert names(search("404")) == ["serve_port8080"]
    assert names(search("HTTP404")) == ["serve_port8080"]
    assert names(search("256")) == ["digest"] and names(search("sha256")) == ["digest"]
    assert names(search("12345")) == ["digest"] and names(search("123456")) == ["digest"]
    assert names(search("2345")) == []  # a number is a word: not a part of one...
    assert [(h.name, h.score) for h in search("808")] == [("serve_port8080", 0.0)]  # ...but inside a name
    assert names(search("name:8080")) == ["serve_port8080"]
    # a number is one word of the index, not the phrase of its digits each found everywhere
    assert parse("12345").compiled(db.dialect, digit_runs=True) in ('"12345"', "'12345'")
    assert parse("192.168.1.1").compiled("sqlite", digit_runs=True) == '"192 168 1 1"'
    assert "5" in parse("12345").compiled("sqlite")  # other domains' indexes: digits one by one


def test_a_ticket_as_typed_finds_what_its_phrase_finds(db: codedb.Database) -> None:
    """T123 is the phrase t 1 2 3 (and its number): SQLite ranks it by its number, whose
    count bm25 makes at once, and keeps only what the phrase matches."""
    f = db.functions
    f.add("fix_ticket", "", "# ticket T123\n")
    f.add("dashed", "see T-123", "pass")
    f.add("closeT123", "", "pass")
    f.add("longer", "", "# T1234 of 2021-03-12\n")  # the last word typed completes
    f.add("apart", "t and 123", "t = 1\nn = 123\n")  # the words and the number, not the phrase
    f.add("other", "", "# T124\n")
    found = names(f.search_ranked("T123"))
    assert set(found) == {"fix_ticket", "dashed", "closeT123", "longer"}
    assert found[0] == "closeT123"  # a name match first
    assert found.index("fix_ticket") < found.index("longer")  # the ticket as typed before its completion
    assert f.count_text_matches("T123") == 4
    assert names(f.search_ranked("name:T123")) == ["closeT123"]
    assert names(f.search_ranked("123 NOT T123")) == ["apart"]
    assert set(names(f.search_ranked("apart OR T123"))) == {"apart", *found}
    # ranked by its number: no phrase of words that most functions hold
    assert parse("T123").fts5(True, by_runs=True) == '(("123") OR "t123" OR "t123" *)'
    assert parse("T123").fts5(True) == '(("t 1 2 3" AND "123") OR "t123" OR "t123" *)'


def test_query_forms(library: codedb.Database) -> None:
    search = library.functions.search_ranked
    assert names(search("fib*")) == ["fib"]  # Fibonacci too, in the same function
    assert names(search('"binary search"')) == ["binary_search"]
    assert names(search('"search binary"')) == []  # a phrase keeps its order
    assert names(search("name:fib")) == ["fib"]
    assert set(names(search("tag:sort"))) == {"merge_sorted_arrays"}
    assert set(names(search("module:arrays"))) == {"merge_sorted_arrays"}
    assert set(names(search("code:merge_sorted"))) == {"merge_sorted_arrays", "mergeSortedArrays", "helper"}
    assert set(names(search("description:JavaScript"))) == {"mergeSortedArrays"}
    assert names(search("code:javascript")) == []
    assert set(names(search("description:javascript"))) == {"mergeSortedArrays"}
    assert set(names(search("fib OR binary"))) == {"fib", "binary_search"}
    assert set(names(search("merge AND js"))) == {"mergeSortedArrays"}
    assert set(names(search("merge js"))) == {"mergeSortedArrays"}  # AND is implied
    assert set(names(search("merge NOT js"))) == {"merge_sorted_arrays", "helper"}
    assert set(names(search("(fib OR merge) AND tag:recursion"))) == {"fib"}
    assert names(search("HTTP")) == ["HTTPServer"]  # capitals split letter by letter
    assert names(search("server")) == ["HTTPServer"]
    assert names(search("sha256")) == ["HTTPServer"]
    assert names(search("httpserver")) == ["HTTPServer"]  # the identifier whole
    assert names(search("http")) == ["HTTPServer"]  # the last word is also a prefix of httpserver
    assert names(search('"http"')) == []  # quoted: the word as it stands (capitals split)
    assert names(search("nothing_like_this")) == []
    library.functions.add("limits", "", "if n > MAX_SIZE:\n    raise ValueError(n)\n")
    assert names(search("code:max")) == ["limits"]  # a constant, split letter by letter, whole too


def test_filters_and_pages(library: codedb.Database) -> None:
    search = library.functions.search_ranked
    assert names(search("merge", tag="js")) == ["mergeSortedArrays"]
    assert names(search("merge", module="arrays")) == ["merge_sorted_arrays"]
    assert names(search("merge", module="nowhere")) == []
    everything = names(search("merge OR fib OR binary OR server"))
    assert len(everything) == 6
    assert names(search("merge OR fib OR binary OR server", limit=2, offset=2)) == everything[2:4]
    assert search("merge", created_after="2999-01-01") == []
    # the last page a 64-bit offset can ask for: empty, not an overflow
    assert search("merge", limit=None, offset=2**63 - 1) == []
    assert search("merge", limit=2**63 - 1, offset=2**63 - 1) == []


def test_a_name_match_outranks_code_and_description_matches(db: codedb.Database) -> None:
    f = db.functions
    f.add("parser", "a quick parser", "def quick(): quick(); quick(); quick()")
    f.add("quick", "a parser", "def parse(): pass")
    f.add("tagged", "nothing", "pass", tags=["quick"])
    hits = f.search_ranked("quick")
    assert names(hits) == ["quick", "tagged", "parser"]
    # relevance 0-100, the best match's 100; in a corpus this small, bm25 gives a word found in
    # most rows almost nothing, so the others may share the least relevance shown, 0.1
    assert hits[0].score == 100.0 and 100.0 > hits[1].score >= hits[2].score >= 0.1


def test_the_name_tier_comes_first_and_a_page_within_it_needs_no_other_match(
    db: codedb.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name tier (3 candidates here, 500 in use) comes first, each tier in rank order, so
    a page within the names is made of names alone (the other matches' scan is skipped) and
    pages tile the whole ranking; an older name match is ranked with the rest, and a filter
    brings the rest back even when the names fill the page."""
    from codedb.domains.library import search as library_search

    monkeypatch.setattr(library_search, "NAME_CANDIDATES", 3)
    f = db.functions
    for n in range(4):
        f.add(f"quick_{n}", "a helper", "pass")
    f.add("elsewhere", "quick quick, quick in its description", "pass", tags=["quick", "odd"])
    f.add("coded", "nothing", "quick()")
    named = {f"quick_{n}" for n in range(4)}
    first = f.search_ranked("quick", limit=3)
    assert len(first) == 3 and set(names(first)) < named and first[0].score == 100.0
    everything = f.search_ranked("quick", limit=10)
    assert set(names(everything)) == named | {"elsewhere", "coded"}
    assert names(everything[:3]) == names(first)
    scores = [hit.score for hit in everything]
    assert scores == sorted(scores, reverse=True) and scores[:3] == [hit.score for hit in first]
    pages = [names(f.search_ranked("quick", limit=2, offset=offset)) for offset in (0, 2, 4)]
    assert sum(pages, []) == names(everything)
    assert names(f.search_ranked("quick", limit=1, offset=2)) == names(everything[2:3])
    # a function holding many words that start so ranks above a name on its own, but after it
    many = ["quilt", "quiz", "quirt", "quince", "quip", "quire", "quiver", "quinoa"]
    f.add("tagged", "quiet quill quirk", "pass", tags=many)
    prefixed = f.search_ranked("qui", limit=10)
    assert set(names(prefixed[:3])) < named and "tagged" in names(prefixed[3:])
    scores = [hit.score for hit in prefixed]
    assert scores == sorted(scores, reverse=True) and scores[0] == 100.0
    # the names fill the page, but none of them passes the filter
    assert names(f.search_ranked("quick", tag="odd", limit=3)) == ["elsewhere"]
    assert names(f.search_ranked("quick", module="nowhere", limit=3)) == []


def test_a_name_that_begins_so_comes_before_every_other_match(db: codedb.Database) -> None:
    """Migration 0030: PostgreSQL's name tier finds a prefix of 3 or 4 letters as the one word
    its index of names holds for it; a name so found comes before a function whose tags,
    description and code hold many words that start so (which would outscore it in one tier)."""
    f = db.functions
    for name in ("getUser", "getUserName", "XMLParser", "xml_reader", "parse_log", "T1234_close", "other"):
        f.add(name, "a name", "pass")
    crowded = "getuser getusers getupdate xmlrpc xmlns xmldoc parser parsed parses t12 t1299"
    f.add("crowded", crowded, crowded, tags=crowded.split()[:8], modules=["getusers", "xmlrpc", "parsers"])
    for query, named in (
        ("getu", {"getUser", "getUserName"}),  # 4 letters of a camelCase name, whole
        ("getus*", {"getUser", "getUserName"}),  # 5: every word that starts so
        ("xml*", {"XMLParser", "xml_reader"}),  # 3 letters, a capital's run and a word
        ("pars", {"XMLParser", "parse_log"}),
        ("T12", {"T1234_close"}),  # letters and digits
    ):
        hits = f.search_ranked(query, limit=10)
        assert set(names(hits[: len(named)])) == named, (query, names(hits))
        assert "crowded" in names(hits[len(named) :]), (query, names(hits))
        scores = [hit.score for hit in hits]
        assert scores == sorted(scores, reverse=True)


def test_postgresql_finds_names_prefixes_as_every_word_that_starts_so(db: codedb.Database) -> None:
    """Migration 0030 and TextQuery.name_lookup: on 300 names of every shape, each prefix of 3,
    4 and 5 letters (as typed, which completes, and with * or within AND, OR and NOT) finds
    through function_search's name words the functions that a search of the documents' name
    part (ts_filter) finds."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite's FTS5 index keeps its own prefixes (migration 0017)")
    import random

    rng = random.Random(30)
    syllables = ["ab", "get", "user", "xml", "Parse", "HTTP", "log", "v2", "t1234", "Name", "id", "q"]
    seps = ["", "_", ".", ""]
    made = set()
    while len(made) < 300:
        parts = [rng.choice(syllables) for _ in range(rng.randint(1, 4))]
        made.add(parts[0] + "".join(rng.choice(seps) + p for p in parts[1:]))
    db.functions.add_many([{"name": n, "description": "", "code": "pass"} for n in sorted(made)])
    prefixes = {w[:size] for n in made for w in words(n) for size in (3, 4, 5) if len(w) >= size}
    prefixes |= {n.lower()[:4] for n in made if n[:4].isalnum()}  # a camelCase name's run, whole
    assert len(prefixes) > 40
    for typed in sorted(prefixes):
        for text in (typed + "*", typed, f"id NOT {typed}*", f"(log OR {typed}*) ab"):
            names_part = parse(text).in_column("name")
            lookup = names_part.name_lookup()
            assert lookup is not None
            by_lookup = db.conn.execute(
                "SELECT function_id FROM function_search WHERE name_words @@ CAST(%s AS tsquery)", (lookup,)
            ).fetchall()
            by_documents = db.conn.execute(
                "SELECT function_id FROM function_search "
                "WHERE ts_filter(document, '{a}') @@ to_tsquery('simple', %s)",
                (names_part.tsquery({"name": "A"}, True),),
            ).fetchall()
            assert sorted(by_lookup) == sorted(by_documents), (text, lookup)
            assert by_documents or len(typed) > 4 or " " in text  # every prefix of a name finds it


def test_a_snippet_marks_a_letter_or_digit_with_its_phrase_only(db: codedb.Database) -> None:
    """T4017 is the phrase t 4 0 1 7: its digits alone are not matches to show (x = 40 + 17)."""
    db.functions.add("close_ticket", "", "x = 40 + 17\nraise Closed('T4017')\n")
    db.functions.add("digest", "", "h = sha256(data)\nn = 256 + 2 * 5")
    db.functions.add("dashed", "", "x = 40 + 17\n# see T-4017, t 4 0 1\n")
    found = {hit.name: hit.snippet for hit in db.functions.search_ranked("T4017")}
    assert found["close_ticket"] == f"...40 + 17 raise Closed('{MARK_START}T4017{MARK_END}"
    # the phrase across spans (T-4017) marks each of them; a part of it does not
    assert found["dashed"] == f"x = 40 + 17 # see {MARK_START}T{MARK_END}-{MARK_START}4017{MARK_END}, t 4 0 1"
    (hit,) = db.functions.search_ranked("sha256")
    assert hit.snippet == f"h = {MARK_START}sha256{MARK_END}(data) n = 256 + 2 * 5"
    assert snippet(parse("x86"), ["let x = 86", "x86_64 or x 86"]) == (
        f"let {MARK_START}x{MARK_END} = {MARK_START}86{MARK_END}"
    )


def test_snippets_mark_the_matches(library: codedb.Database) -> None:
    snippets = {h.name: h.snippet for h in library.functions.search_ranked("sorted")}
    assert snippets["merge_sorted_arrays"] == f"merge two {MARK_START}sorted{MARK_END} lists"
    assert f"{MARK_START}mergeSortedArrays{MARK_END}" in snippets["mergeSortedArrays"]
    prefix = library.functions.search_ranked("fibo*")[0]
    assert f"{MARK_START}Fibonacci{MARK_END}" in prefix.snippet
    assert "\n" not in library.functions.search_ranked("fib")[0].snippet


def _marked_by_definition(span: str, query: str) -> bool:
    """A span is marked for itself when one of its words, or itself lower-cased, is a word of
    two letters or more of one of the search's phrases or a phrase of one word, or starts with
    the last word of a phrase that is a prefix. (Phrases holding a letter or digit alone are
    marked where they stand whole, across spans too: test_a_snippet_marks_...)"""
    own = [*words(span), span.lower()]
    for term in parse(query).terms():
        for phrase, prefix in term.phrases():
            if any(w in phrase and (len(w) > 1 or len(phrase) == 1) for w in own):
                return True
            if prefix and any(w.startswith(phrase[-1]) for w in own):
                return True
    return False


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.sampled_from("abcxyzABCXYZ0129_ .(é\nÉΣσς"), max_size=40),
    st.text(st.sampled_from('abcxyzABC0129 *"éΣ'), min_size=1, max_size=10),
)
@example("sortedLists", "sorted")
@example("T4017", "T4017")
@example("ΑΣ", "ας")
@example("def sortedLists(x):\n    return x", "sorted")
@example("T4017 and T-4017", "T4017")
@example("x86_64 or x 86", "x86")
def test_snippet_marks_are_their_definition(text: str, query: str) -> None:
    """Each span is marked for itself as the definition says (`match` looks its words up only
    where a word of the search stands inside it), and a text's marks are those of every span
    checked, with the phrases across spans, though `marked` looks at an ASCII text's spans only
    where the search's words stand inside them (found once over the whole text)."""
    try:
        marks = _Marks.of(parse(query).terms())
    except InvalidInput:
        assume(False)
        return
    every = re.findall(r"[^\W_]+", text)
    alone = [marks.match(span) for span in every]
    assert alone == [_marked_by_definition(span, query) for span in every], every
    expected = {i for i, hit in enumerate(alone) if hit}
    if marks.phrases:
        expected |= marks.across(every)
    spans, marked = marks.marked(text)
    assert marked == expected
    if marked:
        assert [span.group() for span in spans] == every


def test_index_follows_add_modify_delete_and_links(library: codedb.Database) -> None:
    f = library.functions
    fib = f.search_ranked("name:fib")[0].function_id
    f.modify(fib, "ada", "renamed", "def fibonacci_fast(n): pass")
    assert names(f.search_ranked("fibonacci_fast")) == ["fib"]
    assert f.search_ranked("code:else") == []  # the old code is gone from the index
    library.tags.add(fib, "memoized")
    library.modules.add_function(fib, "numbers")
    assert names(f.search_ranked("tag:memoized")) == ["fib"]
    assert names(f.search_ranked("module:numbers")) == ["fib"]
    f.delete(fib)
    assert f.search_ranked("fibonacci_fast") == []
    assert f.stale_in_index() == 0


def test_index_follows_direct_sql(db: codedb.Database) -> None:
    fid = "00000000-0000-4000-8000-000000000001"
    db.conn.execute(
        "INSERT INTO function (function_id, name, description, code_snippet, creation_date, "
        "last_modified_date) VALUES ('00000000-0000-4000-8000-000000000001', 'plainSql', '', 'x', "
        "'2024-01-01', '2024-01-01')"
    )
    db.conn.execute("INSERT INTO tag (name) VALUES ('handmade')")
    db.conn.execute(f"INSERT INTO function_tags (function_id, tag) VALUES ('{fid}', 'handmade')")
    assert names(db.functions.search_ranked("plain sql tag:handmade")) == ["plainSql"]
    db.conn.execute(f"UPDATE function SET name = 'renamedByHand' WHERE function_id = '{fid}'")
    assert names(db.functions.search_ranked("renamed")) == ["renamedByHand"]
    assert names(db.functions.search_ranked("amedbyha")) == ["renamedByHand"]  # inside the name
    db.conn.execute("UPDATE tag SET name = 'crafted' WHERE name = 'handmade'")  # cascades to the link
    assert names(db.functions.search_ranked("tag:crafted")) == ["renamedByHand"]
    assert db.functions.search_ranked("tag:handmade") == []
    db.conn.execute(f"DELETE FROM function WHERE function_id = '{fid}'")
    assert db.functions.search_ranked("renamed") == []
    assert db.functions.stale_in_index() == 0


def test_reindex_gives_the_same_answers(library: codedb.Database) -> None:
    f = library.functions
    queries = ["merge", "fib*", '"binary search"', "tag:sort OR name:fib", "server"]
    before = {q: [(h.function_id, round(h.score, 9), h.snippet) for h in f.search_ranked(q)] for q in queries}
    schema = (
        "SELECT type, name, sql FROM sqlite_schema WHERE name LIKE '%search%' ORDER BY name"
        if library.dialect == "sqlite"
        else "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'function_search' "
        "AND schemaname = current_schema() UNION ALL SELECT conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE conrelid = 'function_search'::regclass ORDER BY 1"
    )
    tables = library.conn.execute(schema).fetchall()
    assert f.reindex() == 6
    after = {q: [(h.function_id, round(h.score, 9), h.snippet) for h in f.search_ranked(q)] for q in queries}
    assert after == before
    # the index made again as the migration made it (PostgreSQL: its GIN index and reference)
    assert library.conn.execute(schema).fetchall() == tables
    assert f.stale_in_index() == 0


# Texts whose documents PostgreSQL's reindex makes in Python (document_bytes) or leaves to the
# server: capitals, digits glued to letters, numbers its parser reads whole (6e1), non-ASCII.
_DOCUMENT_TEXT = st.text(alphabet=st.sampled_from("abzAZeE0159_ .(\né"), max_size=30)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_reindex_writes_the_documents_the_triggers_write(db: codedb.Database) -> None:
    from codedb.core.textsearch import document_bytes

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.tuples(_DOCUMENT_TEXT, _DOCUMENT_TEXT, _DOCUMENT_TEXT), min_size=1, max_size=6))
    @example([("mergeSortedArrays", "x", "port8080 HTTP404"), ("6e1by4a7", "é", "")])
    @example([("long", "y" * 3000, "word " * 300), ("longer", "", "a b " * 9000)])
    def same_documents(items: list[tuple[str, str, str]]) -> None:
        for name, description, code in items:
            with contextlib.suppress(InvalidInput):  # text codedb refuses to store (it says why)
                db.functions.add(f"n{name}", description, code, tags=["Zeta9", "alpha"], modules=["b_2"])
        by_triggers = _index_rows(db)
        assert db.functions.reindex() == len(by_triggers)
        assert _index_rows(db) == by_triggers
        db.clear_tables()

    same_documents()
    # Made in Python where the text allows, by the server elsewhere (the same document).
    assert document_bytes("mergeSortedArrays", "alpha b_2 Zeta9", "", "x = 1") is not None
    assert document_bytes("sha256sum", "", "6e1 by", "") is None  # the server's parser reads 6e1 whole
    assert document_bytes("café", "", "", "") is None  # its letters are the server locale's
    assert document_bytes("x", "", "", "y" * 3000) is None  # a word too long to index: left out
    assert document_bytes("x", "", "", "word " * 300) is None  # past the positions a word keeps
    assert document_bytes("x", "", "", "a b " * 9000) is None  # past a tsvector's last position


def test_bulk_add_is_indexed_with_its_links(db: codedb.Database) -> None:
    ids = db.functions.add_many(
        [
            {"name": f"bulkItem{i}", "code": "pass", "modules": ["bulkmod"], "tags": [f"t{i % 2}"]}
            for i in range(50)
        ]
    )
    assert len(db.functions.search_ranked("module:bulkmod", limit=100)) == 50
    assert len(db.functions.search_ranked("bulk item tag:t1", limit=100)) == 25
    assert db.functions.count_text_matches("bulk") == 50
    assert db.functions.stale_in_index() == 0
    assert len(ids) == 50


def _bulk_items(count: int, tag: str) -> list[dict]:
    # camelCase, digits, capitals in a row, non-ASCII, tags and modules given out of order
    return [
        {
            "name": f"parseHTTPHeader{i}_é",
            "description": f"Reads {i} bytes from a SocketStream",
            "code": f"def parseHTTPHeader{i}(raw):\n    return MAX_SIZE + {i}\n",
            "modules": ["zeta.io", "Alpha"],
            "tags": [f"{tag}B{i % 3}", f"{tag}a"],
        }
        for i in range(count)
    ]


def _index_rows(db: codedb.Database) -> dict[str, tuple]:
    """The index's entry of each function, by function id, as the backend holds it."""
    sql = (
        "SELECT function_id, document::text FROM function_search"
        if db.dialect == "postgresql"
        else "SELECT function_id, name, labels, description, code FROM function_search"
    )
    return {row[0]: tuple(row[1:]) for row in db.conn.execute(sql).fetchall()}


def test_a_bulk_add_indexes_as_the_triggers_do(db: codedb.Database) -> None:
    from codedb.domains.library.base import BULK_INDEX_AT

    f = db.functions
    bulk = f.add_many(_bulk_items(BULK_INDEX_AT, "t"))  # indexed by add_many itself
    by_triggers = [
        id
        for start in range(0, BULK_INDEX_AT, 10)
        for id in f.add_many(_bulk_items(BULK_INDEX_AT, "t")[start : start + 10])
    ]
    rows = _index_rows(db)
    assert len(rows) == 2 * BULK_INDEX_AT
    assert [rows[i] for i in bulk] == [rows[i] for i in by_triggers]
    assert f.stale_in_index() == 0  # on PostgreSQL: each document equal to function_search_document's
    assert f.count_text_matches("parse HTTP header") == 2 * BULK_INDEX_AT
    assert f.count_text_matches("max") == f.count_text_matches("tag:ta module:alpha") == 2 * BULK_INDEX_AT
    assert f.reindex() == 2 * BULK_INDEX_AT
    assert _index_rows(db) == rows


_PG_INDEX_SCHEMA = (
    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'function_search' "
    "AND schemaname = current_schema() UNION ALL SELECT conname, pg_get_constraintdef(oid) "
    "FROM pg_constraint WHERE conrelid = 'function_search'::regclass ORDER BY 1"
)


def _batches_of(size: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Reindex and bulk adds read `size` functions at a time, and their documents are made by
    worker processes (codedb.core.workers) even on one core; the workers started, listed."""
    import codedb.core.workers as workers
    from codedb.domains.library import search

    monkeypatch.setattr(search, "REINDEX_BATCH", size)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    started: list[int] = []

    class Counted(workers._Workers):
        def __enter__(self):  # type: ignore[no-untyped-def]
            found = super().__enter__()
            started.extend(w.process.pid for w in found)
            return found

    monkeypatch.setattr(workers, "_Workers", Counted)
    return started


@pytest.mark.parametrize("backend", ["postgresql"])
def test_documents_made_by_worker_processes_are_the_triggers(
    db: codedb.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codedb.domains.library.base import BULK_INDEX_AT

    started = _batches_of(7, monkeypatch)
    f = db.functions
    texts = ["mergeSortedArrays", "port8080 HTTP404", "café au lait", "6e1by4a7", "a\nb", "x" * 3000, ""]
    for i in range(30):  # indexed by the triggers, the server's way
        f.add(f"fn{i}{texts[i % 7][:20]}", texts[(i + 1) % 7], texts[(i + 2) % 7], tags=[f"Tag{i % 3}"])
    by_triggers = _index_rows(db)
    assert f.reindex() == 30
    assert _index_rows(db) == by_triggers
    assert len(started) == 2  # 5 batches: the 4 after the first made by 2 workers
    bulk = f.add_many(_bulk_items(BULK_INDEX_AT, "w"))  # 15 batches of 7, made the same way
    assert len(started) == 4
    assert f.stale_in_index() == 0  # each document equal to function_search_document's
    assert f.count_text_matches("parse HTTP header") == BULK_INDEX_AT == len(bulk)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_reindex_whose_worker_dies_changes_nothing(
    db: codedb.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    from codedb.domains.library import search

    f = db.functions
    for i in range(30):
        f.add(f"kept{i}", f"kept number {i}", "x = 1", tags=["kept"])
    before, schema = _index_rows(db), db.conn.execute(_PG_INDEX_SCHEMA).fetchall()
    _batches_of(4, monkeypatch)
    real = search.spread

    def killing(*args, **kwargs):  # type: ignore[no-untyped-def]
        for handed, pair in enumerate(real(*args, **kwargs)):
            if handed == 2:  # two batches' documents written: kill the workers at work
                for pid in worker_processes():
                    os.kill(pid, signal.SIGKILL)
            yield pair

    monkeypatch.setattr(search, "spread", killing)
    with pytest.raises(CodedbError, match=r"^a worker process ended before its work was done"):
        f.reindex()
    assert not db.in_transaction
    assert _index_rows(db) == before
    assert db.conn.execute(_PG_INDEX_SCHEMA).fetchall() == schema  # its GIN indexes and reference back
    assert f.stale_in_index() == 0
    assert len(f.search_ranked("tag:kept", limit=50)) == 30


def test_a_bulk_add_puts_the_triggers_back(db: codedb.Database) -> None:
    from codedb.domains.library.base import BULK_INDEX_AT

    triggers = "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name"
    before = db.conn.execute(triggers).fetchall() if db.dialect == "sqlite" else None
    with db.transaction():
        db.functions.add_many(_bulk_items(BULK_INDEX_AT, "t"))
        # plain SQL in the same transaction, after the bulk add: indexed by the triggers
        db.conn.execute(
            "INSERT INTO function (function_id, name, description, code_snippet, creation_date, "
            "last_modified_date) VALUES ('00000000-0000-4000-8000-00000000000a', 'writtenAfter', '', "
            "'x', '2024-01-01', '2024-01-01')"
        )
        db.conn.execute("INSERT INTO tag (name) VALUES ('lateTag')")
        db.conn.execute(
            "INSERT INTO function_tags (function_id, tag) "
            "VALUES ('00000000-0000-4000-8000-00000000000a', 'lateTag')"
        )
    assert names(db.functions.search_ranked("written after tag:lateTag")) == ["writtenAfter"]
    assert names(db.functions.search_ranked("ittenaft")) == ["writtenAfter"]  # inside the name
    assert "parseHTTPHeader7_é" in names(db.functions.search_ranked("HTTPHeader7"))  # a bulk one
    assert names(db.functions.search_ranked("eader7"))[0] == "parseHTTPHeader7_é"  # inside it, shortest
    if db.dialect == "sqlite":
        assert db.conn.execute(triggers).fetchall() == before
    assert db.functions.stale_in_index() == 0


def test_a_failed_bulk_add_changes_nothing(db: codedb.Database) -> None:
    from codedb.domains.library.base import BULK_INDEX_AT

    keeper = db.functions.add("keeper", "", "pass", tags=["a"])
    items = _bulk_items(BULK_INDEX_AT, "t")
    items[-1]["function_id"] = keeper.function_id
    with pytest.raises(codedb.errors.Conflict):
        db.functions.add_many(items)
    assert [f.name for f in db.functions.list()] == ["keeper"]
    assert _index_rows(db).keys() == {keeper.function_id}
    db.functions.add("afterwards", "", "pass")  # the triggers are there
    assert names(db.functions.search_ranked("afterwards OR keeper")) in (
        ["afterwards", "keeper"],
        ["keeper", "afterwards"],
    )
    assert db.functions.stale_in_index() == 0


def test_index_text_is_what_the_sqlite_triggers_index() -> None:
    from codedb.core.textsearch import index_text

    with codedb.connect(":memory:") as db:
        codedb.migrate(db)

        @settings(max_examples=80, deadline=None)
        @given(st.text(max_size=40))
        @example("port8080")  # letters then digits, digits then letters, both, neither
        @example("8080port")
        @example("sha256 x9y HTTP2Server")
        @example("12 34 ab")
        def same_words(text: str) -> None:
            try:
                added = db.functions.add(f"n{text}", text, "", tags=["T1"])
            except InvalidInput:  # text codedb refuses to store (it says why)
                assume(False)
            row = db.conn.execute(
                "SELECT name, labels, description FROM function_search WHERE function_id = ?",
                (added.function_id,),
            ).fetchone()
            assert row == (index_text(added.name), index_text("T1"), index_text(added.description))

        same_words()


def test_the_index_follows_restores_imports_and_legacy_imports(
    library: codedb.Database, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from codedb.transfer.restore import restore

    queries = ["merge", "fib*", '"binary search"', "tag:sort OR name:fib", "server"]

    def answers(db: codedb.Database) -> dict[str, list[str]]:
        return {q: sorted(names(db.functions.search_ranked(q))) for q in queries}

    expected = answers(library)
    dump = tmp_path / "dump.json"
    codedb.backup(library, dump, fmt="json", quiet=True)
    targets = [str(tmp_path / "restored.sqlite")]
    if library.dialect == "postgresql":
        targets.append(request.getfixturevalue("pg_schema_url"))
    for target in targets:
        with codedb.connect(target) as db:
            restore(db, dump)
            assert answers(db) == expected and db.functions.stale_in_index() == 0
    imported = tmp_path / "imported.sqlite"
    cli = CLI(str(imported), tmp_path)
    cli.ok("init")
    cli.ok("import", str(dump))  # keyed on ids, into an existing database
    with codedb.connect(imported) as db:
        assert answers(db) == expected and db.functions.stale_in_index() == 0
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "legacy_pickles", ROOT / "tests" / "legacy" / "test_legacy.py"
    )
    assert spec is not None and spec.loader is not None
    pickles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pickles)
    legacy = tmp_path / "legacy.pkl"
    legacy.write_bytes(pickles.build_pickle("code_db", 4))
    with codedb.connect(imported) as db:
        before = {f.function_id for f in db.functions.list()}
    cli.ok("import-legacy", str(legacy))
    with codedb.connect(imported) as db:
        added = [f for f in db.functions.list() if f.function_id not in before]
        assert added and db.functions.stale_in_index() == 0
        for function in added:
            assert function.function_id in {
                h.function_id for h in db.functions.search_ranked(f"name:{function.name}")
            }


def test_a_failed_add_leaves_no_index_rows(db: codedb.Database) -> None:
    first = db.functions.add("keeper", "", "pass", tags=["a"])
    with pytest.raises(codedb.errors.Conflict):
        db.functions.add("intruder", "", "pass", tags=["b"], function_id=first.function_id)
    assert names(db.functions.search_ranked("intruder OR keeper OR tag:b")) == ["keeper"]
    assert db.functions.stale_in_index() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("AND", "search 'AND': AND needs a term on each side"),
        ("fib OR", "search 'fib OR': an operator without a term after it"),
        ("NOT fib", "search 'NOT fib': NOT needs a term on each side"),
        ("*", "search '*': a '*' alone"),
        ("NEAR(", "search 'NEAR(': a '(' without its ')'"),
        ("fib)", "search 'fib)': a ')' without its '('"),
        ("()", "search '()': empty parentheses"),
        ("+++", "search '+++': '+++' holds no letters or digits"),
        ("   ", "search '   ': nothing to search for"),
        ("name:", "search 'name:': nothing after name:"),
    ],
)
def test_bad_searches_are_one_clear_message(library: codedb.Database, text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        library.functions.search_ranked(text)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text", ['"unbalanced', "fib\x00\x07slow", "NEAR(a b)", 'a "b c', "x:y", "std::vector"]
)
def test_odd_searches_run_literally(library: codedb.Database, text: str) -> None:
    parsed = parse(text)  # searched as its words: no operator, column or syntax of the engine
    assert [word for term in parsed.terms() for word in term.words] == words(text)
    assert all(term.column is None for term in parsed.terms())
    assert library.functions.search_ranked(text) == library.functions.search_ranked(parsed)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_text_searches_or_gives_the_documented_error(library: codedb.Database, text: str) -> None:
    try:
        parsed = parse(text)
    except InvalidInput as exc:
        assert str(exc).startswith("search ") and "\n" not in str(exc)
        return
    library.functions.search_ranked(parsed)  # never a driver error


def test_search_and_reindex_commands(ready_target: str, tmp_path: Path) -> None:
    cli = CLI(ready_target, tmp_path)
    fid = cli.ok("add-function", "--name=mergeSortedArrays", "--code=return a", "--tags=sort").strip()
    cli.ok("add-function", "--name=fib", "--code=return fib(n - 1)")
    table = cli.ok("search-functions", "--query=sorted")
    assert fid in table and f"{MARK_START}mergeSortedArrays{MARK_END}" in table  # not a terminal: marks kept
    import json

    hits = json.loads(cli.ok("search-functions", "--query=sorted OR fib", "--json"))
    assert {h["name"] for h in hits} == {"mergeSortedArrays", "fib"} and {"score", "snippet"} <= set(hits[0])
    assert hits[0]["score"] >= hits[1]["score"]
    assert json.loads(cli.ok("search-functions", "--query=fib", "--tag=sort", "--json")) == []
    assert json.loads(cli.ok("search-functions", "--query=fib", "--limit=0", "--json")) == []
    substring = json.loads(cli.ok("search-functions", "--query=ib", "--substring", "--json"))
    assert [h["name"] for h in substring] == ["fib"] and "score" not in substring[0]
    everywhere = json.loads(cli.ok("search", "fib", "--json"))
    assert [(h["kind"], h["title"]) for h in everywhere] == [("function", "fib")]
    assert cli.error("search", "AND").startswith("Error: search 'AND': AND needs a term on each side")
    assert cli.error("search-functions", "--query=(").startswith("Error: search '(': a '(' without its ')'")
    assert json.loads(cli.ok("reindex", "--json"))["indexed"]["functions"] == 2
    assert json.loads(cli.ok("reindex", "--check", "--json"))["stale"]["functions"] == 0


def test_migration_indexes_existing_functions_and_rolls_back(db: codedb.Database) -> None:
    db.functions.add("olderFunction", "", "pass", tags=["kept"])
    codedb.rollback(db, to="0015.template-stats")  # the search migrations
    assert "function_search" not in db.table_names()
    db.functions.add("addedWithoutIndex", "", "pass")
    codedb.migrate(db)
    found = sorted(names(db.functions.search_ranked("older OR added")))
    assert found == ["addedWithoutIndex", "olderFunction"]
    assert names(db.functions.search_ranked("tag:kept")) == ["olderFunction"]
    assert db.functions.stale_in_index() == 0


def test_postgresql_samples_more_of_the_index_words_for_its_planner(db: codedb.Database) -> None:
    """Migration 0029: with the default sample a common prefix was taken for a rare one, and
    its search built GIN's bitmap of every match instead of a scan stopping at the first."""
    if db.dialect != "postgresql":
        pytest.skip("FTS5 has no planner statistics: migration 0029 changes PostgreSQL's alone")
    targets = (  # names' words: function's column (0026), function_search's since 0030
        "SELECT c.relname || '.' || a.attname, a.attstattarget FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid AND c.relnamespace = current_schema()::regnamespace "
        "WHERE (c.relname, a.attname) IN (('function_search', 'document'), ('function', 'name_words'), "
        "('function_search', 'name_words')) AND NOT a.attisdropped"
    )
    latest = {"function_search.document": 1000, "function_search.name_words": 1000}
    assert dict(db.conn.execute(targets).fetchall()) == latest
    codedb.rollback(db, to="0029.function-search-statistics")
    before = {"function_search.document": 1000, "function.name_words": 1000}
    assert dict(db.conn.execute(targets).fetchall()) == before
    codedb.rollback(db, to="0028.vector-versions")
    assert dict(db.conn.execute(targets).fetchall()) == {key: -1 for key in before}
    codedb.migrate(db)
    assert dict(db.conn.execute(targets).fetchall()) == latest


@pytest.mark.parametrize("depth", [17, 300, 498])
def test_deeply_nested_parentheses_are_one_line_on_both_backends(
    ready_target: str, tmp_path: Path, depth: int
) -> None:
    """Issue #22 item 19: 300 nested parentheses ended in a RecursionError traceback."""
    cli = CLI(ready_target, tmp_path)
    cli.ok("add-function", "--name=fib", "--code=return 1")
    text = "(" * depth + "fib" + ")" * depth
    for args in (("search", text), ("search-functions", f"--query={text}")):
        line = cli.error(*args)
        assert line.endswith("parentheses nested more than 16 deep; use fewer parentheses"), line
    nested = "(" * 16 + "fib" + ")" * 16
    assert "fib" in cli.ok("search", nested)
