"""The extractive answer path on llama-index's types (issue 22): retrieval hands the
answerer `NodeWithScore`s of chunk `TextNode`s, the sentence stage is a declared list of
`BaseNodePostprocessor`s, lists choose by an MMR postprocessor, and the composer is
shaped like a response synthesizer. On the real seed index."""
from __future__ import annotations

from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.qa.extractive import answerer_for
from assistant.qa.lists import MaximalMarginalRelevance
from assistant.qa.passages import Candidate, QuoteSynthesizer, chunk_row
from assistant.qa.postprocessors import AskedQuestion
from assistant.qa.question import analyse

QUESTION = "椒江设立了多少家企业分院？"   # tests/seed_dev.jsonl dev-02


def _setup(seed_assistant):
    answerer = answerer_for(seed_assistant.index)
    question = analyse(QUESTION)
    qvec = seed_assistant.index.embedder.embed_query(QUESTION)
    return answerer, question, qvec


def test_retrieval_hands_chunk_nodes(seed_assistant):
    answerer, question, qvec = _setup(seed_assistant)
    index = answerer.index
    hits = answerer.retrieve(question, qvec=qvec)
    assert hits and all(isinstance(h, NodeWithScore) and isinstance(h.node, TextNode)
                        for h in hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    for h in hits:
        art = index.article(h.node.metadata["article_id"])
        assert art.text[h.node.start_char_idx:h.node.end_char_idx] == h.node.text
        assert index.article_of(chunk_row(h)) == art.id
    # the same search as rows
    assert [(chunk_row(h), h.score) for h in hits] == \
        [(x.chunk, x.score) for x in index.search(QUESTION, k=answerer.top_chunks, qvec=qvec)]


def test_sentence_stage_is_a_declared_list_of_postprocessors(seed_assistant):
    answerer, question, qvec = _setup(seed_assistant)
    stage = answerer.sentence_postprocessors()
    assert [type(p).__name__ for p in stage] == \
        ["ChunkSentences", "InstructionFilter", "SentenceScorer"]
    assert all(isinstance(p, BaseNodePostprocessor) for p in stage)
    hits = answerer.retrieve(question, qvec=qvec)
    tokens = answerer.scoring_tokens(question)
    nodes = hits
    asked = AskedQuestion(query_str=QUESTION, question=question, qvec=qvec, tokens=tokens)
    for p in stage:
        nodes = p.postprocess_nodes(nodes, query_bundle=asked)
    cands = answerer.candidates(question, hits, qvec)
    assert nodes and [(c.row, c.score) for c in nodes] == [(c.row, c.score) for c in cands]
    assert all(isinstance(c, Candidate) for c in cands)
    assert [c.score for c in cands] == sorted((c.score for c in cands), reverse=True)
    for c in cands[:10]:
        art = answerer.index.article(c.article_id)
        assert art.text[c.start:c.end] == c.text == c.node.text
        assert answerer.index.sentence_key(c.row) == (c.article_id, c.start, c.end)
    # each retrieved chunk's sentences are among them, scored from the chunk's rank
    rows = {c.row for c in cands}
    for h in hits:
        assert set(answerer.index.chunk_sentences(chunk_row(h)).tolist()) <= rows
    # the query bundle is a llama-index QueryBundle: a postprocessor may read query_str
    assert isinstance(asked, QueryBundle) and str(asked) == QUESTION


def test_mmr_postprocessor_drops_a_near_duplicate(seed_assistant):
    index = seed_assistant.index
    aid = index.article_order[0]
    rows = list(index.sentences_of(aid))[:3]
    one = [Candidate(node=index.sentence_node(r), score=1.0 - 0.1 * i)
           for i, r in enumerate(rows)]
    twice = one + [Candidate(node=index.sentence_node(rows[0]), score=0.95)]
    mmr = MaximalMarginalRelevance(top_n=4, vectors=lambda ns: index.sentence_vector_rows(
        [c.row for c in ns]))
    assert isinstance(mmr, BaseNodePostprocessor)
    picked = mmr.postprocess_nodes(twice)
    assert sorted(c.row for c in picked) == sorted(rows)   # the reprint is dropped
    kept = MaximalMarginalRelevance(top_n=2, vectors=mmr.vectors, keep_order=True,
                                    accept=lambda c: c.row != rows[0]).postprocess_nodes(one)
    assert [c.row for c in kept] == rows[1:3]


def test_composer_is_shaped_like_a_synthesizer(seed_assistant):
    answerer, question, qvec = _setup(seed_assistant)
    turn, retrieval = answerer.answer(QUESTION)
    assert turn.found
    chosen = answerer.select(question, retrieval.candidates)
    text, citations = QuoteSynthesizer(answerer.index).synthesize(question, chosen)
    assert (text, citations) == answerer.compose(question, chosen)
    for c in citations:
        art = answerer.index.article(c.article_id)
        assert art.text[c.start:c.end] == c.passage and f"{c.passage}[{c.n}]" in text
