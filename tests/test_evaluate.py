"""Evaluation: metric computations, the SQuAD subset, `assistant eval --qa` through the CLI,
and a small CMRC 2018 run (200 questions) with floors set from measured figures."""
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.evaluation import evaluate as ev
from assistant.apps.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
CMRC = ROOT.parent / "shared" / "bench" / "cmrc2018_dev.json"


# metrics ------------------------------------------------------------------------------
def test_percentile_matches_numpy_linear_interpolation():
    rng = random.Random(7)
    for n in (1, 2, 3, 10, 101):
        xs = [rng.uniform(0, 100) for _ in range(n)]
        for q in (0, 50, 95, 100):
            assert ev.percentile(xs, q) == pytest.approx(float(np.percentile(xs, q)))
    assert ev.percentile([4, 1, 3, 2], 50) == 2.5
    assert ev.percentile(range(1, 101), 95) == pytest.approx(95.05)
    assert ev.percentile([], 50) is None


def test_question_set_lines_are_read_once_for_eval_and_batch(tmp_path):
    """One reader for `assistant eval --qa` and `assistant ask --batch`: blank lines left
    out, every other line a case or named with what is wrong; eval stops at the first."""
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "a", "turns": ["问一"]}\n\n{not json\n{"turns": "问二"}\n'
                    '{"id": "b", "turns": ["问三"]}\n', encoding="utf-8")
    rows = ev.read_cases(path)
    assert [(no, case and case["id"]) for no, case, _ in rows] == \
        [(1, "a"), (3, None), (4, None), (5, "b")]
    assert rows[1][2].startswith("not JSON") and "non-empty list" in rows[2][2]
    with pytest.raises(ValueError, match=r"set.jsonl:3: not JSON"):
        ev.load_cases(path)


def test_mrr_hit_rate_and_ranks():
    ranks = [1, 2, None, 11, 4]
    assert ev.mrr(ranks, cutoff=10) == pytest.approx((1 + 0.5 + 0 + 0 + 0.25) / 5)
    assert ev.mrr([11], cutoff=20) == pytest.approx(1 / 11)
    assert ev.mrr([]) is None
    assert ev.hit_rate(ranks, 1) == pytest.approx(0.2)
    assert ev.hit_rate(ranks, 5) == pytest.approx(0.6)
    assert ev.reciprocal_rank(None) == 0.0
    ranking = ev.dedupe(["b", "a", "b", "c", "a"])
    assert ranking == ["b", "a", "c"]
    assert ev.rank_of(ranking, lambda x: x == "c") == 3
    assert ev.rank_of(ranking, lambda x: x == "z") is None
    assert ev.mean_of([True, None, False, True]) == pytest.approx(2 / 3)
    assert ev.gold_text_in("他在1998年出生。[1]", ["1998年 ", "1999年"])
    assert not ev.gold_text_in("他在1998年出生。", ["  "])


def _result(**kw) -> ev.QuestionResult:
    base = dict(id="q", turns=["问题？"], gold_article="A", found=True, cited="A", rank=1,
                first_cited=True, gold_in_answer=True, passed=True, latency_ms=[10.0])
    base.update(kw)
    return ev.QuestionResult(**base)


def test_summarize_and_misses(tmp_path):
    results = [
        _result(id="1"),
        _result(id="2", rank=3, cited="B", first_cited=False, gold_in_answer=False,
                passed=False, latency_ms=[30.0]),
        _result(id="3", found=False, cited=None, rank=None, first_cited=False,
                gold_in_answer=False, passed=False, latency_ms=[20.0]),
        _result(id="4", rank=2, latency_ms=[40.0]),  # right answer, gold ranked second
    ]
    rep = ev.summarize(results)
    assert rep["questions"] == 4
    assert rep["retrieval"]["rank1"] == 0.25
    assert rep["retrieval"]["top5"] == 0.75
    assert rep["retrieval"]["mrr10"] == pytest.approx(round((1 + 1 / 3 + 0 + 0.5) / 4, 4))
    assert rep["retrieval"]["first_cited"] == 0.5
    assert rep["answers"]["gold_in_answer"] == 0.5
    assert rep["answers"]["answered"] == 0.75
    assert rep["answers"]["must_contain"] is None
    assert rep["latency_ms"]["p50"] == 25.0
    assert rep["latency_ms"]["p95"] == pytest.approx(38.5)
    out = tmp_path / "m.jsonl"
    assert ev.write_misses(out, results) == 3
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["2", "3", "4"]
    assert rows[0]["cited_article"] == "B" and rows[0]["retrieval_rank"] == 3
    assert set(rows[0]) >= {"question", "gold", "answer", "cited_article", "retrieval_rank"}


