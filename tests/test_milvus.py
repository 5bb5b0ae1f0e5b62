"""Milvus as the dense store, against a real milvus-lite file in tmp_path.

The same corpus is indexed with FAISS (the default) and with Milvus: retrieval must give
the same nodes in the same order, spans that slice their articles exactly, and the CLI
must answer from the Milvus-built index.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("llama_index.vector_stores.milvus", reason="needs the extra .[milvus]")
pytest.importorskip("milvus_lite", reason="needs the extra .[milvus]")

from llama_index.core.llms import MockLLM  # noqa: E402
from llama_index.core.query_engine import RetrieverQueryEngine  # noqa: E402
from pymilvus import MilvusClient  # noqa: E402

from assistant.ingest.readers import load_paths  # noqa: E402
from assistant.index import milvus  # noqa: E402
from assistant.index.docstore import read_articles  # noqa: E402
from assistant.index.milvus import VectorStoreError, parse_vector_store  # noqa: E402
from assistant.index.build import build_index  # noqa: E402
from assistant.index.store import NewsIndex  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
PYTHON = str(PY) if PY.exists() else sys.executable

ARTICLES = {
    "solar.txt": (
        "东港市首座海上光伏电站并网发电",
        "本报讯 东港市首座海上光伏电站昨日正式并网发电。电站位于东港湾外侧海域，共安装光伏组件"
        "约二十八万块，装机容量为二百四十兆瓦。项目由东港能源集团投资建设，总投资约十六亿元，"
        "从开工到并网用时十一个月。\n"
        "据介绍，电站每年可提供清洁电能约三亿千瓦时，可满足十二万户家庭一年的用电需求，每年"
        "可节约标准煤约九万吨，减少二氧化碳排放约二十四万吨。电站采用桩基固定式支架，组件下方"
        "的海域仍可用于养殖贝类，实现“板上发电、板下养殖”。\n"
        "东港能源集团负责人表示，海上风浪大、盐雾重，施工团队为此专门研发了防腐涂层和抗台风"
        "连接件。下一步，集团计划在同一海域建设第二期项目，装机容量将达到四百兆瓦，预计两年内"
        "建成。市发展改革委表示，将继续支持海上新能源项目建设，推动全市能源结构转型。"),
    "canal.txt": (
        "西河古运河完成清淤整治",
        "西河区历时八个月的古运河清淤整治工程日前完工，共清除淤泥四万五千立方米，修复驳岸"
        "三点二公里。整治后的河道水质由劣五类提升到四类，沿岸新建了两处亲水平台和一条步行道。"),
    "library.txt": (
        "南湖社区图书馆推出夜间开放",
        "南湖社区图书馆从本月起延长开放时间，每周二至周六开放到晚上九点。图书馆现有藏书"
        "一万八千册，新设了少儿阅读区和自习区，读者凭身份证即可免费办理借阅证。"),
}

QUESTIONS = [
    ("东港海上光伏电站的装机容量是多少？", "solar"),
    ("古运河清除了多少淤泥？", "canal"),
    ("社区图书馆晚上开到几点？", "library"),
]


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (title, body) in ARTICLES.items():
        (folder / name).write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return folder


def _slices(index, nodes):
    assert nodes
    for n in nodes:
        node = getattr(n, "node", n)
        art = index.article(node.metadata["article_id"])
        assert art.text[node.start_char_idx:node.end_char_idx] == node.text


def _collections(db: Path) -> set[str]:
    client = MilvusClient(str(db))
    try:
        return set(client.list_collections())
    finally:
        client.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A FAISS-built index, and the same corpus built into Milvus (vectors reused)."""
    root = tmp_path_factory.mktemp("milvus")
    articles, errors = load_paths([str(_corpus(root / "corpus"))])
    assert not errors and len(articles) == 3
    faiss_dir, milvus_dir, db = root / "faiss", root / "milvus", root / "store" / "m.db"
    build_index(articles, faiss_dir)
    # Copied so the Milvus build reuses the vectors instead of embedding again.
    shutil.copytree(faiss_dir, milvus_dir)
    report = build_index(articles, milvus_dir, vector_store=f"milvus:{db}")
    assert report.embedded == 0 and report.chunks >= 4
    return {"root": root, "faiss": faiss_dir, "milvus": milvus_dir, "db": db,
            "articles": articles}


