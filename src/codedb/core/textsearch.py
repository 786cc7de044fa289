"""Full-text search queries, the same on both backends.

A search box's text is parsed here into words, prefixes (`fib*`), phrases (`"binary
search"`), column filters (`name:fib`, `tag:sort`) and AND / OR / NOT with parentheses, then
compiled into SQLite FTS5 syntax or a PostgreSQL tsquery. The compiled text is a bound
parameter of a fixed query: the user's text never reaches either syntax unchecked, because
every word is rebuilt from letters and digits only.

Words are code-aware. An index holds a text as its *words*: a space goes before every ASCII
capital and around every digit, then every run of letters and digits is a word, lower-cased.
So `mergeSortedArrays`, `merge_sorted_arrays` and `arrays.merge_sorted` all hold the words
merge, sorted, arrays, and `sha256sum` holds sha, 2, 5, 6, sum. A term of the query is split the
same way and becomes the phrase of its words, so an identifier matches exactly where its words
stand together. The SQL side makes the same split with nested `replace()` calls (SQLite) or
`regexp_replace` (PostgreSQL), inside the database, so rows written by plain SQL are indexed
alike. A run of capitals is split letter by letter: `HTTPServer` is found by `server`, by
`HTTPServer` and by `HTTP` in capitals, not by `http`.
"""

from __future__ import annotations

import base64
import re
import string
import struct
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, NamedTuple

from ..errors import InvalidInput
from .convert import not_text

MAX_QUERY = 1_000  # characters of a search: longer ones are refused
MAX_NODES = 64  # words, phrases and operators of one search
MAX_NESTING = 16  # parentheses inside parentheses (each level is a few frames of the parser)
MIN_COMPLETION = 3  # letters of a last word that is also searched as a prefix
NAME_PREFIXES = (3, 4)  # letters of the prefixes PostgreSQL's index of names holds as words (0030)
MARK_START, MARK_END = "\u00ab", "\u00bb"  # « and »: a match in a snippet

# A column a query may name, and what each name means (tags and modules are one column).
COLUMNS = {
    "name": "name",
    "tag": "labels",
    "tags": "labels",
    "module": "labels",
    "modules": "labels",
    "label": "labels",
    "labels": "labels",
    "description": "description",
    "desc": "description",
    "code": "code",
}
# The weight of each column in PostgreSQL's tsvectors (the migrations' setweight calls).
WEIGHTS = {"name": "A", "labels": "B", "description": "C", "code": "D"}
# A ranked search ranks at most this many of the newest matches (and of the newest name
# matches): ranking every match of a common word costs more than a scan.
SEARCH_CANDIDATES = 2_000
_OPERATORS = ("AND", "OR", "NOT")
_CONTROL = frozenset({"Cc", "Cf", "Cs", "Cn"})  # Co (private use) is a word character
# The SQL side's split, character for character: a space before a capital, around a digit.
_SPLIT = {ord(c): f" {c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"} | {ord(c): f" {c} " for c in "0123456789"}


# Migration 0024's numbers: letters become spaces where a letter and a digit touch.
# (Anchored on the digit: a letter before it, or one after; 3.5x quicker than trying both
# alternatives at every character of a function's code, which reindex does for each text.)
_GLUED = re.compile(r"[0-9](?<=[A-Za-z][0-9])|[0-9](?=[A-Za-z])")
_RUNS = re.compile(r"[0-9]+")
_NO_LETTERS = {ord(c): " " for c in string.ascii_letters}  # SQLite's lower() is ASCII only


def _is_word_char(ch: str) -> bool:
    # What SQLite's unicode61 tokenizer keeps: letters, numbers and private-use characters.
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "Co"


def words(text: str) -> list[str]:
    """The words an index holds for `text` (see the module's docstring), in order."""
    spaced = text.translate(_SPLIT)
    if spaced.isascii():  # a word character is a letter or digit: a regular expression finds them
        return _ALNUM_RUN.findall(spaced.lower())
    found: list[str] = []
    current: list[str] = []
    for ch in spaced:
        if _is_word_char(ch):
            current.append(ch)
        elif current:
            found.append("".join(current).lower())
            current = []
    if current:
        found.append("".join(current).lower())
    return found


