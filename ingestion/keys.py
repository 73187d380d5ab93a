"""Posting identity: the key every layer agrees on."""

import hashlib

KEY_SEPARATOR = "\u0001"


def posting_key(source: str, source_job_id: str) -> str:
    """SHA-256 hex of source and source job id, the Kafka key and silver's merge key.

    Spark computes the same value with `sha2(concat_ws('\\u0001', source, source_job_id), 256)`.
    """
    return hashlib.sha256(f"{source}{KEY_SEPARATOR}{source_job_id}".encode()).hexdigest()
