"""Hand labels of the staff files (issue 18: Word and Markdown files as staff save them),
written from each file's text (NAME.txt, made by render.py) before any reader was run on them.
Long sentences are given by a unique start or end and expanded to the whole sentence of that
line (a line without end punctuation is one sentence); the closing credit block (来源 / 文字 /
图片 / 编辑 / 审核 ...) is given by its first line and taken to the end. Every string is checked
to be in the text.

    python tests/data/staff_files/tools/labels.py
"""
import json
import re
from pathlib import Path

DIR = Path(__file__).resolve().parent.parent
SRC = ("NewtNorlly/Party-Gov-Works-Editorial", "1bcb3d7")
_END = "。！？!?"
_CLOSE = "”’」』）)"
_WS = re.compile(r"\s+")


def norm(s):
    return _WS.sub("", s or "")


def lines(name):
    return [x for x in (DIR / f"{name}.txt").read_text(encoding="utf-8").split("\n") if x.strip()]


def _split(line):
    out, cur, i = [], "", 0
    while i < len(line):
        cur += line[i]
        if line[i] in _END:
            while i + 1 < len(line) and line[i + 1] in _CLOSE:
                i += 1
                cur += line[i]
            out.append(cur)
            cur = ""
        i += 1
    if cur.strip():
        out.append(cur)
    return [s.strip() for s in out if s.strip()]


def sf(name, prefix):
    """The sentence of the text that starts with prefix."""
    for ln in lines(name):
        for s in _split(ln):
            if s.startswith(prefix):
                return s
    raise AssertionError((name, prefix))


def st(name, suffix):
    """The sentence of the text that ends with suffix."""
    for ln in lines(name):
        for s in _split(ln):
            if s.endswith(suffix):
                return s
    raise AssertionError((name, suffix))


def block(name, first, last=None):
    """The lines from the one starting with `first` to the one starting with `last` (or the end)."""
    ls = [x.strip() for x in lines(name)]
    i = next(k for k, x in enumerate(ls) if x.startswith(first))
    j = len(ls) if last is None else next(k for k, x in enumerate(ls) if k >= i and x.startswith(last)) + 1
    return "\n".join(ls[i:j])


def art(title, first, last, kicker=None, subtitle=None, byline=None, authors=(), photographers=(),
        captions=(), end_note=None):
    return {"kicker": kicker, "title": title, "subtitle": subtitle, "byline": byline,
            "authors": list(authors), "photographers": list(photographers), "captions": list(captions),
            "first_sentence": first, "last_sentence": last, "end_note": end_note}


