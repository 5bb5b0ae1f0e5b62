"""A conversation: successive questions, where follow-ups lean on the earlier turns.

One path for every question, whether asked (`Conversation.ask`) or streamed
(`Conversation.stream`; `ask` collects the same events):

1. checked once (`check_question`: empty, too long, not a question);
2. read and routed once (`routing.route` -> `routing.Intent`: a fact, a question about
   an article's byline/date/paper, a list or comparison, or a follow-up with its
   standalone readings);
3. answered: metadata and list questions by their modules, facts by the engine of the
   answerer (`engines.ExtractiveEngine` or `engines.LLMEngine`, one interface);
4. kept (`Conversation._keep`): no citation outside the source filter, the turn added.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from assistant import limits
from assistant.qa import lists, metadata, routing
from assistant.qa.engines import Answer, Engine, engine_for
from assistant.text import guard
from assistant.qa.extractive import ExtractiveAnswerer
from assistant.qa.passages import Retrieval
from assistant.qa.question import language
from assistant.records import Turn, answer_pieces
from assistant.index.filters import SourceFilter

MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, too long). `problem` names what is
    wrong ('empty', 'too_long', 'not_a_question'; '' when raised elsewhere) and `values`
    the figures of the message (n, limit), so an interface can say it in its language."""

    def __init__(self, message: str = "", problem: str = "", **values):
        super().__init__(message)
        self.problem = problem
        self.values = values


class NotAQuestion(QuestionError):
    """The question is markup, emoji, symbols or invalid text (text/guard.py)."""


class CheckedQuestion(str):
    """A question `check_question` passed: checking it again returns it unchanged, so a
    caller that checks first (the UI, to show its own error) is not checked twice."""


def check_question(text: str) -> CheckedQuestion:
    """The question stripped, or a QuestionError saying what is wrong with it."""
    if isinstance(text, CheckedQuestion):
        return text
    if not isinstance(text, str) or not text.strip():
        raise QuestionError("the question is empty: type a question about the articles", "empty")
    text = text.strip()
    limit = limits.current().question_chars   # MAX_QUESTION_CHARS unless configured
    if len(text) > limit:
        raise QuestionError(f"the question is {len(text):,} characters long; the limit is "
                            f"{limit:,} (limit question_chars): ask a shorter question",
                            "too_long", n=len(text), limit=limit)
    text, why = guard.judge_question(text)
    if why:
        raise NotAQuestion(why, "not_a_question")
    return CheckedQuestion(text)


OUTSIDE_FILTER = {
    "zh": "在所选的来源中没有找到与这个问题相关的内容。",
    "en": "The chosen sources contain nothing on this question.",
}


