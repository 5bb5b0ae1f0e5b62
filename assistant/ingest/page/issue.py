"""Which issue an article is from: its date, newspaper and page (版次), read from the
lines a newspaper prints for that purpose, never from the article's sentences.

Where Chinese papers print it:

- a page's running header or footer: "工人日报 2025年5月1日 星期四", "2025年5月1日 星期四 第4版",
  "要闻 4", "第03版：要闻", "00001版：一版要闻";
- an e-paper article's source line: "《人民日报》（2026年04月27日 第 05 版）",
  "（ 2026-04-28 ） 稿件来源：新华每日电讯 要闻", "申報 日期：1949-05-12 版次/卷期：02 版";
- a Word file's source line: "来源：工人日报 2025年05月01日 第04版";
- the name staff give a saved page: "xxrb_2025-05-01_04ban", "人民日报_2026-04-27_05",
  "rmrb20251020".

A line counts only when it is short and is not a sentence (no 。，！？ inside), so a date in
the text ("2025年5月1日，…") or a copyright footer ("©2013-2014", a year range without a
month and day) is never the article's date. Every date is checked to be a real calendar day.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_CN_DIGITS = "〇零一二三四五六七八九十"

# A full date: 2025年5月1日, 2025-05-01, 2025/5/1, 2025.05.01, 2025年05月01日. It reads the
# parts of a plausible (19xx/20xx) date out of running text, so it asks for one kind of
# separator and the 日 of the Chinese form; WRITTEN_DATE below reads a date field.
DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
                   r"|[-/.](\d{1,2})[-/.](\d{1,2})(?!\d))")
# A date as metadata fields and web page headers write it, the separators mixed freely
# ("2025-05-01", "2025年5月1日", "2025.5.1 08:30"; the 日 left to the caller); groups: year,
# month, day. Read by the HTML reader's header lines (formats/html.py) and by the date
# filters (index/filters.py), both written from the readers' date formats (base.clean_date).
WRITTEN_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
# In a file name the date may be run together: 20251020, 2025_05_01.
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")
_WEEKDAY = re.compile(r"(?:星期|礼拜|周)[一二三四五六日天]")
# The page: "第 05 版", "04版", "第8版:上海新闻", "版次/卷期：02 版", "00001版：一版要闻".
_PAGE = re.compile(rf"(?:第\s*)?([\d{_CN_DIGITS}]{{1,5}})\s*版(?!权|式|面设计|责)"
                   rf"(?:\s*[:：·]\s*([^\s|｜:：·]{{1,12}}))?")
_PAGE_LABELLED = re.compile(r"版次(?:/卷期)?\s*[:：]\s*(\d{1,5})")
# A newspaper's name: in 《》, or a word ending in 报 / 報 / 日报 / 晚报 / 时报 … before the date.
_BOOK = re.compile(r"《\s*([^《》\s]{2,12})\s*》")
_PAPER = re.compile(rf"([{_HAN}]{{1,10}}(?:报|報|电讯|電訊|周刊|週刊))")
_SOURCE = re.compile(r"(?:稿件来源|来源|稿源|出处|報別|报别)\s*[:：]\s*([^\s:：|｜]{2,16})")
# A section name and page number at the end of a running header: "要闻 4", "4 要闻".
_SECTION_PAGE = re.compile(rf"(?:^|\s)([{_HAN}]{{2,6}})\s+(\d{{1,2}})\s*$|(?:^|\s)(\d{{1,2}})\s+([{_HAN}]{{2,6}})\s*$")
_SENTENCE = re.compile(r"[。！？!?，,；;]")
ISSUE_LINE_MAX = 60


@dataclass
class Issue:
    date: str | None = None
    newspaper: str | None = None
    page: str | None = None

    def fill(self, article) -> None:
        """Set what the article does not have yet."""
        article.date = article.date or self.date
        article.newspaper = article.newspaper or self.newspaper
        article.page = article.page or self.page

    def merged(self, other: "Issue") -> "Issue":
        return Issue(self.date or other.date, self.newspaper or other.newspaper,
                     self.page or other.page)


def _cn_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    values = {c: k for k, c in enumerate("零一二三四五六七八九")}
    values["〇"] = 0
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = values.get(tens, 1) if tens else 1
        o = values.get(ones, 0) if ones else 0
        return 10 * t + o
    return values.get(s) if len(s) == 1 else None


def iso_date(y: str, m: str, d: str) -> str | None:
    try:
        return _dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """The first real calendar date written in full in `text`, as YYYY-MM-DD."""
    for m in DATE.finditer(text):
        found = iso_date(m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5))
        if found:
            return found
    return None


def page_label(number: str, section: str | None = None) -> str | None:
    n = _cn_number(number.strip())
    if n is None or not 0 < n < 1000:
        return None
    return f"第{n:02d}版" + (f"：{section}" if section else "")


_STAFF = re.compile(r"(?:责任编辑|责编|编辑|美编|校对|统筹|[一二三终政]\s*审|版式|检校|实习生)\s*"
                    r"[\u4e00-\u9fff]{2,3}(?![\u4e00-\u9fff])|(?:责任编辑|责编|编辑|美编|校对|版式|检校)\s+\S{2,3}")


def is_issue_line(line: str) -> bool:
    """Whether a line is a header, footer or source line of an issue: short, not a
    sentence, with a full date, or with a page number and a paper's or section's name."""
    t = line.strip()
    if not t or len(t) > ISSUE_LINE_MAX or _SENTENCE.search(t.strip("（()）")):
        return False
    rest = t
    date = find_date(t)
    if date:
        rest = DATE.sub(" ", rest)
    rest = _WEEKDAY.sub(" ", re.sub(r"\d{1,2}:\d{2}(?::\d{2})?", " ", rest))
    rest = re.sub(r"农历\S{2,10}|[（()）《》\[\]【】|｜/／:：·\-—]", " ", rest)
    has_page = bool(_PAGE.search(rest) or _PAGE_LABELLED.search(t))
    rest = _PAGE.sub(" ", _PAGE_LABELLED.sub(" ", rest))
    rest = re.sub(r"(?:稿件来源|来源|稿源|出处|日期|版次|卷期|字数|第|期)\s*", " ", rest)
    # The page's staff credited in its header ("编辑 白琳 美编 王晨同", "一审：程丽清"; the
    # e-paper pages of tests/data/epaper_pages) are names, not words of a sentence.
    rest = _STAFF.sub(" ", rest)
    words = rest.split()
    if date:
        # Around the date only names (the paper, the section, the page), and something
        # that says this is an issue line: a weekday, a page, a paper's name, a time of
        # day. A title that holds a date is not one, nor a date alone ("（2025年10月29日）"
        # under a document's title is the document's date).
        named = bool(_BOOK.search(t) or _SOURCE.search(t) or _PAPER.search(t))
        timed = bool(re.search(r"\d{1,2}:\d{2}", t))
        return all(len(w) <= 12 for w in words) and len(words) <= 4 and (
            has_page or named or timed or bool(_WEEKDAY.search(t)))
    return has_page and len(words) <= 2 and all(len(w) <= 8 for w in words) \
        and bool(re.match(rf"^(?:第\s*)?[\d{_CN_DIGITS}]{{1,5}}\s*版", t)
                 or _BOOK.search(t) or _PAPER.search(t))


def read_line(line: str) -> Issue:
    """The date, newspaper and page one issue line gives."""
    t = line.strip()
    out = Issue(date=find_date(t))
    m = _BOOK.search(t) or _SOURCE.search(t)
    if m:
        out.newspaper = m.group(1)
    else:
        head = DATE.split(t)[0] if out.date else t
        m = _PAPER.search(head) or (None if out.date else None)
        if m:
            out.newspaper = m.group(1)
        elif out.date:
            # "申報 日期：1949-05-12 …": a name before the date.
            lead = re.match(rf"^\s*([{_HAN}]{{2,10}})\s*(?:日期\s*[:：])?\s*$", head)
            if lead and not _WEEKDAY.search(lead.group(1)):
                out.newspaper = lead.group(1)
    m = _PAGE_LABELLED.search(t)
    if m:
        out.page = page_label(m.group(1))
    else:
        for m in _PAGE.finditer(DATE.sub(" ", t)):
            section = m.group(2)
            out.page = page_label(m.group(1), section)
            if out.page:
                break
    if out.page is None and out.date:
        m = _SECTION_PAGE.search(_WEEKDAY.sub(" ", DATE.sub(" ", t)))
        if m:
            number, section = (m.group(2), m.group(1)) if m.group(2) else (m.group(3), m.group(4))
            if section != out.newspaper:
                out.page = page_label(number, section)
    return out


def from_lines(lines) -> Issue:
    """The issue the lines of a page (or a file) belong to: the date, paper and page most
    of its issue lines give (the first one on a tie)."""
    lines = [t.strip() for t in lines if t.strip()]
    found = []
    for k, t in enumerate(lines):
        if is_issue_line(t):
            found.append(read_line(t))
        elif k + 1 < len(lines) and DATE.fullmatch(t) and is_issue_line(lines[k + 1]):
            found.append(read_line(t))   # "1946-05-16" over "第1版()": an archive's header
    out = Issue()
    for name in ("date", "newspaper", "page"):
        values = [getattr(f, name) for f in found if getattr(f, name)]
        if values:
            counts = Counter(values)
            best = max(counts.values())
            setattr(out, name, next(v for v in values if counts[v] == best))
    return out


def from_name(stem: str) -> Issue:
    """The issue a file name gives: "xxrb_2025-05-01_04ban" -> 2025-05-01, 第04版;
    "人民日报_2026-04-27_05" -> 2026-04-27, 人民日报, 第05版."""
    out = Issue()
    m = _NAME_DATE.search(stem)
    if not m:
        return out
    out.date = iso_date(*m.groups())
    if out.date is None:
        return out
    head, tail = stem[:m.start()], stem[m.end():]
    paper = re.search(rf"([{_HAN}]{{2,12}})[\s_\-]*$", head)
    if paper:
        out.newspaper = paper.group(1)
    page = re.match(r"^[\s_\-]*(?:第)?(\d{1,3})\s*(?:版|ban|b)?(?![\d.])", tail, re.I)
    if page:
        out.page = page_label(page.group(1))
    return out
