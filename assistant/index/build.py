"""Building an index version: chunk, tokenise and embed the articles, reusing what the live
version already holds, and write the new version folder (layout: `store.py`).

An update is linear in what changed: articles whose content hash is unchanged keep
their chunks, tokens and vectors from the live version (nothing re-read but arrays);
only new or changed articles are chunked, tokenised and embedded. Where each vector of
the new version comes from is one of three sources: `Reused` (a row of the live
version), `Embedded` (a text embedded in this build) or `Made` (a chunk's vector made
from its heading's and sentences' vectors, `chunk_vector`).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np

from assistant.index import calibration, milvus, versions
from assistant.index.dense import (build_faiss, dense_plan, faiss_vectors, read_faiss, same_plan,
                                   save_faiss)
from assistant.index.docstore import (DocStore, SpanTables, SpanTablesBuilder, write_articles)
from assistant.index.embedding import resolve_embedder
from assistant.index.sparse import SparseIndex, TokenTable, TokenTableBuilder
from assistant.index.store import FORMAT, current_version
from assistant.ingest.chunking import chunk_article
from assistant.records import Article
from assistant.text.guard import sentence_flags
from assistant.text.tokens import match_terms

# Versions whose vectors (keyed by embedder and text) a rebuild can still take.
VECTORS_REUSABLE_FROM = (2, 3, 4, 5)


# Versions whose chunk keys name chunk vectors made from sentence vectors (chunk_vector).
MADE_CHUNK_VECTORS = (4, 5)


@dataclass
class BuildReport:
    articles: int = 0
    chunks: int = 0
    sentences: int = 0
    embedded: int = 0
    reused: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _key(spec: str, text: str) -> str:
    return hashlib.sha1(f"{spec}\x00{text}".encode("utf-8")).hexdigest()


def embed_text(heading: str, chunk_text: str) -> str:
    """What the sparse index sees for a chunk (and what the dense one stands for): its
    heading gives the topic."""
    return f"{heading}\n{chunk_text}"


def chunk_vector(parts: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """A chunk's dense vector from the vectors of its heading and sentences.

    `parts` are (unit vector, characters) pairs. The embedder pools a text by averaging
    its tokens, so the stand-in for embedding "heading\nsentences" whole is the average of
    the parts' vectors weighted by their length, normalised. Nothing here is fitted; the
    answer quality it gives is measured on CMRC 2018 dev (benchmarks/RESULTS.md).
    """
    total = None
    for vec, n in parts:
        if n > 0:
            v = np.asarray(vec, dtype=np.float32) * float(n)
            total = v if total is None else total + v
    if total is None:
        return np.zeros(len(parts[0][0]) if parts else 0, dtype=np.float32)
    norm = float(np.linalg.norm(total))
    return total / norm if norm > 0 else total



class Reused(NamedTuple):
    """A vector taken from the live version: its `kind` ("c" chunk, "s" sentence) and row."""

    kind: str
    row: int


class Embedded(NamedTuple):
    """A vector embedded in this build: the position of its text among the texts embedded."""

    at: int


class Made(NamedTuple):
    """A chunk's vector made from the vectors of its heading and sentences (`chunk_vector`):
    (source, characters) pairs, each source `Reused` or `Embedded`."""

    parts: list


Source = Reused | Embedded | Made


@dataclass
class _Previous:
    """What an update can take from the live version built with the same embedder."""

    by_hash: dict[str, int] = field(default_factory=dict)   # article hash -> position
    articles: list[dict] = field(default_factory=list)       # manifest entries
    spans: SpanTables | None = None
    tokens: TokenTable | None = None
    chunk_vecs: np.ndarray | None = None
    sent_vecs: np.ndarray | None = None
    vec_by_key: dict[str, Reused] = field(default_factory=dict)
    folder: Path | None = None    # the live version (its dense index can be added to)
    dense: dict | None = None     # its dense plan (dense.dense_plan)

    def vector(self, src: Reused) -> np.ndarray:
        return (self.chunk_vecs if src.kind == "c" else self.sent_vecs)[src.row]


def _previous(root: Path, spec: str) -> _Previous:
    version = current_version(root)
    if version is None:
        return _Previous()
    try:
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        prev = _Previous(articles=manifest.get("articles", []))
        if manifest.get("format") not in VECTORS_REUSABLE_FROM or \
                manifest["embedder"]["spec"] != spec:
            return prev
        prev.chunk_vecs = faiss_vectors(version)
        prev.folder, prev.dense = version, manifest.get("dense")
        prev.sent_vecs = np.load(version / "sentence_vectors.npy", mmap_mode="r")
        if manifest.get("format") == FORMAT:
            # Same format: unchanged articles keep their spans and tokens too.
            prev.spans = SpanTables.load(version)
            prev.tokens = TokenTable.load(version)
            prev.by_hash = {a["hash"]: i for i, a in enumerate(prev.articles)}
        c = s = 0
        for a in prev.articles:
            for k in a["chunk_keys"]:
                # Only format 4's and later chunk keys name made vectors (older ones:
                # embedded whole)
                if manifest.get("format") in MADE_CHUNK_VECTORS:
                    prev.vec_by_key.setdefault(k, Reused("c", c))
                c += 1
            for k in a["sentence_keys"]:
                prev.vec_by_key.setdefault(k, Reused("s", s))
                s += 1
        return prev
    except (OSError, KeyError, ValueError, RuntimeError):
        return _Previous()  # an unreadable old index is simply not reused


Stage = Callable[[str, int, int], None]   # (stage name, done, total)


def build_index(articles: list[Article], index_dir: str | Path, embed_model: str | None = None,
                progress: Callable[[int, int], None] | None = None,
                vector_store: str | None = None, stage: Stage | None = None) -> BuildReport:
    """Build (or update) the index in `index_dir` from `articles`.

    Articles unchanged since the live version (same content hash, same embedder) keep
    their chunks, tokens and vectors; other text is embedded unless the live version
    holds the same text already. `progress(done, total)` follows the embedding;
    `stage(name, done, total)` follows "parsing" (articles), "embedding" (texts) and
    "writing". `vector_store` (a --vector-store value) also writes the chunk vectors to
    Milvus. Runs under the folder's writer lock (versions.writer_lock; re-entrant, so a
    caller that read the live articles under it keeps it), reading the live version
    from disk under it.
    """
    with versions.writer_lock(index_dir):
        return _build_locked(articles, index_dir, embed_model, progress, vector_store, stage)


def _build_locked(articles, index_dir, embed_model, progress, vector_store, stage) -> BuildReport:
    t0 = time.time()
    stage = stage or (lambda name, done, total: None)
    root = Path(index_dir)
    target = milvus.parse_vector_store(vector_store)
    if target is not None:
        milvus.check(target, create=True)  # before the embedding, not after
    root.mkdir(parents=True, exist_ok=True)
    embedder = resolve_embedder(embed_model)
    spec = embedder.spec
    prev = _previous(root, spec)

    report = BuildReport(articles=len(articles))
    parsed = _parse(articles, prev, spec, report, stage)
    chunk_src, sent_src = parsed.chunk_src, parsed.sent_src
    report.embedded = len(parsed.todo_texts)
    report.chunks, report.sentences = len(chunk_src), len(sent_src)
    report.reused = sum(1 for s in chunk_src if isinstance(s, Reused)) + \
        sum(1 for s in sent_src if isinstance(s, Reused))
    # Only articles added after the live version's (rows 0..m-1 are its rows 0..m-1, same
    # dense plan): its dense index is taken as it is and the new rows added (an HNSW
    # graph is not built again). Anything else builds the dense index anew.
    n_prev = 0 if prev.chunk_vecs is None else len(prev.chunk_vecs)
    kept_prefix = (0 < n_prev <= len(chunk_src) and prev.folder is not None
                   and same_plan(prev.dense, dense_plan(len(chunk_src)))
                   and all(chunk_src[i] == Reused("c", i) for i in range(n_prev)))
    chunk_vecs, sent_vecs = _embed_and_gather(embedder, parsed.todo_texts, chunk_src, sent_src,
                                              prev, progress, stage)
    plan = dense_plan(len(chunk_vecs))
    dense = build_faiss(chunk_vecs, embedder.dim, plan,
                        base=read_faiss(prev.folder) if kept_prefix else None)
    if target is None:
        chunk_vecs = None  # FAISS holds its own (float16) copy; only Milvus needs them again
    table = parsed.tokens.build()
    parsed.tokens = None
    sparse = SparseIndex.build(table)
    manifest = {
        "format": FORMAT,
        "embedder": {"spec": spec, "dim": embedder.dim, "model_name": embedder.model_name},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "articles": parsed.manifest_articles,
        "n_chunks": report.chunks,
        "n_sentences": report.sentences,
        "dense": plan,
    }
    final = _write_version(root, manifest, articles, parsed.spans, table, dense, sparse,
                           sent_vecs, chunk_vecs, target, embedder)
    _prune(root, keep=final.name, target=target)
    stage("writing", 1, 1)
    report.seconds = time.time() - t0
    return report


@dataclass
class _Parsed:
    """The new version before anything is embedded: its chunk and sentence spans and chunk
    tokens, where each chunk's and sentence's vector comes from (`Source`), the texts to
    embed and the manifest's article entries."""

    spans: SpanTablesBuilder = field(default_factory=SpanTablesBuilder)
    tokens: TokenTableBuilder | None = field(default_factory=TokenTableBuilder)
    chunk_src: list[Source] = field(default_factory=list)
    sent_src: list[Source] = field(default_factory=list)
    todo_texts: list[str] = field(default_factory=list)
    manifest_articles: list[dict] = field(default_factory=list)


