"""A PDF's articles: the text its layout reader gives (`formats/pdf.py`), split at the
headlines its type sizes mark, else read like a page."""
from __future__ import annotations

from assistant.ingest.base import norm
from assistant.ingest.formats.text import plain_articles
from assistant.ingest.page.headings import settle_columns
from assistant.ingest.page.articles import page_issue
from assistant.ingest.page.drafts import Draft
from assistant.ingest.page.lines import page_lines
from assistant.ingest.page.parser import PageParser
from assistant.records import Article


def load_pdf(data: bytes, source: str, stem: str) -> list[Article]:
    """A PDF read by layout as one text (columns in reading order, paragraphs joined across
    columns and pages, running headers and page numbers out), split like a page. The date,
    paper and page come from the running header and footer, else from the file name."""
    from assistant.ingest.page.issue import from_lines
    from assistant.ingest.formats.pdf import HEADLINE_RATIO, pdf_marked

    text, furniture, pages, ratios = pdf_marked(data)
    if any(r >= HEADLINE_RATIO for line, r in zip(text.split("\n"), ratios) if line.strip()):
        articles = _headline_articles(text.split("\n"), ratios, HEADLINE_RATIO, source, stem)
    else:
        articles = plain_articles(text, source, stem, markdown=False)
    # The running header and footer first, then lines in the text, then the file name.
    issue = from_lines(furniture).merged(page_issue(text, stem))
    flat = [norm(t) for t, _ in pages]
    for a in articles:
        # The page (版) an article starts on is that of the PDF page holding its opening.
        key = norm(a.paragraphs[0] if a.paragraphs else a.title)[:16]
        start = next((n for n, t in enumerate(flat) if key and key in t), None)
        if start is not None and len(pages) > 1:
            from_lines(pages[start][1]).fill(a)
        issue.fill(a)
    settle_columns(articles)
    return articles


def _headline_articles(lines: list[str], ratios: list[float], headline: float, source: str,
                       stem: str) -> list[Article]:
    """The lines of a laid-out page whose headlines are known by their type size: each run
    of headline lines (kicker, title, subtitle) opens an article that runs to the next
    headline, so a section subhead (小标题), a standfirst or a box label set smaller than a
    headline stays inside its article. Lines of one headline in one size are joined. Each
    headline with the text under it is read like a page (its byline, source line, captions,
    end notes), and what the page parser found there is one article. Text above the first
    headline is read as a page."""
    from assistant.ingest.page.articles import rejoin_jumps, to_articles
    from assistant.ingest.page.credits import caption_photographers, credit_only, photo_credit
    from assistant.ingest.page.marks import join_wrapped
    from assistant.ingest.formats.pdf import CAPTION_RATIO, OWN_HEADLINE_RATIO

    size = {line.strip(): r for line, r in zip(lines, ratios)}

    segments: list[tuple[list[tuple[str, float]], list[str]]] = [([], [])]
    # The caption lines the layout found (on or right under a picture), by segment: they
    # are the captions of the article they stand in, never its body.
    laid_captions: dict[int, list[str]] = {}
    after_caption = False
    for line, r in zip(lines, ratios):
        if r == CAPTION_RATIO and line.strip():
            caps = laid_captions.setdefault(len(segments) - 1, [])
            if caps and after_caption and credit_only(line.strip()) and not photo_credit(caps[-1]):
                caps[-1] = f"{caps[-1]} {line.strip()}"   # its credit, on a line below
            elif caps and after_caption and not photo_credit(caps[-1]):
                caps[-1] = join_wrapped(caps[-1], line.strip())   # the caption's next line
            else:
                caps.append(line.strip())
            after_caption = True
            continue
        after_caption = after_caption and not line.strip()
        if r >= headline and line.strip():
            heads, body = segments[-1]
            if any(b.strip() for b in body):
                segments.append(([], []))
                heads = segments[-1][0]
            if heads and abs(heads[-1][1] - r) <= 0.06 * r:
                heads[-1] = (heads[-1][0] + line.strip(), r)   # the next line of one headline
            else:
                heads.append((line.strip(), r))
        else:
            segments[-1][1].append(line)
    drafts: list[Draft] = []
    for n, (heads, body) in enumerate(segments):
        caps = laid_captions.get(n, [])
        if heads and caps and not any(b.strip() for b in body):
            # A headline over a picture with no text of its own: a photo story when a
            # caption names a photographer (its captions are its text, read as before),
            # else a graphic's title and notes (数据来源…, 制图…), not an article.
            if not any(caption_photographers(c) for c in caps):
                continue
            body, caps = caps, []
        found = PageParser(page_lines("\n".join([h for h, _ in heads] + body))).parse()
        if found and caps:
            found[-1 if not heads else 0].captions += caps
        if not heads or not found:
            drafts += found
            continue
        # Under one headline the layout holds one article: what the page parser took for
        # the start of another (a subhead, a credit) is read back into it, unless a byline
        # or source line right under its heading vouches for it (a report under a smaller
        # headline of its own: "暖心包送到环卫工手中" / "本报讯 记者李四报道").
        d = found[0]
        for extra in found[1:]:
            if extra.headings and extra.confirmed and size.get(extra.headings[0].strip(), 1.0) >= OWN_HEADLINE_RATIO:
                drafts.append(d)
                d = extra
                continue
            d.paragraphs += extra.headings + extra.paragraphs
            d.captions += extra.captions
            if extra.byline and not d.byline:
                d.byline = extra.byline
            elif extra.byline:
                d.signoffs.append(extra.byline)
        drafts.append(d)
    body_lines = [line for line, r in zip(lines, ratios) if r != CAPTION_RATIO]
    return to_articles(rejoin_jumps(page_lines("\n".join(body_lines)), drafts), source, stem)
