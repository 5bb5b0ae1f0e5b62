"""A conversation: successive questions, where follow-ups lean on the earlier turns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from assistant import limits
from assistant.qa import followups, lists, metadata, shortanswer
from assistant.text import guard
from assistant.qa.extractive import ExtractiveAnswerer
from assistant.qa.passages import Retrieval
from assistant.qa.generative import LLMAnswerer
from assistant.qa.question import analyse, language
from assistant.records import NOT_FOUND, Turn, answer_pieces
from assistant.index.filters import SourceFilter

MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, too long)."""


class NotAQuestion(QuestionError):
    """The question is markup, emoji, symbols or invalid text (text/guard.py)."""


def check_question(text: str) -> str:
    """The question stripped, or a QuestionError saying what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        raise QuestionError("the question is empty: type a question about the articles")
    text = text.strip()
    limit = limits.current().question_chars   # MAX_QUESTION_CHARS unless configured
    if len(text) > limit:
        raise QuestionError(f"the question is {len(text):,} characters long; the limit is "
                            f"{limit:,} (limit question_chars): ask a shorter question")
    text, why = guard.judge_question(text)
    if why:
        raise NotAQuestion(why)
    return text


OUTSIDE_FILTER = {
    "zh": "在所选的来源中没有找到与这个问题相关的内容。",
    "en": "The chosen sources contain nothing on this question.",
}


@dataclass
class Conversation:
    answerer: ExtractiveAnswerer   # or generate.LLMAnswerer (same interface, plus LLM steps)
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

    def context(self) -> tuple[str, list[str], list[str]]:
        """Earlier question text (as it stands alone), cited articles and terms of the
        last answered turn (its articles only those the source filter allows)."""
        for turn in reversed(self.turns):
            if turn.found:
                articles = list(dict.fromkeys(c.article_id for c in turn.citations
                                              if self._allows(c.article_id)))
                frame = followups.frame_of(turn)
                return frame, articles, followups.subject_terms(frame, self.extractive)
        return "", [], []

    @property
    def extractive(self) -> ExtractiveAnswerer:
        return getattr(self.answerer, "extractive", self.answerer)

    def _special(self, text: str) -> tuple[Turn, Retrieval] | None:
        """Questions about an article's byline, photo, date or paper, and list or
        summary questions: answered by their own modules, with or without an LLM."""
        asked = metadata.asked_metadata(text, self.extractive.index)
        if asked:
            return metadata.answer(self.extractive, text, asked, self.turns)
        if lists.is_list_question(text):
            return lists.answer(self.extractive, text, self.context()[1])
        return None

    def _follow_up(self, text: str) -> str | None:
        """The standalone question an elliptical or pronoun follow-up stands for."""
        readings = self._follow_ups(text)
        return readings[0] if readings else None

    def _follow_ups(self, text: str) -> list[str]:
        """The standalone questions an elliptical or pronoun follow-up may stand for,
        most likely first (`followups.rewrites`)."""
        prev = followups.last_answered(self.turns)
        if prev is None:
            return []
        frame = followups.frame_of(prev)
        if metadata.asked_metadata(frame) or lists.is_list_question(frame):
            return []
        return followups.rewrites(text, self.turns)

    @property
    def generative(self) -> bool:
        """Whether the answerer is an LLM one (it condenses follow-ups and streams)."""
        return isinstance(self.answerer, LLMAnswerer)

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
        """The one path of a question, for `ask` and `stream`: checked once, then routed:
        a question about an article's byline, photo, date or paper, or a list or summary
        question, to its own module; any other to the LLM answerer (`live`: its reply
        streamed as written) or to the extractive one, with the earlier turns' help."""
        text = check_question(text)
        special = self._special(text)
        if special is None and self.generative:
            yield from self._generate(text, stream=live)
            return
        if special is not None:
            turn, retrieval = special
        else:
            question = analyse(text)
            turn, retrieval, question = self._answer(text, question)
            turn = shortanswer.add(turn, question, getattr(retrieval, "tokens", None) or ())
        turn = self._keep(text, text, turn, retrieval)
        yield from answer_pieces(turn.answer)
        yield "turn", turn

    def _answer(self, text: str, question) -> tuple[Turn, Retrieval, object]:
        """The extractive answer: a follow-up as the question it stands for, else with
        the earlier turn's help; returns the question it answered too."""
        ctx, prior, ctx_tokens = self.context()
        for standalone in self._follow_ups(text):
            resolved = analyse(standalone)
            turn, retrieval = self.answerer.answer(standalone, prior_articles=prior,
                                                   question=resolved)
            if turn.found and question.elliptical and \
                    not followups.mentions(turn, question.elliptical, self.extractive.index):
                retrieval.reason = f"the answer does not name {question.elliptical}"
                turn = Turn(text, NOT_FOUND[question.lang], False)
            if turn.found or question.elliptical:
                # "那X呢？" is the earlier question about X: when the articles do not
                # answer that, it is refused (the bare words searched with the earlier
                # question found the earlier fact about something else and bolded it).
                turn.question, turn.standalone_question = text, standalone
                return turn, retrieval, resolved
        if self.turns and followups.refers_back(question):
            # "那里有多少人报名？" after a question (in either language) about the Jiaxing
            # union: "there" is the earlier turn's subject. Its answer's article is asked
            # first; other articles may answer only if they name that subject too.
            last = self.turns[-1]
            if ctx and prior and last.found:
                turn, retrieval = self.extractive.within(prior).answer(
                    text, context=ctx, context_tokens=ctx_tokens, question=question)
                if turn.found:
                    return turn, retrieval, question
            frame = followups.frame_of(last)
            names = followups.subject_names(frame, self.extractive)
            if names:
                turn, retrieval = self.answerer.answer(
                    text, context=frame, prior_articles=prior if last.found else None,
                    context_tokens=followups.subject_terms(frame, self.extractive),
                    question=question)
                if turn.found and not followups.keeps_subject(turn, names, self.extractive.index):
                    retrieval.reason = f"the answer is not about {'、'.join(names)}"
                    turn = Turn(text, NOT_FOUND[question.lang], False)
                return turn, retrieval, question
        if ctx and (question.anaphoric or len(question.tokens) <= 2):
            turn, retrieval = self.answerer.answer(text, context=ctx, prior_articles=prior,
                                                   context_tokens=ctx_tokens, question=question)
        else:
            turn, retrieval = self.answerer.answer(text, question=question)
            if ctx and not turn.found:
                turn, retrieval = self.answerer.answer(text, context=ctx, prior_articles=prior,
                                                       context_tokens=ctx_tokens,
                                                       question=question)
        return turn, retrieval, question

    def _generate(self, text: str, stream: bool) -> Iterator[tuple[str, object]]:
        """An LLM turn: a follow-up is first rewritten into a standalone question."""
        ctx, prior, ctx_tokens = self.context()
        question, kwargs = text, {}
        if self.turns:
            standalone, problem = self.answerer.condense(text, self.turns)
            if problem:  # the LLM is down: do not wait for it a second time
                turn, retrieval = self.answerer.fallback(
                    text, problem, context=ctx, prior_articles=prior, context_tokens=ctx_tokens)
                turn = shortanswer.add_generated(turn, analyse(text),
                                                 getattr(retrieval, "tokens", None) or ())
                turn = self._keep(text, text, turn, retrieval)
                yield from answer_pieces(turn.answer)
                yield "turn", turn
                return
            question = standalone or text
            if prior:
                kwargs = {"prior_articles": prior}
        if stream:
            turn = retrieval = None
            for kind, value in self.answerer.stream(question, **kwargs):
                if kind == "delta":
                    yield kind, value
                elif kind == "retrieval":
                    retrieval = value
                elif kind == "turn":
                    turn = value
        else:
            turn, retrieval = self.answerer.answer(question, **kwargs)
        # A number, date or name asked: the exact span of a verified cited passage first,
        # as on the extractive path.
        turn = shortanswer.add_generated(turn, analyse(question),
                                         getattr(retrieval, "tokens", None) or ())
        yield "turn", self._keep(text, question, turn, retrieval)

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
