"""The hand corrections of the drafts (tools/drafts, made by draft_labels.py), written as
the labels NAME.labels.json. Conventions are those of tests/data/pages/README.md. Run from
the repository root after draft_labels.py:
    python tests/data/pdf_pages/tools/patches.py
"""
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
FURNITURE = re.compile(r"^(?:本版责编|一版责编|广告$)")
NOTE = re.compile(r"^（.*）$")


def note_names(note):
    """"（新华社北京10月19日电  记者赵超、安蓓）" -> ["赵超", "安蓓"]."""
    m = re.search(r"记者(.+?)）$", note)
    return [n.strip() for n in m.group(1).split("、")] if m else []


# pdf page -> fields to set (checked by reading each article in the PDF)
PATCH = {
    29: {"first_sentence": "2020年至2024年，居民服务性消费支出年均增长9.6%"},   # after the box label 亮点
    33: {"first_sentence": "“十四五”时期，跨省住院直接结算率达到90%左右"},
    58: "photo", 85: "photo", 223: "photo",
    120: {"authors": []},   # an institution, not a person
    148: "letter", 149: "letter",
    160: "caption",
    186: {"end_note": "数据来源：南京浦口经济开发区"},
    224: "poem",
}


def main():
    for draft in sorted((HERE / "tools" / "drafts").glob("*.labels.json")):
        labels = json.loads(draft.read_text(encoding="utf-8"))
        arts, furniture = [], list(labels["furniture"])
        for a in labels["articles"]:
            sents, lines = a.pop("sentences"), a.pop("lines")
            if FURNITURE.match(a["title"]):
                furniture += [a["title"]] + lines
                continue
            patch = PATCH.get(a["pdf_page"], {})
            if sents and NOTE.match(sents[-1].strip()) and len(sents) > 1:
                a["end_note"], a["last_sentence"] = sents[-1], sents[-2]
                if not a["authors"]:
                    a["authors"] = note_names(sents[-1])
            if patch == "photo":   # a photo story: its caption is its text, the credit closes it
                credit = lines[-1]
                a["captions"] = ["\n".join(lines)]
                a["photographers"] = [re.sub(r"^新华社记者\s*|摄$", "", credit).strip()]
                a["last_sentence"] = sents[-2]
            elif patch == "letter":   # a reader's letter signed "河南鄢陵县 邢先生"
                a["byline"] = lines[-1].strip()
                name = a["byline"].split()[-1]
                a["authors"] = [] if name.endswith(("先生", "女士")) else [name]
                a["last_sentence"] = sents[-2]
            elif patch == "caption":   # a photo with its caption under the text
                a["captions"] = ["\n".join(lines[-2:])]
                a["photographers"] = [lines[-1].split("摄")[0].strip()]
                cap = "".join(lines[-2:])
                body = [s for s in sents if s not in cap and s.strip() not in cap]
                a["last_sentence"] = body[-1]
            elif patch == "poem":   # lines without end punctuation: a line is a sentence
                a["first_sentence"], a["last_sentence"] = lines[0].strip(), lines[-1].strip()
            elif patch:
                a.update(patch)
                if "end_note" in patch:
                    a["last_sentence"] = sents[-2]
            arts.append(a)
        labels["articles"] = arts
        labels["furniture"] = list(dict.fromkeys(f.strip() for f in furniture if f.strip()))
        out = HERE / draft.name
        out.write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