def index_text(text: str) -> str:
    """The text SQLite's function index holds for `text`, exactly as function_search_source
    makes it (migrations 0016 and 0024): the split text, after the text whole where a capital or
    digit splits it, and the text with its letters as spaces where a letter and a digit touch
    (so that 8080 is a word of port8080). codedb's bulk adds index with it (migration 0017)."""
    try:
        split = text.translate(_SPLIT)
    except TypeError:  # a BLOB another program wrote where text is kept
        raise not_text(text) from None
    indexed = f"{text} {split}" if split != text else split
    return f"{indexed} {text.translate(_NO_LETTERS)}" if _GLUED.search(text) else indexed


# PostgreSQL's function documents (migrations 0016, 0020, 0024), made in Python for reindex.
_INDEXED = 100_000  # characters of a text the documents hold (left(t, 100000))
_MAX_POSITION = 16_383  # a tsvector's last position; a later word would share it
_MAX_REPEATS = 255  # positions a tsvector keeps of one word
_MAX_WORD = 2_046  # bytes of a word: to_tsvector leaves longer ones out
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
_CAPITAL_OR_DIGIT = re.compile(r"[A-Z0-9]")
# The words of the split text, in order: a capital and the small letters after it, small letters, a
# capital or a digit alone ([A-Z]?[a-z]+|[A-Z]|[0-9] written so that its first letter picks the
# branch: half the time over code).
_SPLIT_WORD = re.compile(r"[A-Z][a-z]*|[a-z]+|[0-9]")
_E_NUMBER = re.compile(r"[0-9][Ee][0-9]")  # the server's parser reads 6e1 in 6e1by as a number


# A tsvector's binary form (what PostgreSQL's COPY ... (FORMAT binary) takes): per weight (A to
# D), each position with the weight in its top two bits, as the big-endian 16 bits it is sent as.
_WEIGHT_BITS = (3 << 14, 2 << 14, 1 << 14, 0)
_INT32 = struct.Struct(">i").pack
_ROW_START = struct.Struct(">hi").pack  # a COPY row: its number of fields, the first's length


@cache
def _positions() -> tuple[tuple[bytes, ...], ...]:
    return tuple(
        tuple(struct.pack(">H", i | bits) for i in range(_MAX_POSITION + 1)) for bits in _WEIGHT_BITS
    )


@cache
def _counts() -> tuple[bytes, ...]:
    return tuple(struct.pack(">H", n) for n in range(_MAX_REPEATS + 1))


def _document_words(text: str) -> list[str] | None:
    """The words codedb_search_words(text) hands to_tsvector, in order (None: the server's)."""
    part = text[:_INDEXED]
    found = _ALNUM_RUN.findall(part)
    if len(part) > _MAX_WORD and max(map(len, found), default=0) > _MAX_WORD:
        return None
    if _CAPITAL_OR_DIGIT.search(text) is None:
        return found
    if _E_NUMBER.search(part):
        return None
    found += _SPLIT_WORD.findall(part)
    if _GLUED.search(text):
        found += _RUNS.findall(part)
    return found


def document_bytes(name: str, labels: str, description: str, code: str) -> bytes | None:
    """The tsvector PostgreSQL's function index holds for these texts, in its binary form
    (tsvectorsend's: the words, each with its positions and weights), exactly as
    function_search_document makes it from them (labels: the function's tags and modules in the
    database's order), or None where only the server can make it: a text with other than ASCII
    characters (its letters are the server locale's), a number the server's parser reads whole
    (`6e1`), a word too long to index, a document past the positions or repeats a tsvector
    keeps. reindex writes these with a binary COPY, which the server stores without parsing
    (the same documents as text cost it 17 us each, binary 1.7 us; Python 30 us instead of 22),
    and lets the server make the others."""
    texts = (name, labels, description, code)
    if not all(text.isascii() for text in texts):
        return None
    entries: dict[str, list[bytes]] = {}  # each word (the 'simple' dictionary's, lower case): positions
    end = 0
    for text, positions in zip(texts, _positions(), strict=True):
        words = _document_words(text)
        if words is None:
            return None
        if words:
            start, end = end, end + len(words)
            if end > _MAX_POSITION:
                return None
            get = entries.get
            lowered = "\0".join(words).lower().split("\0")
            for word, position in zip(lowered, positions[start + 1 : end + 1], strict=True):
                found = get(word)
                if found is None:
                    entries[word] = [position]
                else:
                    found.append(position)
    counts = _counts()
    parts = [_INT32(len(entries))]
    for word, found in entries.items():  # in any order: the server sorts the words
        if len(found) > _MAX_REPEATS:
            return None
        parts.append(word.encode() + b"\0" + counts[len(found)] + b"".join(found))
    return b"".join(parts)


