"""The table catalog maps names to lake paths."""

import pytest

from lakehouse.catalog import TABLES, checkpoint_path, table_path
from lakehouse.config import resolve


def test_table_paths_live_below_the_lake_root():
    settings = resolve("k8s", {})
    assert table_path(settings, "silver.job_postings") == "s3a://joblake-lake/silver/job_postings"
    assert checkpoint_path(settings, "q") == "s3a://joblake-lake/_checkpoints/q"


def test_every_layer_is_present():
    assert {t.layer for t in TABLES.values()} == {"bronze", "silver", "gold"}


def test_unknown_table_names_the_known_ones():
    with pytest.raises(KeyError, match="silver.job_postings"):
        table_path(resolve("local", {}), "silver.jobs")
