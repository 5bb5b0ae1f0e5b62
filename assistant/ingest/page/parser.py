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
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.ingest.page.issue import Issue, from_lines, from_name, is_issue_line
from assistant.records import Article

HEADING_MAX = 40        # longest line taken for a heading, or for a caption found by position alone
LONG_HEADING_MAX = 80   # ... for a heading confirmed by what follows it (source line, byline)
CAPTION_MAX = 60        # longest line taken for a caption found by the blank gap above it
CREDIT_MAX = 120        # longest line taken for a "… 摄" photo caption
PULLED_CAPTION_MAX = 120  # longest paragraph pulled out of the body by a credit line below it
NOTE_MAX = 160          # longest end note "（…）"

# A paragraph ends on these (after any closing quotes or brackets). "；" is left out on
# purpose: it ends a clause, and a layout break right after one is far likelier than a
# paragraph that ends with it; joining such a pair keeps the text whole either way.
_FINAL = set("。！？!?….")
_CLOSERS = "”’」』》）)】]\"'〕"
_OPEN_END = set("，,、；;：:（(《“‘「『—-")  # a line ending on one of these was cut mid-sentence
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CLAUSE_MARK = re.compile(r"[，,；;：:]")
MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]*", re.MULTILINE)

# --- names ------------------------------------------------------------------------------
# Chinese personal names open with a family name; a bare line of names (a byline without
# "记者") is told from a short heading by that. The common family names, simplified and
# traditional, and the compound ones.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟"
    "殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛"
    "靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜"
    "冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查"
    "麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚"
    "花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿"
    "薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭"
    "干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由洪赖习言鄂蹇訾汝丘"
    "張劉陳楊黃趙吳孫馬鄭謝韓馮鄧葉蘇呂盧錢龔羅賀顧蔣許鍾譚陸範賈韋鄒閻湯溫聶嚴龐顏莊歐關"
    "蘭紀畢單喬駱藍遊鮑項連蘆麥婁竇費衛賴萬龍陶雲鄔鄺")
_COMPOUND_SURNAMES = {
    "欧阳", "歐陽", "司马", "司馬", "上官", "诸葛", "諸葛", "东方", "東方", "皇甫", "尉迟", "公孙",
    "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "西门", "南宫", "轩辕", "独孤", "呼延",
    "百里", "澹台", "万俟", "闻人", "拓跋"}
_NAME_SPLIT = re.compile(r"[\s、；;/／]+")
_HAN_NAME = re.compile(rf"[{_HAN}]{{2,4}}")
_FOREIGN_NAME = re.compile(rf"[{_HAN}]+(?:[·•・][{_HAN}]+)+")


def _has_surname(name: str) -> bool:
    return name[:2] in _COMPOUND_SURNAMES or name[0] in _SURNAMES


def _split_names(text: str, loose: bool = False) -> list[str] | None:
    """The names in `text` if it holds nothing else, else None.

    Two-character names are padded to three characters' width ("韩 鑫", "徐 之文"): a
    one-character piece joins the next. One name must open with a family name (or be a
    transliteration with "·"); in a list of two or more, most must. `loose`: a role word
    ("记者") already said these are names, so the family names are not checked.
    """
    parts = [p for p in _NAME_SPLIT.split(text.strip()) if p]
    names: list[str] = []
    k = 0
    while k < len(parts):
        p = parts[k]
        if len(p) == 1 and k + 1 < len(parts) and len(parts[k + 1]) <= 2:
            p += parts[k + 1]
            k += 1
        names.append(p)
        k += 1
    if not names:
        return None
    foreign = [bool(_FOREIGN_NAME.fullmatch(n)) and len(n) <= 20 for n in names]
    if not all(f or _HAN_NAME.fullmatch(n) for n, f in zip(names, foreign)):
        return None
    native = [n for n, f in zip(names, foreign) if not f]
    if loose:   # four characters only with a compound family name, or in a list
        ok = len(names) > 1 or all(len(n) <= 3 or n[:2] in _COMPOUND_SURNAMES for n in native)
        return names if ok else None
    if len(names) == 1:
        return names if foreign[0] or (len(native[0]) <= 3 or native[0][:2] in _COMPOUND_SURNAMES) \
            and _has_surname(native[0]) else None
    if sum(_has_surname(n) for n in native) * 2 < len(native):
        return None
    return names


# --- bylines --------------------------------------------------------------------------
# Who wrote it: "本报记者 张三", "新华社记者 李四", "本报通讯员", "见习记者", "实习生",
# "本报评论员", "文/图 王五".
_OUTLET = rf"(?:本报|本報|本刊|本台|本网|本網|[{_HAN}]{{2,8}}?(?:社|报|報|台|网|網))"
# "本报驻京记者", and "辽沈晚报特派朝阳记者" (a reporter sent to a place: 特派 + place + 记者).
_ROLE = (rf"(?:{_OUTLET}?(?:驻[{_HAN}]{{1,6}}?|特派[{_HAN}]{{1,6}}?(?=记者|記者))?(?:见习|見習|特约|特約|首席|实习|實習|特派|摄影|攝影|全媒体)*"
         r"(?:记者|記者|通讯员|通訊員|评论员|評論員|特约撰稿人|撰稿人)"
         r"|实习生|實習生|本报讯|本報訊|文[/／]图|图[/／]文|文[/／]|[/／]文|图[/／]|[/／]图)")
_ROLE_RE = re.compile(_ROLE)
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
_REPORTER = (rf"[（(]\s*{_OUTLET}?(?:见习|特约|首席|实习)?(?:记者|記者|通讯员|通訊員)"
             r"[^（()）\n]{1,60}[)）]")
# "光明日报北京10月14日电 记者陈晨 全国总工会…": the reporter named without brackets, then a space.
_OPEN_REPORTER = (rf"(?:本报|本報)?(?:见习|特约|首席|实习)?(?:记者|記者|通讯员|通訊員)\s?[{_HAN}·]{{2,4}}"
                  rf"(?:[、，,][{_HAN}·]{{2,4}})*(?=\s)")
