"""The local backend: a task runs one `joblake` command as `python -m lakehouse.cli …` in a subprocess on the worker.

A subprocess rather than `lakehouse.cli.main([...])` in the task's own process: each task gets its own JVM
(a local-mode Spark session ends with the task, and no session, cached configuration or log4j setup leaks from
one task into the next when a worker runs several), the exit code is the command's own, and the task runs
exactly what a person types, and what the k8s backend's driver pod runs with the same arguments.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException

import lakehouse
from lakehouse.config import Settings

STOP_GRACE_S = 30  # on_kill: SIGTERM, then SIGKILL after this long
CLI_ERROR = re.compile(r"^joblake [a-z-]+: ")  # how lakehouse.cli.main prints an expected failure
KEPT_STDERR_LINES = 200  # the tail of stderr searched for the one-line error (a stream runs for days)


def workdir(settings: Settings) -> Path:
    """Where local commands run and relative configured paths resolve: orchestration.workdir, else the project."""
    configured = settings["orchestration.workdir"]
    return Path(configured).expanduser().resolve() if configured else Path(lakehouse.__file__).resolve().parents[1]


def error_line(stderr_lines: Sequence[str], returncode: int) -> str:
    """The CLI's one-line error: its last `joblake …:` line on stderr, else stderr's last line, else the exit code.

    >>> error_line(["WARN NativeCodeLoader", "joblake nightly: silver quality gate failed: …"], 1)
    'joblake nightly: silver quality gate failed: …'
    """
    lines = [line.strip() for line in stderr_lines if line.strip()]
    for line in reversed(lines):
        if CLI_ERROR.match(line):
            return line
    if lines:
        return lines[-1]  # not the CLI's own message: a traceback's last line, or the JVM's
    if returncode < 0:
        return f"killed by signal {signal.Signals(-returncode).name}"
    return f"exited with code {returncode}"


class JoblakeCommandOperator(BaseOperator):
    """Run `joblake <arguments>` in a subprocess; a non-zero exit fails the task with the line the CLI printed.

    `arguments` is templated, e.g. ["nightly", "--date", "{{ data_interval_start | ds }}"]. Output goes to
    the task log line by line as it comes.
    """

    template_fields: Sequence[str] = ("arguments",)
    ui_color = "#e8f4fd"

    def __init__(self, *, arguments: list[str], cwd: str | Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.arguments = arguments
        self.cwd = str(cwd)
        self._process: subprocess.Popen[str] | None = None

    def execute(self, context: Any) -> None:
        command = [sys.executable, "-m", "lakehouse.cli", *self.arguments]
        self.log.info("running: joblake %s (in %s)", shlex.join(self.arguments), self.cwd)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self._process = subprocess.Popen(
            command, cwd=self.cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        stderr_lines: deque[str] = deque(maxlen=KEPT_STDERR_LINES)
        readers = [
            threading.Thread(target=self._forward, args=(self._process.stdout, None), daemon=True),
            threading.Thread(target=self._forward, args=(self._process.stderr, stderr_lines), daemon=True),
        ]
        for reader in readers:
            reader.start()
        returncode = self._process.wait()
        for reader in readers:
            reader.join()
        if returncode != 0:
            self.log.error("joblake %s exited with code %s", self.arguments[0], returncode)
            raise AirflowException(error_line(stderr_lines, returncode))

    def _forward(self, stream: IO[str] | None, kept: deque[str] | None) -> None:
        """Copy a pipe into the task log; keep the lines when asked (stderr holds the one-line error)."""
        if stream is None:
            return
        for line in stream:
            self.log.info("%s", line.rstrip("\n"))
            if kept is not None:
                kept.append(line)

    def on_kill(self) -> None:
        """Stop the command when the task is killed: SIGTERM (Spark stops its session), then SIGKILL."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
