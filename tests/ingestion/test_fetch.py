"""The polite fetcher against a local fixture server: retries, Retry-After, robots, pacing, limits, secrets."""

import asyncio
import logging
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from ingestion.fetch import Fetcher, FetchError, redact_url, retry_after_seconds
from ingestion.secrets import Secrets, load_secrets
from lakehouse.config import ConfigError, resolve
from tests.ingestion.fixture_server import FixtureServer

SETTINGS = resolve("test", {})  # tiny backoffs (base 0.01 s, cap 0.2 s), no pacing, timeout 2 s
UA = SETTINGS["scrape.user_agent"]


def knobs(**scrape):
    """The test profile with some `scrape.*` keys overridden."""
    return SETTINGS.with_overrides({f"scrape.{key}": value for key, value in scrape.items()})


def run(scenario):
    """Drive one async scenario, bounded in time (pytest-asyncio is not installed)."""
    return asyncio.run(asyncio.wait_for(scenario, timeout=20))


class Sleeps(list):
    """A fake `sleep` that records the requested durations instead of waiting."""

    async def __call__(self, seconds):
        self.append(seconds)
        await asyncio.sleep(0)


async def fetch_one(server, path, settings=SETTINGS, **get_kwargs):
    """GET one path with a fresh Fetcher: (page or FetchError, stats)."""
    async with Fetcher(settings, sleep=get_kwargs.pop("sleep", asyncio.sleep)) as fetcher:
        try:
            return await fetcher.get(server.url(path), **get_kwargs), fetcher.stats
        except FetchError as error:
            return error, fetcher.stats


# --- retries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("faults", "retries"),
    [
        (["429"], 1),  # rate limited without Retry-After, then 200
        (["500", "503"], 2),  # server errors retried
        (["502", "504"], 2),  # gateway errors retried
        (["drop", "drop"], 1),  # connection closed without a response (aiohttp itself retries a drop once)
        (["truncate"], 1),  # body cut short of its Content-Length
        (["slow:5"], 1),  # slower than timeout_s
    ],
)
def test_transient_failures_are_retried_until_the_page_arrives(faults, retries):
    async def scenario():
        async with FixtureServer() as server:
            server.route("/job", text="<h1>Data Engineer</h1>" * 20, faults=faults)
            page, stats = await fetch_one(server, "/job", knobs(timeout_s=0.3, respect_robots=False))  # robots: below
            return page, stats, server.hits("/job")

    page, stats, hits = run(scenario())
    assert page.status == 200 and page.text.startswith("<h1>Data Engineer</h1>")
    assert (stats.pages_fetched, stats.retries, stats.failures) == (1, retries, Counter())
    assert hits == len(faults) + 1


@pytest.mark.parametrize(
    ("fault", "max_retries", "reason", "hits"),
    [
        ("503", 3, "retries_exhausted_503", 4),  # the server stays down
        ("429", 2, "retries_exhausted_429", 3),  # rate limited throughout
        ("drop", 1, "connection_error", 4),  # never answers (aiohttp resends each dropped GET once)
        ("slow:5", 2, "timeout", 3),  # always slower than timeout_s
    ],
)
def test_persistent_failures_exhaust_the_retries_and_count_once(fault, max_retries, reason, hits, caplog):
    async def scenario():
        async with FixtureServer() as server:
            server.route("/job", text="never", faults=[fault] * 10)
            settings = knobs(max_retries=max_retries, timeout_s=0.2, respect_robots=False)
            error, stats = await fetch_one(server, "/job", settings)
            return error, stats, server.hits("/job")

    with caplog.at_level(logging.WARNING, logger="joblake.fetch"):
        error, stats, served = run(scenario())
    assert isinstance(error, FetchError) and error.reason == reason
    assert served == hits
    assert (stats.pages_fetched, stats.retries, stats.failures) == (0, max_retries, Counter({reason: 1}))
    assert [r.levelname for r in caplog.records if reason in r.getMessage()] == ["WARNING"]


def test_backoff_is_exponential_with_full_jitter():
    async def scenario():
        async with FixtureServer() as server:
            server.route("/job", text="ok", faults=["503"] * 4)
            sleeps = Sleeps()
            settings = knobs(backoff_base_s=0.01, backoff_cap_s=0.05, max_retries=5)
            async with Fetcher(settings, sleep=sleeps, rng=random.Random(7)) as fetcher:
                await fetcher.get(server.url("/job"))
            return sleeps

    same = random.Random(7)
    expected = [same.uniform(0, min(0.05, 0.01 * 2**attempt)) for attempt in range(4)]  # caps at the 3rd retry
    assert run(scenario()) == expected