# "本社记者陈沂报导：" after a dateline.
_REPORTS = rf"(?:本社|本报|本報)?(?:特派|随军)?(?:记者|記者)[{_HAN}·]{{2,4}}(?:报导|报道|報導)[:：]?"
# A byline opening a body line; whatever follows it on the line is body text.
BYLINE = re.compile(
    r"^(?:"
    rf"[【〔\[]{_DATELINE}[】〕\]](?:\s*{_REPORTER}|\s*{_REPORTS})?"  # 【新华社延安十三日电】本社记者陈沂报导：
    rf"|[【〔\[](?:{_FLASH}|本[市县区埠省][讯訊])[】〕\]](?:\s*{_REPORTER})?"  # 【新华社晋冀鲁豫总分社讯】, 【本市讯】
    rf"|{_DATELINE}(?:\s*{_REPORTER}|\s*{_OPEN_REPORTER})?(?:\s*[:：](?=\S))?"  # 本报北京4月26日电 （记者丁怡婷）
    r"|(?:本报讯|本報訊)\s*[（(][^（()）\n]{1,60}[)）]"              # 本报讯（记者 张三）
    r"|[【〔\[（(](?:本报讯|本報訊)[】〕\]）)]"
    rf"|(?:本报讯\s*)?[（(]?(?:[{_HAN}]{{2,8}}?(?:报|報|社|台|网|網))?(?:{_PERSON})"
    r"[^。！？!?，,；;：:\n]{1,60}?报道[)）]?"   # 本报讯记者张三 通讯员李四报道, 本报讯 辽沈晚报记者闫柳报道
    rf"|{_FLASH}(?:\s*{_REPORTER})?(?:\s*[:：](?=\S))?"            # 央视网消息（记者 张三）：
    r"|本报讯|本報訊"
    rf"|{_REPORTER}"                                                  # （记者 张三）
    r")\s*"
)
_DATELINE_ONLY = re.compile(rf"[【〔\[（(]?{_DATELINE}[】〕\]）)]?")
_ROLE_ONLY = re.compile(rf"{_ROLE}")


# A box inside an article, under a label of its own: the reporter's notes (记者手记), a
# related-facts box (相关链接), a short comment (短评). The label is a subheading of the
# article, never a byline ("记者手记" names no reporter) nor a new article.
_BOX_LABEL = re.compile(r"^[【\[（(]?\s*(?:(?:记者|編輯|编辑|采访|作者|编后)?手记|(?:相关|新闻|背景|知识|政策)?链接"
                        r"|记者观察|记者点评|短评|小贴士|名词解释|数据来源)\s*[】\]）)]?[:：]?$")


def is_byline_line(text: str) -> bool:
    """A line holding nothing but a byline: "本报记者 张三 通讯员 李四", "新华社记者 王五",
    "本报评论员", "本报讯", "文/图 赵六", or a dateline with its reporter."""
    t = text.strip("□■◎●▲◆★☆ \u3000")
    if not t or len(t) > 60 or is_photo_credit(t) or _BOX_LABEL.match(t):
        return False
    m = re.match(r"(?:作者|记者|撰稿|撰文|文)\s*[:：]\s*", t)
    if m:   # "作者：本报记者 张三", "作者：张三（北京大学教授）"
        rest = re.sub(r"\s*[（(][^（()）]{2,40}[)）]$", "", t[m.end():])
        return bool(rest) and (is_byline_line(rest) or _split_names(rest, loose=True) is not None)
    if _ROLE_ONLY.fullmatch(t):
        return True
    m = BYLINE.match(t)
    if m and m.end() == len(t):
        return True
    if re.search(r"[，。；：！？,;:!?]", t):
        return False   # a sentence, not a credit
    rest = _ROLE_RE.sub(" ", t)
    if rest == t:
        return False
    rest = re.sub(r"报道|報導|(?:文|图)\s*$", " ", rest).strip()
    return not rest or _split_names(rest, loose=True) is not None


def _is_signoff(text: str) -> bool:
    """A credit line naming reporters by their role ("本报记者  左妍", "特约通讯员  忻文轲",
    "本报通讯员  马桥  记者  鲁哲"), without a dateline or text: one that can sign a piece."""
    return len(text) <= 40 and is_byline_line(text) and bool(_ROLE_RE.search(text)) \
        and not _DATELINE_ONLY.search(text) and not re.search(r"本报讯|本報訊|消息", text)


def names_only(text: str) -> bool:
    """A line of one or more personal names and nothing else: a byline without "记者"."""
    return len(text) <= 30 and _split_names(text.strip("□■◎●▲◆★☆")) is not None


# An institution credited as the author ("中共中央党史和文献研究院", "某某党组理论学习中心组").
_ORG_CREDIT = re.compile(rf"[{_HAN}]{{2,20}}(?:研究院|研究会|研究中心|编辑部|评论部|理论学习中心组|党组|院务会)")
# A reader's signature under a letter: the place, then the name ("河南鄢陵县 邢先生").
_PLACE_SIGNATURE = re.compile(rf"^[{_HAN}]{{2,12}}(?:省|市|县|縣|区|區|州|旗|镇|鎮|乡|鄉|村)\s+[{_HAN}·]{{2,6}}$")
_HONORIFIC = ("先生", "女士", "同志", "老师")


def byline_names(byline: str) -> list[str]:
    """The personal names in a byline, its dateline and roles dropped."""
    if _PLACE_SIGNATURE.match(byline):   # "江苏南京市 刘国华" -> 刘国华; "邢先生" names nobody
        name = byline.split()[-1]
        return [] if name.endswith(_HONORIFIC) else (_split_names(name, loose=True) or [])
    if re.match(r"(?:作者|撰稿|撰文|文)\s*[:：]", byline):   # "作者：莫 洁（媒体评论员）"
        byline = re.sub(r"\s*[（(][^（()）]{2,40}[)）]$", "", byline)
    byline = re.sub(r"^(?:作者|记者|撰稿|撰文|文)\s*[:：]\s*", "记者 ", byline)
    text = _DATELINE_ONLY.sub(" ", byline)
    text = re.sub(r"[（()）【】〔〕\[\]□■◎●]", " ", text)
    text = _ROLE_RE.sub(" ", text)
    text = re.sub(r"报道|報導|摄影?|攝影?", " ", text)
    loose = bool(_ROLE_RE.search(byline)) or bool(_DATELINE_ONLY.search(byline))
    names = _split_names(text, loose)
    if names is None:  # whatever else is there, keep the pieces that are names
        names = [n for p in _NAME_SPLIT.split(text) if p for n in (_split_names(p) or [])]
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

