"""Personal names and the roles that credit them ("本报记者", "通讯员", "文/图"): a bare line of
names is told from a short heading by its family names."""
from __future__ import annotations

import re

from assistant.ingest.page.marks import HAN

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
NAME_SPLIT = re.compile(r"[\s、；;/／]+")
_HAN_NAME = re.compile(rf"[{HAN}]{{2,4}}")
_FOREIGN_NAME = re.compile(rf"[{HAN}]+(?:[·•・][{HAN}]+)+")


def _has_surname(name: str) -> bool:
    return name[:2] in _COMPOUND_SURNAMES or name[0] in _SURNAMES


def split_names(text: str, loose: bool = False) -> list[str] | None:
    """The names in `text` if it holds nothing else, else None.

    Two-character names are padded to three characters' width ("韩 鑫", "徐 之文"): a
    one-character piece joins the next. One name must open with a family name (or be a
    transliteration with "·"); in a list of two or more, most must. `loose`: a role word
    ("记者") already said these are names, so the family names are not checked.
    """
    parts = [p for p in NAME_SPLIT.split(text.strip()) if p]
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


# Who wrote it: "本报记者 张三", "新华社记者 李四", "本报通讯员", "见习记者", "实习生",
# "本报评论员", "文/图 王五".
OUTLET = rf"(?:本报|本報|本刊|本台|本网|本網|[{HAN}]{{2,8}}?(?:社|报|報|台|网|網))"
# "本报驻京记者", and "辽沈晚报特派朝阳记者" (a reporter sent to a place: 特派 + place + 记者).
ROLE = (rf"(?:{OUTLET}?(?:驻[{HAN}]{{1,6}}?|特派[{HAN}]{{1,6}}?(?=记者|記者))?(?:见习|見習|特约|特約|首席|实习|實習|特派|摄影|攝影|全媒体)*"
         r"(?:记者|記者|通讯员|通訊員|评论员|評論員|特约撰稿人|撰稿人)"
         r"|实习生|實習生|本报讯|本報訊|文[/／]图|图[/／]文|文[/／]|[/／]文|图[/／]|[/／]图)")
ROLE_RE = re.compile(ROLE)
