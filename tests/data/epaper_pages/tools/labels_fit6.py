"""Hand labels of two more fit pages (issue 18, seventh batch): 人民日报 第7版 理论 of 2018-01-26 and
2018-01-29, the paper's own page PDFs (lterduo/skl learn_crawler/pdf/, commit 285222f), added as
fit pages. Written from the page image and the PDF's own text (pdfium, content order), never
from the reader. Long sentences are given by a unique start or end and expanded to the whole
sentence of the PDF's text (common.sentence_from / sentence_to)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import art, sentence_from as sf, sentence_to as st, write  # noqa: E402

SRC = ("lterduo/skl", "285222f")

P = "人民日报_2018-01-26_07"
write(P, newspaper="人民日报", date="2018-01-26", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018012607.pdf", SRC[1]),
      note="the 大家手笔, 理论纵横 and 治理之道 logos are pictures, not text; the lead feature has three "
           "小标题 and bold run-in subheads",
      furniture=["2018 年 1 月 26 日 星期五", "7 理论", "认真学习宣传贯彻党的十九大精神"],
      articles=[
          art(title="以供给侧结构性改革为主线建设现代化经济体系", byline="刘 伟", authors=["刘 伟"],
              first="党的十九大报告明确提出：贯彻新发展理念，建设现代化经济体系。",
              last=st(P, "不断提高宏观调控的科学性、预见性和有效性。"),
              end_note="（作者为中国人民大学校长）"),
          art(title="紧紧抓住完善产权制度这个重点", byline="常修泽", authors=["常修泽"],
              first=sf(P, "党的十九大报告指出：“经济体制改革必须以完善产权"),
              last=st(P, "今后，要进一步全面落实中央有关精神。"),
              end_note="（作者为中国宏观经济研究院教授）"),
          art(kicker="双手联弹 双量发力 双色并重 双管齐下", title="运用辩证思维推动高质量发展",
              byline="吴 锦", authors=["吴 锦"],
              first="新时代我国经济发展的基本特征是由高速增长阶段转向高质量发展阶段。",
              last=st(P, "汇聚推动高质量发展的合力。"),
              end_note="（作者为中共湖北省天门市委书记）"),
          art(kicker="不是此消彼长 而是相辅相成", title="促进国有企业和民营企业共同发展",
              byline="殷 鹏", authors=["殷 鹏"], first=sf(P, "党的十八届三中全会指出：“公有"),
              last=st(P, "二者共同为我国社会主义现代化强国建设贡献力量。")),
      ])

P = "人民日报_2018-01-29_07"
write(P, newspaper="人民日报", date="2018-01-29", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018012907.pdf", SRC[1]),
      note="the 大家手笔 and 信息快递 logos are pictures, not text; the lead feature has three 小标题 and a "
           "——subtitle; the vertical-headline piece has two 小标题; two conference reports (述要) with "
           "——subtitles",
      furniture=["2018 年 1 月 29 日 星期一", "7 理论", "深入学习贯彻习近平新时代中国特色社会主义思想"],
      articles=[
          art(title="推进一带一路建设 构建人类命运共同体",
              subtitle="——深入学习《习近平谈治国理政》第二卷关于一带一路建设的重要论述",
              byline="范祚军 万少文", authors=["范祚军", "万少文"],
              first=sf(P, "习近平新时代中国特色社会主义思想明确中国特色大国外交"),
              last=st(P, "增强企业自主参与意愿。"),
              end_note="（作者单位：广西壮族自治区中国特色社会主义理论体系研究中心）"),
          art(title="国际社会深入解读中国新时代", byline="冯颜利", authors=["冯颜利"],
              first=sf(P, "党的十九大报告指出：“经过长期努力，中国特色社会主义进入"),
              last=st(P, "中国的发展将更加有利于构建人类命运共同体。"),
              end_note="（作者为中国社会科学院习近平新时代中国特色社会主义思想研究中心特聘研究员）"),
          art(title="实现合作共赢的伟大创举", byline="石云霞", authors=["石云霞"],
              first=sf(P, "习近平同志在党的十九大报告中指出，中国坚持对外开放"),
              last=st(P, "提供了中国智慧和中国方案。"),
              end_note="（作者为武汉大学马克思主义学院教授）"),
          art(title="加快构建新时代中国特色社会学",
              subtitle="——“新时代中国特色社会体制改革与社会治理创新研讨会”述要",
              byline="侯利文", authors=["侯利文"], first=sf(P, "华东理工大学、上海高校智库"),
              last=st(P, "为建设更加和谐的社会主义现代化强国作出贡献。")),
          art(title="从三个层面促进实体经济由大向强", subtitle="——“第六届中国工业发展论坛”述要",
              byline="蒙 娃", authors=["蒙 娃"],
              first="中国社会科学院工业经济研究所主办的“第六届中国工业发展论坛”日前在北京举行。",
              last=st(P, "（经济管理出版社出版）。")),
      ])