# --- photo captions ---------------------------------------------------------------------
# A photo credit closes a caption: "… 记者张三 摄", "程 兆摄（人民视觉）", "新华社记者 毛思倩摄",
# "刘佳良摄" on its own line, "受访者供图", "（见图）", "新华社发", "资料图片".
_PAREN_TAIL = r"(?:\s*[（(][^（()）]{1,16}[)）])?"
_CREDIT_TAIL = _PAREN_TAIL + r"\s*$"
_SHOT = re.compile(r"(?:摄|攝)(?:影)?(?:\s*[/／]\s*[^\s/／。，,]{2,8})?" + _CREDIT_TAIL)   # 王毅摄/光明图片
_OTHER_CREDIT = re.compile(
    r"(?:受访者供图|[^\s。，,]{0,16}供图|资料图片?|图片来源[:：][^。]{0,30}|新华社发" + _PAREN_TAIL
    + r"|[（(]见图[)）]|[（(]图片由[^（()）]{1,20}提供[)）]|(?:摄影|图)[:：/／]\s*[^\s。，,]{2,12})\s*$")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_LABELLED_SUBHEAD = re.compile(r"[^，,；;：:\s]{2,8}[：:][^，,；;：:]{2,20}")
# A caption opens on the photo: "图为…", "上图：…", "图①…".
_PHOTO_CUE = re.compile(r"^(?:[图圖]为|[图圖][①-⑳\d]|[上下左右中]图[：:]?|[图圖]片?[：:])")


def photo_credit(text: str) -> tuple[str, str] | None:
    """Split a caption line into (caption, credit), or None when it has no photo credit."""
    if len(text) > CREDIT_MAX:
        return None
    m = _OTHER_CREDIT.search(text)
    if m:
        start = m.start()
        head = text[:start]
        return head.strip(), text[start:].strip()
    m = _SHOT.search(text)
    if not m:
        return None
    pre = text[:m.start()]
    ends = list(_SENTENCE_END.finditer(pre))
    cut = ends[-1].end() if ends else 0
    credit_names = pre[cut:]
    names = _ROLE_RE.sub(" ", credit_names).replace("/", " ").replace("／", " ")
    if not names.strip() and _ROLE_RE.search(credit_names):
        return pre[:cut].strip(), text[cut:].strip()   # "本报记者摄"
    if _split_names(names, loose=bool(_ROLE_RE.search(credit_names))) is not None:
        return pre[:cut].strip(), text[cut:].strip()
    if not ends and not _ROLE_RE.search(credit_names):
        # "居民在圆桌会上发言 张三 摄": the caption ends at the last run of spaces
        head, _, tail = credit_names.strip().rpartition(" ")
        if len(head) >= 6 and _split_names(tail) is not None:
            at = text.rfind(tail, 0, m.start())
            return text[:at].strip(), text[at:].strip()
    return None


def is_photo_credit(text: str) -> bool:
    """Whether a caption line carries a photo credit (see `photo_credit`)."""
    return photo_credit(text) is not None


def credit_only(text: str) -> bool:
    """Whether the line is a photo credit and nothing else (no caption text before it)."""
    split = photo_credit(text)
    return split is not None and not split[0]


def caption_photographers(caption: str) -> list[str]:
    """The photographers a caption's credit names ("… 本报记者 张三 摄" -> ["张三"])."""
    split = photo_credit(caption)
    return _credit_names(split[1]) if split else []


def _credit_names(credit: str) -> list[str]:
    if not _SHOT.search(credit):
        return []
    text = _SHOT.sub("", credit)
    loose = bool(_ROLE_RE.search(text))
    text = _ROLE_RE.sub(" ", text)
    text = re.sub(r"[/／（()）]", " ", text)
    return _split_names(text, loose) or []


# --- page furniture ---------------------------------------------------------------------
# The source line of an e-paper article: "《人民日报》（2026年04月27日 第 05 版）",
# "《 学习时报 》（ 2026年04月29日 第 04 版 ）", "（ 2026-04-28 ） 稿件来源：新华每日电讯 要闻",
# "申報 日期：1949-05-12 版次/卷期：02 版", and the word count "字数: 1845" printed with it.
# It stands between an article's headings and its body; the words beside it on the line are
# the article's byline.
_EDITION = re.compile(
    r"《\s*[^《》\s]{2,12}\s*》\s*[（(]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*"
    r"(?:第?\s*[\d一二三四五六七八九十]+\s*版\s*)?[)）]"
    r"|[（(]\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*[)）]\s*(?:稿件)?来源[:：]\s*\S+(?:\s+\S{1,10})?\s*$"
    r"|\S{1,12}\s*日期[:：]\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*版次(?:/卷期)?[:：]\s*\S{1,6}?\s*版"
    r"|字数[:：]?\s*\d+")
# A date or source line of its own: "2026年4月28日 星期二 第3版", "2026-04-28 08:30 来源：人民网",
# "发布时间：2026-04-28", "来源：工人日报".
_DATE = r"\d{4}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2})"
_DATE_LINE = re.compile(
    rf"^(?:[^\s。，,（(]{{0,12}}\s*)?{_DATE}(?:\s*\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?"
    r"(?:\s*(?:星期|周)[一二三四五六日天])?(?:\s*农历\S{2,10})?"
    r"(?:\s*第\s*[\d一二三四五六七八九十]+\s*(?:版|期)(?:\s*[:：·]?\s*[^\s。，,]{1,12})?)?"
    r"(?:\s*(?:来源|稿源|出处)[:：]\s*\S{1,20})?\s*$"
    r"|^(?:发布时间|发布日期|来源|稿源|稿件来源)[:：].{0,60}$")
