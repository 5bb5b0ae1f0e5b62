"""Write tests/data/realqa/questions.jsonl from the hand-written cases in tools/cases/*.py.

Each case: (category, question or list of turns, heading substring or None, must_contain).
The split comes from the case's page (split.json: the report half is the pages that
tests/data/pages/split.json holds out). Checks, so a typo cannot make a case unwinnable:
the heading substring names exactly one article of its page, and every must_contain group
has a string that appears in that page's text."""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402
import pages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = ("number", "date", "person", "place", "byline", "issue", "list", "multipart",
              "followup", "english", "traditional", "fact", "unanswerable")
HAN = re.compile(r"[\u4e00-\u9fff]")


def page_text(page: str) -> tuple[str, list[str]]:
    """The page's text (with its date and page number as the corpus records carry them, for
    "which issue" questions) and the headings of its articles."""
    if page == make_corpus.SEED_NAME[:-4]:
        text = make_corpus.SEED.read_text(encoding="utf-8")
        return text, []
    text, labels = pages.load(page)
    y, m, d = labels["date"].split("-")
    text += f"\n{labels['date']} {int(y)}年{int(m)}月{int(d)}日 第{labels['page']}版"
    titles = [" ".join(x for x in (a.get("kicker"), a.get("title"), a.get("subtitle")) if x)
              for a in labels["articles"]]
    return text, titles


def language(q: str) -> str:
    return "zh" if HAN.search(q) else "en"


def main(out_path: Path | None = None) -> None:
    split = json.loads((ROOT / "split.json").read_text(encoding="utf-8"))
    fmt = {p: f for p, (f, _s) in make_corpus.LAYOUT.items()}
    fmt[make_corpus.SEED_NAME[:-4]] = "txt"
    out, problems = [], []
    numbered: dict[str, int] = {}   # a page's cases may come from several files: ids go on
    for path in sorted((ROOT / "tools" / "cases").glob("*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for page, cases in mod.CASES.items():
            if page not in split:
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
                if article is not None:
                    for name in ([article] if isinstance(article, str) else article):
                        if titles and not any(name in t for t in titles):
                            problems.append(f"{cid}: no heading of {page} holds {name!r}")
                        elif not titles and name not in text:
                            problems.append(f"{cid}: {name!r} is not in {page}")
                    for group in must:
                        if not any(s in text or s in flat for s in group):
                            problems.append(f"{cid}: none of {group} is in {page}")
                elif must:
                    problems.append(f"{cid}: an unanswerable case has must_contain")
                newspaper = page.split("_")[0]
                out.append({"id": cid, "turns": turns, "article": article,
                            "must_contain": must, "category": cat, "split": split[page],
                            "page": page, "format": fmt[page], "newspaper": newspaper,
                            "language": language(turns[-1])})
    if len({c["id"] for c in out}) != len(out):
        problems.append("case ids are not unique")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(1)
    with open(out_path or ROOT / "questions.jsonl", "w", encoding="utf-8") as f:
        for c in out:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    from collections import Counter
    print(len(out), "cases;", dict(Counter(c["split"] for c in out)))
    print(dict(Counter(c["category"] for c in out)))
    print("articles:", len({(c["page"], str(c["article"])) for c in out if c["article"]}))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)   # optional: another output file
