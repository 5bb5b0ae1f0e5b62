"""Refusing what the articles do not say, measured on passages left out of the index.

Small slices of the reporting part (never used to fit the decision) of two bench sets:
passages of bucket 1 are indexed, those of bucket 3 left out, so questions about bucket 3
have no answer in the index. Floors sit a little under what the slices measure.
"""
from pathlib import Path

import pytest

from assistant.evaluation.answerability import answerability_set, bucket, collect, summary
from assistant.retrieval.store import build_index

BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench"


def _slice(name, per_bucket, questions_from=None):
    path = BENCH / name
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared bench data sits beside the checkout)")
    articles, questions = answerability_set(path, BENCH / questions_from if questions_from
                                            else None)
    keep = {1: [], 3: []}
    for q in questions:
        b = bucket(q["article"])
        if b in keep and q["article"] not in keep[b] and len(keep[b]) < per_bucket:
            keep[b].append(q["article"])
    indexed = [a for a in articles if a.id in keep[1]]
    asked = [q for q in questions if q["article"] in keep[1] + keep[3]]
    return indexed, asked


def _run(tmp_path, indexed, asked):
    from assistant.answering.extractive import ExtractiveAnswerer
    from assistant.retrieval.store import NewsIndex

    build_index(indexed, tmp_path / "idx")
    rows = collect(ExtractiveAnswerer(NewsIndex.load(tmp_path / "idx")), asked, progress=False)
    return summary(rows)["all"]


@pytest.mark.slow
def test_chinese_questions_about_left_out_passages_are_refused(tmp_path):
    s = _run(tmp_path, *_slice("cmrc2018_dev.json", per_bucket=14))
    assert s["answerable"] >= 30 and s["unanswerable"] >= 30
    assert s["answered_citing_gold_first"] >= 0.94   # this slice 0.981; reporting part 0.983
    assert s["unanswerable_refused"] >= 0.9          # this slice 0.963; reporting part 0.876


@pytest.mark.slow
def test_chinese_xquad_questions_about_left_out_passages_are_refused(tmp_path):
    # XQuAD's Chinese questions are translated from English ones: longer, worded unlike
    # the paragraph (the model weighs this set as much as CMRC's, see answerability.py).
    s = _run(tmp_path, *_slice("xquad_half.zh.json", per_bucket=20))
    assert s["answerable"] >= 60 and s["unanswerable"] >= 60
    assert s["answered_citing_gold_first"] >= 0.88   # this slice 0.920; reporting part 0.899
    assert s["unanswerable_refused"] >= 0.88         # this slice 0.93; reporting part 0.853


@pytest.mark.slow
def test_english_questions_about_left_out_passages_are_refused(tmp_path):
    s = _run(tmp_path, *_slice("xquad_half.zh.json", per_bucket=20,
                               questions_from="xquad_half.en.json"))
    assert s["answerable"] >= 60 and s["unanswerable"] >= 60
    assert s["answered_citing_gold_first"] >= 0.66   # this slice 0.690; reporting part 0.651
    assert s["unanswerable_refused"] >= 0.8          # this slice 0.83; reporting part 0.795


@pytest.mark.parametrize("question,found", [
    ("椒江工会的年度预算是多少？", False),      # the topic is there, no sum of money is
    ("衢州的围棋大赛有多少奖金？", False),
    ("What is the price of a BYD Seal car in 2025?", False),
    ("乐业物业有多少名职工？", True),
    ("how many craftsmen has Jiaojiang trained?", True),
])
def test_an_asked_attribute_the_article_lacks_is_refused(seed_assistant, question, found):
    turn = seed_assistant.conversation().ask(question)
    assert turn.found is found, turn.answer
