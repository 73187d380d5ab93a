"""Derive `streaming/data/job_families.csv` from O*NET job titles: `python -m spark_jobs.derive_title_taxonomy`.

Reads O*NET 29.2 Occupation Data, Alternate Titles and Sample of Reported Titles (CC BY 4.0,
USDOL/ETA) from the shared data folder and writes a compact phrase -> SOC major group mapping.
Every title is normalised (lower case, bracketed parts split off as titles of their own,
punctuation and seniority words dropped); its last one to three words are candidate phrases.
A phrase is kept when at least `MIN_SUPPORT` distinct titles end with it and one SOC major
group holds at least `MIN_SHARE` of them and `MIN_LEAD` times the runner-up's count. Its
occupation is the most frequent O*NET occupation, else SOC detailed occupation, holding at
least `MIN_OCCUPATION_SHARE` of the titles, else empty. A longer phrase is dropped when the
phrase one word shorter already gives the same group and occupation (same lookup answer).
Plain Python (csv), no Spark: it runs once by hand, and its output is committed.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingestion.data_paths import shared_data_path
from streaming.title_taxonomy import MAX_PHRASE_WORDS, SOC_MAJOR_GROUPS, title_words

MIN_SUPPORT = 3
MIN_SHARE = 0.35
MIN_LEAD = 1.5  # times the runner-up group's count
MIN_OCCUPATION_SHARE = 0.5

OUTPUT = Path(__file__).resolve().parents[1] / "streaming" / "data" / "job_families.csv"
COLUMNS = ["phrase", "soc_major", "job_family", "occupation_code", "occupation_title", "support"]

_BRACKET = re.compile(r"\(([^()]*)\)")


def title_variants(title: str) -> Iterator[list[str]]:
    """The title without its bracketed parts, then each bracketed part (O*NET spells acronyms out there)."""
    for text in [_BRACKET.sub(" ", title), *_BRACKET.findall(title)]:
        words = title_words(text)
        if words:
            yield words


def read_titles(onet_dir: Path) -> Iterator[tuple[str, str]]:
    """(title, O*NET-SOC code) pairs from the alternate, short and reported titles."""
    with open(onet_dir / "onet29.2_Alternate_Titles.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            yield row["Alternate Title"], row["O*NET-SOC Code"]
            if row["Short Title"]:
                yield row["Short Title"], row["O*NET-SOC Code"]
    with open(onet_dir / "onet29.2_Sample_of_Reported_Titles.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            yield row["Reported Job Title"], row["O*NET-SOC Code"]


def read_occupations(onet_dir: Path) -> dict[str, str]:
    """O*NET-SOC code -> occupation title."""
    with open(onet_dir / "onet29.2_Occupation_Data.csv", newline="", encoding="utf-8") as f:
        return {row["O*NET-SOC Code"]: row["Title"] for row in csv.DictReader(f)}


def _occupation(codes: Counter[str], major: str, support: int, occupations: dict[str, str]) -> str:
    """The phrase's O*NET occupation, else its SOC detailed occupation ("29-1141.00" for all the
    registered nurse specialties), or "" when neither holds `MIN_OCCUPATION_SHARE` ("manager")."""
    code, count = max(codes.items(), key=lambda item: (item[1], item[0]))
    if code[:2] == major and count / support >= MIN_OCCUPATION_SHARE:
        return code  # "barista" -> 35-3023.01 Baristas
    detailed: Counter[str] = Counter()
    for code, count in codes.items():
        if code[:2] == major:
            detailed[code[:7]] += count
    top, count = max(detailed.items(), key=lambda item: (item[1], item[0]))
    if count / support < MIN_OCCUPATION_SHARE:
        return ""
    if f"{top}.00" in occupations:
        return f"{top}.00"
    return max((c for c in codes if c.startswith(top)), key=lambda c: (codes[c], c))


def derive_mapping(titles: Iterable[tuple[str, str]], occupations: dict[str, str]) -> list[dict[str, str | int]]:
    """Rows of the mapping (see the module docstring), sorted by phrase."""
    distinct = {(" ".join(words), code) for title, code in titles for words in title_variants(title)}
    codes_by_phrase: dict[str, Counter[str]] = defaultdict(Counter)
    for text, code in distinct:
        words = text.split()
        for n in range(1, min(MAX_PHRASE_WORDS, len(words)) + 1):
            codes_by_phrase[" ".join(words[-n:])][code] += 1

    kept: dict[str, dict[str, str | int]] = {}
    for phrase in sorted(codes_by_phrase, key=lambda p: (len(p.split()), p)):  # shorter phrases first
        codes = codes_by_phrase[phrase]
        support = sum(codes.values())
        majors = Counter()
        for code, count in codes.items():
            majors[code[:2]] += count
        (major, major_count), *rest = sorted(majors.items(), key=lambda item: (-item[1], item[0]))
        runner_up = rest[0][1] if rest else 0
        is_dominant = major_count / support >= MIN_SHARE and major_count >= MIN_LEAD * runner_up
        if support < MIN_SUPPORT or not is_dominant or major not in SOC_MAJOR_GROUPS:
            continue
        code = _occupation(codes, major, support, occupations)
        row = {
            "phrase": phrase,
            "soc_major": major,
            "job_family": SOC_MAJOR_GROUPS[major],
            "occupation_code": code,
            "occupation_title": occupations.get(code, ""),
            "support": support,
        }
        shorter = kept.get(phrase.split(" ", 1)[1]) if " " in phrase else None
        if shorter and (shorter["soc_major"], shorter["occupation_code"]) == (major, code):
            continue  # the one-word-shorter suffix already answers the same
        kept[phrase] = row
    return [kept[phrase] for phrase in sorted(kept)]


def write_mapping(rows: list[dict[str, str | int]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    onet_dir = shared_data_path("taxonomies", "onet")
    if not onet_dir.is_dir():
        raise SystemExit(f"O*NET files not found in {onet_dir} (set JOBLAKE_SHARED_DATA)")
    rows = derive_mapping(read_titles(onet_dir), read_occupations(onet_dir))
    write_mapping(rows, OUTPUT)
    print(f"wrote {len(rows)} phrases to {OUTPUT} ({OUTPUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