def documents_of(rows: list[tuple[Any, ...]]) -> list[Any]:
    """The documents of a batch reindex reads, each row (key, function_id, name, labels,
    description, code): [the rows of a binary COPY of (function_id, document) for those Python
    makes (document_bytes), base64-encoded, the positions of the rows left to the server], as a
    worker process hands it back (JSON: codedb.core.workers.spread)."""
    data: list[bytes] = []
    left: list[int] = []
    for at, row in enumerate(rows):
        document = document_bytes(*row[2:])
        if document is None:
            left.append(at)
            continue
        key = row[1].encode()
        data += (_ROW_START(2, len(key)), key, _INT32(len(document)), document)
    return [base64.b64encode(b"".join(data)).decode("ascii"), left]


class SearchHit(NamedTuple):
    """One result of `codedb search`, whatever its domain: what it is (`kind`), its id, a
    title, its score within its own index (higher is better) and a snippet."""

    kind: str
    id: str
    title: str
    score: float
    snippet: str


# The parsed query: a tree of these.
class Term(NamedTuple):
    """A phrase of one or more words, the last a prefix when `prefix`, in `column` or any.
    `whole`: the term's words unsplit (`FIBON` -> fibon, where its words are f i b o n), an
    alternative phrase when they differ. `completes`: the last word typed, which may be
    unfinished: each phrase also with its last word as a prefix, ranking below the phrase as it
    stands (where that word has MIN_COMPLETION letters or more). `quoted`: typed in quotes."""

    words: tuple[str, ...]
    prefix: bool = False
    column: str | None = None
    completes: bool = False
    whole: tuple[str, ...] = ()
    quoted: bool = False

    @property
    def digits_only(self) -> bool:
        """Whether the term is a number (12345, 192.168.1.1): its words are all digits."""
        return all(w.isdigit() for w in self.words)

    def phrases(self, digit_runs: bool = False) -> list[tuple[tuple[str, ...], bool]]:
        """The phrases a match holds one of, each with whether its last word is a prefix. With
        `digit_runs` (an index that holds the runs of digits of a text as words, migration
        0024), a term of digits only is the phrase of its runs (12345, not 1 2 3 4 5)."""
        if digit_runs and self.digits_only:
            return [(self.whole or self.words, self.prefix)]
        found: list[tuple[tuple[str, ...], bool]] = []
        for phrase in (self.words, self.whole) if self.whole else (self.words,):
            found.append((phrase, self.prefix))
            if self.completes and len(phrase[-1]) >= MIN_COMPLETION and not phrase[-1].isdigit():
                found.append((phrase, True))
        return found

    def runs(self, digit_runs: bool) -> tuple[str, ...]:
        """With `digit_runs`, the runs of two digits or more of a term of letters and digits
        (T77: 77), words of the index that a match of its split phrase holds too: searched
        beside the phrase, whose digits one by one are words of most functions, they let the
        index skip to the few rows that hold them (T77 took 479 ms at 1M functions)."""
        if not digit_runs or self.digits_only:
            return ()
        return tuple(run for w in self.whole or self.words for run in _RUNS.findall(w) if len(run) > 1)


class Op(NamedTuple):
    """AND / OR of its parts, or NOT: the first part without the second."""

    op: str
    parts: tuple[Term | Op, ...]


Node = Term | Op


