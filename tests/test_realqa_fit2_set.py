"""The second fit-only real-use question set (tests/data/realqa_fit2): every case can be won.

`tools/build_questions.py` rebuilds questions.jsonl from the hand-written cases and checks
each one against its page's words (every heading substring names an article of its page,
every must_contain group has a string of the page text, unanswerable cases name no article);
test_realqa_set.py checks the committed file is exactly what it builds. The corpus is then read through the
assistant's own readers (no embedding) so every article's heading and every gold string is
in what the index would hold."""
import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.evaluation import evaluate as ev

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "tests" / "data" / "realqa_fit2"


@pytest.fixture(scope="module")
def cases():
    return ev.load_cases(SET / "questions.jsonl")


def test_set_shape(cases):
    """Fit only, several publications and formats, >= 25% unanswerable near misses."""
    assert {c["split"] for c in cases} == {"fit"}
    assert len(cases) >= 300
    assert len({c["newspaper"] for c in cases}) >= 4
    assert {c["format"] for c in cases} >= {"txt", "html", "docx", "pdf", "json", "jsonl", "md"}
    cats = Counter(c["category"] for c in cases)
    assert cats["unanswerable"] / len(cases) >= 0.25
    for cat in ("number", "person", "byline", "multipart", "followup", "english",
                "traditional", "issue", "date", "list"):
        assert cats[cat] >= 8, cat
    assert all(c["article"] is None and not c["must_contain"]
               for c in cases if c["category"] == "unanswerable")
    assert all(len(c["turns"]) > 1 for c in cases if c["category"] == "followup")
    # none of its pages is a page of the first set (its report half must stay unseen)
    first = {json.loads(ln)["page"] for ln in
             (ROOT / "tests" / "data" / "realqa" / "questions.jsonl").read_text(
                 encoding="utf-8").splitlines() if ln.strip()}
    assert not first & {c["page"] for c in cases}


def test_readers_give_the_gold_headings_and_strings(cases):
    from assistant.ingest.readers import load_path

    headings: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for f in sorted((SET / "corpus").iterdir()):
        arts, errors = load_path(f)
        assert arts and not errors, f.name
        page = f.stem[:-3] if f.suffix in (".html", ".md") else f.stem
        headings.setdefault(page, []).extend(a.heading for a in arts)
        texts[page] = texts.get(page, "") + "\n".join(
            "\n".join([a.heading, a.byline, *a.captions, *a.authors, *a.photographers, a.text])
            for a in arts)
    lost, missing = [], []
    for c in cases:
        if c["article"] is None:
            continue
        if not any(ev.heading_names(c["article"], h) for h in headings[c["page"]]):
            lost.append(c["id"])
        flat = texts[c["page"]].replace("\n", "")
        for group in c["must_contain"]:
            if not any(s in flat for s in group) and c["category"] != "issue":
                missing.append((c["id"], group))
    assert not lost, lost
    assert not missing, missing
