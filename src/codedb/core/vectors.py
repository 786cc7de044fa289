"""Semantic search over stored vectors, the same for every domain that has them.

A domain's searchable API (functions, templates, messages) inherits `Embedded` and names its
queries in `_queries` (sql/<domain>/vectors.sql, migration 0027). `embed` fills in the
vectors that are missing or stale: a row changed after its vector was made comes back to the
queue; its text is hashed, and a text that is what the vector was made from only marks the
vector current, without asking the provider. The provider is asked outside any transaction;
each batch's vectors are written in one, so a provider that fails leaves every row as it was
and a run stopped half way resumes where it stopped.

Search is exact: the cosine similarity of the query's vector with every stored vector of the
same model, a matrix product in numpy over the model's vectors, read once and kept in memory
until they change (a number every write of their table raises, migration 0028). A vector of
another model is never compared: a search names its model, and vectors of other lengths are
refused.
(sqlite-vec cannot load into a Python whose sqlite3 was built without loadable extensions, as
this project's CI's is; numpy's product is the same exact search, measured in `make bench`.)
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import Conflict, InvalidInput, NotFound
from .api import DomainAPI
from .convert import db_time, now
from .textsearch import SearchHit, TextQuery, parse

if TYPE_CHECKING:
    import numpy as np

    from .embedding import Provider

EMBED_BATCH = 64  # rows embedded and written at a time
MAX_NEIGHBOURS = 1_000
RRF_K = 60  # reciprocal rank fusion's constant (Cormack et al., 2009)
HYBRID_DEPTH = 50  # hits of each ranking a hybrid search fuses (at least its limit)
CACHED_MATRICES = 4  # models x domains x databases whose vectors stay in memory


def encode(vector: np.ndarray) -> str:
    """A vector as stored: its little-endian float32 values, base64-encoded."""
    import numpy as np

    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")


def decode(text: str, dimensions: int) -> np.ndarray:
    """A stored vector; InvalidInput when it is not `dimensions` float32 values."""
    import numpy as np

    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise InvalidInput(
            "a stored vector is not base64; delete its model's with 'codedb embed --forget MODEL'"
        ) from None
    if len(raw) != 4 * dimensions:
        raise InvalidInput(
            f"a stored vector holds {len(raw) / 4:g} values, not {dimensions}; "
            "delete its model's with 'codedb embed --forget MODEL'"
        )
    return np.frombuffer(raw, dtype="<f4")


def text_hash(text: str) -> str:
    """The SHA-256 of a text a vector is made from (hex)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class EmbedReport(NamedTuple):
    """What one `embed` did: vectors made, vectors found current (their text unchanged), and
    the model."""

    embedded: int
    unchanged: int
    model: str


class VectorModel(NamedTuple):
    """A model with vectors in one domain: its name, dimensions and number of vectors."""

    model: str
    dimensions: int
    vectors: int


class _Matrix(NamedTuple):
    version: int
    ids: list[str]
    titles: list[str]
    snippets: list[str]
    matrix: np.ndarray


_MATRICES: OrderedDict[tuple[str, str, str], _Matrix] = OrderedDict()
_MATRICES_LOCK = threading.Lock()  # a server's threads share them


def top_k(matrix: np.ndarray, query: np.ndarray, k: int) -> list[tuple[int, float]]:
    """(row, cosine) of the `k` rows of unit length nearest to `query`, best first (equal
    scores by row)."""
    import numpy as np

    if not len(matrix) or k <= 0:
        return []
    scores = matrix @ query
    k = min(k, len(scores))
    best = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    ordered = sorted(best.tolist(), key=lambda row: (-scores[row], row))
    return [(row, float(scores[row])) for row in ordered]