def test_manifest_names_the_collection_and_it_holds_every_chunk(built):
    index = NewsIndex.load(built["milvus"])
    entry = index.manifest["vector_store"]
    assert entry == {"kind": "milvus", "uri": str(built["db"]),
                     "collection": milvus.collection_name(
                         (built["milvus"] / "CURRENT").read_text().strip()[2:])}
    assert entry["collection"].startswith("news_") and "-" not in entry["collection"]
    assert "vector_store" not in NewsIndex.load(built["faiss"]).manifest
    # The FAISS copy stays in the version folder (updates reuse its vectors).
    assert (index.folder / (built["milvus"] / "CURRENT").read_text().strip() / "faiss.index").is_file()
    assert _collections(built["db"]) == {entry["collection"]}
    rows = index.dense.store.client.query(entry["collection"], filter='id != ""',
                                          output_fields=["id"], limit=100)
    assert sorted(r["id"] for r in rows) == sorted(index.docs.chunk_id(r)
                                                   for r in range(len(index.docs)))
    assert len(index.docs.chunks_of["solar"]) >= 2


def test_dense_search_equals_faiss_and_higher_is_closer(built):
    m, f = NewsIndex.load(built["milvus"]), NewsIndex.load(built["faiss"])
    assert type(m.dense.store).__name__ == "MilvusVectorStore"
    assert type(f.dense.store).__name__ == "FaissVectorStore"
    for q, article in QUESTIONS:
        qvec = m.embedder.embed_query(q)
        rows_m, sims_m = m.dense.query(qvec, 10)
        rows_f, sims_f = f.dense.query(qvec, 10)
        assert list(rows_m) == list(rows_f) and len(rows_m) == len(m.docs)
        np.testing.assert_allclose(sims_m, sims_f, atol=1e-5)
        assert list(sims_m) == sorted(sims_m, reverse=True)
        assert m.docs.chunk_article_id(int(rows_m[0])) == article


def test_retriever_slices_exactly_and_ranks_as_faiss(built):
    m, f = NewsIndex.load(built["milvus"]), NewsIndex.load(built["faiss"])
    for q, article in QUESTIONS:
        got = m.as_retriever(similarity_top_k=3).retrieve(q)
        ref = f.as_retriever(similarity_top_k=3).retrieve(q)
        _slices(m, got)
        assert [n.node.node_id for n in got] == [n.node.node_id for n in ref]
        assert [n.score for n in got] == pytest.approx([n.score for n in ref], abs=1e-5)
        assert got[0].node.metadata["article_id"] == article


def test_retriever_query_engine_with_mock_llm(built):
    m = NewsIndex.load(built["milvus"])
    engine = RetrieverQueryEngine.from_args(m.as_retriever(similarity_top_k=3), llm=MockLLM())
    response = engine.query("古运河清除了多少淤泥？")
    assert response.source_nodes
    _slices(m, response.source_nodes)
    assert response.source_nodes[0].node.metadata["article_id"] == "canal"


def test_load_overrides_and_clear_errors(built, tmp_path):
    # 'faiss' reads the FAISS copy of a Milvus-built version.
    f = NewsIndex.load(built["milvus"], vector_store="faiss")
    assert type(f.dense.store).__name__ == "FaissVectorStore"
    # A store without the collection, or a FAISS-built index given a Milvus URI.
    with pytest.raises(VectorStoreError, match="has no collection news_"):
        NewsIndex.load(built["milvus"], vector_store=str(tmp_path / "other.db"))
    with pytest.raises(VectorStoreError, match="keeps its vectors in FAISS"):
        NewsIndex.load(built["faiss"], vector_store=str(built["db"]))
    with pytest.raises(VectorStoreError, match="cannot open Milvus at http://127.0.0.1:1"):
        NewsIndex.load(built["milvus"], vector_store="http://127.0.0.1:1")


