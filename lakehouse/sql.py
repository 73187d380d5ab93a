"""SQL over the lake by name: a Hive catalog of the Delta tables, queries and a prompt, and a Thrift server.

Every table of `lakehouse.catalog.TABLES` that exists on disk is an EXTERNAL Delta table of a database named for
its layer (`gold.agg_skill_trends`), in a Hive catalog whose embedded Derby metastore and warehouse live in
`sql.catalog_dir` (default `<lake.root>/_catalog`). `spark-sql`, notebooks, `joblake sql` and the Thrift server
see the same names. Derby admits one JVM at a time: while the Thrift server holds the metastore, `joblake sql`
registers the same tables in a catalog of its own session instead (the names and the data are the same).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from pyspark.sql import SparkSession

from lakehouse.catalog import TABLES, table_exists, table_path
from lakehouse.config import ConfigError, Settings
from lakehouse.jvm_service import JvmService
from lakehouse.session import catalog_dir, get_spark

LAYERS = ("bronze", "silver", "gold")
CREATED_BY = {"bronze": "joblake stream", "silver": "joblake stream", "gold": "joblake nightly"}
CREATED_BY_TABLE = {"gold.resume_matches": "joblake match --resume FOLDER"}
QUIT = {"\\q", "exit", "quit"}
SHOW_CELL = 60  # characters of a cell the table output shows (0: all)


class SqlError(RuntimeError):
    """A statement failed, or the Thrift server could not start or stop; the message is one readable line."""


def created_by(name: str) -> str:
    """The command that creates a table, e.g. `joblake nightly` for gold."""
    return CREATED_BY_TABLE.get(name, CREATED_BY[TABLES[name].layer])


@dataclass
class Registration:
    """Which tables `register_tables` made addressable by name, and which are not built yet (with their command)."""

    registered: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """`N tables registered` and one line per missing table."""
        return [f"{len(self.registered)} tables registered"] + [
            f"  {name}: not built yet (run `{command}`)" for name, command in self.missing.items()
        ]


def _location(spark: SparkSession, name: str) -> str | None:
    """Where the catalog says a table lives (`file:` dropped), or None when it is not registered."""
    if not spark.catalog.tableExists(name):
        return None
    layer, table = name.split(".")
    info = spark.sql(f"SHOW TABLE EXTENDED IN {layer} LIKE '{table}'").first()["information"]
    found = re.search(r"^Location: (.*)$", info, re.MULTILINE)
    return re.sub(r"^file:(//)?", "", found.group(1).strip()) if found else ""


def register_tables(spark: SparkSession, settings: Settings) -> Registration:
    """Register every table of the lake that exists on disk as an external Delta table; idempotent.

    One database per layer. A name registered for another lake (another `lake.root`) is pointed at this one;
    dropping an external table's name leaves its data alone.
    """
    result = Registration()
    for layer in LAYERS:
        spark.sql(f"CREATE DATABASE IF NOT EXISTS {layer}")
    for name in TABLES:
        if not table_exists(spark, settings, name):
            result.missing[name] = created_by(name)
            continue
        path = table_path(settings, name)
        location = _location(spark, name)
        if location is not None and location.rstrip("/") != re.sub(r"^file:(//)?", "", path).rstrip("/"):
            spark.sql(f"DROP TABLE {name}")
        spark.sql(f"CREATE TABLE IF NOT EXISTS {name} USING delta LOCATION '{path}'")
        result.registered.append(name)
    return result


# statements ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One SQL statement without its comments, and the comment lines before it (e.g. the question it answers)."""

    sql: str
    comment: str = ""