def test_qa_refusal_cases_count_apart():
    results = [_result(id="1", must_contain_ok=True, gold_in_answer=None),
               _result(id="2", gold_article=None, rank=None, first_cited=None, found=False,
                       cited=None, refusal_ok=True, gold_in_answer=None),
               _result(id="3", gold_article=None, rank=None, first_cited=None, found=True,
                       refusal_ok=False, passed=False, gold_in_answer=None)]
    rep = ev.summarize(results)
    assert rep["retrieval"]["evaluated"] == 1
    assert rep["answers"]["refusals_right"] == 0.5
    assert rep["answers"]["must_contain"] == 1.0
    assert [r.id for r in ev.misses(results)] == ["3"]


def test_by_category_and_split_selection():
    results = [_result(id="1", category="number", must_contain_ok=True, gold_in_answer=None),
               _result(id="2", category="number", found=False, passed=False,
                       first_cited=False, must_contain_ok=False, gold_in_answer=None),
               _result(id="3", category="unanswerable", gold_article=None, rank=None,
                       first_cited=None, found=False, cited=None, refusal_ok=True,
                       gold_in_answer=None)]
    cats = ev.by_category(results)
    assert list(cats) == ["number", "unanswerable"]
    assert cats["number"] == {"cases": 2, "passed": 0.5, "answered": 0.5, "first_cited": 0.5,
                              "must_contain": 0.5, "refusals_right": None,
                              "short_answers": 0, "short_wrong": None}
    assert cats["unanswerable"]["refusals_right"] == 1.0
    assert cats["unanswerable"]["first_cited"] is None
    assert ev.by_category([_result(id="x")]) is None   # no category: no table
    report = {"questions": 3, "retrieval": {"first_cited": 0.5},
              "answers": {"passed": 2 / 3, "answered": 1 / 3, "must_contain": 0.5,
                          "refusals_right": 1.0}, "by_category": cats}
    table = ev.format_categories(report)
    assert "| number | 2 | 50.0% |" in table and table.splitlines()[-1].startswith("| all | 3 |")
    # `article` may list several heading substrings: any of them will do
    assert ev.heading_names(["大会在京举行", "劳动奖揭晓"], "3024个全国五一劳动奖揭晓")
    assert not ev.heading_names(["大会在京举行"], "劳动奖揭晓")
    assert ev.heading_names("劳动奖", "劳动奖揭晓") and not ev.heading_names(None, "x")
    turn = {"found": True, "answer": "1462名[1]", "citations": [{"heading": "劳动奖揭晓"}]}
    assert ev.score_case({"id": "l", "article": ["大会", "劳动奖"],
                          "must_contain": [["1462名"]]}, turn).passed
    # a bold short answer is right when it is a gold string, with its whole unit
    assert ev.short_answer_ok("1670人", "A", [["1670人"]]) is True
    assert ev.short_answer_ok("756人", "A", [["1670人"]]) is False
    assert ev.short_answer_ok("12.5公", "A", [["12.5公里"]]) is False
    assert ev.short_answer_ok("2000万亩", "A", [["近2000万亩"]]) is True
    assert ev.short_answer_ok("4个", "A", [["4个排污口"]]) is True
    assert ev.short_answer_ok("约500只", "A", [["500只左右"]]) is True
    assert ev.short_answer_ok("阿洪", "A", [["吐尔迪·阿洪"]]) is False   # a name is whole
    assert ev.short_answer_ok("10天", "A", [["8到10天"]]) is False
    assert ev.short_answer_ok("1163批", "A", [["1163批次"]]) is False
    assert ev.short_answer_ok("193人", None, []) is False      # no article answers it
    assert ev.short_answer_ok(None, "A", [["x"]]) is None
    cases = [{"turns": ["a"], "split": "fit"}, {"turns": ["b"], "split": "report"},
             {"turns": ["c"]}]
    assert ev.select_split(cases, None) == cases
    assert ev.select_split(cases, "report") == [cases[1]]
    with pytest.raises(ValueError, match="fit, report"):
        ev.select_split(cases, "heldout")


# SQuAD loading and the subset ----------------------------------------------------------
def _squad(tmp_path, n_items=20, q_per=2) -> Path:
    data = {"version": "v1.0", "data": []}
    for i in range(n_items):
        data["data"].append({"id": f"D{i}", "title": f"题目{i}", "paragraphs": [{
            "id": f"P{i}", "context": f"第{i}段的内容。",
            "qas": [{"id": f"P{i}_Q{j}", "question": f"第{i}段问题{j}？",
                     "answers": [{"text": f"第{i}段", "answer_start": 0},
                                 {"text": f"第{i}段", "answer_start": 0}]}
                    for j in range(q_per)]}]})
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_load_squad_one_article_per_paragraph(tmp_path):
    articles, questions = ev.load_squad(_squad(tmp_path))
    assert len(articles) == 20 and len(questions) == 40
    a = articles[3]
    assert (a.id, a.headings, a.paragraphs, a.source) == ("P3", ["题目3"], ["第3段的内容。"],
                                                          "mini.json")
    assert questions[6] == {"id": "P3_Q0", "question": "第3段问题0？", "article": "P3",
                            "answers": ["第3段"]}