class TextQuery(NamedTuple):
    """A parsed search: its tree, and the text it came from (for messages)."""

    text: str
    tree: Node

    def terms(self) -> list[Term]:
        """The terms a match must or may hold (not those under NOT), to mark in snippets."""
        found: list[Term] = []

        def walk(node: Node) -> None:
            if isinstance(node, Term):
                found.append(node)
            elif node.op == "NOT":
                walk(node.parts[0])
            else:
                for part in node.parts:
                    walk(part)

        walk(self.tree)
        return found

    def in_column(self, column: str) -> TextQuery:
        """The same search, every term restricted to `column` (the name tier of a ranking)."""

        def move(node: Node) -> Node:
            if isinstance(node, Term):
                return node._replace(column=column)
            return Op(node.op, tuple(move(p) for p in node.parts))

        return TextQuery(self.text, move(self.tree))

    def any_word(self) -> TextQuery:
        """For a search of words only (no operator, column or quotes): the rows holding any of
        them, as a ranking fused with others wants (bm25 ranks rows holding more, and rarer,
        words first); any other search as it is."""
        tree = self.tree
        parts = tree.parts if isinstance(tree, Op) and tree.op == "AND" else ()
        if not parts or not all(isinstance(p, Term) and p.column is None and not p.quoted for p in parts):
            return self
        return TextQuery(self.text, Op("OR", parts))

    def columns(self) -> set[str]:
        """The index columns the search names (name:, tag:, ...), under NOT too."""
        found: set[str] = set()

        def walk(node: Node) -> None:
            if isinstance(node, Term):
                if node.column:
                    found.add(node.column)
            else:
                for part in node.parts:
                    walk(part)

        walk(self.tree)
        return found

    def plain(self) -> bool:
        """True when the search names no column and has no NOT: then the same search in one
        column (in_column) matches only where the search itself matches."""

        def walk(node: Node) -> bool:
            if isinstance(node, Term):
                return node.column is None
            return node.op != "NOT" and all(walk(part) for part in node.parts)

        return walk(self.tree)

    def needles(self) -> list[str] | None:
        """What a name must hold inside it to match the search as text (onacci: fibonacci_memo),
        one per term: for words side by side only, each unsplit (FIBON: fibon) and of
        MIN_COMPLETION letters or more, without a column, quotes, a '*', OR or NOT; else None."""
        parts = self.tree.parts if isinstance(self.tree, Op) and self.tree.op == "AND" else (self.tree,)
        found = []
        for part in parts:
            if not isinstance(part, Term) or part.column or part.prefix or part.quoted:
                return None
            whole = part.whole or part.words
            if len(whole) != 1 or len(whole[0]) < MIN_COMPLETION:
                return None
            found.append(whole[0])
        return found

    def inner_match(self, dialect: str) -> str | list[str] | None:
        """The needles as the names' index takes them: an FTS5 search of the trigram index
        (SQLite, migration 0025), or ILIKE patterns (PostgreSQL); None without needles."""
        needles = self.needles()
        if needles is None:
            return None
        if dialect == "postgresql":  # letters and digits: no LIKE wildcard; the longest first
            return [f"%{needle}%" for needle in sorted(needles, key=len, reverse=True)]
        return " AND ".join(f'"{needle}"' for needle in needles)

    def compiled(self, dialect: str, digit_runs: bool = False, by_runs: bool = False) -> str:
        """The query in the syntax of `dialect`'s index: FTS5, or a tsquery whose column
        filters are the weights of WEIGHTS (digit_runs: see Term.phrases; by_runs: fts5)."""
        if dialect == "postgresql":
            return self.tsquery(WEIGHTS, digit_runs, by_runs)
        return self.fts5(digit_runs, by_runs)

    def fts5(self, digit_runs: bool = False, by_runs: bool = False) -> str:
        """The query in SQLite FTS5 syntax (for `MATCH`). With `by_runs` (and `digit_runs`), a
        term of letters and digits (T123) is found by its runs of digits (123) instead of its
        split phrase beside them: a wider search, to check against the query itself, whose
        bm25 counts no phrase of the commonest words (see Term.runs)."""
        return _fts5(self.tree, digit_runs, by_runs)

    def tsquery(self, weights: dict[str, str], digit_runs: bool = False, by_runs: bool = False) -> str:
        """The query in PostgreSQL tsquery syntax (for `to_tsquery('simple', ...)`); a
        column filter becomes the weight `weights` gives its column. `by_runs`: as in fts5, the
        wider search to rank by (ts_rank counts each word of a phrase wherever it stands, so a
        function full of digits outranked the ticket T123 itself)."""
        return _tsquery(self.tree, weights, digit_runs, by_runs)

    def name_lookup(self) -> str | None:
        """The search as PostgreSQL's index of names' words takes it (function_search.name_words,
        migration 0030): without weights (that index holds names only), and a prefix of
        NAME_PREFIXES letters as the one word that stands for it there (`'*fibo'`) instead of
        every word that starts so. A tsquery to cast, not to parse: None where a word is not
        ASCII (the server lower-cases those its own way; tsquery({}) is then the query to parse)."""
        found = _tsquery(self.tree, {}, True, prefixes=True)
        return found if found.isascii() else None


