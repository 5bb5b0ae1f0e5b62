"""Hand labels of two more held-out pages (issue 18, third held-out batch): 人民日报 第7版 理论 of
2018-01-02 and 2018-01-09, the paper's own page PDFs (lterduo/skl learn_crawler/pdf/, commit
285222f). Written from the page image and the PDF's own text (pdfium, content order) and
committed before the reader was run on these pages. Long sentences are given by a unique start
or end and expanded to the whole sentence of the PDF's text (common.sentence_from / sentence_to)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import art, sentence_from as sf, sentence_to as st, write  # noqa: E402

SRC = ("lterduo/skl", "285222f")

P = "人民日报_2018-01-02_07"
write(P, newspaper="人民日报", date="2018-01-02", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018010207.pdf", SRC[1]),
      note="the 进入新时代 踏上新征程 banner, the contents box of the lead article, the 思想纵横 and 新知新觉 "
           "logos are pictures, not text; 制图：李姿阅 at the page foot credits the page's graphics",
      furniture=["2018 年 1 月 2 日 星期二", "7 理论", "制图：李姿阅"],
      articles=[
          art(title="新时代：发展新方位 奋进新目标", byline="陈曙光", authors=["陈曙光"],
              first=sf(P, "习近平同志在党的十九大报告中指出：“经过长期努力"),
              last=st(P, "为维护世界和平贡献中国智慧。"),
              end_note="（作者为中央党校习近平新时代中国特色社会主义思想研究中心研究员）"),
          art(title="意气风发走进新时代", byline="欧阳辉", authors=["欧阳辉"],
              first="中国特色社会主义进入新时代，这是我国发展新的历史方位，也是我们奋进新的历史坐标。",
              last=st(P, "胜利到达民族复兴的光辉彼岸。")),
          art(kicker="让中国特色社会主义展现出更加强大生命力", title="深刻理解新时代划时代意义",
              byline="刘志明", authors=["刘志明"],
              first=sf(P, "党的十九大报告指出，中国特色社会主义进入新时代，在中华人"),
              last=st(P, "为解决人类问题、世界问题作出了重大贡献。"),
              end_note="（作者为中国社会科学院习近平新时代中国特色社会主义思想研究中心研究员）"),
      ])

P = "人民日报_2018-01-09_07"
write(P, newspaper="人民日报", date="2018-01-09", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018010907.pdf", SRC[1]),
      note="the lead feature has two 小标题 set over several narrow lines; the 思想纵横, 新知新觉 and 理论纵横 "
           "logos are pictures, not text",
      furniture=["2018 年 1 月 9 日 星期二", "7 理论", "认真学习宣传贯彻党的十九大精神"],
      articles=[
          art(title="全面建成多层次社会保障体系", byline="尹蔚民", authors=["尹蔚民"],
              first="社会保障是民生安全网、社会稳定器，与人民幸福安康息息相关，关系国家长治久安。",
              last="完善优待、抚恤、安置等基本制度。"),
          art(title="协同推进社会革命和自我革命", byline="祝灵君", authors=["祝灵君"],
              first=sf(P, "“中国共产党能够带领人民进行伟大的社会革命，也"),
              last=st(P, "从而始终保持蓬勃朝气，不断从胜利走向新的胜利。")),
          art(kicker="疏堵结合 强化管理", title="我国地方政府债务风险总体可控", byline="陈 龙", authors=["陈 龙"],
              first=sf(P, "当前，有一种观点夸大我国地方政府债务对经济社会发展的负面影响"),
              last=st(P, "从深层次上解决这一问题。"),
              end_note="（作者为中国财政科学研究院研究员）"),
          art(kicker="既提高就业数量 又提高就业质量", title="抓好就业这个最大民生工程", byline="莫 荣",
              authors=["莫 荣"], first="就业是最大的民生。",
              last="这不仅是提高就业质量的重要保障，也是建设和谐社会的重要基础。",
              end_note="（作者单位：中国劳动和社会保障科学研究院）"),
      ])