def fuse(*rankings: Sequence[SearchHit], limit: int) -> builtins.list[SearchHit]:
    """Reciprocal rank fusion of rankings of the same kind of hit: each hit scores 1/(60 + its
    rank) in every ranking that holds it; the score shown is that sum as a share (0-100) of a
    hit first in every ranking."""
    fused: dict[str, float] = {}
    first: dict[str, SearchHit] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, 1):
            fused[hit.id] = fused.get(hit.id, 0.0) + 1.0 / (RRF_K + rank)
            first.setdefault(hit.id, hit)
    best = len(rankings) / (RRF_K + 1)
    ordered = sorted(fused, key=lambda key: (-fused[key], key))[:limit]
    return [first[key]._replace(score=round(100 * fused[key] / best, 1)) for key in ordered]


def relevance(cosine: float) -> float:
    """A cosine similarity as the relevance shown (0-100, one decimal)."""
    return round(max(cosine, 0.0) * 100, 1)


class VectorQueries(NamedTuple):
    """A domain's named queries for vectors (sql/<domain>/vectors.sql)."""

    queue: str
    count_queue: str
    store: str
    touch: str
    of_model: str
    version: str
    count_model: str
    has_model: str
    models: str
    one: str
    forget: str


class Embedded(DomainAPI):
    """Semantic search for a domain API: `_queries` names its vector queries, `KIND` is what
    `codedb search` calls its hits, and `_text` turns a queued row's texts into the text that
    is embedded."""

    KIND = ""
    _queries: VectorQueries
    if TYPE_CHECKING:  # every searchable domain's word search (core.registry's Domain.search)
        text_hits: Callable[[TextQuery, int], builtins.list[SearchHit]]

    def _text(self, row: Sequence[Any]) -> str:
        raise NotImplementedError

    def _run(self, which: str, *rows: Any, **params: Any) -> Any:
        return getattr(self.sql, getattr(self._queries, which))(self.conn, *rows, **params)

    def vector_models(self) -> builtins.list[VectorModel]:
        """Each model with vectors here, with its dimensions and number of vectors."""
        return [VectorModel(str(m), int(d), int(n)) for m, d, n in self._run("models")]

    def pending_vectors(self, model: str) -> int:
        """How many rows `embed` would look at for `model`: no vector of it, or changed since."""
        return int(self._run("count_queue", model=model))

    def embed(
        self, provider: Provider, *, batch: int = EMBED_BATCH, progress: Callable[[int], None] | None = None
    ) -> EmbedReport:
        """Make the vectors of `provider`'s model that are missing or stale (see the module's
        docstring), `batch` rows at a time, each batch written in its own transaction."""
        embedded = unchanged = 0
        after, dimensions = "", None
        while True:
            read_at = db_time(now())
            rows = list(self._run("queue", model=provider.model, after=after, batch=batch))
            if not rows:
                return EmbedReport(embedded, unchanged, provider.model)
            after = rows[-1][0]
            made, dimensions = self._embed_batch(provider, rows, read_at, dimensions)
            embedded += made
            unchanged += len(rows) - made
            if progress:
                progress(len(rows))

    def _embed_batch(
        self, provider: Provider, rows: builtins.list[Any], read_at: str, dimensions: int | None
    ) -> tuple[int, int | None]:
        """Embed a batch's changed texts, then in one transaction write their vectors and mark
        the unchanged ones current; returns how many were embedded and the vectors' length
        (checked against the stored vectors of the model once a run, then against the run's)."""
        texts = [self._text(row[2:]) for row in rows]
        hashes = [text_hash(text) for text in texts]
        fresh = [i for i, row in enumerate(rows) if row[1] != hashes[i]]
        made: builtins.list[dict[str, Any]] = []
        if fresh:
            vectors = provider.embed([texts[i] for i in fresh])
            if dimensions is None:
                self._check_dimensions(provider.model, vectors.shape[1])
            elif vectors.shape[1] != dimensions:
                raise Conflict(
                    f"model {provider.model} made vectors of {vectors.shape[1]} and {dimensions} dimensions "
                    "in one run; check the provider's model settings"
                )
            dimensions = int(vectors.shape[1])
            made = [
                {
                    "id": rows[i][0],
                    "model": provider.model,
                    "dimensions": dimensions,
                    "text_hash": hashes[i],
                    "vector": encode(vector),
                    "embedded_at": read_at,
                }
                for i, vector in zip(fresh, vectors, strict=True)
            ]
        changed = set(fresh)
        same = [
            {"id": row[0], "model": provider.model, "embedded_at": read_at}
            for i, row in enumerate(rows)
            if i not in changed
        ]
        with self.db.transaction():
            if made:
                self._run("store", made)
            if same:
                self._run("touch", same)
        return len(made), dimensions

    def _check_dimensions(self, model: str, dimensions: int) -> None:
        stored = {m.dimensions for m in self.vector_models() if m.model == model}
        if stored and stored != {dimensions}:
            raise Conflict(
                f"model {model} made vectors of {dimensions} dimensions; {self.KIND}s hold its vectors of "
                f"{', '.join(map(str, sorted(stored)))}: delete them with 'codedb embed --forget {model}'"
            )

    def _matrix(self, model: str) -> _Matrix:
        """The vectors of `model`, from memory while they are unchanged."""
        from .embedding import numpy_module, unit_rows

        numpy_module()  # ProviderError naming the extra when numpy is missing
        import numpy as np

        key = (self.db.target.display, self.KIND, model)
        # The version is read before the vectors: a write between the two makes the next
        # search read them again, never keep what it did not see.
        version = int(self._run("version"))
        with _MATRICES_LOCK:
            cached = _MATRICES.get(key)
            if cached is not None and cached.version == version:
                _MATRICES.move_to_end(key)
                return cached
        ids: list[str] = []
        titles: list[str] = []
        snippets: list[str] = []
        rows: list[np.ndarray] = []
        for row_id, title, snippet, dimensions, vector in self._run("of_model", model=model):
            ids.append(row_id)
            titles.append(title)
            snippets.append(snippet)
            rows.append(decode(vector, dimensions))
        if len({len(r) for r in rows}) > 1:
            raise Conflict(
                f"{self.KIND}s hold vectors of {model} of different lengths; "
                f"delete them with 'codedb embed --forget {model}'"
            )
        matrix = unit_rows(np.vstack(rows)) if rows else np.zeros((0, 0), dtype=np.float32)
        made = _Matrix(version, ids, titles, snippets, matrix)
        with _MATRICES_LOCK:
            _MATRICES[key] = made
            while len(_MATRICES) > CACHED_MATRICES:
                _MATRICES.popitem(last=False)
        return made

    def _nearest(
        self, model: str, query: np.ndarray, limit: int, skip: str | None = None
    ) -> builtins.list[SearchHit]:
        if not 1 <= limit <= MAX_NEIGHBOURS:
            raise InvalidInput(f"limit {limit} is out of range; give 1 to {MAX_NEIGHBOURS:,}")
        found = self._matrix(model)
        if not found.ids:
            others = ", ".join(f"{m.model} ({m.vectors:,})" for m in self.vector_models())
            held = f"; it holds vectors of {others}: name that model's provider" if others else ""
            raise Conflict(
                f"no {self.KIND} has a vector of model {model}{held}; make them with 'codedb embed'"
            )
        if found.matrix.shape[1] != len(query):
            raise Conflict(
                f"the query's vector has {len(query)} dimensions and {model}'s stored vectors "
                f"{found.matrix.shape[1]}; delete them with 'codedb embed --forget {model}'"
            )
        hits = top_k(found.matrix, query, limit + (skip is not None))
        return [
            SearchHit(self.KIND, found.ids[row], found.titles[row], relevance(score), found.snippets[row])
            for row, score in hits
            if found.ids[row] != skip
        ][:limit]

    def search_semantic(
        self, text: str, *, limit: int = 10, provider: Provider | None = None
    ) -> builtins.list[SearchHit]:
        """The `limit` rows whose vectors are nearest to `text`'s (made by `provider`, the
        local model when None), best first; score: the cosine similarity as 0-100."""
        from .embedding import provider as default_provider

        if not isinstance(text, str) or not text.strip():
            raise InvalidInput("empty search text; give words describing what you look for")
        chosen = provider or default_provider()
        return self._nearest(chosen.model, chosen.embed([text])[0], limit)

    def search_hybrid(
        self, text: str, *, limit: int = 10, provider: Provider | None = None
    ) -> builtins.list[SearchHit]:
        """Word search (text_hits) and semantic search fused by reciprocal rank fusion, each
        ranking's best max(limit, HYBRID_DEPTH) hits, best first; score: the fused rank as
        0-100 (100: first in both). Plain words match rows holding any of them (TextQuery.
        any_word); a query that cannot be parsed is refused as in word search."""
        query = parse(text).any_word()
        depth = max(limit, HYBRID_DEPTH)
        return fuse(
            self.text_hits(query, depth),
            self.search_semantic(text, limit=depth, provider=provider),
            limit=limit,
        )

    def similar(self, row_id: str, *, limit: int = 10, model: str | None = None) -> builtins.list[SearchHit]:
        """The `limit` rows nearest to one row (by its stored vector of `model`: the local
        model's when None), best first, itself left out."""
        from .embedding import LOCAL_MODEL, numpy_module

        numpy_module()  # ProviderError naming the extra when numpy is missing
        import numpy as np

        chosen = model or LOCAL_MODEL
        found = self._run("one", id=row_id, model=chosen)
        if found is None:
            raise NotFound(
                f"{self.KIND} {row_id!r:.80} has no vector of {chosen}; make it with 'codedb embed'"
            )
        vector = decode(found[1], int(found[0])).astype(np.float32)
        norm = float(np.linalg.norm(vector))
        return self._nearest(chosen, vector / (norm or 1.0), limit, skip=row_id)

    def forget_vectors(self, model: str) -> int:
        """Delete every vector of `model` here (in one transaction); returns how many."""
        with self.db.transaction():
            count = int(self._run("count_model", model=model))
            self._run("forget", model=model)
        return count

    def has_vectors(self, model: str) -> bool:
        """Whether any row here has a vector of `model`."""
        return bool(self._run("has_model", model=model))


