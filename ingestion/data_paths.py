"""Where the shared real data lives: read by path, never copied into the repository."""

from __future__ import annotations

import os
from pathlib import Path

SHARED_DATA_ENV = "JOBLAKE_SHARED_DATA"
REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """`$JOBLAKE_SHARED_DATA` when set, else `<repo>/../shared/data` (it may not exist)."""
    configured = os.environ.get(SHARED_DATA_ENV)
    return Path(configured).expanduser() if configured else REPO_ROOT.parent / "shared" / "data"


def shared_data_path(*parts: str) -> Path:
    """A path inside the shared data folder: `shared_data_path("postings", "nhs_jobs_2020.jsonl")`."""
    return shared_data_dir().joinpath(*parts)


class MissingDataError(RuntimeError):
    """The shared real-data folder (or a file an evaluation needs in it) is not there."""


def require_shared_data(*parts: str) -> Path:
    """`shared_data_path(*parts)`, or a MissingDataError naming where it was looked for."""
    path = shared_data_path(*parts)
    if not path.exists():
        raise MissingDataError(f"real data not found at {path} (set {SHARED_DATA_ENV})")
    return path
