"""Questions about an article rather than its story: who wrote it, who took its photo,
when it was published, which paper and page it appeared on.

They are answered from the article's metadata fields (byline, captions, date,
newspaper, page, and the author/photographer lists a reader filled), quoted verbatim: a
citation of such an answer names its `field` and its span indexes that field's text
(`Article.field_text`), so `passage == article.field_text(field)[start:end]` holds as for
body text. The article is the one the question names by its topic words ("铁路技能竞赛的
报道是谁写的？"), found by the extractive answerer and passing its found/not-found
decision, or, when the question names none ("谁写的？"), the article of the previous
answer. An article without the asked field gets `found: false` saying so: no guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from assistant.ingest.page import bylines as _bylines
from assistant.qa.question import Question, analyse, language, person_names, pos_words
from assistant.records import Article, Citation, Turn
from assistant.text.tokens import simplified, tokenize

# What is asked, tried in order (a photo question may mention a reporter: "记者拍的照片"):
# (name, pattern that asks it, pattern that asks it only about an article: "作者" or
# "摄影" may also be a word of the story, "《平凡的世界》的作者是谁？").
_ASKS = [
    ("photographer", re.compile(
        r"谁拍|谁摄|拍摄者|拍照者|拍的照|照片.{0,8}(谁|作者|哪位)|图片.{0,8}(谁|作者|哪位)|"
        r"配图.{0,8}(谁|作者)|\bwho (took|shot|photographed)\b|\bphoto(graph)? (by|credit)\b",
        re.I),
     re.compile(r"摄影|\bphotographer\b", re.I)),
    ("author", re.compile(
        r"谁写|谁撰写|谁采写|撰稿|执笔|署名|谁发的稿|\bwho (wrote|authored)\b|\bbyline\b|"
        r"\bwritten by\b", re.I),
     re.compile(r"作者|哪位记者|哪个记者|哪些记者|记者是谁|记者叫|通讯员是谁|谁是(记者|通讯员)|谁报道的|"
                r"\bwho reported\b|\bauthors?\b|\breporters?\b", re.I)),
    # Which paper or page is read from the question's words (`Question.paper`: 什么报,
    # 哪家报纸, 第几版, which paper), never from characters: 陈重做了什么报告 asks no paper.
    ("paper", None, re.compile(r"报纸名|版面|\bpublished in\b", re.I)),
    # "什么时候发布/发表" asks about an article only when the question names it or no
    # story ("这篇报道什么时候发表的？", "什么时候发的？"): "国家统计局哪天发布了数据？" and
    # "他什么时候发表了讲话？" ask about the story.
    ("date", re.compile(
        r"(报道|文章|新闻|稿件|报纸)(的)?(日期|时间)|"
        r"(这篇|该篇|那篇)(报道|文章|新闻|稿子)?是?(什么时候|哪天|哪一天|几号)|"
        r"\bwhen was (the|this|that) (article|story|report|piece)\b|\bpublication date\b|"
        r"\b(what|which) (date|day) (is|was) (the|this|that) (article|story|report)\b|"
        r"\bwhen was it (published|written|printed)\b", re.I),
     re.compile(
        r"(什么时候|哪天|哪一天|何时|几号|哪年|哪一年|几月|日期|时间)(发表|发布|刊发|刊登|见报|刊出|登的|发的|写的)|"
        r"(发表|发布|刊发|刊登|见报|刊出|报道)(于|在|是)?(什么时候|哪天|哪一天|何时|几号|日期|时间)")),
]
# Words naming the article (or its photo) itself.
_THE_ARTICLE = re.compile(r"报道|文章|新闻|稿件|稿子|这篇|该篇|该文|本文|此文|照片|图片|配图|"
                          r"\b(article|story|report|piece|photo|picture)s?\b", re.I)

# Words that say "the article" or ask, not what it is about.
_NOT_TOPIC = set("""
这篇 那篇 该篇 该 这 那 篇 这条 那条 这则 那则 条 则 上面 上述 刚才 前面 之前 关于 有关 报道 文章 新闻
稿件 稿子 消息 照片 图片 配图 相片 图 是 的 由 谁 吗 呢 了 在 于 哪 哪位 哪个 哪些 请问 请 写 写的 拍 拍的
摄 摄影 撰写 采写 执笔 撰稿 作者 记者 通讯员 署名 发表 发布 刊发 刊登 刊出 见报 登 登的 发 发的 中 里 上
什么 时候 什么时候 哪天 哪一天 何时 几号 哪年 日期 时间 报 报纸 版 版面 哪家 哪份 哪张 几 第 第几版 一版
哪一版 哪版 什么版 和 与 及 以及 还有 又 都 名字 叫 人 是谁 天 年 月 日 号 两位 几位 身份 职务 职位 单位
头衔 职业 职称 背景 来历 消息 通讯 评论 社论 特写 专访 述评 综述 短评 时评 言论 组图 刊载 登载
责任编辑 责编 编辑
who wrote write written report reported reporter reporters author authors byline took shot
photo photograph photographer picture pictures credit the this that a an of about on is was
which what when date day page section paper newspaper published publication printed in it
article story piece by did does
""".split())

NO_ARTICLE = {
    "zh": "没有找到问题所说的报道。",
    "en": "No article matches the one the question is about.",
}
NAME_THE_ARTICLE = {
    "zh": "请说明是哪篇报道（例如“……的报道是谁写的？”），或先问一个关于它的问题。",
    "en": "Say which article you mean (e.g. \"who wrote the article about …?\"), or first "
          "ask a question about it.",
}
class Wording(NamedTuple):
    """How an answer about one kind of metadata reads, in Chinese and in English."""

    missing_zh: str   # the article lacks it: found false
    missing_en: str
    about_zh: str     # what the quoted field is
    about_en: str

    def missing(self, en: bool, title: str) -> str:
        return (self.missing_en if en else self.missing_zh).format(title=title)

    def about(self, en: bool, title: str) -> str:
        return (self.about_en if en else self.about_zh).format(title=title)


_WORDING = {
    "author": Wording("《{title}》没有署名：文章中没有作者或记者的名字。",
                      "“{title}” carries no byline: the article names no author or reporter.",
                      "《{title}》的署名", "The byline of “{title}”"),
    "photographer": Wording("《{title}》没有注明摄影者：文章中没有照片的署名。",
                            "“{title}” credits no photographer.",
                            "《{title}》的照片署名", "The photo credit of “{title}”"),
    "date": Wording("《{title}》没有注明日期。", "“{title}” carries no date.",
                    "《{title}》的日期", "The date of “{title}”"),
    "role": Wording("《{title}》没有写明作者的身份。", "“{title}” does not say who its author is.",
                    "《{title}》作者的身份", "Who the author of “{title}” is"),
    "editor": Wording("《{title}》没有注明责任编辑。", "“{title}” names no editor.",
                      "《{title}》的责任编辑", "The editor of “{title}”"),
    "interviewer": Wording("《{title}》没有写明采访整理者。",
                           "“{title}” does not say who interviewed and wrote it up.",
                           "《{title}》的采访整理者", "Who interviewed for “{title}”"),
    "paper": Wording("《{title}》没有注明报纸和版面。",
                     "“{title}” does not say which paper or page it appeared on.",
                     "《{title}》刊于", "“{title}” appeared in"),
}

# Roles written before a name in bylines and photo credits, stripped from a run of Chinese
# characters of an article's byline or credit (`byline_names`: "本报记者张三" -> 张三,
# "摄影李四", "编辑王五"). Not ingest/page/names.py's `ROLE`, which finds bylines on a raw page
# (outlets such as 新华社记者, 驻X/特派X, 本报讯, Traditional forms) and takes 文/图 only
# with their slash and no 编辑 (on a page "图为…" opens a caption); this one works on text
# already known to be a byline. One pattern for both would change what ingest reads as a
# byline on pages (the page sets' scores), so the two stay apart.
_ROLE = re.compile(r"^(本报|本刊|特约|见习|实习|首席|资深)*(摄影记者|摄影师|摄影|记者|通讯员|实习生|"
                   r"编辑|撰稿人?|图|文)?[:：/／]?")


# How people ask about an article's making, read from the question's WORDS (jieba):
# the verbs of writing and of taking a photo, the nouns a Chinese paper signs with
# (本报记者 X, 通讯员 X, 作者 X, X 摄), the nouns naming a news item of any genre
# (消息, 通讯, 评论 …) and the verbs that say a paper carried it (刊登, 见报 …).
_WRITE_VERBS = {"写", "撰写", "采写", "执笔", "撰稿", "编写", "写作", "写成"}
_PHOTO_VERBS = {"拍", "拍摄", "摄", "摄影", "拍照", "抓拍", "拍下"}
_SIGNING_ROLES = {"作者", "记者", "通讯员", "摄影记者", "摄影师", "撰稿人", "特约记者", "本报记者",
                  "见习记者", "实习记者"}
_ARTICLE_NOUNS = {"报道", "文章", "新闻", "稿件", "稿子", "消息", "通讯", "评论", "社论", "特写",
                  "专访", "述评", "综述", "短评", "时评", "言论", "照片", "图片", "配图", "组图"}
# 登/登在/刊在/刊于/载于: the short verbs of the same ("这篇人民时评登在哪天的人民日报？",
# jieba: 登在/v; fit: realqa_fit2's which-day questions).
_PRESS_VERBS = {"报道", "刊登", "刊发", "刊出", "见报", "登载", "刊载", "登", "登在", "刊在", "刊于",
                "载于"}
# The editor a page or a web article credits ("责任编辑：施惠文", "本版责编：…"), asked
# with the noun (jieba: 责任编辑/n, 责编/n, 编辑/n): "…的责任编辑是谁？" asks the credit line,
# not the byline (fit: realqa_fit2's 神州学人网 records, which keep the line in the text).
_EDITOR_NOUNS = {"责任编辑", "责编", "编辑"}
# Nouns asking what someone is rather than who: "作者是什么身份？" asks the role a
# commentary's end note gives ("（作者系…党委书记）"), not the name of its byline.
_IDENTITY_NOUNS = {"身份", "职务", "职位", "单位", "头衔", "职业", "职称", "工作单位", "背景",
                   "来历"}


def _asked_by_words(q: Question) -> str:
    """What a question (its analysis `q`) asks about an article, read from its words:
    'role' (the author's identity: an identity noun with 作者/记者), 'photographer' /
    'author' (who took / wrote it: a person asked with a verb of photographing /
    writing), 'date' (when a paper carried it: a date asked with a verb of printing),
    else ''."""
    if q.lang != "zh":
        return ""
    words = [w for w, f in q.words if f != "x"]
    roles = [w for w in words if w in _SIGNING_ROLES]
    if roles and any(w in _IDENTITY_NOUNS for w in words):
        return "role"
    if q.kind == "person" and any(w in _EDITOR_NOUNS and f.startswith("n") for w, f in q.words):
        return "editor"
    if q.kind == "person":
        if any(w in _PHOTO_VERBS for w in words) and not any(w in _WRITE_VERBS for w in words):
            return "photographer"
        if any(w in _WRITE_VERBS for w in words):
            return "author"
    # "申报哪天报道了…": a date asked with a verb of printing; 报道 (also "to report" in
    # a story) only with a paper named (申报, 光明日报: paper names end in 报).
    printed = [w for w in words if w in _PRESS_VERBS]
    paper = any(w in ("报纸", "报社", "报刊") or (len(w) >= 2 and w.endswith("报") and
                f in ("nz", "nt", "n")) for w, f in q.words)
    # 哪 天 as jieba cuts it before a verb ("申报哪天报道了…") asks a day too.
    day = q.kind == "date" or any(w == "哪" and nxt in ("天", "日", "年", "月")
                                  for w, nxt in zip(words, words[1:]))
    if day and printed and (paper or any(w != "报道" for w in printed)):
        return "date"
    return ""


def _role_acts(q: Question) -> bool:
    """The question opens with the author or reporter as its subject and asks no person:
    "作者在哪个县教美术？", "作者当年是在哪份报纸上读到…？", "记者在现场看到了什么？" ask
    about what the author did in the story (the ordinary answer reads it), not about the
    byline ("作者是谁？" asks a person; "这篇文章的作者" names the article first). Fitted on
    realqa_fit2 (two such questions answered with the byline's name)."""
    if q.lang != "zh" or q.kind == "person":
        return False
    words = [w for w, f in q.words if f != "x"]
    return bool(words) and words[0] in _SIGNING_ROLES


# Verbs of an interview write-up: "…是哪位记者采访整理的？" asks the note "本报记者王珂采访
# 整理", not the byline of the expert who signed (jieba: 采访/v 整理/n).
_WRITE_UP_VERBS = {"采访", "整理", "采访整理"}


def _asks_write_up(q: Question) -> bool:
    return any(w in _WRITE_UP_VERBS for w, _ in q.words)


def _names_article(q: Question) -> bool:
    """The question names the article itself (这篇报道, 这条消息, 该文)."""
    return bool(_THE_ARTICLE.search(simplified(q.text))) or any(
        w in _ARTICLE_NOUNS for w, _ in q.words)


def quoted_titles(text: str) -> list[str]:
    """What the question quotes in 《》 or “” (a title, or part of one)."""
    return [m.strip() for m in re.findall(r"《([^》]{2,})》|“([^”]{2,})”", simplified(text))
            for m in m if m.strip()]


def titled_in(index, text: str, allowed=None) -> str | None:
    """The article whose heading the question quotes ("《今晨上海的动与静》是谁拍的"), if
    one quoted piece names exactly one article."""
    if index is None:
        return None
    for title in quoted_titles(text):
        art = _titled(index, title, allowed)
        if art is not None:
            return art
    return None


def asked_metadata(text: str, index=None, question: Question | None = None) -> str:
    """'author', 'photographer', 'role' (the author's identity), 'date' or 'paper' when
    the question asks that about an article (not about its story), else ''. With the
    `index`, a question quoting an article's heading in 《》/“” is about that article;
    `question`: the analysis of `text`, when the caller made it."""
    asked = question or analyse(text)
    q = simplified(text)
    by_words = _asked_by_words(asked)
    if by_words == "role":
        return by_words
    if _role_acts(asked):
        return ""
    for name, asks, about_article in _ASKS:
        if asks.search(q) if asks is not None else asked.paper:
            return name
        if about_article is not None and about_article.search(q) and \
                (_names_article(asked) or not topic_of(text, asked) or
                 titled_in(index, text) is not None):
            return name
    if by_words in ("author", "photographer", "editor") and (
            _names_article(asked) or not topic_of(text, asked)
            or titled_in(index, text) is not None
            or any(w in _SIGNING_ROLES for w, _ in asked.words)):
        return by_words
    if by_words == "date":
        return by_words
    return ""


def topic_of(text: str, question: Question | None = None) -> str:
    """What the question says the article is about, without the asking words ('' when
    it names nothing: "这篇报道是谁写的？"); `question`: the analysis of `text`, when the
    caller made it."""
    question = question or analyse(text)
    q = simplified(text)
    paper = question.paper
    if paper:
        q = q.replace(simplified(paper), " ")
    for _, asks, about_article in _ASKS:
        if asks is not None:
            q = asks.sub(" ", q)
        if about_article is not None:
            q = about_article.sub(" ", q)
    # A paper's name (申报, 光明日报: names of papers end in 报) says where the article
    # appeared, not what it is about.
    papers = {w for w, f in question.words
              if len(w) >= 2 and w.endswith("报") and f in ("nz", "nt")}
    words = [w for w in tokenize(q) if w.lower() not in _NOT_TOPIC and w not in papers]
    if not words:
        return ""
    if language(text) == "zh":
        topic = "".join(words)
        return topic if len(re.findall(r"[\u3400-\u9fff]", topic)) >= 2 else ""
    return " ".join(words)


@dataclass
class Quote:
    """A span of one field of an article, to be cited."""

    field: str | None
    start: int
    end: int


def _citation(art: Article, n: int, q: Quote) -> Citation:
    text = art.field_text(q.field)
    return Citation(n=n, article_id=art.id, heading=art.heading, source=art.source,
                    passage=text[q.start:q.end], start=q.start, end=q.end, date=art.date,
                    field=q.field)


def _line_span(text: str, at: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, at) + 1
    hi = text.find("\n", at)
    return lo, len(text) if hi < 0 else hi


def _strip_role(run: str) -> str:
    return _ROLE.sub("", run).strip()


def byline_names(byline: str, known: list[str]) -> list[tuple[int, int]]:
    """Spans of the people a byline names: the reader's author list found in it, else
    the words after its roles (本报记者 张三 通讯员 李四)."""
    spans = []
    for name in known:
        # Print pads a two-character name to the width of three ("本报记者 乔 栋 曹继炜"),
        # and the reader's list has it joined (乔栋): the name's characters, spaces between.
        m = re.search(r"\s?".join(map(re.escape, name)), byline)
        if m:
            spans.append(m.span())
    if spans:
        return sorted(set(spans))
    body = re.sub(r"(本报讯|报道)", lambda m: " " * len(m.group()), byline)
    for m in re.finditer(r"[\u4e00-\u9fff·]+", body):
        word = m.group()
        name = _strip_role(word)
        if 2 <= len(name) <= 4 and name not in ("本报", "记者", "通讯员"):
            at = m.start() + word.rfind(name)
            spans.append((at, at + len(name)))
    return spans


# A credit's verb closes it: 摄/摄影/拍摄 for a photo, 绘/绘图 for a drawing ("王琪 绘", as
# 中国教育报 credits its illustrations); then the end of the line or sentence, or (in a
# crawler's text, where captions run into the paragraphs) a space or markdown bold:
# "…展厅。新京报记者 李木易 摄**冠军项目…", "中新社记者 易海菲 摄 相较往年" (fit: realqa_fit2's
# 神州学人网 and 中国教育报 pages).
_CREDIT = re.compile(r"[/／]?\s*(摄影?|拍摄|绘图?)\s*[)）]?\s*(?=$|[\n。；;，,）)]|\s|\*\*)")
_CREDIT_BEFORE = re.compile(r"(摄影|图)\s*[:：/／]\s*")


def photo_credits(text: str, known: list[str]) -> list[tuple[int, int]]:
    """Spans of the photographers a caption (or byline, or paragraph) credits: "王五摄",
    "通讯员陈博远 摄", "（记者 张三 摄）", "摄影：王五"; with `known` names (the reader's
    photographer list), those of them a credit names, if any."""
    spans: list[tuple[int, int]] = []
    for m in _CREDIT.finditer(text):
        # The run of names before 摄: words of Chinese, separated by 、 or spaces.
        lo = m.start()
        while lo > 0 and re.match(r"[\u4e00-\u9fff·、 \u3000]", text[lo - 1]):
            lo -= 1
        for part in re.finditer(r"[\u4e00-\u9fff·]+", text[lo:m.start()]):
            word = part.group()
            name = _strip_role(word)
            if len(name) > 4 or (m.group(1).startswith("绘") and not person_names(word)):
                # "图为工人正在作业张三摄": only a name jieba sees at the end counts; a
                # drawing's credit only with a name (绘 is also a verb of prose: 描绘).
                names = person_names(name)
                name = names[-1] if names and name.endswith(names[-1]) else ""
            if 2 <= len(name) <= 4:
                at = lo + part.start() + word.rfind(name)
                spans.append((at, at + len(name)))
    for m in _CREDIT_BEFORE.finditer(text):
        nm = re.match(r"[\u4e00-\u9fff·]{2,4}", text[m.end():])
        if nm:
            spans.append((m.end(), m.end() + len(nm.group())))
    if known and spans:
        # The reader's names, where a credit stands: "通讯员陈博远" is credited as 陈博远.
        named = []
        for s, e in spans:
            for name in known:
                at = text.find(name, max(0, s - 4), e + 4)
                if at >= 0:
                    named.append((at, at + len(name)))
        spans = named or spans
    return sorted(set(spans))


@dataclass
class Facts:
    """What answers the question: quotes (cited in order) and the names or date among
    them that a short answer can give (index into quotes, span)."""

    quotes: list[Quote]
    short: list[tuple[int, int, int]]   # (quote index, start, end) in the quote's field


def author_facts(art: Article) -> Facts | None:
    if art.byline.strip():
        lo = len(art.byline) - len(art.byline.lstrip())
        hi = len(art.byline.rstrip())
        names = byline_names(art.byline, art.authors)
        if not names and art.authors:
            # "本报讯" alone on the byline line and the names in the closing bracket
            # "（雷国忠 龚涛）", as 学习时报 signs a news item: the names the reader
            # took from there.
            return _listed(art, "authors")
        return Facts([Quote("byline", lo, hi)], [(0, s, e) for s, e in names])
    if art.authors:  # from a reader's metadata (front matter `author`), no byline line
        return _listed(art, "authors")
    return lead_byline(art) or reader_signature(art)


_SENTENCE_END = re.compile(r"[。！？!?…”」』]")


# The administrative nouns a place in a signature ends with, as jieba cuts them off a name
# it does not know ("江北省安平市" -> 江北/ns 省/n 安平/nr 市/n).
_PLACE_NOUNS = {"省", "市", "县", "区", "州", "旗", "镇", "乡", "村", "自治区", "自治州", "自治县"}


def _signature(tail: str) -> bool:
    """A letter's signature: a place (its last jieba word a place name, ns, or an
    administrative noun) and, after a space, a name of two to six Chinese characters."""
    parts = tail.split()
    if len(parts) != 2 or not re.fullmatch(r"[\u4e00-\u9fff·]{2,6}", parts[1]) \
            or not re.fullmatch(r"[\u4e00-\u9fff]{2,12}", parts[0]):
        return False
    words = pos_words(parts[0])
    return bool(words) and (words[-1][1] == "ns" or words[-1][0] in _PLACE_NOUNS)


def reader_signature(art: Article) -> Facts | None:
    """A reader's letter is signed after its last sentence with the writer's place and
    name ("…大有可为。江苏南京市 刘国华", "…予以更换。河南鄢陵县 邢先生"), as 人民日报's 读者来信
    page prints it (fit: realqa_fit2's 人民日报 10版, where the signature stays on the last
    line of the text). The name is given as signed, an honorific too (邢先生): that is how
    the writer signed."""
    text = art.text.rstrip()
    ends = list(_SENTENCE_END.finditer(text))
    lo = ends[-1].end() if ends else text.rfind("\n") + 1
    tail = text[lo:].strip()
    if not _signature(tail):
        return None
    start = text.index(tail, lo)
    name = tail.split()[-1]
    at = start + len(tail) - len(name)
    return Facts([Quote(None, start, start + len(tail))], [(0, at, at + len(name))])


# An editor's credit line: "责任编辑：施惠文", "（本版责编：张三）", "编辑：李四".
_EDITOR_LINE = re.compile(r"(?:^|\n)\s*[（(\[【]?\s*(?:本版)?(?:责任编辑|责编|编辑)\s*[:：]\s*"
                          r"([\u4e00-\u9fff·]{2,4}(?:[\s、，,]+[\u4e00-\u9fff·]{2,4})*)")


def editor_facts(art: Article) -> Facts | None:
    """The editor the article's own credit line names, else None (a printed page's 本版责编
    is page furniture the readers leave out of the article: not stated there)."""
    m = None
    for m in _EDITOR_LINE.finditer(art.text):
        pass
    if m is None:
        return None
    lo = m.start() + len(m.group()) - len(m.group().lstrip())
    spans = [(0, m.start(1) + x.start(), m.start(1) + x.end())
             for x in re.finditer(r"[\u4e00-\u9fff·]{2,4}", m.group(1))]
    return Facts([Quote(None, lo, m.end())], spans)


def lead_byline(art: Article) -> Facts | None:
    """The reporters a news item's lead names before its text, as Chinese papers open a
    消息: "中国教育报-中国教育新闻网讯（记者 任朝霞） 10月13日，…", "新华社北京10月16日电
    （记者 张三）" — read with the readers' own byline rule (ingest/page/bylines.BYLINE) from an
    article whose reader kept the lead in the text (crawler records: realqa_fit2's
    中国教育新闻网 records; ingest/page/bylines.lead_byline). None when the lead names nobody."""
    lead, names = _bylines.lead_byline(art.text.split("\n", 1)[0])
    spans, at = [], 0
    for name in names:
        pos = lead.find(name, at)
        if pos >= 0:
            spans.append((pos, pos + len(name)))
            at = pos + len(name)
    if not spans:
        return None
    return Facts([Quote(None, 0, len(lead))], [(0, s, e) for s, e in spans])


# A piece written up from an interview signs who did it in its end note: "（作者为商务部研究院
# 副研究员，本报记者王珂采访整理）", "本报记者 张三 整理" (fit: realqa_fit2's 人民日报 专家点评
# and 青春 pages). The clause holding 整理 is read with the readers' byline rule.
_WRITE_UP = re.compile(r"[^（(〔\[【，,。；;\n]{2,30}?(?:采访)?整理")


def interview_facts(art: Article) -> Facts | None:
    """Who interviewed and wrote the piece up, from its note (…采访整理), else None."""
    for m in reversed(list(_WRITE_UP.finditer(art.text))):
        clause = m.group()
        names = _bylines.byline_names(re.sub(r"(?:采访)?整理$", "", clause).strip())
        if not names or not re.search("|".join(sorted(_SIGNING_ROLES, key=len, reverse=True)),
                                      clause):
            continue   # "资料整理", a sentence: only a role with a name signs a write-up
        spans = []
        for name in names:
            pos = art.text.find(name, m.start(), m.end())
            if pos >= 0:
                spans.append((0, pos, pos + len(name)))
        lo, hi = m.start(), m.end()
        return Facts([Quote(None, lo, hi)], spans)
    return None


def _listed(art: Article, field: str) -> Facts:
    """Names a reader took from a file's metadata, quoted from that list."""
    short, pos = [], 0
    for name in getattr(art, field):
        short.append((0, pos, pos + len(name)))
        pos += len(name) + 1
    return Facts([Quote(field, 0, len(art.field_text(field)))], short)


def photographer_facts(art: Article) -> Facts | None:
    for field in ("captions", "byline", None):
        text = art.field_text(field)
        credits = photo_credits(text, art.photographers)
        if not credits:
            continue
        quotes: list[Quote] = []
        short = []
        for s, e in credits:
            lo, hi = _line_span(text, s)
            if field is None:  # a credit at the end of a paragraph: quote its sentence
                lo = max(text.rfind(p, lo, s) for p in "。！？") + 1 or lo
                lo = max(lo, _line_span(text, s)[0])
            q = next((i for i, x in enumerate(quotes) if x.start == lo and x.end == hi), None)
            if q is None:
                quotes.append(Quote(field, lo, hi))
                q = len(quotes) - 1
            short.append((q, s, e))
        return Facts(quotes, short)
    return _listed(art, "photographers") if art.photographers else None


def date_facts(art: Article) -> Facts | None:
    if not (art.date or "").strip():
        return None
    return Facts([Quote("date", 0, len(art.date))], [(0, 0, len(art.date))])


# The paper's own citation closing a printed article's text, as 中国教育报 prints it on
# jyb.cn: "《中国教育报》2025年10月15日 第02版" (with or without brackets around the date),
# at the end of a paragraph (a story citing a paper, "据《人民日报》…报道", goes on).
_TRAILER = re.compile(r"《\s*[^《》\s]{2,12}\s*》\s*[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
                      r"\s*(?:第\s*[\d一二三四五六七八九十]+\s*版)?\s*[)）]?(?=\s*(?:\n|$))")
# Where a reprinted piece came from, in its closing note: "（摘编自《南京日报》，原题为…）",
# "（原载《光明日报》）", "转载自《…》" (fit: realqa_fit2's 人民日报 05版 纵横).
_SOURCE_NOTE = re.compile(r"[（(]\s*(?:摘编自|摘自|转载自|转自|选自|原载于?|来源[:：])\s*《[^《》]{2,20}》"
                          r"[^（()）\n]{0,40}[)）]")


def paper_facts(art: Article) -> Facts | None:
    """Which issue: the paper, the date and the page the reader filled (a which-issue
    answer without its date names no issue), then what the text itself says: the
    paper's own citation line and a reprint's source note."""
    quotes = [Quote(f, 0, len(art.field_text(f))) for f in ("newspaper", "date", "page")
              if art.field_text(f).strip()]
    for rx in (_TRAILER, _SOURCE_NOTE):
        m = None
        for m in rx.finditer(art.text):
            pass
        if m is not None:
            quotes.append(Quote(None, m.start(), m.end()))
    return Facts(quotes, []) if quotes else None


# How a Chinese commentary says who its author is: an end note in brackets,
# "〔作者系安徽省铜陵市委党校常务副校长〕", "（作者为天山电影制片厂党委书记）".
_ROLE_NOTE = re.compile(r"[（(〔\[【]\s*作者(?:系|为|是)")
_OPEN, _CLOSE = "（(〔[【", "）)〕]】"


def _bracketed(text: str, lo: int) -> int:
    """The end of the bracket opened at `lo` (brackets inside it counted: "〔作者系
    铜陵市委党校（行政学院）常务副校长〕"), or of its line when it is not closed."""
    depth = 0
    for i in range(lo, len(text)):
        c = text[i]
        if c == "\n":
            return i
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def role_facts(art: Article) -> Facts | None:
    """The author's identity: the article's end note (作者系…), else a byline that
    names a role (本报记者 张三); None when the article says neither."""
    notes = list(_ROLE_NOTE.finditer(art.text))
    if notes:
        lo = notes[-1].start()
        return Facts([Quote(None, lo, _bracketed(art.text, lo))], [])
    byline = art.byline.strip()
    if byline and re.search("|".join(sorted(_SIGNING_ROLES, key=len, reverse=True)), byline):
        lo = len(art.byline) - len(art.byline.lstrip())
        return Facts([Quote("byline", lo, lo + len(byline))], [])
    return None


_FACTS = {"author": author_facts, "photographer": photographer_facts, "date": date_facts,
          "paper": paper_facts, "role": role_facts, "interviewer": interview_facts,
          "editor": editor_facts}


def compose(question: str, asked: str, art: Article) -> Turn:
    """The answer about `art`: the short answer (one name, or the date) first, then the
    quoted field(s) it comes from, each cited; found false when the article lacks them."""
    en = language(question) == "en"
    facts = _FACTS[asked](art)
    if facts is None:
        return Turn(question, _WORDING[asked].missing(en, art.title), False)
    citations: list[Citation] = []
    short_answer = None
    about = _WORDING[asked].about(en, art.title)
    quotes = list(facts.quotes)
    distinct = {art.field_text(facts.quotes[q].field)[s:e] for q, s, e in facts.short}
    if len(distinct) == 1:
        q, s, e = facts.short[0]
        short = Quote(facts.quotes[q].field, s, e)
        cite = _citation(art, 1, short)
        citations.append(cite)
        short_answer = {"text": cite.passage, "n": 1}
        quotes = [x for x in quotes if x != short]   # the date is its whole field
    parts = []
    for quote in quotes:
        cite = _citation(art, len(citations) + 1, quote)
        citations.append(cite)
        parts.append(f"{cite.passage}[{cite.n}]")
    body = ("; " if en else "；").join(parts)
    if short_answer is None:
        answer = f"{about}: {body}" if en else f"{about}：{body}"
    elif not parts:
        answer = f"{short_answer['text']}[1] ({about})" if en else \
            f"{short_answer['text']}[1]（{about}）"
    else:
        answer = f"{short_answer['text']}[1]. {about}: {body}" if en else \
            f"{short_answer['text']}[1]。{about}：{body}"
    return Turn(question, answer, True, citations, short_answer=short_answer)


def previous_article(turns: list[Turn]) -> str | None:
    """The article of the last answered turn (its first citation)."""
    for turn in reversed(turns):
        if turn.found and turn.citations:
            return turn.citations[0].article_id
    return None


def answer(answerer, text: str, asked: str, turns: list[Turn],
           question: Question | None = None):
    """(Turn, Retrieval) for a metadata question; `answerer` is the extractive one,
    `question` the analysis of `text` when the caller made it."""
    from assistant.qa.passages import Retrieval

    question = question or analyse(text)
    lang = language(text)
    topic = topic_of(text, question)
    retrieval = Retrieval(hits=[])
    art_id = None
    allowed = getattr(answerer, "allowed_ids", None)
    art_id = titled_in(answerer.index, text, allowed)
    if art_id is None and topic:
        art_id = _titled(answerer.index, topic, allowed)
    if art_id is None and topic:
        if art_id is None:
            # The article the topic is about: the extractive answer to the topic, which
            # passed the same found/not-found decision as any question.
            turn, retrieval = answerer.answer(topic)
            if turn.found and turn.citations:
                art_id = turn.citations[0].article_id
            else:
                return Turn(text, NO_ARTICLE[lang], False), retrieval
    elif art_id is None:
        art_id = previous_article(turns)
        if art_id is None:
            retrieval.reason = "the question names no article and none was answered before"
            return Turn(text, NAME_THE_ARTICLE[lang], False), retrieval
    art = answerer.index.articles[art_id]
    if asked == "role" and role_facts(art) is None:
        # No end note and no role in the byline: the story itself may say who the
        # author is ("作者张贵民是鲁南制药集团董事长"); the ordinary answer reads it.
        return answerer.answer(text)
    if asked == "author" and _asks_write_up(question) and interview_facts(art) is not None:
        asked = "interviewer"
    turn = compose(text, asked, art)
    if not turn.found:
        retrieval.reason = f"the article has no {asked}"
    return turn, retrieval


def _titled(index, topic: str, allowed=None) -> str | None:
    """The one article whose heading contains the topic, if exactly one does (of the
    `allowed` article ids, when a source filter gives them)."""
    t = simplified(topic).lower()
    if len(t) < 4:
        return None
    hits = [a.id for a in index.articles.values() if t in simplified(a.heading).lower()
            and (allowed is None or a.id in allowed)]
    return hits[0] if len(hits) == 1 else None
