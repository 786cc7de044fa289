"""Embedding providers: what turns texts into vectors for semantic search.

Two kinds. `LocalProvider` runs WordLlama's 256-dimension model from the files its wheel
ships (no network, no download; `pip install 'codedb[semantic]'`). `HttpProvider` asks any
OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama, LM Studio, vLLM) named by its
URL and model, with the key from the environment (CODEDB_EMBEDDING_KEY, never printed):
texts go in batches, each request bounded in time and in the size of its answer, retried
with backoff on 429 and 5xx. Every provider returns float32 rows of unit length, so a
cosine similarity is a dot product.

`provider(spec, model)` picks one: `local` (the default, or CODEDB_EMBEDDING_PROVIDER), or an
http(s) URL with a model (`--model`, or CODEDB_EMBEDDING_MODEL).
"""

from __future__ import annotations

import json
import math
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import InvalidInput, ProviderError

if TYPE_CHECKING:
    import numpy as np

LOCAL_MODEL = "wordllama:l2_supercat_256"
KEY_VARIABLE = "CODEDB_EMBEDDING_KEY"
MAX_ANSWER = 64 * 2**20  # bytes of one answer read at most (a batch of 64 vectors of 4,096 is 5 MB)
MAX_TEXT = 8_000  # characters of a text sent (the models read a few thousand tokens at most)
SEMANTIC_EXTRA = "install codedb's semantic extra: pip install 'codedb[semantic]'"


class Provider(Protocol):
    """Texts to vectors. `model` is the name stored with every vector it makes."""

    model: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One float32 row of unit length per text, in order."""
        ...


def numpy_module() -> Any:
    """numpy, or ProviderError naming the extra that installs it (semantic search needs it)."""
    try:
        import numpy
    except ImportError:
        raise ProviderError(f"semantic search needs numpy; {SEMANTIC_EXTRA}") from None
    return numpy


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """`matrix` as float32 rows of length 1 (a row of zeros stays zeros)."""
    import numpy as np

    rows = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


@cache
def _wordllama() -> Any:
    """WordLlama's inference object, made from the weights and tokenizer inside its wheel
    (its own loader looks for the tokenizer in a folder the wheel does not have, then
    downloads it)."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from importlib.resources import files

        from safetensors import safe_open
        from tokenizers import Tokenizer
        from wordllama.inference import WordLlamaInference
    except ImportError:
        raise ProviderError(f"the local embedding model is not installed; {SEMANTIC_EXTRA}") from None
    finally:  # wordllama's import calls logging.basicConfig(level=INFO): the caller's logging stays
        root.handlers[:] = handlers
        root.setLevel(level)
    package = files("wordllama")
    weights, tokenizer = (
        package / "weights" / "l2_supercat_256.safetensors",
        package / "tokenizers" / "l2_supercat_tokenizer_config.json",
    )
    if not (weights.is_file() and tokenizer.is_file()):
        raise ProviderError(f"wordllama's wheel lacks its 256-dimension model; {SEMANTIC_EXTRA}")
    with safe_open(str(weights), framework="np") as f:
        embedding = f.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, Tokenizer.from_file(str(tokenizer)))


class LocalProvider:
    """WordLlama l2_supercat, 256 dimensions, on this machine (about 4,700 texts of 100 tokens
    a second on one core)."""

    model = LOCAL_MODEL

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            import numpy as np

            return np.zeros((0, 256), dtype=np.float32)
        rows = _wordllama().embed([text[:MAX_TEXT] for text in texts], norm=True)
        return unit_rows(rows)


