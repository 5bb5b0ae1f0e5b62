"""PDF pages with a text layer -> page text read column by column, with pypdfium2.

Characters come with their boxes. Runs of characters on one line with no wide gap are
fragments; the fragments of a page are cut recursively (an XY cut) into regions: first
at vertical gutters (an x range no fragment crosses), else into horizontal bands, and
neighbouring bands are kept together while they share a gutter (the rows of a set of
columns) so a headline across the columns is read before them and the columns one after
the other. Inside a region lines are read top to bottom; the lines of one paragraph (a
full line followed by a line that is not indented) are joined. The text of each page
then goes through the page parser like any page.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median

from assistant.ingest.base import FileProblem
from assistant.ingest.page.marks import join_wrapped

NO_TEXT = "no text layer: a scanned PDF needs OCR first"
MAX_PAGES = 500


@dataclass
class _Frag:
    text: str
    x0: float
    y0: float   # bottom (PDF space: y grows upwards)
    x1: float
    y1: float   # top
    light: bool = False   # set in light (reversed) type: white on a dark bar or box
    ch: float = 0.0       # the height of its Chinese characters (0: none)

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def vertical(self) -> bool:
        return len(self.text) > 1 and self.h > 1.5 * (self.x1 - self.x0)

    @property
    def size(self) -> float:
        """Its type size: the height of a line (of its Chinese characters when it has any: the
        figures of a Latin font measure taller, "2017 年 1 月 17 日" 10.7 against 9.0 in
        人民日报_2018-01-18_07), the width of a column of vertical text."""
        return self.x1 - self.x0 if self.vertical else (self.ch or self.h)


def _is_wordy(c: str) -> bool:
    return c.isascii() and c.isalnum()


# Type this light (each of red, green and blue at least this, of 255) is reversed type, set
# white on a dark bar or box: a banner slogan across the columns or a box's label.
LIGHT_TYPE = 230


def _light(textpage, i: int) -> bool:
    import ctypes

    import pypdfium2.raw as raw

    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not raw.FPDFText_GetFillColor(textpage.raw, i, r, g, b, a):
        return False
    return min(r.value, g.value, b.value) >= LIGHT_TYPE and a.value > 0


# The widest blank between two characters of one line of vertical text, in characters.
VERTICAL_GAP = 2.0


def _is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def _fragments(textpage) -> list[_Frag]:
    """Characters in content order -> fragments (a run on one line without a wide gap, in
    one kind of type: light or dark)."""
    import pypdfium2.raw as raw

    frags: list[_Frag] = []
    cur: _Frag | None = None
    last_gap: float | None = None   # the blank before the last character, both Chinese
    space = False
    n = textpage.count_chars()
    for i in range(n):
        c = chr(raw.FPDFText_GetUnicode(textpage.raw, i))
        if c in "\r\n\x00\x02\ufffe\uffff":   # line ends pdfium adds; the boxes decide
            continue
        if c.isspace():
            # A space drawn in the page counts; one pdfium made up for a gap does not.
            space = space or not raw.FPDFText_IsGenerated(textpage.raw, i)
            continue
        x0, y0, x1, y1 = textpage.get_charbox(i, loose=True)
        h = max(y1 - y0, 1.0)
        light = _light(textpage, i)
        if cur is not None and cur.light == light:
            same_line = abs((y0 + y1) / 2 - cur.yc) < 0.5 * max(h, cur.h)
            gap = x0 - cur.x1
            # A gap filled with spaces drawn in the page ("电\xa0\xa0记者") is inside a line:
            # a gutter between columns holds no characters.
            if same_line and -0.5 * h < gap < (3 * h if space else 0.8 * h):
                # A word space: a space character, a gap between two Latin words, or a
                # blank between two Chinese characters at least half a character wide and
                # three times the blank before it (两位通讯员 "魏嘉熠 张慧莹" set apart in a tight
                # run, 甘肃法治报_2024-08-09_08, a fit page of tests/data/epaper_pages); a line
                # letterspaced to its measure has even blanks and keeps none.
                han = _is_cjk(c) and _is_cjk(cur.text[-1])
                spaced = han and last_gap is not None and gap > 0.5 * h and gap > 3 * max(last_gap, 0.3)
                if space or spaced or (gap > 0.15 * h and (_is_wordy(cur.text[-1]) or _is_wordy(c))):
                    cur.text += " "
                last_gap = gap if han else None
                cur.text += c
                cur.x1 = max(cur.x1, x1)
                if _is_cjk(c):
                    cur.ch = max(cur.ch, h)
                if c.isalnum():   # a symbol's box (a "∙" from another font) can be far taller
                    cur.y0, cur.y1 = min(cur.y0, y0), max(cur.y1, y1)
                space = False
                continue
            # Vertical text (a headline set top to bottom): the next character right below,
            # also across the wider spacing of a letterspaced vertical headline (增 / 强 /
            # 法治才能…, half a character) or of a two-character name padded to three
            # characters' height (江 / 畅 beside 幸福都是奋斗出来的, nearly two characters):
            # 人民日报_2018-01-24 and -25, fit pages of tests/data/epaper_pages.
            w = x1 - x0
            last_h = cur.h if len(cur.text) == 1 else cur.x1 - cur.x0
            spaced = _is_cjk(c) and _is_cjk(cur.text[-1]) and abs(h - last_h) <= 0.15 * max(h, last_h)
            if (len(cur.text) == 1 or cur.h > 1.5 * (cur.x1 - cur.x0)) \
                    and abs((x0 + x1) / 2 - (cur.x0 + cur.x1) / 2) < 0.25 * w \
                    and -0.2 * h < cur.y0 - y1 < (VERTICAL_GAP if spaced else 0.5) * h:
                cur.text += c
                cur.x0, cur.x1 = min(cur.x0, x0), max(cur.x1, x1)
                cur.y0 = min(cur.y0, y0)
                space = False
                continue
        cur = _Frag(c, x0, y0, x1, y1, light, h if _is_cjk(c) else 0.0)
        last_gap = None
        frags.append(cur)
        space = False
    return frags


def _coverage(frags: list[_Frag]) -> list[tuple[float, float]]:
    """The x ranges covered by fragments, merged, left to right."""
    return _merge(sorted((f.x0, f.x1) for f in frags))


def _merge(spans) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for x0, x1 in spans:
        if out and x0 <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], x1))
        else:
            out.append((x0, x1))
    return out


def _gutters(cov: list[tuple[float, float]], min_width: float) -> list[float]:
    """x positions of the gaps at least min_width wide between covered ranges."""
    return [(a[1] + b[0]) / 2 for a, b in zip(cov, cov[1:]) if b[0] - a[1] >= min_width]


def _bands(frags: list[_Frag]) -> list[list[_Frag]]:
    """Fragments -> horizontal bands, top first, split where no fragment spans the gap."""
    bands: list[list[_Frag]] = []
    low = 0.0
    for f in sorted(frags, key=lambda f: -f.y1):
        # A band goes on while the next fragment overlaps it vertically (by a margin).
        if bands and f.y1 - 0.2 * f.h > low:
            bands[-1].append(f)
            low = min(low, f.y0)
        else:
            bands.append([f])
            low = f.y0
    return bands


def _gap_widths(cov: list[tuple[float, float]], min_width: float) -> list[tuple[float, float]]:
    """(x, width) of each gap at least min_width wide between covered ranges."""
    return [((a[1] + b[0]) / 2, b[0] - a[1]) for a, b in zip(cov, cov[1:])
            if b[0] - a[1] >= min_width]


def _split_bands(bands: list[list[_Frag]], min_gap: float) -> list[list[_Frag]]:
    """Bands -> runs of bands, cut where the blank between two bands exceeds min_gap."""
    runs = [list(bands[0])]
    for above, below in zip(bands, bands[1:]):
        if min(f.y0 for f in above) - max(f.y1 for f in below) > min_gap:
            runs.append([])
        runs[-1] += below
    return runs


def _row_into_columns(runs: list[list[_Frag]], unit: float) -> list[list[_Frag]]:
    """A run that is one row of pieces standing apart (the subheads that open two columns
    side by side, set with a blank under them) goes with the columns under it when their
    gutters fall between its pieces: each piece then heads its own column instead of the
    pieces being read as one line."""
    out: list[list[_Frag]] = []
    k = 0
    while k < len(runs):
        run = runs[k]
        if k + 1 < len(runs) and len(run) >= 2 and max(f.y0 for f in run) < min(f.yc for f in run):
            pieces = sorted(run, key=lambda f: f.x0)
            gutters = _gutters(_coverage(runs[k + 1]), unit)
            gaps = [(a.x1, b.x0) for a, b in zip(pieces, pieces[1:])]
            if gutters and all(any(x0 < g < x1 for g in gutters) for x0, x1 in gaps):
                runs[k + 1] = run + runs[k + 1]
                k += 1
                continue
        out.append(run)
        k += 1
    return out


def _row_end(frags: list[_Frag], gutters: list[float], unit: float) -> float | None:
    """Where a blank between two rows of articles ends: a blank across the columns left of a
    gutter (the foot of one article over the headline of the next) that goes on right of it
    up to a column that runs past it (a side column of briefs or a table). The columns up to
    that point are a stack of articles to be cut into its rows before its columns: the x of
    the narrow gap where the blank ends is returned as a cut, or None. 辽沈晚报_2021-03-23_05
    (a tune page of tests/data/epaper_pages): 早市附近发生车祸 over 本周气温 and 3名政法系统干部,
    a weather table beside them, a gap of 0.9 line between them."""
    cov = _coverage(frags)
    for g in gutters:
        left = [f for f in frags if f.x1 <= g]
        right = [f for f in frags if f.x0 >= g]
        if not left or not right:
            continue
        runs = _split_bands(_bands(left), unit)
        for above, below in zip(runs, runs[1:]):
            top, bottom = min(f.y0 for f in above), max(f.y1 for f in below)
            crossing = [f for f in right if f.y0 < top and f.y1 > bottom]
            if not crossing:
                continue   # a blank across the whole region: cut there as before
            end = min(f.x0 for f in crossing)
            if end - g < 5 * unit:
                continue
            # The last narrow gap through the whole region before that column.
            gaps = [(a1 + b0) / 2 for (_, a1), (b0, _) in zip(cov, cov[1:])
                    if g < a1 and b0 <= end and b0 - a1 > 0.3 * unit]
            if gaps:
                return gaps[-1]
    return None


# The lines right under a headline that still belong to its block (a byline, a dateline):
# at most this many, each at most BYLINE_CHARS characters.
HEAD_BLOCK_LINES = 2
BYLINE_CHARS = 20


def _headline_down(runs: list[list[_Frag]], unit: float) -> list[list[_Frag]]:
    """A headline is set above its text, never at the foot of it: when a run of bands (cut
    at a blank across the region) ends, in some columns, with a headline (and its byline:
    at most two short lines under it) and the next run holds text under it, the headline
    block goes with that next run. A row of articles whose headline stands level with the
    last lines of a side column beside it is cut under the headline otherwise, and the
    headline is read before the side column and far from its text (拓展视野才能深化认识 /
    肖伟光 level with the end of 用做实体现学习成效's column, 人民日报_2018-01-23_07, a fit page
    of tests/data/epaper_pages)."""
    body = unit / 0.8
    out = [list(r) for r in runs]
    for i in range(len(out) - 1):
        above, below = out[i], out[i + 1]
        heads = [f for f in above if f.text and not f.vertical and f.size >= HEADLINE_RATIO * body]
        if not heads or len(heads) == len(above):
            continue
        low = min(heads, key=lambda f: f.y0)
        line = [f for f in heads if abs(f.yc - low.yc) < 0.5 * low.h]
        x0, x1 = min(f.x0 for f in line), max(f.x1 for f in line)

        def over(f: _Frag) -> bool:
            return min(f.x1, x1) - max(f.x0, x0) > 0

        under = [f for f in above if f not in line and over(f) and f.y1 <= low.y0 + 0.2 * low.h]
        rows = _bands(under) if under else []
        if len(rows) > HEAD_BLOCK_LINES or any(len(f.text.replace(" ", "")) > BYLINE_CHARS for f in under):
            continue   # text of its own under it: the headline heads that
        if not any(over(f) for f in below):
            continue
        block = line + under
        top = max(f.y1 for f in line)
        # Its other lines and kicker set right above it, larger than the body.
        for f in sorted(above, key=lambda f: f.y0):
            if f not in block and over(f) and f.size > 1.1 * body and top <= f.y0 <= top + low.h:
                block.append(f)
                top = f.y1
        ids = {id(f) for f in block}
        if not any(over(f) and f.y0 >= top for f in above if id(f) not in ids):
            continue   # nothing over it: a run that is a headline (or a page header) alone
        out[i] = [f for f in above if id(f) not in ids]
        out[i + 1] = block + below
    return [r for r in out if r]


def _xy_cut(frags: list[_Frag], unit: float, depth: int = 0) -> list[list[_Frag]]:
    """Fragments -> regions in reading order; each region is one column of lines."""
    bands = _bands(frags)
    if not frags or depth > 40 or max(f.y0 for f in frags) < min(f.yc for f in frags):
        return [frags] if frags else []   # one line: its fragments are read left to right
    gutters = _gap_widths(_coverage(frags), unit)
    if gutters:
        widest = max(w for _, w in gutters)
        # A blank across the whole region wider than any gutter comes first: a headline
        # set above the columns without reaching over the first of them.
        runs = _headline_down(_split_bands(bands, widest), unit)
        if len(runs) > 1:
            return [r for run in runs for r in _xy_cut(run, unit, depth + 1)]
        cuts = [x for x, _ in gutters]
        row_end = _row_end(frags, cuts, unit)
        if row_end is not None:
            cuts = [row_end]
        columns: list[list[_Frag]] = [[] for _ in range(len(cuts) + 1)]
        for f in frags:
            columns[sum(1 for c in cuts if f.x0 > c)].append(f)
        if all(len(_bands(col)) <= 1 for col in columns):
            # No column holds two lines: the gaps are the wide spaces of a list of names
            # ("本版责编：陈 凌 石 羚"), not gutters. The lines are read as they are.
            return [frags]
        # A column of vertical text (a headline set top to bottom) is read before the
        # column to its left, as vertical text runs right to left.
        for k in range(1, len(columns)):
            if all(f.vertical for f in columns[k]):
                columns[k - 1], columns[k] = columns[k], columns[k - 1]
        return [r for col in columns for r in _xy_cut(col, unit, depth + 1)]
    # No gutter through the whole region: a blank across all of it (between a headline
    # over some columns and the columns under it) cuts it first.
    runs = _headline_down(_row_into_columns(_split_bands(bands, unit), unit), unit)
    if len(runs) > 1:
        return [r for run in runs for r in _xy_cut(run, unit, depth + 1)]
    # Else the bands of a set of columns stay together
    # (a band where one column is blank too), and so do the lines of a single column;
    # a band across the columns (a headline) starts a new group.
    groups: list[list[_Frag]] = [bands[0]]
    covs = [_coverage(bands[0])]
    for band in bands[1:]:
        cov = _coverage(band)
        union = _merge(sorted(covs[-1] + cov))
        if _gutters(covs[-1], unit):
            together = bool(_gutters(union, unit))
        else:
            together = not _gutters(cov, unit) and not _gutters(union, unit)
            # The top lines of one column, its neighbours starting lower (under a logo, a
            # vertical headline level with its last line: 人民日报_2018-01-30_07, a fit page):
            # they cross none of the columns' gutters below and stay with that column.
            lo, hi = covs[-1][0][0], covs[-1][-1][1]
            gutters = _gutters(union, unit)
            together = together or (len(groups) == 1 and bool(gutters)
                                    and not any(lo < g < hi for g in gutters))
        if together:
            groups[-1] = groups[-1] + band
            covs[-1] = union
        else:
            groups.append(band)
            covs.append(cov)
    if len(groups) == 1:
        return [frags]   # one column (or one band without a gutter): its lines in order
    return [r for g in groups for r in _xy_cut(g, unit, depth + 1)]


# A line is full when it ends within two characters of its column's right edge: ragged-right
# text wrapped by character count ends up to two characters short (rmrb_20251020.pdf, tune
# pages of tests/data/pdf_pages; it was 1.2, set on justified synthetic pages).
FULL_SLACK = 2.0


@dataclass
class _Para:
    """A paragraph (or heading, caption, credit) of one region: its lines joined."""
    text: str
    h: float            # type size: the median height of its fragments
    indented: bool      # its first line is set in from the region's left edge
    full_end: bool      # its last line reaches the region's right edge (it may go on)
    x0: float
    x1: float
    top: float
    bottom: float
    page: int = 0
    region: int = 0
    caption: bool = False   # set on or right under a picture: never joined to body text
    furniture: bool = False   # a banner or box label in reversed type: the page's, no article's


def _region_paras(frags: list[_Frag], body_h: float | None = None,
                  obstacles: list[_Frag] = ()) -> list[_Para]:
    """The fragments of one column -> its paragraphs: the lines of a paragraph (a full line
    followed by a line that is not indented, in the same size, without a gap) joined."""
    lines: list[list[_Frag]] = []
    for f in sorted(frags, key=lambda f: -f.y1):
        if lines:
            first = lines[-1][0]   # on one line: each centre within the other's height
            if first.y0 < f.yc < first.y1 and (f.y0 < first.yc < f.y1 or f.h < 0.8 * first.h):
                lines[-1].append(f)   # (a smaller sub- or superscript: "M2")
                continue
        lines.append([f])
    rows = []
    for line in lines:
        line.sort(key=lambda f: f.x0)
        text = line[0].text
        for a, b in zip(line, line[1:]):
            gap = b.x0 - a.x1
            h = max(a.h, b.h)
            # Fragments are split at wide gaps ("本报记者 孟祥夫 徐 隽"): a space stays.
            wide = gap > 0.6 * h or (gap > 0.15 * h and (_is_wordy(a.text[-1]) or _is_wordy(b.text[0])))
            text += (" " if wide else "") + b.text
        rows.append((text, min(f.x0 for f in line), max(f.x1 for f in line),
                     max(f.y1 for f in line), min(f.y0 for f in line),
                     median(f.size for f in line for _ in f.text)))   # by characters: a tall "∙" does not count
    if not rows:
        return []

    def edges(row) -> tuple[float, float]:
        """The left and right edges of the column this line is set in: of the lines in its
        size (a headline above a column is wider or narrower than the column), those of
        its column's width. A region can hold a narrow column beside a picture or a
        vertical headline over a wider one under it (金川警方…, 甘肃法治报_2024-08-09_08,
        a tune page of tests/data/epaper_pages): the left edge is that of the lines round
        it (two above, two below) ending between its start and its end, the right edge that
        of the lines starting about where it starts."""
        h = row[5]
        same = [r for r in rows if abs(r[5] - h) <= 0.2 * h]
        at = rows.index(row)
        near = [r for r in rows[max(0, at - 2):at + 3] if abs(r[5] - h) <= 0.2 * h]
        left = min((r[1] for r in near if row[1] < r[2] <= row[2] + h), default=row[1])
        right = max((r[2] for r in same if r[1] >= row[1] - 3 * h), default=row[2])
        return min(left, row[1]), max(right, row[2])

    if body_h is None:   # the body type: the page's, else the region's own
        sizes = Counter()
        for r in rows:
            sizes[round(r[5] * 2) / 2] += len(r[0])
        body_h = sizes.most_common(1)[0][0]
    out: list[_Para] = []
    prev = None
    prev_full = False
    narrow_x = None   # the right edge of a measure narrowed beside an inset, while it goes on
    for row in rows:
        text, x0, x1, top, bottom, h = row
        left, right = edges(row)
        full = x1 >= right - FULL_SLACK * h
        if not full:
            # Full at a narrower measure beside an inset, or at the same measure as the line
            # above it was (the column stays narrow a little past the inset's own box: the
            # lines under a vertical headline's last character, 人民日报_2018-01-23_07).
            full = _full_beside(row, rows, right, obstacles) \
                or (narrow_x is not None and abs(x1 - narrow_x) <= 0.5 * h)
        narrow_x = x1 if full and x1 < right - FULL_SLACK * h else None
        if prev is not None:
            ptext, px0, px1, ptop, pbottom, ph = prev
            # A headline set centred goes on centred under a full first line.
            centred = h > 1.1 * body_h and abs((x0 + x1) / 2 - (left + right) / 2) < h
            # "…篇章。" then "（新华社北京10月19日电 …）": an end note starts its own line.
            note = ptext.rstrip("”’」』 ")[-1:] in ("。", "！", "？") and text[:1] in ("（", "(")
            # Lines of one headline, both centred in the same type without a gap, are one
            # headline even when the first is short ("先进人物图片损毁" / "影响公益宣传功能").
            both_centred = centred and abs((px0 + px1) / 2 - (left + right) / 2) < ph
            continues = (px1 >= right - FULL_SLACK * ph or prev_full or both_centred)   # the line above is full
            continues = (continues
                         and not note
                         and (x0 <= left + 0.6 * h or centred)   # this one is not indented
                         and abs(h - ph) <= 0.06 * ph     # same type size (9 and 10 point differ)
                         and pbottom - top < 1.2 * h)     # no paragraph gap
            if continues:
                para = out[-1]
                para.text = join_wrapped(para.text, text)
                para.full_end = full
                para.x0, para.x1 = min(para.x0, x0), max(para.x1, x1)
                para.bottom = bottom
                prev, prev_full = row, full
                continue
        many = sum(1 for r in rows if abs(r[5] - h) <= 0.2 * h) >= 2
        # A line set in by more than an indent that ends at the right edge is set flush
        # right (a byline, a credit under the text: "辽沈晚报特派朝阳记者 张辉"), not a line
        # cut mid-sentence that runs on in the next column.
        flush_right = full and x0 > left + 3 * h
        out.append(_Para(text, h, indented=many and x0 > left + 0.6 * h, full_end=full and not flush_right,
                         x0=x0, x1=x1, top=top, bottom=bottom))
        prev, prev_full = row, full and not flush_right
    return out


# The blank left between a column narrowed round an inset and the inset's edge, when the
# line is not measured against the lines beside the inset: up to three characters
# (人民日报_2018-01-11_07: 2.2 characters between the text and the banner's bar).
WRAP_GAP = 3.0


def _full_beside(row, rows, right: float, obstacles: list[_Frag]) -> bool:
    """Whether a line is full at a column's narrower measure beside an inset set into the
    column (a banner's bar, a picture, a vertical headline with its author's name): the text
    wraps round it, so a line that ends where the lines level with the inset end (or within
    WRAP_GAP characters of the inset) goes on in the next line. A short line set in a column
    with nothing beside it (a poem's line, a paragraph's last line) is not full. Seen on the
    fit pages of tests/data/epaper_pages: 加强近岸海域污染 / 治理。按照从山 beside the banner
    认真学习宣传贯彻党的十九大精神 (人民日报_2018-01-11_07); 习近平主席发表题为… beside the vertical
    headline 中国思想理论进入世界的鲜亮标志 and its author's name (人民日报_2018-01-18_07)."""
    _, _, x1, top, bottom, h = row[:6]
    yc = (top + bottom) / 2
    for o in obstacles:
        if not (o.y0 < yc < o.y1 and x1 - 0.5 * h <= o.x0 <= max(right, x1 + WRAP_GAP * h)):
            continue
        if o.x0 <= x1 + WRAP_GAP * h:
            return True
        measure = max((r[2] for r in rows if abs(r[5] - h) <= 0.2 * h and o.y0 < (r[3] + r[4]) / 2 < o.y1
                       and r[2] <= o.x0 + 0.5 * h), default=x1)
        if x1 >= measure - FULL_SLACK * h:
            return True
    return False


