"""Headings: kicker (引题), title and subtitle (副题) lines, told from body text by length and
sentence ends; a title broken over two lines is rejoined."""
from __future__ import annotations

import re

from assistant.ingest.page.bylines import BYLINE, is_byline_line, names_only
from assistant.ingest.page.credits import is_photo_credit
from assistant.ingest.page.furniture import FURNITURE
from assistant.ingest.page.marks import (CLOSERS, HAN, HEADING_MAX, LONG_HEADING_MAX, OPEN_END,
                                         is_closed, join_wrapped)

# Body text and captions, not headings, open like this: "4月26日，", "图为", "近日，".
BODY_START = re.compile(
    r"^(?:\d{1,2}月\d{1,2}日(?:[上下]午|晚)?[，,]|[图圖]为|[图圖][①-⑳\d]|[上下左右中]图[：:]?|近日[，,]"
    r"|日前[，,]|当日[，,]|当天[，,]|昨天[，,]|今天[，,]|据悉|据了解|记者从)")

# A kicker (引题) often ends with "——" and leads into the title below it.
_KICKER_END = ("——", "—", "--")


def is_kicker(text: str) -> bool:
    """A kicker (引题) above a headline: short, ending on a dash ("——"), no full stop."""
    return len(text) <= LONG_HEADING_MAX and text.endswith(_KICKER_END) and "。" not in text \
        and len(text.rstrip("—-")) >= 2


def is_subtitle(text: str) -> bool:
    """A subtitle (副题) opens with a dash: "——记一位乡村教师"."""
    return text.startswith(("——", "—", "--")) and len(text) <= LONG_HEADING_MAX \
        and "。" not in text[:-1] and len(text.lstrip("—-")) >= 2 and not _is_attribution(text)


def _is_attribution(text: str) -> bool:
    """"——本报记者 刘仲华", "——习近平": a dash and who said or wrote it, not a subtitle."""
    rest = text.lstrip("—-－ ")
    if rest != text and re.sub(r"\s+", "", rest) in ("编者", "編者", "编辑部", "本报编辑部", "本刊编辑部"):
        return True   # "——编 者" signs an editor's note
    return rest != text and bool(rest) and (is_byline_line(rest) or names_only(rest))


def is_heading_line(text: str, limit: int = HEADING_MAX) -> bool:
    """A short line with no sentence end: kicker, title, subtitle or column name."""
    if is_kicker(text):
        return True
    if _is_attribution(text):
        return False
    return (len(text) <= limit and "。" not in text and not is_closed(text)
            and text[-1] not in OPEN_END and not BYLINE.match(text)
            and not is_photo_credit(text) and not FURNITURE.match(text)
            and not BODY_START.match(text))


def is_weak_heading(text: str) -> bool:
    """A short line ending in ！ or ？: a heading only next to other heading evidence."""
    core = text.rstrip(CLOSERS)
    return (len(text) <= HEADING_MAX and "。" not in text and bool(core) and core[-1] in "！？!?"
            and not BYLINE.match(text) and not is_photo_credit(text))


# A title broken over two lines (text copied from a PDF or a narrow column) is one title:
# the first line leaves a bracket or quote open, or ends on a word that cannot end a
# headline, or the second opens on one that cannot start one.
_NO_TITLE_END = set("的之与和及或在把被对为向从以于将让使并而且跟给由暨")
_NO_TITLE_START = set("的之与和及或、，,。：:；;）)》”’」』")
_OPEN_CLOSE = [("“", "”"), ("（", "）"), ("(", ")"), ("《", "》"), ("「", "」"), ("『", "』"), ("‘", "’")]


def _unbalanced(text: str) -> bool:
    return any(text.count(o) > text.count(c) for o, c in _OPEN_CLOSE)


_jieba = None


