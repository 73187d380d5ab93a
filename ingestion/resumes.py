"""Read a job seeker's resume (PDF, DOCX or plain text) into clean text for job matching, locally.

Resumes are personal data, so this module never logs, prints or raises their text: a ResumeError
names the file and what is wrong with it, nothing else. Library exceptions are replaced, not
chained, because pypdf and lxml messages can quote bytes of the document; and pypdf's logger is
held at ERROR while a PDF is read, because its warnings about broken files can quote them too.

The format comes from the content (`%PDF-`, or a ZIP holding `word/document.xml`), since uploads
are often misnamed; the suffix only breaks ties (a `.pdf` without a PDF header is a corrupt PDF,
not text). Text is what a document's text layer holds: a scanned PDF is refused, not OCR'd.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import threading
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import docx
from docx.text.run import Run
from lxml import etree
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

Format = Literal["pdf", "docx", "txt"]

MAX_BYTES = 10 * 1024 * 1024  # an upload limit: real resumes are well under 1 MB, scans a few MB
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # a DOCX is a ZIP: refuse archives that would inflate past this
MIN_TEXT_CHARS = 20  # less than this after cleaning is not a resume anyone can match
ID_HEX_CHARS = 16
TEXT_SUFFIXES = ("", ".txt", ".md")
ACCEPTED = "joblake reads PDF, DOCX and plain text"
ENCRYPTED = "encrypted PDF (password-protected); save it without a password"
NO_TEXT_LAYER = "no text layer (a scanned image?); joblake reads text, it does not run OCR"

PDF_MAGIC = b"%PDF-"
PDF_MAGIC_WITHIN = 1024  # readers accept the header anywhere in the first KB
ZIP_MAGIC = b"PK\x03\x04"
DOCX_PART = "word/document.xml"
OTHER_FORMATS = (  # content we recognise only to name it in the error, and whether Word can re-save it
    (b"\x89PNG\r\n\x1a\n", "PNG image", False),
    (b"\xff\xd8\xff", "JPEG image", False),
    (b"GIF8", "GIF image", False),
    (b"II*\x00", "TIFF image", False),
    (b"MM\x00*", "TIFF image", False),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Word .doc or other old Office file", True),
    (b"{\\rtf", "RTF", True),
)
RESAVE = ", so save it as DOCX or PDF"
BOMS = (  # longest first: the UTF-32-LE mark starts with the UTF-16-LE one
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
W_P, W_R, W_TBL, W_TR, W_TC, W_SDT, W_SDT_CONTENT, W_TXBX = (
    f"{W}{tag}" for tag in ("p", "r", "tbl", "tr", "tc", "sdt", "sdtContent", "txbxContent")
)
CELL_SEPARATOR = " | "

LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
HYPHENATED = re.compile(r"(\w)[-\u2010\u2011\u00ad][ \t]*\n[ \t]*(\w)")
SPACES = re.compile(r"[^\S\n]+")
BULLET = re.compile(
    r"^(?:[\u2022\u2023\u2043\u2219\u00b7\u25aa\u25ab\u25cf\u25cb\u25e6\u25a0\u25a1\u25c6\u25c7\u25ba\u25b8\u25b9"
    r"\u2756\u27a2\u27a4\u2713\u2714\u2192\uf0a7\uf0a8\uf0b7\uf0d8\uf0fc\uf076]"  # • ‣ ⁃ ∙ · ▪ ● ◦ ■ ◆ ► ✓ → ...
    r"|[-*\u2013\u2014](?= ))"  # - * – — only when a space follows: "-5%" and "*args" stay
    r" ?",
    re.MULTILINE,
)
BLANK_LINES = re.compile(r"\n{3,}")
DROPPED = ("Cc", "Cf", "Cs")  # control, format (zero-width, BOM, bidi marks) and lone surrogate characters
KEPT_CONTROLS = "\n\t\u00ad"  # tabs become spaces, soft hyphens re-join words, then both go

_pypdf_log = logging.getLogger("pypdf")
_pypdf_quiet_lock = threading.Lock()
_pypdf_quiet_depth = 0
_pypdf_saved_level = logging.NOTSET


class ResumeError(ValueError):
    """A resume that cannot be read: one line naming the file (never its content) and what is wrong.

    >>> str(ResumeError("cv.pdf", "empty file"))
    'cv.pdf: empty file'
    """

    def __init__(self, file_name: str, reason: str) -> None:
        super().__init__(f"{_printable(file_name)}: {reason}")
        self.file_name = file_name
        self.reason = reason

    def __reduce__(self) -> tuple[type[ResumeError], tuple[str, str]]:
        return type(self), (self.file_name, self.reason)  # picklable, for batch runs in worker processes


@dataclass(frozen=True)
class Resume:
    """A resume's clean text and where it came from; the text is left out of repr so it never reaches a log."""

    resume_id: str
    file_name: str
    format: Format
    text: str = field(repr=False)
    pages: int = 1


