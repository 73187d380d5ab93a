"""`joblake k8s submit JOB --dry-run`: the rendered spark-submit, printed, never run."""

from __future__ import annotations

import pytest

from lakehouse import cli


def test_dry_run_prints_the_command_of_the_job_with_the_given_arguments(capsys):
    argv = ["k8s", "submit", "nightly", "--overlay", "dev", "--dry-run", "--args", "nightly --full-rebuild"]
    assert cli.main(argv) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("spark-submit \\\n  --master k8s://")
    assert "--name joblake-nightly" in printed and "spark.kubernetes.namespace=joblake-dev" in printed
    assert printed.rstrip().endswith("local:///opt/joblake/lakehouse/cli.py \\\n  nightly --full-rebuild")


def test_without_arguments_the_manifests_own_are_used(capsys):
    assert cli.main(["k8s", "submit", "stream", "--dry-run"]) == 0
    assert printed_last_line(capsys.readouterr().out).startswith("stream")


def printed_last_line(text: str) -> str:
    return text.rstrip().splitlines()[-1].strip()


def test_an_unknown_job_is_a_usage_error():
    with pytest.raises(SystemExit) as exit_:
        cli.main(["k8s", "submit", "bogus", "--dry-run"])
    assert exit_.value.code == 2