def split_statements(text: str) -> tuple[list[Statement], str]:
    """Split SQL text at `;` outside quotes and comments: (complete statements, the unterminated rest).

    >>> split_statements("-- one\\nselect 1; select ';' as s;\\nselect")
    ([Statement(sql='select 1', comment='one'), Statement(sql="select ';' as s", comment='')], 'select')
    """
    statements: list[Statement] = []
    sql: list[str] = []
    comments: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`":  # a quoted literal or identifier, up to its closing quote (backslash escapes)
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            sql.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            if not "".join(sql).strip():
                comments.append(text[i + 2 : end].strip())
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            if not "".join(sql).strip():
                comments.append(text[i + 2 : end - 2].strip())
            i = end
        elif ch == ";":
            body = "".join(sql).strip()
            if body:
                statements.append(Statement(body, "\n".join(c for c in comments if c)))
            sql, comments = [], []
            i += 1
        else:
            sql.append(ch)
            i += 1
    return statements, "".join(sql).strip()


_FAILED_TASK = re.compile(r"most recent failure: Lost task .*?\(TID \d+\) \([^)]*\): (.+)")


def error_line(exc: BaseException) -> str:
    """One line for a Spark error, what `joblake sql` and the CLI print.

    - A Python worker's error (PythonException): the cause the worker raised, the last line of its
      traceback ("ValueError: tagger weights ..."), not "An exception was thrown from the Python worker".
    - A failed task ("Job aborted due to stage failure: ... most recent failure: Lost task ..."): the
      task's cause ("java.lang.RuntimeException: boom").
    - Anything else: its first line (`[TABLE_OR_VIEW_NOT_FOUND] The table or view ...`).
    """
    java = getattr(exc, "java_exception", None)
    text = str(java.toString()) if java is not None and type(exc).__name__ == "Py4JJavaError" else str(exc)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    if type(exc).__name__ == "PythonException":
        return lines[-1]
    failed_task = _FAILED_TASK.search(lines[0])
    return failed_task.group(1) if failed_task else lines[0]


def spark_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a failed statement raises (analysis, parse, execution)."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors.exceptions.base import PySparkException

    return (PySparkException, Py4JJavaError)


def _cell(value: Any, width: int) -> str:
    if value is None:
        text = "NULL"
    elif isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else repr(value)
    elif isinstance(value, (list, dict, tuple)):
        text = json.dumps(_plain(value), default=str)
    else:
        text = str(value)
    text = text.replace("\n", " ")
    return text if not width or len(text) <= width else text[: width - 1] + "…"


def _plain(value: Any) -> Any:
    """Rows, lists and maps as JSON-ready values; dates and decimals as strings."""
    if hasattr(value, "asDict"):
        return {k: _plain(v) for k, v in value.asDict().items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime, Decimal, bytes, bytearray)):
        return value.hex() if isinstance(value, (bytes, bytearray)) else str(value)
    return value


def format_table(columns: list[str], rows: list[tuple], width: int = SHOW_CELL) -> list[str]:
    """An aligned text table: header, rule, rows (numbers right-aligned)."""
    cells = [[_cell(v, width) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [
        bool(rows)
        and all(r[i] is None or isinstance(r[i], (int, float, Decimal)) and not isinstance(r[i], bool) for r in rows)
        for i in range(len(columns))
    ]

    def line(values: list[str]) -> str:
        padded = (v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True))
        return " | ".join(padded).rstrip()

    return [line(columns), "-+-".join("-" * w for w in widths)] + [line(r) for r in cells]


def run_statement(spark: SparkSession, sql: str, out: IO[str], as_json: bool = False, limit: int = 1000) -> None:
    """Run one statement and print its rows: an aligned table with a row count, or one JSON object per row."""
    result_df = spark.sql(sql)
    columns = result_df.columns
    if not columns:  # DDL and other commands
        if not as_json:
            print("OK", file=out)
        return
    rows = result_df.limit(limit + 1).collect() if limit else result_df.collect()
    more = bool(limit) and len(rows) > limit
    rows = rows[:limit] if limit else rows
    if as_json:
        for row in rows:
            print(json.dumps(dict(zip(columns, _plain(list(row)), strict=True)), default=str), file=out)
        return
    for text in format_table(columns, [tuple(r) for r in rows]):
        print(text, file=out)
    count = f"({len(rows)} row{'' if len(rows) == 1 else 's'}"
    print(count + ("; more not shown: raise --limit)" if more else ")"), file=out)


def run_sql(
    spark: SparkSession, text: str, out: IO[str] | None = None, as_json: bool = False, limit: int = 1000
) -> int:
    """Run every statement of a query or a .sql file (`;`-separated, comments allowed); returns how many ran.

    Raises SqlError (`statement N: <first line of Spark's error>` when there are several) at the first failure.
    """
    out = out or sys.stdout
    statements, rest = split_statements(text)
    if rest:
        statements.append(Statement(rest))
    for number, statement in enumerate(statements, 1):
        if number > 1 and not as_json:
            print(file=out)
        try:
            run_statement(spark, statement.sql, out, as_json, limit)
        except spark_errors() as exc:
            where = f"statement {number}: " if len(statements) > 1 else ""
            raise SqlError(where + error_line(exc)) from None
    return len(statements)


# the prompt -----------------------------------------------------------------------------------------------------


def print_tables(spark: SparkSession, out: IO[str], missing: dict[str, str] | None = None) -> None:
    """Every table registered in the layer databases with its row count (the prompt's `tables`)."""
    rows = []
    for layer in LAYERS:
        if not spark.catalog.databaseExists(layer):
            continue
        for table in sorted(t.name for t in spark.catalog.listTables(layer) if not t.isTemporary):
            rows.append((f"{layer}.{table}", spark.table(f"{layer}.{table}").count()))
    for text in format_table(["table", "rows"], rows, width=0):
        print(text, file=out)
    for name, command in (missing or {}).items():
        print(f"{name}: not built yet (run `{command}`)", file=out)


def _history(settings: Settings):
    """Readline history in `sql.state_dir` when the prompt reads a terminal; returns the function that saves it."""
    if not sys.stdin.isatty():
        return lambda: None
    try:
        import readline
    except ImportError:
        return lambda: None
    history = Path(settings.path("sql.state_dir")) / "history"
    history.parent.mkdir(parents=True, exist_ok=True)
    if history.exists():
        readline.read_history_file(history)
    readline.set_history_length(1000)
    return lambda: readline.write_history_file(history)


def prompt(
    spark: SparkSession,
    settings: Settings,
    registration: Registration,
    read=None,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    """The interactive SQL prompt: statements end with `;` (several lines allowed), `tables`, `\\q` or `exit`."""
    read = read or input  # looked up at call time, so a test can replace `input`
    out, err = out or sys.stdout, err or sys.stderr
    save_history = _history(settings)
    print(
        f"joblake sql: {len(registration.registered)} tables in bronze, silver and gold ({catalog_kind(spark)}); "
        "end statements with ';', `tables` lists them, \\q quits",
        file=out,
    )
    pending: list[str] = []
    try:
        while True:
            try:
                line = read("joblake> " if not pending else "      -> ")
            except EOFError:
                print(file=out)
                break
            except KeyboardInterrupt:  # Ctrl-C drops the statement being typed
                pending = []
                print(file=out)
                continue
            word = line.strip().rstrip(";").strip().lower()
            if not pending and word in QUIT:
                break
            if not pending and word == "tables":
                print_tables(spark, out, registration.missing)
                continue
            if not pending and not word:
                continue
            pending.append(line)
            statements, rest = split_statements("\n".join(pending))
            if rest:
                continue
            pending = []
            for statement in statements:
                try:
                    run_statement(spark, statement.sql, out)
                except spark_errors() as exc:
                    print(f"joblake sql: {error_line(exc)}", file=err)
                    break
    finally:
        save_history()
    return 0


# the catalog's session ---------------------------------------------------------------------------------------------


def catalog_kind(spark: SparkSession) -> str:
    """`Hive catalog <folder>` or `session catalog` for a session without Hive support."""
    if spark.conf.get("spark.sql.catalogImplementation", "in-memory") == "hive":
        return f"Hive catalog {spark.conf.get('spark.sql.warehouse.dir').removesuffix('/warehouse')}"
    return "session catalog"


def metastore_in_use(settings: Settings) -> bool:
    """True when another JVM (the Thrift server, a notebook) has the embedded Derby metastore open."""
    lock = Path(catalog_dir(settings)) / "metastore_db" / "dbex.lck"  # Derby holds a file lock on it while booted
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def sql_session(settings: Settings, err: IO[str] | None = None) -> SparkSession:
    """The session `joblake sql` uses: the shared Hive catalog, or its own catalog while another JVM holds it."""
    if metastore_in_use(settings):
        print(
            f"joblake sql: the metastore in {catalog_dir(settings)} is in use by another process (the Thrift server?); "
            "names are registered for this session only",
            file=err or sys.stderr,
        )
        return get_spark(settings)
    return get_spark(settings, catalog=True)


# the Thrift server ------------------------------------------------------------------------------------------------


class ThriftServer(JvmService):
    """Spark's HiveThriftServer2 over the shared catalog, in a background Python process that holds the session.

    `python -m lakehouse.sql serve <settings.json>` builds the project's session (Delta, project jars, Hive catalog),
    registers the lake's tables, and starts the server inside it with `HiveThriftServer2.startWithContext`.
    """

    label = "Spark Thrift server"
    error = SqlError

    def __init__(self, settings: Settings, port: int | None = None):
        if settings["sql.thrift_auth"] not in ("NONE", "NOSASL"):
            raise ConfigError(f"sql.thrift_auth must be NONE or NOSASL, not {settings['sql.thrift_auth']}")
        if port is not None:
            settings = settings.with_overrides({"sql.thrift_port": port})
        super().__init__(
            Path(settings.path("sql.state_dir")),
            int(settings["sql.thrift_port"]),
            "sql.thrift_port",
            float(settings["sql.start_timeout_s"]),
        )
        self.settings = settings

    @property
    def host(self) -> str:
        host = str(self.settings["sql.thrift_host"])
        return "127.0.0.1" if host in ("0.0.0.0", "::") else host

    @property
    def jdbc_url(self) -> str:
        """What BI tools connect to."""
        auth = ";auth=noSasl" if self.settings["sql.thrift_auth"] == "NOSASL" else ""
        return f"jdbc:hive2://localhost:{self.port}/default{auth}"

    def command(self) -> list[str]:
        """Write the settings for the server process; its command line."""
        config = self.state_dir / "settings.json"
        config.touch(mode=0o600)  # the resolved settings (a webhook URL may carry a token): for this user only
        config.chmod(0o600)
        config.write_text(json.dumps({"profile": self.settings.profile, "values": self.settings.values}))
        return [sys.executable, "-m", "lakehouse.sql", "serve", str(config)]

    def stop(self, timeout_s: float = 60) -> bool:
        """Stop the server, and wait until its JVM has let go of the metastore."""
        stopped = super().stop(timeout_s)
        deadline = time.monotonic() + timeout_s
        while stopped and metastore_in_use(self.settings) and time.monotonic() < deadline:
            time.sleep(0.2)
        return stopped

    def connect(self):
        """A PyHive connection to the server."""
        from pyhive import hive

        return hive.connect(host=self.host, port=self.port, auth=self.settings["sql.thrift_auth"], username="joblake")

    def ready(self) -> bool:
        """True when the server answers `SELECT 1`."""
        try:
            with self.connect() as conn:
                cursor = conn.cursor()
                cursor.execute("SELECT 1")
                return cursor.fetchall() == [(1,)]
        except Exception:  # noqa: BLE001 - not up yet: refused, reset or an error from the starting server
            return False


def serve(settings: Settings) -> None:
    """Run the Thrift server in this process until it is killed (what `joblake thrift start` launches)."""
    spark = get_spark(settings, app_name="joblake-thrift", catalog=True)
    # before the catalog's first use: the server reuses the Hive session state (and its HiveConf) created then
    hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
    hadoop_conf.set("hive.server2.thrift.port", str(settings["sql.thrift_port"]))
    hadoop_conf.set("hive.server2.thrift.bind.host", str(settings["sql.thrift_host"]))
    hadoop_conf.set("hive.server2.authentication", str(settings["sql.thrift_auth"]))
    hadoop_conf.set("hive.server2.transport.mode", "binary")
    registration = register_tables(spark, settings)
    print("\n".join(registration.lines()), flush=True)
    server = spark._jvm.org.apache.spark.sql.hive.thriftserver.HiveThriftServer2
    server.startWithContext(spark._jsparkSession.sqlContext())
    print(
        f"thrift: serving {catalog_kind(spark)} on {settings['sql.thrift_host']}:{settings['sql.thrift_port']}",
        flush=True,
    )
    threading.Event().wait()  # SIGTERM (joblake thrift stop) ends the process and the JVM with it


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        stored = json.loads(Path(sys.argv[2]).read_text())
        serve(Settings(stored["profile"], stored["values"]))
    else:
        sys.exit("usage: python -m lakehouse.sql serve SETTINGS.json")
