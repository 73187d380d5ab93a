"""The Spark session factory: settings that reach the running JVM."""

import pytest

pytestmark = pytest.mark.spark


def test_the_memory_page_is_the_configured_size(spark, settings):
    # Spark's own size on a 2 GB local[2] driver is 32 MB, and each broadcast hash relation holds a page
    page = spark.sparkContext._jsc.sc().env().memoryManager().pageSizeBytes()
    assert settings["spark.page_size"] == "4m" and page == 4 * 2**20