def test_a_rebuild_drops_the_old_collection(built, tmp_path):
    folder, db = tmp_path / "index", tmp_path / "r.db"
    shutil.copytree(built["faiss"], folder)
    build_index(built["articles"], folder, vector_store=str(db))
    old = NewsIndex.load(folder).manifest["vector_store"]["collection"]
    assert _collections(db) == {old}
    kept = [a for a in built["articles"] if a.id != "library"]
    report = build_index(kept, folder, vector_store=str(db))
    assert report.removed == ["library"] and report.embedded == 0
    index = NewsIndex.load(folder)
    new = index.manifest["vector_store"]["collection"]
    assert new != old and _collections(db) == {new}
    assert len([p for p in folder.iterdir() if p.name.startswith("v-")]) == 1
    _slices(index, index.as_retriever(similarity_top_k=3).retrieve("古运河清除了多少淤泥？"))
    index.hold.release()   # a version still read is kept (versions.prune)
    # Back to the default: the last Milvus version's collection goes with it.
    build_index(kept, folder)
    assert "vector_store" not in NewsIndex.load(folder).manifest
    assert _collections(db) == set()


def test_ui_uploads_keep_the_index_in_milvus(built, tmp_path):
    from assistant.service.pipeline import Assistant

    folder, db = tmp_path / "index", tmp_path / "u.db"
    shutil.copytree(built["faiss"], folder)
    build_index(built["articles"], folder, vector_store=str(db))
    assistant = Assistant(folder)
    old = assistant.index.manifest["vector_store"]["collection"]
    upload = tmp_path / "bridge.txt"
    upload.write_text("北岸大桥通车\n\n北岸大桥今天正式通车，全长一千二百米，双向六车道。\n",
                      encoding="utf-8")
    report, errors = assistant.add_paths([str(upload)])
    assert not errors and report.added == ["bridge"]
    entry = assistant.index.manifest["vector_store"]
    assert entry["uri"] == str(db) and _collections(db) == {entry["collection"]} != {old}
    hits = assistant.index.as_retriever(similarity_top_k=1).retrieve("北岸大桥有多长？")
    assert hits[0].node.metadata["article_id"] == "bridge"


def test_vector_store_uri_forms():
    assert parse_vector_store(None) is None and parse_vector_store("faiss") is None
    assert parse_vector_store("milvus:/x/m.db") == milvus.MilvusTarget("/x/m.db", lite=True)
    assert parse_vector_store("rel/m.db").uri == os.path.abspath("rel/m.db")
    assert parse_vector_store("http://milvus:19530/") == milvus.MilvusTarget(
        "http://milvus:19530", lite=False)
    assert not parse_vector_store("https://in03.example.cloud").lite
    for bad in ("milvus:/x/m.sqlite", "ftp://h/x.db", "http://", "http://h:port", "m.db.bak",
                "x"):
        with pytest.raises(VectorStoreError, match="accepted forms"):
            parse_vector_store(bad)
    for secret in ("http://root:Milvus@h:19530", "https://h:443?token=abc"):
        with pytest.raises(VectorStoreError, match=milvus.ENV_TOKEN) as e:
            parse_vector_store(secret)
        assert "Milvus@" not in str(e.value) and "abc" not in str(e.value)
    assert milvus.collection_name("20250101T120000-ab12") == "news_20250101T120000_ab12"


def test_missing_packages_give_one_clear_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "pymilvus", None)
    with pytest.raises(VectorStoreError, match=r"pip install '\.\[milvus\]'"):
        milvus.check(parse_vector_store("http://localhost:19530"))


# the command line ---------------------------------------------------------------------
def _run(*args, env=None, timeout=300):
    e = {k: v for k, v in os.environ.items()
         if k not in (milvus.ENV_STORE, milvus.ENV_TOKEN)}
    e.update(env or {})
    return subprocess.run([PYTHON, "-m", "assistant", *args], capture_output=True, text=True,
                          timeout=timeout, env=e, cwd=ROOT)


