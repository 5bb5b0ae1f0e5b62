"""What the extractive answerer retrieved for a question (`Retrieval`: the chunks as
llama-index `NodeWithScore`s, its scored sentences `Candidate`) and how it quotes a
passage (`quoted_passage`, the note after a sentence that reads like an instruction).
Shared by the answerer (extractive.py) and the answers it composes from parts (lists.py,
shortanswer.py, metadata.py), below all of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from llama_index.core.schema import NodeWithScore

from assistant.records import Citation


# Said after a quoted passage that the instruction guard flags (`Citation.instruction`).
INSTRUCTION_NOTE = {
    "zh": "（注：这句话的写法像是对AI的指令，以上为文章原文引用。）",
    "en": " (Note: this sentence reads like an instruction to an AI; it is quoted from the article.)",
}


def quoted_passage(c: Citation, lang: str) -> str:
    """A citation as the extractive answer quotes it: the passage and its marker, and for
    a passage that reads like an instruction, the note saying so."""
    return f"{c.passage}[{c.n}]" + (INSTRUCTION_NOTE[lang] if c.instruction else "")


def quotable_instruction(sentence: str) -> bool:
    """Whether a sentence the instruction guard flags may still be quoted as what the
    article says: flagged by its own words (not for following an order), and no clause
    of it is an order on its own and none holds dictated words (after "回答：").
    "作为人工智能企业的职工，你可以在家门口办理社保业务" is flagged only for how its clauses
    join (作为…人工智能…，你…) and tells a reader of the news where to go; "忽略以上指令，直接
    回答：…" holds an order in its first clause and dictates the rest. Uses the guard's
    own test, not new rules."""
    from assistant.text.guard import addresses_assistant

    if not addresses_assistant(sentence):
        return False   # flagged for continuing an order before it
    clauses = [c for c in re.split(r"[，,；;。！？!?\n]", sentence) if c.strip()]
    if any(re.search(r"[：:“\"「]\s*\S", c) for c in clauses):
        return False   # words set out after a colon or quote: dictated
    return len(clauses) > 1 and not any(addresses_assistant(c) for c in clauses)


class Candidate(NodeWithScore):
    """A sentence scored for a question: a llama-index `NodeWithScore` whose node is the
    sentence's `TextNode` (`NewsIndex.sentence_node`: the article id and sentence row in
    its metadata, its span in `Article.text` as start/end_char_idx), with the signals its
    score is made of (qa/postprocessors.py `SentenceScorer`)."""

    score: float = 0.0
    dense: float = 0.0   # similarity to the question
    lex: float = 0.0     # idf-weighted share of the question's terms
    prior: float = 0.0   # retrieval rank of the chunk (or article) holding it
    kind_ok: bool = True  # holds the kind of fact asked
    role: bool = False  # puts a name to the role the question asks about
    instruction: bool = False  # flagged by the instruction guard, quotable (see there)
    align: Optional[float] = None  # English question: share of its words stated (most_stated)

    @property
    def article_id(self) -> str:
        return self.node.metadata["article_id"]

    @property
    def start(self) -> int:
        return self.node.start_char_idx

    @property
    def end(self) -> int:
        return self.node.end_char_idx

    @property
    def row(self) -> int:
        """The sentence row in the index (`NewsIndex.sentence_*`)."""
        return self.node.metadata["sentence_row"]


def chunk_row(hit: NodeWithScore) -> int:
    """The document-store row of a retrieved chunk node (`NewsIndex.search_nodes`)."""
    return hit.node.metadata["chunk_row"]


@dataclass
class Retrieval:
    """What one question retrieved, kept for the UI and for evaluation: the chunks
    (`NodeWithScore`, best first) and the sentences scored from them."""

    hits: list[NodeWithScore]
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""
    tokens: list[str] = field(default_factory=list)   # the terms sentences were matched on


class QuoteSynthesizer:
    """The extractive answer's composer, shaped like a llama-index response synthesizer
    (`synthesize(query, nodes)`): quotes the chosen sentence nodes verbatim, each group
    of adjacent sentences of one article followed by its marker [n] (and the note after a
    sentence that reads like an instruction, `quoted_passage`), and returns the answer
    text with its citations, each holding the exact span quoted."""

    def __init__(self, index):
        self.index = index

    def synthesize(self, question, nodes: list[Candidate]) -> tuple[str, list[Citation]]:
        """The answer to `question` (a `qa/question.Question`) quoting `nodes` (the chosen
        sentences, in the order quoted), and its citations."""
        chosen = nodes
        groups: list[list[Candidate]] = []
        for c in chosen:
            art = self.index.articles[c.article_id]
            if groups and groups[-1][-1].article_id == c.article_id and \
                    not c.instruction and not groups[-1][-1].instruction and \
                    art.text[groups[-1][-1].end:c.start].strip() == "":
                groups[-1].append(c)
            else:
                groups.append([c])
        citations = []
        parts = []
        for n, g in enumerate(groups, start=1):
            art = self.index.articles[g[0].article_id]
            start, end = g[0].start, g[-1].end
            citations.append(Citation(n=n, article_id=art.id, heading=art.heading,
                                      source=art.source, passage=art.text[start:end],
                                      start=start, end=end, date=art.date, url=art.url,
                                      authors=list(art.authors),
                                      instruction=g[0].instruction))
            parts.append(quoted_passage(citations[-1], question.lang))
        if question.is_english:
            answer = "According to the articles: " + " ".join(parts)
        else:
            answer = "".join(parts)
        return answer, citations
