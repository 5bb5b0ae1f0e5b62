"""Hand labels of the held-out e-paper pages, written from the page image and the PDF's
own text (pdfium, in content order) before the reader was run on them. Run
`python tests/data/epaper_pages/tools/labels_heldout.py` to (re)write the .labels.json files;
every label line is checked against the PDF's text (whitespace ignored)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import art, write  # noqa: E402

SRC = "yeyeshengge2437/bm_lyh_project"

write("贵州民族报_2023-07-06_A3", newspaper="贵州民族报", date="2023-07-06", page="A3",
      source=(SRC, "报纸/paper/贵州民族报530113487.pdf", "1acf239"),
      note="court notices under the 信息服务 banner (lower half) dropped with tools/clip.py: not labelled",
      furniture=["黔西南新闻 A3 2023年7月6日 星期四", "一 审：程丽清 二 审：梁朝文 政 审：林文君 美 编：龙鲲浩",
                 "◇简 讯◇"],
      articles=[
          art(title="普安县大力发展职业教育为乡村振兴储备人才", byline="本报讯", authors=["王 普"],
              first="近年来，黔西南布依族苗族自治州普安县通过搭建平台、开设课程、深化实践，大力发展乡村振兴人才职业教育，以人才振兴赋能乡村振兴。",
              last="截至目前，共与 11 家省外企业开展校企合作，全县设有 14 处职业教育实践基地，选送 44 名学生到广东惠州学习。",
              end_note="（王 普）"),
          art(title="晴隆县开展\n“三个规定”宣讲", byline="本报讯", authors=["罗倩倩"],
              first="日前，在晴隆县退役军人系统领导干部培训会上，晴隆县人民法院有关负责人向全体参培人员作防止干预司法“三个规定”专题宣讲。",
              last="宣讲中，主讲人对晴隆县退役军人系统领导干部执行好防止干预司法“三个规定”提出建议和倡议，希望大家严格落实防止干预司法“三个规定”要求，做好政策的宣传员和监督员，并积极协助晴隆县人民法院向社会各界特别是退役军人群体做好“三个规定”的宣传和解读。",
              end_note="（罗倩倩）"),
          art(title="黔西南州退役军人事务局\n推进优待证申领发放使用工作", byline="本报讯", authors=["陈金州"],
              first="近年来，黔西南州退役军人事务局采取部门联动、优化服务和定期核证等方式，为行走不便、患病等有特殊情况的退役军人解决领证难、用证难和补证难，做好优待证申领发放使用管理工作。",
              last="截至目前，停用优待证453张，挂失50张，登记销毁48张。",
              end_note="（陈金州）"),
          art(title="望谟县大观镇\n举办首届蜂糖李采摘节", byline="本报讯", authors=["贝如兰"],
              first="望谟县大观镇近日在里穴村举办首届蜂糖李采摘节。",
              last="“里穴村在2020年种植了600亩蜂糖李，当时我们采取‘公司+合作社+农户’的模式进行发展，涉及农户224 户，今年是初挂果，到 2024 年预计产值达到 200 万元，户均增收3000元。”大观镇里穴村党支部书记姚光碧说。",
              end_note="（贝如兰）"),
          # A photo story: the vertical headline, the caption text as its body, the credit.
          art(title="产区变景区田园变公园", photographers=["李天亮"],
              captions=["近日，在兴义市周壁林场的灵芝种植基地，工作人员正在采摘灵芝（如图）。今年，由于气候良好，该基地灵芝迎来丰产。\n"
                        "2022年，贵州华弘农业发展有限公司在周壁林场建设该灵芝种植基地，拟将其打造成为一个集游学、农旅等为一体的基地，实现“产区变景区、田园变公园、产品变礼品”的产业发展格局。\n"
                        "李天亮/摄"],
              first="近日，在兴义市周壁林场的灵芝种植基地，工作人员正在采摘灵芝（如图）。",
              last="2022年，贵州华弘农业发展有限公司在周壁林场建设该灵芝种植基地，拟将其打造成为一个集游学、农旅等为一体的基地，实现“产区变景区、田园变公园、产品变礼品”的产业发展格局。"),
      ])

write("河南商报_2024-06-04_A06", newspaper="河南商报", date="2024-06-04", page="A06",
      source=(SRC, "报纸/paper/河南商报445458852.pdf", "9f8e7ba"),
      note="a feature page: one article under a kicker, with a standfirst and three 小标题 (one of two lines); "
           "the column banner 郑州建设“项”前冲 is drawn, not text",
      furniture=["统筹", "郭宁", "责编", "郭淮滨", "责任美编 郭晗 校对 刘学恩", "有什么想说的？", "扫码聊聊吧"],
      articles=[
          art(kicker="郑州国际大宗商品交易中心项目总投资超475亿元，项目一期计划2025年底建成",
              title="这个中心有个小目标\n要让河南商品“链全球”",
              byline="顶端新闻·河南商报记者 刘慧丽 见习记者 李衍慧/文 受访者供图",
              authors=["刘慧丽", "李衍慧"], captions=["郑州国际大宗商品交易中心概念图"],
              first="大宗商品，是连接全球的经济脉搏。",
              last="未来，郑州国际大宗商品交易中心项目将主要围绕郑州国际化物流枢纽建设，着力打造河南优势商品的全球供应链配置中心。"),
      ])
