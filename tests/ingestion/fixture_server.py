"""A local aiohttp.web server for fetcher and connector tests: routes, fault scripts and a request log.

pytest-asyncio is not installed: drive it from a plain test with `asyncio.run`.

    async def scenario():
        async with FixtureServer() as server:
            server.route("/jobs", json={"jobs": []}, faults=["429:retry-after=0", "503"])  # then the JSON
            server.route("/search", text="<li>page 2</li>", query={"start": "25"})   # matched on ?start=25
            server.redirect("/old", "/jobs")
            server.robots("User-agent: *\\nDisallow: /private")
            server.every(3, "429")                                                   # every 3rd request
            async with Fetcher(settings) as fetcher:
                await fetcher.get(server.url("/jobs"))
            assert server.hits("/jobs") == 3 and server.max_in_flight <= 4

    asyncio.run(scenario())

Fault steps, one per request in order, after which the route answers normally:
    "ok"                         the route's own response
    "<status>"                   that status with a short text body ("429", "503", "404", ...)
    "<status>:retry-after=<v>"   the same with a Retry-After header (seconds or an HTTP date)
    "slow:<seconds>"             wait, then the route's response (timeouts, concurrency)
    "truncate"                   declare the full Content-Length, send half the body, close
    "drop"                       close the connection without answering
Paths without a route answer 404 (so robots.txt allows everything unless `robots` sets one).
"""

from __future__ import annotations

import asyncio
import inspect
import json as jsonlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

HOST = "127.0.0.1"
Handler = Callable[[web.Request], Any]  # returns (or awaits to) a web.StreamResponse


@dataclass
class Seen:
    """One request the server received: what was asked, with which headers, when, and how it was answered."""

    method: str
    path: str
    query: dict[str, str]
    headers: CIMultiDict[str]
    started: float  # time.monotonic() on arrival
    finished: float | None = None
    step: str = "ok"  # the fault step applied, "ok" for the route's own response
    status: int | None = None  # None when the connection was dropped or the handler cancelled


@dataclass
class Route:
    """What one path (and optionally query) answers, and its remaining fault script."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    faults: deque[str] = field(default_factory=deque)
    chunked: bool = False
    handler: Handler | None = None

    async def respond(self, request: web.Request) -> web.StreamResponse:
        if self.handler is not None:
            result = self.handler(request)
            return await result if inspect.isawaitable(result) else result
        if not self.chunked:
            return web.Response(status=self.status, body=self.body, headers=self.headers)
        response = web.StreamResponse(status=self.status, headers=self.headers)
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(self.body), 4096):
            await response.write(self.body[start : start + 4096])
        await response.write_eof()
        return response


@dataclass
class _Every:
    n: int
    step: str
    prefix: str
    count: int = 0


class FixtureServer:
    """An HTTP server on 127.0.0.1 and an ephemeral port; routes may be added before or after start."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._routes: dict[str, list[Route]] = {}
        self._rules: list[_Every] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> FixtureServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # handler_cancellation: a client that gives up (timeout) cancels the handler, so close() never waits.
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def host(self) -> str:
        return HOST

    def url(self, path: str = "/") -> str:
        """The absolute URL of a path (with any query) on this server."""
        return f"http://{HOST}:{self.port}{path}"

    def route(
        self,
        path: str,
        *,
        text: str | None = None,
        json: Any = None,
        body: bytes | None = None,
        handler: Handler | None = None,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = None,
        query: Mapping[str, str] | None = None,
        faults: Iterable[str] = (),
        chunked: bool = False,
    ) -> Route:
        """Serve `text`, `json` or `body` (or let `handler` answer) at `path`; `query` narrows the match.

        Among routes of one path the one whose `query` matches the most parameters answers; registering
        the same path and query again replaces the route.
        """
        if text is not None:
            data, default_type = text.encode(), "text/html; charset=utf-8"
        elif json is not None:
            data, default_type = jsonlib.dumps(json).encode(), "application/json"
        else:
            data, default_type = body or b"", "application/octet-stream"
        route = Route(
            body=data,
            status=status,
            headers={"Content-Type": content_type or default_type, **(headers or {})},
            query=dict(query or {}),
            faults=deque(faults),
            chunked=chunked,
            handler=handler,
        )
        routes = [r for r in self._routes.get(path, []) if r.query != route.query]
        self._routes[path] = sorted([*routes, route], key=lambda r: -len(r.query))
        return route

    def redirect(self, path: str, to: str, *, status: int = 302) -> Route:
        """Answer `path` with a redirect to `to` (a path on this server or an absolute URL)."""
        return self.route(path, status=status, headers={"Location": to}, text="")

    def robots(self, text: str) -> Route:
        """Serve a robots.txt."""
        return self.route("/robots.txt", text=text, content_type="text/plain")

    def every(self, n: int, step: str, *, prefix: str = "/") -> None:
        """Apply fault `step` to every n-th request (counted across all routes) whose path starts with `prefix`."""
        self._rules.append(_Every(n, step, prefix))

    def requests_to(self, path: str) -> list[Seen]:
        """The logged requests for one path (query ignored), in arrival order."""
        return [seen for seen in self.requests if seen.path == path]

    def hits(self, path: str) -> int:
        return len(self.requests_to(path))

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        seen = Seen(request.method, request.path, dict(request.query), CIMultiDict(request.headers), time.monotonic())
        self.requests.append(seen)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            route = self._match(request)
            seen.step = self._next_step(request.path, route)
            response = await self._answer(request, route, seen.step)
            seen.status = None if seen.step == "drop" else response.status
            return response
        finally:
            self.in_flight -= 1
            seen.finished = time.monotonic()

    def _match(self, request: web.Request) -> Route | None:
        for route in self._routes.get(request.path, []):
            if all(request.query.get(key) == value for key, value in route.query.items()):
                return route
        return None

    def _next_step(self, path: str, route: Route | None) -> str:
        for rule in self._rules:
            if path.startswith(rule.prefix):
                rule.count += 1
                if rule.count % rule.n == 0:
                    return rule.step
        return route.faults.popleft() if route is not None and route.faults else "ok"

    async def _answer(self, request: web.Request, route: Route | None, step: str) -> web.StreamResponse:
        kind, _, arg = step.partition(":")
        if kind == "slow":
            await asyncio.sleep(float(arg))
            kind = "ok"
        if kind == "drop":
            request.transport.close()
            return web.Response(status=500)
        if kind.isdigit():
            headers = {"Retry-After": arg.removeprefix("retry-after=")} if arg.startswith("retry-after=") else {}
            return web.Response(status=int(kind), text=f"fault {kind}", headers=headers)
        if route is None:
            return web.Response(status=404, text="no route")
        if kind == "truncate":
            response = web.StreamResponse(status=route.status, headers=route.headers)
            response.content_length = len(route.body)
            await response.prepare(request)
            await response.write(route.body[: len(route.body) // 2])
            request.transport.close()
            return response
        if kind != "ok":
            raise ValueError(f"unknown fault step {step!r}")
        return await route.respond(request)


@contextmanager
def serve_in_background() -> Iterator[FixtureServer]:
    """A FixtureServer on its own event-loop thread, for code that runs its own `asyncio.run` (CLI, benchmark)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fixture-server", daemon=True)
    thread.start()
    server = FixtureServer()
    asyncio.run_coroutine_threadsafe(server.__aenter__(), loop).result(timeout=10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.__aexit__(None, None, None), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