def _error(text: str, problem: str, fix: str) -> InvalidInput:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return InvalidInput(f"search {shown!r}: {problem}; {fix}")


_TOKEN = re.compile(r'\s+|"[^"]*"?\*?|[()]|[^\s()"]+')


def parse(text: str) -> TextQuery:
    """Parse a search box's text; InvalidInput with the problem and the fix when it cannot be
    read. Quotes that are not closed end at the end of the text."""
    if not isinstance(text, str):
        raise InvalidInput(f"search text must be text, not {type(text).__name__}")
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"search text of {len(text):,} characters; give at most {MAX_QUERY:,}")
    # Control characters separate words, as any other character that is not a letter or digit.
    clean = "".join(" " if unicodedata.category(ch) in _CONTROL else ch for ch in text)
    tokens = [t for t in _TOKEN.findall(clean) if not t.isspace()]
    if not tokens:
        raise _error(text, "nothing to search for", "give a word, e.g. 'codedb search fib'")
    parser = _Parser(text, tokens)
    tree = parser.expression()
    if parser.pos < len(tokens):  # only a ')' without its '(' stops an expression early
        raise _error(text, "a ')' without its '('", "remove it or put the text in quotes")
    if parser.nodes > MAX_NODES:
        raise _error(text, f"more than {MAX_NODES} words and operators", "search for fewer words")
    return TextQuery(text, tree)


class _Parser:
    """Recursive descent: or := and (OR and)*; and := not ([AND] not)*; not := unit (NOT unit)*;
    unit := '(' or ')' | [column ':'] word ['*'] | [column ':'] '"' phrase '"' ['*']."""

    def __init__(self, text: str, tokens: Sequence[str]):
        self.text, self.tokens, self.pos, self.nodes, self.depth = text, tokens, 0, 0, 0
        self.negated = False

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def expression(self) -> Node:
        parts = [self.conjunction()]
        while self.peek() == "OR":
            self.pos += 1
            parts.append(self.conjunction())
        return self.combine("OR", parts)

    def conjunction(self) -> Node:
        parts = [self.negation()]
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.pos += 1
            parts.append(self.negation())
        return self.combine("AND", parts)

    def negation(self) -> Node:
        node = self.unit()
        while self.peek() == "NOT":
            self.pos += 1
            self.negated = True
            node = Op("NOT", (node, self.unit()))
            self.negated = False
            self.nodes += 1
        return node

    def unit(self) -> Node:
        piece = self.peek()
        if piece is None or piece == ")":
            raise _error(self.text, "an operator without a term after it", "put a word after it")
        if piece in _OPERATORS:
            raise _error(
                self.text,
                f"{piece} needs a term on each side (as in 'fib {piece} slow')",
                f'search the word itself in quotes: "{piece.lower()}"',
            )
        self.pos += 1
        if piece == "(":
            if self.peek() in (None, ")"):
                problem = "a '(' without its ')'" if self.peek() is None else "empty parentheses"
                raise _error(self.text, problem, "put words inside, or put the text in quotes")
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise _error(
                    self.text, f"parentheses nested more than {MAX_NESTING} deep", "use fewer parentheses"
                )
            node = self.expression()
            self.depth -= 1
            if self.peek() != ")":
                raise _error(self.text, "a '(' without its ')'", "close it or put the text in quotes")
            self.pos += 1
            return node
        name, colon, rest = piece.partition(":")
        column = COLUMNS.get(name.lower()) if colon else None
        if column is None:
            return self.term(piece, None)
        if not rest:  # "name: fib" or 'name:"binary search"': the column's term follows
            following = self.peek()
            if following is None or following in _OPERATORS or following in ("(", ")"):
                raise _error(self.text, f"nothing after {piece}", f"give a word, as in {name}:fib")
            self.pos += 1
            rest = following
        return self.term(rest, column)

    def term(self, piece: str, column: str | None) -> Term:
        prefix = piece.endswith("*")
        body = piece.rstrip("*")
        quoted = body.startswith('"')
        if quoted:
            body = body[1:].removesuffix('"')
        found = words(body)
        if not found:
            if prefix and not body.strip():
                raise _error(self.text, "a '*' alone", "put it right after a word, as in fib*")
            raise _error(
                self.text, f"{piece!r} holds no letters or digits", "search for words, identifiers or numbers"
            )
        self.nodes += len(found)
        # The last word typed may be unfinished (a search box searching as one types), unless it
        # is quoted, negated or starred.
        completes = self.pos == len(self.tokens) and not (prefix or quoted or self.negated)
        whole = tuple(w.lower() for w in _SPAN.findall(body))
        return Term(tuple(found), prefix, column, completes, () if whole == tuple(found) else whole, quoted)

    def combine(self, op: str, parts: list[Node]) -> Node:
        if len(parts) == 1:
            return parts[0]
        self.nodes += 1
        return Op(op, tuple(parts))