def _region_lines(frags: list[_Frag]) -> list[str]:
    return [p.text for p in _region_paras(frags)]


def page_paras(page, number: int = 0) -> list[_Para]:
    """The paragraphs of one pdfium page in reading order, column by column."""
    textpage = page.get_textpage()
    try:
        frags = _fragments(textpage)
    finally:
        textpage.close()
    if not frags:
        return []
    banners = _banner_lines(frags)
    bars = [_bar(page, line) for line in banners]
    if banners:
        taken = {id(f) for line in banners for f in line}
        frags = [f for f in frags if id(f) not in taken]
        if not frags:
            return [_banner_para(line, number) for line in banners]
    unit = 0.8 * median(f.h for f in frags)
    sizes = Counter()
    for f in frags:
        sizes[round(f.h * 2) / 2] += len(f.text)
    body_h = sizes.most_common(1)[0][0]
    pictures = _pictures(page, frags, body_h)
    captions = {id(pic): _caption_frags(pic, frags) for pic in pictures}
    taken = {id(f) for fs in captions.values() for f in fs}
    for pic in pictures:   # the picture with its caption is one block for the cut
        fs = captions[id(pic)]
        if fs:
            pic.x0, pic.x1 = min([pic.x0] + [f.x0 for f in fs]), max([pic.x1] + [f.x1 for f in fs])
            pic.y0, pic.y1 = min([pic.y0] + [f.y0 for f in fs]), max([pic.y1] + [f.y1 for f in fs])
    regions: list[list[_Frag]] = []
    for r in _xy_cut([f for f in frags if id(f) not in taken] + pictures, unit):
        text = [f for f in r if f.text]
        if text:
            regions.append(text)
        # A picture's caption is read as a region of its own after the region the picture
        # stands in (the column beside or round it), flagged as a caption.
        regions += [captions[id(f)] for f in r if not f.text and captions.get(id(f))]
    caption_ids = {id(fs[0]) for fs in captions.values() if fs}
    out: list[_Para] = []
    for k, region in enumerate(_stack(regions, keep=caption_ids)):
        is_caption = id(region[0]) in caption_ids
        ids = {id(f) for f in region}
        x0, x1 = min(f.x0 for f in region), max(f.x1 for f in region)
        y0, y1 = min(f.y0 for f in region), max(f.y1 for f in region)
        # What is set into the region's column beside its lines: text of other regions (a
        # vertical headline, a name), pictures, banners' bars.
        insets = [o for o in frags + pictures + bars if id(o) not in ids
                  and x0 < o.x0 < x1 and o.y0 < y1 and o.y1 > y0]
        for para in _region_paras(region, body_h, insets):
            para.page, para.region, para.caption = number, k, is_caption
            out.append(para)
    return out + [_banner_para(line, number) for line in banners]


