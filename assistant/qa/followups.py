"""Follow-up questions rewritten as the question they stand for.

- Ellipsis: "那铁路货车运用系统的技能竞赛呢？" after "电力行业的技能竞赛有多少人参赛？" is
  the earlier question's frame with the new subject: "铁路货车运用系统的技能竞赛有多少人
  参赛？" ("what about X?" likewise, for an English frame with a name in it).
- Personal pronouns: "他今年多大？" after a question about 陈明 (named in that question,
  or the name that answered it) is "陈明今年多大？".

The rewrite is only a question to answer: `Conversation` answers it, staying with the
earlier answer's article, and falls back to the earlier handling (the question searched
together with the earlier one) when the rewrite finds nothing. Demonstratives ("这在长治
市是第几例？") are left to that handling: what "这" stands for is the earlier answer's
event, not a phrase of the earlier question.
"""
from __future__ import annotations

import re

from assistant.qa.question import GROUP_PRONOUNS, analyse, language, person_names
from assistant.qa.shortanswer import is_name
from assistant.records import Turn

# Parts of speech of a subject phrase: nouns, names, places, organisations, 的.
_NOMINAL = ("n", "nr", "ns", "nt", "nz", "nw", "ng", "an", "j", "b", "eng", "uj", "m", "q")
_AFTER_VN = {"有", "是", "的", "共", "将", "在", "于", "共有", "中"}


def refers_back(question) -> bool:
    """Whether a question points back at the earlier subject with a pronoun or
    demonstrative word ("there", "那里", "它", "该公司": `Question.pointers`, read from its
    words, so 应该, 其他 and "this year" do not) and names no subject of its own (no place
    or organisation, no pinyin name): then it is about the earlier answer's article,
    whichever language either is asked in."""
    return bool(question.pointers) and not question.entities and not question.names


def subject_terms(frame: str, answerer, question=None) -> list[str]:
    """The earlier question's terms as the (Chinese) articles write them: its own words
    for a Chinese question; for an English one, the Chinese words its pinyin names and
    dictionary terms bridge to (its English words never occur in the text).
    `question`: the analysis of `frame`, when the caller made it."""
    from assistant.text.tokens import tokenize

    q = question or analyse(frame)
    if q.is_english:
        return answerer.bridge_tokens(q)
    return tokenize(frame)


def subject_names(frame: str, answerer, question=None) -> list[str]:
    """The places and organisations the earlier question is about, as the articles
    write them: a Chinese question's entities; an English one's pinyin names read as
    the index's words (Jiaxing -> 嘉兴). `question`: the analysis of `frame`, when the
    caller made it."""
    q = question or analyse(frame)
    if q.is_english:
        return list(answerer.index.pinyin_vocabulary.tokens_for(q.names)) if q.names else []
    return list(q.entities)


def keeps_subject(turn: Turn, names: list[str], index) -> bool:
    """Whether an answer is about the subject: each article it cites names one of them."""
    from assistant.qa.question import entity_variants
    from assistant.text.tokens import normalise

    if not names:
        return True
    for c in turn.citations:
        text = index.matchable_text(c.article_id)
        if not any(normalise(v) in text for n in names for v in entity_variants(n)):
            return False
    return True


def frame_of(turn: Turn) -> str:
    """The question a turn answered, as it stands alone."""
    return turn.standalone_question or turn.question


def last_answered(turns: list[Turn]) -> Turn | None:
    return next((t for t in reversed(turns) if t.found), None)


def _posseg(text: str) -> list[tuple[str, str]]:
    from assistant.text.tokens import pos_words

    return pos_words(text)


def _nominal(tokens: list[tuple[str, str]], i: int) -> bool:
    w, f = tokens[i]
    if f == "vn":  # 竞赛 in "技能竞赛有…" is a noun, 启动 in "总工会启动了…" a verb
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "x")
        return nxt[0] in _AFTER_VN or nxt[1] in _NOMINAL and nxt[1] not in ("m", "q")
    return f in _NOMINAL or f.startswith("n")


