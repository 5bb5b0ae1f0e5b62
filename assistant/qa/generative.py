"""The LLM answerer: numbered sources in, a generated answer out, every citation checked.

It answers like `ExtractiveAnswerer` (`.answer(text, context, prior_articles,
context_tokens, question) -> (Turn, Retrieval)`) and reuses its retrieval: the best-scoring
retrieved chunks become the numbered sources [1]..[n], each an exact span of an article.
The prompts live in `prompts/` (answer_zh/en, condense_zh/en; `prompts.py` renders them
with llama-index's ChatPromptTemplate): a fixed system message with the rules, and a user
message whose only variable parts are the question and the sources inside a
<sources> ... </sources> data block (angle brackets in article text are made full-width,
so an article cannot close the block or open a new one).

The reply goes through `verify.Verifier`; a reply saying NO_ANSWER becomes `found=False`
with the usual NOT_FOUND message. When the LLM fails (cannot connect, HTTP error,
timeout, empty or malformed reply) or says nothing the sources support, the user gets
the extractive answer with a `notice` naming the problem.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Iterator

from assistant.qa.extractive import ExtractiveAnswerer
from assistant.qa.passages import Retrieval, chunk_row
from assistant.qa.llm import LLMConfig, LLMError, build_llm, chat_once, chat_stream
from assistant.qa.prompts import load_prompt
from assistant.qa.question import Question, language
from assistant.records import NOT_FOUND, Turn, answer_pieces
from assistant.qa.verify import DEFAULT_THRESHOLDS, Source, Thresholds, Verifier, strip_markers

NO_ANSWER = "NO_ANSWER"
MAX_SOURCES = 5
MAX_SOURCE_CHARS = 600     # overlapping chunks of one article are merged up to this length
HISTORY_TURNS = 3
_THINK = re.compile(r"<think>.*?(</think>|$)", re.S)
_REFUSAL = re.compile(
    r"没有找到|未找到|未提及|没有提及|没有提到|无法回答|不能回答|无法从|没有相关|没有关于|不包含|"
    r"do(?:es)? not (?:contain|mention|say|provide|answer)|no information|not mentioned|"
    r"cannot answer|can't answer|unable to answer|nothing on", re.I)

NOTICES = {
    "unavailable": {
        "zh": "大模型不可用（{problem}，{where}）：显示的是摘录式回答",
        "en": "LLM unavailable ({problem} at {where}): showing the extractive answer",
    },
    "unverified": {
        "zh": "大模型的回答无法在来源中得到证实：显示的是摘录式回答",
        "en": "the LLM's answer is not supported by the sources: showing the extractive answer",
    },
    "partly": {
        "zh": "回答中有 {k} 句无法在来源中得到证实（没有引用标注）",
        "en": "{k} sentence(s) of the answer are not supported by the sources (shown without a marker)",
    },
}


# prompts -----------------------------------------------------------------------------
def as_data(text: str) -> str:
    """Text safe to put inside a delimited data block: no angle brackets of its own."""
    return text.replace("<", "＜").replace(">", "＞")


FLAG_TAG = "instruction_in_article"


def _marked(s: Source) -> str:
    """The source's text for the data block; a sentence written to the assistant
    (text/guard.py) is wrapped in <instruction_in_article> (the prompt says it is
    not a fact). The text's own angle brackets are made full-width, so the tag is ours."""
    out, at = [], s.start
    for fs, fe in sorted(s.flagged):
        fs, fe = max(fs, s.start), min(fe, s.end)
        if fs >= fe or fs < at:
            continue
        out.append(as_data(s.passage[at - s.start:fs - s.start]))
        out.append(f"<{FLAG_TAG}>{as_data(s.passage[fs - s.start:fe - s.start])}</{FLAG_TAG}>")
        at = fe
    out.append(as_data(s.passage[at - s.start:]))
    return "".join(out)


def format_sources(sources: list[Source]) -> str:
    blocks = []
    for s in sources:
        title = as_data(s.heading).replace('"', "＂")
        date = f' date="{as_data(s.date)}"' if s.date else ""
        blocks.append(f'<source n="{s.n}" title="{title}"{date}>\n{_marked(s)}\n</source>')
    return "\n".join(blocks)


def is_no_answer(reply: str) -> bool:
    """Whether the reply says the sources do not answer (and cites nothing)."""
    text = reply.strip()
    if re.search(r"\[\d+\]", text):
        return False
    if NO_ANSWER in text.upper().replace(" ", "_"):
        return True
    return bool(_REFUSAL.search(text)) and len(text) < 160


def clean_reply(reply: str) -> str:
    """The reply without reasoning blocks and without a stray sentinel."""
    text = _THINK.sub("", reply)
    return text.replace(NO_ANSWER, "").strip()


