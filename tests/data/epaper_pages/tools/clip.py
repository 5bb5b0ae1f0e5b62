"""Drop the text below a line of a one-page PDF (a block of court notices under a
'信息服务' banner that is not labelled), keeping everything above as it was.

    python tests/data/epaper_pages/tools/clip.py SRC.pdf DST.pdf Y

Text objects whose top is below Y (PDF points from the bottom) are removed and the content
regenerated; the text above Y is checked equal, character by character with its box.
"""
import io
import sys

import pypdfium2 as pdfium
import pypdfium2.raw as raw


def chars(data: bytes, y: float) -> list:
    page = pdfium.PdfDocument(data)[0]
    tp = page.get_textpage()
    out = []
    for i in range(tp.count_chars()):
        box = tp.get_charbox(i)
        c = chr(raw.FPDFText_GetUnicode(tp.raw, i))
        if box[3] > y and c not in "\r\n":   # line ends pdfium makes up are not text
            out.append((c, tuple(round(v, 1) for v in box)))
    return out


def clip(data: bytes, y: float) -> bytes:
    doc = pdfium.PdfDocument(data)
    page = doc[0]
    for obj in list(page.get_objects(max_depth=0)):
        if obj.type == raw.FPDF_PAGEOBJ_TEXT and obj.get_bounds()[3] < y:
            page.remove_obj(obj)
    page.gen_content()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


if __name__ == "__main__":
    src, dst, y = sys.argv[1], sys.argv[2], float(sys.argv[3])
    data = open(src, "rb").read()
    small = clip(data, y)
    assert chars(small, y) == chars(data, y), "text above the line changed"
    open(dst, "wb").write(small)
    print(f"{src}: {len(data)} -> {len(small)} bytes; text below y={y} dropped")
