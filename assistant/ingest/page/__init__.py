"""The page parser: the text of a newspaper page -> its articles (headings, byline, body, captions).

Each rule below encodes a convention of Chinese newspapers (print pages, e-paper web pages
and text copied out of either, Markdown archives) and says which one; none is written for
a single page. The conventions:

- headings: a block of short lines without a sentence end opens an article: kicker (引题,
  often ending in "——"), title, subtitle (副题, often opening with "——"); a title broken
  over two lines is rejoined; a banner over several pieces and lists of other headlines
  are not an article's headings;
- what vouches for a new article: a byline, the article's source line from an e-paper
  ("《人民日报》（2026年04月27日 第 05 版）", "（ 2026-04-28 ） 稿件来源：…"), or the layout (body
  paragraphs indented two characters, or no blank line between paragraphs);
- bylines: "本报讯", "本报记者 …" on a line of its own, "记者 … 通讯员 …", "本报评论员",
  datelines ("新华社…电", "本报北京…电 （记者…）", "据新华社…电", "【新华社延安十三日电】"),
  "（记者 …）", "央视网消息", names alone under the title or under the text; their names
  fill `authors`;
- end notes ("（…参与采写）", "（据新华社电）", "〔作者系…〕", a final "新华社…电") close the
  article they follow and stay with it;
- captions: a line with a photo credit ("… 摄", "受访者供图", "（见图）", "新华社发"), with its
  credit on the same or the next line; credits fill `photographers`; a photo story's text
  is its body;
- page furniture is dropped: source and date lines, word counts, editor credits, jump
  lines, box labels, section banners, web navigation, link lists and copyright lines.

Measured with `python -m assistant.evaluation.pages tests/data/pages`.

The stages, one module each: `marks` (punctuation and length limits), `names` (personal
names and roles), `credits` (photo captions), `bylines`, `furniture` (lines that are never
text, source lines), `headings`, `lines` (the page text as the lines read), `drafts` (an
article being assembled), `parser` (the walk over the lines), `articles` (drafts to
articles, `parse_page`), `issue` (date, paper and page of a page).
"""