# Lines that are never article text: jump lines, editor and layout credits, the page's mail
# box, list-of-headlines page references, box labels, section banners and the links, symbols
# and copyright lines a web page brings along.
FURNITURE = re.compile(
    r"^[（(]?[上下]?[接转]第?\s*[\d一二三四五六七八九十]+\s*版[)）]?$"
    r"|^[（(\[【［]?\s*(?:本版|[一二三四五六七八九十\d]+版)?(?:责任编辑|責任編輯|责编|責編|美编|校对|版式设计|版式"
    r"|见习编辑|制图|图表制作|本版邮箱|投稿邮箱)(?:\s*[:：]|\s)\s*\S.{0,150}$"
    r"|^[（(\[【［]?\s*(?:编辑|編輯)\s*[:：]\s*\S.{0,40}$"
    r"|^(?:→|见)?\s*第?\s*[\d一二三四五六七八九十]{1,3}\s*版$"                         # 第九版
    r"|^第\s*[\d一二三四五六七八九十]+(?:\s*[/／-]\s*[\d一二三四五六七八九十]+)?\s*版\s*[:：·]\s*\S{1,20}$"  # 第03版：要闻, 第6/7版:上海新闻
    r"|^(?:看点|亮点|核心阅读|阅读提示|核心提示|内容提要|导读|本期导读|今日导读|本版导读|要目)$"  # box labels
    r"|^(?:要闻|国内新闻|国际新闻|综合新闻|广告)$"                                       # section banners
    r"|^(?:本版)?(?:图片|照片|插图|摄影)均?由\S{1,20}提供$"                               # 本版图片由受访者提供
    r"|^第\s*[\d一二三四五六七八九十]+\s*版\s*[（(][^（()）]{0,12}[)）]$"                    # 第1版() of an archive
    r"|^(?:专栏|栏目|版名)\s*[:：]\s*\S{0,16}$"                                          # 专栏：
    r"|^[^|｜\n]{1,12}(?:\s*[|｜]\s*[^|｜\n]{1,12}){2,}$"                              # 关于我们 | 版权声明 | …
    r"|^[^>＞»›\n]{1,12}(?:\s*[>＞»›]{1,2}\s*[^>＞»›\n]{1,12}){2,}$"                    # 首页 > 新闻 > 正文
    r"|^[×✕✖╳■□▲△◆◇●○★☆※…·•\-—_=~\s]{1,6}$"
    r"|^(?:首页|返回(?:目录|顶部|首页|上页)?|上一(?:篇|版|页|期)|下一(?:篇|版|页|期)|打印(?:本页|本文)?"
    r"|关闭(?:窗口)?|收藏|点赞|分享到?[:：]?.{0,20}|扫一扫.{0,20}|扫码.{0,20}|字号[:：].{0,10}"
    r"|【?字体[:：].{0,10}|阅读(?:量|数)[:：]?\s*\d*|浏览次数[:：]?\s*\d*)$"
    r"|^.{0,40}(?:Copyright|COPYRIGHT|版权所有|©|ICP备|ICP证|公网安备|违法和不良信息举报).{0,60}$")
# Markdown a page copied from an archive may carry: "# 标题", "> 本报记者 …", "**粗体**",
# links and images.
_MD_PREFIX = re.compile(r"^(?:#{1,6}\s+|>+\s*)")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:https?:|/)[^)]*\)")
_PAGE_REF = re.compile(r"^(?:→|见)?\s*第?\s*[\d一二三四五六七八九十]{1,3}\s*版$")
# A web page's lists of other headlines under a label: "相关新闻", "推荐阅读", …
_LIST_LABEL = re.compile(r"^[【\[]?(?:相关新闻|相关阅读|相关报道|推荐阅读|延伸阅读|热点推荐|热门推荐|热点新闻|热门新闻"
                         r"|更多新闻|更多阅读|猜你喜欢|精彩推荐|为你推荐|最新新闻|往期回顾)[】\]]?[:：]?$")


# A web page's header line names the author: "来源：光明日报 作者：本报记者 张三 2025-10-15".
_AUTHOR_LABEL = re.compile(r"(?:作者|记者|文|撰稿|撰文)[:：]\s*")


def strip_edition(line: str) -> tuple[str, bool]:
    """The line without a source/date line in it, and whether there was one."""
    if _DATE_LINE.match(line):
        m = _AUTHOR_LABEL.search(line)
        if m:   # keep who wrote it: up to the next label or date
            who = re.split(r"\s+(?=\S+[:：])|\s+\d{4}[-/.年]", line[m.end():])[0].strip()
            if who and (is_byline_line(who) or names_only(who)):
                return who, True
        return "", True
    rest = _EDITION.sub(" ", line).strip()
    if rest == line.strip():
        return rest, False
    if len(rest) > 40 or _SENTENCE_END.search(rest):
        return line.strip(), False   # body text citing a paper ("…据《人民日报》（…）报道。")
    return re.sub(r"\s{2,}", " ", rest), True


# --- sentences --------------------------------------------------------------------------
# The line after a caption continues the broken sentence: it opens with punctuation or
# with a one- or two-character remainder such as "过。".
_CONTINUES = re.compile(r"^(?:[，,、；;：:。！？!?）)》”’]|[^\s，,。！？!?]{1,2}[。！？!?])")
# Body text and captions, not headings, open like this: "4月26日，", "图为", "近日，".
BODY_START = re.compile(
    r"^(?:\d{1,2}月\d{1,2}日(?:[上下]午|晚)?[，,]|[图圖]为|[图圖][①-⑳\d]|[上下左右中]图[：:]?|近日[，,]"
    r"|日前[，,]|当日[，,]|当天[，,]|昨天[，,]|今天[，,]|据悉|据了解|记者从)")
# An end note closes an article: "（罗鑫、罗超参与采写）", "（作者为…）", "〔作者系…〕",
# "（据新华社电）", "（责任编辑 …）", "（陈猛）", or a final dateline "新华社北京4月26日电".
_ENUMERATOR = re.compile(r"^[（(〔\[【]\s*[\d一二三四五六七八九十]{1,3}\s*[)）〕\]】]$")
_PAIRS = {"（": "）", "(": ")", "〔": "〕", "[": "]", "【": "】"}
_NOTE_OPENERS = "（(〔"
# A kicker (引题) often ends with "——" and leads into the title below it.
_KICKER_END = ("——", "—", "--")


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


def is_closed(text: str) -> bool:
    """Whether the line ends a sentence (。！？…, closing quotes and brackets aside)."""
    core = text.rstrip(_CLOSERS + " \t\u3000")
    return bool(core) and core[-1] in _FINAL


def is_kicker(text: str) -> bool:
    """A kicker (引题) above a headline: short, ending on a dash ("——"), no full stop."""
    return len(text) <= LONG_HEADING_MAX and text.endswith(_KICKER_END) and "。" not in text \
        and len(text.rstrip("—-")) >= 2


