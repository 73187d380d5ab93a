"""The local backend's one-line error: what a failed command's task fails with (and what its alert says)."""

from __future__ import annotations

import pytest
from joblake_orchestration.local import error_line


@pytest.mark.parametrize(
    ("stderr", "returncode", "expected"),
    [
        # the CLI's own line wins over Spark's log lines around it
        (["26/11/30 WARN NativeCodeLoader: …", "joblake nightly: silver quality gate failed: 1 rule broken", ""], 1,
         "joblake nightly: silver quality gate failed: 1 rule broken"),
        # an unexpected crash: the traceback's last line (a log line naming joblake is not the CLI's message)
        (["joblake-tests started", "Traceback (most recent call last):", "ValueError: bad"], 1, "ValueError: bad"),
        ([], -9, "killed by signal SIGKILL"),  # the OOM killer leaves no line
        (["", "  "], 3, "exited with code 3"),  # nothing printed
    ],
)  # fmt: skip
def test_error_line_is_the_line_the_cli_printed(stderr, returncode, expected):
    assert error_line(stderr, returncode) == expected