def _fts5(node: Node, runs: bool, by_runs: bool = False) -> str:
    if isinstance(node, Term):
        # Words are letters and digits only, so quoting them cannot break out of the string.
        digits = " AND ".join(f'"{run}"' for run in node.runs(runs))
        found: list[str] = []
        for words, prefix in node.phrases(runs):
            phrase = '"' + " ".join(words) + '"' + (" *" if prefix else "")
            if digits and len(words) > 1:  # the split phrase, and the runs that a match holds
                phrase = f"({digits})" if by_runs else f"({phrase} AND {digits})"
            if phrase not in found:
                found.append(phrase)
        phrase = found[0] if len(found) == 1 else "(" + " OR ".join(found) + ")"
        return f"{node.column} : {phrase}" if node.column else phrase
    if node.op == "NOT":  # what is left out is left out exactly: the search stays the wider
        return f"({_fts5(node.parts[0], runs, by_runs)} NOT {_fts5(node.parts[1], runs)})"
    return "(" + f" {node.op} ".join(_fts5(p, runs, by_runs) for p in node.parts) + ")"


def _tsquery(
    node: Node, weights: dict[str, str], runs: bool, by_runs: bool = False, prefixes: bool = False
) -> str:
    if isinstance(node, Term):
        weight = weights.get(node.column, "") if node.column else ""
        found: list[str] = []
        digits = " & ".join(f"'{run}'" + (f":{weight}" if weight else "") for run in node.runs(runs))
        for words, prefix in node.phrases(runs):
            lexemes = [f"'{w}'" + (f":{weight}" if weight else "") for w in words]
            if prefix and prefixes and len(words) == 1 and len(words[0]) in NAME_PREFIXES:
                lexemes[-1] = f"'*{words[0]}'"
            elif prefix:
                lexemes[-1] = f"'{words[-1]}':*{weight}"
            phrase = lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"
            if digits and len(words) > 1:
                phrase = f"({digits})" if by_runs else f"({phrase} & {digits})"
            if phrase not in found:
                found.append(phrase)
        return found[0] if len(found) == 1 else "(" + " | ".join(found) + ")"
    if node.op == "NOT":
        kept = _tsquery(node.parts[0], weights, runs, by_runs, prefixes)
        return f"({kept} & !{_tsquery(node.parts[1], weights, runs, prefixes=prefixes)})"
    joiner = " & " if node.op == "AND" else " | "
    return "(" + joiner.join(_tsquery(p, weights, runs, by_runs, prefixes) for p in node.parts) + ")"


# Snippets: made here from the stored text, the same on both backends.
SNIPPET_WORDS = 16
_SPAN = re.compile(r"[^\W_]+", re.UNICODE)