def is_subtitle(text: str) -> bool:
    """A subtitle (副题) opens with a dash: "——记一位乡村教师"."""
    return text.startswith(("——", "—", "--")) and len(text) <= LONG_HEADING_MAX \
        and "。" not in text[:-1] and len(text.lstrip("—-")) >= 2 and not _is_attribution(text)


def _is_attribution(text: str) -> bool:
    """"——本报记者 刘仲华", "——习近平": a dash and who said or wrote it, not a subtitle."""
    rest = text.lstrip("—-－ ")
    if rest != text and re.sub(r"\s+", "", rest) in ("编者", "編者", "编辑部", "本报编辑部", "本刊编辑部"):
        return True   # "——编 者" signs an editor's note
    return rest != text and bool(rest) and (is_byline_line(rest) or names_only(rest))


def is_heading_line(text: str, limit: int = HEADING_MAX) -> bool:
    """A short line with no sentence end: kicker, title, subtitle or column name."""
    if is_kicker(text):
        return True
    if _is_attribution(text):
        return False
    return (len(text) <= limit and "。" not in text and not is_closed(text)
            and text[-1] not in _OPEN_END and not BYLINE.match(text)
            and not is_photo_credit(text) and not FURNITURE.match(text)
            and not BODY_START.match(text))


def _is_weak_heading(text: str) -> bool:
    """A short line ending in ！ or ？: a heading only next to other heading evidence."""
    core = text.rstrip(_CLOSERS)
    return (len(text) <= HEADING_MAX and "。" not in text and bool(core) and core[-1] in "！？!?"
            and not BYLINE.match(text) and not is_photo_credit(text))


# A title broken over two lines (text copied from a PDF or a narrow column) is one title:
# the first line leaves a bracket or quote open, or ends on a word that cannot end a
# headline, or the second opens on one that cannot start one.
_NO_TITLE_END = set("的之与和及或在把被对为向从以于将让使并而且跟给由暨")
_NO_TITLE_START = set("的之与和及或、，,。：:；;）)》”’」』")
_OPEN_CLOSE = [("“", "”"), ("（", "）"), ("(", ")"), ("《", "》"), ("「", "」"), ("『", "』"), ("‘", "’")]


def _unbalanced(text: str) -> bool:
    return any(text.count(o) > text.count(c) for o, c in _OPEN_CLOSE)


_jieba = None


def _word_spans_break(head: str, tail: str) -> bool:
    """Whether a dictionary word runs across the break: "…视频会" / "议上强调"."""
    global _jieba
    if not (re.match(f"[{_HAN}]", head[-1]) and re.match(f"[{_HAN}]", tail[0])):
        return False
    if _jieba is None:
        import logging

        import jieba
        jieba.setLogLevel(logging.WARNING)
        _jieba = jieba
    left, right = head[-4:], tail[:4]
    pos = 0
    for word in _jieba.lcut(left + right, HMM=False):
        if pos < len(left) < pos + len(word):
            return True
        pos += len(word)
    return False


def _continues_title(head: str, tail: str) -> bool:
    if is_kicker(head) or is_subtitle(tail) or is_byline_line(tail) or len(tail) > HEADING_MAX:
        return False   # (what is left of a broken title is short)
    if _unbalanced(head) and not _unbalanced(head + tail):
        return True
    if head[-1] in _NO_TITLE_END or tail[0] in _NO_TITLE_START:
        return True
    if head[-1].isdigit() and tail[0].isdigit():
        return True
    return _word_spans_break(head, tail)


def _split_dash_title(h: str) -> list[str]:
    """A web title carrying its subtitle after a dash, "全岛封关进入“倒计时”——海南自贸港
    开放发展蹄疾步稳": the print title and its subtitle (副题), which keeps the dash."""
    at = h.find("——")
    if at < 2 or is_kicker(h) or is_subtitle(h) or h.count("——") > 1 or _unbalanced(h[:at]):
        return [h]
    tail = h[at:]
    return [h[:at].rstrip(), tail] if len(tail.lstrip("—")) >= 4 else [h]


_TAGGED = re.compile(r"^[【\[［][^【】\[\]［］。！？!?，,]{2,24}[】\]］]\s*(?=\S{2})")


def _rejoin_titles(headings: list[str]) -> list[str]:
    # A column tag before a web title ("【大美中国】壮美然乌湖") is the column, not the title.
    headings = [_TAGGED.sub("", h) if not BYLINE.match(h) else h for h in headings]
    out: list[str] = []
    for h in [part for h in headings for part in _split_dash_title(h)]:
        if out and _continues_title(out[-1], h):
            out[-1] = join_wrapped(out[-1], h)
        elif out and is_subtitle(out[-1]) and not is_subtitle(h) and not is_kicker(h):
            # A subtitle comes last in a heading block: a line under it continues it.
            out[-1] = join_wrapped(out[-1], h)
        else:
            out.append(h)
    return out


def join_wrapped(head: str, tail: str) -> str:
    # Chinese lines join directly; a break between ASCII words stood for a space.
    if head[-1].isascii() and not head[-1].isspace() and head[-1] != "-" \
            and tail[0].isascii() and tail[0].isalpha():
        return f"{head} {tail}"
    return head + tail


# --- lines ------------------------------------------------------------------------------
@dataclass
class _Line:
    text: str
    gap: int                     # blank lines above it
    indent: bool = False         # set in from the margin (a paragraph's first line)
    after_edition: bool = False  # an article's source line stood right above (or on) it
    credit: bool = False         # what was left of that source line: the article's byline
    after_end: bool = False      # a source line closing the article above stood above it
    md_start: bool = False       # a Markdown heading ("### 标题") stood above it
    deck: bool = False           # one deck of a headline the file also gives as one title line
    jump_out: bool = False       # the text goes on on another page ("（转第5版）" ended it)
    jump_in: bool = False        # the text comes from another page ("（上接第1版）" stood above)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_indented(raw: str) -> bool:
    return raw[:1] in ("\u3000", "\t") or raw.startswith("  ")


# Paragraphs run together on one line, set apart by a run of spaces (e-paper text saved by a
# crawler as one field: "…。    首席记者  潘高峰    “实在是…"): each run starts a paragraph.
_SPACE_RUN = re.compile(r"(?<=\S)[ \u00a0]{3,}(?=\S)")
# A link line copied with a web page: "<https://topics.gmw.cn/…>", ">>>详见新民网www.xinmin.cn".
_LINK_LINE = re.compile(r"^(?:[<＜(（\[【]?\s*(?:https?://|www\.)\S+?[>＞)）\]】]?"
                        r"|(?:>>+|》》|→)?\s*(?:详见|详情见|更多(?:内容|详情)?(?:请)?(?:见|访问|点击)?)\S{0,12}"
                        r"(?:https?://|www\.)\S+)$")
