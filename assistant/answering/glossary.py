"""A small English-to-Chinese glossary of news words, for English questions' lexical match.

Dense retrieval carries most of an English question across languages; these words give
BM25 and sentence scoring something to hold on to. Each entry lists the Chinese words an
article would use; only words that occur in the index take part.
"""
from __future__ import annotations

import re

GLOSSARY: dict[str, list[str]] = {
    "union": ["工会"], "unions": ["工会"], "federation": ["联合会", "总工会"],
    "chair": ["主席"], "chairs": ["主席"], "chairman": ["主席"], "chairwoman": ["主席"],
    "president": ["主席", "会长"], "head": ["负责人"], "leader": ["负责人"],
    "director": ["主任"], "manager": ["经理"], "secretary": ["书记"], "reporter": ["记者"],
    "engineer": ["工程师"], "actor": ["演员"], "actors": ["演员", "群演"], "extras": ["群演"],
    "worker": ["职工", "工人"], "workers": ["职工", "工人"], "employees": ["职工", "员工"],
    "employee": ["职工"], "employ": ["职工"], "staff": ["职工"], "craftsmen": ["工匠"],
    "craftsman": ["工匠"], "artisans": ["工匠"], "trained": ["培训", "培养", "培育"],
    "train": ["培训", "培养"], "training": ["培训"], "sessions": ["期"], "cultivated": ["培养", "培育"],
    "security": ["保安"], "guards": ["保安"], "cleaners": ["保洁"], "cleaning": ["保洁"],
    "property": ["物业"], "company": ["公司"], "companies": ["企业", "公司"],
    "enterprises": ["企业"], "school": ["学校"], "college": ["学院"], "academy": ["学院"],
    "branches": ["分院"], "lecture": ["讲座"], "title": ["题为"], "competition": ["竞赛", "比赛"],
    "contest": ["竞赛", "比赛"], "tournament": ["大赛", "比赛"], "match": ["比赛"],
    "prize": ["奖"], "award": ["奖"], "first": ["一等奖"], "second": ["二等奖"],
    "third": ["三等奖"], "go": ["围棋"], "chess": ["棋"], "players": ["选手", "棋手"],
    "participants": ["选手", "参加"], "registered": ["报名", "注册"], "couples": ["对"],
    "matched": ["匹配"], "matchmaking": ["婚恋", "交友"], "dating": ["婚恋", "交友"],
    "marriage": ["婚恋", "结婚"], "single": ["单身"], "singles": ["单身"],
    "volunteers": ["志愿者"], "negotiation": ["协商"], "bargaining": ["协商"],
    "collective": ["集体"], "wage": ["工资"], "wages": ["工资"], "salary": ["工资"],
    "contract": ["合同"], "welfare": ["福利"], "benefits": ["福利"], "film": ["影视"],
    "studio": ["工作室"], "studios": ["工作室"], "town": ["小镇"], "finance": ["财务"],
    "financial": ["财务"], "audit": ["经审", "审计"], "car": ["汽车"], "database": ["数据库"],
    "psychologist": ["心理学家"], "psychology": ["心理学"], "experts": ["专家"],
    "skills": ["技能"], "skill": ["技能"], "model": ["劳模"], "innovation": ["创新"],
    "talents": ["人才"], "income": ["营收"], "revenue": ["营收"], "jobs": ["就业岗位"],
    "activity": ["活动"], "activities": ["活动"], "event": ["活动"], "begin": ["开始"],
    "start": ["开始"], "end": ["结束"], "ends": ["结束"], "founded": ["成立"], "set": ["设立"],
}


def chinese_terms(question: str, vocab) -> list[str]:
    """Chinese index words for the English words of a question (only those indexed)."""
    out: list[str] = []
    for w in re.findall(r"[A-Za-z]+", question.lower()):
        for zh in GLOSSARY.get(w, ()):
            if zh in vocab:
                out.append(zh)
    return list(dict.fromkeys(out))
