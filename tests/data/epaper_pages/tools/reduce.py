"""Make a fetched e-paper PDF small enough to keep as test data, with its text untouched.

Every image stream over 20 KB is replaced by a 1x1 JPEG of the same colour space (the
photos are not read by the PDF reader, which reads the characters and their boxes); the
content streams, fonts and page boxes are not touched (regenerating the content with
pdfium garbles vertical CJK headlines, so no object is removed). pdfium then rebuilds the
cross-reference table when it saves the copy. The text of the result is checked equal to
the original's.

    python tests/data/epaper_pages/tools/reduce.py SRC.pdf DST.pdf
"""
import io
import re
import sys

import pypdfium2 as pdfium
from PIL import Image


def tiny_jpeg(cmyk: bool) -> bytes:
    buf = io.BytesIO()
    Image.new("CMYK" if cmyk else "RGB", (1, 1), (0, 0, 0, 0) if cmyk else (255, 255, 255)).save(buf, "JPEG")
    return buf.getvalue()


def reduce(data: bytes, min_size: int = 20_000) -> bytes:
    out = bytearray()
    pos = 0
    for m in re.finditer(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", data, re.S):
        head = m.group(2)
        if b"/Subtype/Image" not in head.replace(b" ", b"") or b"/DCTDecode" not in head:
            continue
        end = data.find(b"endstream", m.end())
        if end - m.end() < min_size:
            continue
        jpeg = tiny_jpeg(b"DeviceCMYK" in head)
        new_head = re.sub(rb"/Length\s+\d+(\s+0\s+R)?", b"/Length %d" % len(jpeg), head)
        new_head = re.sub(rb"/Width\s+\d+", b"/Width 1", new_head)
        new_head = re.sub(rb"/Height\s+\d+", b"/Height 1", new_head)
        out += data[pos:m.start()] + m.group(1) + b" 0 obj\n<<" + new_head + b">>\nstream\n" + jpeg + b"\n"
        pos = end
    out += data[pos:]
    doc = pdfium.PdfDocument(bytes(out))   # pdfium repairs the stale xref on load
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


if __name__ == "__main__":
    src = open(sys.argv[1], "rb").read()
    small = reduce(src)
    assert text(small) == text(src), "text changed"
    open(sys.argv[2], "wb").write(small)
    print(f"{sys.argv[1]}: {len(src)} -> {len(small)} bytes")