def test_cli_index_into_milvus_lite_then_ask(tmp_path):
    corpus, folder, db = _corpus(tmp_path / "corpus"), tmp_path / "index", tmp_path / "m.db"
    r = _run("index", str(corpus), "--index-dir", str(folder), "--vector-store", str(db), "-q")
    assert r.returncode == 0, r.stderr
    version = folder / (folder / "CURRENT").read_text().strip()
    entry = json.loads((version / "manifest.json").read_text(encoding="utf-8"))["vector_store"]
    assert entry["kind"] == "milvus" and entry["uri"] == str(db)
    # No flag at ask time: the manifest says where the vectors are.
    r = _run("ask", "--index-dir", str(folder), "--json", "东港海上光伏电站的装机容量是多少？")
    assert r.returncode == 0, r.stderr
    turn = json.loads(r.stdout.splitlines()[0])
    assert turn["found"] and "二百四十兆瓦" in turn["answer"], turn
    assert turn["citations"] and turn["citations"][0]["article_id"] == "solar"
    c = turn["citations"][0]
    assert "二百四十兆瓦" in c["passage"]
    texts = {a.id: a.text for a in read_articles(version / "articles.jsonl")}
    assert texts["solar"][c["start"]:c["end"]] == c["passage"]
    # The environment variable names the store too (here the same file, as milvus:PATH).
    r = _run("ask", "--index-dir", str(folder), "--json", "古运河清除了多少淤泥？",
             env={milvus.ENV_STORE: f"milvus:{db}"})
    assert r.returncode == 0, r.stderr
    turn = json.loads(r.stdout.splitlines()[0])
    assert "四万五千立方米" in turn["answer"] and turn["citations"][0]["article_id"] == "canal"


def _one_clear_line(r, *names):
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assistant: "), r.stderr
    assert "Traceback" not in r.stderr
    for n in names:
        assert n in lines[0]
    return lines[0]


def test_cli_bad_or_unreachable_store_exits_2_with_one_line(tmp_path):
    corpus = _corpus(tmp_path / "corpus")
    _one_clear_line(_run("ask", "--index-dir", str(tmp_path / "i"), "--vector-store",
                         "ftp://h/x", "q"), "'ftp://h/x'", "accepted forms")
    line = _one_clear_line(_run("index", str(corpus), "--index-dir", str(tmp_path / "i"),
                                env={milvus.ENV_STORE: "nonsense"}), "'nonsense'")
    assert milvus.ENV_STORE in line
    _one_clear_line(_run("serve", "--index-dir", str(tmp_path / "i"), "--vector-store",
                         "http://"), "'http://'")
    # Reachable syntax, nothing listening: refused before anything is embedded.
    _one_clear_line(_run("index", str(corpus), "--index-dir", str(tmp_path / "i"), "-q",
                         "--vector-store", "http://127.0.0.1:1"), "http://127.0.0.1:1")
    assert not (tmp_path / "i").exists()
    # milvus-lite serves one process at a time: this one holds the file.
    db = tmp_path / "held.db"
    client = MilvusClient(str(db))
    try:
        _one_clear_line(_run("index", str(corpus), "--index-dir", str(tmp_path / "i"), "-q",
                             "--vector-store", str(db)), str(db), "another process")
    finally:
        client.close()


def test_a_source_filter_searches_only_allowed_articles_in_milvus(built):
    """The Milvus search with a filter keeps to the allowed articles' chunks (a metadata
    filter on article_id), as FAISS does with its id selector."""
    from assistant.index.filters import SourceFilter

    faiss_index = NewsIndex.load(built["faiss"])
    milvus_index = NewsIndex.load(built["milvus"])
    try:
        for aid in milvus_index.article_order:
            mask = SourceFilter.make(articles=[aid]).allowed_rows(milvus_index)
            qvec = milvus_index.embedder.embed_query(milvus_index.article(aid).title)
            rows, sims = milvus_index.dense.query(qvec, 2, mask)
            want_rows, want_sims = faiss_index.dense.query(qvec, 2, mask)
            assert len(rows) and all(mask[r] for r in rows)
            assert list(rows) == list(want_rows)
    finally:
        milvus_index.dense.store.client.close()
