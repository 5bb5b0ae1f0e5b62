# Plausible questions the articles do not answer (article None), written next to articles of
# each page (the split follows that page); some are follow-ups whose last turn is not answered.
CASES = {
"浙江工人日报_seed": [
 ("unanswerable", ["椒江工会设立了几家企业分院？", "那工匠学院的院长是谁？"], None, []),
 ("unanswerable", "象山影视城群演一天的报酬是多少？", None, []),
 ("unanswerable", "衢州烂柯杯围棋大赛冠军是谁？", None, []),
 ("unanswerable", "How many union members does Dongyang have?", None, []),
],
"人民日报_2026-04-29_04": [
 ("unanswerable", "企业国有资产法修订草案什么时候二审？", None, []),
 ("unanswerable", ["2026年全国五一劳动奖章授予了多少名职工？", "其中农民工有多少人？"], None, []),
 ("unanswerable", "王东明在大会上宣布了哪些新的职工福利政策？", None, []),
],
"新华每日电讯_2026-04-28_03": [
 ("unanswerable", "2026年度中国青年五四奖章一共授予了多少人？", None, []),
 ("unanswerable", "全国五一劳动奖状获奖单位名单在哪里公布？", None, []),
 ("unanswerable", "How much prize money comes with the May Fourth Youth Medal?", None, []),
],
"人民日报_2026-04-28_13": [
 ("unanswerable", "“我找车”平台去年营业收入多少？", None, []),
 ("unanswerable", ["呼和浩特高架桥车辆自燃是谁先冲上去灭火的？", "他获得了什么表彰？"], None, []),
],
"新华每日电讯_2026-04-29_05": [
 ("unanswerable", "鱼子西景区门票多少钱？", None, []),
 ("unanswerable", "广西人工智能产业去年产值多少？", None, []),
],
"光明日报_2025-10-14_04": [
 ("unanswerable", "第二十一届中国国际消防展的参观人数有多少？", None, []),
],
"光明日报_2025-10-15_08": [
 ("unanswerable", "怀士堂现在还对外开放参观吗？开放时间是几点？", None, []),
],
"解放日报_2022-05-27_01": [
 ("unanswerable", "上海公安英模表彰大会上有多少人受表彰？", None, []),
],
"学习时报_2026-05-08_10": [
 ("unanswerable", "安徽县级党校专任教师一共有多少人？", None, []),
],
"人民日报_2026-04-28_11": [
 ("unanswerable", "满语研究所现在有多少名研究人员？", None, []),
 ("unanswerable", ["湖北枝江的岛上书店是谁创办的？", "书店每年的运营经费是多少？"], None, []),
 ("unanswerable", "How many visitors has the Nanniesui stone carving exhibition attracted?", None, []),
],
"人民日报_2026-04-30_08": [
 ("unanswerable", "南京“五一”免费停车位在哪些停车场？具体名单有吗？", None, []),
 ("unanswerable", "西藏藏语言文字馆每天几点开馆？", None, []),
 ("unanswerable", ["“豫丰11”在黄淮麦区推广了多少亩？", "它的亩产是多少斤？"], None, []),
 ("unanswerable", "胡钰莹的团队获得金奖时有几名成员？", None, []),
],
"人民日报_2026-05-07_20": [
 ("unanswerable", "《给阿嬷的情书》的票房是多少？", None, []),
],
"新华每日电讯_2026-04-28_04": [
 ("unanswerable", "湖北长江十年禁渔让多少渔民转产上岸？", None, []),
 ("unanswerable", "“东北超”门票多少钱一张？", None, []),
],
"新华每日电讯_2026-04-30_08": [
 ("unanswerable", "第四届链博会在哪里举办？", None, []),
 ("unanswerable", "When is Netanyahu's next corruption hearing scheduled?", None, []),
],
"新华每日电讯_2026-05-01_04": [
 ("unanswerable", "无人机实名登记需要交多少费用？", None, []),
 ("unanswerable", ["1071项国家标准哪天开始实施？", "其中强制性标准有多少项？"], None, []),
],
"光明日报_2025-10-15_03": [
 ("unanswerable", "李强主持的座谈会上企业家提了多少条建议？", None, []),
],
"光明日报_2025-10-15_04": [
 ("unanswerable", "2025年“大国工匠年度人物”候选人名单有哪些人？", None, []),
 ("unanswerable", "国家粮食和物资储备局今年收购小麦的最低价格是多少？", None, []),
],
"光明日报_2025-10-15_07": [
 ("unanswerable", "新车上牌“一件事”在“交管12123”App上怎么操作？", None, []),
 ("unanswerable", ["第十三届全国矿山救援技能竞赛在哪里举行？", "哪支队伍拿了团体冠军？"], None, []),
],
"解放日报_2022-05-28_01": [
 ("unanswerable", "沪东中华今年一季度交付了几艘船？", None, []),
],
"解放日报_2022-05-30_01": [
 ("unanswerable", "上海“50条”里房租减免的具体标准是几个月？", None, []),
],
"解放日报_2022-06-01_01": [
 ("unanswerable", "叮咚买菜在上海保供期间配送了多少单？", None, []),
],
"光明日报_2025-10-15_12": [
 ("unanswerable", "中国今年向联合国妇女署的捐款什么时候到账？", None, []),
],
"申報_1949-04-27_02": [
 ("unanswerable", "四外長會議最後在哪一天開幕？", None, []),
],
"新民晚报_2022-04-01_08": [
 ("unanswerable", "林为彬的妻子在浦南医院哪个科室工作？", None, []),
],
}
