"""BM25 scores match a direct implementation of the formula."""
import math
import random

import numpy as np

from assistant.retrieval.sparse import BM25, tokenize


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
            s += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avgdl))
        out.append(s)
    return np.array(out)


def test_scores_match_reference_on_random_corpus():
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(40)]
    docs = [[rng.choice(vocab) for _ in range(rng.randint(0, 30))] for _ in range(200)]
    bm = BM25.build(docs)
    for _ in range(20):
        q = [rng.choice(vocab) for _ in range(3)] + ["unseen"]
        np.testing.assert_allclose(bm.scores(q), reference(docs, q), rtol=1e-4, atol=1e-5)
        ids, scores = bm.search(q, 10)
        ref = reference(docs, q)
        assert np.allclose(sorted(ref, reverse=True)[:len(ids)], scores, rtol=1e-4)


def test_tokenize_drops_punctuation_and_question_words():
    toks = tokenize("椒江工会设立了多少家企业分院？")
    assert "椒江" in toks and "多少" not in toks and "？" not in toks