# Where an article leaves the page and where it comes back: "（转第5版）", "（下转第五版）",
# "（上接第1版）", "（紧接第一版）".
_JUMP_NUM = r"第?\s*[\d一二三四五六七八九十]{1,3}\s*(?:版|页|頁)"
_JUMP_OUT = re.compile(rf"[（(]\s*(?:下转|轉|转至|转到|转){_JUMP_NUM}\s*[)）]|(?<=[。！？”])\s*(?:下转|转){_JUMP_NUM}$")
_JUMP_IN = re.compile(rf"^[（(]?\s*(?:上接|紧接|承接|接|承){_JUMP_NUM}\s*[)）]?\s*")
# A numbered section heading inside an article: "（一）三十年再聚首", "一、加强组织领导", "1.人员到位".
_NUMBERED = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、．.]|\d{1,2}[、．.](?!\d))")
# An editor's note: "编者按：…", "【编者按】…", "编者的话", "编前", "编后".
_EDITOR_NOTE = re.compile(r"^[【\[（(]?\s*(?:编者按语?|編者按語?|编者的话|編者的話|编前|編前|编后语?|編後語?)\s*[】\]）)]?\s*[:：]?")
# A column tag on a line of its own: "【活力中国调研行】", "【大美中国】" (not a dateline such as
# "【新华社延安十三日电】", which opens its article's text).
_COLUMN_TAG = re.compile(r"^[【\[［]\s*[^【】\[\]［］。！？!?，,]{2,24}\s*[】\]］]$")


def _split_runs(raw: str) -> list[str]:
    """A line whose paragraphs are set apart by runs of spaces, as separate lines; a byline
    run onto the end of the last sentence ("…谢谢所有人了。”本报记者  杨硕") as a line too."""
    parts = _SPACE_RUN.split(raw)
    out = [parts[0]] + ["  " + p for p in parts[1:]]
    res = []
    for part in out:
        m = re.search(r"[。！？!?][”’」』）)]?\s*([^。！？!?“”]{2,40})$", part)
        if m and len(part) > 2 * len(m.group(1)) and is_byline_line(m.group(1)) \
                and _ROLE_RE.search(m.group(1)) and not _DATELINE_ONLY.search(m.group(1)):
            res += [part[:m.start(1)].rstrip(), "  " + m.group(1)]
        else:
            res.append(part)
    return res


def page_lines(text: str) -> list[_Line]:
    """A page's text as the lines the parser reads: headline lists, source lines, page
    furniture and Markdown marks dropped; jump lines, gaps and indents noted on each line."""
    raws = [r for raw in _normalise_newlines(text).split("\n") for r in _split_runs(raw)]
    dropped: set[int] = set()
    # Lists of other headlines (导读, 要目): each item ends on the page it is on ("第九版");
    # the short lines above the page reference, back to a blank line, are the item.
    for k, raw in enumerate(raws):
        if not _PAGE_REF.match(raw.strip()):
            continue
        b, spacing = k - 1, 0
        while b >= 0 and not raws[b].strip():
            spacing += 1
            b -= 1
        taken = 0
        while b >= 0 and taken < 3:
            t = raws[b].strip()
            if len(t) > HEADING_MAX or is_closed(t) or _PAGE_REF.match(t) or strip_edition(t)[1]:
                break
            dropped.add(b)
            taken += 1
            b -= 1
            run = 0
            while b >= 0 and not raws[b].strip():
                run += 1
                b -= 1
            if run > spacing:
                break   # a wider gap than between the item's lines: the item starts here
    # ... and the headlines listed under a label, up to the first line that is not one
    # (or that a byline below shows to be an article's own title).
    for k, raw in enumerate(raws):
        if _LIST_LABEL.match(raw.strip()):
            dropped.add(k)
            b = k + 1
            while b < len(raws):
                t = raws[b].strip()
                if t:
                    nxt = next((r.strip() for r in raws[b + 1:] if r.strip()), "")
                    if len(t) > HEADING_MAX or is_closed(t) or is_byline_line(nxt) \
                            or BYLINE.match(nxt):
                        break
                    dropped.add(b)
                b += 1
    out: list[_Line] = []
    gap = 0
    mark = ended = jumped_in = False
    for k, raw in enumerate(raws):
        line = raw.strip()
        # Jump lines: "（转第5版）" where an article leaves the page, "（上接第1版）" where it
        # comes back; on a line of their own or run onto the text.
        m = _JUMP_OUT.search(line)
        if m and m.end() == len(line):
            line = line[:m.start()].rstrip()
            if out and not line:
                out[-1].jump_out = True
                continue
            jump_out = True
        else:
            jump_out = False
        m = _JUMP_IN.match(line)
        if m:
            line = line[m.end():].lstrip()
            jumped_in = True
            if out and out[-1].gap >= gap and is_heading_line(out[-1].text) and not out[-1].after_end:
                out[-1].after_end = True   # the headline repeated over the continued text
            else:
                ended = True   # the text after it is not the article above's
            if not line:
                continue
        if line and (line[0] in "#>" or "](" in line or "**" in line):
            line = _MD_PREFIX.sub("", line)   # "> 本报记者 …《人民日报》（…）"
            line = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line))
            if line.count("**") % 2 == 0:
                line = line.replace("**", "")
            line = line.strip()
            if not line:
                continue
        if not line:
            gap += 1
            continue
        if k in dropped:
            continue
        rest, edition = strip_edition(line)
        if edition and not rest and out and is_closed(out[-1].text) and not mark:
            # A source line under finished text (a web copy of an e-paper article: the text,
            # then "《光明日报》（2025年10月14日 04版）"): the article ends here.
            ended = True
            continue
        if edition:
            if rest and not FURNITURE.search(rest):
                out.append(_Line(rest, gap, _is_indented(raw), True, True))
                gap, mark = 0, False
            else:
                mark = True
            continue
        if FURNITURE.search(line) or _LINK_LINE.match(line) or is_issue_line(line) or (
                _COLUMN_TAG.match(line) and not BYLINE.match(line)):
            continue
        out.append(_Line(line, gap, _is_indented(raw), mark, after_end=ended,
                         md_start=bool(re.match(r"\s*#{1,6}\s", raw)), jump_out=jump_out,
                         jump_in=jumped_in))
        gap, mark, ended, jumped_in = 0, False, False, False
    return _drop_repeated_titles(out)


