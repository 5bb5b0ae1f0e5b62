"""Code outside `assistant/index` reads an index through `NewsIndex`'s public methods
(issue 22), never its stores: no `index.docs`, `index.sparse` or `index.dense` (nor their
arrays) in another package. Read with `ast`; the interface itself on a real index."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
INDEX_PACKAGE = PACKAGE / "index"

# The stores of a `NewsIndex` (index/store.py). `docs` and `sparse` name nothing else in
# the package; `dense` is also a candidate sentence's similarity (`Candidate.dense`), so
# it counts only on something named like an index (`index`, `self.index`, `self._index`).
STORES_ANYWHERE = {"docs", "sparse"}
STORES_OF_AN_INDEX = {"dense", "docs", "sparse", "sentence_vectors"}
# The document store's span arrays, on something named like it (`docs.spans`).
ARRAYS_OF_DOCS = {"spans", "order", "position"}


def _named(node: ast.AST, word: str) -> bool:
    if isinstance(node, ast.Name):
        return word in node.id.lower()
    if isinstance(node, ast.Attribute):
        return word in node.attr.lower()
    return False


def store_reads(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """(line, expression) of each read of an index's stores in `source`."""
    out = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Attribute) and (
                node.attr in STORES_ANYWHERE or
                (node.attr in STORES_OF_AN_INDEX and _named(node.value, "index")) or
                (node.attr in ARRAYS_OF_DOCS and _named(node.value, "docs"))):
            out.append((node.lineno, ast.unparse(node)))
    return sorted(out)


def test_no_module_outside_the_index_reads_its_stores():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if INDEX_PACKAGE in path.parents:
            continue
        for line, expr in store_reads(path.read_text(encoding="utf-8"), str(path)):
            found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {expr}")
    assert not found, "index internals read outside assistant/index (use NewsIndex's " \
        "public methods):\n" + "\n".join(found)


def test_store_reads_finds_the_reads_it_forbids():
    src = """
docs = self.index.docs
rows = answerer.index.docs.sentence_rows_of(aid)
w = index.sparse.idf(t)
a = docs.spans.sent_article[r]
r, s = self._index.dense.query(q, 3)
v = index.sentence_vectors[3]
ok = best.dense - other.dense           # a candidate's similarity
ok = index.idf(t) + index.max_idf      # the public interface
"""
    found = sorted({line for line, _ in store_reads(src)})
    assert found == [2, 3, 4, 5, 6, 7], store_reads(src)


def test_public_interface_agrees_with_the_articles(seed_assistant):
    index = seed_assistant.index
    assert index.n_chunks == len(index.chunks) > 0
    for aid in index.article_order[:3]:
        art = index.article(aid)
        rows = list(index.sentences_of(aid))
        assert rows and index.sentence_keys(rows) == [index.sentence_key(r) for r in rows]
        for r in rows:
            a, s, e = index.sentence_key(r)
            assert a == aid and index.sentence_span(r) == (s, e)
            assert index.sentence_row(aid, s, e) == r and art.text[s:e].strip()
        assert index.sentence_row(aid, 0, len(art.text) + 1) is None
        mask = index.chunk_mask([aid])
        assert list(mask.nonzero()[0]) == list(index.chunks_of[aid])
        for c in index.chunks_of[aid]:
            assert index.article_of(c) == aid
            assert set(index.chunk_sentences(c).tolist()) <= set(rows)
        assert art.heading.lower()[:2] in index.matchable_text(aid) or not art.heading
    word = next(iter(index.vocabulary))
    assert 0 < index.idf(word) <= index.max_idf
    assert index.idf("这个词不在索引里xyz") == index.max_idf
