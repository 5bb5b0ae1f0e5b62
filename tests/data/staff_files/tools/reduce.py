"""Make a Word file small: every picture in word/media over 20 KB becomes a 1x1 picture of the
same format; everything else in the package (the XML, its order, names) is copied as it was.
Checks the paragraphs' text is unchanged.

    python tests/data/staff_files/tools/reduce.py NAME.docx
"""
import io
import sys
import zipfile
from pathlib import Path

from PIL import Image


def tiny(name: str) -> bytes:
    fmt = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF"}[name.rsplit(".", 1)[1].lower()]
    buf = io.BytesIO()
    Image.new("RGB", (1, 1), (128, 128, 128)).save(buf, fmt)
    return buf.getvalue()


def text(data: bytes) -> list[str]:
    import docx

    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


for path in map(Path, sys.argv[1:]):
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("word/media/") and len(body) > 20_000:
                body = tiny(info.filename)
            dst.writestr(info, body)
    assert text(out.getvalue()) == text(data), path
    path.write_bytes(out.getvalue())
    print(path.name, len(data), "->", len(out.getvalue()))
