"""Hand labels of three more held-out pages (issue 18, fourth batch): 人民日报 第7版 理论 of
2018-01-10, 2018-01-12 and 2018-01-17, the paper's own page PDFs (lterduo/skl
learn_crawler/pdf/, commit 285222f). The split of this batch was fixed by date before the reader
was run on any of its pages; these labels were written from the page image and the PDF's own
text (pdfium, content order) and committed before the reader was run on these pages. Long
sentences are given by a unique start or end and expanded to the whole sentence of the PDF's
text (common.sentence_from / sentence_to)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import art, sentence_from as sf, sentence_to as st, write  # noqa: E402

SRC = ("lterduo/skl", "285222f")

P = "人民日报_2018-01-10_07"
write(P, newspaper="人民日报", date="2018-01-10", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018011007.pdf", SRC[1]),
      note="the 大家手笔, 新知新觉 and 信息快递 logos are pictures, not text; the lead feature has three "
           "小标题 and bold run-in subheads; the conference report (述要) carries a ——subtitle",
      furniture=["2018 年 1 月 10 日 星期三", "7 理论", "认真学习宣传贯彻党的十九大精神"],
      articles=[
          art(title="“一国两制”是保持香港、澳门长期繁荣稳定的最佳制度", byline="蒋建国", authors=["蒋建国"],
              first=sf(P, "坚持“一国两制”，保持香港、澳门长期繁荣稳定，是实现"),
              last=st(P, "共享祖国繁荣富强的伟大荣光。")),
          art(title="法治与德治何以相得益彰", byline="陈先达", authors=["陈先达"],
              first=sf(P, "坚持依法治国和以德治国相结"),
              last=st(P, "这就是法律与道德相得益彰的辩证思维。"),
              end_note="（作者为中国人民大学一级教授）"),
          art(title="一带一路为跨文化传播提供新空间", subtitle="——“第九届跨文化传播国际学术会议”述要",
              byline="肖 珺", authors=["肖 珺"],
              first=sf(P, "教育部人文社科重点研究基地武汉大学媒体发展研究中"),
              last=st(P, "需要坚持文化之间的平等交流和对话。")),
          art(kicker="为维护海权提供有力法律支撑", title="建设海洋强国需完善海洋法律体系",
              byline="周 江 张济坤", authors=["周 江", "张济坤"],
              first=sf(P, "我国是海洋大国"),
              last=st(P, "获得更多海洋发展建设的国际制度性权利。"),
              end_note="（作者单位：西南政法大学）"),
      ])

P = "人民日报_2018-01-12_07"
write(P, newspaper="人民日报", date="2018-01-12", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018011207.pdf", SRC[1]),
      note="the 大家手笔, 调查研究 and 新知新觉 logos are pictures, not text; the lead feature has three "
           "小标题 and bold run-in subheads; the vertical headline's author name is set vertically too",
      furniture=["2018 年 1 月 12 日 星期五", "7 理论", "认真学习宣传贯彻党的十九大精神"],
      articles=[
          art(title="实 施 健 康 中 国 战 略", byline="李 斌", authors=["李 斌"],
              first=sf(P, "习近平同志在党的十九大报告中提出“实施健康中国战略”"),
              last=st(P, "提供康复、护理、安宁疗护等多种形式的健康养老服务。")),
          art(title="不断铸就中华文化新辉煌", byline="杨 义", authors=["杨 义"],
              first="文化是一个国家、一个民族的灵魂。",
              last=st(P, "研究中华文化需要以丰富的文献材料为支撑。"),
              end_note="（作者为中国社会科学院学部委员、澳门大学讲座教授）"),
          art(kicker="建设网络强国的重要基础", title="提高国民信息化素养刻不容缓", byline="李志民",
              authors=["李志民"], first=sf(P, "当今世界，网络信息技术发展日新"),
              last=st(P, "从而更好提高国民信息化素养。"),
              end_note="（作者为教育部科技发展中心原主任）"),
          art(kicker="积极开展资产收益扶贫", title="探索贫困人口持续稳定增收的路径", byline="陈名财",
              authors=["陈名财"], first=sf(P, "确保到2020年我国现行标准下农"),
              last=st(P, "努力培养“三农”工作队伍和新型农民。"),
              end_note="（作者单位：中共四川省委党校）"),
      ])

P = "人民日报_2018-01-17_07"
write(P, newspaper="人民日报", date="2018-01-17", page="07",
      source=(SRC[0], "learn_crawler/pdf/rmrb2018011707.pdf", SRC[1]),
      note="the 新知新觉, 思想纵横 and 新书评介 logos are pictures, not text; the lead feature has four "
           "小标题 and bold run-in subheads; 思想纵横's headline is set vertically",
      furniture=["2018 年 1 月 17 日 星期三", "7 理论", "深入学习贯彻习近平新时代中国特色社会主义思想"],
      articles=[
          art(title="关于我国经济高质量发展的几点认识", byline="林兆木", authors=["林兆木"],
              first=sf(P, "习近平同志在党的十九大报告中指出：“我国经济已"),
              last=st(P, "以新时代的高昂精神状态奋力推进各项工作。"),
              end_note="（作者为国家发改委宏观经济研究院研究员）"),
          art(kicker="适应融合趋势 增强竞争优势", title="加快制造业服务化转型",
              byline="汪 涛 吴光胜 胡查平", authors=["汪 涛", "吴光胜", "胡查平"],
              first=sf(P, "制造业服务化是指制造业企业"),
              last=st(P, "提升核心竞争力等方面优化资源配置。"),
              end_note="（作者单位：武汉大学组织营销研究中心）"),
          art(title="深化对中国特色社会主义政治经济学的研究", subtitle="——《中国特色社会主义政治经济学通论》简评",
              byline="胡培兆", authors=["胡培兆"],
              first=sf(P, "党的十八大以来，我们党在实践中形成了"),
              last=st(P, "并将新发展理念贯穿其中。")),
          art(title="大就要有大的样子", byline="肖凌之", authors=["肖凌之"],
              first=sf(P, "“中国共产党是世界上最大的政党。"),
              last=st(P, "危难关头豁得出去的中坚力量。")),
      ])