def _banner_lines(frags: list[_Frag]) -> list[list[_Frag]]:
    """The lines set in reversed type (white on a dark bar) that hold no sentence: a banner
    slogan set across the columns (认真学习宣传贯彻党的十九大精神, between an article's columns
    and the next headline) or a box's label (全省14城市今明两天天气 over a weather table).
    They are the page's furniture, neither an article's headline nor its text. Seen on the
    fit pages of tests/data/epaper_pages (人民日报 2018-01-11 and -18, 辽沈晚报 2021-03-23): every
    line in light type there is one of these; their headlines and body are dark."""
    light = sorted((f for f in frags if f.light), key=lambda f: -f.yc)
    lines: list[list[_Frag]] = []
    for f in light:
        if lines and abs(f.yc - lines[-1][0].yc) < 0.5 * max(f.h, lines[-1][0].h):
            lines[-1].append(f)
        else:
            lines.append([f])
    return [line for line in lines if not re.search(r"[。！？]", "".join(f.text for f in line))]


def _bar(page, line: list[_Frag]) -> _Frag:
    """The dark bar a banner's reversed type is set on: the smallest filled shape round the
    line (its text's box when none is found), as a text-less fragment."""
    import pypdfium2.raw as raw

    x0, y0 = min(f.x0 for f in line), min(f.y0 for f in line)
    x1, y1 = max(f.x1 for f in line), max(f.y1 for f in line)
    best = (x0, y0, x1, y1)
    try:
        shapes = [o.get_bounds() for o in page.get_objects(
            filter=[raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE], max_depth=3)]
    except Exception:
        shapes = []
    round_it = [b for b in shapes if b[0] <= x0 and b[1] <= y0 and b[2] >= x1 and b[3] >= y1
                and (b[2] - b[0]) < 2 * (x1 - x0) and (b[3] - b[1]) < 4 * (y1 - y0)]
    if round_it:
        best = min(round_it, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    return _Frag("", *best)


def _banner_para(line: list[_Frag], number: int) -> _Para:
    line = sorted(line, key=lambda f: f.x0)
    return _Para(" ".join(f.text for f in line), median(f.h for f in line), indented=False, full_end=False,
                 x0=line[0].x0, x1=max(f.x1 for f in line), top=max(f.y1 for f in line),
                 bottom=min(f.y0 for f in line), page=number, region=-1, furniture=True)


# A picture is at least this many body lines wide and high (smaller images are rules,
# ornaments and logos set beside a headline) -- fitted on the tune pages of
# tests/data/epaper_pages (photos 25-50 lines across; logos 4-6 lines high).
PICTURE_MIN = 8


def _pictures(page, frags: list[_Frag], body_h: float) -> list[_Frag]:
    """The photos and graphics of a page as text-less fragments, so the XY cut never cuts
    through one: the columns beside and under a photo set in the middle of an article are
    read as the article's columns, and a graphic's title over it is read with it. An image
    with text drawn over it is a background (a tinted box, a whole-page scan under its text
    layer), not a picture."""
    import pypdfium2.raw as raw

    out: list[_Frag] = []
    try:
        objects = list(page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3))
    except Exception:   # an odd object tree: read the text without pictures
        return out
    for obj in objects:
        x0, y0, x1, y1 = _visible_box(obj)
        if x1 - x0 < PICTURE_MIN * body_h or y1 - y0 < PICTURE_MIN * body_h:
            continue
        over = sum((f.x1 - f.x0) * f.h for f in frags if x0 < (f.x0 + f.x1) / 2 < x1 and y0 < f.yc < y1)
        if over < 0.1 * (x1 - x0) * (y1 - y0):   # a few lines on it: a graphic's title, a source
            out.append(_Frag("", x0, y0, x1, y1))
    return out


