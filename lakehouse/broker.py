"""A local single-node Apache Kafka broker in KRaft mode, run from the Maven-resolved jars.

`start` formats the storage on first use, launches the broker as a background JVM,
and waits until it answers a metadata request; `stop` shuts it down cleanly. State
(pid, logs, data) lives in `kafka.broker_state_dir`.
"""

from __future__ import annotations

import base64
import subprocess
import uuid
from pathlib import Path

from lakehouse.config import ConfigError, Settings
from lakehouse.jvm_service import JvmService

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


class LocalBroker(JvmService):
    """The project-managed Kafka broker described by the settings."""

    label = "Kafka broker"
    error = BrokerError

    def __init__(self, settings: Settings):
        if not settings["kafka.managed"]:
            raise ConfigError(f"profile {settings.profile} uses an external Kafka; nothing to start")
        super().__init__(
            Path(settings.path("kafka.broker_state_dir")),
            int(settings["kafka.broker_port"]),
            "kafka.broker_port",
            float(settings["kafka.start_timeout_s"]),
        )
        self.settings = settings
        self.controller_port = int(settings["kafka.controller_port"])

    @property
    def log_file(self) -> Path:
        return self.state_dir / "broker.log"

    def _classpath(self) -> str:
        jars_dir = Path(self.settings.path("kafka.broker_jars_dir"))
        if not list(jars_dir.glob("kafka_2.13-*.jar")):
            raise BrokerError(f"Kafka broker jars are not resolved in {jars_dir}: run `make jars` first")
        return f"{jars_dir}/*"

    def _write_config(self) -> Path:
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@localhost:{self.controller_port}",
            "listeners": f"PLAINTEXT://localhost:{self.port},CONTROLLER://localhost:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://localhost:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.state_dir / "data"),
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
        logging = {
            "log4j2.configurationFile": str(self.state_dir / "log4j2.properties"),
            "kafka.logs.dir": str(self.state_dir),
        }
        return self.java(self._classpath(), main, *args, heap=heap, properties=logging)

    def command(self) -> list[str]:
        """Write server.properties, format the storage on first use, and return the broker command."""
        config = self._write_config()
        if not (self.state_dir / "data" / "meta.properties").exists():
            cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
            result = subprocess.run(
                self._java("kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(config)),
                capture_output=True,
                text=True,
                timeout=120,
            )
            if result.returncode != 0:
                detail = (result.stderr or result.stdout).strip()[-500:]
                raise BrokerError(f"formatting Kafka storage failed: {detail}")
        return self._java("kafka.Kafka", str(config), heap=self.settings["kafka.broker_heap"])

    def ready(self) -> bool:
        """True when the broker answers a metadata request."""
        from kafka import KafkaAdminClient
        from kafka.errors import KafkaError

        try:
            admin = KafkaAdminClient(bootstrap_servers=f"localhost:{self.port}", request_timeout_ms=5000)
        except KafkaError:
            return False
        try:
            admin.list_topics()
            return True
        except KafkaError:
            return False
        finally:
            admin.close()