def _parse(articles, prev: _Previous, spec: str, report: BuildReport, stage: Stage) -> _Parsed:
    """Each article's chunks, tokens and vector sources: an unchanged article's rows are
    taken from the live version; a new or changed one is chunked and each of its texts
    keyed, so a text the live version or an earlier article holds is embedded once. Fills
    the report's added, changed and removed articles."""
    parsed = _Parsed()
    spans, tokens = parsed.spans, parsed.tokens
    # Where each vector comes from (`Reused`, `Embedded`; a chunk's may also be `Made`).
    chunk_src, sent_src = parsed.chunk_src, parsed.sent_src
    todo: dict[str, int] = {}
    todo_texts = parsed.todo_texts
    old_hash = {a["id"]: a["hash"] for a in prev.articles}
    manifest_articles = parsed.manifest_articles

    def need(key: str, text: str) -> Reused | Embedded:
        if key in prev.vec_by_key:
            return prev.vec_by_key[key]
        if key not in todo:
            todo[key] = len(todo_texts)
            todo_texts.append(text)
        return Embedded(todo[key])

    stage("parsing", 0, len(articles))
    for n_done, a in enumerate(articles):
        if n_done % 50 == 0:
            stage("parsing", n_done, len(articles))
        h = a.content_hash()
        if a.id not in old_hash:
            report.added.append(a.id)
        elif old_hash[a.id] != h:
            report.changed.append(a.id)
        pos = prev.by_hash.get(h) if prev.spans is not None else None
        if pos is not None:
            # Unchanged text: take its rows from the live version, re-read nothing.
            ps = prev.spans
            c0, c1 = int(ps.chunk_ptr[pos]), int(ps.chunk_ptr[pos + 1])
            s0, s1 = int(ps.sent_ptr[pos]), int(ps.sent_ptr[pos + 1])
            chunks = []
            for r in range(c0, c1):
                sents = [(int(ps.sent_start[x]), int(ps.sent_end[x])) for x in
                         ps.chunk_sents[ps.chunk_sent_ptr[r]:ps.chunk_sent_ptr[r + 1]]]
                chunks.append((int(ps.chunk_start[r]), int(ps.chunk_end[r]), sents))
                tokens.add_row(prev.tokens, r)
                chunk_src.append(Reused("c", r))
            spans.add_article(chunks)
            old_entry = prev.articles[pos]
            sent_src.extend(Reused("s", r) for r in range(s0, s1))
            manifest_articles.append(dict(old_entry, id=a.id, source=a.source))
            continue
        text, heading = a.text, a.heading
        chunks = chunk_article(a)
        spans.add_article([(c.start, c.end, c.sentences) for c in chunks])
        a_sent_keys = []
        sent_of: dict[tuple[int, int], Reused | Embedded] = {}
        for s, e in sorted({s for c in chunks for s in c.sentences}):
            t = text[s:e]
            k = _key(spec, "s\x00" + t)
            a_sent_keys.append(k)
            sent_of[(s, e)] = need(k, t)
            sent_src.append(sent_of[(s, e)])
        a_chunk_keys = []
        head_src = None
        for c in chunks:
            t = embed_text(heading, c.text)
            tokens.add_tokens(match_terms(t))
            k = _key(spec, "c4\x00" + t)
            a_chunk_keys.append(k)
            if k in prev.vec_by_key:
                chunk_src.append(prev.vec_by_key[k])
                continue
            parts = [(sent_of[sp], sp[1] - sp[0]) for sp in c.sentences]
            if heading.strip():
                if head_src is None:
                    head_src = need(_key(spec, "h\x00" + heading), heading)
                parts.insert(0, (head_src, len(heading)))
            chunk_src.append(Made(parts))
        manifest_articles.append({"id": a.id, "source": a.source, "hash": h,
                                  "chunks": len(chunks), "chunk_keys": a_chunk_keys,
                                  "sentence_keys": a_sent_keys})
    stage("parsing", len(articles), len(articles))
    ids = {a.id for a in articles}
    report.removed = [i for i in old_hash if i not in ids]
    return parsed


