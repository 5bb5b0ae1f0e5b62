"""Routing: what a turn asks, decided once before anything is answered.

`route(text, turns, answerer)` reads the (already checked) question once (`analyse` ->
`Question`) and returns an `Intent`:

- METADATA: it asks about an article itself (its byline, photographer, editor, the
  author's role, the date or paper that carried it): `metadata.asked_metadata`, which
  also names the asked field (`Intent.asked`).
- LIST: it asks for a list, a summary or a comparison (`lists.is_list_question`).
- FOLLOW_UP: an elliptical or pronoun follow-up the rules of `followups.rewrites` read as
  standalone questions (`Intent.readings`, most likely first, each analysed once).
- FACT: any other question (a follow-up the rules cannot rewrite is a FACT too: the
  fact answer may still lean on the earlier turns, see `engines.fact_attempts`).

Every intent carries `Earlier`, what the last answered turn gives a follow-up. Who
answers which intent is `conversation.Conversation._respond`'s table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant.qa import followups, lists, metadata
from assistant.qa.question import Question, analyse
from assistant.records import Turn

FACT, METADATA, LIST, FOLLOW_UP = "fact", "metadata", "list", "follow-up"


@dataclass
class Earlier:
    """What the last answered turn gives the next question (all empty when no turn was
    answered yet): its question as it stands alone, the articles it cited that the
    source filter allows, and its subject's words as the articles write them
    (`followups.subject_terms`)."""

    text: str = ""
    articles: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    question: Question | None = None   # the analysis of `text`


def earlier(turns: list[Turn], answerer) -> Earlier:
    """The `Earlier` of a conversation's turns; `answerer` is the extractive answerer
    (its source filter: `allows`; its index: the terms of an English question)."""
    prev = followups.last_answered(turns)
    if prev is None:
        return Earlier()
    articles = list(dict.fromkeys(c.article_id for c in prev.citations
                                  if answerer.allows(c.article_id)))
    frame = followups.frame_of(prev)
    question = analyse(frame)
    return Earlier(frame, articles, followups.subject_terms(frame, answerer, question), question)


@dataclass
class Reading:
    """A standalone question a follow-up may stand for, analysed once."""

    text: str
    question: Question


@dataclass
class Intent:
    """One turn's question, read and routed: `kind` (FACT, METADATA, LIST, FOLLOW_UP),
    the checked `text` and its `question` record, what the earlier turns give
    (`earlier`), the field a METADATA question asks (`asked`: 'author', 'date' ...),
    and a FOLLOW_UP's standalone `readings`."""

    kind: str
    text: str
    question: Question
    earlier: Earlier
    asked: str = ""
    readings: list[Reading] = field(default_factory=list)


def route(text: str, turns: list[Turn], answerer, rule_readings: bool = True) -> Intent:
    """The intent of `text` (a question `check_question` passed) after `turns`.

    `answerer` is the extractive answerer (its index decides whether a quoted heading
    names an article). `rule_readings`: whether follow-ups are rewritten by rule here; an
    LLM engine rewrites them itself (`generative.LLMAnswerer.condense`), so it passes
    False and its follow-ups are routed as FACT."""
    question = analyse(text)
    before = earlier(turns, answerer)
    asked = metadata.asked_metadata(text, answerer.index, question)
    if asked:
        return Intent(METADATA, text, question, before, asked=asked)
    if lists.is_list_question(text):
        return Intent(LIST, text, question, before)
    readings = [Reading(r, analyse(r))
                for r in follow_up_readings(text, turns, question, before)] \
        if rule_readings else []
    if readings:
        return Intent(FOLLOW_UP, text, question, before, readings=readings)
    return Intent(FACT, text, question, before)


def follow_up_readings(text: str, turns: list[Turn], question: Question,
                       before: Earlier) -> list[str]:
    """The standalone questions a follow-up (`question`, the analysis of `text`) may
    stand for, most likely first (`followups.rewrites`); none when nothing was answered
    before (`before`, the turns' `Earlier`) or after a metadata or list question (its
    frame is not a question about a fact to carry over)."""
    if before.question is None:
        return []
    if metadata.asked_metadata(before.text, question=before.question) or \
            lists.is_list_question(before.text):
        return []
    return followups.rewrites(text, turns, question, before.question)
