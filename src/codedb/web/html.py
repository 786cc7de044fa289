"""HTML for the pages and /docs: the Jinja2 environment (every value escaped), code
highlighting (tokens found first, each escaped, then wrapped) and inline SVG bar charts."""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape
from starlette.requests import Request


@cache
def environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("codedb.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["code"] = highlight
    env.filters["when"] = lambda d: "" if d is None else d.strftime("%Y-%m-%d %H:%M")
    env.filters["money"] = lambda v: f"${float(v or 0):,.2f}"
    env.filters["ms"] = lambda v: "" if v is None else f"{float(v):,.1f}"
    env.filters["q"] = lambda v: quote(str(v), safe="")
    return env


def render(name: str, request: Request, **context: Any) -> str:
    return str(environment().get_template(name).render(request=request, path=request.url.path, **context))


# --- code highlighting: tokens first, each escaped, then wrapped ------------------------------

TOKENS = re.compile(
    r"(?P<comment>#[^\n]*|//[^\n]*)"
    r"|(?P<string>\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*')"
    r"|(?P<number>\b\d+(?:\.\d+)?\b)"
    r"|(?P<word>\b[A-Za-z_]\w*\b)"
)
_WORDS = (
    "def class return if elif else for while in not and or is None True False import from as with "
    "try except finally raise lambda yield async await pass break continue function const let var "
    "new end fn pub struct impl match use module where"
)
KEYWORDS = frozenset(_WORDS.split())


def highlight(code: str) -> Markup:
    """Code as HTML with comments, strings, numbers and keywords in spans; everything escaped."""
    out, at = [], 0
    for match in TOKENS.finditer(code):
        out.append(str(escape(code[at : match.start()])))
        kind, text = match.lastgroup, match.group()
        if kind == "word" and text not in KEYWORDS:
            out.append(str(escape(text)))
        else:
            css = "kw" if kind == "word" else kind
            out.append(f'<span class="{css}">{escape(text)}</span>')
        at = match.end()
    out.append(str(escape(code[at:])))
    return Markup("".join(out))  # noqa: S704 - every part is escaped above


# --- charts: inline SVG bars ----------------------------------------------------------------------


def bars(rows: list[tuple[str, float]], unit: str = "") -> Markup:
    """A horizontal bar chart of (label, value) rows as inline SVG."""
    if not rows:
        return Markup("<p class='muted'>Nothing to chart yet.</p>")
    top = max(value for _, value in rows) or 1.0
    height, parts = 22, []
    for n, (label, value) in enumerate(rows):
        width = max(0.5, 55 * value / top)  # the largest bar leaves room for its label
        y = n * height
        parts.append(
            f'<text x="0" y="{y + 15}" class="label">{escape(label)}</text>'
            f'<rect x="30%" y="{y + 3}" width="{width:.2f}%" height="{height - 6}" rx="2"></rect>'
            f'<text x="{30 + width + 1:.2f}%" y="{y + 15}" class="value">{value:,.2f}{escape(unit)}</text>'
        )
    return Markup(  # noqa: S704 - the labels are escaped, the numbers are numbers
        f'<svg class="chart" role="img" width="100%" height="{len(rows) * height}">{"".join(parts)}</svg>'
    )
