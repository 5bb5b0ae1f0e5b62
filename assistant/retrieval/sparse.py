"""BM25 over jieba tokens, stored as term-major postings with precomputed weights."""
from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path

import numpy as np

_JIEBA_LOCK = threading.Lock()
_jieba = None

# Function words and question words: they match everywhere and say nothing about the topic.
STOPWORDS = set("""
的 了 是 在 和 与 及 或 也 都 就 而 又 对 为 以 于 把 被 让 给 向 从 到 由 其 之 这 那 这个 那个
这些 那些 有 有的 个 上 下 中 里 吗 呢 吧 啊 呀 么 什么 多少 几 哪 哪些 哪个 哪里 哪家 哪儿 谁
怎么 怎样 如何 为什么 何时 什么时候 多久 多大 是否 还 并 等 着 过 地 得 所 该 此 各 每 请问 请
一 一个 一些 我们 你们 他们 她们 它们 我 你 他 她 它 自己 吗 么 呢 ？ ?
a an the of to in on at for by with from and or is are was were be been being do does did
what which who whom whose when where why how many much that this these those it its as has have had
there their they them he she his her you your i we our us can could will would should about into
""".split())

_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)


def _get_jieba():
    global _jieba
    if _jieba is None:
        with _JIEBA_LOCK:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def tokenize(text: str) -> list[str]:
    """Lower-cased jieba tokens without punctuation, whitespace or stopwords."""
    jieba = _get_jieba()
    out = []
    for tok in jieba.lcut(text):
        tok = tok.strip().lower()
        if not tok or tok in STOPWORDS or _PUNCT.match(tok):
            continue
        out.append(tok)
    return out


class BM25:
    """Okapi BM25. `search` sums precomputed per-posting weights: no per-query math on tf."""

    def __init__(self, vocab: dict[str, int], term_ptr: np.ndarray, doc_ids: np.ndarray,
                 weights: np.ndarray, n_docs: int):
        self.vocab = vocab
        self.term_ptr = term_ptr
        self.doc_ids = doc_ids
        self.weights = weights
        self.n_docs = n_docs

    @classmethod
    def build(cls, docs_tokens: list[list[str]], k1: float = 1.2, b: float = 0.75) -> "BM25":
        vocab: dict[str, int] = {}
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        tfs: list[np.ndarray] = []
        doc_len = np.zeros(len(docs_tokens), dtype=np.float32)
        for d, toks in enumerate(docs_tokens):
            doc_len[d] = len(toks)
            if not toks:
                continue
            ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in toks), dtype=np.int64,
                              count=len(toks))
            uniq, counts = np.unique(ids, return_counts=True)
            rows.append(uniq)
            cols.append(np.full(len(uniq), d, dtype=np.int32))
            tfs.append(counts.astype(np.float32))
        n = len(docs_tokens)
        if not rows:
            return cls(vocab, np.zeros(len(vocab) + 1, dtype=np.int64),
                       np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), n)
        term = np.concatenate(rows)
        doc = np.concatenate(cols)
        tf = np.concatenate(tfs)
        order = np.lexsort((doc, term))
        term, doc, tf = term[order], doc[order], tf[order]
        df = np.bincount(term, minlength=len(vocab)).astype(np.float32)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        avgdl = max(float(doc_len.mean()), 1.0)
        norm = k1 * (1.0 - b + b * doc_len[doc] / avgdl)
        weights = (idf[term] * tf * (k1 + 1.0) / (tf + norm)).astype(np.float32)
        term_ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df.astype(np.int64), out=term_ptr[1:])
        return cls(vocab, term_ptr, doc.astype(np.int32), weights, n)

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token; unseen tokens get the maximum."""
        tid = self.vocab.get(token)
        df = 0 if tid is None else int(self.term_ptr[tid + 1] - self.term_ptr[tid])
        return float(np.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5)))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        scores = np.zeros(self.n_docs, dtype=np.float32)
        for tok in set(query_tokens):
            tid = self.vocab.get(tok)
            if tid is None:
                continue
            s, e = self.term_ptr[tid], self.term_ptr[tid + 1]
            # doc ids are unique within one term's postings, so fancy-index add is exact.
            scores[self.doc_ids[s:e]] += self.weights[s:e]
        return scores

    def search(self, query_tokens: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (doc ids, scores) with score > 0, best first."""
        scores = self.scores(query_tokens)
        nz = np.flatnonzero(scores > 0)
        if nz.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if nz.size > k:
            part = np.argpartition(-scores[nz], k - 1)[:k]
            nz = nz[part]
        order = np.argsort(-scores[nz], kind="stable")
        ids = nz[order]
        return ids, scores[ids]

    def save(self, folder: Path) -> None:
        np.savez(folder / "bm25.npz", term_ptr=self.term_ptr, doc_ids=self.doc_ids,
                 weights=self.weights, n_docs=np.array([self.n_docs]))
        tokens = sorted(self.vocab, key=self.vocab.__getitem__)
        (folder / "bm25_vocab.json").write_text(json.dumps(tokens, ensure_ascii=False),
                                                encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "BM25":
        z = np.load(folder / "bm25.npz")
        tokens = json.loads((folder / "bm25_vocab.json").read_text(encoding="utf-8"))
        return cls({t: i for i, t in enumerate(tokens)}, z["term_ptr"], z["doc_ids"],
                   z["weights"], int(z["n_docs"][0]))
