"""Walking a page's lines once: a heading block (kicker, title, subtitle) that a byline,
the article's source line or the layout vouches for starts an article; bylines, captions,
end notes, signatures and subheadings go to the article they belong to."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from assistant.ingest.page.bylines import (BOX_LABEL, BYLINE, DATELINE_ONLY, ORG_CREDIT,
                                           PLACE_SIGNATURE, is_byline_line, is_signoff, names_only)
from assistant.ingest.page.credits import (PHOTO_CUE, SENTENCE_END, credit_only, is_photo_credit,
                                           photo_credit)
from assistant.ingest.page.drafts import Draft
from assistant.ingest.page.headings import (is_heading_line, is_kicker, is_subtitle,
                                            is_weak_heading, rejoin_titles, split_column)
from assistant.ingest.page.lines import Line
from assistant.ingest.page.marks import (CAPTION_MAX, CLAUSE_MARK, HEADING_MAX, LONG_HEADING_MAX,
                                         NOTE_MAX, PULLED_CAPTION_MAX, is_closed)

_LABELLED_SUBHEAD = re.compile(r"[^，,；;：:\s]{2,8}[：:][^，,；;：:]{2,20}")

# The line after a caption continues the broken sentence: it opens with punctuation or
# with a one- or two-character remainder such as "过。".
_CONTINUES = re.compile(r"^(?:[，,、；;：:。！？!?）)》”’]|[^\s，,。！？!?]{1,2}[。！？!?])")

# An end note closes an article: "（罗鑫、罗超参与采写）", "（作者为…）", "〔作者系…〕",
# "（据新华社电）", "（责任编辑 …）", "（陈猛）", or a final dateline "新华社北京4月26日电".
_ENUMERATOR = re.compile(r"^[（(〔\[【]\s*[\d一二三四五六七八九十]{1,3}\s*[)）〕\]】]$")
_PAIRS = {"（": "）", "(": ")", "〔": "〕", "[": "]", "【": "】"}
_NOTE_OPENERS = "（(〔"


def _wrapped(text: str) -> bool:
    """Whether the whole line sits inside one pair of brackets."""
    if len(text) < 3 or text[0] not in _PAIRS or text[-1] != _PAIRS[text[0]]:
        return False
    opener, closer = text[0], _PAIRS[text[0]]
    depth = 0
    for k, ch in enumerate(text):
        if ch == opener or (opener in "（(" and ch in "（("):
            depth += 1
        elif ch == closer or (opener in "（(" and ch in "）)"):
            depth -= 1
            if depth == 0 and k != len(text) - 1:
                return False
    return depth == 0


def _is_note_text(text: str) -> bool:
    return len(text) <= NOTE_MAX and text[0] in _NOTE_OPENERS and _wrapped(text) \
        and not _ENUMERATOR.match(text)


# A numbered section heading inside an article: "（一）三十年再聚首", "一、加强组织领导", "1.人员到位".
_NUMBERED = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、．.]|\d{1,2}[、．.](?!\d))")
# An editor's note: "编者按：…", "【编者按】…", "编者的话", "编前", "编后".
_EDITOR_NOTE = re.compile(r"^[【\[（(]?\s*(?:编者按语?|編者按語?|编者的话|編者的話|编前|編前|编后语?|編後語?)\s*[】\]）)]?\s*[:：]?")


@dataclass
class _Block:
    """A heading block being read: its draft, the line after it (`end`), the lines its
    headings stand on, how many of them are strong heading lines (not only ！/？ lines),
    and whether a byline or source line vouches for it."""

    draft: Draft
    end: int
    heads_at: list[int]
    strong: int
    confirmed: bool = False


class PageParser:
    """Walks the lines of a page once, starting an article at each heading block."""

    def __init__(self, lines: list[Line], markdown: bool = False):
        self.lines = lines
        # Markdown ends a paragraph at a blank line (a line break inside one is a soft wrap),
        # so a subhead set on a line of its own never runs into the paragraph under it.
        self.markdown = markdown
        gaps = Counter(line.gap for line in lines[1:])
        # Paragraphs are separated by the usual gap; a wider one marks where a photo sat,
        # or (where paragraphs follow each other without one) where an article ends.
        self.usual_gap = gaps.most_common(1)[0][0] if gaps else 0
        self.has_gaps = any(line.gap for line in lines[1:])
        # Body paragraphs are indented two characters (段首空两格) where the page keeps
        # indentation at all; headings are not.
        body = [line for line in lines if len(line.text) >= 20 or is_closed(line.text)]
        self.indented = bool(body) and 2 * sum(ln.indent for ln in body) >= len(body)
        # Where the page signs its articles under the text (署名在文末, as evening papers
        # do: "…。    本报记者  左妍"), a credit line after a paragraph closes what is above
        # it instead of opening an article that lost its headings.
        self.signed_below = bool(lines) and is_signoff(lines[-1].text)
        # A Markdown archive marks each item with a heading ("### 标题"): a second dispatch
        # under it ("【新华社延安十四日电】…") belongs to the same item.
        self.md_items = sum(line.md_start for line in lines) >= 2
        # One paragraph a line, no indentation and no blank lines (text from a database
        # such as CNKI): a short line above a whole paragraph is not a sentence cut short.
        long_lines = [line for line in lines if len(line.text) > LONG_HEADING_MAX]
        self.line_paragraphs = not self.indented and self.usual_gap == 0 and len(long_lines) >= 3 \
            and 10 * sum(is_closed(line.text) for line in long_lines) >= 8 * len(long_lines)

    # -- walking the page -----------------------------------------------------------
    def parse(self, detect_headings: bool = True) -> list[Draft]:
        drafts: list[Draft] = []
        cur: Draft | None = None
        i = 0
        n = len(self.lines)
        while i < n:
            line = self.lines[i]
            text = line.text
            if (line.after_end or (self.md_items and line.md_start)) and detect_headings \
                    and cur is not None and cur.started:
                cur.close()
                cur = None   # the article above ended at its source line
            if line.credit_block:
                # A row of the credit block closing the article (来源/文字/图片/审核 …).
                if cur is None:
                    cur = Draft()
                    drafts.append(cur)
                cur.close()
                cur.paragraphs.append(text)
                cur.credits.append(text)
                cur.ended = True
                i += 1
                continue
            block = self._heading_block(i, cur) if detect_headings else None
            if block is not None:
                i, new = block
                cur = self._place_block(drafts, cur, new)
                continue
            if detect_headings and _EDITOR_NOTE.match(text) and not (cur and cur.byline):
                # An editor's note (编者按) goes with the article it introduces: above its
                # text when it stands under the headings, and before the headings it precedes.
                if cur is None or cur.started:
                    if cur is not None:
                        cur.close()
                    cur = Draft()
                    drafts.append(cur)
                cur.standfirst.append(text)
                i += 1
                continue
            if cur is None:
                cur = Draft()
                drafts.append(cur)
            if cur.pending is not None and (
                    (self.indented and line.indent)
                    or (self.usual_gap == 0 and self.has_gaps and line.gap > 0)
                    or (self.markdown and line.gap > 0)):
                # An indented line, or a blank line where paragraphs have none between
                # them, starts a new paragraph.
                cur.close()
            if cur.started and self._is_end_note(i):
                cur.close()
                cur.paragraphs.append(text)
                cur.notes.append(text)
                cur.ended = True
            elif is_photo_credit(text) or (cur.pending is not None and self._is_inline_caption(i)):
                self._caption(cur, i)
            elif detect_headings and cur.started and self.signed_below and is_signoff(text):
                cur.close()
                if i > 0 and is_signoff(self.lines[i - 1].text) and cur.signoffs:
                    cur.signoffs[-1] = f"{cur.signoffs[-1]} {text}"   # one credit over two lines
                else:
                    cur.signoffs.append(text)
            elif detect_headings and cur.started and cur.pending is None and BYLINE.match(text) \
                    and not names_only(text) and not self.md_items:
                # A byline after a finished paragraph opens an article that lost its headings.
                cur = Draft(in_group=cur.in_group)
                drafts.append(cur)
                cur.add_body(text)
            elif detect_headings and cur.started and not cur.byline and cur.pending is None and (
                    (names_only(text) and self._ends_article(i)) or PLACE_SIGNATURE.match(text)):
                # A signature under the text (署名在文末): the byline of a piece without one.
                cur.close()
                cur.byline = text
            else:
                cur.add_body(text, standalone=self._is_subheading(i))
            i += 1
        if cur is not None:
            cur.close()
        return self._finished(drafts)

    def _place_block(self, drafts: list[Draft], cur: Draft | None, new: Draft) -> Draft:
        """Where the draft of a heading block goes: a new article after `cur`, or, when
        `cur` has no text yet, more of its headings or the piece under its banner. Returns
        the draft the next lines go to."""
        if cur is not None and not cur.started and self._photo_credited(cur):
            # A headline and a credited caption with no body: a finished photo story.
            drafts.append(new)
            cur = new
        elif cur is not None and not cur.started:
            if new.confirmed and (cur.byline or cur.headings and (cur.sealed or (
                    self.indented and new.indent and not cur.indent))):
                # A banner with its own source line over several pieces (纵横,
                # a group of reports under one headline): not their heading.
                new.in_group = True
                drafts[-1] = new
                cur = new
            else:
                cur.headings += new.headings
                cur.captions += new.captions
                cur.byline = cur.byline or new.byline
                cur.sealed = cur.sealed or new.sealed
                cur.confirmed = cur.confirmed or new.confirmed
        else:
            if cur is not None:
                cur.close()
                new.in_group = cur.in_group and not new.sealed
            cur = new
            drafts.append(cur)
        return cur

    def _finished(self, drafts: list[Draft]) -> list[Draft]:
        """The drafts as articles: standfirsts and signatures in place, photo stories' text
        and credits told apart, drafts without body text (stray headings) dropped."""
        out = []
        for d in drafts:
            d.paragraphs = d.standfirst + d.paragraphs
            if d.signoffs and not d.byline and len(d.signoffs) == 1:
                d.byline = d.signoffs[0]   # several signed parts (a round-up): names only
            if not d.paragraphs and d.headings and self._photo_credited(d):
                self._photo_story(d)
            elif len(d.paragraphs) == 1 and d.headings and not d.byline and not d.captions:
                # A photo story whose caption runs on one line with its credit: "…图为
                # 当日拍摄的施工现场。 新华社记者 陈思汗摄", "… 王毅摄/光明图片".
                ends = list(SENTENCE_END.finditer(d.paragraphs[0]))
                if ends and credit_only(d.paragraphs[0][ends[-1].end():].strip()):
                    d.captions = [d.paragraphs[0][ends[-1].end():].strip()]
                    d.paragraphs = [d.paragraphs[0][:ends[-1].end()]]
            # A draft without body text is a stray heading or caption, not an article.
            if d.paragraphs:
                out.append(d)
        return out

    def _caption(self, cur: Draft, i: int) -> None:
        text = self.lines[i].text
        if credit_only(text) and cur.paragraphs and cur.pending is None \
                and not cur.ended and len(cur.paragraphs[-1]) <= PULLED_CAPTION_MAX \
                and (cur.byline or not self._ends_article(i)) \
                and (len(cur.paragraphs) > 1 or cur.byline) \
                and (self._ends_article(i) or PHOTO_CUE.match(cur.paragraphs[-1])):
            # "图为…。" then "刘佳良摄" on the next line: the line above the credit is its
            # caption. (At the end of a piece without a byline the text is the caption of
            # a photo story and stays its body.)
            cur.captions.append(f"{cur.paragraphs.pop()} {text}")
            return
        cur.add_caption(text)

    @staticmethod
    def _photo_credited(d: Draft) -> bool:
        return any(photo_credit(c) for c in d.captions)

    @staticmethod
    def _photo_story(d: Draft) -> None:
        """A photo story (a headline, caption text and a credit, no body): its caption text
        is its body and the credit its caption, not one long heading."""
        title, rest = d.headings[0], d.headings[1:]
        d.headings = [title]
        body, credits = list(rest), []
        for c in d.captions:
            split = photo_credit(c)
            if split and split[0]:
                body.append(split[0])
                credits.append(split[1])
            else:
                credits.append(c)
        d.paragraphs = body
        d.captions = credits

    # -- heading blocks -----------------------------------------------------------------
    def _heading_block(self, i: int, cur: Draft | None) -> tuple[int, Draft] | None:
        """If a new article starts at line i, return where its body starts and its draft."""
        if not self._may_open(i, cur):
            return None
        n = len(self.lines)
        at_start = cur is None or not cur.started
        block = self._read_block(i)
        draft = block.draft
        block.confirmed = bool(draft.byline) or draft.sealed
        if draft.headings and not block.confirmed and block.end < n and self._standfirst_at(block.end):
            self._take_standfirst(block)
        self._give_back_body(block, at_start)
        if block.end == i:
            return None
        if draft.headings and is_kicker(draft.headings[-1]) and not draft.byline \
                and block.heads_at and block.heads_at[-1] == block.end - 1:
            return None   # a kicker leads into a title; a "——" line before body text is body
        self._take_captions(block)
        self._cut_banner(block)
        if cur is not None and cur.started and not block.confirmed \
                and any(_NUMBERED.match(h) for h in draft.headings):
            return None   # "（一）三十年再聚首": a numbered section of the article, not a new one
        draft.headings = rejoin_titles(draft.headings)
        draft.confirmed = block.confirmed
        return (block.end, draft) if self._opens_article(i, cur, block) else None

    def _may_open(self, i: int, cur: Draft | None) -> bool:
        """Whether line i can open a heading block at all: a byline or a heading line, and
        not an end note, a box label or a signature under the text of `cur`."""
        first = self.lines[i]
        t0 = first.text
        pending_open = cur is not None and cur.pending is not None
        if cur is not None and cur.started and (self._is_end_note(i) or _is_note_text(t0)
                                                or BOX_LABEL.match(t0)):
            return False
        if cur is not None and cur.started and not cur.byline and (
                (names_only(t0) and self._ends_article(i))
                or (PLACE_SIGNATURE.match(t0) and cur.pending is None)):
            return False   # a signature under the text, see parse()
        if cur is not None and cur.started and self.signed_below and is_signoff(t0):
            return False   # a credit signing the text above, see parse()
        if not (is_byline_line(t0) or self._heading_at(i) or self._long_kicker(i)
                or (not pending_open and is_weak_heading(t0))):
            return False
        if cur is not None and not cur.started and (cur.sealed or cur.byline) \
                and not is_byline_line(t0):
            # The heading block ended at the source line or the byline; what follows is
            # body, unless a byline shows the line opens a piece of its own.
            if not self._confirmed_ahead(i):
                return False
        return True

    def _read_block(self, i: int) -> _Block:
        """The heading lines from line i on (kicker, title, subtitle), with the byline and
        source line that close them, up to the first line of body."""
        lines, n = self.lines, len(self.lines)
        first = lines[i]
        draft = Draft(indent=first.indent)
        strong = 0
        j = i
        heads_at: list[int] = []
        while j < n:
            ln = lines[j]
            t = ln.text
            if j > i and ln.after_edition:
                draft.sealed = True
                if ln.credit:
                    draft.byline = f"{draft.byline} {t}".strip()
                    j += 1
                while j < n and (is_byline_line(lines[j].text)
                                 or (names_only(lines[j].text) and self._body_follows(j))):
                    draft.byline = f"{draft.byline} {lines[j].text}".strip()
                    j += 1
                break
            if j > i and self.indented and ln.indent != first.indent \
                    and not is_byline_line(t) and not names_only(t):
                break   # a heading block keeps one margin; an indented line is the body
            if is_byline_line(t):
                draft.byline = f"{draft.byline} {t}".strip()
            elif draft.headings and names_only(t) and self._body_follows(j):
                draft.byline = f"{draft.byline} {t}".strip()
            elif draft.headings and ORG_CREDIT.fullmatch(t) and j + 1 < n and lines[j + 1].after_edition:
                # An institution signing the article, right above its source line.
                draft.byline = f"{draft.byline} {t}".strip()
            elif draft.byline and not is_photo_credit(t):
                break   # headings come before the byline
            elif draft.headings and is_subtitle(t):
                draft.headings.append(t)
                heads_at.append(j)
                strong += 1
            elif draft.headings and not draft.byline and self._standfirst_at(j):
                break   # 提要 lines open the text, see _take_standfirst
            elif j == i and self._long_kicker(j):
                draft.headings.append(t)
                heads_at.append(j)
                strong += 1
            elif self._heading_at(j):
                draft.headings.append(t)
                heads_at.append(j)
                strong += 1
            elif is_weak_heading(t):
                draft.headings.append(t)
                heads_at.append(j)
            elif is_photo_credit(t):
                draft.add_caption(t)
                if draft.headings:
                    j += 1
                    break   # a credited caption under a headline: the block (or photo story) ends
            else:
                break
            j += 1
        return _Block(draft, j, heads_at, strong)

    def _take_standfirst(self, block: _Block) -> None:
        """提要 (standfirst) lines between the headings and an inline byline ("本报讯 …"):
        long lines without a sentence end that open the article's text."""
        lines, draft, heads_at, j = self.lines, block.draft, block.heads_at, block.end
        while len(draft.headings) >= 2 and heads_at and heads_at[-1] == j - 1 \
                and CLAUSE_MARK.search(draft.headings[-1]) and not is_subtitle(draft.headings[-1]):
            # the first 提要 line can be short: "应复尽复，应放尽放，不能层层加码"
            draft.standfirst.insert(0, draft.headings.pop())
            heads_at.pop()
        k = j
        while not BYLINE.match(lines[k].text):
            if is_photo_credit(lines[k].text):
                draft.add_caption(lines[k].text)
            else:
                draft.standfirst.append(lines[k].text)
            k += 1
        block.confirmed = True
        block.end = k

    def _give_back_body(self, block: _Block, at_start: bool) -> None:
        """Without a byline to confirm it, a last block line that reads like the start of
        the body (a clause mark inside, or a lowercase continuation below) goes back."""
        lines, n, draft, heads_at = self.lines, len(self.lines), block.draft, block.heads_at
        j = block.end
        while not block.confirmed and draft.headings and heads_at and heads_at[-1] == j - 1 \
                and j < n and not BYLINE.match(lines[j].text) \
                and (lines[j].text[0].islower() or (
                    CLAUSE_MARK.search(lines[j - 1].text)
                    and not (self.line_paragraphs and is_closed(lines[j].text))
                    and not (self.usual_gap >= 1 and lines[j].gap == 0 and at_start and (
                        is_closed(lines[j].text) or len(lines[j].text) > LONG_HEADING_MAX)))):
            if is_heading_line(draft.headings.pop()):
                block.strong -= 1
            heads_at.pop()
            j -= 1
        block.end = j

    def _take_captions(self, block: _Block) -> None:
        """Up to two short lines between the headings and a byline are captions (and a
        photo credit on a line of its own under them)."""
        lines, n, j = self.lines, len(self.lines), block.end
        k = j
        while k < n and len(lines[k].text) <= CAPTION_MAX and not lines[k].deck \
                and not BYLINE.match(lines[k].text) and not lines[k].after_edition \
                and ((k - j < 2 and is_closed(lines[k].text)) or credit_only(lines[k].text)):
            k += 1
        if k > j and k < n and BYLINE.match(lines[k].text) and not self._is_end_note(k):
            block.confirmed = True
            for line in lines[j:k]:
                block.draft.add_caption(line.text)
            j = block.end = k
        if j < n and BYLINE.match(lines[j].text):
            block.confirmed = True
        if block.draft.headings and split_column(block.draft.headings[0])[0] is not None \
                and j < n and is_closed(lines[j].text):
            # "党建专栏|…": a column name set before the line with a bar marks a headline
            # (WeChat and school news; tests/data/staff_files, tune).
            block.confirmed = True

    def _cut_banner(self, block: _Block) -> None:
        """A long run of headline lines over a gap is a list of other headlines above the
        article (a web page's "相关新闻"); where paragraphs have no blank line between
        them, a blank line inside a confirmed block sets a banner apart from the
        article's own headings. Either way the article's block starts after the gap."""
        draft = block.draft
        if len(draft.headings) >= 4 or (block.confirmed and self.usual_gap == 0 and self.has_gaps):
            cut = max((p for p, at in enumerate(block.heads_at)
                       if p and self.lines[at].gap > self.usual_gap), default=0)
            if cut:
                draft.headings = draft.headings[cut:]
                block.strong = max(0, block.strong - cut)

    def _opens_article(self, i: int, cur: Draft | None, block: _Block) -> bool:
        """Whether the block read from line i starts an article, by what vouches for it
        (a byline, a source line, the layout) and by what `cur` above it holds."""
        first, n = self.lines[i], len(self.lines)
        draft, j, strong, confirmed = block.draft, block.end, block.strong, block.confirmed
        pending_open = cur is not None and cur.pending is not None
        at_start = cur is None or not cur.started
        if j >= n and not (draft.captions and draft.headings):
            if strong >= 2 and not pending_open and not at_start and self._separated(i) \
                    and first.gap > 0:
                return True   # a list of other headlines after the last article: dropped
            return False  # nothing follows: trailing short lines of the last article
        # One short line after a finished paragraph is a subheading and one after a broken
        # paragraph is its continuation, unless a byline confirms a new article. Two or more
        # short unfinished lines in a row start an article where the layout agrees: at the
        # margin of an indented page, after a blank line where paragraphs have none.
        separated = self._separated(i)
        if at_start or (confirmed and (draft.headings or not pending_open)):
            return True
        if pending_open:
            return strong >= 2 and separated and not self.indented
        if strong >= 2 and separated:
            return True
        if strong >= 1 and (cur.ended or cur.in_group) and self._body_follows(j - 1):
            return True   # after an end note, or between the short pieces under a banner
        if strong >= 1 and separated and self.has_gaps and self.usual_gap == 0 and first.gap > 0 \
                and (self.indented or not first.indent):
            return True   # a headline after a blank line where paragraphs have none
        return False

    def _standfirst_at(self, j: int) -> bool:
        """Whether line j is a 提要 (standfirst) line: long, in clauses, unfinished, and
        followed (after at most two more such lines) by an inline byline with text after it."""
        lines, n = self.lines, len(self.lines)
        k = j
        while k < n and k - j < 4 and HEADING_MAX < len(lines[k].text) \
                and CLAUSE_MARK.search(lines[k].text) and not is_closed(lines[k].text) \
                and not BYLINE.match(lines[k].text):
            k += 1
        if k == j:
            return False
        while k < n and k - j < 8 and is_photo_credit(lines[k].text):
            k += 1   # photo captions set between them and the text
        m = BYLINE.match(lines[k].text) if k < n else None
        return bool(m) and m.end() < len(lines[k].text)

    def _long_kicker(self, j: int) -> bool:
        """A long kicker (引题, often a quote: "某某：坚定信心、毫不松懈，…") over a shorter
        title, the block vouched for by the byline under it."""
        t = self.lines[j].text
        return len(t) > HEADING_MAX and is_heading_line(t, LONG_HEADING_MAX) \
            and j + 1 < len(self.lines) and self._heading_at(j + 1) and self._confirmed_ahead(j + 1)

    def _heading_at(self, j: int) -> bool:
        """Whether line j reads as a heading line (kicker, title, subtitle)."""
        if self.lines[j].deck:
            return True
        t = self.lines[j].text
        limit = HEADING_MAX
        nxt = self.lines[j + 1] if j + 1 < len(self.lines) else None
        after = self.lines[j + 2] if j + 2 < len(self.lines) else None
        if nxt is not None and (nxt.after_edition or is_byline_line(nxt.text)
                                or BYLINE.match(nxt.text)
                                or (names_only(nxt.text) and after is not None and after.after_edition)):
            limit = LONG_HEADING_MAX   # a long headline, vouched for by what follows
        elif nxt is not None and self.lines[j].after_end and self.usual_gap >= 1 and nxt.gap == 0:
            limit = LONG_HEADING_MAX   # an item's title line, its text right under it
        elif nxt is not None and self.lines[j].after_credits and is_closed(nxt.text) \
                and len(nxt.text) > LONG_HEADING_MAX:
            limit = LONG_HEADING_MAX   # the next item's title, after the credits closing the last
        return is_heading_line(t, limit)

    def _separated(self, i: int) -> bool:
        line = self.lines[i]
        if self.indented and line.indent:
            return False
        if self.usual_gap == 0 and self.has_gaps and line.gap == 0:
            return False
        return True

    def _confirmed_ahead(self, i: int, source_line: bool = False) -> bool:
        """Whether a byline (or, with `source_line`, an article's source line) follows the
        heading lines starting at line i."""
        n = len(self.lines)
        j = i
        while j < n and j - i < 4 and (self._heading_at(j) or is_weak_heading(self.lines[j].text)):
            j += 1
            if j < n and (is_byline_line(self.lines[j].text) or BYLINE.match(self.lines[j].text)
                          or (names_only(self.lines[j].text) and self._body_follows(j))
                          or (source_line and self.lines[j].after_edition)):
                return True
        return False

    def _body_follows(self, j: int) -> bool:
        """Whether the line after j is body text rather than more headings or names."""
        if j + 1 >= len(self.lines):
            return False
        nxt = self.lines[j + 1]
        return nxt.after_edition or not (names_only(nxt.text) or is_byline_line(nxt.text)
                                         or is_kicker(nxt.text) or is_subtitle(nxt.text))

    def _ends_article(self, i: int) -> bool:
        """Whether line i is the last of its article: the page ends, or a blank line wider
        than between paragraphs, or the next article's source line, follows."""
        if i + 1 >= len(self.lines):
            return True
        nxt = self.lines[i + 1]
        return nxt.gap > self.usual_gap or nxt.after_edition \
            or self._confirmed_ahead(i + 1, source_line=True)

    def _is_end_note(self, i: int) -> bool:
        t = self.lines[i].text
        if _is_note_text(t):
            return True
        # A dateline on its own line after the text ends the article (新华社…电): it is an
        # end note when the article ends there, a byline when text follows.
        if DATELINE_ONLY.fullmatch(t):
            # (A byline never stands above its article's headings.)
            return self._ends_article(i) or (i + 1 < len(self.lines) and (
                self._is_end_note(i + 1) or self._heading_at(i + 1)))
        return False

    def _is_subheading(self, i: int) -> bool:
        """Whether line i, if it opens a paragraph, is a subheading rather than a cut line."""
        text = self.lines[i].text
        nxt = self.lines[i + 1].text if i + 1 < len(self.lines) else ""
        if not is_heading_line(text) or nxt[:1].islower():
            return False
        # "苦练：从学徒到技术尖子": a subhead of a label and a phrase, its one clause mark
        # the colon after the label (a line cut by the layout has commas).
        return not CLAUSE_MARK.search(text) or bool(_LABELLED_SUBHEAD.fullmatch(text))

    def _is_inline_caption(self, i: int) -> bool:
        """Whether line i is a caption set between the two halves of a broken sentence."""
        line = self.lines[i]
        if i + 1 >= len(self.lines):
            return False
        nxt = self.lines[i + 1].text
        if is_heading_line(nxt) or is_photo_credit(nxt) or BYLINE.match(nxt):
            return False
        if line.gap > self.usual_gap and len(line.text) <= CAPTION_MAX and not line.indent:
            return True
        return len(line.text) <= HEADING_MAX and is_closed(line.text) \
            and bool(_CONTINUES.match(nxt))