@pytest.mark.parametrize(
    ("form", "low", "high"),
    [
        ("delay-seconds", 1.5, 1.5),  # longer than any jittered backoff (cap 0.2 s): exactly what was asked
        ("http-date", 1.5, 3.0),  # a date 3 s ahead, second resolution
        ("unreadable", 0.0, 0.2),  # ignored: the ordinary backoff
    ],
)
def test_retry_after_is_honoured(form, low, high):
    async def scenario():
        value = {
            "delay-seconds": "1.5",
            "http-date": format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True),
            "unreadable": "soon",
        }[form]
        async with FixtureServer() as server:
            server.route("/job", text="ok", faults=[f"429:retry-after={value}"])
            sleeps = Sleeps()
            page, stats = await fetch_one(server, "/job", sleep=sleeps)
            return page, sleeps

    page, sleeps = run(scenario())
    assert page.status == 200
    assert len(sleeps) == 1 and low <= sleeps[0] <= high


def test_retry_after_beyond_the_cap_gives_up_without_waiting():
    async def scenario():
        async with FixtureServer() as server:
            server.route("/job", text="ok", faults=["429:retry-after=3600"])  # more than max(cap, 300 s)
            sleeps = Sleeps()
            error, stats = await fetch_one(server, "/job", sleep=sleeps)
            return error, stats, sleeps, server.hits("/job")

    error, stats, sleeps, hits = run(scenario())
    assert error.reason == "retries_exhausted_429" and "3600s exceeds" in str(error)
    assert (sleeps, hits, stats.retries, stats.failures) == ([], 1, 0, Counter({"retries_exhausted_429": 1}))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),  # delay-seconds
        (" 0 ", 0.0),  # now, with whitespace
        ("1.5", 1.5),  # fractional seconds: accepted leniently
        ("-1", None),  # negative: ignored
        ("soon", None),  # not a delay
        (None, None),  # no header
        ("Wed, 21 Oct 2026 07:28:00 GMT", 60.0),  # an HTTP date one minute ahead
        ("Wed, 21 Oct 2026 07:00:00 GMT", 0.0),  # a date in the past: no wait
    ],
)
def test_retry_after_seconds(value, expected):
    assert retry_after_seconds(value, datetime(2026, 10, 21, 7, 27, tzinfo=UTC)) == expected


# --- statuses, redirects, sizes, URLs -----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "accept_status", "outcome"),
    [
        (404, (200,), "http_404"),  # gone: no retry
        (410, (200,), "http_410"),  # gone for good
        (403, (200,), "http_403"),  # forbidden: no retry
        (404, (200, 404, 410), 404),  # the job validator accepts it and looks at the status
        (410, (200, 404, 410), 410),
        (503, (200, 503), 503),  # an accepted status is never retried
    ],
)
def test_final_statuses_raise_unless_accepted(status, accept_status, outcome):
    async def scenario():
        async with FixtureServer() as server:
            server.route("/job", text="gone", status=status)
            result, stats = await fetch_one(server, "/job", accept_status=accept_status)
            return result, stats, server.hits("/job")

    result, stats, hits = run(scenario())
    assert hits == 1 and stats.retries == 0
    if isinstance(outcome, str):
        assert isinstance(result, FetchError) and result.reason == outcome
        assert stats.failures == Counter({outcome: 1})
    else:
        assert result.status == outcome and result.text == "gone" and stats.pages_fetched == 1


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_followed_and_reported(status):
    async def scenario():
        async with FixtureServer() as server:
            server.redirect("/jobs/view/1", "/jobs/view/1-data-engineer", status=status)
            server.route("/jobs/view/1-data-engineer", text="found")
            page, _ = await fetch_one(server, "/jobs/view/1")
            return page, server

    page, server = run(scenario())
    assert (page.url, page.final_url, page.status, page.text) == (
        server.url("/jobs/view/1"),
        server.url("/jobs/view/1-data-engineer"),
        200,
        "found",
    )