def _visible_box(obj) -> tuple[float, float, float, float]:
    """The part of an image the page shows: its box cut to its clipping path's box. A photo
    placed larger than its frame and clipped to it (甘肃法治报_2024-08-09_08, a fit page of
    tests/data/epaper_pages: an image running under the 金川 article's text, shown only in a
    frame beside it) is the frame."""
    import ctypes

    import pypdfium2.raw as raw

    x0, y0, x1, y1 = obj.get_bounds()
    try:
        clip = raw.FPDFPageObj_GetClipPath(obj.raw)
        if not clip:
            return x0, y0, x1, y1
        xs, ys = [], []
        for i in range(raw.FPDFClipPath_CountPaths(clip)):
            for j in range(raw.FPDFClipPath_CountPathSegments(clip, i)):
                seg = raw.FPDFClipPath_GetPathSegment(clip, i, j)
                x, y = ctypes.c_float(), ctypes.c_float()
                if seg and raw.FPDFPathSegment_GetPoint(seg, x, y):
                    xs.append(x.value)
                    ys.append(y.value)
    except Exception:   # an odd clipping path: the image's own box
        return x0, y0, x1, y1
    if not xs:
        return x0, y0, x1, y1
    cx0, cy0, cx1, cy1 = max(x0, min(xs)), max(y0, min(ys)), min(x1, max(xs)), min(y1, max(ys))
    if cx1 <= cx0 or cy1 <= cy0:
        return x0, y0, x1, y1
    return cx0, cy0, cx1, cy1


