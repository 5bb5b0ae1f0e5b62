"""An article being assembled from a page's lines: its headings, byline, captions and body."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.ingest.page.bylines import BYLINE
from assistant.ingest.page.credits import credit_only, photo_credit
from assistant.ingest.page.marks import is_closed, join_wrapped

@dataclass
class Draft:
    """An article being assembled; `pending` is a paragraph still waiting for its end."""

    headings: list[str] = field(default_factory=list)
    byline: str = ""
    captions: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    pending: str | None = None
    notes: list[str] = field(default_factory=list)   # end notes (also kept as paragraphs)
    sealed: bool = False      # its heading block ended at the article's source line
    confirmed: bool = False   # a byline or source line vouches that an article starts here
    ended: bool = False       # an end note closed it
    in_group: bool = False    # one of several pieces under a shared banner
    indent: bool = False      # its heading block is indented
    signoffs: list[str] = field(default_factory=list)   # bylines signed under the text
    standfirst: list[str] = field(default_factory=list)  # 提要 lines above an inline byline
    credits: list[str] = field(default_factory=list)  # its closing credit block (also paragraphs)

    @property
    def started(self) -> bool:
        return bool(self.paragraphs) or self.pending is not None

    def add_body(self, text: str, standalone: bool = False) -> None:
        if not self.started and self.byline:
            # "本报讯 …" under an own-line byline ("本报记者 张三"): the credit is said already.
            m = re.match(r"^[【\[（(]?(?:本报讯|本報訊)[】\]）)]?\s+(?=\S)", text)
            if m:
                text = text[m.end():]
        if not self.started and not self.byline:
            m = BYLINE.match(text)
            if m:
                self.byline = m.group(0).strip()
                text = text[m.end():].strip()
                self.paragraphs += self.standfirst
                self.standfirst = []
                if not text:
                    return
        self.ended = False
        if self.pending is None and standalone:
            # A subheading inside the article: a paragraph of its own, not glued to the next.
            self.paragraphs.append(text)
            return
        self.pending = text if self.pending is None else join_wrapped(self.pending, text)
        if is_closed(self.pending):
            self.close()

    def add_caption(self, text: str) -> None:
        # A credit on a line of its own belongs to the caption above it.
        if self.captions and credit_only(text) and not photo_credit(self.captions[-1]):
            self.captions[-1] = f"{self.captions[-1]} {text}"
        else:
            self.captions.append(text)

    def close(self) -> None:
        if self.pending is not None:
            self.paragraphs.append(self.pending)
            self.pending = None
