"""Source filters (newspaper, dates, chosen articles) in retrieval, answers and the CLI,
and the article metadata citations carry."""
import json
import subprocess
import sys

import pytest

from conftest import index_records

# Two reports of the same contest in two papers on two dates, and an undated article
# on another contest that also counts sign-ups.
RECORDS = [
    {"title": "嘉兴市总工会举办快递员技能竞赛",
     "content": "嘉兴市总工会日前举办全市快递员职业技能竞赛，共有860名快递员报名参加。"
                "竞赛设理论和实操两个环节。",
     "newspaper": "工人日报", "date": "2024-03-05", "url": "https://example.org/a1",
     "author": "张明"},
    {"title": "嘉兴快递员技能竞赛落幕",
     "content": "嘉兴市总工会主办的快递员职业技能竞赛近日落幕，共有1200名快递员报名参加。"
                "获奖选手将获评嘉兴市技术能手。",
     "newspaper": "劳动午报", "date": "2024年9月12日", "url": "https://example.org/a2",
     "author": "李华"},
    {"title": "衢州举办职工围棋大赛",
     "content": "衢州市总工会举办全国职工围棋大赛，报名参加的职工已超200人。",
     "newspaper": "浙江工人日报"},
]
QUESTION = "嘉兴快递员技能竞赛有多少人报名？"


@pytest.fixture(scope="module")
def two_papers(tmp_path_factory):
    from assistant.service.pipeline import Assistant

    index_dir, _ = index_records(tmp_path_factory.mktemp("two-papers"), RECORDS)
    assistant = Assistant(index_dir)
    ids = {a.newspaper: a.id for a in assistant.index.articles.values()}
    return assistant, index_dir, ids


def ask(assistant, question, source_filter=None):
    conv = assistant.conversation()
    conv.set_filter(source_filter)
    return conv.ask(question)


def cited(turn):
    return {c.article_id for c in turn.citations}


def test_a_newspaper_or_date_filter_excludes_the_article_otherwise_cited(two_papers):
    from assistant.index.filters import SourceFilter

    assistant, _, ids = two_papers
    plain = ask(assistant, QUESTION)
    assert plain.found and len(cited(plain)) == 1
    first = cited(plain).pop()
    other = ids["工人日报"] if first == ids["劳动午报"] else ids["劳动午报"]
    other_paper = assistant.index.article(other).newspaper
    other_day = "2024-03-05" if other_paper == "工人日报" else "2024-09-12"
    for f in (SourceFilter.make(sources=[other_paper]),
              SourceFilter.make(since=other_day, until=other_day),
              SourceFilter.make(articles=[other])):
        turn = ask(assistant, QUESTION, f)
        assert turn.found, f
        assert cited(turn) == {other}, f
        want = "860" if other_paper == "工人日报" else "1200"
        assert want in turn.answer and first not in cited(turn)


def test_a_date_filter_leaves_out_undated_articles(two_papers):
    from assistant.index.filters import SourceFilter

    assistant, _, ids = two_papers
    quzhou = ids["浙江工人日报"]
    q = "衢州职工围棋大赛有多少人报名？"
    assert cited(ask(assistant, q)) == {quzhou}
    f = SourceFilter.make(since="2000-01-01")
    assert quzhou not in f.allowed_articles(assistant.index)
    assert quzhou not in cited(ask(assistant, q, f))


def test_a_narrow_filter_searches_its_own_rows_not_the_top_of_the_archive(two_papers):
    """With one candidate per retriever, the filtered search still finds the allowed
    article: it is searched, not picked out of the unfiltered top k."""
    from assistant.index.filters import SourceFilter

    assistant, _, ids = two_papers
    index = assistant.index
    top = index.search(QUESTION, k=1, candidates=1)
    top_article = index.docs.chunk_article_id(top[0].chunk)
    wanted = next(i for i in ids.values() if i != top_article)
    mask = SourceFilter.make(articles=[wanted]).allowed_rows(index)
    hits = index.search(QUESTION, k=1, candidates=1, allowed=mask)
    assert [index.docs.chunk_article_id(h.chunk) for h in hits] == [wanted]
    # Both retrievers on their own keep to the mask.
    qvec = index.embedder.embed_query(QUESTION)
    rows, _ = index.dense.query(qvec, 1, mask)
    assert [index.docs.chunk_article_id(int(r)) for r in rows] == [wanted]
    from assistant.text.tokens import tokenize
    rows, _ = index.sparse.search(tokenize(QUESTION), 5, mask)
    assert {index.docs.chunk_article_id(int(r)) for r in rows} <= {wanted}


