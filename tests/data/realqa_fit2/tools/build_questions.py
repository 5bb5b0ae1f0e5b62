"""Write tests/data/realqa_fit2/questions.jsonl from the hand-written cases in tools/cases/*.py.

Each case: (category, question or list of turns, heading substring or list of them or None,
must_contain). Same format as tests/data/realqa (split is always "fit"). Checks, so a typo
cannot make a case unwinnable: every heading substring names an article of its page, every
must_contain group has a string that is in that page's text, an unanswerable case has no
article and no must_contain, and every page is in the corpus layout."""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = ("number", "date", "person", "place", "byline", "issue", "list", "multipart",
              "followup", "english", "traditional", "fact", "unanswerable")
HAN = re.compile(r"[\u4e00-\u9fff]")


def page_text(page: str) -> tuple[str, list[str]]:
    """The page's words (with its date and page number as the corpus records carry them, for
    "which issue" questions) and the headings of its articles."""
    p = make_corpus.load(page)
    text = make_corpus.page_text(page)
    y, m, d = p["date"].split("-")
    text += f"\n{p['date']} {int(y)}年{int(m)}月{int(d)}日"
    if p.get("page"):
        text += f" 第{p['page']}版 第{int(p['page'])}版"
    return text, make_corpus.headings(page)


def language(q: str) -> str:
    return "zh" if HAN.search(q) else "en"


def build() -> tuple[list[dict], list[str]]:
    out, problems = [], []
    numbered: dict[str, int] = {}
    for path in sorted((ROOT / "tools" / "cases").glob("*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for page, cases in mod.CASES.items():
            if page not in make_corpus.LAYOUT:
                problems.append(f"{path.name}: page {page} is not in the corpus")
                continue
            text, titles = page_text(page)
            flat = text.replace("\n", "").replace("　", "")
            for k, (cat, turns, article, must) in enumerate(cases, numbered.get(page, 0) + 1):
                numbered[page] = k
                turns = [turns] if isinstance(turns, str) else list(turns)
                cid = f"{page}#{k:02d}"
                if cat not in CATEGORIES:
                    problems.append(f"{cid}: unknown category {cat}")
                if (cat == "unanswerable") != (article is None):
                    problems.append(f"{cid}: unanswerable cases, and only they, have no article")
                if cat == "followup" and len(turns) < 2:
                    problems.append(f"{cid}: a follow-up needs at least two turns")
                if article is not None:
                    for name in ([article] if isinstance(article, str) else article):
                        hits = [t for t in titles if name in t]
                        if not hits:
                            problems.append(f"{cid}: no heading of {page} holds {name!r}")
                        elif len(hits) > 1 and isinstance(article, str):
                            problems.append(f"{cid}: {name!r} names {len(hits)} headings")
                    if not must:
                        problems.append(f"{cid}: an answerable case needs must_contain")
                    for group in must:
                        if not any(s in text or s in flat for s in group):
                            problems.append(f"{cid}: none of {group} is in {page}")
                elif must:
                    problems.append(f"{cid}: an unanswerable case has must_contain")
                out.append({"id": cid, "turns": turns, "article": article,
                            "must_contain": must, "category": cat, "split": "fit",
                            "page": page, "format": make_corpus.LAYOUT[page],
                            "newspaper": page.split("_")[0],
                            "language": language(turns[-1])})
    if len({c["id"] for c in out}) != len(out):
        problems.append("case ids are not unique")
    return out, problems


def main(out_path: Path | None = None) -> None:
    out, problems = build()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(1)
    with open(out_path or ROOT / "questions.jsonl", "w", encoding="utf-8") as f:
        for c in out:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(len(out), "cases")
    print(dict(Counter(c["category"] for c in out)))
    print(dict(Counter(c["format"] for c in out)))
    print(dict(Counter(c["newspaper"] for c in out)))
    print("articles:", len({(c["page"], json.dumps(c["article"], ensure_ascii=False))
                            for c in out if c["article"]}))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)   # optional: another output file
