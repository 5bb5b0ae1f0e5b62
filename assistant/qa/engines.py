"""The engines that answer a routed fact question: extractive or LLM, one interface.

`Conversation` answers a FACT or FOLLOW_UP intent (`routing.route`) through an `Engine`
and never asks which kind it holds. An engine's `respond(intent, turns, live)` yields
("delta", text piece) events while an LLM writes (none for the extractive engine), then
one ("answer", `Answer`). `ask` and `stream` both run it; `live=False` only asks an LLM
for its reply at once instead of piece by piece.

- `ExtractiveEngine` runs the fact answer's retry policy: the ordered `Attempt`s of
  `fact_attempts` (a follow-up's standalone readings, the earlier answer's articles, the
  earlier subject, the earlier question's words), the first that stops wins.
- `LLMEngine` rewrites a follow-up with the LLM (`condense`), answers from the sources
  it retrieves and verifies the reply (`generative.LLMAnswerer`).

Both add the exact short answer (`shortanswer`) to a number, date or name question.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Protocol

from assistant.qa import followups, shortanswer
from assistant.qa.generative import LLMAnswerer
from assistant.qa.passages import Retrieval
from assistant.qa.question import Question, analyse
from assistant.qa.routing import Intent
from assistant.records import NOT_FOUND, Turn


@dataclass
class Answer:
    """An engine's result: the `turn` and its `retrieval`; `asked_as`, the LLM's rewrite
    of a follow-up the answer was made from ('' when it answered the question as asked;
    the rule readings of the extractive engine are on `turn.standalone_question`
    already); `pieces`: whether the conversation still sends the answer as delta events
    (False when the engine streamed its own)."""

    turn: Turn
    retrieval: Retrieval
    asked_as: str = ""
    pieces: bool = True


class Engine(Protocol):
    """What `Conversation` needs of whatever answers fact questions."""

    answerer: object          # the ExtractiveAnswerer or LLMAnswerer behind it
    generative: bool          # an LLM writes the answers
    rule_readings: bool       # `routing.route` rewrites its follow-ups by rule

    def respond(self, intent: Intent, turns: list[Turn],
                live: bool) -> Iterator[tuple[str, object]]: ...


def engine_for(answerer) -> Engine:
    """The engine of an answerer: the LLM one for an `LLMAnswerer`, else extractive."""
    if isinstance(answerer, LLMAnswerer):
        return LLMEngine(answerer)
    return ExtractiveEngine(answerer)


# the extractive engine ---------------------------------------------------------------
@dataclass
class Attempt:
    """One try at a fact answer: `answerer.answer(text, context=..., prior_articles=...,
    context_tokens=..., question=...)`.

    - adds: what the try adds, for a reader ('reading', 'earlier articles only',
      'earlier subject', 'earlier question', 'nothing').
    - text/question: what is asked (the turn's question or a follow-up's reading).
    - context, context_tokens: the earlier question's text and words searched with it;
      prior_articles: the earlier answer's articles, asked first; only_prior: search
      only those articles.
    - must_name: the answer must name this (the X of "那X呢？"); must_keep: each cited
      article must name one of these (the earlier subject). An answer failing either
      check becomes the not-found answer.
    - final: its answer stands even when nothing is found (else the next try runs).
    - standalone: the reading answered (recorded on the turn when this try stands).
    """

    adds: str
    text: str
    question: Question
    context: str = ""
    context_tokens: list[str] | tuple = ()
    prior_articles: list[str] | None = None
    only_prior: bool = False
    must_name: str = ""
    must_keep: list[str] = field(default_factory=list)
    final: bool = False
    standalone: str = ""


def fact_attempts(intent: Intent, turns: list[Turn], answerer) -> list[Attempt]:
    """The retry policy of a fact answer, in order (the last is always final):

    1. each standalone reading of a follow-up, with the earlier answer's articles first;
       after "那X呢？" the answer must name X, and the reading's answer stands even when
       not found (the bare words searched with the earlier question would find the
       earlier fact about something else);
    2. a question pointing back ("那里有多少人报名？", `followups.refers_back`): the
       earlier answer's articles only, then (when the earlier question names places or
       organisations) all articles with the earlier subject, the answer naming it;
    3. a short or pointing question: with the earlier question; any other: alone, then
       (when nothing is found and a turn was answered) with the earlier question.
    """
    text, question, before = intent.text, intent.question, intent.earlier
    ctx, prior, ctx_tokens = before.text, before.articles, before.terms
    out = [Attempt("reading", r.text, r.question, prior_articles=prior,
                   must_name=question.elliptical, final=bool(question.elliptical),
                   standalone=r.text) for r in intent.readings]
    if turns and followups.refers_back(question):
        last = turns[-1]
        if ctx and prior and last.found:
            out.append(Attempt("earlier articles only", text, question, context=ctx,
                               context_tokens=ctx_tokens, prior_articles=prior,
                               only_prior=True))
        frame = followups.frame_of(last)
        # The last turn answered is the earlier one, already read; an unanswered one not.
        asked = before.question if last.found else analyse(frame)
        names = followups.subject_names(frame, answerer, asked)
        if names:
            out.append(Attempt("earlier subject", text, question, context=frame,
                               context_tokens=followups.subject_terms(frame, answerer, asked),
                               prior_articles=prior if last.found else None,
                               must_keep=names, final=True))
            return out
    if ctx and (question.anaphoric or len(question.tokens) <= 2):
        out.append(Attempt("earlier question", text, question, context=ctx,
                           context_tokens=ctx_tokens, prior_articles=prior, final=True))
    else:
        out.append(Attempt("nothing", text, question, final=not ctx))
        if ctx:
            out.append(Attempt("earlier question", text, question, context=ctx,
                               context_tokens=ctx_tokens, prior_articles=prior, final=True))
    return out


def run_attempt(attempt: Attempt, intent: Intent, answerer) -> tuple[Turn, Retrieval]:
    """One try's (Turn, Retrieval); an answer failing the try's check is the not-found
    answer to the turn's question, the retrieval saying why."""
    if attempt.only_prior:
        turn, retrieval = answerer.within(attempt.prior_articles).answer(
            attempt.text, context=attempt.context, context_tokens=attempt.context_tokens,
            question=attempt.question)
    else:
        turn, retrieval = answerer.answer(
            attempt.text, context=attempt.context, prior_articles=attempt.prior_articles,
            context_tokens=attempt.context_tokens, question=attempt.question)
    reason = ""
    if turn.found and attempt.must_name and \
            not followups.mentions(turn, attempt.must_name, answerer.index):
        reason = f"the answer does not name {attempt.must_name}"
    elif turn.found and attempt.must_keep and \
            not followups.keeps_subject(turn, attempt.must_keep, answerer.index):
        reason = f"the answer is not about {'、'.join(attempt.must_keep)}"
    if reason:
        retrieval.reason = reason
        turn = Turn(intent.text, NOT_FOUND[intent.question.lang], False)
    return turn, retrieval


