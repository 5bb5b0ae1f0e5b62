"""The sparse (lexical) index: Okapi BM25 over jieba words and Chinese characters
(`tokens.match_terms`), through `bm25s`.

The corpus is kept as token ids (`TokenTable`) so that an update re-tokenises only the
chunks that are new: the BM25 matrix is rebuilt from ids, which is fast, while jieba
over a whole archive is not.
"""
from __future__ import annotations

import json
import logging
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.text.tokens import is_word

K1, B = 1.2, 0.75  # the usual Okapi defaults (Lucene's too); not tuned on any data set


@dataclass
class TokenTable:
    """Tokens of every chunk as ids into `vocab`: chunk i is ids[ptr[i]:ptr[i+1]]."""

    vocab: list[str]
    ids: np.ndarray   # int32
    ptr: np.ndarray   # int64, len = chunks + 1

    @classmethod
    def empty(cls) -> "TokenTable":
        return cls([], np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.ptr) - 1

    def row(self, i: int) -> np.ndarray:
        return self.ids[self.ptr[i]:self.ptr[i + 1]]

    def save(self, folder: Path) -> None:
        np.savez(folder / "tokens.npz", ids=self.ids, ptr=self.ptr)
        (folder / "tokens_vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False),
                                                  encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "TokenTable":
        z = np.load(folder / "tokens.npz")
        vocab = json.loads((folder / "tokens_vocab.json").read_text(encoding="utf-8"))
        return cls(vocab, z["ids"], z["ptr"])


class TokenTableBuilder:
    """Collects token rows (new token lists or rows of an older table) in chunk order."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        # One growing typed array, not an array per chunk (~100 bytes of header each).
        self.ids = array("i")
        self.lengths = array("q")
        self._remap: dict[int, np.ndarray] = {}

    def add_tokens(self, tokens: list[str]) -> None:
        self.ids.extend(self.vocab.setdefault(t, len(self.vocab)) for t in tokens)
        self.lengths.append(len(tokens))

    def add_row(self, table: TokenTable, i: int) -> None:
        remap = self._remap.get(id(table))
        if remap is None:
            remap = np.fromiter((self.vocab.setdefault(t, len(self.vocab)) for t in table.vocab),
                                dtype=np.int32, count=len(table.vocab))
            self._remap[id(table)] = remap
        ids = remap[table.row(i)]
        self.ids.frombytes(ids.astype(np.int32, copy=False).tobytes())
        self.lengths.append(len(ids))

    def build(self) -> TokenTable:
        ptr = np.zeros(len(self.lengths) + 1, dtype=np.int64)
        np.cumsum(self.lengths, out=ptr[1:])
        ids = np.array(self.ids, dtype=np.int32)
        self.ids, self.lengths = array("i"), array("q")  # the table holds them now
        vocab = [""] * len(self.vocab)
        for t, i in self.vocab.items():
            vocab[i] = t
        return TokenTable(vocab, ids, ptr)


class SparseIndex:
    """BM25 scores of chunks for a bag of query tokens (a `bm25s.BM25` underneath)."""

    def __init__(self, model, vocab: dict[str, int]):
        self.model = model
        self._ids = vocab               # term -> id, every term the index holds
        # The words (not character terms): what the answerer looks words up in.
        self.vocab = {t: i for t, i in vocab.items() if is_word(t)}
        indptr = model.scores["indptr"]
        self._df = np.diff(indptr)      # documents holding each token
        self.n_docs = int(model.scores["num_docs"])

    @classmethod
    def build(cls, table: TokenTable) -> "SparseIndex":
        import bm25s

        model = bm25s.BM25(k1=K1, b=B, method="lucene")
        # Rows are handed over one at a time as bm25s iterates (it makes three passes):
        # a list of Python ints per chunk, all at once, took ~36 bytes a token.
        corpus_ids = _Rows(table)
        vocab = {t: i for i, t in enumerate(table.vocab)}
        if not vocab:  # bm25s needs one token; an empty corpus matches nothing anyway
            vocab = {"": 0}
        _quiet()
        model.index(bm25s.tokenization.Tokenized(ids=corpus_ids, vocab=vocab),
                    create_empty_token=False, show_progress=False)
        return cls(model, vocab)

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token; unseen tokens get the maximum."""
        tid = self._ids.get(token)
        df = 0 if tid is None or tid >= len(self._df) else int(self._df[tid])
        return float(np.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5)))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        ids = sorted({self._ids[t] for t in query_tokens if t in self._ids})
        if not ids or self.n_docs == 0:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self.model.get_scores(ids), dtype=np.float32)

    def search(self, query_tokens: list[str], k: int,
               allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (chunk rows, scores) with score > 0, best first; `allowed` (a bool mask
        over chunk rows, from a source filter) zeroes every other row's score first."""
        scores = self.scores(query_tokens)
        if allowed is not None:
            scores = np.where(allowed[:len(scores)], scores, 0.0).astype(np.float32)
        nz = np.flatnonzero(scores > 0)
        if nz.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if nz.size > k:
            nz = nz[np.argpartition(-scores[nz], k - 1)[:k]]
        ids = nz[np.argsort(-scores[nz], kind="stable")]
        return ids, scores[ids]

    def save(self, folder: Path) -> None:
        _quiet()
        self.model.save(str(folder / "bm25"), show_progress=False)

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> "SparseIndex":
        import bm25s

        _quiet()
        model = bm25s.BM25.load(str(folder / "bm25"), mmap=mmap, show_progress=False,
                                verbosity=0)
        # Plain ndarray views of the same mapped files: bm25s slices these arrays for every
        # query term, and a slice of an np.memmap is a new memmap object (BM25 scoring at
        # 9,730 synthetic chunks 0.13 -> 0.09 ms a question, identical scores).
        for key in ("data", "indices", "indptr"):
            if isinstance(model.scores.get(key), np.memmap):
                model.scores[key] = np.asarray(model.scores[key])
        return cls(model, model.vocab_dict)


class _Rows:
    """The table's rows as lists of ints, made as they are read (bm25s's corpus ids)."""

    def __init__(self, table: TokenTable) -> None:
        self.table = table

    def __len__(self) -> int:
        return len(self.table)

    def __getitem__(self, i: int) -> list[int]:
        if not 0 <= i < len(self.table):
            raise IndexError(i)
        return self.table.row(i).tolist()

    def __iter__(self):
        for i in range(len(self.table)):
            yield self.table.row(i).tolist()


def _quiet() -> None:
    logging.getLogger("bm25s").setLevel(logging.WARNING)
