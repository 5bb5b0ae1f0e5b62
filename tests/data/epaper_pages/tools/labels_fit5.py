"""Hand labels of two more fit pages (issue 18, sixth batch): 人民日报 第7版 理论 of 2018-01-24 and
2018-01-25, the paper's own page PDFs (lterduo/skl learn_crawler/pdf/, commit 285222f), added as
fit pages. Written from the page image and the PDF's own text (pdfium, content order), never
from the reader. Long sentences are given by a unique start or end and expanded to the whole
sentence of the PDF's text (common.sentence_from / sentence_to)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import art, sentence_from as sf, sentence_to as st, write  # noqa: E402

SRC = ("lterduo/skl", "285222f")

P = "人民日报_2018-01-24_07"
write(P, newspaper="人民日报", date="2018-01-24", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018012407.pdf", SRC[1]),
      note="the 思想纵横 and 新知新觉 logos are pictures, not text; the lead feature has three 小标题 "
           "and bold run-in subheads; the vertical headline's author name is set vertically too",
      furniture=["2018 年 1 月 24 日 星期三", "7 理论", "深入学习贯彻习近平新时代中国特色社会主义思想"],
      articles=[
          art(title="在实现高质量发展上取得新进展", byline="蒋超良", authors=["蒋超良"],
              first=sf(P, "习近平新时代中国特色社会主义经"),
              last=st(P, "夺取新时代中国特色社会主义伟大胜利不懈奋斗。"),
              end_note="（作者为中共湖北省委书记）"),
          art(title="幸福都是奋斗出来的", byline="江 畅", authors=["江 畅"],
              first="“幸福都是奋斗出来的”。",
              last=st(P, "幸福才会在前方等着我们。")),
          art(kicker="对智慧城市的新拓展", title="智慧社会为社会信息化指明方向", byline="单志广",
              authors=["单志广"], first=sf(P, "党的十九大报告在论述加快建设"),
              last=st(P, "产业发展联动化、社会治理精准化。"),
              end_note="（作者为国家信息中心信息化和产业发展部主任、中国智慧城市发展研究中心秘书长）"),
          art(kicker="努力满足人民对高质量金融服务的需要", title="积极解决金融发展不平衡不充分问题",
              byline="李正辉 石锦建", authors=["李正辉", "石锦建"],
              first=sf(P, "习近平同志在党的十九大报告中指出，我国社会主要矛盾已经转化为人民"),
              last=st(P, "加强金融基础设施的统筹监管和互联互通。"),
              end_note="（作者单位：中证金融研究院）"),
      ])

P = "人民日报_2018-01-25_07"
write(P, newspaper="人民日报", date="2018-01-25", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018012507.pdf", SRC[1]),
      note="the 思想纵横 and 理论纵横 logos are pictures, not text; the lead feature has four two- and "
           "three-line 小标题; the vertical headline's author name is set vertically too",
      furniture=["2018 年 1 月 25 日 星期四", "7 理论", "学习宣传贯彻习近平新时代中国特色社会主义思想系列研讨会发言选编"],
      articles=[
          art(title="重在学习领会丰富内涵和科学体系", byline="孙业礼", authors=["孙业礼"],
              first="党的十九大提出用习近平新时代中国特色社会主义思想武装全党的重大战略任务。",
              last=st(P, "实现中华民族伟大复兴中国梦的路线图和方法论。"),
              end_note="（作者为中央文献研究室副主任）"),
          art(title="增强法治才能强起来", byline="晁 仁", authors=["晁 仁"],
              first="人们常说，法令行则国治国兴。",
              last=st(P, "我们必将在新时代迈向社会主义法治强国。")),
          art(kicker="加强党性锻炼的核心要求", title="对党忠诚是党员的根本政治担当", byline="吴泽群",
              authors=["吴泽群"], first=sf(P, "习近平同志在党的十九大报告中指出：“全党同志特别是高级干部"),
              last=st(P, "克服重大阻力、解决重大矛盾。"),
              end_note="（作者单位：中央党校习近平新时代中国特色社会主义思想研究中心）"),
          art(kicker="建设更加美好的世界需要政党担负起责任", title="积 极 建 立 新 型 政 党 关 系",
              byline="柴尚金", authors=["柴尚金"], first=sf(P, "在中国共产党与世界政党高层对"),
              last=st(P, "始终把为人类作出新的更大的贡献作为自己的使命。"),
              end_note="（作者为中央对外联络部研究室研究员）"),
      ])
