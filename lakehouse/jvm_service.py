"""A server the project runs in its own JVM from Maven-resolved jars: start, wait until ready, stop.

The local Kafka broker and the local S3-compatible server share this: a state folder with
the pid file and logs, a port that must be free before start, a readiness probe, and a
clean stop (SIGTERM to the process group, SIGKILL after a timeout).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path


class JvmService:
    """Subclasses set `label` and `error`, and implement `command()` and `ready()`."""

    label = "server"
    error: type[Exception] = RuntimeError

    def __init__(self, state_dir: Path, port: int, port_key: str, start_timeout_s: float):
        self.state_dir = state_dir
        self.port = port
        self._port_key = port_key
        self._start_timeout_s = start_timeout_s
        self._proc: subprocess.Popen | None = None  # set when this process started the server

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "server.pid"

    @property
    def out_file(self) -> Path:
        return self.state_dir / "server.out"

    def command(self) -> list[str]:
        """Prepare configuration and storage; the java command line that runs the server."""
        raise NotImplementedError

    def ready(self) -> bool:
        """True when the server answers a real request (raise `error` for a hopeless state)."""
        raise NotImplementedError

    @staticmethod
    def java(classpath: str, main: str, *args: str, heap: str, properties: dict[str, str] | None = None) -> list[str]:
        """`java -Xmx… -Dk=v… -cp classpath main args…`."""
        system = [f"-D{k}={v}" for k, v in (properties or {}).items()]
        return ["java", f"-Xmx{heap}", *system, "-cp", classpath, main, *args]

    def pid(self) -> int | None:
        """The server's pid when it is running, else None."""
        if self._proc is not None and self._proc.poll() is not None:
            return None  # our own child has exited (and is now reaped)
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
            return pid
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None

    def port_open(self) -> bool:
        """True when something accepts connections on the server's port."""
        with socket.socket() as sock:
            sock.settimeout(1)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def start(self) -> bool:
        """Start the server unless it is running; returns True when this call started it."""
        if self.pid():
            self.wait_ready()
            return False
        if self.port_open():
            raise self.error(f"port {self.port} is taken by another process; stop it or set {self._port_key}")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        cmd = self.command()
        with open(self.out_file, "ab") as out:
            self._proc = subprocess.Popen(
                cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )
        self.pid_file.write_text(str(self._proc.pid))
        self.wait_ready()
        return True

    def wait_ready(self) -> None:
        """Block until `ready()`, or raise `error` when the process dies or the timeout passes."""
        deadline = time.monotonic() + self._start_timeout_s
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise self.error(f"{self.label} exited with code {self._proc.returncode}; see {self.out_file}")
            if self.port_open() and self.ready():
                return
            time.sleep(0.3)
        raise self.error(f"{self.label} did not become ready within {self._start_timeout_s:g}s; see {self.out_file}")

    def stop(self, timeout_s: float = 60) -> bool:
        """Stop the server cleanly (SIGTERM, then SIGKILL after the timeout); True if it was running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.pid() is None:
                break
            time.sleep(0.3)
        else:
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True
