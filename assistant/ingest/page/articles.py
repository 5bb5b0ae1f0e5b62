"""Drafts to articles: authors and photographers from their credits, ids, an article
continued on another page rejoined; `parse_page`, a page's text to its articles."""
from __future__ import annotations

import re
from pathlib import Path

from assistant.ingest.page.bylines import DATELINE_ONLY, byline_names
from assistant.ingest.page.credits import credit_block_names, credit_names, photo_credit
from assistant.ingest.page.drafts import Draft
from assistant.ingest.page.headings import settle_columns
from assistant.ingest.page.issue import Issue, from_lines, from_name
from assistant.ingest.page.lines import Line, normalise_newlines, page_lines
from assistant.ingest.page.names import ROLE_RE, split_names
from assistant.ingest.page.parser import PageParser
from assistant.records import Article

def _authors(d: Draft) -> list[str]:
    names = byline_names(d.byline) if d.byline else []
    for signed in d.signoffs:
        names += byline_names(signed)
    if d.paragraphs and not d.notes:
        # A closing credit run onto the last paragraph: "…活动持续一个月。（赵六）".
        m = re.search(r"[。！？!?”」][（(]([^（()）]{2,30})[)）]$", d.paragraphs[-1])
        if m:
            inner = ROLE_RE.sub(" ", m.group(1))
            names += split_names(inner, loose=inner != m.group(1)) or []
    # Names given only in a closing note: "（陈猛）", "（本报记者孟祥夫、吴秋余）".
    for note in d.notes:
        inner = ROLE_RE.sub(" ", DATELINE_ONLY.sub(" ", note[1:-1]))
        found = split_names(inner, loose=inner != note[1:-1])
        if found:
            names += found
    names += credit_block_names(d.credits)[0]   # "文字：梅帅" in the closing credit block
    return list(dict.fromkeys(names))


def _photographers(d: Draft) -> list[str]:
    names: list[str] = []
    for credit in [d.byline] + d.signoffs:
        if credit and re.search(r"摄影?报道|攝影?報導|摄影记者|文[/／]图|图[/／]文", credit):
            names += byline_names(credit)   # "本报记者 孙中钦 陈炅玮 摄影报道"
    for c in d.captions:
        split = photo_credit(c)
        if split:
            names += credit_names(split[1])
    names += credit_block_names(d.credits)[1]   # "图片：刘佳妮"
    return list(dict.fromkeys(names))


def draft_article(d: Draft, aid: str, source: str, headings: list[str] | None = None,
                  paragraphs: list[str] | None = None) -> Article:
    """The article of a draft, with the authors and photographers its credits name."""
    return Article(id=aid, headings=d.headings if headings is None else headings,
                   paragraphs=d.paragraphs if paragraphs is None else paragraphs, source=source,
                   byline=d.byline, captions=d.captions, authors=_authors(d),
                   photographers=_photographers(d))


def to_articles(drafts: list[Draft], source: str, stem: str) -> list[Article]:
    """The drafts as Articles, ids `stem` (one draft) or `stem-01`, `stem-02`, …."""
    ids = [stem] if len(drafts) == 1 else [f"{stem}-{k:02d}" for k in range(1, len(drafts) + 1)]
    return [draft_article(d, aid, source) for aid, d in zip(ids, drafts)]


def rejoin_jumps(lines: list[Line], drafts: list[Draft]) -> list[Draft]:
    """An article continued on another page ("…（转第5版）" there, "（上接第1版）…" here) is
    one article: the part after each jump-in line is added to the article whose text left
    with the nearest jump-out line before it (the headline repeated over it dropped)."""
    if not any(line.jump_in for line in lines) or not any(line.jump_out for line in lines):
        return drafts

    def flat(s: str) -> str:
        return re.sub(r"\s+", "", s)

    texts = [flat("".join(d.paragraphs)) for d in drafts]

    def home(anchor: str) -> int | None:
        return next((k for k, t in enumerate(texts) if anchor and anchor in t), None)

    outs = [k for k, line in enumerate(lines) if line.jump_out]
    merged: set[int] = set()
    for k, line in enumerate(lines):
        if not line.jump_in:
            continue
        before = [o for o in outs if o < k]
        if not before:
            continue
        outs.remove(before[0])
        a = home(flat(lines[before[0]].text)[-12:])
        b = home(flat(line.text)[:12])
        if a is None or b is None or a == b or b in merged or a in merged:
            continue
        src, dst = drafts[b], drafts[a]
        dst.paragraphs += src.paragraphs
        dst.captions += src.captions
        dst.notes += src.notes
        dst.signoffs += src.signoffs
        dst.credits += src.credits
        texts[a] += texts[b]
        texts[b] = ""
        merged.add(b)
    return [d for k, d in enumerate(drafts) if k not in merged]


def parse_page(text: str, source: str, stem: str | None = None,
               markdown: bool = False) -> list[Article]:
    """Split the text of a newspaper page into its articles, in page order.

    A new article starts at a block of short lines without sentence ends (kicker, title,
    subtitle, column name) that a byline, the article's source line or the page layout
    vouches for; a byline such as "本报讯记者张三报道" opens its body, "… 摄" lines and
    short lines set between the halves of a broken sentence become captions, end notes
    stay with the article they close, page furniture is dropped, and body lines cut
    mid-sentence by the layout are joined back (`markdown`: a blank line always ends a
    paragraph). Ids are f"{stem}-{i:02d}" (1-based), or
    `stem` alone when the page holds one article.
    """
    stem = stem if stem is not None else Path(source).stem
    lines = page_lines(text)
    articles = to_articles(rejoin_jumps(lines, PageParser(lines, markdown).parse()), source, stem)
    issue = page_issue(text, stem)
    for a in articles:
        issue.fill(a)
    settle_columns(articles)
    return articles


def page_issue(text: str, stem: str | None = None) -> Issue:
    """The date, newspaper and page of a page's text: from its header, footer and source
    lines, else from the file name (`stem`)."""
    found = from_lines(normalise_newlines(text).split("\n"))
    return found.merged(from_name(stem)) if stem else found