def _write_version(root: Path, manifest: dict, articles, spans: SpanTablesBuilder, table,
                   dense, sparse, sent_vecs: np.ndarray, chunk_vecs: np.ndarray | None,
                   target: "milvus.MilvusTarget | None", embedder) -> Path:
    """Write the version folder (staged, then renamed) and point CURRENT at it; nothing is
    left behind when writing fails. Returns the version folder."""
    spec = embedder.spec
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{uuid.uuid4().hex[:10]}"
    staging = root / f"tmp-{stamp}"
    staging.mkdir()
    collection = None
    try:
        write_articles(staging / "articles.jsonl", articles)
        span_tables = spans.build()
        # Sentences written to the assistant, flagged once here (text/guard.py).
        span_tables.sent_flags = sentence_flags(articles, span_tables)
        span_tables.save(staging)
        # The similarity settings of this embedder, by name (index/calibration.py).
        manifest["calibration"] = calibration.for_build(
            spec, articles, DocStore(articles, span_tables), embedder.embed_query,
            lambda rows: sent_vecs[np.asarray(rows, dtype=np.int64)]).to_manifest()
        table.save(staging)
        save_faiss(dense, staging)
        sparse.save(staging)
        np.save(staging / "sentence_vectors.npy", sent_vecs)
        if target is not None:
            collection = milvus.collection_name(stamp)
            milvus.write_collection(target, collection, DocStore(articles, span_tables),
                                    chunk_vecs)
            manifest["vector_store"] = milvus.manifest_entry(target, collection)
        # The manifest goes last: a version folder without one is never loaded.
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False),
                                               encoding="utf-8")
        final = root / f"v-{stamp}"
        staging.rename(final)
        pointer_tmp = root / f"CURRENT.{stamp}.tmp"
        pointer_tmp.write_text(final.name, encoding="utf-8")
        os.replace(pointer_tmp, root / "CURRENT")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if collection is not None:
            milvus.drop_quietly(target, collection)
        raise
    return final


