"""`joblake report`: the HTML dashboard over the gold lake, rendered in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from spark_jobs.report import PALETTE, write_report
from tests.conftest import REPO, gold_settings

pytestmark = pytest.mark.spark

RESULTS = REPO / "test_results"  # gitignored: the screenshot is kept for people to look at
SECTIONS = ("trends", "growth", "hiring", "locations", "quality", "health")
CHARTS = 7  # one per section, two for hiring (industry and job family)


@pytest.fixture(scope="module")
def report(spark, settings, gold_lake) -> Path:
    """The report of the gold lake, written under test_results/."""
    return write_report(spark, gold_settings(settings, gold_lake), RESULTS / "report.html")


def chart_svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


def test_report_has_every_section_with_a_chart_and_its_figures(report):
    page = report.read_text(encoding="utf-8")
    assert report.is_absolute() and report == (RESULTS / "report.html").resolve()
    for key in SECTIONS:
        assert f'<section id="{key}"' in page
    assert "No data yet" not in page
    svgs = chart_svgs(page)
    assert len(svgs) == CHARTS
    for svg in svgs:
        # plotted marks: bars are filled patches, lines are Line2D paths, both drawn in a palette colour
        marks = re.findall(
            r'<g id="(?:patch|line2d)_\d+">\s*<path [^>]*?style="[^"]*(?:fill|stroke): (#[0-9a-f]{6})', svg
        )
        assert any(colour in PALETTE or colour in ("#b45309", "#64748b", "#ca8a04") for colour in marks), svg[:300]
    assert page.count("<table>") >= CHARTS
    assert "Generated " in page and "data as of the night of 20" in page


def test_report_is_self_contained(report):
    page = report.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", page)
    assert not re.search(r"url\((?:https?:)?//", page)  # the SVGs' clip paths are url(#id): in the page


def test_report_over_an_empty_lake_shows_no_data_panels(spark, settings, tmp_path):
    empty = settings.with_overrides({"lake.root": str(tmp_path / "lake"), "lake.raw_root": str(tmp_path / "raw")})
    page = write_report(spark, empty, tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert page.count('class="no-data"') == len(SECTIONS)
    assert "<svg" not in page
    assert "run `joblake nightly` first" in page and "`joblake stream`" in page
    assert "no nightly run yet" in page


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (`make chromium` installs it)")
def test_report_screenshot_shows_the_charts(report, tmp_path):
    screenshot = RESULTS / "report.png"
    screenshot.unlink(missing_ok=True)
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={screenshot}",
            "--window-size=1280,4000",
            report.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    from PIL import Image

    pixels = np.asarray(Image.open(screenshot).convert("RGB")).astype(int)
    assert pixels.shape == (4000, 1280, 3)
    below_header = pixels[200:]
    is_paper = np.zeros(below_header.shape[:2], dtype=bool)
    for paper in ((0xF8, 0xFA, 0xFC), (0xFF, 0xFF, 0xFF)):  # the page and the cards
        is_paper |= np.abs(below_header - np.array(paper)).sum(axis=2) <= 30
    assert (~is_paper).mean() > 0.05  # text, bars and lines: an empty report's cards stay under 2%

    def drawn(colour: str) -> int:
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        return int((np.abs(pixels - rgb).sum(axis=2) < 24).sum())

    # the bars of the industry, job family, locations and quality charts, each in its own colour
    for colour in (PALETTE[0], PALETTE[4], PALETTE[5], PALETTE[3]):
        assert drawn(colour) > 2000, f"too few {colour} pixels: is its chart drawn?"


def test_the_cli_writes_the_report_where_asked(gold_lake, monkeypatch, capsys, tmp_path):
    from lakehouse import cli
    from lakehouse.config import load_settings

    for key, value in gold_lake.items():
        monkeypatch.setenv(key, value)
    load_settings.cache_clear()
    try:
        assert cli.main(["report", "--out", str(tmp_path / "r" / "market.html")]) == 0
    finally:
        load_settings.cache_clear()
    written = tmp_path / "r" / "market.html"
    assert capsys.readouterr().out.strip() == f"report: written to {written}"
    assert len(chart_svgs(written.read_text(encoding="utf-8"))) == CHARTS