def test_a_redirect_to_an_expired_posting_can_be_accepted():
    async def scenario():
        async with FixtureServer() as server:
            server.redirect("/jobs/view/9", "/jobs/search?expired=1")
            page, _ = await fetch_one(server, "/jobs/view/9", accept_status=(200, 404, 410))
            return page, server

    page, server = run(scenario())
    assert page.status == 404 and page.final_url == server.url("/jobs/search?expired=1")


def test_a_redirect_loop_fails():
    async def scenario():
        async with FixtureServer() as server:
            server.redirect("/a", "/b")
            server.redirect("/b", "/a")
            error, _ = await fetch_one(server, "/a")
            return error

    assert run(scenario()).reason == "too_many_redirects"


@pytest.mark.parametrize(
    ("size", "chunked", "reason"),
    [
        (1000, False, None),  # exactly the limit: fine
        (1001, False, "too_large"),  # Content-Length over the limit: refused before reading
        (5000, True, "too_large"),  # no Content-Length: stopped while reading
    ],
)
def test_responses_over_max_bytes_are_refused(size, chunked, reason):
    async def scenario():
        async with FixtureServer() as server:
            server.route("/big", body=b"x" * size, chunked=chunked)
            async with Fetcher(SETTINGS, max_bytes=1000) as fetcher:
                try:
                    result = await fetcher.get(server.url("/big"))
                except FetchError as error:
                    result = error
            return result, server.hits("/big")

    result, hits = run(scenario())
    assert hits == 1  # never retried
    assert (result.reason if reason else len(result.text)) == (reason or size)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/jobs",  # not HTTP
        "not a url",  # no scheme or host
        "http://",  # no host
        "/jobs/view/1",  # relative
    ],
)
def test_bad_urls_fail_without_a_request(url):
    async def scenario():
        async with Fetcher(SETTINGS) as fetcher:
            with pytest.raises(FetchError) as raised:
                await fetcher.get(url)
            return raised.value, fetcher.stats

    error, stats = run(scenario())
    assert error.reason == "bad_url" and stats.failures == Counter({"bad_url": 1})


def test_page_json_headers_params_and_stats():
    async def scenario():
        async with FixtureServer() as server:
            server.route("/v1/boards/acme/jobs", json={"jobs": [{"id": 1}]}, query={"content": "true"}, faults=["503"])
            async with Fetcher(knobs(respect_robots=False), sleep=Sleeps()) as fetcher:
                page = await fetcher.get(server.url("/v1/boards/acme/jobs"), params={"content": "true"}, kind="api")
                with pytest.raises(FetchError):
                    await fetcher.get(server.url("/missing"))
            return page, fetcher.stats

    page, stats = run(scenario())
    assert page.json() == {"jobs": [{"id": 1}]}
    assert page.headers["content-type"] == "application/json"  # case-insensitive
    assert page.url.endswith("/v1/boards/acme/jobs?content=true")
    body = len(b'{"jobs": [{"id": 1}]}')
    assert stats.summary() == {
        "pages_fetched": 1,
        "retries": 1,
        "bytes": len(b"fault 503") + body + len(b"no route"),  # every body received, errors included
        "failures": {"http_404": 1},
    }


def test_get_outside_the_context_manager_is_an_error():
    with pytest.raises(RuntimeError, match="async with"):
        run(Fetcher(SETTINGS).get("http://127.0.0.1:9/"))


# --- robots.txt ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("robots", "path", "allowed"),
    [
        ("User-agent: *\nDisallow: /private", "/private/job/1", False),  # a disallowed prefix
        ("User-agent: *\nDisallow: /private", "/jobs/1", True),  # elsewhere is fine
        ("User-agent: joblake\nDisallow: /", "/jobs/1", False),  # rules for our agent by name
        ("User-agent: otherbot\nDisallow: /", "/jobs/1", True),  # rules for someone else
        ("User-agent: *\nDisallow: /jobs?page=", "/jobs?page=2", False),  # queries count
    ],
)
def test_robots_txt_is_respected_without_requesting_the_page(robots, path, allowed):
    async def scenario():
        async with FixtureServer() as server:
            server.robots(robots)
            server.route(path.partition("?")[0], text="job")
            async with Fetcher(SETTINGS) as fetcher:
                outcomes = []
                for _ in range(3):
                    try:
                        outcomes.append((await fetcher.get(server.url(path))).status)
                    except FetchError as error:
                        outcomes.append(error.reason)
            return outcomes, server

    outcomes, server = run(scenario())
    assert outcomes == [200 if allowed else "robots_disallowed"] * 3
    assert server.hits(path.partition("?")[0]) == (3 if allowed else 0)
    assert server.hits("/robots.txt") == 1  # fetched once, cached