def _leading_subject(frame: str) -> int:
    """Length of the noun phrase the frame opens with (0 when it opens otherwise)."""
    tokens = _posseg(frame)
    end = 0
    for i, (w, _) in enumerate(tokens):
        if not _nominal(tokens, i):
            break
        end += len(w)
    # A subject ends with a noun, never with 的 or a number.
    while end and frame[end - 1] in "的":
        end -= 1
    return end


def _subject_start(frame: str, at: int) -> int:
    """Where the noun phrase ending just before `at` starts."""
    tokens = _posseg(frame[:at])
    start = at
    for i in range(len(tokens) - 1, -1, -1):
        if not (_nominal(tokens, i) or tokens[i][1] == "vn"):
            break
        start -= len(tokens[i][0])
    return start


def _noun_head(words: list[tuple[str, str]]) -> bool:
    """Whether a phrase ends in a noun (a thing, place, person or organisation), not in
    a number, measure word or time (第二届, 明年)."""
    from assistant.qa.question import is_nominal

    return bool(words) and is_nominal(words, len(words) - 1) and \
        words[-1][1] not in ("m", "q", "t", "mq")


def substitute(frame: str, x: str, framed=None) -> str | None:
    """The frame with its subject replaced by `x` (None when no subject is found);
    `framed`: the analysis of `frame`, when the caller made it."""
    x = x.strip()
    if not x or x in frame:
        return None
    if language(frame) != language(x):
        return None
    if language(frame) == "en":
        # The first capitalised run after the first word: the name the frame asks about.
        m = re.search(r"(?<=\s)([A-Z][\w'-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w'-]*)*)", frame)
        return frame[:m.start()] + x + frame[m.end():] if m else None
    # The longest ending of x the frame holds ("…的技能竞赛"): x's head noun; the phrase
    # it ends in the frame is replaced whole.
    for k in range(len(x) - 1, 1, -1):
        suffix = x[-k:]
        if suffix.lstrip("的") and len(suffix.lstrip("的")) >= 2 and suffix in frame:
            at = frame.find(suffix)
            start = _subject_start(frame, at)
            if start < at:  # the frame has its own modifier there to replace
                return frame[:start] + x + frame[at + k:]
            return None  # "衢州的活动呢？" after "…启动了什么活动？": no subject to swap
    xs = _posseg(x)
    asked = framed or analyse(frame)
    named = any(f in ("ns", "nr", "nt", "nrt", "nrfg") for _, f in xs)
    if asked.asked and asked.asked != asked.unit and not named and asked.asked in frame \
            and _noun_head(xs):
        # "那劳模工匠创新工作室呢？" after "椒江工会设立了多少家企业分院？": X, a kind of
        # thing rather than a place, person or organisation, is asked as the earlier
        # asked noun was: "椒江工会设立了多少家劳模工匠创新工作室？".
        return frame.replace(asked.asked, x, 1)
    end = _leading_subject(frame)
    if not end:
        return None
    subject = frame[:end]
    if len(xs) == 1 and xs[0][1] == "ns":
        # "那象山呢？" after "椒江工会设立了…": only the place changes.
        for w, f in _posseg(subject):
            if f == "ns":
                return frame.replace(w, x, 1)
    return x + frame[end:]


def _person(turn: Turn) -> str | None:
    """Who "他/她" points at: the one person the earlier question names, else the name
    that answered it, else the one person its quoted passages name."""
    names = list(dict.fromkeys(n for n in person_names(frame_of(turn)) if is_name(n)))
    if len(names) == 1:
        return names[0]
    if names:
        return None
    if turn.short_answer and person_names(turn.short_answer["text"]):
        return turn.short_answer["text"]
    quoted = list(dict.fromkeys(n for c in turn.citations if not c.field
                                for n in person_names(c.passage) if is_name(n)))
    return quoted[0] if len(quoted) == 1 else None


