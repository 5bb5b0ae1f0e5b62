"""BM25 scores (bm25s underneath) match a direct implementation of the formula."""
import math
import random

import numpy as np
import pytest

from assistant.index.sparse import SparseIndex, TokenTableBuilder
from assistant.text.tokens import tokenize


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
    from assistant.text.tokens import coverage

    assert tokenize("臺灣勞工權益") == tokenize("台湾劳工权益")
    assert coverage([("工会", 1.0), ("会员", 1.0)], "該工會會員共三百人") == 1.0


def _articles_bm25(texts):
    from assistant.text.tokens import match_terms

    b = TokenTableBuilder()
    for t in texts:
        b.add_tokens(match_terms(t))
    return SparseIndex.build(b.build())


@pytest.mark.parametrize("articles, question", [
    # Simplified articles, a Traditional question
    (["台北捷运公司员工今年平均加薪百分之三，明年一月起发放。",
      "市政府表示，新建的图书馆将于明年春天开放。",
      "工会举办技能竞赛，三百名会员报名参加。"], "北捷員工的薪資"),
    # Traditional articles, a Simplified question
    (["臺北捷運公司員工今年平均加薪百分之三，明年一月起發放。",
      "市政府表示，新建的圖書館將於明年春天開放。",
      "工會舉辦技能競賽，三百名會員報名參加。"], "北捷员工的薪资"),
])
def test_a_question_cut_into_other_words_than_its_article_still_finds_it(articles, question):
    """jieba cuts 北捷员工 into 北捷 + 员工 and the article's 台北捷运公司员工 into 台北 +
    捷运 + 公司员工, its 加薪 is the question's 薪资: no word is shared, so the characters
    must carry the match."""
    from assistant.text.tokens import match_terms, tokenize

    assert not set(tokenize(question)) & set(tokenize(articles[0]))
    sparse = _articles_bm25(articles)
    rows, scores = sparse.search(match_terms(question), k=3)
    assert rows[0] == 0 and scores[0] > 2 * max(scores[1:], default=0)


def test_character_terms_stay_out_of_the_word_vocabulary():
    from assistant.text.tokens import CHAR_PREFIX

    sparse = _articles_bm25(["工会举办技能竞赛。", "会员报名参加。"])
    assert "工会" in sparse.vocab and not any(t.startswith(CHAR_PREFIX) for t in sparse.vocab)
    assert sparse.idf(CHAR_PREFIX + "会") < sparse.idf("工会")   # 会 is in both articles