@pytest.mark.parametrize(
    ("robots_faults", "robots_status", "allowed"),
    [
        ([], None, True),  # no robots.txt (404): everything allowed
        ([], 403, True),  # other 4xx: allowed as RFC 9309 says (unlike urllib.robotparser)
        (["503"] * 10, 200, False),  # unreachable (5xx) after retries: disallow all for this run
        (["slow:5"] * 10, 200, False),  # timing out: the same
        (["503", "429"], 200, True),  # transient: retried, then the file is read and allows
    ],
)
def test_robots_txt_unavailable(robots_faults, robots_status, allowed):
    async def scenario():
        async with FixtureServer() as server:
            if robots_status is not None:
                server.route("/robots.txt", text="User-agent: *\nAllow: /", status=robots_status, faults=robots_faults)
            server.route("/jobs/1", text="job")
            result, stats = await fetch_one(server, "/jobs/1", knobs(max_retries=2, timeout_s=0.2))
            return result, server.hits("/jobs/1")

    result, hits = run(scenario())
    assert (hits, getattr(result, "status", None)) == ((1, 200) if allowed else (0, None))
    assert allowed or result.reason == "robots_disallowed"


def test_robots_are_ignored_when_not_respected():
    async def scenario():
        async with FixtureServer() as server:
            server.robots("User-agent: *\nDisallow: /")
            server.route("/jobs/1", text="job")
            page, _ = await fetch_one(server, "/jobs/1", knobs(respect_robots=False))
            return page, server.hits("/robots.txt")

    page, robots_hits = run(scenario())
    assert page.status == 200 and robots_hits == 0


def test_redirect_targets_are_checked_against_robots():
    async def scenario():
        async with FixtureServer() as server:
            server.robots("User-agent: *\nDisallow: /authwall")
            server.redirect("/jobs/1", "/authwall?trk=x")
            error, _ = await fetch_one(server, "/jobs/1")
            return error, server.hits("/authwall")

    error, hits = run(scenario())
    assert error.reason == "robots_disallowed" and hits == 0


def test_crawl_delay_raises_the_pacing_interval():
    async def scenario():
        async with FixtureServer() as server:
            server.robots("User-agent: *\nCrawl-delay: 2")
            server.route("/jobs/1", text="one")
            server.route("/jobs/2", text="two")
            sleeps = Sleeps()  # records the pacing wait instead of spending it
            async with Fetcher(SETTINGS, sleep=sleeps) as fetcher:
                await fetcher.get(server.url("/jobs/1"))
                await fetcher.get(server.url("/jobs/2"))
            return sleeps

    sleeps = run(scenario())
    assert len(sleeps) == 2 and all(1.5 < wait <= 2.0 for wait in sleeps)  # robots.txt -> /jobs/1 -> /jobs/2


# --- concurrency and pacing ---------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 4])  # strictly serial; the default per-host limit
def test_concurrency_per_host_is_bounded(limit):
    async def scenario():
        async with FixtureServer() as server:
            server.every(1, "slow:0.05", prefix="/jobs/")
            for i in range(10):
                server.route(f"/jobs/{i}", text=str(i))
            async with Fetcher(knobs(concurrency_per_host=limit)) as fetcher:
                pages = await asyncio.gather(*(fetcher.get(server.url(f"/jobs/{i}")) for i in range(10)))
            return pages, server.max_in_flight

    pages, max_in_flight = run(scenario())
    assert [p.text for p in pages] == [str(i) for i in range(10)]
    assert max_in_flight == limit


@pytest.mark.parametrize(
    ("kind", "interval"),
    [
        ("detail", 0.1),  # scrape.min_interval_s
        ("search", 0.2),  # scrape.search_min_interval_s: the step that gets blocked
    ],
)
def test_request_starts_to_one_host_are_paced(kind, interval):
    async def scenario():
        async with FixtureServer() as server:
            for i in range(5):
                server.route(f"/jobs/{i}", text=str(i))
            settings = knobs(min_interval_s=0.1, search_min_interval_s=0.2, concurrency_per_host=4)
            async with Fetcher(settings) as fetcher:
                await asyncio.gather(*(fetcher.get(server.url(f"/jobs/{i}"), kind=kind) for i in range(5)))
            return sorted(seen.started for seen in server.requests if seen.path.startswith("/jobs/"))

    starts = run(scenario())
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= interval - 0.03  # arrival jitter on localhost
    assert starts[-1] - starts[0] >= 4 * interval - 0.03