def write(name, source, articles, furniture, date=None, newspaper=None, note=None):
    text = norm((DIR / f"{name}.txt").read_text(encoding="utf-8"))
    for a in articles:
        for k in ("kicker", "title", "subtitle", "byline", "end_note", "first_sentence", "last_sentence"):
            for ln in (a[k] or "").split("\n"):
                assert norm(ln) in text, (name, k, ln)
        for n in a["authors"] + a["photographers"] + a["captions"]:
            assert norm(n) in text, (name, n)
    for f in furniture:
        assert norm(f) in text, (name, "furniture", f)
    fmt = next(s for s in (".md", ".docx") if (DIR / f"{name}{s}").exists())
    labels = {"newspaper": newspaper, "date": date, "page": None, "file": f"{name}{fmt}",
              "source_repo": SRC[0], "source_paths": [source], "source_commit": SRC[1],
              "articles": articles, "furniture": furniture}
    if note:
        labels["note"] = note
    (DIR / f"{name}.labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    print(name, len(articles), "articles")


# ---- Markdown notes (Obsidian; the title is the note's alias, "栏目 | 标题") -------------------

P = "公管党建_心有光"
write(P, "喻家文集/党建相关/党建专栏  心有光，入红巷！公管学院体育学院分党校赴武汉革命博物馆研学.md",
      note="opens with seven verse lines (a lead-in, body); no subheads; closing credit block",
      furniture=["党建专栏"],
      articles=[art(title="心有光，入红巷！公管学院体育学院分党校赴武汉革命博物馆研学",
                    first="从辛亥革命的第一声枪响",
                    last=st(P, "从思想源头筑牢党员队伍纯洁性与先进性根基。"),
                    authors=["梅帅"], photographers=["刘佳妮"], end_note=block(P, "来源："))])

P = "公管党建_党员是怎样的一群人"
write(P, "喻家文集/党建相关/党建专栏｜“党员，到底是怎样的一群人？”来听听公管学子的讲述.md",
      note="eight lead-in lines (a quotation and a slogan, body), three subheads",
      furniture=["党建专栏"],
      articles=[art(title="“党员，到底是怎样的一群人？”来听听公管学子的讲述",
                    first="习近平总书记强调",
                    last=st(P, "肯奋斗的新时代好青年。"),
                    authors=["梅帅"], photographers=["方是钰"], end_note=block(P, "来源："))])

P = "公管党建_党员责任田"
write(P, "喻家文集/党建相关/党建专栏｜公管学子在“党员责任田”中这样担当！.md",
      note="four subheads; 图片 credits an office, not a person",
      furniture=["党建专栏"],
      articles=[art(title="公管学子在“党员责任田”中这样担当！",
                    first=sf(P, "为深化基层党组织建设，激活党建引领新动能"),
                    last=st(P, "共同书写新时代的青春华章。"),
                    authors=["林莎莎"], end_note=block(P, "来源："))])

P = "公管党建_开班典礼"
write(P, "喻家文集/党建相关/党建专栏｜公管学院、体育学院分党校第18期发展对象培训班、第17期入党积极分子培训班开班典礼举行.md",
      furniture=["党建专栏"],
      articles=[art(title="公管学院、体育学院分党校第18期发展对象培训班、第17期入党积极分子培训班开班典礼举行",
                    first=sf(P, "为严把党员发展的“入口关”“质量关”"),
                    last=st(P, "向成为一名优秀共产党员的目标不断前进！"),
                    authors=["刘佳妮"], photographers=["梅帅"], end_note=block(P, "来源："))])

P = "公管党建_理论深学"
write(P, "喻家文集/党建相关/党建专栏｜公管学院体育学院分党校第17期入党积极分子培训班开展理论深学.md",
      furniture=["党建专栏"],
      articles=[art(title="公管学院体育学院分党校第17期入党积极分子培训班开展理论深学",
                    first=sf(P, "为深入学习贯彻党的创新理论，切实提高入党积极分子思想觉悟"),
                    last=st(P, "以高质量党员培训助力高质量党员发展。"),
                    authors=["陈梓童"], photographers=["刘佳妮", "欧阳仪宇", "陈梓童"],
                    end_note=block(P, "文字："))])

P = "公管党建_宿舍搬迁"
write(P, "喻家文集/党建相关/党建专栏｜宿舍搬迁一线党旗飘扬.md",
      note="图片 credits student bodies, not a person",
      furniture=["党建专栏"],
      articles=[art(title="宿舍搬迁一线党旗飘扬",
                    first=sf(P, "为充分发挥党员先锋模范作用，切实解决学生宿舍翻修搬迁困难"),
                    last=st(P, "让党旗始终高扬在群众需要一线。"),
                    authors=["刘佳妮"], end_note=block(P, "来源："))])

P = "公管党建_公管之声"
write(P, "喻家文集/党建相关/党建专栏｜聚焦党的二十届三中全会，“公管之声”宣讲团研讨会“充电蓄能”.md",
      note="three subheads (汇思聚智展风采, 交流感悟深理解, 良师指导点迷津)",
      furniture=["党建专栏"],
      articles=[art(title="聚焦党的二十届三中全会，“公管之声”宣讲团研讨会“充电蓄能”",
                    first="学习全会精神，凝聚奋进力量。",
                    last=st(P, "让党旗在青年群体中高高飘扬。"),
                    authors=["梅帅"], photographers=["方是钰"], end_note=block(P, "来源："))])

P = "公管党建_读书分享会"
write(P, "喻家文集/党建相关/党建专栏｜读经典颂华章，公管学院“我与祖国共成长”读书分享会举行.md",
      furniture=["党建专栏"],
      articles=[art(title="读经典颂华章，公管学院“我与祖国共成长”读书分享会举行",
                    first=sf(P, "为庆祝中华人民共和国成立 75 周年"),
                    last=st(P, "用实际行动诠释对党和国家的忠诚与热爱。"),
                    authors=["杨杰"], photographers=["刘佳妮"], end_note=block(P, "来源："))])

P = "公管党建_走基层"
write(P, "喻家文集/党建相关/党建专栏｜走基层，进社区，看公管学子与基层社区联动共建.md",
      furniture=["党建专栏"],
      articles=[art(title="走基层，进社区，看公管学子与基层社区联动共建",
                    first="社区是基层治理的“最后一公里”，也是党建育人的前沿阵地。",
                    last=st(P, "为国家治理体系和治理能力现代化贡献青年力量。"),
                    authors=["杨杰", "孙冉"], photographers=["梅帅", "向奕欣"], end_note=block(P, "来源："))])

P = "公管党建_迎新一线"
write(P, "喻家文集/党建相关/党建专栏｜迎新一线党旗红，公管学院党员先锋队在行动！.md",
      note="图片 credits a team, not a person",
      furniture=["党建专栏"],
      articles=[art(title="迎新一线党旗红，公管学院党员先锋队在行动！",
                    first=sf(P, "为保障迎新工作顺利进行，进一步激发广大学生党员积极奉献的热情"),
                    last=st(P, "让党旗在学生群体高高飘扬。"),
                    authors=["方是钰"], end_note=block(P, "来源："))])

P = "公管_暑期实践"
write(P, "喻家文集/党建相关/暑期实践｜公管学院“公治力行”基层实践团汨罗分队探访智慧乡村治理.md",
      note="three numbered subheads (一、… 二、… 三、…)",
      furniture=["暑期实践"],
      articles=[art(title="公管学院“公治力行”基层实践团汨罗分队探访智慧乡村治理",
                    first=sf(P, "为考察数字技术在村级事务管理、民生服务优化"),
                    last=st(P, "才能读懂治理的真谛。"),
                    authors=["龚蕊", "梁爽"], photographers=["刘佳妮", "李爽", "苑子怡"],
                    end_note=block(P, "来源："))])

P = "公管_研途有你"
write(P, "喻家文集/党建相关/研途有你，公管学院举办考研经验分享交流会.md",
      note="a web clip: the title is a Markdown link to the article's address; the author is "
           "credited as 供稿",
      furniture=[],
      articles=[art(title="研途有你，公管学院举办考研经验分享交流会",
                    first=sf(P, "为解答学生们的困惑，了解考研最新动态"),
                    last="本科各年级同学参加学习。",
                    authors=["朱姝璟"], photographers=["李艺露"], end_note=block(P, "来源："))])

P = "公管_筑梦启航"
write(P, "喻家文集/校园文化/筑梦启航｜公管学院温情迎新，新生直言“与学校初见面，一切都很美好”.md",
      note="three bold subheads; 图片 credits a working group",
      furniture=["筑梦启航"],
      articles=[art(title="公管学院温情迎新，新生直言“与学校初见面，一切都很美好”",
                    first="翘首以盼，仲秋时节，喻家山下迎来了一场期许已久的相遇。",
                    last=st(P, "共赴新章！"),
                    authors=["王柞然", "颜怡"], end_note=block(P, "来源："))])

P = "公管学院_迎新季"
write(P, "喻家文集/校园文化/迎新季｜公共管理学院2025级本科新生，今日起航新征程！.md",
      note="a feature in seven sections, each under a #### subhead (the first opens the text); "
           "✦✦ dividers; closing credits of six roles",
      furniture=["迎新季", "✦✦"],
      articles=[art(title="公共管理学院2025级本科新生，今日起航新征程！",
                    first="处暑迎新，公管启航",
                    last=st(P, "以求是为公的治学精神展翅碧空、逐梦星海。"),
                    authors=["何东骏", "高鹤鸣", "张京"],
                    photographers=["郭芸晗", "王韵涵", "尤筱莉", "包容", "李文杰"],
                    end_note=block(P, "出品："))])

P = "武大研会_迎新"
write(P, "喻家文集/校园文化/你好，新“珈”人！丨研会服务伴你行——武汉大学2025年研究生迎新现场直击.md",
      note="a WeChat feature: # title, a subtitle line, verse lines and three subheads; the "
           "credits use 丨; 图片 credits two bodies",
      furniture=[],
      articles=[art(title="你好，新珈人！", subtitle="武汉大学 2025 年研究生迎新现场纪实",
                    first="秋风送爽，筑梦新程",
                    last="用国家的大事业磨砺青年人的真本领",
                    authors=["吴兮越", "李悦", "李程蔚"], end_note=block(P, "来源："))])

P = "华中师大_恽代英"
write(P, "喻家文集/党建相关/寻访恽代英的足迹（武汉）丨走进武汉革命博物馆，重温恽代英峥嵘岁月.md",
      note="series name before 丨 in the title line (furniture); three signed reflections close "
           "the text (——单位 姓名, body); credits use 丨, names padded with U+3000",
      furniture=["寻访恽代英的足迹（武汉）"],
      articles=[art(title="走进武汉革命博物馆，重温恽代英峥嵘岁月",
                    first=sf(P, "为深入学习贯彻习近平新时代中国特色社会主义思想，引导广大青年学子缅怀革命先辈"),
                    last="——恽代英青年讲师团 李天铭",
                    authors=["付佳雯", "肖　杰", "范伟鹏"], photographers=["黄希阳"],
                    end_note=block(P, "图片丨"))])

P = "金融学院_悦读坊"
write(P, "喻家文集/党建相关/悦读坊丨红色印象——金融学院本科生党总支开展优秀党员故事分享会.md",
      note="column 悦读坊 before 丨; the title and its ——subtitle are repeated as a banner of three "
           "lines under it (furniture, the first being the title itself); #01…#04 and 结语 subheads",
      furniture=["悦读坊", "★ 金融学院本科生党总支开展★", "优秀党员故事分享会"],
      articles=[art(title="红色印象", subtitle="——金融学院本科生党总支开展优秀党员故事分享会",
                    first=sf(P, "习近平总书记在给北京大学援鄂医疗队"),
                    last=st(P, "坚定走向党和人民需要的地方。"),
                    authors=["陈薇", "张栩源"], end_note=block(P, "通讯员 /"))])

P = "华科校园文化节_国潮"
write(P, "喻家文集/校园文化/校园文化节｜华科大“国潮奇遇记” 绽放古韵新声.md",
      note="verse lines open the text and make eight quoted item names with verse under each "
           "(body); 主办/承办 lists of bodies before the credits",
      furniture=["校园文化节"],
      articles=[art(title="华科大“国潮奇遇记” 绽放古韵新声",
                    first="灵感碰撞、活力迸发",
                    last=st(P, "在古今交融中续写更富活力的时代篇章。"),
                    authors=["李爽"], photographers=["廖宇婷", "周子馨", "刘佳妮"],
                    end_note=block(P, "主办单位"))])

P = "公管_润心共育"
write(P, "喻家文集/校园文化/润心共育｜字里行间蕴温情，画中笔端寄希冀.md",
      note="a WeChat feature in verse lines; AUTUMN and / 标题 / section labels; a swipe hint",
      furniture=["润心共育", "AUTUMN", "左右滑动查看更多"],
      articles=[art(title="字里行间蕴温情，画中笔端寄希冀",
                    first="于故事汇里",
                    last="奔赴人生更远大的征途",
                    authors=["赵馨怡", "梅帅"], photographers=["赵馨怡", "梅帅", "陈轩"],
                    end_note=block(P, "文字："))])

# ---- Word files ------------------------------------------------------------------------------

P = "公管党建_例会资料"
write(P, "柴桑笔记/2024例会资料.docx",
      note="a meeting handout: six lines of submission rules, then two submitted articles, each "
           "with its closing credits (图片/文字, 文字、图片) and an empty 封面 line",
      furniture=[x.strip() for x in lines(P)[:6]] + ["党建专栏", "【党员培养】"],
      articles=[
          art(title="“心贴心、面对面、实打实”，系列社区经验分享会让公管学子收获满满！",
              first="保研有哪些要求，保研的流程是什么？",
              last=st(P, "民族复兴大任的公管青年。"),
              authors=["杨淑涵"], photographers=["龚蕊", "向奕欣", "杨淑涵"],
              end_note=block(P, "来源：", "封面：")),
          art(title="公共管理学院、体育学院分党校第十四期入党积极分子培训班、第八期预备党员培训班开班典礼成功举办",
              first=sf(P, "为深入学习贯彻习近平新时代中国特色社会主义思想理论"),
              last=st(P, "青春之民族”。"),
              authors=["孙冉"], photographers=["孙冉"], end_note=block(P, "文字、图片："))])

P = "公管党建_秋日迎新"
write(P, "喻家文集/党建相关/党建专栏｜秋日迎新正当时，党旗领航显担当.docx",
      note="six pictures without captions; 图片 credits a team; the 审核 name is a placeholder",
      furniture=["党建专栏"],
      articles=[art(title="秋日迎新正当时，党旗领航显担当",
                    first="学堂门启，新程始开。",
                    last=st(P, "开创更加闪耀的未来。"),
                    authors=["梅帅"], end_note=block(P, "来源："))])

P = "公管党建_省博研学"
write(P, "喻家文集/校园文化/探寻楚韵文脉，厚植文化自信——公共管理学院省博主题参观活动圆满完成.docx",
      note="title and ——subtitle as two paragraphs; the credits' names are XXX placeholders but 文字",
      furniture=[],
      articles=[art(title="探寻楚韵文脉，厚植文化自信", subtitle="——公共管理学院省博主题参观活动圆满完成",
                    first=sf(P, "为响应“十五五”规划关于文化传承创新的部署要求"),
                    last=st(P, "勇担时代使命。"),
                    authors=["梅帅"], end_note=block(P, "来源："))])