# Texts embedded per call: a multiple of the embedders' batch of 16 (embedding.py), so the
# batches, hence the vectors, are those of one call over all the texts.
EMBED_BLOCK = 16 * 2048


def _embed_and_gather(embedder, todo_texts: list[str], chunk_src: list[Source],
                      sent_src: list[Source], prev: _Previous, progress, stage):
    """Chunk vectors (float32) and sentence vectors (float16, as saved), embedding
    `todo_texts` a block at a time.

    Memory: the embedded vectors are not all held at once (float32, 750 MB at 100k
    chunks). After each block, the sentences it holds are cast into their rows and the
    chunks whose parts are all embedded are made (`chunk_vector`); the few float32
    vectors a later block's chunk still needs (a text met again in a later article) are
    kept aside. The values are those of embedding everything first. `chunk_src` and
    `sent_src` are emptied as they are consumed; `todo_texts` too.
    """
    dim, n_todo = embedder.dim, len(todo_texts)
    chunk_vecs = np.zeros((len(chunk_src), dim), dtype=np.float32)
    sent_vecs = np.zeros((len(sent_src), dim), dtype=np.float16)

    def last_new(s: Source) -> int:
        """The last embedded text a vector needs (-1: none)."""
        if isinstance(s, Embedded):
            return s.at
        if isinstance(s, Made):
            return max((last_new(p) for p, _ in s.parts), default=-1)
        return -1

    # Chunks by the block after which they can be made; texts to keep for later blocks.
    by_block: dict[int, list[int]] = {}
    keep: set[int] = set()
    for i, s in enumerate(chunk_src):
        last = last_new(s)
        blk = last // EMBED_BLOCK if last >= 0 else -1
        by_block.setdefault(blk, []).append(i)
        if isinstance(s, Made) and blk >= 0:
            keep.update(p.at for p, _ in s.parts
                        if isinstance(p, Embedded) and p.at // EMBED_BLOCK < blk)
    kept: dict[int, np.ndarray] = {}
    cur = np.zeros((0, dim), dtype=np.float32)
    lo = 0

    def one(s: Source) -> np.ndarray:
        if isinstance(s, Embedded):
            j = s.at
            return cur[j - lo] if j >= lo else kept[j]
        if isinstance(s, Made):
            return chunk_vector([(one(p), n) for p, n in s.parts])
        return prev.vector(s)

    def make_chunks(blk: int) -> None:
        for i in by_block.pop(blk, ()):
            chunk_vecs[i] = one(chunk_src[i])
            chunk_src[i] = None

    # Sentence rows by the embedded text they take, in text order (others: from `prev`).
    rows = np.fromiter((i for i, s in enumerate(sent_src) if isinstance(s, Embedded)),
                       dtype=np.int64)
    src = np.fromiter((s.at for s in sent_src if isinstance(s, Embedded)), dtype=np.int64,
                      count=len(rows))
    order = np.argsort(src, kind="stable")
    rows, src = rows[order], src[order]
    del order
    for i, s in enumerate(sent_src):
        if not isinstance(s, Embedded):
            sent_vecs[i] = prev.vector(s)
    sent_src.clear()
    make_chunks(-1)

    done = 0

    def step(k: int) -> None:
        nonlocal done
        done += k
        if progress:
            progress(done, n_todo)
        stage("embedding", done, n_todo)

    if n_todo:
        stage("embedding", 0, n_todo)
    for lo in range(0, n_todo, EMBED_BLOCK):
        hi = min(lo + EMBED_BLOCK, n_todo)
        cur = np.asarray(embedder.embed_passages(todo_texts[lo:hi], progress=step),
                         dtype=np.float32)
        a, b = np.searchsorted(src, lo), np.searchsorted(src, hi)
        sent_vecs[rows[a:b]] = cur[src[a:b] - lo]
        make_chunks(lo // EMBED_BLOCK)
        for j in [j for j in keep if lo <= j < hi]:
            kept[j] = cur[j - lo].copy()
            keep.discard(j)
    todo_texts.clear()
    chunk_src.clear()
    stage("writing", 0, 1)
    return chunk_vecs, sent_vecs


def _prune(root: Path, keep: str, target: "milvus.MilvusTarget | None" = None) -> None:
    """Remove superseded versions and staging folders left by interrupted builds.

    A removed version's Milvus collection is dropped (also tried on `target`, the new
    version's store: where it is if the server moved).
    """
    # A version a reader holds stays (versions.prune); the next build removes it.
    versions.prune(root, keep, drop=lambda p: milvus.drop_version(p, target))