def test_every_third_request_429_still_lands_every_posting():
    async def scenario():
        async with FixtureServer() as server:
            server.every(3, "429", prefix="/jobs/")
            for i in range(30):
                server.route(f"/jobs/{i}", json={"id": i})
            async with Fetcher(knobs(concurrency_per_host=5)) as fetcher:
                pages = await asyncio.gather(*(fetcher.get(server.url(f"/jobs/{i}")) for i in range(30)))
            return pages, fetcher.stats, server

    pages, stats, server = run(scenario())
    assert [page.json()["id"] for page in pages] == list(range(30))
    served = Counter(seen.path for seen in server.requests if seen.status == 200 and seen.path != "/robots.txt")
    assert served == Counter({f"/jobs/{i}": 1 for i in range(30)})  # each posting served exactly once
    rate_limited = sum(seen.status == 429 for seen in server.requests)
    assert rate_limited >= 10 and stats.retries == rate_limited
    assert (stats.pages_fetched, stats.failures) == (30, Counter())
    assert server.max_in_flight <= 5


# --- user agent and secrets ---------------------------------------------------------------------

FILE_SECRET, COOKIE_SECRET, ENV_SECRET, ENV_COOKIE = "f1le-s3cret", "c00kie-s3cret", "env-s3cret", "env-c00kie"
SECRETS_YAML = f"""
hosts:
  127.0.0.1:
    headers: {{X-Api-Key: {FILE_SECRET}, User-Agent: NotOurs/1.0}}
    cookies: {{session: {COOKIE_SECRET}}}
"""
SECRET_ENV = {
    "JOBLAKE_SECRET_127_0_0_1_HEADER_X_CSRF_TOKEN": ENV_SECRET,
    "JOBLAKE_SECRET_127_0_0_1_COOKIE_li_at": ENV_COOKIE,
}
ALL_SECRETS = (FILE_SECRET, COOKIE_SECRET, ENV_SECRET, ENV_COOKIE)


def test_user_agent_and_secrets_are_sent_but_never_shown(tmp_path, caplog):
    secrets_file = tmp_path / "secrets.yml"
    secrets_file.write_text(SECRETS_YAML)
    secrets_file.chmod(0o600)
    secrets = load_secrets(secrets_file, SECRET_ENV)

    async def scenario():
        async with FixtureServer() as server:
            server.route("/jobs/1", text="job")
            server.route("/private", text="no", status=403)
            server.redirect("/elsewhere", f"http://localhost:{server.port}/landing")  # another host name
            server.route("/landing", text="landed")
            async with Fetcher(SETTINGS, secrets=secrets) as fetcher:
                await fetcher.get(server.url("/jobs/1"))
                await fetcher.get(server.url("/elsewhere"))
                with pytest.raises(FetchError) as raised:
                    await fetcher.get(server.url("/private"))
            return server, raised.value

    with caplog.at_level(logging.DEBUG):
        server, error = run(scenario())

    sent = server.requests_to("/jobs/1")[0].headers
    assert sent["User-Agent"] == UA  # secrets cannot replace our user agent
    assert (sent["X-Api-Key"], sent["X-CSRF-TOKEN"]) == (FILE_SECRET, ENV_SECRET)
    assert sent["Cookie"] == f"session={COOKIE_SECRET}; li_at={ENV_COOKIE}"
    landed = server.requests_to("/landing")[0].headers
    assert "X-Api-Key" not in landed and "Cookie" not in landed  # a redirect to another host drops them
    assert landed["User-Agent"] == UA
    assert "GET" in caplog.text and "http_403" in caplog.text  # the logs were captured
    shown = [caplog.text, str(error), repr(error), repr(secrets), str(secrets)]
    assert not [secret for secret in ALL_SECRETS for text in shown if secret in text]
    assert repr(secrets) == "Secrets(hosts=['127.0.0.1'], env=['127_0_0_1'], values hidden)"


