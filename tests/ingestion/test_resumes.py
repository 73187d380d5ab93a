"""Reading resumes: real PDF, DOCX and text files built in tmp_path, clean text, errors that never quote a resume."""

from __future__ import annotations

import doctest
import io
import logging
import pickle
import traceback
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from ingestion import resumes
from ingestion.resumes import MIN_TEXT_CHARS, Resume, ResumeError, clean_text, read_resume, read_resumes
from tests.ingestion import resume_files

SECRET = "Quixotrax9071"  # a word no message, log line or traceback may ever show
NAME_LINE = f"Jane {SECRET} - Senior Data Engineer"
PDF_PAGES = [
    [NAME_LINE, "Built batch and streaming pipelines for develop-", "ment teams.", "\u2022 Python (3.11), SQL"],
    ["Page two: Spark, Kafka and Delta Lake"],
]


def write(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` to `folder / name` and return the path."""
    path = folder / name
    path.write_bytes(data)
    return path


def read_error(path: Path, **kwargs: int) -> ResumeError:
    """The ResumeError reading `path` raises, checked to be one line, named for the file, and free of its text."""
    with pytest.raises(ResumeError) as caught:
        read_resume(path, **kwargs)
    error = caught.value
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"{path.name}: ")
    assert error.file_name == path.name
    assert SECRET not in message
    assert SECRET not in "".join(traceback.format_exception(error))  # nothing chained that quotes the file
    return error


@pytest.fixture
def quiet_check(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]):
    """Capture every log record (pypdf's included) and stdout/stderr; yield a check that none quotes the secret."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="pypdf")

    def check() -> None:
        out, err = capsys.readouterr()
        assert SECRET not in caplog.text and SECRET not in out and SECRET not in err
        assert all(SECRET not in record.getMessage() for record in caplog.records)

    return check


# --- PDF -----------------------------------------------------------------------------------------------------------


def test_text_pdf_gives_every_page_as_clean_text(tmp_path: Path) -> None:
    resume = read_resume(write(tmp_path, "jane.pdf", resume_files.text_pdf(PDF_PAGES)))

    assert (resume.format, resume.pages, resume.file_name) == ("pdf", 2, "jane.pdf")
    assert resume.text.splitlines()[0] == NAME_LINE
    assert "pipelines for development teams." in resume.text  # hyphenation across the line break re-joined
    assert "- Python (3.11), SQL" in resume.text  # the WinAnsi bullet became "- "
    assert "Page two: Spark, Kafka and Delta Lake" in resume.text


@pytest.mark.parametrize(
    "build",
    [
        resume_files.image_pdf,  # a scan: one image XObject, no text operators
        resume_files.blank_pdf,  # an empty page
    ],
)
def test_pdf_without_a_text_layer_is_refused_not_ocrd(tmp_path: Path, build: Callable[[], bytes]) -> None:
    error = read_error(write(tmp_path, "scan.pdf", build()))

    assert str(error) == "scan.pdf: no text layer (a scanned image?); joblake reads text, it does not run OCR"


def test_pdf_with_a_user_password_is_refused(tmp_path: Path, quiet_check) -> None:
    locked = resume_files.encrypted_pdf(resume_files.text_pdf(PDF_PAGES), user_password="hunter2")

    error = read_error(write(tmp_path, "locked.pdf", locked))

    assert "encrypted" in error.reason
    quiet_check()


def test_pdf_encrypted_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    restricted = resume_files.encrypted_pdf(resume_files.text_pdf(PDF_PAGES), user_password="")

    resume = read_resume(write(tmp_path, "restricted.pdf", restricted))

    assert SECRET in resume.text and resume.pages == 2


@pytest.mark.parametrize(
    "cut",
    [
        slice(0, 300),  # cut inside the first objects: no xref, no trailer
        slice(0, -80),  # the xref table and trailer lost
        slice(0, 9),  # only the header left
    ],
)
def test_truncated_pdf_is_corrupt_and_nothing_is_logged(tmp_path: Path, quiet_check, cut: slice) -> None:
    pdf = resume_files.text_pdf(PDF_PAGES)

    error = read_error(write(tmp_path, "broken.pdf", pdf[cut]))

    assert error.reason.startswith("corrupt PDF")
    assert error.__context__ is None and error.__cause__ is None  # the parser's exception is not chained
    quiet_check()


def test_pypdf_warnings_quoting_a_damaged_pdf_are_kept_out_of_the_logs(tmp_path: Path, quiet_check, caplog) -> None:
    damaged = resume_files.text_pdf(PDF_PAGES, stray_key=NAME_LINE)
    PdfReader(io.BytesIO(damaged)).pages[0].extract_text()
    assert SECRET in caplog.text  # the premise: pypdf on its own logs the damaged bytes
    caplog.clear()

    resume = read_resume(write(tmp_path, "damaged.pdf", damaged))

    assert SECRET in resume.text and resume.pages == 2  # pypdf reads past the damage
    quiet_check()


def test_pdf_suffix_without_pdf_content_is_corrupt(tmp_path: Path) -> None:
    error = read_error(write(tmp_path, "cv.pdf", f"{NAME_LINE}\nnot really a PDF\n".encode()))

    assert str(error) == "cv.pdf: corrupt PDF (no %PDF- header)"


def test_pdf_content_wins_over_a_text_suffix(tmp_path: Path) -> None:
    resume = read_resume(write(tmp_path, "cv.txt", resume_files.text_pdf(PDF_PAGES)))

    assert resume.format == "pdf"


def test_pypdf_logger_level_is_restored(tmp_path: Path) -> None:
    pypdf_log = logging.getLogger("pypdf")
    original = pypdf_log.level
    pypdf_log.setLevel(logging.INFO)
    try:
        read_error(write(tmp_path, "broken.pdf", resume_files.text_pdf(PDF_PAGES)[:300]))
        assert pypdf_log.level == logging.INFO
    finally:
        pypdf_log.setLevel(original)


# --- DOCX ----------------------------------------------------------------------------------------------------------


def jane_docx(**extras: str) -> bytes:
    """Jane's resume as a DOCX with a heading, paragraphs and a skills table."""
    return resume_files.docx_file(
        [f"Jane {SECRET}", "Senior data engineer, 8 years.", "\u25aa Streaming with Kafka"],
        [["Skill", "Years"], ["Python", "8"], ["Spark", "5"]],
        **extras,
    )


def test_docx_gives_paragraphs_and_table_rows_in_order(tmp_path: Path) -> None:
    resume = read_resume(write(tmp_path, "jane.docx", jane_docx(closing="References on request")))

    assert (resume.format, resume.pages) == ("docx", 1)
    assert resume.text.splitlines() == [
        f"Jane {SECRET}",
        "Senior data engineer, 8 years.",
        "- Streaming with Kafka",
        "Skill | Years",
        "Python | 8",
        "Spark | 5",
        "References on request",
    ]


def test_docx_text_boxes_and_content_controls_are_read_once(tmp_path: Path) -> None:
    data = jane_docx(text_box="Open to remote roles", content_control="Airflow and dbt", closing="The end")

    text = read_resume(write(tmp_path, "template.docx", data)).text

    assert text.count("Open to remote roles") == 1  # the mc:Fallback copy of the text box is skipped
    assert text.index("Spark | 5") < text.index("Open to remote roles") < text.index("Airflow and dbt")
    assert text.endswith("The end")


def test_docx_with_broken_xml_is_corrupt_and_quotes_nothing(tmp_path: Path, quiet_check) -> None:
    broken = f'<w:document xmlns:w="{resume_files.W_NS}"><w:body><w:p><w:t>Jane</{SECRET}></w:p></w:body></w:document>'
    data = resume_files.replace_part(jane_docx(), "word/document.xml", broken.encode())
    with pytest.raises(etree.XMLSyntaxError, match=SECRET):  # the premise: lxml's message quotes the document
        docx.Document(io.BytesIO(data))

    error = read_error(write(tmp_path, "broken.docx", data))

    assert error.reason == "corrupt DOCX, cannot be parsed (XMLSyntaxError)"
    assert error.__context__ is None
    quiet_check()


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    error = read_error(write(tmp_path, "cut.docx", jane_docx()[:2000]))

    assert error.reason.startswith("corrupt DOCX")


def test_docx_content_wins_over_a_wrong_suffix(tmp_path: Path) -> None:
    assert read_resume(write(tmp_path, "jane.pdf", jane_docx())).format == "docx"


# --- other formats -------------------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + SECRET.encode()
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + SECRET.encode()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("resume.doc", PNG, "PNG image"),  # a screenshot renamed to .doc
        ("resume.doc", OLE2, "legacy Word .doc or other old Office file"),  # a pre-2007 Word header (OLE2)
        ("resume.rtf", rb"{\rtf1\ansi " + SECRET.encode() + b"}", "RTF"),
        ("resume.zip", resume_files.zip_file({"cv.txt": SECRET.encode()}), "a ZIP archive that is not a DOCX"),
        ("resume.odt", f"{NAME_LINE} in an unknown format".encode(), ".odt file"),  # text content, foreign suffix
    ],
)
def test_unsupported_formats_are_named(tmp_path: Path, name: str, data: bytes, kind: str) -> None:
    error = read_error(write(tmp_path, name, data))

    assert error.reason.startswith(f"unsupported format ({kind}); joblake reads PDF, DOCX and plain text")


def test_legacy_word_file_gets_advice(tmp_path: Path) -> None:
    error = read_error(write(tmp_path, "cv.doc", OLE2))

    assert str(error) == (
        "cv.doc: unsupported format (legacy Word .doc or other old Office file); "
        "joblake reads PDF, DOCX and plain text, so save it as DOCX or PDF"
    )


# --- plain text ----------------------------------------------------------------------------------------------------

TEXT = f"José {SECRET} – Data Engineer\r\nMünchen\r\n\r\nSkills:\tPython,  SQL"
CLEAN_TEXT = f"José {SECRET} – Data Engineer\nMünchen\n\nSkills: Python, SQL"


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("cv.txt", "utf-8"),
        ("cv.txt", "utf-8-sig"),  # Notepad's "UTF-8 with BOM"
        ("cv.txt", "utf-16"),  # with its BOM, as Windows writes it
        ("cv.txt", "cp1252"),  # a legacy Windows file: not UTF-8, decoded as cp1252
        ("cv.md", "utf-8"),
        ("CV", "utf-8"),  # no suffix
    ],
)
def test_text_files_in_common_encodings(tmp_path: Path, name: str, encoding: str) -> None:
    resume = read_resume(write(tmp_path, name, TEXT.encode(encoding)))

    assert (resume.text, resume.format, resume.pages) == (CLEAN_TEXT, "txt", 1)


def test_text_with_nul_bytes_is_binary(tmp_path: Path) -> None:
    error = read_error(write(tmp_path, "cv.txt", f"{NAME_LINE}\x00\x01\x02".encode()))

    assert error.reason.startswith("binary content (NUL bytes)")


def test_utf16_bom_with_broken_content_is_refused(tmp_path: Path) -> None:
    error = read_error(write(tmp_path, "cv.txt", b"\xff\xfe" + NAME_LINE.encode("utf-16-le")[:-1]))

    assert error.reason == "not valid UTF-16 text despite its byte-order mark"


def test_text_too_short_to_be_a_resume(tmp_path: Path) -> None:
    error = read_error(write(tmp_path, "cv.txt", b"  Jane\n\n\t  Doe \n"))

    assert str(error) == f"cv.txt: no text (9 characters after cleaning, at least {MIN_TEXT_CHARS} needed)"


# --- files -------------------------------------------------------------------------------------------------------


def test_missing_empty_too_large_and_directory(tmp_path: Path) -> None:
    assert read_error(tmp_path / "gone.pdf").reason == "file not found"
    assert read_error(write(tmp_path, "empty.txt", b"")).reason == "empty file"
    too_large = read_error(write(tmp_path, "big.txt", NAME_LINE.encode() * 10), max_bytes=100)
    assert too_large.reason == f"too large ({len(NAME_LINE) * 10} bytes; the limit is 100)"
    (tmp_path / "folder.txt").mkdir()
    assert read_error(tmp_path / "folder.txt").reason == "not a file (a directory)"


def test_file_name_with_a_line_break_still_gives_one_line(tmp_path: Path) -> None:
    error = ResumeError("evil\nname.pdf", "empty file")

    assert str(error) == "evil?name.pdf: empty file" and error.file_name == "evil\nname.pdf"


def test_resume_error_survives_pickling_for_worker_processes() -> None:
    error = pickle.loads(pickle.dumps(ResumeError("cv.pdf", "empty file")))

    assert (str(error), error.file_name, error.reason) == ("cv.pdf: empty file", "cv.pdf", "empty file")


# --- the Resume ----------------------------------------------------------------------------------------------------


def test_resume_id_is_stable_per_content_and_repr_hides_the_text(tmp_path: Path) -> None:
    pdf = resume_files.text_pdf(PDF_PAGES)
    first = read_resume(write(tmp_path, "a.pdf", pdf))
    same_bytes = read_resume(write(tmp_path, "renamed.pdf", pdf))
    other = read_resume(write(tmp_path, "b.pdf", resume_files.text_pdf(PDF_PAGES[:1])))

    assert first.resume_id == same_bytes.resume_id == read_resume(tmp_path / "a.pdf").resume_id
    assert other.resume_id != first.resume_id
    assert len(first.resume_id) == 16 and int(first.resume_id, 16) >= 0
    assert SECRET in first.text and SECRET not in repr(first) and SECRET not in str(first)
    assert "text" not in repr(first) and "resume_id=" in repr(first)


def test_resume_is_immutable() -> None:
    resume = Resume(resume_id="0" * 16, file_name="cv.txt", format="txt", text="x" * 20)

    with pytest.raises(AttributeError):
        resume.text = "changed"  # type: ignore[misc]


# --- batches -------------------------------------------------------------------------------------------------------


def test_read_resumes_yields_errors_instead_of_raising(tmp_path: Path, quiet_check) -> None:
    write(tmp_path, "b_good.txt", TEXT.encode())
    write(tmp_path, "a_bad.pdf", resume_files.text_pdf(PDF_PAGES)[:300])
    write(tmp_path, ".DS_Store", b"\x00\x00\x00\x01Bud1")  # hidden: skipped
    (tmp_path / "c_subfolder").mkdir()  # not recursed into
    write(tmp_path / "c_subfolder", "nested.txt", TEXT.encode())

    results = list(read_resumes(tmp_path))

    assert [path.name for path, _ in results] == ["a_bad.pdf", "b_good.txt"]
    (_, bad), (_, good) = results
    assert isinstance(bad, ResumeError) and bad.reason.startswith("corrupt PDF")
    assert isinstance(good, Resume) and good.text == CLEAN_TEXT
    quiet_check()


# --- clean_text ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("develop-\nment", "development"),  # a word hyphenated across a line break
        ("develop\u00ad\nment and co\u00adoperation", "development and cooperation"),  # soft hyphens
        ("Jean-\nPierre", "Jean-\nPierre"),  # a capitalised compound stays split
        ("ETL -\nand more", "ETL -\nand more"),  # a dash, not a hyphenated word
        ("\u2022 Python\n\u25aa SQL\n\u25cf dbt\n\u2013 Kafka\n* Spark", "- Python\n- SQL\n- dbt\n- Kafka\n- Spark"),
        ("\uf0b7Airflow\n  -    Docker", "- Airflow\n- Docker"),  # Symbol-font bullet from Word, indented dash
        ("-5% cost\n*args", "-5% cost\n*args"),  # a dash or star without a space is no bullet
        ("a\t\t b\u00a0\u2003c  ", "a b c"),  # tabs and Unicode spaces collapse, line ends trimmed
        ("one\n\n\n\n\ntwo\n\nthree", "one\n\ntwo\n\nthree"),  # blank-line runs collapse to one
        ("one\r\ntwo\rthree\u2028four\x0cfive", "one\ntwo\nthree\nfour\nfive"),  # every line break is \n
        ("\ufb01le \uff33park \u2460", "file Spark 1"),  # NFKC: ligatures, full-width, circled digits
        ("bell\x07 zero\u200bwidth \ufeffbom", "bell zerowidth bom"),  # control and format characters dropped
        ("\n\n  \n", ""),  # only whitespace: nothing
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_doctests() -> None:
    assert doctest.testmod(resumes).failed == 0