MODES = ("auto", "words", "semantic", "hybrid")


def search_everywhere(
    db: Any, text: str, *, limit: int = 20, mode: str = "auto", provider: Provider | None = None
) -> builtins.list[SearchHit]:
    """`codedb search` over every domain with an index, best first within each: by words,
    semantic, hybrid, or (auto) hybrid where a domain has vectors of the provider's model
    (the default provider's when None) and words elsewhere. A domain without vectors is
    searched by words (with "semantic", not at all); with no vectors anywhere, "semantic" and
    "hybrid" are refused (Conflict naming the fix). The CLI, the HTTP API and MCP call this."""
    from .embedding import provider as default_provider
    from .embedding import remembered
    from .registry import searchable

    if mode not in MODES:
        raise InvalidInput(f"unknown search mode {mode!r:.40}; give one of {', '.join(MODES)}")
    query = parse(text)
    apis = [getattr(db, attr) for _, attr in searchable()]
    chosen = None if mode == "words" else remembered(provider or default_provider())
    embedded = [api for api in apis if chosen is not None and api.has_vectors(chosen.model)]
    if mode in ("semantic", "hybrid") and not embedded:
        apis[0].search_semantic(text, limit=limit, provider=chosen)  # raises, naming what is missing
    hits: builtins.list[SearchHit] = []
    for api in apis:
        if api not in embedded:
            hits += [] if mode == "semantic" else api.text_hits(query, limit)
        elif mode == "semantic":
            hits += api.search_semantic(text, limit=limit, provider=chosen)
        else:
            hits += api.search_hybrid(text, limit=limit, provider=chosen)
    return hits
