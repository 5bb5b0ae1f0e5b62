"""Punctuation and length: where a line of a page ends a sentence, how a wrapped line joins
the next, and the longest line taken for a heading, caption, credit or end note."""
from __future__ import annotations

import re

HEADING_MAX = 40        # longest line taken for a heading, or for a caption found by position alone
LONG_HEADING_MAX = 80   # ... for a heading confirmed by what follows it (source line, byline)
CAPTION_MAX = 60        # longest line taken for a caption found by the blank gap above it
CREDIT_MAX = 120        # longest line taken for a "… 摄" photo caption
PULLED_CAPTION_MAX = 120  # longest paragraph pulled out of the body by a credit line below it
NOTE_MAX = 160          # longest end note "（…）"

# A paragraph ends on these (after any closing quotes or brackets). "；" is left out on
# purpose: it ends a clause, and a layout break right after one is far likelier than a
# paragraph that ends with it; joining such a pair keeps the text whole either way.
_FINAL = set("。！？!?….")
CLOSERS = "”’」』》）)】]\"'〕"
OPEN_END = set("，,、；;：:（(《“‘「『—-")  # a line ending on one of these was cut mid-sentence
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CLAUSE_MARK = re.compile(r"[，,；;：:]")
MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]*", re.MULTILINE)


def is_closed(text: str) -> bool:
    """Whether the line ends a sentence (。！？…, closing quotes and brackets aside)."""
    core = text.rstrip(CLOSERS + " \t\u3000")
    return bool(core) and core[-1] in _FINAL


def join_wrapped(head: str, tail: str) -> str:
    # Chinese lines join directly; a break between ASCII words stood for a space.
    if head[-1].isascii() and not head[-1].isspace() and head[-1] != "-" \
            and tail[0].isascii() and tail[0].isalpha():
        return f"{head} {tail}"
    return head + tail
