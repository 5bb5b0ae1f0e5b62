# More near misses: same page, same kind of fact, but no article gives it (the page's other
# cases are in the files before this one; ids go on).
CASES = {
"人民日报_2025-10-20_02": [
 ("unanswerable", "今年前三季度跨省异地就医直接结算了多少人次？", None, []),
],
"人民日报_2025-10-20_10": [
 ("unanswerable", "How many interns complained to labour inspectors last year?", None, []),
],
"人民日报_2025-10-20_11": [
 ("unanswerable", ["三季度全国查验出入境人员多少人次？", "其中经陆路口岸出入境的有多少？"], None, []),
],
"人民日报_2025-10-20_18": [
 ("unanswerable", "How many tea farmers in Anji have taken out green loans?", None, []),
],
"中国教育新闻网_2025-10-14": [
 ("unanswerable", ["芜湖大学生集体迎新典礼在哪里举行？", "典礼花了多少钱？"], None, []),
],
"神州学人网_2025-10-15": [
 ("unanswerable", "What is the starting monthly salary of civil servants recruited in the 2026 exam?", None, []),
],
}
