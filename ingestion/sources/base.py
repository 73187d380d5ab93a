"""What every connector shares: the query it answers and the protocol it implements."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ingestion.fetch import Fetcher

Posting = dict[str, Any]


@dataclass(frozen=True)
class Query:
    """What to look for: keywords, a location, how recent, and how many result pages at most."""

    keywords: str = ""
    location: str | None = None
    posted_within: timedelta | None = None
    pages: int = 1


class Source(Protocol):
    """A connector: `name` is the posting's `source`; `postings` yields posting dicts."""

    name: str

    def postings(self, query: Query, fetcher: Fetcher) -> AsyncIterator[Posting]:
        """Yield every posting found for the query (possibly with duplicates; the caller dedups)."""
        ...


def utc_now() -> datetime:
    """The clock connectors stamp `scraped_at` with (injected so tests can fix it)."""
    return datetime.now(UTC)


Clock = Callable[[], datetime]
