"""Real resume documents built in memory for the resume reader's tests: hand-written PDFs, python-docx DOCX files.

The PDFs are written byte by byte (objects, a correct xref table, a trailer) so the tests depend on
no PDF writer and exercise the same parser path as a real upload; pypdf's writer is used only to
encrypt one. DOCX files come from python-docx, plus the raw XML Word's templates contain and
python-docx cannot write: a text box (with its VML duplicate under mc:Fallback) and a content control.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml import parse_xml
from pypdf import PdfReader, PdfWriter

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of numbered objects (1 is the catalog) with a correct xref table and trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(content: bytes, entries: bytes = b"") -> bytes:
    """A stream object with its /Length."""
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(content), entries, content)


def pdf_string(line: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252), parentheses and backslashes escaped."""
    escaped = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped + b")"


def text_pdf(pages: list[list[str]], stray_key: str | None = None) -> bytes:
    """A PDF with one page per list of lines, set in Helvetica 12 pt from the top left.

    `stray_key` damages each page dictionary with a string where a name key belongs: pypdf reads past
    it but logs a warning quoting the string, as it quotes bytes of many broken files.
    """
    damage = b"" if stray_key is None else pdf_string(stray_key) + b" "
    first_page = 4  # 1 catalog, 2 page tree, 3 font, then a page and its content stream per page
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * index) for index in range(len(pages)))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))]
    objects.append(FONT)
    for index, lines in enumerate(pages):
        shows = b" T* ".join(pdf_string(line) + b" Tj" for line in lines)
        content = b"BT /F1 12 Tf 14 TL 72 720 Td " + shows + b" ET"
        objects.append(
            b"<< /Type /Page %s/Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (damage, first_page + 2 * index + 1)
        )
        objects.append(stream(content))
    return pdf_file(objects)


def image_pdf() -> bytes:
    """A one-page PDF that only paints an image, as a scanner makes: no text operators at all."""
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> "
            b"/Contents 4 0 R >>",
            stream(b"q 468 0 0 648 72 72 cm /Im1 Do Q"),
            stream(
                b"\x00\xff\xff\x00",
                b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 ",
            ),
        ]
    )


def blank_pdf() -> bytes:
    """A one-page PDF with an empty page (no content stream)."""
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        ]
    )


def encrypted_pdf(pdf: bytes, user_password: str) -> bytes:
    """`pdf` encrypted with AES-256; an empty user password opens it, any other one locks it."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner-pw", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_file(
    paragraphs: list[str],
    table: list[list[str]],
    text_box: str | None = None,
    content_control: str | None = None,
    closing: str | None = None,
) -> bytes:
    """A DOCX: a heading and paragraphs, a table, then optionally a text box and a content control, then `closing`."""
    document = docx.Document()
    document.add_heading(paragraphs[0], level=1)
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    grid = document.add_table(rows=len(table), cols=max(len(row) for row in table))
    for row, values in zip(grid.rows, table, strict=True):
        for cell, value in zip(row.cells, values, strict=False):
            cell.text = value
    if text_box is not None:
        document.add_paragraph("Profile:")._p.append(parse_xml(_text_box_run(text_box)))
    if content_control is not None:
        document.add_paragraph("")._p.addnext(
            parse_xml(
                f"<w:sdt {NAMESPACES}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>{content_control}</w:t></w:r></w:p>"
                "</w:sdtContent></w:sdt>"
            )
        )
    if closing is not None:
        document.add_paragraph(closing)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _text_box_run(text: str) -> str:
    """A run holding a text box the way Word writes one: a DrawingML shape, and a VML copy under mc:Fallback."""
    box = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return (
        f"<w:r {NAMESPACES}><mc:AlternateContent>"
        f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def replace_part(archive_bytes: bytes, part: str, content: bytes) -> bytes:
    """A copy of a ZIP archive (a DOCX) with one part's content replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == part else source.read(info))
    return out.getvalue()


def zip_file(members: dict[str, bytes]) -> bytes:
    """A plain ZIP archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()