def _word_spans_break(head: str, tail: str) -> bool:
    """Whether a dictionary word runs across the break: "…视频会" / "议上强调"."""
    global _jieba
    if not (re.match(f"[{HAN}]", head[-1]) and re.match(f"[{HAN}]", tail[0])):
        return False
    if _jieba is None:
        import logging

        import jieba
        jieba.setLogLevel(logging.WARNING)
        _jieba = jieba
    left, right = head[-4:], tail[:4]
    pos = 0
    for word in _jieba.lcut(left + right, HMM=False):
        if pos < len(left) < pos + len(word):
            return True
        pos += len(word)
    return False


def _continues_title(head: str, tail: str) -> bool:
    if is_kicker(head) or is_subtitle(tail) or is_byline_line(tail) or len(tail) > HEADING_MAX:
        return False   # (what is left of a broken title is short)
    if _unbalanced(head) and not _unbalanced(head + tail):
        return True
    if head[-1] in _NO_TITLE_END or tail[0] in _NO_TITLE_START:
        return True
    if head[-1].isdigit() and tail[0].isdigit():
        return True
    return _word_spans_break(head, tail)


def _split_dash_title(h: str) -> list[str]:
    """A web title carrying its subtitle after a dash, "全岛封关进入“倒计时”——海南自贸港
    开放发展蹄疾步稳": the print title and its subtitle (副题), which keeps the dash."""
    at = h.find("——")
    if at < 2 or is_kicker(h) or is_subtitle(h) or h.count("——") > 1 or _unbalanced(h[:at]):
        return [h]
    tail = h[at:]
    return [h[:at].rstrip(), tail] if len(tail.lstrip("—")) >= 4 else [h]


_TAGGED = re.compile(r"^[【\[［][^【】\[\]［］。！？!?，,]{2,24}[】\]］]\s*(?=\S{2})")


def rejoin_titles(headings: list[str]) -> list[str]:
    # A column tag before a web title ("【大美中国】壮美然乌湖") is the column, not the title.
    headings = [_TAGGED.sub("", h) if not BYLINE.match(h) else h for h in headings]
    out: list[str] = []
    for h in [part for h in headings for part in _split_dash_title(h)]:
        if out and _continues_title(out[-1], h):
            out[-1] = join_wrapped(out[-1], h)
        elif out and is_subtitle(out[-1]) and not is_subtitle(h) and not is_kicker(h):
            # A subtitle comes last in a heading block: a line under it continues it.
            out[-1] = join_wrapped(out[-1], h)
        else:
            out.append(h)
    return out


# A column name set before the title with a bar: "党建专栏 | 宿舍搬迁一线党旗飘扬",
# "悦读坊丨红色印象", "寻访恽代英的足迹（武汉）丨走进武汉革命博物馆…" (WeChat and school news
# write 栏目丨标题), or in brackets: "【党员培养】…开班典礼成功举办". The column is the article's
# section, not its title. Fitted on tests/data/staff_files (tune files).
_BAR_COLUMN = re.compile(r"^(?P<col>[^|｜丨\s。！？!?，,：:][^|｜丨。！？!?，,]{1,15}?)\s*[|｜丨]\s*"
                         r"(?P<title>[^|｜丨\s][^|｜丨]{3,})$")
_BRACKET_COLUMN = re.compile(r"^[【［\[]\s*(?P<col>[^【】［］\[\]。！？!?，,]{2,12}?)\s*[】］\]]\s*"
                             r"(?P<title>[^\s【［\[].{3,})$")


def split_column(heading: str) -> tuple[str | None, str]:
    """("党建专栏 | 宿舍搬迁一线党旗飘扬") -> ("党建专栏", "宿舍搬迁一线党旗飘扬"); (None, heading)
    when no column name stands before the title."""
    m = _BAR_COLUMN.match(heading.strip()) or _BRACKET_COLUMN.match(heading.strip())
    if not m or BYLINE.match(heading.strip()):
        return None, heading
    return m.group("col").strip(), m.group("title").strip()


def settle_columns(articles) -> None:
    """An article whose first heading opens with a column name: the title alone is its
    heading, and the column its section (`page`) where the page gives none."""
    for a in articles:
        if not a.headings:
            continue
        col, title = split_column(a.headings[0])
        if col is None:
            continue
        a.headings = [title] + a.headings[1:]
        a.page = a.page or col
