"""Bylines: who wrote the article and where it was filed ("本报记者 张三", "新华社北京4月26日电",
"（记者 …）", "央视网消息"), signatures under the text, and the names a byline gives."""
from __future__ import annotations

import re

from assistant.ingest.page.credits import is_photo_credit
from assistant.ingest.page.marks import HAN
from assistant.ingest.page.names import NAME_SPLIT, OUTLET, ROLE, ROLE_RE, split_names

_PERSON = r"(?:本报|见习|特约|首席|实习)*(?:记者|通讯员)|实习生"
_DATE_NUM = r"(?:\d{1,2}|[一二三四五六七八九十廿卅]{1,3})"
_NOT_IN_DATELINE = "\\s。，,；;：:、（()）【】〔〕\\[\\]"
# A dateline: "本报北京4月26日电", "新华社天津4月27日电", "据新华社北京4月27日电",
# "路透社柏林十日電", "【新华社延安十三日电】" (agency or paper, place, date, 电).
_SOURCE = rf"(?:本报|本報|[^{_NOT_IN_DATELINE}]{{1,10}}?(?:社|处|處|台|网|網|报|報))"
_DATELINE = (rf"(?:据|據)?{_SOURCE}"
             rf"[^{_NOT_IN_DATELINE}]{{0,14}}?(?:{_DATE_NUM}月)?{_DATE_NUM}日(?:专|專|急|特)?(?:电|電)")
# A news flash credit: "央视网消息", "工人日报讯" (and "本报讯").
_FLASH = rf"{_SOURCE}[^{_NOT_IN_DATELINE}]{{0,8}}?(?:消息|讯(?!员)|訊(?!員))"
_REPORTER = (rf"[（(]\s*{OUTLET}?(?:见习|特约|首席|实习)?(?:记者|記者|通讯员|通訊員)"
             r"[^（()）\n]{1,60}[)）]")
# "光明日报北京10月14日电 记者陈晨 全国总工会…": the reporter named without brackets, then a space.
_OPEN_REPORTER = (rf"(?:本报|本報)?(?:见习|特约|首席|实习)?(?:记者|記者|通讯员|通訊員)\s?[{HAN}·]{{2,4}}"
                  rf"(?:[、，,][{HAN}·]{{2,4}})*(?=\s)")
# "本社记者陈沂报导：" after a dateline.
_REPORTS = rf"(?:本社|本报|本報)?(?:特派|随军)?(?:记者|記者)[{HAN}·]{{2,4}}(?:报导|报道|報導)[:：]?"
# A byline opening a body line; whatever follows it on the line is body text.
BYLINE = re.compile(
    r"^(?:"
    rf"[【〔\[]{_DATELINE}[】〕\]](?:\s*{_REPORTER}|\s*{_REPORTS})?"  # 【新华社延安十三日电】本社记者陈沂报导：
    rf"|[【〔\[](?:{_FLASH}|本[市县区埠省][讯訊])[】〕\]](?:\s*{_REPORTER})?"  # 【新华社晋冀鲁豫总分社讯】, 【本市讯】
    rf"|{_DATELINE}(?:\s*{_REPORTER}|\s*{_OPEN_REPORTER})?(?:\s*[:：](?=\S))?"  # 本报北京4月26日电 （记者丁怡婷）
    r"|(?:本报讯|本報訊)\s*[（(][^（()）\n]{1,60}[)）]"              # 本报讯（记者 张三）
    r"|[【〔\[（(](?:本报讯|本報訊)[】〕\]）)]"
    rf"|(?:本报讯\s*)?[（(]?(?:[{HAN}]{{2,8}}?(?:报|報|社|台|网|網))?(?:{_PERSON})"
    r"[^。！？!?，,；;：:\n]{1,60}?报道[)）]?"   # 本报讯记者张三 通讯员李四报道, 本报讯 辽沈晚报记者闫柳报道
    rf"|{_FLASH}(?:\s*{_REPORTER})?(?:\s*[:：](?=\S))?"            # 央视网消息（记者 张三）：
    r"|本报讯|本報訊"
    rf"|{_REPORTER}"                                                  # （记者 张三）
    r")\s*"
)
DATELINE_ONLY = re.compile(rf"[【〔\[（(]?{_DATELINE}[】〕\]）)]?")
_ROLE_ONLY = re.compile(rf"{ROLE}")


# A box inside an article, under a label of its own: the reporter's notes (记者手记), a
# related-facts box (相关链接), a short comment (短评). The label is a subheading of the
# article, never a byline ("记者手记" names no reporter) nor a new article.
BOX_LABEL = re.compile(r"^[【\[（(]?\s*(?:(?:记者|編輯|编辑|采访|作者|编后)?手记|(?:相关|新闻|背景|知识|政策)?链接"
                        r"|记者观察|记者点评|短评|小贴士|名词解释|数据来源)\s*[】\]）)]?[:：]?$")


