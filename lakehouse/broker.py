"""A local single-node Apache Kafka broker in KRaft mode, run from the Maven-resolved jars.

`start` formats the storage on first use, launches the broker as a background JVM,
and waits until it answers a metadata request; `stop` shuts it down cleanly. State
(pid, logs, data) lives in `kafka.broker_state_dir`.
"""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

from lakehouse.config import ConfigError, Settings

LOG4J2 = """\
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
"""


class BrokerError(RuntimeError):
    """The local broker could not be started or stopped; the message says why."""


class LocalBroker:
    """The project-managed Kafka broker described by the settings."""

    def __init__(self, settings: Settings):
        if not settings["kafka.managed"]:
            raise ConfigError(f"profile {settings.profile} uses an external Kafka; nothing to start")
        self.settings = settings
        self.state_dir = Path(settings.path("kafka.broker_state_dir"))
        self.port = int(settings["kafka.broker_port"])
        self.controller_port = int(settings["kafka.controller_port"])
        self._proc: subprocess.Popen | None = None  # set when this process started the broker

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "broker.log"

    def _classpath(self) -> str:
        jars_dir = Path(self.settings.path("kafka.broker_jars_dir"))
        if not list(jars_dir.glob("kafka_2.13-*.jar")):
            raise BrokerError(f"Kafka broker jars are not resolved in {jars_dir}: run `make jars` first")
        return f"{jars_dir}/*"

    def _write_config(self) -> Path:
        data_dir = self.state_dir / "data"
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@localhost:{self.controller_port}",
            "listeners": f"PLAINTEXT://localhost:{self.port},CONTROLLER://localhost:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://localhost:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(data_dir),
            "num.partitions": str(self.settings["kafka.topic_partitions"]),
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "false",
            "log.retention.hours": "-1",
        }
        config = self.state_dir / "server.properties"
        config.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        (self.state_dir / "log4j2.properties").write_text(LOG4J2.format(log=self.log_file))
        return config

    def _java(self, main: str, *args: str, heap: str = "256m") -> list[str]:
        return [
            "java",
            f"-Xmx{heap}",
            f"-Dlog4j2.configurationFile={self.state_dir / 'log4j2.properties'}",
            "-Dkafka.logs.dir=" + str(self.state_dir),
            "-cp",
            self._classpath(),
            main,
            *args,
        ]

    def _format_storage(self, config: Path) -> None:
        if (self.state_dir / "data" / "meta.properties").exists():
            return
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        cmd = self._java("kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(config))
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise BrokerError(f"formatting Kafka storage failed: {(result.stderr or result.stdout).strip()[-500:]}")

    def pid(self) -> int | None:
        """The broker's pid when it is running, else None."""
        if self._proc is not None and self._proc.poll() is not None:
            return None  # our own child has exited (and is now reaped)
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
            return pid
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None

    def port_open(self) -> bool:
        """True when something accepts connections on the broker port."""
        with socket.socket() as sock:
            sock.settimeout(1)
            return sock.connect_ex(("localhost", self.port)) == 0

    def start(self) -> bool:
        """Start the broker unless it is running; returns True when this call started it."""
        if self.pid():
            self.wait_ready()
            return False
        if self.port_open():
            raise BrokerError(f"port {self.port} is taken by another process; stop it or set kafka.broker_port")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        self._format_storage(config)
        with open(self.state_dir / "broker.out", "ab") as out:
            proc = subprocess.Popen(
                self._java("kafka.Kafka", str(config), heap=self.settings["kafka.broker_heap"]),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self._proc = proc
        self.pid_file.write_text(str(proc.pid))
        self.wait_ready(proc)
        return True

    def wait_ready(self, proc: subprocess.Popen | None = None) -> None:
        """Block until the broker answers a metadata request, or raise BrokerError."""
        from kafka import KafkaAdminClient
        from kafka.errors import KafkaError

        deadline = time.monotonic() + float(self.settings["kafka.start_timeout_s"])
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise BrokerError(f"Kafka broker exited with code {proc.returncode}; see {self.state_dir}/broker.out")
            if self.port_open():
                try:
                    admin = KafkaAdminClient(bootstrap_servers=f"localhost:{self.port}", request_timeout_ms=5000)
                    admin.list_topics()
                    admin.close()
                    return
                except KafkaError:
                    pass
            time.sleep(0.5)
        raise BrokerError(f"Kafka broker did not become ready within {self.settings['kafka.start_timeout_s']}s")

    def stop(self, timeout_s: float = 60) -> bool:
        """Stop the broker cleanly (SIGTERM, then SIGKILL after timeout); True if it was running."""
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