def test_select_squad_needed_plus_deterministic_distractors(tmp_path):
    articles, questions = ev.load_squad(_squad(tmp_path))
    arts, qs = ev.select_squad(articles, questions, limit=5, corpus_factor=2)
    assert [q["id"] for q in qs] == [q["id"] for q in questions[:5]]
    ids = [a.id for a in arts]
    assert {"P0", "P1", "P2"} <= set(ids) and len(ids) == 6
    assert ids == [a.id for a in articles if a.id in set(ids)]  # file order
    again, _ = ev.select_squad(articles, questions, limit=5, corpus_factor=2)
    assert [a.id for a in again] == ids
    many, _ = ev.select_squad(articles, questions, limit=5)
    assert len(many) == 15  # the default corpus is 5x the needed paragraphs
    everything, all_q = ev.select_squad(articles, questions, limit=None)
    assert len(everything) == 20 and len(all_q) == 40
    assert ev.squad_index_dir("x/cmrc.json", None) == Path(".cache/eval/cmrc")
    assert ev.squad_index_dir("x/cmrc.json", 300) == Path(".cache/eval/cmrc-q300")


# the CLI on the seed question set ------------------------------------------------------
def test_eval_qa_cli_json(seed_index_dir, tmp_path):
    misses = tmp_path / "misses.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "--qa", str(TESTS / "seed_dev.jsonl"),
         "--index-dir", str(seed_index_dir), "--json", "--misses", str(misses)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout  # one JSON object, nothing else on stdout
    rep = json.loads(lines[0])
    n_cases = len(ev.load_cases(TESTS / "seed_dev.jsonl"))
    assert rep["kind"] == "qa" and rep["questions"] == n_cases
    # Measured 100% on every figure (23 cases); floors leave room for tuning.
    assert rep["retrieval"]["rank1"] >= 0.9
    assert rep["retrieval"]["first_cited"] >= 0.85
    assert rep["answers"]["must_contain"] >= 0.85
    assert rep["answers"]["refusals_right"] >= 0.5
    assert rep["answers"]["passed"] >= 0.8
    assert rep["latency_ms"]["n"] >= n_cases and rep["latency_ms"]["p50"] > 0
    assert rep["misses"] == len(misses.read_text(encoding="utf-8").splitlines())


def test_eval_qa_split_and_categories_through_the_cli(seed_index_dir, tmp_path, capsys):
    """`--split` asks one half of a set; a set with categories gets the per-category
    table (text) and `by_category` (JSON)."""
    cases = ev.load_cases(TESTS / "seed_dev.jsonl")[:4]
    for k, c in enumerate(cases):
        c["category"] = "first" if k < 2 else "second"
        c["split"] = "report" if k % 2 else "fit"
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases),
                    encoding="utf-8")
    args = build_parser().parse_args(["eval", "--qa", str(path), "--index-dir",
                                      str(seed_index_dir), "--split", "report", "--json"])
    args.quiet = True
    assert ev.main(args) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["questions"] == 2 and rep["split"] == "report"
    assert {k: v["cases"] for k, v in rep["by_category"].items()} == {"first": 1, "second": 1}
    args = build_parser().parse_args(["eval", "--qa", str(path), "--index-dir",
                                      str(seed_index_dir), "--limit", "1"])
    args.quiet = True
    assert ev.main(args) == 0
    assert "| category | cases |" in capsys.readouterr().out
    bad = build_parser().parse_args(["eval", "--qa", str(path), "--index-dir",
                                     str(seed_index_dir), "--split", "nope"])
    bad.quiet = True
    assert ev.main(bad) == 2
    assert "no case has split 'nope'" in capsys.readouterr().err
    odd = build_parser().parse_args(["eval", "--qa", str(TESTS / "seed_dev.jsonl"),
                                     "--questions-from", "other.json"])
    capsys.readouterr()
    assert ev.main(odd) == 2
    assert "--questions-from goes with --squad" in capsys.readouterr().err


def test_eval_cli_human_readable_and_errors(seed_index_dir, capsys):
    args = build_parser().parse_args(["eval", "--qa", str(TESTS / "seed_dev.jsonl"),
                                      "--index-dir", str(seed_index_dir), "--limit", "2"])
    args.quiet = True
    assert ev.main(args) == 0
    out = capsys.readouterr().out
    assert "2 cases" in out and "MRR@10" in out and "p50" in out
    bad = build_parser().parse_args(["eval", "--qa", str(TESTS / "nope.jsonl")])
    bad.quiet = True
    assert ev.main(bad) == 2


