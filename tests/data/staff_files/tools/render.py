"""The text a person reads in each staff file, as NAME.txt beside it (the labels are written
against it): a Markdown file without its front matter (its first alias, the title the note shows, kept as the first line), picture lines, heading marks (#),
emphasis marks (**) and link targets (`[title](url)` -> `title`), a line a line; a Word file's
paragraphs, a paragraph a line. Nothing else is changed (spacing and blank lines are kept).

    python tests/data/staff_files/tools/render.py
"""
import re
from pathlib import Path

DIR = Path(__file__).resolve().parent.parent
_IMG = re.compile(r"^\s*!\[")   # a picture line (its address may hold brackets)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def render_md(text: str) -> str:
    lines = text.split("\n")
    out = []
    if lines and lines[0].strip() == "---":
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        # The title Obsidian shows for the note: its first alias, as a line of its own.
        alias = next((m.group(1) for m in (re.match(r"^\s*-\s+(\S.*)$", x) for x in lines[1:end]) if m), None)
        if alias and alias.strip() not in ("|-", "|", ">"):
            out += [alias.strip(), ""]
        lines = lines[end + 1:]
    for line in lines:
        if _IMG.match(line):
            continue
        line = re.sub(r"^\s*#{1,6}\s+", "", line)
        line = _LINK.sub(r"\1", line).replace("**", "")
        out.append(line.rstrip())
    return "\n".join(out).strip("\n") + "\n"


def render_docx(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs).strip("\n") + "\n"


if __name__ == "__main__":
    for f in sorted(DIR.iterdir()):
        if f.suffix == ".md" and f.name != "README.md":
            (DIR / f"{f.stem}.txt").write_text(render_md(f.read_text(encoding="utf-8")), encoding="utf-8")
        elif f.suffix == ".docx":
            (DIR / f"{f.stem}.txt").write_text(render_docx(f), encoding="utf-8")
