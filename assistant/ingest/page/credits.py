"""Photo captions and their credits ("… 摄", "受访者供图", "新华社发"): the caption and its
credit on one line, and the photographers a credit names."""
from __future__ import annotations

import re

from assistant.ingest.page.marks import CREDIT_MAX
from assistant.ingest.page.names import ROLE_RE, split_names

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
