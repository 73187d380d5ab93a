"""`joblake match` end to end: a lake built by the nightly job, a champion in a real MLflow registry, resume files.

The champion here is trained on made-up labels (tests/models/labelled.py): this test is about the
mechanism (files in, ranked matches with skills out, one-line errors), not the ranking's quality,
which `make eval` measures on real data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from lakehouse import cli
from lakehouse.config import load_settings
from tests.ingestion.resume_files import docx_file, image_pdf, text_pdf

pytestmark = pytest.mark.spark

SECRET = "Zanzibarquux"  # a word only the resume has: it must not reach any output
RESUME_LINES = [
    f"Alex {SECRET}",
    "Senior Data Engineer",
    "Skills: Python, SQL, Apache Spark, Apache Kafka, Airflow and AWS.",
    "Eight years building data pipelines and streaming platforms.",
]


@pytest.fixture(scope="module")
def match_env(gold_lake):
    """JOBLAKE__ overrides for the session's gold lake (tests/conftest.py) with its registered champion."""
    return gold_lake


def _run(match_env, monkeypatch, *args: str) -> int:
    for key, value in match_env.items():
        monkeypatch.setenv(key, value)
    load_settings.cache_clear()
    try:
        return cli.main(["match", *args])
    finally:
        load_settings.cache_clear()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("resume.txt", lambda: "\n".join(RESUME_LINES).encode()),
        ("resume.pdf", lambda: text_pdf([RESUME_LINES])),
        ("resume.docx", lambda: docx_file(RESUME_LINES, [["Python", "8 years"], ["Apache Spark", "5 years"]])),
    ],
)
def test_match_ranks_postings_for_a_resume_in_each_format(match_env, monkeypatch, capsys, tmp_path, name, content):
    resume = tmp_path / name
    resume.write_bytes(content())
    out_json = tmp_path / "matches.json"
    code = _run(match_env, monkeypatch, "--resume", str(resume), "--top", "5", "--json", str(out_json))
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert SECRET not in printed.out + printed.err
    lines = printed.out.splitlines()
    assert "5 matches (model version 1)" in lines[0]
    rows = [line for line in lines if line[:3].strip().isdigit()]
    assert [int(line[:3]) for line in rows] == [1, 2, 3, 4, 5]
    report = json.loads(out_json.read_text())
    assert len(report["matches"]) == 5 and SECRET not in out_json.read_text()
    percentages = [m["match_pct"] for m in report["matches"]]
    assert all(0 <= p <= 100 for p in percentages)
    assert any(m["matched_skills"] for m in report["matches"])  # the generator's postings ask for Python, SQL...
    assert all(set(m["matched_skills"]).isdisjoint(m["missing_skills"]) for m in report["matches"])


