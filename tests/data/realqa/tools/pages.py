"""Cut a labelled page of tests/data/pages into its articles (heading lines, body lines).

Every label string is a verbatim substring of the page text, so an article starts at its
first heading line (kicker, else title) searched forward from the previous article, and runs
to the next article's start. Lines the labels list as page furniture are dropped."""
from __future__ import annotations

import json
from pathlib import Path

PAGES = Path(__file__).resolve().parents[2] / "pages"


def load(page: str) -> tuple[str, dict]:
    text = (PAGES / f"{page}.txt").read_text(encoding="utf-8")
    labels = json.loads((PAGES / f"{page}.labels.json").read_text(encoding="utf-8"))
    return text, labels


def articles(page: str) -> list[dict]:
    text, labels = load(page)
    furniture = {f.strip() for f in labels.get("furniture", []) or []}
    starts, pos = [], 0
    for a in labels["articles"]:
        first = a.get("kicker") or a.get("title") or a.get("first_sentence")
        at = text.find(first, pos)
        if at < 0:
            raise ValueError(f"{page}: {first!r} not found after {pos}")
        at = text.rfind("\n", 0, at) + 1
        starts.append(at)
        pos = at + len(first)
    out = []
    for k, a in enumerate(labels["articles"]):
        end = starts[k + 1] if k + 1 < len(starts) else len(text)
        chunk = text[starts[k]:end]
        heads = [h for h in (a.get("kicker"), a.get("title"), a.get("subtitle")) if h]
        body = chunk
        for h in heads:   # heading lines leave the body, once each, in order
            i = body.find(h)
            if i >= 0:
                body = body[:i] + body[i + len(h):]
        lines = [ln.rstrip() for ln in body.splitlines()]
        lines = [ln for ln in lines if ln.strip() and ln.strip() not in furniture]
        out.append({"page": page, "index": k, "newspaper": labels["newspaper"],
                    "date": labels["date"], "page_no": labels["page"],
                    "kicker": a.get("kicker"), "title": a.get("title"),
                    "subtitle": a.get("subtitle"), "byline": a.get("byline"),
                    "authors": a.get("authors") or [], "body": lines, "raw": chunk})
    return out


if __name__ == "__main__":
    import sys
    for p in sys.argv[1:]:
        for a in articles(p):
            print(f"### [{a['index']}] {a['title']}  ({a['byline'] or ''})")
            print("\n".join(a["body"]))
            print()
