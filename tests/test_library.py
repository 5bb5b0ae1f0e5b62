"""The library contract: `assistant.open_index(DIR)` inside llama-index's own engines."""
import re

from llama_index.core import Document
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import CitationQueryEngine, RetrieverQueryEngine
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import TextNode

import assistant
from assistant.ingest.chunking import NewsSentenceSplitter, chunk_spans


def _assert_slices(index, nodes):
    assert nodes
    for n in nodes:
        node = n.node if hasattr(n, "node") else n
        art = index.article(node.metadata["article_id"])
        assert art.text[node.start_char_idx:node.end_char_idx] == node.get_content()


def test_retriever_returns_nodes_whose_spans_slice_their_article(seed_index_dir):
    index = assistant.open_index(seed_index_dir)
    retriever = index.as_retriever(similarity_top_k=4)
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve("乐业物业有多少名职工？")
    assert len(nodes) == 4
    assert all(isinstance(n.node, TextNode) for n in nodes)
    assert [n.score for n in nodes] == sorted((n.score for n in nodes), reverse=True)
    _assert_slices(index, nodes)
    assert any("乐业物业" in n.node.get_content() for n in nodes[:2])
    # Every chunk of the index, not only the retrieved ones.
    _assert_slices(index, [index.docs.node(r) for r in range(len(index.docs))])


def test_retriever_query_engine_with_mock_llm(seed_index_dir):
    index = assistant.open_index(seed_index_dir)
    engine = RetrieverQueryEngine.from_args(index.as_retriever(similarity_top_k=3),
                                            llm=MockLLM())
    response = engine.query("椒江工会设立了多少家企业分院？")
    assert len(response.source_nodes) == 3
    _assert_slices(index, response.source_nodes)
    assert any("企业分院" in n.node.get_content() for n in response.source_nodes)


def test_citation_query_engine_cites_exact_article_text(seed_index_dir):
    index = assistant.open_index(seed_index_dir)
    engine = CitationQueryEngine(retriever=index.as_retriever(similarity_top_k=3),
                                 llm=MockLLM())
    response = engine.query("东阳首家物业工会开展了什么协商？")
    assert response.source_nodes
    for n in response.source_nodes:
        text = n.node.get_content()
        body = re.sub(r"^Source \d+:\n", "", text).strip()
        art = index.article(n.node.metadata["article_id"])
        assert body and body in art.text


def test_node_parser_gives_the_index_chunking_with_exact_spans():
    text = ("本报讯 全省职工技能大赛昨天开幕。来自各地的三百名选手参加比赛。" * 6 +
            "\n比赛设焊工、电工等十个工种，获奖选手将获得“浙江技术能手”称号。" * 4)
    doc = Document(text=text, id_="page-1", metadata={"source": "test"})
    nodes = NewsSentenceSplitter().get_nodes_from_documents([doc])
    spans = [(s, e) for s, e, _ in chunk_spans(text)]
    assert len(nodes) == len(spans) > 1
    for node, (s, e) in zip(nodes, spans):
        assert (node.start_char_idx, node.end_char_idx) == (s, e)
        assert text[s:e] == node.get_content()
        assert node.metadata["source"] == "test" and node.ref_doc_id == "page-1"
