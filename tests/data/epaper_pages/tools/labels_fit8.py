"""Hand labels of the last fit page (issue 18, ninth batch): 人民日报 第7版 理论 of 2018-01-15,
the paper's own page PDF (lterduo/skl learn_crawler/pdf/, commit 285222f). Written from the page
image and the PDF's own text (pdfium, content order), never from the reader. Long sentences are
given by a unique start or end and expanded to the whole sentence of the PDF's text
(common.sentence_from / sentence_to)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import art, sentence_from as sf, sentence_to as st, write  # noqa: E402

SRC = ("lterduo/skl", "285222f")

P = "人民日报_2018-01-15_07"
write(P, newspaper="人民日报", date="2018-01-15", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018011507.pdf", SRC[1]),
      note="the 大家手笔, 新知新觉 and 治理之道 logos are pictures, not text; the lead feature has three "
           "小标题 and bold run-in subheads",
      furniture=["2018 年 1 月 15 日 星期一", "7 理论", "深入学习贯彻习近平新时代中国特色社会主义思想"],
      articles=[
          art(title="履行好人民司法事业的时代使命", byline="沈德咏", authors=["沈德咏"],
              first=sf(P, "习近平同志在学习贯彻党的十九大精神研讨班开班式上的重要讲话中强调，坚持和发展中国特色社会主义要一以贯之"),
              last=st(P, "持续提高中国特色社会主义司法制度和法治体系在国际社会的认可度和影响力。"),
              end_note="（作者为最高人民法院党组副书记、常务副院长）"),
          art(title="培育人民群众的国家治理主体意识", byline="桑玉成", authors=["桑玉成"],
              first=sf(P, "习近平同志在党的十九届一中全会上的重要讲话中强"),
              last=st(P, "让人民群众的主体意识在国家治理实践中得到提升。"),
              end_note="（作者为中国政治学会副会长、上海市中国特色社会主义理论体系研究中心研究员）"),
          art(kicker="努力增进民生福祉", title="将以人民为中心落到实处", byline="龚文密", authors=["龚文密"],
              first="党的十九大报告强调，“坚持以人民为中心”。",
              last=st(P, "为群众提供丰富的精神食粮。"),
              end_note="（作者为中共湖南省邵阳市委书记）"),
          art(kicker="决定党的建设方向和效果", title="把 党 的 政 治 建 设 摆 在 首 位", byline="吕永志",
              authors=["吕永志"], first="中国特色社会主义进入新时代，我们党一定要有新气象新作为。",
              last=st(P, "确保在任何复杂矛盾和艰难险阻面前都能看清方向、把握大势、保持定力。"),
              end_note="（作者为中共河北省纪委副书记）"),
      ])
