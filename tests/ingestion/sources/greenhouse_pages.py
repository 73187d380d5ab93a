"""Synthetic Greenhouse board API payloads shared by the connector tests and the integration tests."""

from __future__ import annotations

import html

CONTENT = (
    "<div class='content-intro'><p>Acme builds warehouse robots.</p></div>"
    "<h3>What you'll do</h3><ul><li>Own our Spark pipelines</li><li>Mentor &amp; review</li></ul>"
    '<div class="content-pay-transparency"><div class="pay-range"><span>$140,000</span>'
    '<span class="divider">&mdash;</span><span>$180,000 USD</span></div></div>'
)


def job(job_id: int = 4567001, title: str = "Senior Data Engineer", **extra) -> dict:
    """A job as `/v1/boards/<board>/jobs?content=true` returns it (synthetic)."""
    return {
        "absolute_url": f"https://boards.greenhouse.io/acme-robotics/jobs/{job_id}",
        "data_compliance": [{"type": "gdpr", "requires_consent": False, "retention_period": None}],
        "internal_job_id": 2200000 + job_id % 1000,
        "location": {"name": "Austin, TX"},
        "metadata": [
            {"id": 101, "name": "Employment Type", "value": "Full-time", "value_type": "single_select"},
            {"id": 102, "name": "Workplace Type", "value": "Hybrid", "value_type": "single_select"},
        ],
        "id": job_id,
        "updated_at": "2026-10-29T09:15:02-04:00",
        "requisition_id": "REQ-118",
        "title": title,
        "first_published": "2026-10-20T14:00:00-04:00",
        "content": html.escape(CONTENT),  # the API HTML-escapes the description
        "departments": [{"id": 9, "name": "Data Platform", "child_ids": [], "parent_id": None}],
        "offices": [{"id": 3, "name": "Austin", "location": "Austin, TX", "child_ids": [], "parent_id": None}],
        **extra,
    }
