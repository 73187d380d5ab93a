"""Polite HTTP GETs for connectors: per-host concurrency and pacing, retries, robots.txt, secrets.

    async with Fetcher(settings, secrets=load_secrets(settings.path("scrape.secrets_file"), os.environ)) as fetcher:
        page = await fetcher.get("https://boards-api.greenhouse.io/v1/boards/acme/jobs", kind="api")
        jobs = page.json()["jobs"]

Decisions (see the tests for each):
- Retries: 429, 500, 502, 503, 504, timeouts and connection errors (a refused connection or a
  body cut short) are retried up to `scrape.max_retries` times after a full-jitter backoff,
  `uniform(0, min(backoff_cap_s, backoff_base_s * 2**retry))`. Other statuses not accepted by
  the caller fail at once with `http_<status>`.
- Retry-After (seconds, or an HTTP date) is honoured: the wait is at least what the server asks.
  If it asks for more than `max(backoff_cap_s, 300 s)`, retrying sooner would be impolite and
  waiting that long stalls the run, so the fetch gives up at once (`retries_exhausted_<status>`)
  and a later run picks the URL up again.
- robots.txt (when `scrape.respect_robots`) is read once per origin, through the same pacing and
  retries. 2xx: parsed; 4xx other than 429: allow all (RFC 9309 2.3.1.3). 5xx, 429, timeouts,
  connection errors: disallow all for the rest of this Fetcher's life (RFC 9309 2.3.1.4). A
  Crawl-delay for our user agent raises the host's pacing interval. Redirect targets are checked too.
- Redirects are followed here (at most 10), not by aiohttp, so each hop gets its own host's
  pacing, robots check and secrets: a redirect to another host never carries this host's secrets.
- Pacing: holding one of its host's `concurrency_per_host` slots, a request waits (under the
  host's lock, on the monotonic clock) until `min_interval_s` (`search_min_interval_s` for
  kind="search"; the Crawl-delay if larger) has passed since the host's previous request start.
  The injected `sleep` serves every wait, pacing and backoff alike. `timeout_s` bounds each exchange
  (connect to the last body byte), not the time spent waiting for a slot.
- The session keeps no cookies: every request carries only the configured ones.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
import random
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.robotparser import RobotFileParser

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from ingestion.secrets import Secrets
from lakehouse.config import Settings

logger = logging.getLogger("joblake.fetch")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
RETRY_AFTER_MIN_CAP_S = 300.0
# robots.txt: 2xx is parsed and 4xx allows everything; 429 is retried and, like 5xx, disallows when it persists.
_ROBOTS_ACCEPT = frozenset(range(200, 300)) | (frozenset(range(400, 500)) - {429})
_SECRET_QUERY = re.compile(r"token|key|secret|passw|auth|sig|session|cookie|csrf", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """One fetched response: the URL asked for, where redirects ended, status, decoded text, headers."""

    url: str
    final_url: str
    status: int
    text: str
    headers: Mapping[str, str]

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.text)


class FetchError(Exception):
    """A URL that could not be fetched; `reason` is a short code such as `http_404` or `timeout`."""

    def __init__(self, reason: str, url: str | URL, detail: str = "") -> None:
        self.reason = reason
        self.url = str(url)
        self.detail = detail
        super().__init__(f"{reason}: {redact_url(self.url)}" + (f" ({detail})" if detail else ""))


@dataclass
class FetchStats:
    """Counters of one Fetcher: pages returned, retries, body bytes received, final failures by reason."""

    pages_fetched: int = 0
    retries: int = 0
    bytes: int = 0
    failures: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, Any]:
        """Plain values for a run summary or a log line."""
        return {
            "pages_fetched": self.pages_fetched,
            "retries": self.retries,
            "bytes": self.bytes,
            "failures": dict(sorted(self.failures.items())),
        }


def redact_url(url: str | URL) -> str:
    """The URL with its password and secret-looking query values (token, key, sig, ...) replaced by ***."""
    try:
        parsed = URL(str(url))
        if parsed.password is not None:
            parsed = parsed.with_password("***")
        if parsed.query and any(_SECRET_QUERY.search(name) for name in parsed.query):
            parsed = parsed.with_query([(k, "***" if _SECRET_QUERY.search(k) else v) for k, v in parsed.query.items()])
        return str(parsed)
    except (ValueError, TypeError):
        return "<unparseable url>"


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for (delay-seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        return max(0.0, (when - now).total_seconds())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


@dataclass
class _Host:
    """Politeness state of one host name: its concurrency slots and when its last request started."""

    slots: asyncio.Semaphore
    pacing: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float = -math.inf
    crawl_delay: float = 0.0


class Fetcher:
    """An aiohttp session with joblake's politeness rules; use as `async with Fetcher(settings) as f`."""

    def __init__(
        self,
        settings: Settings,
        *,
        secrets: Secrets | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: random.Random | None = None,
        max_bytes: int = 5_000_000,
    ) -> None:
        self.user_agent: str = settings["scrape.user_agent"]
        self.stats = FetchStats()
        self._concurrency = int(settings["scrape.concurrency_per_host"])
        self._search_interval = float(settings["scrape.search_min_interval_s"])
        self._min_interval = float(settings["scrape.min_interval_s"])
        self._max_retries = int(settings["scrape.max_retries"])
        self._backoff_base = float(settings["scrape.backoff_base_s"])
        self._backoff_cap = float(settings["scrape.backoff_cap_s"])
        self._retry_after_cap = max(self._backoff_cap, RETRY_AFTER_MIN_CAP_S)
        self._timeout = float(settings["scrape.timeout_s"])
        self._respect_robots = bool(settings["scrape.respect_robots"])
        self._secrets = secrets or Secrets()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._max_bytes = max_bytes
        self._session: aiohttp.ClientSession | None = None
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[URL, RobotFileParser] = {}
        self._robots_locks: dict[URL, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        self._session = aiohttp.ClientSession(
            headers={"User-Agent": self.user_agent},
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self._timeout),
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        kind: str = "detail",
        accept_status: Collection[int] = (200,),
    ) -> Page:
        """GET `url` (plus `params`) politely; a status in `accept_status` is returned, anything else raises FetchError.

        `kind="search"` paces with `scrape.search_min_interval_s`, any other kind with `scrape.min_interval_s`.
        """
        if self._session is None:
            raise RuntimeError("use the Fetcher as `async with Fetcher(settings) as fetcher`")
        try:
            target = _target(url, params)
            page = await self._fetch(target, kind, accept_status, check_robots=self._respect_robots)
        except FetchError as error:
            self.stats.failures[error.reason] += 1
            logger.warning("gave up on %s: %s", redact_url(error.url), error.reason)
            raise
        self.stats.pages_fetched += 1
        return page

    async def _fetch(self, url: URL, kind: str, accept_status: Collection[int], *, check_robots: bool) -> Page:
        """One URL with retries: returns an accepted page or raises FetchError."""
        for attempt in range(self._max_retries + 1):
            retry_after = None
            try:
                page = await self._follow(url, kind, check_robots=check_robots)
            except TimeoutError:
                failure = "timeout"
            except (aiohttp.ClientError, OSError):
                failure = "connection_error"
            else:
                if page.status in accept_status:
                    return page
                if page.status not in RETRY_STATUSES:
                    raise FetchError(f"http_{page.status}", url)
                failure = f"retries_exhausted_{page.status}"
                retry_after = retry_after_seconds(page.headers.get("Retry-After"), datetime.now(UTC))
            if attempt == self._max_retries:
                break
            if retry_after is not None and retry_after > self._retry_after_cap:
                detail = f"Retry-After {retry_after:.0f}s exceeds the {self._retry_after_cap:.0f}s cap"
                raise FetchError(failure, url, detail=detail)
            delay = self._backoff(attempt, retry_after)
            self.stats.retries += 1
            logger.debug(
                "retry %d/%d of %s in %.2fs after %s", attempt + 1, self._max_retries, url.host, delay, failure
            )
            await self._sleep(delay)
        raise FetchError(failure, url, detail=f"after {self._max_retries} retries")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Full-jitter exponential backoff, at least as long as a Retry-After the server sent."""
        delay = self._rng.uniform(0.0, min(self._backoff_cap, self._backoff_base * 2**attempt))
        return delay if retry_after is None else max(delay, retry_after)

    async def _follow(self, url: URL, kind: str, *, check_robots: bool) -> Page:
        """One attempt: GET with redirects followed hop by hop (robots and secrets per hop)."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if check_robots and not (await self._robots_for(current)).can_fetch(self.user_agent, str(current)):
                raise FetchError(
                    "robots_disallowed", url, detail="" if current == url else f"redirect to {redact_url(current)}"
                )
            status, headers, text = await self._exchange(current, kind, url)
            location = headers.get("Location")
            if status not in REDIRECT_STATUSES or not location:
                return Page(str(url), str(current), status, text, headers)
            current = _redirect_target(current, location, url)
        raise FetchError("too_many_redirects", url, detail=f"more than {MAX_REDIRECTS}")

    async def _exchange(self, url: URL, kind: str, requested: URL) -> tuple[int, Mapping[str, str], str]:
        """One HTTP request/response within a host slot and its pacing, bounded by timeout_s."""
        assert self._session is not None and url.host is not None
        host = self._host(url.host)
        async with host.slots:
            await self._pace(host, kind)
            logger.debug("GET %s [%s]", redact_url(url), kind)
            async with (
                asyncio.timeout(self._timeout),
                self._session.get(url, headers=self._headers(url.host), allow_redirects=False) as response,
            ):
                body = await self._read(response, requested)
                headers = CIMultiDictProxy(CIMultiDict(response.headers))
                charset = response.charset
        self.stats.bytes += len(body)
        logger.debug("%s %s -> %d (%d bytes)", url.host, url.path, response.status, len(body))
        return response.status, headers, _decode(body, charset)

    async def _pace(self, host: _Host, kind: str) -> None:
        """Wait until `interval` has passed since the host's previous request start (one waiter at a time)."""
        async with host.pacing:
            interval = max(self._search_interval if kind == "search" else self._min_interval, host.crawl_delay)
            wait = host.last_start + interval - time.monotonic()
            if wait > 0:
                await self._sleep(wait)
            host.last_start = time.monotonic()  # the actual start: a late wake-up never shortens the next gap

    async def _read(self, response: aiohttp.ClientResponse, requested: URL) -> bytes:
        """The body, or FetchError(too_large) as soon as it is known to exceed max_bytes."""
        declared = response.content_length
        if declared is not None and declared > self._max_bytes:
            raise FetchError("too_large", requested, detail=f"Content-Length {declared} > {self._max_bytes} bytes")
        chunks, size = [], 0
        async for chunk in response.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > self._max_bytes:
                raise FetchError("too_large", requested, detail=f"body over {self._max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _headers(self, host: str) -> dict[str, str]:
        """The host's secret headers and cookies, and our User-Agent (which secrets cannot replace)."""
        headers, cookies = self._secrets.for_host(host)
        headers = {name: value for name, value in headers.items() if name.lower() != "user-agent"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        headers["User-Agent"] = self.user_agent
        return headers

    def _host(self, name: str) -> _Host:
        if name not in self._hosts:
            self._hosts[name] = _Host(asyncio.Semaphore(self._concurrency))
        return self._hosts[name]

    async def _robots_for(self, url: URL) -> RobotFileParser:
        """The parsed robots.txt of the URL's origin, fetched once (concurrent callers wait for it)."""
        origin = url.origin()
        async with self._robots_locks.setdefault(origin, asyncio.Lock()):
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin)
        return self._robots[origin]

    async def _load_robots(self, origin: URL) -> RobotFileParser:
        robots_url = origin.with_path("/robots.txt")
        parser = RobotFileParser(str(robots_url))
        try:
            page = await self._fetch(robots_url, "robots", _ROBOTS_ACCEPT, check_robots=False)
        except FetchError as error:
            logger.warning("robots.txt of %s unavailable (%s): not crawling it in this run", origin.host, error.reason)
            parser.disallow_all = True
            return parser
        if page.status >= 400:
            parser.allow_all = True
            return parser
        parser.parse(page.text.splitlines())
        crawl_delay = parser.crawl_delay(self.user_agent)
        if crawl_delay and origin.host:
            host = self._host(origin.host)
            host.crawl_delay = max(host.crawl_delay, float(crawl_delay))
            logger.debug("robots.txt of %s sets Crawl-delay %ss", origin.host, crawl_delay)
        return parser


def _target(url: str, params: Mapping[str, str] | None) -> URL:
    """The absolute http(s) URL to request, or FetchError(bad_url)."""
    try:
        target = URL(url)
        if params:
            target = target.extend_query(params)
    except (ValueError, TypeError) as error:
        raise FetchError("bad_url", str(url), detail=type(error).__name__) from None
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError("bad_url", str(url), detail="not an absolute http(s) URL")
    return target.with_fragment(None)


def _redirect_target(current: URL, location: str, requested: URL) -> URL:
    try:
        target = current.join(URL(location))
    except (ValueError, TypeError):
        raise FetchError("bad_url", requested, detail="unreadable redirect Location") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError("bad_url", requested, detail="redirect to a non-HTTP location")
    return target.with_fragment(None)


def _decode(body: bytes, charset: str | None) -> str:
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