class _Holdback:
    """Lets streamed pieces through, except a leading <think> block or NO_ANSWER."""

    def __init__(self):
        self.buffer = ""
        self.open = False      # text is flowing
        self.emitted = ""

    def feed(self, piece: str) -> str:
        if self.open:
            self.emitted += piece
            return piece
        self.buffer += piece
        probe = _THINK.sub("", self.buffer).lstrip()
        if "<think>" in self.buffer and "</think>" not in self.buffer:
            return ""
        if not probe or (len(probe) < len(NO_ANSWER) and NO_ANSWER.startswith(probe)) \
                or probe.startswith(NO_ANSWER):
            return ""
        self.open = True
        self.emitted += probe
        return probe


# the answerer ------------------------------------------------------------------------
class LLMAnswerer:
    """Answers with an LLM from the extractive answerer's retrieval, then verifies."""

    def __init__(self, extractive: ExtractiveAnswerer, llm, timeout: float | None = None,
                 max_sources: int = MAX_SOURCES, thresholds: Thresholds = DEFAULT_THRESHOLDS):
        self.extractive = extractive
        self.index = extractive.index
        if isinstance(llm, LLMConfig):
            self.config = llm
            self.llm = build_llm(llm)
            self.where = llm.where
            self.timeout = timeout or llm.timeout
        else:  # a ready llama-index LLM
            self.config = None
            self.llm = llm
            self.where = getattr(llm, "api_base", None) or getattr(llm, "base_url", None) \
                or type(llm).__name__
            self.timeout = timeout or float(getattr(llm, "timeout", None) or
                                            getattr(llm, "request_timeout", None) or 60.0)
        self.max_sources = max_sources
        self.verifier = Verifier(self.index, thresholds)

    def restricted(self, source_filter) -> "LLMAnswerer":
        """A copy answering only from the articles `source_filter` lets through."""
        if source_filter is None or not source_filter.active:
            return self
        import copy

        r = copy.copy(self)
        r.extractive = self.extractive.restricted(source_filter)
        return r

    # sources ---------------------------------------------------------------------------
    def sources(self, retrieval: Retrieval) -> list[Source]:
        """The numbered sources: retrieved chunks ranked by their best sentence's score."""
        score = {(c.article_id, c.start, c.end): c.score for c in retrieval.candidates}
        ranked = []
        for rank, h in enumerate(retrieval.hits):
            ch = self.index.chunks[chunk_row(h)]
            best = max((score.get((ch.article_id, s, e), float("-inf"))
                        for s, e in ch.sentences), default=float("-inf"))
            ranked.append((-best, rank, ch))
        ranked.sort(key=lambda x: (x[0], x[1]))
        chosen: list[dict] = []
        for _, _, ch in ranked:
            if len(chosen) >= self.max_sources:
                break
            for c in chosen:
                if c["article_id"] != ch.article_id or ch.end <= c["start"] or \
                        ch.start >= c["end"]:
                    continue
                start, end = min(c["start"], ch.start), max(c["end"], ch.end)
                if end - start <= MAX_SOURCE_CHARS:
                    c["start"], c["end"] = start, end
                    c["sentences"] = sorted(set(c["sentences"]) | set(ch.sentences))
                    break
                overlap = min(c["end"], ch.end) - max(c["start"], ch.start)
                if overlap > (ch.end - ch.start) / 2:
                    break
            else:
                chosen.append({"article_id": ch.article_id, "start": ch.start, "end": ch.end,
                               "sentences": list(ch.sentences)})
        out = []
        for n, c in enumerate(chosen, start=1):
            art = self.index.articles[c["article_id"]]
            keys = [(art.id, s, e) for s, e in c["sentences"]
                    if s >= c["start"] and e <= c["end"]]
            flagged = [(s, e) for _, s, e in keys
                       if (r := self.index.sentence_row(art.id, s, e)) is not None
                       and self.index.addresses_assistant(r)]
            out.append(Source(n=n, article_id=art.id, heading=art.heading, source=art.source,
                              start=c["start"], end=c["end"],
                              passage=art.text[c["start"]:c["end"]], date=art.date,
                              sentence_keys=keys, flagged=flagged))
        return out

    def messages(self, question: str, sources: list[Source]) -> tuple[str, str]:
        prompt = load_prompt(f"answer_{language(question)}")
        return prompt.render(question=question, sources=format_sources(sources))

    # outcomes --------------------------------------------------------------------------
    def notice(self, key: str, lang: str, **values) -> str:
        return NOTICES[key][lang].format(where=self.where, **values)

    def fallback(self, text: str, problem: str, context: str = "",
                 prior_articles: list[str] | None = None, context_tokens=(),
                 extractive: tuple[Turn, Retrieval] | None = None,
                 question: Question | None = None) -> tuple[Turn, Retrieval]:
        """The extractive answer, with a notice that the LLM could not be used
        (`question`: the analysis of `text`, when the caller made it)."""
        turn, retrieval = extractive or self.extractive.answer(
            text, context=context, prior_articles=prior_articles, context_tokens=context_tokens,
            question=question)
        turn = dataclasses.replace(turn, notice=self.notice(
            "unavailable", language(text), problem=problem))
        return turn, retrieval

    def finish(self, text: str, reply: str, sources: list[Source], extractive: Turn) -> Turn:
        """The verified turn for an LLM reply."""
        lang = language(text)
        if is_no_answer(reply):
            record = {"checked": 0, "kept": 0, "moved": 0, "dropped": 0, "added": 0,
                      "unsupported_sentences": 0, "no_answer": True, "sentences": []}
            return Turn(text, NOT_FOUND[lang], False, [], verification=record)
        v = self.verifier.verify(clean_reply(reply), sources)
        verification = v.to_dict()
        if not v.citations:
            return dataclasses.replace(extractive, notice=self.notice("unverified", lang),
                                       verification=verification)
        k = v.record["unsupported_sentences"]
        return Turn(text, v.answer, True, v.citations,
                    notice=self.notice("partly", lang, k=k) if k else None,
                    verification=verification)

    # answering -------------------------------------------------------------------------
    def answer(self, text: str, context: str = "", prior_articles: list[str] | None = None,
               context_tokens: list[str] = (), question: Question | None = None,
               ) -> tuple[Turn, Retrieval]:
        """The verified LLM answer to `text` (`question`: its analysis, when the caller
        made it); the extractive answer with a notice when the LLM fails."""
        ext_turn, retrieval = self.extractive.answer(
            text, context=context, prior_articles=prior_articles, context_tokens=context_tokens,
            question=question)
        sources = self.sources(retrieval)
        if not sources:
            return ext_turn, retrieval
        system, user = self.messages(text, sources)
        try:
            reply = chat_once(self.llm, system, user, self.timeout)
        except LLMError as e:
            return self.fallback(text, str(e), extractive=(ext_turn, retrieval))
        return self.finish(text, reply, sources, ext_turn), retrieval

    def stream(self, text: str, context: str = "", prior_articles: list[str] | None = None,
               context_tokens: list[str] = (), question: Question | None = None,
               ) -> Iterator[tuple[str, object]]:
        """("delta", text) as the LLM writes, then ("retrieval", Retrieval), ("turn", Turn).

        The deltas are the raw reply (a leading NO_ANSWER or <think> block held back);
        the final turn is the verified one, whose answer may differ (markers renumbered,
        or the extractive answer when the LLM failed half-way).
        """
        ext_turn, retrieval = self.extractive.answer(
            text, context=context, prior_articles=prior_articles, context_tokens=context_tokens,
            question=question)
        sources = self.sources(retrieval)
        if not sources:
            yield from answer_pieces(ext_turn.answer)
            yield "retrieval", retrieval
            yield "turn", ext_turn
            return
        system, user = self.messages(text, sources)
        parts: list[str] = []
        hold = _Holdback()
        try:
            for delta in chat_stream(self.llm, system, user, self.timeout):
                parts.append(delta)
                out = hold.feed(delta)
                if out:
                    yield "delta", out
        except LLMError as e:
            turn, _ = self.fallback(text, str(e), extractive=(ext_turn, retrieval))
        else:
            turn = self.finish(text, "".join(parts), sources, ext_turn)
        if not hold.emitted:
            yield from answer_pieces(turn.answer)
        yield "retrieval", retrieval
        yield "turn", turn

    # follow-ups ------------------------------------------------------------------------
    def condense(self, text: str, history: list[Turn]) -> tuple[str | None, str | None]:
        """(standalone question, None), or (None, problem) when the LLM failed."""
        lang = language(text)
        user_tag, bot_tag = ("用户", "助手") if lang == "zh" else ("User", "Assistant")
        lines = []
        for t in history[-HISTORY_TURNS:]:
            answer = " ".join(strip_markers(t.answer).split())
            if len(answer) > 300:
                answer = answer[:300] + "…"
            lines.append(f"{user_tag}: {as_data(t.question)}\n{bot_tag}: {as_data(answer)}")
        system, user = load_prompt(f"condense_{lang}").render(
            history="\n".join(lines), question=as_data(text))
        try:
            reply = chat_once(self.llm, system, user, self.timeout)
        except LLMError as e:
            return None, str(e)
        q = clean_reply(reply).strip().splitlines()
        q = q[0].strip() if q else ""
        q = re.sub(r"^(独立问题|问题|standalone question|question)\s*[:：]\s*", "", q, flags=re.I)
        q = q.strip(" \"'“”‘’「」")
        if not q or len(q) > 4 * len(text) + 200:
            return text, None
        return q, None
