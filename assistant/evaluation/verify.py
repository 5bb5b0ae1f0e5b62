"""Fitting the verifier's thresholds (`qa/verify.py` `Thresholds`) on hand-written claims.

    python -m assistant.evaluation.verify --calibrate INDEX_DIR tests/verify_claims.jsonl [--rows]

pairs every claim with every chunk of the index (the seed index for the shipped values),
labelled supported or not, and prints the current thresholds' errors and the best single
thresholds on those pairs.
"""
from __future__ import annotations

import numpy as np

from assistant.qa.question import language
from assistant.qa.verify import Source, Verifier, make_claim


def calibration_pairs(index, claims: list[dict]) -> list[dict]:
    """Every claim against every chunk of the index, labelled supported or not.

    A claim is {"claim": text, "support": substring of the article text, or null for a
    claim no article supports}; a chunk supports it when it holds that substring.
    """
    v = Verifier(index)
    rows = []
    for case in claims:
        c = make_claim(case["claim"])
        q = index.embedder.embed_query(c.text)
        for i, ch in enumerate(index.chunks):
            art = index.articles[ch.article_id]
            src = Source(n=i, article_id=art.id, heading=art.heading, source=art.source,
                         start=ch.start, end=ch.end, passage=art.text[ch.start:ch.end],
                         sentence_keys=[(art.id, s, e) for s, e in ch.sentences])
            r = v.support(c, q, src, v.source_vectors(src))
            label = bool(case.get("support")) and case["support"] in src.text
            rows.append({"claim": c.text, "lang": language(c.text), "label": label,
                         "hard_ok": r.hard_ok, "sim": r.sim, "lex": r.lex, "ok": r.ok,
                         "fabricated": not case.get("support")})
    return rows


def calibrate(rows: list[dict]) -> dict:
    """Error counts of the current thresholds, and the best single thresholds on the rows."""
    def counts(pred) -> dict:
        tp = sum(1 for r in rows if r["label"] and pred(r))
        fn = sum(1 for r in rows if r["label"] and not pred(r))
        fp = sum(1 for r in rows if not r["label"] and pred(r))
        return {"true_pairs": tp + fn, "false_pairs": len(rows) - tp - fn,
                "missed": fn, "false_support": fp}

    out = {"current": counts(lambda r: r["ok"])}
    for lang in ("zh", "en"):
        pos = sorted(r["sim"] for r in rows if r["label"] and r["lang"] == lang)
        neg_hard = sorted(r["sim"] for r in rows if not r["label"] and r["hard_ok"]
                          and r["lang"] == lang)
        out[lang] = {
            "true_sim_min": round(pos[0], 4) if pos else None,
            "true_sim_median": round(float(np.median(pos)), 4) if pos else None,
            "false_sim_max_after_facts": round(neg_hard[-1], 4) if neg_hard else None,
            "false_sim_p95_after_facts": round(float(np.percentile(neg_hard, 95)), 4)
            if neg_hard else None,
            "true_lex_min": round(min((r["lex"] for r in rows if r["label"] and
                                       r["lang"] == lang), default=0), 3),
            "false_lex_max_after_facts": round(max((r["lex"] for r in rows if not r["label"]
                                                    and r["hard_ok"] and r["lang"] == lang),
                                                   default=0), 3),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    from pathlib import Path

    from assistant.index.store import NewsIndex   # the tool's input, not the library's

    p = argparse.ArgumentParser(prog="python -m assistant.evaluation.verify")
    p.add_argument("--calibrate", nargs=2, metavar=("INDEX_DIR", "CLAIMS.jsonl"), required=True)
    p.add_argument("--rows", action="store_true", help="print every pair")
    args = p.parse_args(argv)
    index = NewsIndex.load(args.calibrate[0])
    claims = [json.loads(x) for x in Path(args.calibrate[1]).read_text(encoding="utf-8")
              .splitlines() if x.strip()]
    rows = calibration_pairs(index, claims)
    if args.rows:
        for r in rows:
            if r["label"] or r["hard_ok"]:
                print(json.dumps(r, ensure_ascii=False))
    print(json.dumps(calibrate(rows), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