# a small CMRC 2018 run -------------------------------------------------------------------
@pytest.fixture(scope="module")
def cmrc_run(tmp_path_factory):
    if not CMRC.is_file():
        pytest.skip(f"{CMRC} is not there")
    folder = tmp_path_factory.mktemp("cmrc")
    args = build_parser().parse_args(
        ["eval", "--squad", str(CMRC), "--index-dir", str(folder / "index"), "--limit", "200",
         "--json", "--misses", str(folder / "misses.jsonl")])
    # 200 questions need 52 passages; 26 distractors make 78 (~1 min of embedding on 2
    # idle cores: about 1,100 texts, chunks and sentences).
    args.corpus_factor = 1.5
    args.quiet = True
    return args, folder


@pytest.mark.slow
def test_cmrc_small_run_floors(cmrc_run, capsys):
    args, folder = cmrc_run
    assert ev.main(args) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["kind"] == "squad" and rep["questions"] == 200 and rep["articles"] == 78
    r, a = rep["retrieval"], rep["answers"]
    # Floors: measured (see the comments) minus a small margin.
    assert r["rank1"] >= 0.96           # measured 0.985
    assert r["top5"] >= 0.99            # measured 1.000
    assert r["mrr10"] >= 0.98           # measured 0.991
    # measured 0.980 earlier; 0.950 on 2026-11-24 with chunks embedded whole and 0.940 with
    # index format 4 (chunk vectors made from sentence vectors), the same code otherwise
    assert r["first_cited"] >= 0.93
    assert a["gold_in_answer"] >= 0.85  # measured 0.885
    # The fitted answerability model refuses a few answerable questions to refuse most
    # unanswerable ones (answerability sets: README); measured 0.955 since.
    assert a["answered"] >= 0.94        # measured 0.990 before it
    assert rep["latency_ms"]["n"] == 200
    misses = (folder / "misses.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(misses) == rep["misses"]
    first = json.loads(misses[0])
    assert first["gold"]["article"] and first["gold"]["texts"]
    # A second run finds the index up to date: nothing is built or embedded again.
    articles, _ = ev.select_squad(*ev.load_squad(CMRC), 200, corpus_factor=1.5)
    assert ev.ensure_index(articles, folder / "index", progress_bar=False)["built"] is False


def test_eval_squad_refuses_to_replace_another_index(seed_index_dir, tmp_path, capsys):
    from assistant.index.store import current_version

    before = current_version(seed_index_dir)
    args = build_parser().parse_args(["eval", "--squad", str(_squad(tmp_path)),
                                      "--index-dir", str(seed_index_dir)])
    args.quiet = True
    assert ev.main(args) == 2
    assert "would replace it" in capsys.readouterr().err
    assert current_version(seed_index_dir) == before


def test_eval_squad_v2_reports_refusals_of_impossible_questions(tmp_path, capsys):
    """A SQuAD 2.0 file's `is_impossible` questions must be refused: the report gives
    refusal precision and recall next to the answerable questions' figures."""
    data = {"version": "v2.0", "data": [
        {"title": "技能竞赛", "paragraphs": [{
            "id": "A", "context": "杭州市总工会日前举办职工电工技能竞赛，共有126名选手参赛。"
                                  "竞赛分理论考试和实际操作两部分，最终评出一等奖3名。",
            "qas": [{"id": "A1", "question": "杭州市总工会举办的电工技能竞赛有多少名选手参赛？",
                     "answers": [{"text": "126名", "answer_start": 22}]},
                    {"id": "A2", "question": "杭州市总工会的年度预算是多少？",
                     "answers": [], "is_impossible": True}]}]},
        {"title": "港口", "paragraphs": [{
            "id": "B", "context": "宁波舟山港今年前十个月完成集装箱吞吐量3000万标准箱，同比增长6%。",
            "qas": []}]}]}
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    articles, questions = ev.load_squad(path)
    assert [q["article"] for q in questions] == ["A", None]
    args = build_parser().parse_args(["eval", "--squad", str(path), "--index-dir",
                                      str(tmp_path / "index"), "--json"])
    args.quiet = True
    assert ev.main(args) == 0
    rep = json.loads(capsys.readouterr().out)
    r, a = rep["retrieval"], rep["answers"]
    assert rep["questions"] == 2 and r["evaluated"] == 1 and r["first_cited"] == 1.0
    assert a["gold_in_answer"] == 1.0
    assert a["refusal_recall"] == 1.0 and a["refusal_precision"] == 1.0
