"""A cover-letter draft for one match: the resume's matched skills against the posting's requirements.

The draft is built here from what matching already knows: the posting's title, company and
requirement passage (the same passage its embedding reads) and the skills the resume has and
lacks for it. It states only what the resume shows; missing skills are left for the job seeker
to address, never claimed. No resume text goes into it.

An LLM can polish the draft when `cover_letter.llm_endpoint` names an OpenAI-compatible
endpoint (`POST <endpoint>/chat/completions`); it is empty, so off, by default. Only the draft
and the posting's title and company are sent (no resume text); the API key is a header from the
secrets file or `JOBLAKE_SECRET_<HOST>_HEADER_AUTHORIZATION`, never from configuration or logs.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlsplit

from ingestion.secrets import load_secrets
from lakehouse.config import ConfigError, Settings

REQUIREMENT_SENTENCES = 3  # of the posting's requirement passage quoted back
SKILLS_NAMED = 6
SYSTEM_PROMPT = (
    "You edit cover letters. Improve the wording of the draft you are given: keep every fact, add no skill, "
    "experience or qualification it does not state, keep it under 250 words, and return only the letter."
)


def _listed(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'.

    >>> _listed(["Python"]), _listed(["Python", "SQL"]), _listed(["Python", "SQL", "Spark"])
    ('Python', 'Python and SQL', 'Python, SQL and Spark')
    """
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def requirement_sentences(passage: str | None) -> list[str]:
    """The first REQUIREMENT_SENTENCES sentences of a requirement passage.

    >>> requirement_sentences("Data Engineer. Spark and SQL. You will own pipelines! Extra.")
    ['Spark and SQL.', 'You will own pipelines!', 'Extra.']
    """
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", passage or "") if s.strip()]
    return sentences[1 : 1 + REQUIREMENT_SENTENCES] if len(sentences) > 1 else sentences[:REQUIREMENT_SENTENCES]


def draft(
    title: str,
    company: str | None,
    requirements: str | None,
    matched_skills: Sequence[str],
    missing_skills: Sequence[str],
    resume_title: str | None = None,
) -> str:
    """The letter: why this job, the matched skills against the posting's asks, and what to address yourself."""
    employer = company or "your team"
    opening = f"Dear hiring team at {employer},\n\nI am applying for the {title} position"
    opening += f". As a {resume_title}, I" if resume_title else ". I"
    opening += " would bring skills your posting asks for."
    body = []
    asks = requirement_sentences(requirements)
    if asks:
        body.append("Your posting looks for: " + " ".join(asks))
    if matched_skills:
        named = list(matched_skills)[:SKILLS_NAMED]
        body.append(f"My experience covers {_listed(named)}, which I have used in practice and can show in detail.")
    else:
        body.append("[Say here which of the posting's requirements your experience covers.]")
    if missing_skills:
        body.append(
            f"[Your resume does not show {_listed(list(missing_skills)[:3])}: mention related experience, or how you "
            "are learning them, if that is true.]"
        )
    closing = (
        f"I would welcome the chance to talk about how I can contribute at {employer}.\n\nKind regards,\n[Your name]"
    )
    return "\n\n".join([opening, *body, closing])


def polish(settings: Settings, letter: str, title: str, company: str | None) -> str:
    """The draft improved by the configured OpenAI-compatible endpoint; the draft unchanged when none is set."""
    endpoint = settings["cover_letter.llm_endpoint"]
    if not endpoint:
        return letter
    if not settings["cover_letter.llm_model"]:
        raise ConfigError("cover_letter.llm_endpoint is set but cover_letter.llm_model is empty: name the model")
    headers, _ = load_secrets(settings["scrape.secrets_file"] or None, os.environ).for_host(urlsplit(endpoint).hostname)
    body = {
        "model": settings["cover_letter.llm_model"],
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Job: {title} at {company or 'the company'}.\n\nDraft:\n{letter}"},
        ],
        "temperature": 0.2,
    }
    request = urllib.request.Request(
        endpoint.rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=float(settings["cover_letter.llm_timeout_s"])) as response:
            answer = json.loads(response.read())
        return answer["choices"][0]["message"]["content"].strip()
    except (urllib.error.URLError, TimeoutError, KeyError, IndexError, ValueError) as exc:
        reason = getattr(exc, "code", None) or type(exc).__name__
        raise ConfigError(f"the cover-letter endpoint {endpoint} did not answer with a letter ({reason})") from None