def _caption_frags(pic: _Frag, frags: list[_Frag]) -> list[_Frag]:
    """The text set on a picture (a graphic's own lines) and its caption: the lines right
    under it, within its width, each at most a line's gap below the one above (a caption
    of several lines, its credit on the last), stopping at a paragraph gap."""
    from assistant.ingest.page.credits import photo_credit

    on = [f for f in frags if pic.x0 < (f.x0 + f.x1) / 2 < pic.x1 and pic.y0 < f.yc < pic.y1]
    # Under it: mostly within its width (a caption line may run a little past its edge).
    within = [f for f in frags if min(f.x1, pic.x1) - max(f.x0, pic.x0) >= 0.5 * (f.x1 - f.x0)
              and f.y1 <= pic.y0 + 0.3 * f.h]
    under: list[_Frag] = []
    line: list[_Frag] = []
    bottom = pic.y0
    for f in sorted(within, key=lambda f: -f.y1):
        if line and abs(f.yc - line[0].yc) < 0.5 * f.h:
            line.append(f)   # another piece of the same line ("…抓获。" and "警方供图")
            continue
        if line:
            under += line
            bottom = min(x.y0 for x in line)
            if photo_credit(" ".join(x.text for x in sorted(line, key=lambda x: x.x0))):
                line = []
                break   # the credit closes the caption
        if bottom - f.y1 > (1.5 if not under else 0.8) * f.h:
            line = []
            break
        line = [f]
    under += line
    return on + under


def page_text(page) -> str:
    """The text of one pdfium page, column by column, one paragraph or heading a line."""
    return "\n".join(p.text for p in page_paras(page))


def _stack(regions: list[list[_Frag]], keep: set[int] = frozenset()) -> list[list[_Frag]]:
    """Join a region to the one before it when it sits right below it in the same column
    (a justified line whose wide word gaps looked like a gutter cut the column there), so
    the lines of a paragraph are joined across the cut. The reading order is unchanged.
    Regions whose first fragment's id is in `keep` (captions) stay apart."""
    out: list[list[_Frag]] = []
    for region in regions:
        if out and id(region[0]) not in keep and id(out[-1][0]) not in keep:
            above = out[-1]
            h = median(f.h for f in above + region)
            ax0, ax1 = min(f.x0 for f in above), max(f.x1 for f in above)
            bx0, bx1 = min(f.x0 for f in region), max(f.x1 for f in region)
            bottom, top = min(f.y0 for f in above), max(f.y1 for f in region)
            overlap = min(ax1, bx1) - max(ax0, bx0)
            if top <= bottom + 0.3 * h and bottom - top < 1.5 * h \
                    and overlap > 0.5 * min(ax1 - ax0, bx1 - bx0):
                out[-1] = above + region
                continue
        out.append(region)
    return out


