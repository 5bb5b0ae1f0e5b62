"""A page's text as the lines the parser reads: headline lists, source lines, page furniture
and Markdown marks dropped; jump lines, gaps and indents noted on each line."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ingest.page.bylines import BYLINE, DATELINE_ONLY, is_byline_line, names_only
from assistant.ingest.page.credits import credit_blocks
from assistant.ingest.page.furniture import (FURNITURE, LIST_LABEL, MD_IMAGE, MD_LINK, MD_PREFIX,
                                             PAGE_REF, strip_edition)
from assistant.ingest.page.headings import is_heading_line
from assistant.ingest.page.issue import is_issue_line
from assistant.ingest.page.marks import HEADING_MAX, LONG_HEADING_MAX, is_closed
from assistant.ingest.page.names import ROLE_RE

@dataclass
class Line:
    text: str
    gap: int                     # blank lines above it
    indent: bool = False         # set in from the margin (a paragraph's first line)
    after_edition: bool = False  # an article's source line stood right above (or on) it
    credit: bool = False         # what was left of that source line: the article's byline
    after_end: bool = False      # a source line closing the article above stood above it
    md_start: bool = False       # a Markdown heading ("### 标题") stood above it
    deck: bool = False           # one deck of a headline the file also gives as one title line
    jump_out: bool = False       # the text goes on on another page ("（转第5版）" ended it)
    jump_in: bool = False        # the text comes from another page ("（上接第1版）" stood above)
    credit_block: bool = False   # a row of the credit block closing the article above
    after_credits: bool = False  # a credit block closing an item stood right above it


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_indented(raw: str) -> bool:
    return raw[:1] in ("\u3000", "\t") or raw.startswith("  ")


# Paragraphs run together on one line, set apart by a run of spaces (e-paper text saved by a
# crawler as one field: "…。    首席记者  潘高峰    “实在是…"): each run starts a paragraph.
_SPACE_RUN = re.compile(r"(?<=\S)[ \u00a0]{3,}(?=\S)")
# A link line copied with a web page: "<https://topics.gmw.cn/…>", ">>>详见新民网www.xinmin.cn".
_LINK_LINE = re.compile(r"^(?:[<＜(（\[【]?\s*(?:https?://|www\.)\S+?[>＞)）\]】]?"
                        r"|(?:>>+|》》|→)?\s*(?:详见|详情见|更多(?:内容|详情)?(?:请)?(?:见|访问|点击)?)\S{0,12}"
                        r"(?:https?://|www\.)\S+)$")
# Where an article leaves the page and where it comes back: "（转第5版）", "（下转第五版）",
# "（上接第1版）", "（紧接第一版）".
_JUMP_NUM = r"第?\s*[\d一二三四五六七八九十]{1,3}\s*(?:版|页|頁)"
_JUMP_OUT = re.compile(rf"[（(]\s*(?:下转|轉|转至|转到|转){_JUMP_NUM}\s*[)）]|(?<=[。！？”])\s*(?:下转|转){_JUMP_NUM}$")
_JUMP_IN = re.compile(rf"^[（(]?\s*(?:上接|紧接|承接|接|承){_JUMP_NUM}\s*[)）]?\s*")

# A column tag on a line of its own: "【活力中国调研行】", "【大美中国】" (not a dateline such as
# "【新华社延安十三日电】", which opens its article's text).
_COLUMN_TAG = re.compile(r"^[【\[［]\s*[^【】\[\]［］。！？!?，,]{2,24}\s*[】\]］]$")


def _is_divider(line: str) -> bool:
    """A short line of ornaments and no word ("✦✦", "❖ ❖ ❖", "· · ·"): a divider between
    sections of a WeChat or school feature (tests/data/staff_files, tune), never text."""
    return len(line) <= 6 and not any(ch.isalnum() for ch in line)


def _split_runs(raw: str) -> list[str]:
    """A line whose paragraphs are set apart by runs of spaces, as separate lines; a byline
    run onto the end of the last sentence ("…谢谢所有人了。”本报记者  杨硕") as a line too."""
    parts = _SPACE_RUN.split(raw)
    out = [parts[0]] + ["  " + p for p in parts[1:]]
    res = []
    for part in out:
        m = re.search(r"[。！？!?][”’」』）)]?\s*([^。！？!?“”]{2,40})$", part)
        if m and len(part) > 2 * len(m.group(1)) and is_byline_line(m.group(1)) \
                and ROLE_RE.search(m.group(1)) and not DATELINE_ONLY.search(m.group(1)):
            res += [part[:m.start(1)].rstrip(), "  " + m.group(1)]
        else:
            res.append(part)
    return res


def page_lines(text: str) -> list[Line]:
    """A page's text as the lines the parser reads: headline lists, source lines, page
    furniture and Markdown marks dropped; jump lines, gaps and indents noted on each line."""
    raws = [r for raw in normalise_newlines(text).split("\n") for r in _split_runs(raw)]
    dropped: set[int] = set()
    # Lists of other headlines (导读, 要目): each item ends on the page it is on ("第九版");
    # the short lines above the page reference, back to a blank line, are the item.
    for k, raw in enumerate(raws):
        if not PAGE_REF.match(raw.strip()):
            continue
        b, spacing = k - 1, 0
        while b >= 0 and not raws[b].strip():
            spacing += 1
            b -= 1
        taken = 0
        while b >= 0 and taken < 3:
            t = raws[b].strip()
            if len(t) > HEADING_MAX or is_closed(t) or PAGE_REF.match(t) or strip_edition(t)[1]:
                break
            dropped.add(b)
            taken += 1
            b -= 1
            run = 0
            while b >= 0 and not raws[b].strip():
                run += 1
                b -= 1
            if run > spacing:
                break   # a wider gap than between the item's lines: the item starts here
    # ... and the headlines listed under a label, up to the first line that is not one
    # (or that a byline below shows to be an article's own title).
    for k, raw in enumerate(raws):
        if LIST_LABEL.match(raw.strip()):
            dropped.add(k)
            b = k + 1
            while b < len(raws):
                t = raws[b].strip()
                if t:
                    nxt = next((r.strip() for r in raws[b + 1:] if r.strip()), "")
                    if len(t) > HEADING_MAX or is_closed(t) or is_byline_line(nxt) \
                            or BYLINE.match(nxt):
                        break
                    dropped.add(b)
                b += 1
    # The credit block closing an item ("来源：… 文字：… 图片：… 审核：…"): its rows stay with the
    # article above (not page furniture, not a new article), and the article ends there.
    plain = [MD_LINK.sub(r"\1", MD_IMAGE.sub("", MD_PREFIX.sub("", r.strip()))).replace("**", "").strip()
             for r in raws]
    in_block: dict[int, bool] = {}
    for first, last in credit_blocks(plain):
        for b in range(first, last + 1):
            in_block[b] = b == last
    out: list[Line] = []
    gap = 0
    mark = ended = jumped_in = False
    for k, raw in enumerate(raws):
        if k in in_block:
            if plain[k]:
                out.append(Line(plain[k], gap, _is_indented(raw), credit_block=True))
                gap, mark, ended, jumped_in = 0, False, False, False
            ended = ended or in_block[k]
            continue
        line = raw.strip()
        # Jump lines: "（转第5版）" where an article leaves the page, "（上接第1版）" where it
        # comes back; on a line of their own or run onto the text.
        m = _JUMP_OUT.search(line)
        if m and m.end() == len(line):
            line = line[:m.start()].rstrip()
            if out and not line:
                out[-1].jump_out = True
                continue
            jump_out = True
        else:
            jump_out = False
        m = _JUMP_IN.match(line)
        if m:
            line = line[m.end():].lstrip()
            jumped_in = True
            if out and out[-1].gap >= gap and is_heading_line(out[-1].text) and not out[-1].after_end:
                out[-1].after_end = True   # the headline repeated over the continued text
            else:
                ended = True   # the text after it is not the article above's
            if not line:
                continue
        if line and (line[0] in "#>" or "](" in line or "**" in line):
            line = MD_PREFIX.sub("", line)   # "> 本报记者 …《人民日报》（…）"
            line = MD_LINK.sub(r"\1", MD_IMAGE.sub("", line))
            if line.count("**") % 2 == 0:
                line = line.replace("**", "")
            line = line.strip()
            if not line:
                continue
        if not line:
            gap += 1
            continue
        if k in dropped:
            continue
        rest, edition = strip_edition(line)
        if edition and not rest and out and is_closed(out[-1].text) and not mark:
            # A source line under finished text (a web copy of an e-paper article: the text,
            # then "《光明日报》（2025年10月14日 04版）"): the article ends here.
            ended = True
            continue
        if edition:
            if rest and not FURNITURE.search(rest):
                out.append(Line(rest, gap, _is_indented(raw), True, True))
                gap, mark = 0, False
            else:
                mark = True
            continue
        if FURNITURE.search(line) or _LINK_LINE.match(line) or is_issue_line(line) or (
                _COLUMN_TAG.match(line) and not BYLINE.match(line)) or _is_divider(line):
            continue
        out.append(Line(line, gap, _is_indented(raw), mark, after_end=ended,
                         md_start=bool(re.match(r"\s*#{1,6}\s", raw)), jump_out=jump_out,
                         jump_in=jumped_in,
                         after_credits=ended and bool(out) and out[-1].credit_block))
        gap, mark, ended, jumped_in = 0, False, False, False
    return _drop_repeated_titles(out)


def _drop_repeated_titles(lines: list[Line]) -> list[Line]:
    """A title line repeated by the decks under it (an archive file's "### 东京粮食恐慌  饥民千余
    拥入皇宫", then the printed decks line by line) is said once: the decks stay. A names-only
    line between them is the file's author field ("陈沂"), which the text credits itself."""
    drop: set[int] = set()
    for k, line in enumerate(lines):
        flat = re.sub(r"\s+", "", line.text)
        if not 4 <= len(flat) <= 3 * LONG_HEADING_MAX or k in drop:
            continue
        first = k + 1
        while first < min(k + 3, len(lines)) and names_only(lines[first].text):
            first += 1
        acc = ""
        for m in range(first, min(first + 4, len(lines))):
            acc += re.sub(r"\s+", "", lines[m].text)
            if acc == flat and m > first:
                drop.update(range(k, first))
                lines[first].md_start = lines[first].md_start or line.md_start
                lines[first].gap = max(lines[first].gap, line.gap)
                for deck in lines[first:m + 1]:
                    deck.deck = True   # the title line says these lines are the headline
                break
            if not flat.startswith(acc):
                break
    return [line for k, line in enumerate(lines) if k not in drop]
