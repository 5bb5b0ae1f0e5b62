"""Hand labels of three more fit pages (issue 18, fifth batch): 人民日报 第7版 理论 of 2018-01-19,
2018-01-22 and 2018-01-23, the paper's own page PDFs (lterduo/skl learn_crawler/pdf/, commit
285222f), added as fit pages after the fourth batch's held-out pages were scored. Written from
the page image and the PDF's own text (pdfium, content order), never from the reader. Long
sentences are given by a unique start or end and expanded to the whole sentence of the PDF's
text (common.sentence_from / sentence_to)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import art, sentence_from as sf, sentence_to as st, write  # noqa: E402

SRC = ("lterduo/skl", "285222f")

P = "人民日报_2018-01-19_07"
write(P, newspaper="人民日报", date="2018-01-19", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018011907.pdf", SRC[1]),
      note="the 大家手笔 and 新知新觉 logos are pictures, not text; the lead feature has three 小标题 "
           "and bold run-in subheads",
      furniture=["2018 年 1 月 19 日 星期五", "7 理论", "认真学习宣传贯彻党的十九大精神"],
      articles=[
          art(title="积极促进一带一路国际合作", byline="高虎城", authors=["高虎城"],
              first=sf(P, "“一带一路”建设是习近平同志深刻"),
              last=st(P, "密切妇女、青年、残疾人等群体交流，促进包容发展。")),
          art(title="金砖合作创新国际经济合作模式", byline="张幼文", authors=["张幼文"],
              first="金砖合作兴起于世界格局深刻调整变革之际。",
              last=st(P, "并在各方之间积极寻求共识。"),
              end_note="（作者为上海社会科学院世界经济研究所研究员、上海市中国特色社会主义理论体系研究中心特约研究员）"),
          art(kicker="通过深化改革为小微企业纾难解困", title="解决小微企业融资难融资贵问题",
              byline="龚红果 曾国安", authors=["龚红果", "曾国安"],
              first="小微企业是国民经济的生力军。",
              last=st(P, "从而实现小微企业融资支持政策和制度的系统化、精准化、规范化。")),
          art(kicker="有利于各参与国资金融通、共同发展", title="以一带一路建设为契机推动人民币国际化",
              byline="孟 刚", authors=["孟 刚"],
              first=sf(P, "“一带一路”建设是我国为完善全"),
              last=st(P, "投资计价驱动及金融产品创新驱动等多层次发展模式。"),
              end_note="（作者单位：国家开发银行）"),
      ])

P = "人民日报_2018-01-22_07"
write(P, newspaper="人民日报", date="2018-01-22", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018012207.pdf", SRC[1]),
      note="the 大家手笔, 经济形势理性看 and 新知新觉 logos are pictures, not text; the lead feature has "
           "bold run-in subheads and a ——subtitle",
      furniture=["2018 年 1 月 22 日 星期一", "7 理论"],
      articles=[
          art(title="高质量发展迈出一大步", subtitle="—— 2017 年中国经济亮点回眸",
              byline="胡鞍钢 张 新", authors=["胡鞍钢", "张 新"],
              first=sf(P, "党的十九大报告明确指出，我国经济已由高速增长阶段"),
              last=st(P, "中国经济在高质量发展道路上迈出了坚实步伐。"),
              end_note="（作者单位：清华大学国情研究院）"),
          art(title="解决好科技体系发展不平衡不充分问题", byline="胡海岩", authors=["胡海岩"],
              first=sf(P, "党的十九大报告指出，中国特色社会主义进入了新时代，我"),
              last=st(P, "同时还要形成激励创新、宽容失败的学术氛围。"),
              end_note="（作者为中国科学院院士、北京理工大学原校长）"),
          art(kicker="防风险 严监管 活实体 促发展", title="全面把握现代金融发展要义",
              byline="刘 宾 胡瑞华", authors=["刘 宾", "胡瑞华"],
              first=sf(P, "党的十八大以来，习近平同志对金融发展作出"),
              last=st(P, "满足经济社会发展新需求。"),
              end_note="（作者单位：河北金融学院）"),
          art(kicker="权依责定 财随政走", title="不断优化公共经济责任配置",
              byline="习亚哲 杨 静", authors=["习亚哲", "杨 静"],
              first=sf(P, "党的十九大报告提出建立权责清晰、财"),
              last=st(P, "用法律规范各级政府及政府各部门的责、权、利关系。"),
              end_note="（作者单位：河北经贸大学、中国社科院中国特色社会主义理论体系研究中心）"),
      ])

P = "人民日报_2018-01-23_07"
write(P, newspaper="人民日报", date="2018-01-23", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018012307.pdf", SRC[1]),
      note="the 思想纵横 and 信息快递 logos are pictures, not text; the lead feature has three 小标题 and a "
           "——subtitle; the 系列研讨会发言选编 bar under it heads the lead and the piece on the right",
      furniture=["2018 年 1 月 23 日 星期二", "7 理论", "学习宣传贯彻习近平新时代中国特色社会主义思想系列研讨会发言选编"],
      articles=[
          art(title="划时代的思想火炬",
              subtitle="——深刻认识习近平新时代中国特色社会主义思想的时代背景、实践基础和理论渊源",
              byline="甄占民", authors=["甄占民"],
              first="唯物主义认识论告诉我们，每个时代的思想理论都是这个时代的产物，都是一定社会历史活动的结果。",
              last=st(P, "就是真正坚持和发展科学社会主义。"),
              end_note="（作者为中央党校副校长、习近平新时代中国特色社会主义思想研究中心副主任）"),
          art(title="用做实体现学习成效", byline="范锐平", authors=["范锐平"],
              first="深入学习宣传贯彻党的十九大精神是全党全国当前和今后一个时期的首要政治任务。",
              last=st(P, "建成高品质和谐宜居生活城市。"),
              end_note="（作者为中共四川省委常委、成都市委书记）"),
          art(title="拓展视野才能深化认识", byline="肖伟光", authors=["肖伟光"],
              first=sf(P, "毛泽东同志曾讲过这样一件事"),
              last=st(P, "更好地将科学理论化为指导实践、推动工作的智慧和力量。")),
          art(title="让红船精神放射时代光芒",
              subtitle="——“红船精神与习近平新时代中国特色社会主义思想学术研讨会”述要",
              byline="萧师俭", authors=["萧师俭"],
              first=sf(P, "教育部中国特色社会主义理论"),
              last=st(P, "矢志艰苦奋斗。")),
      ])