def read_resume(path: str | Path, max_bytes: int = MAX_BYTES) -> Resume:
    """Read a PDF, DOCX or plain-text resume into clean text; raise ResumeError if it cannot be read."""
    path = Path(path)
    name = path.name
    data = _read_bytes(path, max_bytes)
    file_format = detect_format(data, name)
    pages = 1
    if file_format == "pdf":
        raw, pages = _pdf_text(data, name)
    elif file_format == "docx":
        raw = _docx_text(data, name)
    else:
        raw = decode_text(data, name)
    text = clean_text(raw)
    if len(text) < MIN_TEXT_CHARS:
        raise ResumeError(
            name,
            NO_TEXT_LAYER
            if file_format == "pdf"
            else f"no text ({len(text)} characters after cleaning, at least {MIN_TEXT_CHARS} needed)",
        )
    return Resume(resume_id=resume_id(data), file_name=name, format=file_format, text=text, pages=pages)


def read_resumes(folder: str | Path, max_bytes: int = MAX_BYTES) -> Iterator[tuple[Path, Resume | ResumeError]]:
    """Read every file directly in `folder` (sorted, hidden files skipped), yielding the error for unreadable ones."""
    for path in sorted(Path(folder).iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        try:
            yield path, read_resume(path, max_bytes)
        except ResumeError as error:
            yield path, error


def resume_id(data: bytes) -> str:
    """A stable id for a resume file: the start of the SHA-256 of its bytes.

    >>> resume_id(b"Jane Doe, data engineer")
    'a84ae18f169370dd'
    """
    return hashlib.sha256(data).hexdigest()[:ID_HEX_CHARS]


def detect_format(data: bytes, file_name: str) -> Format:
    """The format of a file's content, with the suffix only breaking ties; raise ResumeError if unsupported.

    >>> detect_format(b"%PDF-1.7 ...", "cv.txt"), detect_format(b"Jane Doe", "cv"), detect_format(b"Jane", "CV.MD")
    ('pdf', 'txt', 'txt')
    """
    suffix = Path(file_name).suffix.lower()
    if PDF_MAGIC in data[:PDF_MAGIC_WITHIN]:
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        if _zip_has_document(data):
            return "docx"
        if suffix != ".docx":
            raise ResumeError(file_name, f"unsupported format (a ZIP archive that is not a DOCX); {ACCEPTED}")
    for magic, kind, resavable in OTHER_FORMATS:
        if data.startswith(magic):
            raise ResumeError(file_name, f"unsupported format ({kind}); {ACCEPTED}{RESAVE if resavable else ''}")
    if suffix == ".pdf":
        raise ResumeError(file_name, "corrupt PDF (no %PDF- header)")
    if suffix == ".docx":
        raise ResumeError(file_name, f"corrupt DOCX (not a ZIP archive holding {DOCX_PART})")
    if suffix in TEXT_SUFFIXES:
        return "txt"
    raise ResumeError(file_name, f"unsupported format ({_printable(suffix)} file); {ACCEPTED}")


def decode_text(data: bytes, file_name: str) -> str:
    """Decode a text file: by its byte-order mark, else UTF-8, else cp1252 (latin-1 for its 5 unused bytes).

    >>> decode_text("Jos\\u00e9".encode("utf-16"), "cv.txt"), decode_text(b"Jos\\xe9 \\x96 CV", "cv.txt")
    ('José', 'José – CV')
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                label = encoding.removesuffix("-sig").upper()
                raise ResumeError(file_name, f"not valid {label} text despite its byte-order mark") from None
    if b"\x00" in data:
        raise ResumeError(file_name, f"binary content (NUL bytes), not plain text; {ACCEPTED}")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def clean_text(text: str) -> str:
    """Normalise extracted text: NFKC, re-joined hyphenation, "- " bullets, single spaces, at most one blank line.

    Line breaks are kept (they separate a resume's sections); spaces at the ends of lines, control
    and invisible format characters (soft hyphens, zero-width spaces) are dropped.

    >>> clean_text("Software develop-\\r\\nment\\n\\u2022\\tPython,  SQL\\u200b\\n\\n\\n\\n\\uff33\\ufb01le\\x07 ")
    'Software development\\n- Python, SQL\\n\\nSfile'
    >>> clean_text("Jean-\\nPierre\\n  -   ETL; -5% cost\\n\\uf0b7Airflow")
    'Jean-\\nPierre\\n- ETL; -5% cost\\n- Airflow'
    """
    text = LINE_BREAKS.sub("\n", unicodedata.normalize("NFKC", text))
    text = "".join(char for char in text if char in KEPT_CONTROLS or unicodedata.category(char) not in DROPPED)
    text = HYPHENATED.sub(_join_hyphenated, text).replace("\u00ad", "")
    lines = (SPACES.sub(" ", line).strip() for line in text.split("\n"))
    text = BULLET.sub("- ", "\n".join(lines))
    return BLANK_LINES.sub("\n\n", text).strip()


def _join_hyphenated(match: re.Match[str]) -> str:
    """Re-join a word split at a line break ("develop-\\nment"), not a compound ("Jean-\\nPierre")."""
    before, after = match[1], match[2]
    return before + after if before.isalpha() and after.islower() else match[0]


def _printable(name: str) -> str:
    """A file name fit for a one-line message: control characters become '?'."""
    return "".join("?" if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in name)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing missing, unreadable, empty and oversized files."""
    name = path.name
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = b"" if size > max_bytes else handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise ResumeError(name, "file not found") from None
    except IsADirectoryError:
        raise ResumeError(name, "not a file (a directory)") from None
    except OSError as error:
        raise ResumeError(name, f"cannot be read ({error.strerror or type(error).__name__})") from None
    size = max(size, len(data))
    if size > max_bytes:
        raise ResumeError(name, f"too large ({size:,} bytes; the limit is {max_bytes:,})")
    if not data:
        raise ResumeError(name, "empty file")
    return data


def _zip_has_document(data: bytes) -> bool:
    """Whether a ZIP archive holds a Word main document; a broken archive does not."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return DOCX_PART in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Hold the `pypdf` logger at ERROR: its warnings about broken files can quote the document's bytes.

    Counted, so overlapping reads in threads restore the level only when the last one ends.
    """
    global _pypdf_quiet_depth, _pypdf_saved_level
    with _pypdf_quiet_lock:
        if _pypdf_quiet_depth == 0:
            _pypdf_saved_level = _pypdf_log.level
            _pypdf_log.setLevel(logging.ERROR)
        _pypdf_quiet_depth += 1
    try:
        yield
    finally:
        with _pypdf_quiet_lock:
            _pypdf_quiet_depth -= 1
            if _pypdf_quiet_depth == 0:
                _pypdf_log.setLevel(_pypdf_saved_level)


def _pdf_text(data: bytes, name: str) -> tuple[str, int]:
    """The text of every page (blank line between pages) and the page count."""
    try:
        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                raise FileNotDecryptedError("needs a password")
            pages = [page.extract_text() or "" for page in reader.pages]
    except (FileNotDecryptedError, DependencyError):  # DependencyError: AES without the cryptography package
        reason = ENCRYPTED
    except Exception as error:  # a broken file can fail anywhere in the parser
        reason = f"corrupt PDF, cannot be parsed ({type(error).__name__})"
    else:
        if not pages:
            raise ResumeError(name, "corrupt PDF (no pages)")
        return "\n\n".join(pages), len(pages)
    raise ResumeError(name, reason)  # outside the handler: no library exception chained to it


def _docx_text(data: bytes, name: str) -> str:
    """The text of a DOCX body: paragraphs, table rows, content controls and text boxes in document order."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_UNZIPPED_BYTES:
            limit = MAX_UNZIPPED_BYTES
            raise ResumeError(name, f"too large when unzipped ({unzipped:,} bytes; the limit is {limit:,})")
        body = docx.Document(io.BytesIO(data)).element.body
        return "\n".join(_docx_blocks(body))
    except ResumeError:
        raise
    except Exception as error:  # a broken file can fail anywhere in the parser
        reason = f"corrupt DOCX, cannot be parsed ({type(error).__name__})"
    raise ResumeError(name, reason)  # outside the handler: no library exception chained to it


def _docx_blocks(container: etree._Element) -> Iterator[str]:
    """Lines of a body, cell or text box: a paragraph each, a table row each (cells joined by " | ")."""
    for child in container.iterchildren():
        if child.tag == W_P:
            yield "".join(Run(run, None).text for run in _own(child, W_R))
            for box in _own(child, W_TXBX):
                yield from _docx_blocks(box)
        elif child.tag == W_TBL:
            for row in child.iterchildren(W_TR):
                yield from _docx_row(row)
        elif child.tag == W_SDT:  # a content control, as Word's resume templates use
            for content in child.iterchildren(W_SDT_CONTENT):
                yield from _docx_blocks(content)


def _docx_row(row: etree._Element) -> Iterator[str]:
    """A table row: one " | "-joined line if every cell is one line, else each cell's lines (a layout table)."""
    cells = [[line for line in _docx_blocks(cell) if line.strip()] for cell in row.iterchildren(W_TC)]
    cells = [lines for lines in cells if lines]
    if all(len(lines) == 1 for lines in cells):
        yield CELL_SEPARATOR.join(lines[0] for lines in cells)
    else:
        for lines in cells:
            yield from lines


def _own(paragraph: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Elements `tag` inside a paragraph that belong to it: not to a nested text box, nor a duplicate Fallback."""
    for element in paragraph.iter(tag):
        if element is paragraph:
            continue
        for ancestor in element.iterancestors():
            if ancestor is paragraph:
                yield element
                break
            if ancestor.tag in (MC_FALLBACK, W_TXBX, W_P):
                break