class ExtractiveEngine:
    """Answers with quoted sentences (`extractive.ExtractiveAnswerer`)."""

    generative = False
    rule_readings = True

    def __init__(self, answerer):
        self.answerer = answerer

    def answer(self, intent: Intent, turns: list[Turn]) -> tuple[Turn, Retrieval, Question]:
        """The first attempt of `fact_attempts` that stops (finds an answer, or is
        final), and the question it answered."""
        for attempt in fact_attempts(intent, turns, self.answerer):
            turn, retrieval = run_attempt(attempt, intent, self.answerer)
            if turn.found or attempt.final:
                if attempt.standalone:
                    turn.question, turn.standalone_question = intent.text, attempt.standalone
                return turn, retrieval, attempt.question
        raise AssertionError("the last attempt of fact_attempts is final")

    def respond(self, intent: Intent, turns: list[Turn],
                live: bool) -> Iterator[tuple[str, object]]:
        turn, retrieval, question = self.answer(intent, turns)
        turn = shortanswer.add(turn, question, getattr(retrieval, "tokens", None) or ())
        yield "answer", Answer(turn, retrieval)


# the LLM engine ----------------------------------------------------------------------
class LLMEngine:
    """Answers with an LLM from the extractive retrieval (`generative.LLMAnswerer`): a
    follow-up is first rewritten by the LLM into a standalone question."""

    generative = True
    rule_readings = False

    def __init__(self, answerer: LLMAnswerer):
        self.answerer = answerer

    def respond(self, intent: Intent, turns: list[Turn],
                live: bool) -> Iterator[tuple[str, object]]:
        text, before, llm = intent.text, intent.earlier, self.answerer
        asked, question, kwargs = text, intent.question, {}
        if turns:
            standalone, problem = llm.condense(text, turns)
            if problem:   # the LLM is down: do not wait for it a second time
                turn, retrieval = llm.fallback(
                    text, problem, context=before.text, prior_articles=before.articles,
                    context_tokens=before.terms, question=question)
                turn = shortanswer.add_generated(turn, question,
                                                 getattr(retrieval, "tokens", None) or ())
                yield "answer", Answer(turn, retrieval)
                return
            asked = standalone or text
            if asked != text:
                question = analyse(asked)
            if before.articles:
                kwargs = {"prior_articles": before.articles}
        if live:
            turn = retrieval = None
            for kind, value in llm.stream(asked, question=question, **kwargs):
                if kind == "delta":
                    yield kind, value
                elif kind == "retrieval":
                    retrieval = value
                elif kind == "turn":
                    turn = value
        else:
            turn, retrieval = llm.answer(asked, question=question, **kwargs)
        # A number, date or name asked: the exact span of a verified cited passage first,
        # as on the extractive path.
        turn = shortanswer.add_generated(turn, question, getattr(retrieval, "tokens", None) or ())
        yield "answer", Answer(turn, retrieval, asked_as=asked, pieces=False)
