"""A conversation: successive questions, where follow-ups lean on the earlier turns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from .answer import ExtractiveAnswerer, Retrieval
from .bm25 import tokenize
from .question import analyse
from .records import Turn

MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, too long)."""


def check_question(text: str) -> str:
    """The question stripped, or a QuestionError saying what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        raise QuestionError("the question is empty: type a question about the articles")
    text = text.strip()
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(text):,} characters long; the limit is "
                            f"{MAX_QUESTION_CHARS:,}: ask a shorter question")
    return text


@dataclass
class Conversation:
    answerer: ExtractiveAnswerer
    turns: list[Turn] = field(default_factory=list)
    retrievals: list[Retrieval] = field(default_factory=list)

    def context(self) -> tuple[str, list[str], list[str]]:
        """Earlier question text, cited articles and terms of the last answered turn."""
        for turn in reversed(self.turns):
            if turn.found:
                articles = list(dict.fromkeys(c.article_id for c in turn.citations))
                return turn.question, articles, tokenize(turn.question)
        return "", [], []

    def ask(self, text: str) -> Turn:
        text = check_question(text)
        question = analyse(text)
        ctx, prior, ctx_tokens = self.context()
        if ctx and (question.anaphoric or len(question.tokens) <= 2):
            turn, retrieval = self.answerer.answer(text, context=ctx, prior_articles=prior,
                                                   context_tokens=ctx_tokens)
        else:
            turn, retrieval = self.answerer.answer(text)
            if ctx and not turn.found:
                turn, retrieval = self.answerer.answer(text, context=ctx, prior_articles=prior,
                                                       context_tokens=ctx_tokens)
        self.turns.append(turn)
        self.retrievals.append(retrieval)
        return turn

    def stream(self, text: str) -> Iterator[tuple[str, object]]:
        """Answer as a stream: ("delta", text piece) events, then ("turn", Turn).

        The extractive answer is complete at once; it is sent in pieces so a chat UI
        shows it the same way as a generated one.
        """
        turn = self.ask(text)
        answer = turn.answer
        step = 12
        for i in range(0, len(answer), step):
            yield "delta", answer[i:i + step]
        yield "turn", turn

    def reset(self) -> None:
        self.turns.clear()
        self.retrievals.clear()
