"""The page parser: the text of a newspaper page -> its articles (headings, byline, body, captions)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.records import Article

HEADING_MAX = 40   # longest line taken for a heading, or for a caption found by position alone
CAPTION_MAX = 60   # longest line taken for a caption found by the blank gap above it
CREDIT_MAX = 120   # longest line taken for a "… 摄" photo caption

# A paragraph ends on these (after any closing quotes or brackets). "；" is left out on
# purpose: it ends a clause, and a layout break right after one is far likelier than a
# paragraph that ends with it; joining such a pair keeps the text whole either way.
_FINAL = set("。！？!?….")
_CLOSERS = "”’」』》）)】]\"'"
_OPEN_END = set("，,、；;：:（(《“‘「『—-")  # a line ending on one of these was cut mid-sentence

_PERSON = r"(?:本报|见习|特约|首席|实习)*(?:记者|通讯员)|实习生"
_NAME = r"[\u4e00-\u9fff·]{2,4}"
# A byline opening a body line; whatever follows it on the line is body text.
_BYLINE = re.compile(
    r"^(?:本报讯\s*[（(][^（()）\n]{1,60}[)）]"                           # 本报讯（记者 张三）
    rf"|(?:本报讯\s*)?[（(]?(?:{_PERSON})[^。！？!?，,；;：:\n]{{1,60}}?报道[)）]?"  # 本报讯记者张三 通讯员李四报道
    r"|[^\s。，,]{1,12}社[^。，,\s]{0,10}?\d{1,2}月\d{1,2}日电(?:\s*[（(][^（()）\n]{1,60}[)）])?"
    r"|本报讯)\s*"
)
# A line holding nothing but names: "本报记者 张三 通讯员 李四".
_BYLINE_ONLY = re.compile(
    rf"^[□■◎●]?\s*(?:{_PERSON})\s*{_NAME}(?:[\s、]+(?:(?:{_PERSON})\s*)?{_NAME})*$")
_PHOTO_CREDIT = re.compile(
    rf"(?:(?:(?:{_PERSON}|摄影)\s*{_NAME}(?:[\s、]+{_NAME})*\s*|\s)摄影?"
    r"|供图|资料图片?|图片来源[^。]{0,20})\s*[)）]?$")
# Page furniture: jump lines and editor credits are not article text.
_FURNITURE = re.compile(
    r"^[（(]?[上下]?[接转]第?\s*[\d一二三四五六七八九十]+\s*版[)）]?$"
    r"|^(?:责任编辑|责编|美编|校对|版式设计|见习编辑)\s*[:：]?\s*\S{1,12}$")
# The line after a caption continues the broken sentence: it opens with punctuation or
# with a one- or two-character remainder such as "过。".
_CONTINUES = re.compile(r"^(?:[，,、；;：:。！？!?）)》”’]|[^\s，,。！？!?]{1,2}[。！？!?])")
_CLAUSE_MARK = re.compile(r"[，,；;：:]")
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]*", re.MULTILINE)


def _is_closed(text: str) -> bool:
    core = text.rstrip(_CLOSERS + " \t\u3000")
    return bool(core) and core[-1] in _FINAL


def _is_photo_credit(text: str) -> bool:
    return len(text) <= CREDIT_MAX and bool(_PHOTO_CREDIT.search(text))


def _is_heading_line(text: str) -> bool:
    """A short line with no sentence end: kicker, title, subtitle or column name."""
    return (len(text) <= HEADING_MAX and "。" not in text and not _is_closed(text)
            and text[-1] not in _OPEN_END and not _BYLINE.match(text)
            and not _is_photo_credit(text) and not _FURNITURE.match(text))


def _is_weak_heading(text: str) -> bool:
    """A short line ending in ！ or ？: a heading only next to other heading evidence."""
    core = text.rstrip(_CLOSERS)
    return (len(text) <= HEADING_MAX and "。" not in text and bool(core) and core[-1] in "！？!?"
            and not _BYLINE.match(text) and not _is_photo_credit(text))


def _join(head: str, tail: str) -> str:
    # Chinese lines join directly; a break between ASCII words stood for a space.
    if head[-1].isascii() and not head[-1].isspace() and head[-1] != "-" \
            and tail[0].isascii() and tail[0].isalpha():
        return f"{head} {tail}"
    return head + tail


@dataclass
class _Line:
    text: str
    gap: int  # blank lines above it


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    gap = 0
    for raw in _normalise_newlines(text).split("\n"):
        line = raw.strip()
        if not line:
            gap += 1
            continue
        out.append(_Line(line, gap))
        gap = 0
    return out


@dataclass
class _Draft:
    """An article being assembled; `pending` is a paragraph still waiting for its end."""

    headings: list[str] = field(default_factory=list)
    byline: str = ""
    captions: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    pending: str | None = None

    @property
    def started(self) -> bool:
        return bool(self.paragraphs) or self.pending is not None

    def add_body(self, text: str, standalone: bool = False) -> None:
        if not self.started and not self.byline:
            m = _BYLINE.match(text)
            if m:
                self.byline = m.group(0).strip()
                text = text[m.end():].strip()
                if not text:
                    return
        if self.pending is None and standalone:
            # A subheading inside the article: a paragraph of its own, not glued to the next.
            self.paragraphs.append(text)
            return
        self.pending = text if self.pending is None else _join(self.pending, text)
        if _is_closed(self.pending):
            self.close()

    def close(self) -> None:
        if self.pending is not None:
            self.paragraphs.append(self.pending)
            self.pending = None


class _PageParser:
    """Walks the lines of a page once, starting an article at each heading block."""

    def __init__(self, lines: list[_Line]):
        self.lines = lines
        gaps = Counter(line.gap for line in lines[1:])
        # Paragraphs are separated by the usual gap; a wider one marks where a photo sat.
        self.usual_gap = gaps.most_common(1)[0][0] if gaps else 0

    def parse(self, detect_headings: bool = True) -> list[_Draft]:
        drafts: list[_Draft] = []
        cur: _Draft | None = None
        i = 0
        while i < len(self.lines):
            text = self.lines[i].text
            if _FURNITURE.match(text):
                i += 1
                continue
            block = self._heading_block(i, cur) if detect_headings else None
            if block is not None:
                i, new = block
                if cur is not None and not cur.started:
                    cur.headings += new.headings
                    cur.captions += new.captions
                    cur.byline = cur.byline or new.byline
                else:
                    if cur is not None:
                        cur.close()
                    cur = new
                    drafts.append(cur)
                continue
            if cur is None:
                cur = _Draft()
                drafts.append(cur)
            if _is_photo_credit(text) or (cur.pending is not None and self._is_inline_caption(i)):
                cur.captions.append(text)
            elif detect_headings and cur.started and cur.pending is None and _BYLINE.match(text):
                # A byline after a finished paragraph opens an article that lost its headings.
                cur.close()
                cur = _Draft()
                drafts.append(cur)
                cur.add_body(text)
            else:
                cur.add_body(text, standalone=self._is_subheading(i))
            i += 1
        if cur is not None:
            cur.close()
        # A draft without body text is a stray heading or caption, not an article.
        return [d for d in drafts if d.paragraphs]

    def _heading_block(self, i: int, cur: _Draft | None) -> tuple[int, _Draft] | None:
        """If a new article starts at line i, return where its body starts and its draft."""
        lines, n = self.lines, len(self.lines)
        pending_open = cur is not None and cur.pending is not None
        at_start = cur is None or not cur.started
        first = lines[i].text
        if not (_BYLINE_ONLY.match(first) or _is_heading_line(first)
                or (not pending_open and _is_weak_heading(first))):
            return None
        draft = _Draft()
        strong = 0
        j = i
        while j < n:
            t = lines[j].text
            if _BYLINE_ONLY.match(t):
                draft.byline = f"{draft.byline} {t}".strip()
            elif _is_heading_line(t):
                draft.headings.append(t)
                strong += 1
            elif _is_weak_heading(t):
                draft.headings.append(t)
            elif _is_photo_credit(t):
                draft.captions.append(t)
            else:
                break
            j += 1
        # Without a byline to confirm it, a last block line that reads like the start of
        # the body (a clause mark inside, or a lowercase continuation below) goes back.
        while not draft.byline and draft.headings and lines[j - 1].text == draft.headings[-1] \
                and j < n and not _BYLINE.match(lines[j].text) \
                and (_CLAUSE_MARK.search(lines[j - 1].text) or lines[j].text[0].islower()):
            if _is_heading_line(draft.headings.pop()):
                strong -= 1
            j -= 1
        if j == i:
            return None
        # Up to two short finished lines between the headings and a byline are captions.
        k = j
        while k < n and k - j < 2 and len(lines[k].text) <= CAPTION_MAX \
                and _is_closed(lines[k].text) and not _BYLINE.match(lines[k].text):
            k += 1
        confirmed = bool(draft.byline)
        if k < n and _BYLINE.match(lines[k].text):
            confirmed = True
            draft.captions += [line.text for line in lines[j:k]]
            j = k
        if j >= n:
            return None  # nothing follows: trailing short lines of the last article
        # One short line after a finished paragraph is a subheading and one after a broken
        # paragraph is its continuation, unless a byline confirms a new article. Two or more
        # short unfinished lines in a row do not occur inside body text.
        if at_start or strong >= 2 or (confirmed and (draft.headings or not pending_open)):
            return j, draft
        return None

    def _is_subheading(self, i: int) -> bool:
        """Whether line i, if it opens a paragraph, is a subheading rather than a cut line."""
        text = self.lines[i].text
        nxt = self.lines[i + 1].text if i + 1 < len(self.lines) else ""
        return _is_heading_line(text) and not _CLAUSE_MARK.search(text) \
            and not nxt[:1].islower()

    def _is_inline_caption(self, i: int) -> bool:
        """Whether line i is a caption set between the two halves of a broken sentence."""
        line = self.lines[i]
        if i + 1 >= len(self.lines):
            return False
        nxt = self.lines[i + 1].text
        if _is_heading_line(nxt) or _is_photo_credit(nxt) or _BYLINE.match(nxt):
            return False
        if line.gap > self.usual_gap and len(line.text) <= CAPTION_MAX:
            return True
        return len(line.text) <= HEADING_MAX and _is_closed(line.text) \
            and bool(_CONTINUES.match(nxt))


def _to_articles(drafts: list[_Draft], source: str, stem: str) -> list[Article]:
    ids = [stem] if len(drafts) == 1 else [f"{stem}-{k:02d}" for k in range(1, len(drafts) + 1)]
    return [Article(id=aid, headings=d.headings, paragraphs=d.paragraphs, source=source,
                    byline=d.byline, captions=d.captions) for aid, d in zip(ids, drafts)]


def parse_page(text: str, source: str, stem: str | None = None) -> list[Article]:
    """Split the text of a newspaper page into its articles, in page order.

    A new article starts at a block of short lines without sentence ends (kicker, title,
    subtitle, column name), a byline such as "本报讯记者张三报道" opens its body, "… 摄"
    lines and short lines set between the halves of a broken sentence become captions,
    and body lines cut mid-sentence by the layout are joined back. Ids are
    f"{stem}-{i:02d}" (1-based), or `stem` alone when the page holds one article.
    """
    stem = stem if stem is not None else Path(source).stem
    return _to_articles(_PageParser(_lines(text)).parse(), source, stem)