def test_remote_and_word_scores_shape_the_list(match_env, monkeypatch, capsys, tmp_path):
    resume = tmp_path / "resume.txt"
    resume.write_text("\n".join(RESUME_LINES))
    out_json = tmp_path / "remote.json"
    code = _run(match_env, monkeypatch, "--resume", str(resume), "--remote", "--json", str(out_json))
    assert code == 0, capsys.readouterr().err
    matches = json.loads(out_json.read_text())["matches"]
    assert matches and all(m["workplace_type"] == "remote" for m in matches)
    capsys.readouterr()
    code = _run(
        match_env, monkeypatch, "--resume", str(resume), "--word-score", "senior=3", "--json", str(out_json),
        "--cover-letter", "1",
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    boosted = json.loads(out_json.read_text())["matches"]
    assert any(m["word_score"] == 3 for m in boosted)
    letter = printed.split("cover letter draft for match #1:", 1)[1]
    assert "Dear hiring team at" in letter and boosted[0]["title"] in letter
    assert SECRET not in letter


def test_query_and_location_narrow_the_postings(spark, match_env, monkeypatch, capsys, tmp_path):
    resume = tmp_path / "resume.txt"
    resume.write_text("\n".join(RESUME_LINES))
    out_json = tmp_path / "narrow.json"
    code = _run(match_env, monkeypatch, "--resume", str(resume), "--query", "Engineer", "--json", str(out_json))
    assert code == 0, capsys.readouterr().err
    titled = json.loads(out_json.read_text())["matches"]
    silver_df = spark.read.format("delta").load(str(Path(match_env["JOBLAKE__LAKE__ROOT"]) / "silver" / "job_postings"))
    texts = {
        r["posting_key"]: f"{r['title']} {r['description']}".lower()
        for r in silver_df.where(F.col("posting_key").isin([m["posting_key"] for m in titled])).collect()
    }
    assert titled and all(re.search(r"\bengineer\b", texts[m["posting_key"]]) for m in titled)
    place = next(m["city"] for m in titled if m["city"])
    code = _run(match_env, monkeypatch, "--resume", str(resume), "--location", place.upper(), "--json", str(out_json))
    assert code == 0, capsys.readouterr().err
    placed = json.loads(out_json.read_text())["matches"]
    assert placed and all(m["city"] == place for m in placed)


def test_an_image_only_pdf_is_one_line_and_no_traceback(match_env, monkeypatch, capsys, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(image_pdf())
    code = _run(match_env, monkeypatch, "--resume", str(scan))
    printed = capsys.readouterr()
    assert code == 2
    assert (
        printed.err.strip()
        == "joblake match: scan.pdf: no text layer (a scanned image?); joblake reads text, it does not run OCR"
    )


def test_a_folder_of_resumes_fills_resume_matches_and_forget_removes_one(
    spark, match_env, monkeypatch, capsys, tmp_path
):
    folder = tmp_path / "resumes"
    folder.mkdir()
    (folder / "a.txt").write_text("\n".join(RESUME_LINES))
    (folder / "b.pdf").write_bytes(text_pdf([["Registered Nurse", "Ten years on acute medical wards."]]))
    (folder / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    env = match_env | {"JOBLAKE__PRIVACY__RETENTION_HOURS": "0"}
    for _ in range(2):  # a rerun replaces the resumes' rows, it does not add to them
        code = _run(env, monkeypatch, "--resume", str(folder), "--top", "7")
        printed = capsys.readouterr()
        assert code == 0, printed.err
        assert (
            printed.err.strip()
            == "skipped c.png: unsupported format (PNG image); joblake reads PDF, DOCX and plain text"
        )
        assert "gold.resume_matches: 14 rows for 2 resumes (model version 1)" in printed.out
    lake = Path(match_env["JOBLAKE__LAKE__ROOT"])
    matches_df = spark.read.format("delta").load(str(lake / "gold" / "resume_matches"))
    per_resume = {
        r["resume_id"]: r["n"] for r in matches_df.groupBy("resume_id").agg(F.count("*").alias("n")).collect()
    }
    assert sorted(per_resume.values()) == [7, 7]
    assert {r["model_version"] for r in matches_df.select("model_version").collect()} == {"1"}
    assert SECRET not in printed.out + printed.err

    forgotten = sorted(per_resume)[0]
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    load_settings.cache_clear()
    try:
        code = cli.main(["forget", forgotten])
    finally:
        load_settings.cache_clear()
    assert code == 0
    assert f"forget {forgotten}: 7 rows deleted" in capsys.readouterr().out
    after_df = spark.read.format("delta").load(str(lake / "gold" / "resume_matches"))
    assert after_df.where(F.col("resume_id") == forgotten).count() == 0 and after_df.count() == 7
    earliest = spark.read.format("delta").option("versionAsOf", 0).load(str(lake / "gold" / "resume_matches"))
    with pytest.raises(Exception, match="(?i)not found|does not exist|FileNotFound|FILE_NOT_FOUND|vacuum"):
        earliest.where(F.col("resume_id") == forgotten).count()  # VACUUM removed the files that held its rows
