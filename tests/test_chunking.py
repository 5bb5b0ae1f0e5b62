"""Sentences and chunks keep exact spans and respect quotes and article boundaries."""
from assistant.ingest.chunking import chunk_article, split_sentences
from assistant.records import Article


def test_sentences_split_chinese_and_english_marks():
    text = "第一句话。第二句话！第三句；He left. Then 3.5 m of rain fell? 结束"
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == ["第一句话。", "第二句话！", "第三句；", "He left.", "Then 3.5 m of rain fell?", "结束"]


def test_quoted_speech_stays_whole():
    text = "“我们要做的不仅仅是这些。还有更多！”负责人说。下一句。"
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == ["“我们要做的不仅仅是这些。还有更多！”负责人说。", "下一句。"]


def test_line_breaks_end_sentences_and_spans_are_exact():
    text = "第一段没有句号\n第二段。第三句"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["第一段没有句号", "第二段。", "第三句"]


def test_overlong_sentence_is_cut_at_clauses():
    text = "，".join(["这是一个很长的分句内容"] * 60) + "。"
    spans = split_sentences(text, max_len=120)
    assert all(e - s <= 120 for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text


def test_chunks_cover_article_with_overlap_and_exact_spans():
    paras = ["".join(f"第{p}段第{i}句讲了一些事情，内容比较长一点。" for i in range(12)) for p in range(3)]
    art = Article(id="a", headings=["标题"], paragraphs=paras, source="x.txt")
    chunks = chunk_article(art)
    assert len(chunks) > 3
    for c in chunks:
        assert art.text[c.start:c.end] == c.text
        assert c.article_id == "a"
        assert len(c.text) <= 350
        for s, e in c.sentences:
            assert c.start <= s < e <= c.end
    for a, b in zip(chunks, chunks[1:]):
        assert b.start <= a.end  # consecutive chunks overlap or touch
    covered = set()
    for c in chunks:
        for s, e in c.sentences:
            covered.add((s, e))
    assert covered == set(split_sentences(art.text))


def test_a_stray_mark_is_no_sentence_of_its_own():
    # Web text often carries a doubled or spaced-out full stop; quoting "。" alone as a
    # cited sentence would be nonsense.
    text = "大桥昨日通车。 。全长三公里。。 ！"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["大桥昨日通车。 。", "全长三公里。。 ！"]
