"""Hand labels of three more fit pages (issue 18, fourth batch): 人民日报 第7版 理论 of 2018-01-05,
2018-01-11 and 2018-01-18, the paper's own page PDFs (lterduo/skl learn_crawler/pdf/, commit
285222f). Written from the page image and the PDF's own text (pdfium, content order), never
from the reader. The fit/held-out split of this batch (01-05, 01-11, 01-18 fit; 01-10, 01-12,
01-17 held out) was fixed by date before the reader was run on any of them. Long sentences
are given by a unique start or end and expanded to the whole sentence of the PDF's text
(common.sentence_from / sentence_to)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import art, sentence_from as sf, sentence_to as st, write  # noqa: E402

SRC = ("lterduo/skl", "285222f")

P = "人民日报_2018-01-05_07"
write(P, newspaper="人民日报", date="2018-01-05", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018010507.pdf", SRC[1]),
      note="the 进入新时代 踏上新征程 banner, the 十八大以来成就辉煌 information graphic (with its 制图 "
           "credit) and the 思想纵横 logo are pictures, not text; the lead feature has four 小标题 over "
           "several narrow lines",
      furniture=["2018 年 1 月 5 日 星期五", "7 理论"],
      articles=[
          art(title="新征程：明确新目标 谱写新篇章", byline="朱炳元", authors=["朱炳元"],
              first=sf(P, "习近平同志在党的十九大报告中指出：“从十九大到二十大"),
              last=st(P, "年”奋斗目标和中华民族伟大复兴中国梦的新篇章。"),
              end_note="（作者为苏州大学马克思主义研究院教授）"),
          art(title="走好新时代的长征路", byline="张怡恬", authors=["张怡恬"],
              first="新时代、新机遇、新目标、新征程，展现在我们面前的是一条通往民族复兴的光辉之路。",
              last=st(P, "以新状态新作为踏上新征程，走好新时代的长征路。")),
          art(title="把握中国现代化的历史方位", byline="钱乘旦", authors=["钱乘旦"],
              first="把中国建成现代化强国，是中国人民为之奋斗了几代人的夙愿。",
              last=st(P, "中国将一步步走向全面发展的社会主义现代化强国。"),
              end_note="（作者为北京大学博雅讲席教授）"),
      ])

P = "人民日报_2018-01-11_07"
write(P, newspaper="人民日报", date="2018-01-11", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018011107.pdf", SRC[1]),
      note="the 大家手笔 and 新知新觉 logos are pictures, not text; the lead feature has three 小标题 "
           "and bold run-in subheads; the vertical headline quotes with ﹃﹄",
      furniture=["2018 年 1 月 11 日 星期四", "7 理论", "认真学习宣传贯彻党的十九大精神"],
      articles=[
          art(title="着力解决突出环境问题", byline="陈吉宁", authors=["陈吉宁"],
              first=sf(P, "党的十九大报告将坚持人与自然和谐共生"),
              last=st(P, "让破坏生态环境者付出相应代价。")),
          art(title="准确理解﹃不平衡不充分的发展﹄", byline="卫兴华", authors=["卫兴华"],
              first=sf(P, "党的十九大报告提出，中国特色社会主义进入新时代，我国社会主要矛盾已经"),
              last=st(P, "不能仅仅从城乡、区域发展不平衡来解读“不平衡不充分的发展”。")),
          art(kicker="树立自然价值和自然资本的理念", title="加深对绿色发展的理解", byline="郭兆晖",
              authors=["郭兆晖"], first="党的十九大报告强调，推进绿色发展。",
              last=st(P, "真正下决心把环境污染治理好、把生态环境建设好。"),
              end_note="（作者单位：中央党校经济学部）"),
          art(kicker="绿色规划 绿色产业 绿色消费", title="推进绿色发展的三大抓手", byline="韩秀华",
              authors=["韩秀华"], first="生态文明建设功在当代、利在千秋。",
              last=st(P, "加大收费力度，切实提高使用成本。"),
              end_note="（作者单位：长安大学经济与管理学院）"),
      ])

P = "人民日报_2018-01-18_07"
write(P, newspaper="人民日报", date="2018-01-18", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018011807.pdf", SRC[1]),
      note="the 思想纵横, 理论纵横 and 新书评介 logos are pictures, not text; the lead feature has three "
           "小标题 and a ——subtitle; two signed pieces end with a two-line 作者单位 note",
      furniture=["2018 年 1 月 18 日 星期四", "7 理论", "深入学习贯彻习近平新时代中国特色社会主义思想"],
      articles=[
          art(title="实现中华民族伟大复兴的必由之路",
              subtitle="—— 学习《习近平谈治国理政》第二卷关于坚持和发展中国特色社会主义的重要论述",
              byline="夏春涛", authors=["夏春涛"],
              first=sf(P, "《习近平谈治国理政》第二卷集中"),
              last=st(P, "实现中华民族伟大复兴的中国梦提供坚强政治保证。"),
              end_note="（作者单位：中国社会科学院习近平新时代中国特色社会主义思想研究中心）"),
          art(kicker="把握好“变”与“不变”的关系", title="走出对我国社会主要矛盾认识的误区",
              byline="徐方平 高 静", authors=["徐方平", "高 静"],
              first=sf(P, "习近平同志在党的十九大报告中指出：“中国特色社会主义进入新时代，我国社会主要矛盾已经"),
              last=st(P, "仍然要牢牢把握社会主义初级阶段这个基本国情。"),
              end_note="（作者单位：湖北省中国特色社会主义理论体系研究中心湖北大学分中心）"),
          art(title="中国思想理论进入世界的鲜亮标志", byline="张首映", authors=["张首映"],
              first=sf(P, "2017年1月17日，在达沃斯"),
              last=st(P, "为人类社会发展提供更多新的参照和启迪、借鉴和选择。")),
          art(title="打赢脱贫攻坚战的有益参考", subtitle="——《摆脱贫困与全面小康》简评",
              byline="戚小倩", authors=["戚小倩"],
              first=sf(P, "李方祥、陈晖涛主编的《摆脱贫困与"),
              last=st(P, "也较好体现了整体治理理念。")),
      ])
