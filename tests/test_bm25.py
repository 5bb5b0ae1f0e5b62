"""BM25 scores (bm25s underneath) match a direct implementation of the formula."""
import math
import random

import numpy as np

from assistant.retrieval.sparse import SparseIndex, TokenTableBuilder
from assistant.retrieval.tokens import tokenize


def reference(docs, query, k1=1.2, b=0.75):
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    out = []
    for d in docs:
        s = 0.0
        for t in set(query):
            df = sum(1 for x in docs if t in x)
            if df == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = d.count(t)
            # Lucene's variant (bm25s method='lucene'): no (k1 + 1) factor, same ranking.
            s += idf * tf / (tf + k1 * (1 - b + b * len(d) / avgdl))
        out.append(s)
    return np.array(out)


def test_scores_match_reference_on_random_corpus():
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(40)]
    docs = [[rng.choice(vocab) for _ in range(rng.randint(0, 30))] for _ in range(200)]
    builder = TokenTableBuilder()
    for d in docs:
        builder.add_tokens(d)
    bm = SparseIndex.build(builder.build())
    for _ in range(20):
        q = [rng.choice(vocab) for _ in range(3)] + ["unseen"]
        np.testing.assert_allclose(bm.scores(q), reference(docs, q), rtol=1e-4, atol=1e-5)
        ids, scores = bm.search(q, 10)
        ref = reference(docs, q)
        assert np.allclose(sorted(ref, reverse=True)[:len(ids)], scores, rtol=1e-4)


def test_tokenize_drops_punctuation_and_question_words():
    toks = tokenize("椒江工会设立了多少家企业分院？")
    assert "椒江" in toks and "多少" not in toks and "？" not in toks


def test_saved_index_and_reused_token_rows_score_like_fresh_tokens(tmp_path):
    """An update rebuilds BM25 from stored token rows: same scores as from the tokens."""
    docs = [["工会", "职工"], ["职工", "技能", "技能"], ["竞赛"], []]
    first = TokenTableBuilder()
    for d in docs:
        first.add_tokens(d)
    table = first.build()
    table.save(tmp_path)
    SparseIndex.build(table).save(tmp_path)
    loaded = SparseIndex.load(tmp_path)
    np.testing.assert_allclose(loaded.scores(["技能", "职工"]), reference(docs, ["技能", "职工"]),
                               rtol=1e-4)
    stored = type(table).load(tmp_path)
    update = TokenTableBuilder()
    update.add_tokens(["新词", "竞赛"])
    for i in range(len(stored)):
        update.add_row(stored, i)
    rebuilt = SparseIndex.build(update.build())
    corpus = [["新词", "竞赛"]] + docs
    for q in (["技能"], ["竞赛", "职工"], ["新词"]):
        np.testing.assert_allclose(rebuilt.scores(q), reference(corpus, q), rtol=1e-4)


def test_traditional_and_simplified_chinese_are_one_term():
    from assistant.retrieval.tokens import coverage

    assert tokenize("臺灣勞工權益") == tokenize("台湾劳工权益")
    assert coverage([("工会", 1.0), ("会员", 1.0)], "該工會會員共三百人") == 1.0