def is_byline_line(text: str) -> bool:
    """A line holding nothing but a byline: "本报记者 张三 通讯员 李四", "新华社记者 王五",
    "本报评论员", "本报讯", "文/图 赵六", or a dateline with its reporter."""
    t = text.strip("□■◎●▲◆★☆ \u3000")
    if not t or len(t) > 60 or is_photo_credit(t) or BOX_LABEL.match(t):
        return False
    m = re.match(r"(?:作者|记者|撰稿|撰文|文)\s*[:：]\s*", t)
    if m:   # "作者：本报记者 张三", "作者：张三（北京大学教授）"
        rest = re.sub(r"\s*[（(][^（()）]{2,40}[)）]$", "", t[m.end():])
        return bool(rest) and (is_byline_line(rest) or split_names(rest, loose=True) is not None)
    if _ROLE_ONLY.fullmatch(t):
        return True
    m = BYLINE.match(t)
    if m and m.end() == len(t):
        return True
    if re.search(r"[，。；：！？,;:!?]", t):
        return False   # a sentence, not a credit
    rest = ROLE_RE.sub(" ", t)
    if rest == t:
        return False
    rest = re.sub(r"报道|報導|(?:文|图)\s*$", " ", rest).strip()
    return not rest or split_names(rest, loose=True) is not None


def is_signoff(text: str) -> bool:
    """A credit line naming reporters by their role ("本报记者  左妍", "特约通讯员  忻文轲",
    "本报通讯员  马桥  记者  鲁哲"), without a dateline or text: one that can sign a piece."""
    return len(text) <= 40 and is_byline_line(text) and bool(ROLE_RE.search(text)) \
        and not DATELINE_ONLY.search(text) and not re.search(r"本报讯|本報訊|消息", text)


def names_only(text: str) -> bool:
    """A line of one or more personal names and nothing else: a byline without "记者"."""
    return len(text) <= 30 and split_names(text.strip("□■◎●▲◆★☆")) is not None


# An institution credited as the author ("中共中央党史和文献研究院", "某某党组理论学习中心组").
ORG_CREDIT = re.compile(rf"[{HAN}]{{2,20}}(?:研究院|研究会|研究中心|编辑部|评论部|理论学习中心组|党组|院务会)")
# A reader's signature under a letter: the place, then the name ("河南鄢陵县 邢先生").
PLACE_SIGNATURE = re.compile(rf"^[{HAN}]{{2,12}}(?:省|市|县|縣|区|區|州|旗|镇|鎮|乡|鄉|村)\s+[{HAN}·]{{2,6}}$")
_HONORIFIC = ("先生", "女士", "同志", "老师")


def byline_names(byline: str) -> list[str]:
    """The personal names in a byline, its dateline and roles dropped."""
    if PLACE_SIGNATURE.match(byline):   # "江苏南京市 刘国华" -> 刘国华; "邢先生" names nobody
        name = byline.split()[-1]
        return [] if name.endswith(_HONORIFIC) else (split_names(name, loose=True) or [])
    if re.match(r"(?:作者|撰稿|撰文|文)\s*[:：]", byline):   # "作者：莫 洁（媒体评论员）"
        byline = re.sub(r"\s*[（(][^（()）]{2,40}[)）]$", "", byline)
    byline = re.sub(r"^(?:作者|记者|撰稿|撰文|文)\s*[:：]\s*", "记者 ", byline)
    text = DATELINE_ONLY.sub(" ", byline)
    text = re.sub(r"[（()）【】〔〕\[\]□■◎●]", " ", text)
    text = ROLE_RE.sub(" ", text)
    text = re.sub(r"报道|報導|摄影?|攝影?", " ", text)
    loose = bool(ROLE_RE.search(byline)) or bool(DATELINE_ONLY.search(byline))
    names = split_names(text, loose)
    if names is None:  # whatever else is there, keep the pieces that are names
        names = [n for p in NAME_SPLIT.split(text) if p for n in (split_names(p) or [])]
    return names


def lead_byline(first: str) -> tuple[str, list[str]]:
    """A news item's lead that names its reporters before its text, as Chinese papers open a
    消息 ("中国教育报-中国教育新闻网讯（记者 任朝霞） 10月13日，…", "新华社北京10月16日电（记者 张三）"),
    read with the byline rule (`BYLINE`, `byline_names`): (the lead, its names);
    ("", []) when the line opens with no byline or the lead names nobody (a dateline alone).
    Fit: realqa_fit2's 中国教育新闻网 records. Used where the lead stays in the text: the
    crawler-record reader (records_json) and the byline answer (qa/metadata)."""
    m = BYLINE.match(first)
    if not m:
        return "", []
    lead = m.group().rstrip()
    names = byline_names(lead)
    return (lead, names) if names else ("", [])
