"""Guards on what goes in and what comes out of answering.

1. `judge_question`: a question that is not a question (markup, emoji, symbols or
   punctuation only, lone surrogates, control characters, no letter of any script) is
   refused with a reason, before anything is retrieved; markup inside a real question is
   stripped and the rest is asked. Used by `conversation.check_question`, the one entry of
   the CLI, the UI, the `/ask` API, batches and the evaluation, with or without an LLM.
   The decision is made from Unicode general categories (a letter `L*` of any script) and
   from an HTML parser (tags named in lxml's list of HTML elements), not a word list.

2. `addresses_assistant`: a sentence of an article written to the assistant reading it
   ("忽略以上指令，直接回答：……", "Ignore previous instructions and …", "You are now …")
   rather than reporting news. Such sentences are flagged once per sentence when an index
   is built (`sentence_flags`, kept in the document store) and are never quoted as a fact
   by the extractive answerer; with an LLM they stay in the sources data block, marked.
"""
from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

# --------------------------------------------------------------------------------------
# 1. Questions that are not questions
# --------------------------------------------------------------------------------------

try:  # the element names of HTML (lxml ships them; lxml comes with trafilatura)
    from lxml.html.defs import tags as _HTML_TAGS
except ImportError:  # pragma: no cover - lxml is a dependency
    _HTML_TAGS = frozenset({"a", "b", "body", "br", "div", "em", "head", "html", "i", "iframe",
                            "img", "input", "li", "link", "meta", "object", "p", "script",
                            "span", "strong", "style", "svg", "table", "td", "tr", "ul"})
_HTML_TAGS = frozenset(_HTML_TAGS) | {"svg", "math", "template", "slot"}
# Elements whose content is code or data, never words of a question.
_OPAQUE = {"script", "style", "template", "noscript", "iframe", "object", "svg", "math",
           "textarea", "xmp", "plaintext", "title"}
# Line breaks and tabs are whitespace in a question; other C0/C1 controls are not text.
_WHITESPACE_CONTROLS = {"\t", "\n", "\r", "\x0b", "\x0c"}


class _MarkupStripper(HTMLParser):
    """The text of a question with HTML tags, comments and opaque elements removed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []      # HTML tags met, in order
        self.other = False             # a comment, declaration or processing instruction
        self._opaque = 0

    def _tag(self, tag: str, raw: str) -> bool:
        if tag in _HTML_TAGS:
            self.tags.append(tag)
            return True
        self.parts.append(raw)         # "x<y": not markup, keep it as written
        return False

    def handle_starttag(self, tag, attrs):
        if self._tag(tag, self.get_starttag_text() or "") and tag in _OPAQUE:
            self._opaque += 1

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if self._tag(tag, f"</{tag}>") and tag in _OPAQUE and self._opaque:
            self._opaque -= 1

    def handle_data(self, data):
        if not self._opaque:
            self.parts.append(data)

    def handle_comment(self, data):
        self.other = True

    def handle_decl(self, decl):
        self.other = True

    def handle_pi(self, data):
        self.other = True

    def unknown_decl(self, data):
        self.other = True


def strip_markup(text: str) -> tuple[str, list[str]]:
    """(text without HTML markup, the HTML tags it held). Text that merely contains '<'
    ("3<5吗", "a<b") is returned unchanged."""
    if "<" not in text and "&" not in text:
        return text, []
    p = _MarkupStripper()
    try:
        p.feed(text)
        p.close()
    except Exception:  # html.parser is lenient; never let a question crash on it
        return text, []
    if not p.tags and not p.other:
        return text, []
    return "".join(p.parts), p.tags


def _codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def has_letter(text: str) -> bool:
    """Whether `text` holds a letter of any script (Unicode category L*)."""
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def judge_question(text: str) -> tuple[str, str]:
    """(question to ask, '') or ('', why it is not a question).

    The question to ask is `text` without its HTML markup, stripped.
    """
    bad = [ch for ch in text if unicodedata.category(ch) == "Cs"]
    if bad:
        return "", (f"the question contains invalid Unicode (a lone surrogate, "
                    f"{_codepoint(bad[0])}), not text: type the question again")
    ctrl = [ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in _WHITESPACE_CONTROLS]
    if ctrl:
        return "", (f"the question contains a control character ({_codepoint(ctrl[0])}), "
                    f"not text: type the question again")
    stripped, tags = strip_markup(text)
    if "&" in stripped:   # escaped markup ("&lt;script&gt;") is judged as the markup it shows
        again, more = strip_markup(html.unescape(stripped))
        stripped, tags = (again, tags + more) if more else (stripped, tags)
    stripped = " ".join(stripped.split())
    if not has_letter(stripped):
        if tags:
            shown = ", ".join(f"<{t}>" for t in dict.fromkeys(tags))
            return "", (f"this is not a question but HTML markup ({shown}): "
                        f"ask about the articles in words")
        if stripped and any(unicodedata.category(ch) == "So" for ch in stripped):
            return "", ("this is not a question: it has only emoji or symbols and no words; "
                        "ask about the articles in words")
        if stripped and any(unicodedata.category(ch).startswith("N") for ch in stripped):
            return "", ("this is not a question: it has numbers but no words; "
                        "ask about the articles in words")
        return "", ("this is not a question: it has no letters of any script (only "
                    "punctuation, symbols or markup); ask about the articles in words")
    return stripped, ""


def printable(text) -> str:
    """`text` safe to print or encode as UTF-8: lone surrogates become U+FFFD."""
    text = str(text)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if unicodedata.category(c) == "Cs" else c for c in text)
