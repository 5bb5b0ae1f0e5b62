"""Page furniture: the lines that are never article text (source and date lines, editor
credits, jump lines, box labels, web navigation, link lists, copyright lines), and an
e-paper article's source line, which stands between its headings and its body."""
from __future__ import annotations

import re

from assistant.ingest.page.bylines import is_byline_line, names_only
from assistant.ingest.page.credits import SENTENCE_END

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
# (Not issue.DATE, which reads a 19xx/20xx date's parts: this tells a date line by its
# shape whatever the year; one pattern for both would change which lines are dropped.)
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
MD_PREFIX = re.compile(r"^(?:#{1,6}\s+|>+\s*)")
# A picture's address may hold brackets of its own ("data:image/svg+xml,…translate(-249,-126)…").
MD_IMAGE = re.compile(r"!\[[^\]]*\]\((?:[^()\s]|\([^()]*\))*\)")
MD_LINK = re.compile(r"\[([^\]]+)\]\((?:https?:|/)[^)]*\)")
PAGE_REF = re.compile(r"^(?:→|见)?\s*第?\s*[\d一二三四五六七八九十]{1,3}\s*版$")
# A web page's lists of other headlines under a label: "相关新闻", "推荐阅读", …
LIST_LABEL = re.compile(r"^[【\[]?(?:相关新闻|相关阅读|相关报道|推荐阅读|延伸阅读|热点推荐|热门推荐|热点新闻|热门新闻"
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
    if len(rest) > 40 or SENTENCE_END.search(rest):
        return line.strip(), False   # body text citing a paper ("…据《人民日报》（…）报道。")
    return re.sub(r"\s{2,}", " ", rest), True