def _drop_repeated_titles(lines: list[_Line]) -> list[_Line]:
    """A title line repeated by the decks under it (an archive file's "### 东京粮食恐慌  饥民千余
    拥入皇宫", then the printed decks line by line) is said once: the decks stay. A names-only
    line between them is the file's author field ("陈沂"), which the text credits itself."""
    drop: set[int] = set()
    for k, line in enumerate(lines):
        flat = re.sub(r"\s+", "", line.text)
        if not 4 <= len(flat) <= 3 * LONG_HEADING_MAX or k in drop:
            continue
        first = k + 1
        while first < min(k + 3, len(lines)) and names_only(lines[first].text):
            first += 1
        acc = ""
        for m in range(first, min(first + 4, len(lines))):
            acc += re.sub(r"\s+", "", lines[m].text)
            if acc == flat and m > first:
                drop.update(range(k, first))
                lines[first].md_start = lines[first].md_start or line.md_start
                lines[first].gap = max(lines[first].gap, line.gap)
                for deck in lines[first:m + 1]:
                    deck.deck = True   # the title line says these lines are the headline
                break
            if not flat.startswith(acc):
                break
    return [line for k, line in enumerate(lines) if k not in drop]


# --- drafts -----------------------------------------------------------------------------
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


class PageParser:
    """Walks the lines of a page once, starting an article at each heading block."""

    def __init__(self, lines: list[_Line]):
        self.lines = lines
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
        self.signed_below = bool(lines) and _is_signoff(lines[-1].text)
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
            block = self._heading_block(i, cur) if detect_headings else None
            if block is not None:
                i, new = block
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
                    or (self.usual_gap == 0 and self.has_gaps and line.gap > 0)):
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
            elif detect_headings and cur.started and self.signed_below and _is_signoff(text):
                cur.close()
                if i > 0 and _is_signoff(self.lines[i - 1].text) and cur.signoffs:
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
                    (names_only(text) and self._ends_article(i)) or _PLACE_SIGNATURE.match(text)):
                # A signature under the text (署名在文末): the byline of a piece without one.
                cur.close()
                cur.byline = text
            else:
                cur.add_body(text, standalone=self._is_subheading(i))
            i += 1
        if cur is not None:
            cur.close()
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
                ends = list(_SENTENCE_END.finditer(d.paragraphs[0]))
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
                and (self._ends_article(i) or _PHOTO_CUE.match(cur.paragraphs[-1])):
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
        lines, n = self.lines, len(self.lines)
        pending_open = cur is not None and cur.pending is not None
        at_start = cur is None or not cur.started
        first = lines[i]
        t0 = first.text
        if cur is not None and cur.started and (self._is_end_note(i) or _is_note_text(t0)
                                                or _BOX_LABEL.match(t0)):
            return None
        if cur is not None and cur.started and not cur.byline and (
                (names_only(t0) and self._ends_article(i))
                or (_PLACE_SIGNATURE.match(t0) and cur.pending is None)):
            return None   # a signature under the text, see parse()
        if cur is not None and cur.started and self.signed_below and _is_signoff(t0):
            return None   # a credit signing the text above, see parse()
        if not (is_byline_line(t0) or self._heading_at(i) or self._long_kicker(i)
                or (not pending_open and _is_weak_heading(t0))):
            return None
        if cur is not None and not cur.started and (cur.sealed or cur.byline) \
                and not is_byline_line(t0):
            # The heading block ended at the source line or the byline; what follows is
            # body, unless a byline shows the line opens a piece of its own.
            if not self._confirmed_ahead(i):
                return None
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
            elif draft.headings and _ORG_CREDIT.fullmatch(t) and j + 1 < n and lines[j + 1].after_edition:
                # An institution signing the article, right above its source line.
                draft.byline = f"{draft.byline} {t}".strip()
            elif draft.byline and not is_photo_credit(t):
                break   # headings come before the byline
            elif draft.headings and is_subtitle(t):
                draft.headings.append(t)
                heads_at.append(j)
                strong += 1
            elif draft.headings and not draft.byline and self._standfirst_at(j):
                break   # 提要 lines open the text, see below
            elif j == i and self._long_kicker(j):
                draft.headings.append(t)
                heads_at.append(j)
                strong += 1
            elif self._heading_at(j):
                draft.headings.append(t)
                heads_at.append(j)
                strong += 1
            elif _is_weak_heading(t):
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
        confirmed = bool(draft.byline) or draft.sealed
        if draft.headings and not confirmed and j < n and self._standfirst_at(j):
            # 提要 (standfirst) lines between the headings and an inline byline ("本报讯 …"):
            # long lines without a sentence end that open the article's text.
            while len(draft.headings) >= 2 and heads_at and heads_at[-1] == j - 1 \
                    and _CLAUSE_MARK.search(draft.headings[-1]) and not is_subtitle(draft.headings[-1]):
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
            confirmed = True
            j = k
        # Without a byline to confirm it, a last block line that reads like the start of
        # the body (a clause mark inside, or a lowercase continuation below) goes back.
        while not confirmed and draft.headings and heads_at and heads_at[-1] == j - 1 \
                and j < n and not BYLINE.match(lines[j].text) \
                and (lines[j].text[0].islower() or (
                    _CLAUSE_MARK.search(lines[j - 1].text)
                    and not (self.line_paragraphs and is_closed(lines[j].text))
                    and not (self.usual_gap >= 1 and lines[j].gap == 0 and at_start and (
                        is_closed(lines[j].text) or len(lines[j].text) > LONG_HEADING_MAX)))):
            if is_heading_line(draft.headings.pop()):
                strong -= 1
            heads_at.pop()
            j -= 1
        if j == i:
            return None
        if draft.headings and is_kicker(draft.headings[-1]) and not draft.byline \
                and heads_at and heads_at[-1] == j - 1:
            return None   # a kicker leads into a title; a "——" line before body text is body
        # Up to two short lines between the headings and a byline are captions (and a
        # photo credit on a line of its own under them).
        k = j
        while k < n and len(lines[k].text) <= CAPTION_MAX and not lines[k].deck \
                and not BYLINE.match(lines[k].text) and not lines[k].after_edition \
                and ((k - j < 2 and is_closed(lines[k].text)) or credit_only(lines[k].text)):
            k += 1
        if k > j and k < n and BYLINE.match(lines[k].text) and not self._is_end_note(k):
            confirmed = True
            for line in lines[j:k]:
                draft.add_caption(line.text)
            j = k
        if j < n and BYLINE.match(lines[j].text):
            confirmed = True
        # A long run of headline lines over a gap is a list of other headlines above the
        # article (a web page's "相关新闻"); where paragraphs have no blank line between
        # them, a blank line inside a confirmed block sets a banner apart from the
        # article's own headings. Either way the article's block starts after the gap.
        if len(draft.headings) >= 4 or (confirmed and self.usual_gap == 0 and self.has_gaps):
            cut = max((p for p, at in enumerate(heads_at)
                       if p and lines[at].gap > self.usual_gap), default=0)
            if cut:
                draft.headings = draft.headings[cut:]
                strong = max(0, strong - cut)
        if cur is not None and cur.started and not confirmed \
                and any(_NUMBERED.match(h) for h in draft.headings):
            return None   # "（一）三十年再聚首": a numbered section of the article, not a new one
        draft.headings = _rejoin_titles(draft.headings)
        draft.confirmed = confirmed
        if j >= n and not (draft.captions and draft.headings):
            if strong >= 2 and not pending_open and not at_start and self._separated(i) \
                    and first.gap > 0:
                return j, draft   # a list of other headlines after the last article: dropped
            return None  # nothing follows: trailing short lines of the last article
        # One short line after a finished paragraph is a subheading and one after a broken
        # paragraph is its continuation, unless a byline confirms a new article. Two or more
        # short unfinished lines in a row start an article where the layout agrees: at the
        # margin of an indented page, after a blank line where paragraphs have none.
        separated = self._separated(i)
        if at_start or (confirmed and (draft.headings or not pending_open)):
            return j, draft
        if pending_open:
            return (j, draft) if strong >= 2 and separated and not self.indented else None
        if strong >= 2 and separated:
            return j, draft
        if strong >= 1 and (cur.ended or cur.in_group) and self._body_follows(j - 1):
            return j, draft   # after an end note, or between the short pieces under a banner
        if strong >= 1 and separated and self.has_gaps and self.usual_gap == 0 and first.gap > 0 \
                and (self.indented or not first.indent):
            return j, draft   # a headline after a blank line where paragraphs have none
        return None

    def _standfirst_at(self, j: int) -> bool:
        """Whether line j is a 提要 (standfirst) line: long, in clauses, unfinished, and
        followed (after at most two more such lines) by an inline byline with text after it."""
        lines, n = self.lines, len(self.lines)
        k = j
        while k < n and k - j < 4 and HEADING_MAX < len(lines[k].text) \
                and _CLAUSE_MARK.search(lines[k].text) and not is_closed(lines[k].text) \
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
        while j < n and j - i < 4 and (self._heading_at(j) or _is_weak_heading(self.lines[j].text)):
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
        if _DATELINE_ONLY.fullmatch(t):
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
        return not _CLAUSE_MARK.search(text) or bool(_LABELLED_SUBHEAD.fullmatch(text))

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


