"""Hand labels of two more held-out pages: 人民日报 第7版 理论 of 2018-01-08 and 2018-01-16, real
e-paper page PDFs (the paper's own, from lterduo/skl learn_crawler/pdf/, commit 285222f).
Theory pages: long signed features with 小标题 and bold lead-ins, a vertical headline, kickers,
——subtitles, end notes（作者为… / 作者单位：…）. Written from the page image and the PDF's own
text before the reader was run on these pages; long sentences are given by a unique start or
end and expanded to the whole sentence of the PDF's text (common.sentence_from / sentence_to)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import art, sentence_from as sf, sentence_to as st, write  # noqa: E402

SRC = ("lterduo/skl", None, "285222f")

P = "人民日报_2018-01-08_07"
write(P, newspaper="人民日报", date="2018-01-08", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018010807.pdf", SRC[2]),
      note="the 大家手笔 / 理论新探 column logos are drawn, not text",
      furniture=["2018 年 1 月 8 日 星期一", "7 理论", "认真学习宣传贯彻党的十九大精神"],
      articles=[
          art(title="全面推进创新创业教育", byline="樊丽明", authors=["樊丽明"],
              first="创新创业教育是我国建设创新型国家一系列战略举措的重要组成部分。",
              last=st(P, "以多种形式为自主创业学生提供资金支持。"), end_note="（作者为山东大学校长）"),
          art(title="优 先 发 展 教 育 事 业", byline="陈宝生", authors=["陈宝生"],
              first="百年大计，教育为本。",
              last=st(P, "学有所乐的学习型社会必将一步步建成。")),
          art(kicker="历史观争论属于意识形态领域斗争", title="在理性辨析中树立正确历史观", byline="郭海成",
              authors=["郭海成"], first="历史观正确与否，关系人心聚散、国家兴亡、民族盛衰。",
              last=st(P, "同心协力构建人类命运共同体。"),
              end_note="（作者单位：重庆市中国特色社会主义理论体系研究中心）"),
          art(kicker="实现从配合到融合的转变", title="党建工作应与中心工作有机结合", byline="金成武",
              authors=["金成武"], first=sf(P, "习近平同志在党的十九大报告中强调：“伟大斗争"),
              last=st(P, "使党建工作活动有特色、队伍有活力、阵地有保障。"),
              end_note="（作者单位：中共浙江省杭州市拱墅区委组织部）"),
      ])

P = "人民日报_2018-01-16_07"
write(P, newspaper="人民日报", date="2018-01-16", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018011607.pdf", SRC[2]),
      note="a book review under a ——subtitle; a long feature (健全党和国家监督体系) with three 小标题 and bold lead-ins",
      furniture=["2018 年 1 月 16 日 星期二", "7 理论", "认真学习宣传贯彻党的十九大精神"],
      articles=[
          art(title="增强维护核心的思想自觉和行动自觉", byline="梁玉春", authors=["梁玉春"],
              first=sf(P, "党的十八大以来，习近平同志在领导党和国家事业发展"),
              last=st(P, "及时校准行动方向。"),
              end_note="（作者单位：新疆中国特色社会主义理论体系研究中心）"),
          art(title="心 中 有 戒 方 能 抵 腐 有 力", byline="邵景均", authors=["邵景均"],
              first="党的十八大以来，大量腐败分子受到查处。",
              last=st(P, "切实解决好世界观、人生观、价值观这个“总开关”问题。")),
          art(title="健 全 党 和 国 家 监 督 体 系", byline="肖 培", authors=["肖 培"],
              first=sf(P, "党的十九大确立习近平新时代中国特色社会主义思想为全党的行动指南"),
              last=st(P, "通过不懈努力换来海晏河清、朗朗乾坤。")),
          art(title="积极应对技术发展对广播电视事业的挑战",
              subtitle="——《三网融合背景下中国广播组织权制度的反思与重构》简评", byline="吴汉东",
              authors=["吴汉东"], first="当前，新一代网络信息技术正在重塑人们的生产生活与交往方式。",
              last=st(P, "具有一定的前瞻性。")),
      ])
