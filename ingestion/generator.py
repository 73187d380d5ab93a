"""Seeded generator of realistic, messy job postings, with duplicates, reposts and malformed records.

The same count, seed and `now` always give the same records, so tests and demos are reproducible.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from ingestion.avro_codec import encode_posting, schema_json
from ingestion.generator_vocab import (
    BENEFITS,
    BLURBS,
    CLOSINGS,
    COMPANIES,
    CURRENCY,
    EMPLOYMENT_TYPES,
    FAMILIES,
    FX_FROM_USD,
    GERMAN_SPEAKING,
    HEALTH_INDUSTRY,
    INTERNSHIP_TYPES,
    LEGAL_VARIANTS,
    LEVELS,
    LOCATIONS,
    OTHER_INDUSTRIES,
    REMOTE_LOCATIONS,
    SALARY_FORMATS,
    UNSTRUCTURED_SALARY,
    Family,
)
from ingestion.keys import posting_key
from ingestion.records import SourceRecord, record_from_posting

SOURCE = "generator"
DEFAULT_NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
COPY_SHARE = 0.03  # exact duplicates plus reposts, half each
MALFORMED_SHARE = 0.002
MIN_MALFORMED = 3  # from count 100 on: at least one of each malformed kind
IDS_PER_SEED = 1_000_000  # job number = seed * IDS_PER_SEED + n: runs with different seeds never collide
SALARY_FIELDS = ("salary_text", "salary_min", "salary_max", "salary_currency", "salary_period")
CONTRACT_TYPES = {"Contract", "CONTRACTOR", "Temporary", "Temp"}
HEALTH_EMPLOYERS = tuple(c for c in COMPANIES if c[3] == HEALTH_INDUSTRY)
OTHER_EMPLOYERS = tuple(c for c in COMPANIES if c[3] != HEALTH_INDUSTRY)
HOURLY_LEVELS = {"intern", "junior", "mid", "senior"}  # levels where shift and part-time work pay hourly


def generate_postings(count: int, seed: int = 7, now: datetime | None = None) -> list[dict[str, Any]]:
    """`count` distinct valid posting dicts (no copies, no malformed ones); same arguments, same output."""
    now = _check_now(now)
    rng = random.Random(seed)
    return [_posting(rng, now, _job_number(seed, n)) for n in range(count)]


def generate_records(count: int, seed: int = 7, now: datetime | None = None) -> list[SourceRecord]:
    """Exactly `count` shuffled records: valid postings, ~3% duplicates and reposts, ~0.2% malformed."""
    now = _check_now(now)
    n_malformed = max(MIN_MALFORMED, round(count * MALFORMED_SHARE)) if count >= 100 else 0
    n_copies = round(count * COPY_SHARE)
    n_duplicates = n_copies // 2
    postings = generate_postings(count - n_malformed - n_copies, seed, now)
    rng = random.Random(f"records-{seed}")
    numbers = (_job_number(seed, n) for n in itertools.count(len(postings)))
    records = [record_from_posting(posting) for posting in postings]
    records += rng.sample(records, n_duplicates)
    records += [
        record_from_posting(_repost(rng, original, next(numbers), now))
        for original in rng.sample(postings, n_copies - n_duplicates)
    ]
    records += [_malformed(rng, i, _posting(rng, now, next(numbers))) for i in range(n_malformed)]
    rng.shuffle(records)
    return _spread_duplicates(records)


@cache
def wrong_type_schema() -> str:
    """posting.v1 with posted_time as a string: the schema a buggy producer writes malformed kind (c) with."""
    schema = json.loads(schema_json("posting.v1.avsc"))
    for schema_field in schema["fields"]:
        if schema_field["name"] == "posted_time":
            schema_field["type"] = ["null", "string"]
    return json.dumps(schema)


def _check_now(now: datetime | None) -> datetime:
    if now is None:
        return DEFAULT_NOW
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    # Avro keeps milliseconds; truncating here lets posting dicts round-trip exactly.
    return now.astimezone(UTC).replace(microsecond=now.microsecond // 1000 * 1000)


def _job_number(seed: int, n: int) -> int:
    return seed * IDS_PER_SEED + n + 1


def _posting(rng: random.Random, now: datetime, number: int) -> dict[str, Any]:
    family_name = rng.choices(list(FAMILIES), weights=[f.weight for f in FAMILIES.values()])[0]
    family = FAMILIES[family_name]
    role, keyword = rng.choice(family.roles)
    level = rng.choices(list(LEVELS), weights=[spec[0] for spec in LEVELS.values()])[0]
    is_health = family_name == "healthcare"
    # Hospitals hire the nurses; they also hire a share of everyone else.
    employers = HEALTH_EMPLOYERS if is_health else OTHER_EMPLOYERS if rng.random() < 0.9 else COMPANIES
    name, legal, region, industry = rng.choice(employers)
    company = _company_name(rng, name, legal)
    location, place_region, workplace = _location(rng, region, is_health)
    title = _title(rng, family, role, level, location)
    posted = now - timedelta(seconds=rng.randint(2 * 3600, 30 * 86400))
    expire_days = rng.choice((None, 30, 60))
    job_id = f"{number:07d}"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    job_url = rng.choice(
        (
            f"https://jobs.example.com/view/{job_id}",
            f"https://careers.{slug}.example.com/jobs/{job_id}",
            f"https://www.example.org/jobs/{slug}-{job_id}",
        )
    )
    employment = _employment_type(rng, level)
    other_industries = [i for i in OTHER_INDUSTRIES if i != industry]
    extra_industries = [rng.choice(other_industries)] if rng.random() < 0.2 else []
    functions = rng.sample(family.functions, min(len(family.functions), rng.randint(1, 2)))
    is_shift_work = is_health or family_name == "support"
    return {
        "source": SOURCE,
        "source_job_id": f"gen-{job_id}",
        "job_id": job_id,
        "title": title,
        "company": company,
        "location": location,
        "employment_type": employment,
        "seniority_level": None if rng.random() < 0.12 else rng.choice(LEVELS[level][2]),
        "industries": [] if rng.random() < 0.08 else [industry, *extra_industries],
        "job_functions": [] if rng.random() < 0.08 else functions,
        "workplace_type": workplace,
        "description": _description(rng, family, level, title, company, industry, location, workplace),
        "skills": rng.sample(family.skills, rng.randint(3, 7)) if rng.random() < 0.3 else [],
        "job_url": job_url,
        "apply_url": rng.choices((f"https://apply.example.com/{slug}/{job_id}", job_url, None), (5, 3, 2))[0],
        "reposted": False,
        "posted_time": posted,
        "expire_time": posted + timedelta(days=expire_days) if expire_days else None,
        **_salary(rng, family, level, CURRENCY[place_region], employment, is_shift_work),
        "search_keyword": keyword,
        "scraped_at": now - timedelta(seconds=rng.randint(0, 300)),
    }


def _company_name(rng: random.Random, name: str, legal: str) -> str:
    variants = LEGAL_VARIANTS[legal]
    suffix = variants[0] if rng.random() < 0.55 else rng.choice(variants)
    company = name + suffix if suffix.startswith(",") else f"{name} {suffix}".strip()
    return company.upper() if rng.random() < 0.03 else company


def _location(rng: random.Random, region: str, is_health: bool) -> tuple[str, str, str | None]:
    """(location text, pay region, workplace type); remote places always say Remote."""
    if not is_health and rng.random() < 0.18:
        remote_region = region if rng.random() < 0.7 else "REMOTE"
        return rng.choice(REMOTE_LOCATIONS[remote_region]), remote_region, "Remote"
    place_region = region if is_health or rng.random() < 0.85 else rng.choice(list(LOCATIONS))
    workplace = "On-site" if is_health else rng.choices(("On-site", "Hybrid", None), (55, 38, 7))[0]
    return rng.choice(LOCATIONS[place_region]), place_region, workplace


def _title(rng: random.Random, family: Family, role: str, level: str, location: str) -> str:
    title = rng.choice(LEVELS[level][1]).format(role=role, area=family.area)
    if level not in ("director", "exec") and rng.random() < (0.6 if family.area == "Nursing" else 0.22):
        title += rng.choice((" ({})", " - {}", ", {}", " [{}]")).format(rng.choice(family.specialisms))
    if rng.random() < 0.15:
        long, short = next(((lng, sh) for lng, sh in family.abbreviations if lng in title), ("", ""))
        title = title.replace(long, short, 1) if long else title
    if location.endswith(GERMAN_SPEAKING) and rng.random() < 0.5:
        title += rng.choice((" (m/w/d)", " (m/f/d)"))
    title = re.sub(r"\b(\w+) \1\b", r"\1", title)  # "Staff Staff Nurse"
    return f" {title}  " if rng.random() < 0.02 else title


def _employment_type(rng: random.Random, level: str) -> str | None:
    if level == "intern":
        return rng.choice(INTERNSHIP_TYPES)
    if rng.random() < 0.04:
        return None
    return rng.choices([t for t, _ in EMPLOYMENT_TYPES], [w for _, w in EMPLOYMENT_TYPES])[0]


def _salary(
    rng: random.Random, family: Family, level: str, currency: str, employment: str | None, is_shift_work: bool
) -> dict[str, Any]:
    """Salary text for ~60% of postings; structured min/max/currency/period for about half of those."""
    empty = dict.fromkeys(SALARY_FIELDS)
    if rng.random() >= 0.6:
        return empty
    if rng.random() < 0.1:
        return {**empty, "salary_text": rng.choice(UNSTRUCTURED_SALARY)}
    period = "year"
    if employment in CONTRACT_TYPES and rng.random() < 0.6:
        period = "hour" if currency == "USD" else "day"
    elif level in HOURLY_LEVELS and (is_shift_work or level == "intern" or _is_part_time(employment)):
        period = "hour" if rng.random() < 0.5 else period
    annual = family.pay_usd * LEVELS[level][3] * FX_FROM_USD[currency] * rng.uniform(0.85, 1.15)
    per_period = {"year": annual, "hour": annual / 2080, "day": annual / 170}[period]  # day rates run high
    step = {"year": 1000, "hour": 1, "day": 25}[period]
    lo = round(per_period / step) * step
    hi = max(lo + step, round(lo * rng.uniform(1.1, 1.35) / step) * step)
    lo, hi = int(lo), int(hi)
    template, kind = rng.choice(SALARY_FORMATS[(currency, period)])
    text = template.format(**_amounts("lo", lo), **_amounts("hi", hi))
    if rng.random() < 0.5:
        return {**empty, "salary_text": text}
    low = None if kind == "upto" else float(lo)
    high = {"from": None, "single": float(lo)}.get(kind, float(hi))
    return {
        "salary_text": text,
        "salary_min": low,
        "salary_max": high,
        "salary_currency": currency,
        "salary_period": period,
    }


def _amounts(name: str, amount: int) -> dict[str, Any]:
    """The ways a salary template can print an amount: 60000, 60,000, 60.000, 60 (k), 60000.00."""
    return {
        name: amount,
        f"{name}_c": f"{amount:,}",
        f"{name}_d": f"{amount:,}".replace(",", "."),
        f"{name}_k": amount // 1000,
        f"{name}_f": f"{amount:.2f}",
    }


def _is_part_time(employment: str | None) -> bool:
    return "part" in (employment or "").lower()


def _description(
    rng: random.Random,
    family: Family,
    level: str,
    title: str,
    company: str,
    industry: str,
    location: str,
    workplace: str | None,
) -> str:
    """80-300 words of plain text or simple HTML: intro, duties, requirements, benefits, closing."""
    where = " (fully remote)" if workplace == "Remote" else f" in {location.split(',')[0]}"
    intro = (
        f"{company} is {rng.choice(BLURBS).format(industry=industry.lower())}. "
        f"We are hiring a {title.strip()} to join our {family.area} team{where}."
    )
    years = LEVELS[level][4]
    requirements = rng.sample(family.requirements, rng.randint(3, 5))
    if years:
        requirements.insert(0, f"{years}+ years of experience in a similar role.")
    sections = (
        ("What you will do", rng.sample(family.duties, rng.randint(3, 4))),
        ("What we are looking for", requirements),
        ("What we offer", rng.sample(BENEFITS, rng.randint(2, 4))),
    )
    closing = rng.choice(CLOSINGS)
    if rng.random() < 0.4:
        body = "".join(
            f"<p><strong>{head}</strong></p><ul>{''.join(f'<li>{item}</li>' for item in items)}</ul>"
            for head, items in sections
        )
        return f"<p>{intro}</p>{body}<p>{closing}</p>"
    body = "\n\n".join(f"{head}:\n" + "\n".join(f"- {item}" for item in items) for head, items in sections)
    return f"{intro}\n\n{body}\n\n{closing}"


def _repost(rng: random.Random, original: dict[str, Any], number: int, now: datetime) -> dict[str, Any]:
    """The same job posted again later under a new id, flagged reposted."""
    job_id = f"{number:07d}"
    old_id = original["job_id"]
    posted = original["posted_time"] + (now - original["posted_time"]) * rng.uniform(0.2, 0.9)
    posted = posted.replace(microsecond=0)
    expire = original["expire_time"] and posted + (original["expire_time"] - original["posted_time"])
    return {
        **original,
        "source_job_id": f"gen-{job_id}",
        "job_id": job_id,
        "job_url": original["job_url"].replace(old_id, job_id),
        "apply_url": original["apply_url"] and original["apply_url"].replace(old_id, job_id),
        "reposted": True,
        "posted_time": posted,
        "expire_time": expire,
        "scraped_at": now - timedelta(seconds=rng.randint(0, 300)),
    }


def _malformed(rng: random.Random, i: int, posting: dict[str, Any]) -> SourceRecord:
    """Kind i % 3: (a) undecodable bytes, (b) missing title, (c) posted_time written as a string."""
    kind = i % 3
    if kind == 1:
        return record_from_posting({**posting, "title": rng.choice((None, ""))})
    if kind == 0:
        message = encode_posting(posting)
        value = message[: len(message) // 2] if (i // 3) % 2 == 0 else rng.randbytes(rng.randint(16, 200))
    else:
        stale = {**posting, "posted_time": rng.choice(("3 days ago", "yesterday", "2 weeks ago", "Just now"))}
        value = encode_posting(stale, schema_text=wrong_type_schema())
    return SourceRecord(
        key=posting_key(SOURCE, posting["source_job_id"]),
        value=value,
        source=SOURCE,
        keyword=posting["search_keyword"],
        scraped_at=posting["scraped_at"],
    )


def _spread_duplicates(records: list[SourceRecord]) -> list[SourceRecord]:
    """Move a duplicate away when the shuffle left it next to its twin."""
    for i in range(1, len(records)):
        if records[i] == records[i - 1]:
            j = (i + len(records) // 2) % len(records)
            records[i], records[j] = records[j], records[i]
    return records
