"""Hand labels of two more fit ('tune') pages: 人民日报 第7版 理论 of 2018-01-03 and 2018-01-04,
the paper's own page PDFs (lterduo/skl learn_crawler/pdf/, commit 285222f). Written from the page
image and the PDF's own text (pdfium, content order), not from the reader. Long sentences are
given by a unique start or end and expanded to the whole sentence of the PDF's text."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import art, sentence_from as sf, sentence_to as st, write  # noqa: E402

SRC = ("lterduo/skl", "285222f")

P = "人民日报_2018-01-03_07"
write(P, newspaper="人民日报", date="2018-01-03", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018010307.pdf", SRC[1]),
      note="two information graphics stand alone (their figures are pictures; their title and 数据来源 "
           "lines are text): furniture, not articles; the 进入新时代 banner and the 思想纵横 logo are pictures",
      furniture=["2018 年 1 月 3 日 星期三", "7 理论", "党的十八大以来全面从严治党深入推进",
                 "数据来源：《十八届中央纪律检查委员会向中国共产党第\n十九次全国代表大会的工作报告》。",
                 "本版制图：李姿阅",
                 "数据来源：国家统计局 2017 年 6 月 16 日发布的党的十八大以\n来我国经济社会发展相关数据。"],
      articles=[
          art(title="新使命：中国共产党的历史担当", byline="李忠杰", authors=["李忠杰"],
              first=sf(P, "党的十九大指出中国特色社会主义进入新时代，并鲜明地"),
              last=st(P, "驶向胜利的彼岸。"), end_note="（作者为中央党史研究室原副主任）"),
          art(title="历史永远眷顾奋进者", byline="何民捷", authors=["何民捷"],
              first=sf(P, "历史上、现实中，很多人以顽强拼搏为人生信条"),
              last=st(P, "书写中华民族伟大复兴的新传奇。")),
          art(kicker="使党永葆旺盛生命力和强大战斗力", title="履行历史使命：伟大工程起决定性作用",
              byline="唐洲雁", authors=["唐洲雁"],
              first=sf(P, "习近平同志在党的十九大报告中深入阐述了进行伟大斗争"),
              last=st(P, "勠力同心实现中华民族伟大复兴。"),
              end_note="（作者为山东社会科学院党委书记、山东省中国特色社会主义理论体系研究中心研究员）"),
      ])

P = "人民日报_2018-01-04_07"
write(P, newspaper="人民日报", date="2018-01-04", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018010407.pdf", SRC[1]),
      note="a cartoon with its caption and credit (消费升级 翟桂溪作（新华社发）) set in the lead feature's "
           "columns; a photo with its caption and 新华社记者 徐 昱摄 stands alone at the foot of the right "
           "column without a headline and is not labelled as an article (as on 甘肃法治报); photographers "
           "are the names before 摄 only (a cartoonist's 作 is not one)",
      furniture=["2018 年 1 月 4 日 星期四", "7 理论"],
      articles=[
          art(title="我国社会主要矛盾变化的重大意义", byline="颜晓峰", authors=["颜晓峰"],
              captions=["消费升级 翟桂溪作（新华社发）"],
              first=sf(P, "习近平同志在党的十九大报告中指出：“中国特色社会主义进入新时代，我国社会主要矛盾已经转化"),
              last=st(P, "在解决社会主要矛盾中开创新时代中国特色社会主义的美好未来。")),
          art(title="准确把握社会主要矛盾的变化", byline="严书翰", authors=["严书翰"],
              first=sf(P, "党的十九大报告作出我国社会主要矛盾已经转化为"),
              last=st(P, "奋力实现中华民族伟大复兴的中国梦。"), end_note="（作者为中共中央党校教授）"),
          art(title="社会主要矛盾新变化与民族复兴新境界", byline="叶 帆", authors=["叶 帆"],
              first=sf(P, "中国共产党人的初心和使命是为中国人民谋幸福"),
              last=st(P, "就能开辟民族复兴新境界。")),
      ])