def test_llama_index_metadata_filters_restrict_the_retriever(two_papers):
    from llama_index.core.vector_stores.types import MetadataFilter, MetadataFilters

    assistant, _, ids = two_papers
    filters = MetadataFilters(filters=[MetadataFilter(key="newspaper", value="工人日报")])
    nodes = assistant.index.as_retriever(similarity_top_k=5, filters=filters).retrieve(QUESTION)
    assert nodes and {n.node.metadata["article_id"] for n in nodes} == {ids["工人日报"]}
    from assistant.index.filters import SourceFilter
    mf = SourceFilter.make(since="2024-06-01").to_metadata_filters()
    nodes = assistant.index.as_retriever(similarity_top_k=5, filters=mf).retrieve(QUESTION)
    assert {n.node.metadata["article_id"] for n in nodes} == {ids["劳动午报"]}


def test_a_filter_nothing_passes_answers_not_found(two_papers):
    from assistant.index.filters import SourceFilter

    assistant, _, _ = two_papers
    turn = ask(assistant, QUESTION, SourceFilter.make(sources=["人民日报"]))
    assert not turn.found and not turn.citations


def run(*args):
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True,
                          text=True, timeout=300)


def test_ask_flags_filter_the_same_way(two_papers, tmp_path):
    _, index_dir, ids = two_papers
    base = ("ask", "--index-dir", str(index_dir), "--json")

    def cited_ids(*flags):
        r = run(*base, *flags, QUESTION)
        assert r.returncode == 0, r.stderr
        turn = json.loads(r.stdout.splitlines()[0])
        return {c["article_id"] for c in turn["citations"]}, turn

    plain, turn = cited_ids()
    assert len(plain) == 1
    first = plain.pop()
    other = ids["工人日报"] if first == ids["劳动午报"] else ids["劳动午报"]
    early = other == ids["工人日报"]
    paper = "工人日报" if early else "劳动午报"
    assert cited_ids("--source", paper)[0] == {other}
    assert cited_ids("--since" if not early else "--until", "2024-06-01")[0] == {other}
    assert cited_ids("--article", other)[0] == {other}
    # Citations carry the article's metadata: date, URL, authors, newspaper.
    c = turn["citations"][0]
    art = next(r for r in RECORDS if r["newspaper"] == c["newspaper"])
    assert c["url"] == art["url"] and c["authors"] == [art["author"]]
    assert c["date"] == art["date"]
    # --batch takes the same flags.
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"id": "x", "turns": [QUESTION]}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    r = run(*base, "--batch", str(batch), "--source", paper)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.splitlines()[0])
    assert {c["article_id"] for c in out["turns"][0]["citations"]} == {other}


def test_bad_filter_values_get_clear_errors(two_papers):
    _, index_dir, _ = two_papers
    r = run("ask", "--index-dir", str(index_dir), "--since", "2024-13-01", QUESTION)
    assert r.returncode == 2 and "2024-13-01" in r.stderr and "YYYY-MM-DD" in r.stderr
    r = run("ask", "--index-dir", str(index_dir), "--article", "no-such-id", QUESTION)
    assert r.returncode == 2 and "no-such-id" in r.stderr
    r = run("ask", "--index-dir", str(index_dir), "--since", "2024-10-01", "--until",
            "2024-01-01", QUESTION)
    assert r.returncode == 2 and "empty" in r.stderr
    r = run("ask", "--help")
    assert "newspaper" in r.stdout and "without a date" in r.stdout.replace("\n", " ")
