"""Ingestion benchmark: connector throughput at concurrency 1 and 10, Kafka producer throughput.

Run with `make bench`. Figures go to bench_results/ingestion.json, each with a baseline
measured in the same run and the ratio against it:
- connector: the LinkedIn connector against a local server whose pages take 20 ms to
  answer, at 10 requests per host in flight vs the baseline of 1;
- producer: joblake's Kafka sink (acks=all, idempotent, gzip) vs a bare producer
  (acks=1, no idempotence, no compression) on the same real local broker.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from aiohttp import web
from kafka import KafkaProducer

from ingestion.fetch import Fetcher
from ingestion.generator import generate_records
from ingestion.kafka_sink import ensure_topic, publish
from ingestion.sources.base import Query
from ingestion.sources.linkedin import DETAIL_PATH, SEARCH_PATH, LinkedInSource
from lakehouse.config import Settings, resolve
from tests.bench.common import running_broker, write_results
from tests.ingestion.fixture_server import FixtureServer
from tests.ingestion.sources.linkedin_pages import card, detail_page

PAGE_LATENCY_S = 0.02


def _slow(text: str):
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(PAGE_LATENCY_S)
        return web.Response(text=text, content_type="text/html")

    return handler


async def _connector_run(jobs: int, concurrency: int) -> float:
    """Postings per second the LinkedIn connector gets out of a board of `jobs` postings."""
    ids = [str(4_200_000_000 + i) for i in range(jobs)]
    async with FixtureServer() as server:
        for start in range(0, jobs, 25):
            cards = "".join(card(j) for j in ids[start : start + 25])
            server.route(SEARCH_PATH, handler=_slow(cards), query={"start": str(start)})
        server.route(SEARCH_PATH, handler=_slow(""), query={"start": str(-(-jobs // 25) * 25)})  # end of results
        for job_id in ids:
            server.route(DETAIL_PATH.format(job_id=job_id), handler=_slow(detail_page()))
        settings = resolve("test", {}).with_overrides(
            {"scrape.linkedin_base_url": server.url(""), "scrape.concurrency_per_host": concurrency}
        )
        source = LinkedInSource(settings)
        started = time.perf_counter()
        async with Fetcher(settings) as fetcher:
            found = [p async for p in source.postings(Query(keywords="data", pages=jobs // 25 + 1), fetcher)]
        elapsed = time.perf_counter() - started
    assert len(found) == jobs, f"connector found {len(found)} of {jobs}"
    return jobs / elapsed


def bench_connector(jobs: int) -> dict:
    """Throughput at concurrency 10 against the concurrency-1 baseline."""
    baseline = asyncio.run(_connector_run(jobs, 1))
    measured = asyncio.run(_connector_run(jobs, 10))
    return {
        "what": f"LinkedIn connector, {jobs} postings, every page answers in {PAGE_LATENCY_S * 1000:.0f} ms",
        "unit": "postings/s",
        "baseline": {"concurrency": 1, "value": round(baseline, 1)},
        "measured": {"concurrency": 10, "value": round(measured, 1)},
        "ratio": round(measured / baseline, 2),
    }


def _bare_publish(records, settings: Settings, topic: str) -> None:
    producer = KafkaProducer(bootstrap_servers=settings["kafka.bootstrap_servers"], acks=1, linger_ms=20)
    for record in records:
        producer.send(topic, key=record.key.encode(), value=record.value)
    producer.flush()
    producer.close()


def bench_producer(count: int) -> dict:
    """joblake's sink against a bare producer, on a real broker started for the benchmark."""
    records = generate_records(count, seed=5)
    with running_broker("bench.postings") as settings:
        for topic in ("bench.postings", "bench.bare", "bench.warmup"):
            ensure_topic(settings.with_overrides({"kafka.topic": topic}))
        _bare_publish(records[:500], settings, "bench.warmup")  # connections and metadata warm
        started = time.perf_counter()
        _bare_publish(records, settings, "bench.bare")
        baseline = count / (time.perf_counter() - started)
        started = time.perf_counter()
        publish(records, settings)
        measured = count / (time.perf_counter() - started)
    return {
        "what": f"publish {count} generated postings to a local single-node KRaft broker",
        "unit": "postings/s",
        "baseline": {"producer": "bare kafka-python, acks=1, no idempotence, no compression", "value": round(baseline)},
        "measured": {"producer": "joblake sink, acks=all, idempotent, gzip", "value": round(measured)},
        "ratio": round(measured / baseline, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200, help="postings on the fixture board")
    parser.add_argument("--records", type=int, default=20000, help="records to publish to Kafka")
    parser.add_argument("--out", default="bench_results/ingestion.json")
    args = parser.parse_args()
    write_results(args.out, {"connector": bench_connector(args.jobs), "producer": bench_producer(args.records)})


if __name__ == "__main__":
    main()
