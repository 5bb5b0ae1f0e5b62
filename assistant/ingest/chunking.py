"""Split article text into sentences and overlapping chunks, keeping exact character spans."""
from __future__ import annotations

import re
from typing import Any, Sequence

from llama_index.core.bridge.pydantic import Field
from llama_index.core.node_parser import NodeParser
from llama_index.core.schema import BaseNode, MetadataMode, NodeRelationship, TextNode

from assistant import limits
from assistant.records import Article, Chunk

# Sentence-final marks, Chinese and ASCII. '.' is handled separately (decimals, abbreviations).
_FINAL = set("。！？；!?;")
_ELLIPSIS = "…"
_OPEN_QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’", "《": "》", "(": ")", "（": "）"}
_CLOSERS = set("”」』’》)）\"'")
_CLAUSE = set("，,、：:")
_WORD = re.compile(r"\w")

MAX_SENTENCE = 300   # the defaults of limits.sentence_chars / chunk_chars (assistant/limits.py)
CHUNK_MIN = 150
CHUNK_MAX = 350


def split_sentences(text: str, max_len: int | None = None) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the sentences of `text`.

    Quoted speech is kept whole (a mark inside “…” does not end the sentence), a line
    break always ends one, and a sentence longer than `max_len` (default: the
    sentence_chars limit) is cut at clause marks, else by characters.
    """
    if max_len is None:
        max_len = limits.current().sentence_chars
    spans: list[tuple[int, int]] = []
    start = 0
    stack: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        end = None
        if ch == "\n":
            end = i
            stack.clear()
        elif ch in _OPEN_QUOTES:
            stack.append(_OPEN_QUOTES[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
        elif ch == '"':
            # ASCII double quotes toggle.
            if stack and stack[-1] == '"':
                stack.pop()
            else:
                stack.append('"')
        elif not stack and (ch in _FINAL or ch == _ELLIPSIS or _is_period(text, i)):
            j = i + 1
            while j < n and (text[j] in _FINAL or text[j] == _ELLIPSIS or text[j] in _CLOSERS):
                j += 1
            end = j
        if end is not None:
            _add(spans, text, start, end, max_len)
            start = end if ch != "\n" else end + 1
            i = max(i + 1, end)
            continue
        if stack and i - start > 2 * max_len:
            stack.clear()  # an unclosed quote must not swallow the paragraph
        i += 1
    _add(spans, text, start, n, max_len)
    return spans


def _is_period(text: str, i: int) -> bool:
    if text[i] != ".":
        return False
    prev = text[i - 1] if i > 0 else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if prev.isdigit() and nxt.isdigit():
        return False  # 3.5
    if nxt and not nxt.isspace() and nxt not in _CLOSERS and nxt not in "[【":
        return False  # e.g. "U.S." mid-token, URLs; "done.[1]" ends a sentence
    if re.search(r"(?:^|[\s。！？；!?;:：])(?:\d{1,2}|[A-Z])$", text[max(0, i - 4):i]):
        return False  # the "1." or "A." of a list item
    word = re.search(r"(\w+)$", text[max(0, i - 6):i])
    if word and word.group(1) in {"Mr", "Mrs", "Ms", "Dr", "No", "St", "vs", "etc", "e.g", "i.e"}:
        return False
    return True


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int, max_len: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    if spans and not _WORD.search(text, start, end) and \
            text[spans[-1][1]:start].strip() == "" and "\n" not in text[spans[-1][1]:start]:
        # A stray mark after a finished sentence ("…公司奖。 。"): no sentence of its own,
        # which would be quoted and cited as "。".
        spans[-1] = (spans[-1][0], end)
        return
    if end - start <= max_len:
        spans.append((start, end))
        return
    # Too long for one citation: cut after the clause mark nearest the middle of each piece.
    while end - start > max_len:
        window = range(start + max_len // 2, start + max_len)
        cut = next((k + 1 for k in reversed(window) if text[k] in _CLAUSE), start + max_len)
        spans.append((start, cut))
        start = cut
    if start < end:
        spans.append((start, end))


def chunk_spans(text: str, min_chars: int | None = None, max_chars: int | None = None,
                ) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """(start, end, sentence spans) of the chunks of `text`: runs of whole sentences of
    about min..max characters.

    Consecutive chunks share their boundary sentence, so a fact stated across two
    sentences is whole in at least one chunk.
    """
    lim = limits.current()
    max_chars = lim.chunk_chars if max_chars is None else max_chars
    min_chars = min(CHUNK_MIN, max_chars // 2) if min_chars is None else min_chars
    sents = split_sentences(text, min(lim.sentence_chars, max_chars))
    chunks: list[tuple[int, int, list[tuple[int, int]]]] = []
    i = 0
    while i < len(sents):
        j = i
        while j + 1 < len(sents) and sents[j + 1][1] - sents[i][0] <= max_chars \
                and (sents[j][1] - sents[i][0] < min_chars or
                     sents[j + 1][1] - sents[i][0] <= (min_chars + max_chars) // 2):
            j += 1
        chunks.append((sents[i][0], sents[j][1], list(sents[i:j + 1])))
        if j + 1 >= len(sents):
            break
        # Overlap by one sentence unless that sentence would dominate the next chunk.
        last = sents[j]
        i = j if j > i and (last[1] - last[0]) < max_chars // 2 else j + 1
    return chunks


def chunk_article(article: Article, min_chars: int | None = None,
                  max_chars: int | None = None) -> list[Chunk]:
    """The chunks of one article (chunks never cross articles)."""
    text = article.text
    return [Chunk(id=f"{article.id}#{k}", article_id=article.id, start=s, end=e,
                  text=text[s:e], sentences=sents)
            for k, (s, e, sents) in enumerate(chunk_spans(text, min_chars, max_chars))]


class NewsSentenceSplitter(NodeParser):
    """The same chunking as a llama-index `NodeParser`: Documents in, TextNodes out.

    Each node's `start_char_idx`/`end_char_idx` index its document's text, its id is
    `DOC_ID#k`, and it carries the document's metadata.
    """

    chunk_min: int = Field(default=CHUNK_MIN, description="smallest chunk, characters")
    chunk_max: int = Field(default=CHUNK_MAX, description="largest chunk, characters")

    def _parse_nodes(self, nodes: Sequence[BaseNode], show_progress: bool = False,
                     **kwargs: Any) -> list[BaseNode]:
        out: list[BaseNode] = []
        for node in nodes:
            text = node.get_content(metadata_mode=MetadataMode.NONE)
            for k, (s, e, _) in enumerate(chunk_spans(text, self.chunk_min, self.chunk_max)):
                out.append(TextNode(id_=f"{node.node_id}#{k}", text=text[s:e],
                                    start_char_idx=s, end_char_idx=e,
                                    metadata=dict(node.metadata),
                                    relationships={NodeRelationship.SOURCE:
                                                   node.as_related_node_info()}))
        return out
