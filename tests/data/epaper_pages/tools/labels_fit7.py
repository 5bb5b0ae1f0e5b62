"""Hand labels of two more fit pages (issue 18, eighth batch): 人民日报 第7版 理论 of 2018-01-30 and
2018-01-31, the paper's own page PDFs (lterduo/skl learn_crawler/pdf/, commit 285222f), added as
fit pages. Written from the page image and the PDF's own text (pdfium, content order), never
from the reader. Long sentences are given by a unique start or end and expanded to the whole
sentence of the PDF's text (common.sentence_from / sentence_to)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import art, sentence_from as sf, sentence_to as st, write  # noqa: E402

SRC = ("lterduo/skl", "285222f")

P = "人民日报_2018-01-30_07"
write(P, newspaper="人民日报", date="2018-01-30", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018013007.pdf", SRC[1]),
      note="the 大家手笔 and 新知新觉 logos are pictures, not text; the lead feature has three 小标题; "
           "the 系列研讨会发言选编 bar heads the lead and the piece under it",
      furniture=["2018 年 1 月 30 日 星期二", "7 理论", "学习宣传贯彻习近平新时代中国特色社会主义思想系列研讨会发言选编"],
      articles=[
          art(title="把握新思想的重大意义和历史贡献", byline="王京清", authors=["王京清"],
              first=sf(P, "习近平新时代中国特色社会主义思想是伟大实践基础上"),
              last=st(P, "为开辟人类更加美好的发展前景指明了方向、明确了路径、鼓舞了斗志。"),
              end_note="（作者为中国社会科学院副院长、党组副书记）"),
          art(title="奏 响 新 思 想 网 络 最 强 音", byline="田舒斌", authors=["田舒斌"],
              first=sf(P, "党的十九大把习近平新时代中国特色"),
              last=st(P, "作出新的更大的贡献。"),
              end_note="（作者为新华网董事长、总裁）"),
          art(title="迈向强起来的新时代", byline="李君如", authors=["李君如"],
              first=sf(P, "习近平同志在党的十九大报告中指出，中国特色社会主义进入新时代，意"),
              last=st(P, "光芒四射、喷薄欲出。"),
              end_note="（作者为中央党校原副校长）"),
          art(kicker="确保“微权力”不任性", title="构建科学的基层权力运行体系", byline="郑文睿",
              authors=["郑文睿"], first=sf(P, "党的十九大报告强调：“党的基层组织是确保党的"),
              last=st(P, "确保把纸面上的评估落到实处。"),
              end_note="（作者单位：四川省社会科学院法学研究所）"),
      ])

P = "人民日报_2018-01-31_07"
write(P, newspaper="人民日报", date="2018-01-31", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018013107.pdf", SRC[1]),
      note="the 大家手笔 and 理论纵横 logos are pictures, not text; the lead feature has three 小标题 and "
           "bold run-in subheads",
      furniture=["2018 年 1 月 31 日 星期三", "7 理论", "深入学习贯彻习近平新时代中国特色社会主义思想"],
      articles=[
          art(title="全面从严治党永远在路上的新时代内涵", byline="舒国增", authors=["舒国增"],
              first=sf(P, "习近平同志在党的十九大报告中指出：“全面从严治党永远在路"),
              last=st(P, "推动全面从严治党在坚持中深化、在深化中发展。"),
              end_note="（作者为中央纪委驻中央办公厅纪检组组长）"),
          art(title="政党是构建人类命运共同体的重要力量", byline="周淑真", authors=["周淑真"],
              first="当前，世界格局正发生深刻变化。",
              last=st(P, "正是为了汇聚构建人类命运共同体的政党力量。"),
              end_note="（作者为中国人民大学国际关系学院教授）"),
          art(kicker="坚持和加强党的全面领导的必然要求", title="加强党的政治建设不能有半点含糊",
              byline="方 雷", authors=["方 雷"], first=sf(P, "党的十九大报告强调新时代党"),
              last=st(P, "始终坚持和加强党的全面领导。"),
              end_note="（作者为山东大学马克思主义学院副院长、教授）"),
          art(kicker="始终坚持以人民为中心", title="新时代必将有力推动人的全面发展",
              byline="刘宏达 谢守成", authors=["刘宏达", "谢守成"],
              first=sf(P, "习近平新时代中国特色社会主义思想强调坚持以人民为中心"),
              last=st(P, "无疑就是推动人的全面发展的过程。"),
              end_note="（作者为湖北省中国特色社会主义理论体系研究中心研究员、华中师范大学马克思主义学院教授）"),
      ])