def resolve(text: str, turns: list[Turn]) -> str | None:
    """The standalone question a follow-up stands for, or None when it is not one this
    module rewrites (or nothing was answered before)."""
    readings = rewrites(text, turns)
    return readings[0] if readings else None


def rewrites(text: str, turns: list[Turn], question=None, framed=None) -> list[str]:
    """The standalone questions a follow-up may stand for, most likely first ([] when it
    is not one this module rewrites, or nothing was answered before):
    - "那X呢？" / "what about X?": the earlier question about X (`substitute`);
    - 他/她: the person the earlier question or answer named;
    - 他们/它/其: what the earlier question asked about (an answer to "…组建了一支什么
      队伍？" is that group), then its subject (`_referents`).
    `question`, `framed`: the analyses of `text` and of the earlier question, when the
    caller made them."""
    prev = last_answered(turns)
    if prev is None:
        return []
    frame = frame_of(prev)
    q = question or analyse(text)
    rest = _after_ellipsis(q)
    if rest:
        return [rest]
    if q.elliptical:
        x = analyse(q.elliptical)
        if not x.asking and not x.pointers:
            rewritten = substitute(frame, q.elliptical, framed)
            return [rewritten] if rewritten else []
    if q.lang == "zh" and any(p in ("他", "她") for p in q.pointers):
        name = _person(prev)
        if name:
            rewritten = q.with_pointer(name)
            return [rewritten] if rewritten else []
    group = tuple(p for p in q.pointers if p in GROUP_PRONOUNS)
    if q.lang == "zh" and group:
        out = [q.with_pointer(r, which=group) for r in _referents(frame, framed)]
        return list(dict.fromkeys(r for r in out if r))
    return []


def _after_ellipsis(q) -> str | None:
    """"那工匠学院呢？设立了几家企业分院？": a "那X呢" clause, then a question without a
    subject of its own, is that question about X ("工匠学院设立了几家企业分院？")."""
    from assistant.qa.question import word_clauses
    from assistant.text.tokens import simplified

    if q.lang != "zh" or q.elliptical or len(simplified(q.text)) != len(q.text):
        return None
    clauses = word_clauses(q.words)
    if len(clauses) < 2:
        return None
    first = "".join(w for w, _ in clauses[0])
    x = analyse(first).elliptical
    if not x:
        return None
    rest = q.text[len(first):].strip()   # the words' lengths add up to the text's
    r = analyse(rest)
    if not r.asking or r.pointers or r.subject and rest.startswith(r.subject):
        return None
    return x + rest


def _referents(frame: str, framed=None) -> list[str]:
    """What 他们/它/其 may stand for after `frame`: for a question asking which thing
    ("椒江区总工会组建了一支什么队伍？") that thing (队伍) first, then the question's subject
    (椒江区总工会); none when the frame is itself a pointer question or English.
    `framed`: the analysis of `frame`, when the caller made it."""
    q = framed or analyse(frame)
    if q.lang != "zh" or q.pointers:
        return []
    asked = q.asked if q.asked and q.asked != q.unit else ""
    order = [asked, q.subject] if q.kind != "number" else [q.subject, asked]
    return [r for r in dict.fromkeys(order) if r]


def mentions(turn: Turn, x: str, index) -> bool:
    """Whether the answer's cited passages (or their articles' headings) name `x`: every
    word of it of two characters or more, a place also as its variants (嘉兴市 / 嘉兴)."""
    from assistant.qa.question import entity_variants
    from assistant.text.tokens import normalise, tokenize

    xs = _posseg(x)
    if not _noun_head(xs):
        return True   # "第二届呢？": an ordinal or a time is not named as written
    text = normalise(" ".join(c.passage + " " + (c.heading or "") for c in turn.citations))
    words = [w for w in tokenize(x) if len(w) >= 2] or tokenize(x)
    return all(any(normalise(v) in text for v in entity_variants(w)) for w in words)
