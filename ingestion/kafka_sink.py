"""Publish SourceRecords to the posting topic: acks=all, idempotent, keyed by posting key."""

from __future__ import annotations

from collections.abc import Iterable

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from ingestion.records import SourceRecord
from lakehouse.config import Settings


class KafkaUnavailableError(RuntimeError):
    """Kafka could not be reached; the message says what to do."""


def _servers(settings: Settings) -> str:
    return settings["kafka.bootstrap_servers"]


def _unreachable(settings: Settings) -> KafkaUnavailableError:
    return KafkaUnavailableError(f"Kafka is not reachable at {_servers(settings)}: start it with `joblake kafka start`")


def ensure_topic(settings: Settings) -> bool:
    """Create the posting topic if it does not exist; True when this call created it."""
    try:
        admin = KafkaAdminClient(bootstrap_servers=_servers(settings), request_timeout_ms=15000)
    except KafkaError:
        raise _unreachable(settings) from None
    try:
        if settings["kafka.topic"] in admin.list_topics():
            return False
        admin.create_topics(
            [
                NewTopic(
                    settings["kafka.topic"],
                    num_partitions=int(settings["kafka.topic_partitions"]),
                    replication_factor=1,
                )
            ]
        )
        return True
    except TopicAlreadyExistsError:
        return False
    finally:
        admin.close()


def publish(records: Iterable[SourceRecord], settings: Settings) -> int:
    """Send every record and wait for all acknowledgements; returns the number sent."""
    try:
        producer = KafkaProducer(
            bootstrap_servers=_servers(settings),
            acks="all",
            enable_idempotence=True,
            linger_ms=20,
            compression_type="gzip",
            max_in_flight_requests_per_connection=5,
        )
    except KafkaError:
        raise _unreachable(settings) from None
    topic = settings["kafka.topic"]
    futures = []
    try:
        for record in records:
            futures.append(
                producer.send(topic, key=record.key.encode(), value=record.value, headers=list(record.headers))
            )
        producer.flush()
        for future in futures:
            future.get(timeout=60)
    except KafkaError as exc:
        raise KafkaUnavailableError(f"publishing to {topic} failed: {exc}") from exc
    finally:
        producer.close()
    return len(futures)
