"""models.cover_letter: the built draft, and the optional endpoint against a local OpenAI-compatible stand-in.

No LLM can run here, so `polish` is tested against a local HTTP server that answers the
OpenAI chat-completions shape (tests/ingestion/fixture_server.py): the request joblake sends
and the answer it reads are real, the model behind it is not.
"""

from __future__ import annotations

import doctest

import pytest
from aiohttp import web

from ingestion.secrets import host_token
from lakehouse.config import ConfigError, Settings
from models import cover_letter
from models.cover_letter import draft, polish
from tests.ingestion.fixture_server import serve_in_background


def test_doctests() -> None:
    assert doctest.testmod(cover_letter).failed == 0


def test_draft_states_matched_skills_and_leaves_missing_ones_to_the_job_seeker() -> None:
    letter = draft(
        "Data Engineer",
        "Acme Robotics",
        "Data Engineer. You know Spark and Kafka. You have shipped pipelines.",
        ["Apache Spark", "Python"],
        ["Apache Kafka"],
        resume_title="Senior Data Engineer",
    )
    assert letter.startswith("Dear hiring team at Acme Robotics,")
    assert "As a Senior Data Engineer" in letter
    assert "Your posting looks for: You know Spark and Kafka. You have shipped pipelines." in letter
    assert "My experience covers Apache Spark and Python" in letter
    assert "[Your resume does not show Apache Kafka" in letter  # a prompt to the writer, not a claim
    assert "Kafka, which I have used" not in letter


def test_no_endpoint_keeps_the_draft(settings: Settings) -> None:
    assert polish(settings, "the draft", "Data Engineer", "Acme") == "the draft"


def test_the_endpoint_gets_the_draft_and_the_key_from_the_environment(settings: Settings, monkeypatch) -> None:
    seen = {}

    async def chat(request: web.Request) -> web.StreamResponse:
        seen["body"] = await request.json()
        seen["auth"] = request.headers.get("Authorization")
        return web.json_response({"choices": [{"message": {"role": "assistant", "content": " Polished letter. "}}]})

    with serve_in_background() as server:
        server.route("/v1/chat/completions", handler=chat)
        monkeypatch.setenv(f"JOBLAKE_SECRET_{host_token(server.host)}_HEADER_AUTHORIZATION", "Bearer sk-test")
        configured = settings.with_overrides(
            {"cover_letter.llm_endpoint": server.url("/v1"), "cover_letter.llm_model": "local-model"}
        )
        assert polish(configured, "the draft", "Data Engineer", "Acme") == "Polished letter."
    assert seen["auth"] == "Bearer sk-test"
    assert seen["body"]["model"] == "local-model"
    assert "the draft" in seen["body"]["messages"][1]["content"]


def test_a_failing_endpoint_is_one_line(settings: Settings) -> None:
    with serve_in_background() as server:
        server.route("/v1/chat/completions", status=500, text="boom")
        configured = settings.with_overrides(
            {"cover_letter.llm_endpoint": server.url("/v1"), "cover_letter.llm_model": "local-model"}
        )
        with pytest.raises(ConfigError, match=r"did not answer with a letter \(500\)"):
            polish(configured, "the draft", "Data Engineer", "Acme")