@pytest.mark.parametrize(
    ("name", "host", "headers", "cookies"),
    [
        ("JOBLAKE_SECRET_WWW_LINKEDIN_COM_HEADER_CSRF_TOKEN", "www.linkedin.com", {"CSRF-TOKEN": "v"}, {}),  # _ -> -
        ("JOBLAKE_SECRET_WWW_LINKEDIN_COM_COOKIE_li_at", "www.linkedin.com", {}, {"li_at": "v"}),  # verbatim
        ("JOBLAKE_SECRET_WWW_LINKEDIN_COM_COOKIE_li_at", "WWW.LinkedIn.com", {}, {"li_at": "v"}),  # host any case
        ("JOBLAKE_SECRET_BOARDS_API_GREENHOUSE_IO_HEADER_X", "www.linkedin.com", {}, {}),  # another host's
        ("JOBLAKE__SCRAPE__USER_AGENT", "www.linkedin.com", {}, {}),  # a config override, not a secret
    ],
)
def test_secret_environment_variables(name, host, headers, cookies):
    assert load_secrets(None, {name: "v"}).for_host(host) == (headers, cookies)


def test_secrets_file_and_environment_merge(tmp_path):
    secrets_file = tmp_path / "secrets.yml"
    secrets_file.write_text(SECRETS_YAML)
    env = {"JOBLAKE_SECRET_127_0_0_1_HEADER_X_API_KEY": "from-env"}  # the environment wins, names case-blind
    headers, cookies = load_secrets(secrets_file, env).for_host("127.0.0.1")
    assert headers == {"User-Agent": "NotOurs/1.0", "X-API-KEY": "from-env"}
    assert cookies == {"session": COOKIE_SECRET}
    assert load_secrets(tmp_path / "missing.yml", {}).for_host("127.0.0.1") == ({}, {})
    assert repr(load_secrets(tmp_path / "missing.yml", {})) == "Secrets(hosts=[], values hidden)"


@pytest.mark.parametrize(("mode", "warned"), [(0o600, False), (0o640, True), (0o644, True)])
def test_a_secrets_file_others_can_read_is_warned_about(tmp_path, caplog, mode, warned):
    secrets_file = tmp_path / "secrets.yml"
    secrets_file.write_text(SECRETS_YAML)
    secrets_file.chmod(mode)
    with caplog.at_level(logging.WARNING, logger="joblake.secrets"):
        load_secrets(secrets_file, {})
    assert ("chmod 600" in caplog.text) is warned
    assert FILE_SECRET not in caplog.text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"hosts:\n  h:\n    headers: {{x: {FILE_SECRET}\n", "not valid YAML"),  # unclosed: line number only
        (f"h:\n  headers: {{x: {FILE_SECRET}}}\n", "top-level key 'hosts'"),  # hosts key forgotten
        (f"hosts:\n  h:\n    token: {FILE_SECRET}\n", "only hold 'headers' and 'cookies'"),  # unknown key
        (f'hosts:\n  h:\n    headers: {{x: "{FILE_SECRET}\\r\\nX-Evil: 1"}}\n', "single line"),  # header split
    ],
)
def test_a_bad_secrets_file_is_an_error_that_hides_values(tmp_path, text, message):
    secrets_file = tmp_path / "secrets.yml"
    secrets_file.write_text(text)
    with pytest.raises(ConfigError, match=message) as raised:
        load_secrets(secrets_file, {})
    assert FILE_SECRET not in str(raised.value)


def test_secrets_repr_hides_values():
    secrets = Secrets({"www.linkedin.com": {"cookies": {"li_at": "v4lue"}}})
    assert str(secrets) == repr(secrets) == "Secrets(hosts=['www.linkedin.com'], values hidden)"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://x.test/jobs?q=data", "https://x.test/jobs?q=data"),  # nothing secret
        ("https://x.test/api?api_key=abc&q=data", "https://x.test/api?api_key=***&q=data"),  # key-like name
        ("https://x.test/a?accessToken=abc", "https://x.test/a?accessToken=***"),  # any case
        ("https://me:pw@x.test/a", "https://me:***@x.test/a"),  # a password in the URL
    ],
)
def test_fetch_errors_are_one_line_with_secrets_redacted(url, shown):
    error = FetchError("http_403", url)
    assert redact_url(url) == shown
    assert str(error) == f"http_403: {shown}" and error.url == url and "\n" not in str(error)