# --- articles -----------------------------------------------------------------------------
def _authors(d: Draft) -> list[str]:
    names = byline_names(d.byline) if d.byline else []
    for signed in d.signoffs:
        names += byline_names(signed)
    if d.paragraphs and not d.notes:
        # A closing credit run onto the last paragraph: "…活动持续一个月。（赵六）".
        m = re.search(r"[。！？!?”」][（(]([^（()）]{2,30})[)）]$", d.paragraphs[-1])
        if m:
            inner = _ROLE_RE.sub(" ", m.group(1))
            names += _split_names(inner, loose=inner != m.group(1)) or []
    # Names given only in a closing note: "（陈猛）", "（本报记者孟祥夫、吴秋余）".
    for note in d.notes:
        inner = _ROLE_RE.sub(" ", _DATELINE_ONLY.sub(" ", note[1:-1]))
        found = _split_names(inner, loose=inner != note[1:-1])
        if found:
            names += found
    return list(dict.fromkeys(names))


def _photographers(d: Draft) -> list[str]:
    names: list[str] = []
    for credit in [d.byline] + d.signoffs:
        if credit and re.search(r"摄影?报道|攝影?報導|摄影记者|文[/／]图|图[/／]文", credit):
            names += byline_names(credit)   # "本报记者 孙中钦 陈炅玮 摄影报道"
    for c in d.captions:
        split = photo_credit(c)
        if split:
            names += _credit_names(split[1])
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


def rejoin_jumps(lines: list[_Line], drafts: list[Draft]) -> list[Draft]:
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
        texts[a] += texts[b]
        texts[b] = ""
        merged.add(b)
    return [d for k, d in enumerate(drafts) if k not in merged]


def parse_page(text: str, source: str, stem: str | None = None) -> list[Article]:
    """Split the text of a newspaper page into its articles, in page order.

    A new article starts at a block of short lines without sentence ends (kicker, title,
    subtitle, column name) that a byline, the article's source line or the page layout
    vouches for; a byline such as "本报讯记者张三报道" opens its body, "… 摄" lines and
    short lines set between the halves of a broken sentence become captions, end notes
    stay with the article they close, page furniture is dropped, and body lines cut
    mid-sentence by the layout are joined back. Ids are f"{stem}-{i:02d}" (1-based), or
    `stem` alone when the page holds one article.
    """
    stem = stem if stem is not None else Path(source).stem
    lines = page_lines(text)
    articles = to_articles(rejoin_jumps(lines, PageParser(lines).parse()), source, stem)
    issue = page_issue(text, stem)
    for a in articles:
        issue.fill(a)
    return articles


def page_issue(text: str, stem: str | None = None) -> Issue:
    """The date, newspaper and page of a page's text: from its header, footer and source
    lines, else from the file name (`stem`)."""
    found = from_lines(_normalise_newlines(text).split("\n"))
    return found.merged(from_name(stem)) if stem else found
