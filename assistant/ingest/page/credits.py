"""Photo captions and their credits ("… 摄", "受访者供图", "新华社发"): the caption and its
credit on one line, and the photographers a credit names."""
from __future__ import annotations

import re

from assistant.ingest.page.marks import CREDIT_MAX, HAN
from assistant.ingest.page.names import NAME_SPLIT, ROLE_RE, split_names

# A photo credit closes a caption: "… 记者张三 摄", "程 兆摄（人民视觉）", "新华社记者 毛思倩摄",
# "刘佳良摄" on its own line, "受访者供图", "（见图）", "新华社发", "资料图片".
_PAREN_TAIL = r"(?:\s*[（(][^（()）]{1,16}[)）])?"
_CREDIT_TAIL = _PAREN_TAIL + r"\s*$"
_SHOT = re.compile(r"(?:摄|攝)(?:影)?(?:\s*[/／]\s*[^\s/／。，,]{2,8})?" + _CREDIT_TAIL)   # 王毅摄/光明图片
_OTHER_CREDIT = re.compile(
    r"(?:受访者供图|[^\s。，,]{0,16}供图|资料图片?|图片来源[:：][^。]{0,30}|新华社发" + _PAREN_TAIL
    + r"|[（(]见图[)）]|[（(]图片由[^（()）]{1,20}提供[)）]|(?:摄影|图)[:：/／]\s*[^\s。，,]{2,12})\s*$")
SENTENCE_END = re.compile(r"[。！？!?；;]")

# A caption opens on the photo: "图为…", "上图：…", "图①…".
PHOTO_CUE = re.compile(r"^(?:[图圖]为|[图圖][①-⑳\d]|[上下左右中]图[：:]?|[图圖]片?[：:])")


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
    ends = list(SENTENCE_END.finditer(pre))
    cut = ends[-1].end() if ends else 0
    credit_names = pre[cut:]
    names = ROLE_RE.sub(" ", credit_names).replace("/", " ").replace("／", " ")
    if not names.strip() and ROLE_RE.search(credit_names):
        return pre[:cut].strip(), text[cut:].strip()   # "本报记者摄"
    if split_names(names, loose=bool(ROLE_RE.search(credit_names))) is not None:
        return pre[:cut].strip(), text[cut:].strip()
    if not ends and not ROLE_RE.search(credit_names):
        # "居民在圆桌会上发言 张三 摄": the caption ends at the last run of spaces
        head, _, tail = credit_names.strip().rpartition(" ")
        if len(head) >= 6 and split_names(tail) is not None:
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
    return credit_names(split[1]) if split else []


def credit_names(credit: str) -> list[str]:
    if not _SHOT.search(credit):
        return []
    text = _SHOT.sub("", credit)
    loose = bool(ROLE_RE.search(text))
    text = ROLE_RE.sub(" ", text)
    text = re.sub(r"[/／（()）]", " ", text)
    return split_names(text, loose) or []


# The credit block closing a news item as school, union and WeChat publicity teams write it
# (their house style puts it under the text: "来源：… 文字：… 图片：… 编辑：… 责编：… 审核：…",
# also with 丨, | or / between the role and the names): one role a line, the names after it.
# Fitted on tests/data/staff_files (tune files only).
_WRITER_ROLES = ("文字", "文稿", "撰文", "撰稿", "供稿", "通讯员", "作者", "采写", "记者", "文")
_PHOTO_ROLES = ("图片", "摄影", "照片", "图")
_STAFF_ROLES = ("来源", "稿源", "编辑", "责编", "责任编辑", "执行编辑", "美编", "校对", "校审", "审校",
                "初审", "二审", "三审", "复审", "终审", "审核", "审核发布", "审稿", "排版", "设计",
                "视频", "出品", "监制", "统筹", "策划", "制作", "特别支持", "负责", "封面", "推文封面",
                "主办单位", "承办单位", "协办单位", "指导老师", "指导单位", "编审")
_ROLE_WORD = "|".join(sorted(_WRITER_ROLES + _PHOTO_ROLES + _STAFF_ROLES, key=len, reverse=True))
_CREDIT_ROW = re.compile(
    rf"^(?P<roles>(?:{_ROLE_WORD})(?:\s*[、&和]\s*(?:{_ROLE_WORD}))*)"
    r"\s*(?:[:：丨|｜]|[/／])\s*(?P<names>[^。！？!?]{0,60})$")
# An organisation signing the block on a line of its own: "华大青年融媒体中心出品".
_SIGNED_BY = re.compile(rf"^[{HAN}A-Za-z0-9·]{{2,24}}(?:出品|制作|供稿|供图)$")
_REVIEW_ROLES = set(_STAFF_ROLES) - {"来源", "稿源", "出品", "特别支持", "主办单位", "承办单位", "协办单位"}


def credit_row(text: str) -> tuple[list[str], str] | None:
    """("文字：梅帅") -> (["文字"], "梅帅"), the roles and what follows them, else None."""
    m = _CREDIT_ROW.match(text.strip())
    if not m:
        return None
    return re.split(r"\s*[、&和]\s*", m.group("roles")), m.group("names").strip()


def credit_blocks(texts: list[str]) -> list[tuple[int, int]]:
    """The closing credit blocks among a page's lines (blank lines are ""): (first, last)
    line numbers. A block is two or more credit rows in a row (the names of a role with an
    empty value may follow on lines of their own: "主办单位:" then the bodies), one of them
    crediting the text or the pictures, and it either ends the page or names an editor or
    reviewer: a byline over an article ("文/张三", "图/李四") names neither."""
    blocks: list[tuple[int, int]] = []
    k, n = 0, len(texts)
    while k < n:
        row = credit_row(texts[k]) if texts[k] else None
        if row is None:
            k += 1
            continue
        rows, roles, last, open_list = 0, [], k, False
        j = k
        while j < n:
            t = texts[j]
            if not t:
                j += 1
                continue
            r = credit_row(t)
            if r is not None:
                rows += 1
                roles += r[0]
                open_list = not r[1]
            elif _SIGNED_BY.match(t) or (open_list and len(t) <= 30 and not SENTENCE_END.search(t)):
                pass
            else:
                break
            last = j
            j += 1
        at_end = all(not t for t in texts[last + 1:])
        if rows >= 2 and any(r in _WRITER_ROLES or r in _PHOTO_ROLES for r in roles) \
                and (at_end or any(r in _REVIEW_ROLES for r in roles)):
            blocks.append((k, last))
        k = last + 1
    return blocks


def credit_block_names(rows: list[str]) -> tuple[list[str], list[str]]:
    """The writers and the photographers a closing credit block names (people only: a team
    or office credited for the pictures is not a name)."""
    writers: list[str] = []
    shooters: list[str] = []
    for text in rows:
        row = credit_row(text)
        if row is None or not row[1]:
            continue
        roles, value = row
        value = re.sub(r"[（(][^（()）]*[)）]", " ", value)
        names = split_names(value, loose=True)
        if names is None:
            # People beside a body ("孙乐 甲区总工会宣传部"): the short parts, if they read as
            # names by their family names (a team alone is no name).
            short = [p for p in NAME_SPLIT.split(value) if p and len(p) <= 4]
            names = split_names(" ".join(short)) if short else None
        names = names or []
        if any(r in _WRITER_ROLES for r in roles):
            writers += names
        if any(r in _PHOTO_ROLES for r in roles):
            shooters += names
    return list(dict.fromkeys(writers)), list(dict.fromkeys(shooters))