@dataclass
class Conversation:
    """Successive questions and their turns. `answerer` is an ExtractiveAnswerer or a
    generative.LLMAnswerer; its engine (`engines.engine_for`) answers fact questions."""

    answerer: ExtractiveAnswerer   # or generative.LLMAnswerer
    turns: list[Turn] = field(default_factory=list)
    retrievals: list[Retrieval] = field(default_factory=list)
    # The articles questions may use (newspaper, dates, hand-picked ids); see `set_filter`.
    source_filter: SourceFilter = field(default_factory=SourceFilter)
    _unfiltered: object = None

    def set_filter(self, source_filter: SourceFilter | None) -> None:
        """Answer the next questions only from the articles the filter lets through
        (an empty filter or None: every article). Raises FilterError for an article id
        the index does not hold."""
        source_filter = source_filter or SourceFilter()
        if self._unfiltered is None:
            self._unfiltered = self.answerer
        source_filter.check_articles(self._unfiltered.index.articles)
        self.source_filter = source_filter
        self.answerer = self._unfiltered.restricted(source_filter)

    def _allows(self, article_id: str) -> bool:
        return self.extractive.allows(article_id)

    def _finish(self, turn: Turn) -> Turn:
        """Every turn's citations carry their article's metadata, and none cites an
        article outside the source filter (retrieval already keeps to it; an answer
        that still did, e.g. from an article named before the filter changed, is
        replaced by the not-found answer)."""
        index = self.extractive.index
        if any(not self._allows(c.article_id) for c in turn.citations):
            return Turn(turn.question, OUTSIDE_FILTER[language(turn.question)], False,
                        notice="the answer cited an article outside the chosen sources")
        for c in turn.citations:
            art = index.articles.get(c.article_id)
            if art is not None:
                c.with_metadata(art)
        return turn

    @property
    def extractive(self) -> ExtractiveAnswerer:
        return getattr(self.answerer, "extractive", self.answerer)

    @property
    def engine(self) -> Engine:
        """What answers fact questions (`engines.engine_for` the answerer)."""
        return engine_for(self.answerer)

    @property
    def generative(self) -> bool:
        """Whether the answerer is an LLM one (it condenses follow-ups and streams)."""
        return self.engine.generative

    def ask(self, text: str) -> Turn:
        """The answer to `text`: the turn of `stream` (an LLM asked for its reply at once)."""
        turn = None
        for kind, value in self._turn(text, live=False):
            if kind == "turn":
                turn = value
        return turn

    def stream(self, text: str) -> Iterator[tuple[str, object]]:
        """Answer as a stream: ("delta", text piece) events, then ("turn", Turn).

        With an LLM the deltas are its reply as it is written, and the turn is the
        verified answer (which may differ: markers renumbered, or the extractive answer
        with a notice when the LLM failed). The extractive answer is complete at once;
        it is sent in pieces so a chat UI shows it the same way as a generated one.
        """
        return self._turn(text, live=True)

    def _turn(self, text: str, live: bool) -> Iterator[tuple[str, object]]:
        """The one path of a question, for `ask` and `stream`: checked (`check_question`,
        once: a question the UI checked is not checked again), routed once
        (`routing.route`), answered (`_respond`), then kept (`_keep`)."""
        text = str(check_question(text))
        engine = self.engine
        intent = routing.route(text, self.turns, self.extractive,
                               rule_readings=engine.rule_readings)
        answer = None
        for kind, value in self._respond(intent, engine, live):
            if kind == "delta":
                yield kind, value
            else:
                answer = value
        turn = self._keep(text, answer.asked_as or text, answer.turn, answer.retrieval)
        if answer.pieces:
            yield from answer_pieces(turn.answer)
        yield "turn", turn

    def _respond(self, intent: routing.Intent, engine: Engine,
                 live: bool) -> Iterator[tuple[str, object]]:
        """Who answers which intent: a question about an article's byline, photo, date
        or paper (METADATA) and a list, summary or comparison (LIST) their own modules,
        with or without an LLM; a FACT or FOLLOW_UP the engine. Yields ("delta", piece)
        events of a streaming engine, then ("answer", engines.Answer)."""
        if intent.kind == routing.METADATA:
            turn, retrieval = metadata.answer(self.extractive, intent.text, intent.asked,
                                              self.turns, intent.question)
            yield "answer", Answer(turn, retrieval)
        elif intent.kind == routing.LIST:
            turn, retrieval = lists.answer(self.extractive, intent.text,
                                           intent.earlier.articles, intent.question)
            yield "answer", Answer(turn, retrieval)
        else:
            yield from engine.respond(intent, self.turns, live)

    def _keep(self, text: str, question: str, turn: Turn, retrieval: Retrieval) -> Turn:
        """Add the turn asked as `text` (answered as `question`) to the conversation,
        finished (`_finish`); returns it."""
        turn.question = text
        turn = self._finish(turn)
        if question != text:
            # The LLM's rewrite of a follow-up, the question the answer was made from.
            turn.standalone_question = question
            if turn.verification is not None:
                turn.verification["standalone_question"] = question
        self.turns.append(turn)
        self.retrievals.append(retrieval)
        return turn

    def reset(self) -> None:
        self.turns.clear()
        self.retrievals.clear()
