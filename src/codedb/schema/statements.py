"""A migration file split into its statements, where yoyo splits them as sqlparse does.

sqlparse lexes every token of every file: 322 ms for the 94 migration files of both dialects,
paid by every process's first `migrate` (`codedb init` spent half its time there). The
migrations are SQL written by hand, so finding where each statement ends needs only the few
tokens that hide or nest a `;`: comments, quoted text and identifiers, dollar quotes,
parentheses, and a trigger's BEGIN ... END. The statements come out as sqlparse cuts them
(tests/schema/test_statements.py compares them over every migration): what follows a `;` up
to the end of its line (spaces, a `--` comment) stays with the statement it ends.
"""

import re

_TOKENS = re.compile(
    r"""
      (?P<newline>\r\n|\r|\n)
    | (?P<space>[^\S\r\n]+)
    | (?P<line>--[^\r\n]*(?:\r\n|\r|\n)?)
    | (?P<block>/\*.*?\*/)
    | (?P<quoted>'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(?P<tag>(?:[^\W\d]\w*)?)\$.*?\$(?P=tag)\$)
    | (?P<end>(?i:END)(?:(?P<gap>\s+)(?P<closes>(?i:IF|CASE|LOOP|WHILE|FOR)))?\b)
    | (?P<word>[^\W\d]\w*)
    | (?P<semi>;)
    | (?P<open>\()
    | (?P<close>\))
    | (?P<other>.)
    """,
    re.S | re.X,
)
_SPACING = frozenset(("space", "line"))
_QUIET = frozenset(("newline", "space", "line", "block"))
_OPENS_IN_A_BODY = frozenset(("CASE", "IF"))
_TRANSACTION = frozenset(("TRANSACTION", "WORK", "DEFERRED", "IMMEDIATE", "EXCLUSIVE"))


def split(text: str) -> list[str]:
    """The statements of `text`, stripped, empty ones left out (yoyo's read_sql_migration)."""
    found: list[str] = []
    start = 0
    level = 0  # parentheses and blocks open: a `;` inside them does not end the statement
    blocks: list[str] = []  # BEGIN, and each CASE or IF opened inside a BEGIN ... END
    after_begin = False  # the last token was BEGIN: `BEGIN;` is a transaction, not a block
    ended = False  # a `;` ended the statement: the rest of its line is still its own
    for token in _TOKENS.finditer(text):
        kind = token.lastgroup
        if ended:
            if kind in _SPACING:
                continue
            found.append(text[start : token.start()].strip())
            start, level, blocks, after_begin, ended = token.start(), 0, [], False, False
        if kind in _QUIET:
            continue
        word = token.group().upper() if kind == "word" else ""
        if after_begin and (kind == "semi" or word in _TRANSACTION):
            blocks.pop()  # the BEGIN just pushed began a transaction
            level -= 1
        after_begin = word == "BEGIN"
        if kind == "open":
            level += 1
        elif kind == "close":
            level -= 1
        elif word == "BEGIN" or (word in _OPENS_IN_A_BODY and "BEGIN" in blocks):
            blocks.append(word)
            level += 1
        elif kind == "end":
            # END closes the last block; END IF, END CASE...: that block, written with one space
            # between the words (sqlparse compares the words as written)
            closes = token.group("closes")
            if closes is None or (token.group("gap") == " " and blocks and blocks[-1] == closes.upper()):
                if blocks:
                    blocks.pop()
                level -= 1
        elif kind == "semi" and level <= 0 and "BEGIN" not in blocks:
            ended = True
    found.append(text[start:].strip())
    return [statement for statement in found if statement]