def _read_pages(data: bytes) -> tuple[list[list[_Para]], list[tuple[float, float]]]:
    """The paragraphs and size of each page; FileProblem for an encrypted, broken or
    scanned PDF."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        message = str(e).lower()
        if "password" in message:
            raise FileProblem("encrypted PDF: it needs a password; save an unprotected copy") \
                from None
        raise FileProblem(f"broken PDF: it cannot be opened ({e})") from None
    try:
        if len(doc) == 0:
            raise FileProblem("broken PDF: it has no pages")
        if len(doc) > MAX_PAGES:
            raise FileProblem(f"the PDF has {len(doc)} pages: the limit is {MAX_PAGES}")
        pages, sizes = [], []
        for i in range(len(doc)):
            page = doc[i]
            try:
                pages.append(page_paras(page, i))
                sizes.append(page.get_size())
            finally:
                page.close()
    except pdfium.PdfiumError as e:
        raise FileProblem(f"broken PDF: {e}") from None
    finally:
        doc.close()
    if not any(p.text.strip() for page in pages for p in page):
        raise FileProblem(NO_TEXT)
    return pages, sizes


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF; FileProblem for an encrypted, broken or scanned one."""
    pages, _ = _read_pages(data)
    return ["\n".join(p.text for p in page) for page in pages]


# --- running headers and footers ---------------------------------------------------------
# A running header or footer repeats at the same place on every page ("工人日报 2025年5月1日
# 星期四", "要闻 4"), with its number changing; a page number stands alone in the margin.
MARGIN = 0.1   # the top and bottom tenth of a page are its margins (e-paper pages and the
               # test pages of tests/test_pdf_layout.py set headers and folios within 6%)
_FOLIO = re.compile(r"^[-—–·\s]*(?:第\s*)?\d{1,3}\s*(?:版|页|頁)?[-—–·\s]*$"
                    r"|^[-—–\s]*(?:page\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?[-—–\s]*$"
                    r"|^[\u4e00-\u9fff]{2,8}\s*\d{1,3}$|^\d{1,3}\s*[\u4e00-\u9fff]{2,8}$", re.I)   # 要闻 4


def _in_margin(p: _Para, size: tuple[float, float]) -> bool:
    height = size[1]
    return p.bottom >= (1 - MARGIN) * height or p.top <= MARGIN * height


def _running(pages: list[list[_Para]], sizes) -> set[tuple[int, int]]:
    """(page, index) of each running header, footer and page number."""
    from assistant.ingest.page.issue import is_issue_line

    def key(p: _Para) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", p.text))

    seen: dict[str, list[tuple[int, float]]] = {}
    for n, page in enumerate(pages):
        for p in page:
            if _in_margin(p, sizes[n]):
                seen.setdefault(key(p), []).append((n, p.top / sizes[n][1]))
    out: set[tuple[int, int]] = set()
    for n, page in enumerate(pages):
        for k, p in enumerate(page):
            if not _in_margin(p, sizes[n]) and not p.furniture:
                continue
            others = [y for m, y in seen.get(key(p), []) if m != n]
            if p.furniture or any(abs(y - p.top / sizes[n][1]) <= 0.03 for y in others) \
                    or _FOLIO.match(p.text) or is_issue_line(p.text) or _staff_line(p.text):
                out.add((n, k))
    return out


# A page's staff and contact line in its margin: "邮箱：… 新闻热线：… 责编：… 版式：… 检校：…",
# "一审：… 二审：… 三审：…" -- three or more labelled fields, or two with a phone number or an
# e-mail address, no sentence (甘肃法治报_2024-08-09_08, a tune page of tests/data/epaper_pages).
# A byline "文：张三 图：李四" has two fields and no number.
_FIELD = re.compile(r"[\u4e00-\u9fff]{1,4}[：:]")
STAFF_FIELDS = 3


def _staff_line(text: str) -> bool:
    """Three labelled fields, or two with a phone number or an e-mail address (a contact
    line: "邮箱：fzb…@163.com 新闻热线：0931-8151111"), and no sentence."""
    fields = len(_FIELD.findall(text))
    contact = bool(re.search(r"\d[\d-]{6,}|@\w", text))
    return (fields >= STAFF_FIELDS or (fields >= 2 and contact)) and not re.search(r"[。！？]", text)


# --- one text for the whole document -----------------------------------------------------
HEADING_RATIO = 1.15   # a line set this much larger than the body type is a heading