class HttpProvider:
    """An OpenAI-compatible embeddings endpoint: POST {url}/embeddings with {"model", "input"}.
    A request that fails with 429 or 5xx, or cannot connect, is tried again after 0.5, 1, 2,
    4 s (or the Retry-After the server asks for, up to 30 s); any other failure, or the last
    try's, is a ProviderError. Each request waits at most `timeout` seconds."""

    def __init__(
        self,
        url: str,
        model: str,
        *,
        timeout: float = 30.0,
        batch: int = 64,
        tries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not url.startswith(("http://", "https://")):
            raise InvalidInput(
                f"embedding provider URL {url!r:.80} is not http(s); give e.g. http://localhost:11434/v1"
            )
        if not model.strip():
            raise InvalidInput("an HTTP embedding provider needs a model; give --model NAME")
        self.url = url.rstrip("/") + ("" if url.rstrip("/").endswith("/embeddings") else "/embeddings")
        self.remote_model = model
        self.model = f"http:{model}"
        self.timeout, self.batch, self.tries, self.sleep = timeout, batch, tries, sleep

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        numpy_module()  # ProviderError naming the extra when numpy is missing
        import numpy as np

        rows: list[np.ndarray] = []
        for start in range(0, len(texts), self.batch):
            rows.append(self._batch([text[:MAX_TEXT] for text in texts[start : start + self.batch]]))
        if not rows:
            return np.zeros((0, 1), dtype=np.float32)
        if len({r.shape[1] for r in rows}) > 1:
            raise ProviderError(
                f"{self.url} answered vectors of different lengths; check the model {self.remote_model!r}"
            )
        return unit_rows(np.vstack(rows))

    def _batch(self, texts: list[str]) -> np.ndarray:
        body = json.dumps({"model": self.remote_model, "input": texts}).encode()
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(KEY_VARIABLE)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        for attempt in range(self.tries):
            wait = min(0.5 * 2**attempt, 30.0)
            try:
                request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310 (http(s) only, checked in __init__)
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                    raw = answer.read(MAX_ANSWER + 1)
                return self._vectors(raw, len(texts))
            except urllib.error.HTTPError as exc:
                if exc.code != 429 and exc.code < 500:
                    raise ProviderError(
                        f"{self.url} refused the request: HTTP {exc.code}; check the URL, the model "
                        f"{self.remote_model!r} and {KEY_VARIABLE}"
                    ) from None
                wait = _retry_after(exc.headers.get("Retry-After"), wait)
                failure = f"HTTP {exc.code}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                failure = f"no answer ({reason})"
            if attempt + 1 < self.tries:
                self.sleep(wait)
        raise ProviderError(
            f"{self.url} failed {self.tries} times, last: {failure}; try again later or check the server"
        )

    def _vectors(self, raw: bytes, count: int) -> np.ndarray:
        import numpy as np

        if len(raw) > MAX_ANSWER:
            raise ProviderError(
                f"{self.url} answered over {MAX_ANSWER:,} bytes for {count} texts; lower the batch"
            )
        try:
            data = json.loads(raw)["data"]
            ordered = sorted(data, key=lambda item: item.get("index", 0))
            vectors = np.array([item["embedding"] for item in ordered], dtype=np.float32)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ProviderError(
                f"{self.url} did not answer OpenAI's embeddings format; check the URL"
            ) from None
        if (
            vectors.ndim != 2
            or vectors.shape[0] != count
            or vectors.shape[1] == 0
            or not np.isfinite(vectors).all()
        ):
            raise ProviderError(
                f"{self.url} answered {len(data)} vectors for {count} texts, or empty or non-finite ones"
            )
        return vectors


def _retry_after(header: str | None, default: float) -> float:
    try:
        seconds = float(header) if header else default
    except ValueError:
        return default
    return min(max(seconds, 0.0), 30.0) if math.isfinite(seconds) else default


def provider(spec: str | None = None, model: str | None = None) -> Provider:
    """The provider a command or call names: `local`, or an http(s) URL of an OpenAI-compatible
    API with a model; None reads CODEDB_EMBEDDING_PROVIDER and CODEDB_EMBEDDING_MODEL."""
    spec = spec or os.environ.get("CODEDB_EMBEDDING_PROVIDER") or "local"
    model = model or os.environ.get("CODEDB_EMBEDDING_MODEL")
    if spec == "local":
        if model and model not in (LOCAL_MODEL, "l2_supercat_256"):
            raise InvalidInput(f"the local provider has one model, {LOCAL_MODEL}; leave --model out")
        return LocalProvider()
    if spec.startswith(("http://", "https://")):
        return HttpProvider(spec, model or "")
    raise InvalidInput(
        f"unknown embedding provider {spec!r:.80}; give local or an http(s) URL of an OpenAI-compatible API"
    )


class _Remembered:
    """A provider that embeds the same single text once (a search's text, asked by every
    domain)."""

    def __init__(self, inner: Provider):
        self.inner = inner
        self.model = inner.model
        self.last: tuple[str, np.ndarray] | None = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.embed(texts)
        if self.last is None or self.last[0] != texts[0]:
            self.last = (texts[0], self.inner.embed(texts))
        return self.last[1]


def remembered(inner: Provider) -> Provider:
    """`inner`, embedding a text asked for again in a row only once."""
    return _Remembered(inner)