class _Marks(NamedTuple):
    """What a snippet marks. A span is marked when one of its words (or itself, lower-cased) is
    a word of two letters or more of the search's phrases, or a phrase of one word, or starts
    with the last word of a phrase that is a prefix (match); or when its words are part of a
    whole phrase that holds a letter or digit alone (t 4 0 1 7 of T4017), within a span or
    across spans (`T-4017`; across): such a letter or digit alone marks nothing. Each word
    stands inside the span lower-cased, which `inside` looks for first: most spans hold none,
    and are passed without being split into words."""

    words: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]  # of several words, some of one letter or digit
    prefixes: tuple[str, ...]
    inside: re.Pattern[str]

    @classmethod
    def of(cls, terms: Iterable[Term]) -> _Marks:
        pairs = [pair for term in terms for pair in term.phrases()]
        every = {word for phrase, _ in pairs for word in phrase}
        return cls(
            frozenset(w for phrase, _ in pairs for w in phrase if len(w) > 1 or len(phrase) == 1),
            tuple({phrase for phrase, _ in pairs if len(phrase) > 1 and min(map(len, phrase)) == 1}),
            tuple({phrase[-1] for phrase, prefix in pairs if prefix}),
            re.compile("|".join(map(re.escape, every)) if every else "(?!)"),  # no word: none found
        )

    def match(self, span: str) -> bool:
        lowered = span.lower()
        if self.inside.search(lowered) is None:
            return False
        return any(w in self.words or w.startswith(self.prefixes) for w in (*words(span), lowered))

    def marked(self, text: str) -> tuple[list[re.Match[str]], set[int]]:
        """The spans of `text` and which of them are marked (by index). An ASCII text is
        lower-cased whole, letter for letter, and `inside` looked for once: a word of the search
        is letters and digits, which never cross a span's edge, so only the spans where it finds
        one are looked at (a text of code holds about 30 spans, a match in one or two)."""
        starts: list[int] | None = None
        if text.isascii():
            starts = [found.start() for found in self.inside.finditer(text.lower())]
            if not starts:
                return [], set()
        spans = list(_SPAN.finditer(text))
        looked: Iterable[int] = range(len(spans))
        if starts is not None:
            edges = [span.start() for span in spans]
            looked = {bisect_right(edges, at) - 1 for at in starts}
        marked = {i for i in looked if self.match(spans[i].group())}
        if self.phrases:  # a search with a letter or digit alone (T123): spans split once more
            marked |= self.across([span.group() for span in spans])
        return spans, marked

    def across(self, spans: Sequence[str]) -> set[int]:
        """The spans (by index) whose words are part of one of `phrases`, word after word."""
        found: list[str] = []
        owner: list[int] = []
        for i, span in enumerate(spans):
            own = words(span)
            found += own
            owner += [i] * len(own)
        marked: set[int] = set()
        for phrase in self.phrases:
            size = len(phrase)
            for at in range(len(found) - size + 1):
                if tuple(found[at : at + size]) == phrase:
                    marked.update(owner[at : at + size])
        return marked


def marked_inside(text: str, needles: Sequence[str]) -> str:
    """`text` with the first place each needle stands inside it between « and » (any case)."""
    folded = text.lower()
    spans = sorted((at, at + len(n)) for n in needles if (at := folded.find(n.lower())) >= 0)
    pieces, cursor = [], 0
    for start, end in spans:
        if start >= cursor:
            pieces += [text[cursor:start], MARK_START, text[start:end], MARK_END]
            cursor = end
    return "".join(pieces) + text[cursor:]


def snippet(query: TextQuery, texts: Sequence[str], width: int = SNIPPET_WORDS) -> str:
    """A window of about `width` words of the first of `texts` holding a match, each match
    between « and »; '' when none holds one."""
    return snippets(query, [texts], width)[0]


def snippets(query: TextQuery, many: Iterable[Sequence[str]], width: int = SNIPPET_WORDS) -> list[str]:
    """The snippet of each of `many` (a page of results), the search's marks made once."""
    marks = _Marks.of(query.terms())
    return [_snippet(marks, texts, width) for texts in many]


def _snippet(marks: _Marks, texts: Sequence[str], width: int) -> str:
    for text in texts:
        if text.__class__ is not str:  # a BLOB another program wrote where text is kept
            raise not_text(text)
        spans, marked = marks.marked(text)
        if not marked:
            continue
        start = max(0, min(marked) - width // 4)
        end = min(len(spans), start + width)
        pieces: list[str] = []
        cursor = spans[start].start()
        for i in range(start, end):
            span = spans[i]
            pieces.append(text[cursor : span.start()])
            pieces.append(f"{MARK_START}{span.group()}{MARK_END}" if i in marked else span.group())
            cursor = span.end()
        body = " ".join("".join(pieces).split())  # one line: code's newlines and indents folded
        return ("..." if start > 0 else "") + body + ("..." if end < len(spans) else "")
    return ""