def _body_size(paras: list[_Para]) -> float:
    sizes = Counter()
    for p in paras:
        sizes[round(p.h * 2) / 2] += len(p.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def pdf_document(data: bytes) -> tuple[str, list[str]]:
    """The text of a whole PDF, one paragraph or heading a line (a body paragraph that
    starts indented keeps a two-character indent), and the running header, footer and
    page-number lines taken out of it (for the date and page they give).

    A paragraph cut at the foot of a column or page goes on at the top of the next one:
    when its last line is full and the next region starts with a line of body type that is
    not indented, the two are joined, and captions set between them follow the paragraph.
    A larger type (a headline) or an indented line starts anew."""
    text, furniture, _ = pdf_layout(data)
    return text, furniture


# A headline is set at least this much larger than the body type. Section subheads (小标题)
# and standfirsts inside an article are set larger too, but less: on the tune pages of
# tests/data/epaper_pages subheads are 1.21-1.65x the body and standfirsts 1.39-1.48x,
# headlines, kickers and subtitles 1.90-6.35x (tests/data/pdf_pages: subheads 1.17x,
# titles 2.33x).
HEADLINE_RATIO = 1.8
# Under a headline, a heading vouched for by a byline or source line right under it opens a
# report of its own when it is set at least this much larger than the body; a section
# subhead of a feature whose sections each carry their reporter is set smaller
# (tests/data/pdf_pages: the 科技视点 feature, subheads 1.17x; tests/test_readers.py: a second
# report under a 1.4x headline).
OWN_HEADLINE_RATIO = 1.3


# The ratio `pdf_marked` gives a caption line (set on or right under a picture): no type
# size is 0, so a reader tells captions from body and headline lines.
CAPTION_RATIO = 0.0


def pdf_layout(data: bytes) -> tuple[str, list[str], list[tuple[str, list[str]]]]:
    """`pdf_document`, and for each page its text and its running header/footer lines (so
    an article is given the page it starts on)."""
    text, furniture, per_page, _ = pdf_marked(data)
    return text, furniture, per_page


def pdf_marked(data: bytes) -> tuple[str, list[str], list[tuple[str, list[str]]], list[float]]:
    """`pdf_layout`, and for each line of the text its type size over the body type's (a
    headline is set HEADLINE_RATIO or more times larger; a caption line has CAPTION_RATIO)."""
    pages, sizes = _read_pages(data)
    drop = _running(pages, sizes)
    per_page = [(" ".join(p.text for k, p in enumerate(page) if (n, k) not in drop),
                 [p.text for k, p in enumerate(page) if (n, k) in drop])
                for n, page in enumerate(pages)]
    furniture = [p.text for n, page in enumerate(pages) for k, p in enumerate(page) if (n, k) in drop]
    paras = [p for n, page in enumerate(pages) for k, p in enumerate(page) if (n, k) not in drop]
    body = _body_size(paras)
    paras = _name_after_vertical_headline(_before_vertical_headline(_headlines_first(paras, body), body), body)
    paras = _columns_under_headline(paras, body)
    table = _table_cells(paras) | _standalone_captions(paras, body) | _graphic_notes(paras, body)
    furniture += [p.text for p in paras if id(p) in table]
    paras = [p for p in paras if id(p) not in table]
    lowest: dict[int, list[float]] = {}   # the two lowest paragraph tops of each page
    for q in paras:
        lowest[q.page] = sorted(lowest.get(q.page, []) + [q.top])[:2]
    out: list[str] = []
    ratios: list[float] = []
    last: int | None = None      # where in `out` the last body paragraph is
    last_para: _Para | None = None
    with_body: set[tuple[int, int]] = set()   # regions where body text has started
    for p in paras:
        is_body = body and abs(p.h - body) <= 0.05 * body and not p.caption   # 9 and 10 point differ by 10%
        region = (p.page, p.region)
        if is_body and last_para is not None and region not in with_body \
                and (last_para.page, last_para.region) != region and last_para.full_end \
                and not p.indented and last_was_region_end(paras, last_para) \
                and not _page_foot(lowest, p, sizes[p.page]):
            out[last] = join_wrapped(out[last], p.text)
            last_para = p
            with_body.add(region)
            continue
        text = ("\u3000\u3000" + p.text) if (is_body and p.indented) else p.text
        out.append(text)
        # A headline's ratio is at least HEADLINE_RATIO (a vertical subtitle at 1.6x too), any
        # other line's under it (a line in headline type cut mid-sentence is body).
        ratio = p.h / body if body else 1.0
        if p.caption:
            ratios.append(CAPTION_RATIO)
            continue
        ratios.append(max(ratio, HEADLINE_RATIO) if _is_headline(p, body) else min(ratio, 0.99 * HEADLINE_RATIO))
        if _is_headline(p, body):
            last_para = None   # text after a headline is another article's: never joined across it
        if is_body:
            last, last_para = len(out) - 1, p
            with_body.add(region)
    return "\n".join(out), furniture, per_page, ratios


def _is_vertical(p: _Para) -> bool:
    """A paragraph of vertical text: a column far taller than wide, one character wide."""
    width = p.x1 - p.x0
    return len(p.text) > 1 and p.top - p.bottom > 1.5 * width and abs(width - p.h) <= 0.3 * p.h


def _is_headline(p: _Para, body: float) -> bool:
    """Set in headline type, and not a line cut mid-sentence (a body line whose few
    characters measured tall: "……活动；定"). Vertical text set larger than the body is a
    headline or its subtitle (a vertical subtitle beside its title at 1.6x: 甘肃法治报_2024-08-09_08,
    a tune page of tests/data/epaper_pages)."""
    t = p.text.rstrip()
    ratio = OWN_HEADLINE_RATIO if _is_vertical(p) else HEADLINE_RATIO
    return bool(body) and p.h >= ratio * body and bool(t) \
        and t[-1] not in "，,、；;：:" and "。" not in t


def _before_vertical_headline(paras: list[_Para], body: float) -> list[_Para]:
    """A line cut mid-sentence right before a vertical headline, whose sentence goes on in
    another region right after it, is the article's first line set above the headline's
    top (本报讯（新 / 甘肃·甘肃法治报…): it moves after the headline, where it is joined."""
    out = list(paras)
    k = 0
    while k < len(out) - 2:
        p = out[k]
        is_body = abs(p.h - body) <= 0.05 * body
        j = k + 1
        # The vertical headline, and the author's name set vertical beside it (思想纵横 pieces of
        # 人民日报_2018-01-03_07, a tune page of tests/data/epaper_pages).
        while j < len(out) and out[j].page == p.page and _is_vertical(out[j]) \
                and (_is_headline(out[j], body) or len(out[j].text.replace(" ", "")) <= 8):
            j += 1
        run = out[k + 1:j]
        if is_body and p.full_end and p.text.rstrip()[-1:] not in "。！？”" \
                and any(_is_headline(q, body) for q in run) \
                and j < len(out) and abs(out[j].h - body) <= 0.05 * body and not out[j].indented \
                and out[j].region != p.region:
            # Vertical lines read right to left: the headline, then the name left of it.
            out[k:j] = sorted(run, key=lambda q: -q.x1) + [p]
            k = j
            continue
        k += 1
    return out


_SENTENCE_MARKS = re.compile(r"[，。、；！？“”,;!?]")
TABLE_MIN = 5   # lines in a run of cells, at least two of them with figures


def _cell_like(p: _Para) -> bool:
    """A table cell or a row of them: no sentence punctuation ("晴转多云", "17~4",
    "城市大连鞍山抚顺…", "16~113~-218~3…")."""
    from assistant.ingest.page.bylines import is_byline_line

    t = p.text.replace(" ", "")
    return bool(t) and not _SENTENCE_MARKS.search(t) and not is_byline_line(p.text)


def _table_cells(paras: list[_Para]) -> set[int]:
    """ids of the paragraphs of a table (a weather table, a price list): a run of at least
    TABLE_MIN cell-like lines in reading order, two of them with figures. Not article
    text: they go with the page's furniture. Fitted on the weather table of
    辽沈晚报_2021-03-23_05 (a tune page of tests/data/epaper_pages)."""
    out: set[int] = set()
    run: list[_Para] = []
    for p in paras + [None]:
        if p is not None and _cell_like(p) and (not run or run[-1].page == p.page):
            run.append(p)
            continue
        if len(run) >= TABLE_MIN and sum(1 for q in run if any(c.isdigit() for c in q.text)) >= 2:
            out.update(id(q) for q in run)
        run = [p] if p is not None and _cell_like(p) else []
    return out


# The notes a chart carries under it: where its figures come from and who drew it.
_GRAPHIC_NOTE = re.compile(r"^(?:数据来源|资料来源|数据|来源|本版制图|制图|图表制作)[：:]")


def _graphic_notes(paras: list[_Para], body: float) -> set[int]:
    """ids of the lines under a picture that are an information graphic's notes, not a
    photo's caption: the group names no photographer and opens with a source or drawing
    credit (数据来源：国家统计局…, 制图：…). They belong to no article: the page's furniture
    (人民日报_2018-01-03_07, a fit page of tests/data/epaper_pages: the lead's graphic of
    党的十八大以来 figures, its 数据来源 line read as the lead's caption)."""
    from assistant.ingest.page.credits import caption_photographers

    out: set[int] = set()
    groups: dict[tuple[int, int], list[_Para]] = {}
    after_head: set[tuple[int, int]] = set()
    prev: _Para | None = None
    for p in paras:
        if p.caption:
            key = (p.page, p.region)
            if key not in groups and prev is not None and _is_headline(prev, body):
                after_head.add(key)   # a graphic under its own title: the reader drops both
            groups.setdefault(key, []).append(p)
        else:
            prev = p
    for key, group in groups.items():
        if key in after_head:
            continue
        text = " ".join(q.text for q in group)
        if _GRAPHIC_NOTE.match(group[0].text.strip()) and not caption_photographers(text):
            out.update(id(q) for q in group)
    return out


def _standalone_captions(paras: list[_Para], body: float) -> set[int]:
    """ids of the caption lines of a picture that stands alone: set outside the span of the
    headline it would be read under (the last headline before it on its page, set across
    its article's columns), as a picture set at the foot of another column is. It belongs
    to no article: its caption goes with the page's furniture, as the labels of the fit
    pages of tests/data/epaper_pages have it (人民日报_2018-01-04_07: the river photo under the
    right column, read after 社会主要矛盾新变化与民族复兴新境界, whose photographer it is not;
    人民日报_2018-01-03_07: a graphic's 数据来源 at the foot of the right column). A vertical
    headline heads the columns beside it: its pictures are not judged."""
    out: set[int] = set()
    head: _Para | None = None
    k = 0
    while k < len(paras):
        p = paras[k]
        if _is_headline(p, body) and not p.caption:
            head = p
        if not p.caption or head is None or head.page != p.page or _is_vertical(head):
            k += 1
            continue
        group = [q for q in paras[k:] if (q.page, q.region) == (p.page, p.region)]
        x0, x1 = min(q.x0 for q in group), max(q.x1 for q in group)
        if x0 >= head.x1 + body or x1 <= head.x0 - body:
            out.update(id(q) for q in group)
        k += len(group)
    return out


def _columns_under_headline(paras: list[_Para], body: float) -> list[_Para]:
    """A column that starts right under a headline (within two lines of its foot, under its
    span) is that headline's article's, even when the XY cut read it after another article
    (a side column whose top holds the last paragraphs of the article beside it, with a
    table under them: 辽沈晚报_2021-03-23_05, a tune page of tests/data/epaper_pages). Its
    paragraphs move to the end of that article: right before the next headline after the
    owner's in reading order."""
    out = list(paras)
    heads = [p for p in out if _is_headline(p, body) and not _is_vertical(p)]
    seen: set[tuple[int, int]] = set()
    k = 0
    while k < len(out):
        p = out[k]
        region = (p.page, p.region)
        if region in seen or _is_headline(p, body):
            k += 1
            continue
        seen.add(region)
        width = p.x1 - p.x0
        owners = [h for h in heads if h.page == p.page and h.bottom >= p.top
                  and min(h.x1, p.x1) - max(h.x0, p.x0) >= 0.3 * width]
        owner = min(owners, key=lambda h: h.bottom, default=None)
        if owner is None or owner.bottom - p.top > 2 * body:
            k += 1
            continue
        at = out.index(owner)
        end = at + 1
        while end < len(out) and _is_headline(out[end], body) and out[end].region == owner.region:
            end += 1   # the owner's own subtitle
        nxt = next((j for j in range(end, k) if _is_headline(out[j], body)), None)
        if nxt is None:
            k += 1
            continue
        run = [q for q in out[k:] if (q.page, q.region) == region]
        rest = [q for q in out[nxt:] if (q.page, q.region) != region]
        out = out[:nxt] + run + rest
        k = nxt + len(run)
    return out


def _is_vertical_name(p: _Para, body: float) -> bool:
    """A short vertical line not in headline type: the author's name set beside a vertical
    headline (人民日报 思想纵横 / 大家手笔 pieces)."""
    return _is_vertical(p) and not _is_headline(p, body) and len(p.text.replace(" ", "")) <= 8


def _name_after_vertical_headline(paras: list[_Para], body: float) -> list[_Para]:
    """Vertical lines read right to left, but the XY cut reads columns left to right: the
    author's name set left of a vertical headline came before it and went to the article
    above. It moves right after the headline (人民日报_2018-01-04_07, a tune page of
    tests/data/epaper_pages), and a run of vertical headline lines is read right to left."""
    out = list(paras)
    for k in range(1, len(out)):
        h, q = out[k], out[k - 1]
        if _is_vertical(h) and _is_headline(h, body) and _is_vertical_name(q, body) \
                and q.page == h.page and q.x1 <= h.x0 + 0.5 * body:
            out[k - 1], out[k] = h, q
    # A vertical title with its vertical subtitle and the author's name beside it: the
    # title (the largest type) first, then the others right to left (金川警方破获一起特大传销案
    # with its subtitle right of it, 甘肃法治报_2024-08-09_08, a tune page).
    k = 0
    while k < len(out):
        j = k
        while j < len(out) and out[j].page == out[k].page and _is_vertical(out[j]) \
                and (_is_headline(out[j], body) or _is_vertical_name(out[j], body)):
            j += 1
        if j - k >= 2:
            top = max(out[k:j], key=lambda q: q.h)
            out[k:j] = [top] + sorted((q for q in out[k:j] if q is not top), key=lambda q: -q.x1)
        k = max(j, k + 1)
    return out


def _headlines_first(paras: list[_Para], body: float) -> list[_Para]:
    """A headline set over the right-hand columns of its article, with the article's first
    column (its byline and opening) starting beside it on the left, is read before that
    column: the XY cut reads the left column first. The column is the run of paragraphs
    just before the headline, all left of it, the first starting level with it (its top
    between the headline's foot and top); the headline and the headline lines right under
    it (its subtitle) move up before the run. Fitted on 岷县检察 (甘肃法治报_2024-08-09_08,
    a tune page of tests/data/epaper_pages)."""
    out = list(paras)
    k = 0
    while k < len(out):
        h = out[k]
        if not _is_headline(h, body):
            k += 1
            continue
        end = k + 1
        while end < len(out) and _is_headline(out[end], body) and out[end].page == h.page \
                and out[end].region == h.region:
            end += 1
        # A vertical headline's author name set vertical beside it goes with it (李君如 left
        # of 迈向强起来的新时代, between the box's two text columns: 人民日报_2018-01-30_07).
        first = k
        while _is_vertical(h) and first > 0 and out[first - 1].page == h.page \
                and _is_vertical_name(out[first - 1], body):
            first -= 1
        start = first
        while start > 0:
            q = out[start - 1]
            if q.page != h.page or q.x1 > h.x0 or q.region == h.region or _is_headline(q, body) \
                    or q.top > h.top + 0.5 * body \
                    or (_is_vertical(h) and q.top < h.bottom - 0.5 * body):   # not beside it
                break
            start -= 1
        if start < first and out[start].top >= h.bottom - 0.5 * body \
                and (start == 0 or out[start - 1].region != out[start].region):
            out[start:end] = out[first:end] + out[start:first]
        k = end
    return out


def _page_foot(lowest: dict[int, list[float]], p: _Para, size: tuple[float, float]) -> bool:
    """Whether p is a line at the foot of its page, in the bottom margin with nothing under
    it (a footer "邮箱：… 新闻热线：…" on a page without a repeating one): never the end of
    a sentence cut at a column foot. `lowest`: the two lowest paragraph tops of each page."""
    tops = list(lowest.get(p.page, []))
    if p.top in tops:
        tops.remove(p.top)
    return p.top <= MARGIN * size[1] and not any(t < p.bottom for t in tops)


def last_was_region_end(paras: list[_Para], p: _Para) -> bool:
    """Whether p is the last paragraph of its region (nothing under it in its column)."""
    return not any(q is not p and (q.page, q.region) == (p.page, p.region) and q.top < p.bottom
                   for q in paras)
