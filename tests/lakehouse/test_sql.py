"""SQL by name over the gold lake: registration, one-shot queries and files, the prompt, the examples, Thrift.

The test session's Spark has no Hive support (a JVM's catalog is fixed when it starts), so the in-process tests
register the tables in that session's catalog through the same code; the Thrift server runs in its own process
with the Hive catalog (embedded Derby metastore) in a temporary folder, as `joblake thrift start` runs it.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from lakehouse import cli
from lakehouse.catalog import TABLES, table_path
from lakehouse.config import load_settings
from lakehouse.sql import ThriftServer, _location, metastore_in_use, register_tables, split_statements
from tests.conftest import REPO, free_port, gold_settings

pytestmark = pytest.mark.spark

QUERIES = REPO / "docs" / "queries.sql"
EXAMPLE_COLUMNS = [  # the columns each query of docs/queries.sql returns, in order
    ["month", "skill_name", "category", "prev_postings", "postings", "growth"],
    ["country", "salary_currency", "postings_with_salary", "median_salary_annual"],
    ["country", "city", "postings", "remote_share", "top_skills"],
    ["week", "skill_name", "postings", "share_of_week"],
    ["company_name", "python_postings"],
    ["source", "postings", "duplicates", "duplicate_share", "share_with_any_issue"],
    ["reject_reason", "records", "first_seen", "last_seen"],
    ["industry", "postings", "active_postings"],
    ["job_family", "seniority_level", "postings"],
    ["week_start", "postings", "companies"],
]


@pytest.fixture(scope="module")
def lake_settings(settings, gold_lake, tmp_path_factory):
    return gold_settings(settings, gold_lake).with_overrides({"sql.state_dir": str(tmp_path_factory.mktemp("sql"))})


@pytest.fixture(scope="module")
def thrift(lake_settings, tmp_path_factory):
    """A Thrift server over its own metastore, started in the background as soon as the first test asks for it."""
    folder = tmp_path_factory.mktemp("thrift")
    server = ThriftServer(
        lake_settings.with_overrides(
            {"sql.catalog_dir": str(folder / "catalog"), "sql.state_dir": str(folder / "state")}
        ),
        port=free_port(),
    )
    with ThreadPoolExecutor(1) as pool:
        starting = pool.submit(server.start)
        try:
            yield server, starting
        finally:
            starting.exception()  # wait for the start before stopping
            server.stop()
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def registered(spark, lake_settings, thrift):
    """The gold lake's tables registered in the test session's catalog; their names dropped after the module."""
    registration = register_tables(spark, lake_settings)
    yield registration
    for name in registration.registered:
        spark.sql(f"DROP TABLE IF EXISTS {name}")  # external tables: the data stays


@pytest.fixture
def cli_env(lake_settings, gold_lake, monkeypatch):
    """The CLI's settings (from the environment) pointed at the gold lake."""
    for name, value in gold_lake.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("JOBLAKE__SQL__STATE_DIR", lake_settings["sql.state_dir"])
    load_settings.cache_clear()
    yield
    load_settings.cache_clear()


def test_every_existing_table_is_registered_once_and_missing_ones_name_their_command(spark, lake_settings, registered):
    again = register_tables(spark, lake_settings)  # idempotent: the same names, nothing new
    assert again == registered
    assert "bronze.job_postings" in registered.missing  # the gold lake's silver was written without a stream
    assert registered.missing["bronze.job_postings"] == "joblake stream"
    assert "  bronze.job_postings: not built yet (run `joblake stream`)" in registered.lines()
    assert set(registered.registered) | set(registered.missing) == set(TABLES)
    assert {"gold.agg_skill_trends", "gold.fact_job_postings", "silver.job_postings"} <= set(registered.registered)
    for name in registered.registered:
        assert _location(spark, name) == table_path(lake_settings, name), name


def test_a_name_registered_for_another_lake_is_pointed_at_this_one(spark, lake_settings, registered, tmp_path):
    other = lake_settings.with_overrides({"lake.root": str(tmp_path / "other")})
    spark.read.format("delta").load(table_path(lake_settings, "silver.stream_batches")).write.format("delta").save(
        table_path(other, "silver.stream_batches")
    )
    spark.sql("DROP TABLE silver.stream_batches")
    spark.sql(f"CREATE TABLE silver.stream_batches USING delta LOCATION '{table_path(other, 'silver.stream_batches')}'")
    register_tables(spark, lake_settings)
    assert _location(spark, "silver.stream_batches") == table_path(lake_settings, "silver.stream_batches")


def test_one_query_prints_an_aligned_table(cli_env, registered, spark, capsys):
    assert (
        cli.main(["sql", "SELECT grain, COUNT(*) AS n FROM gold.agg_skill_trends GROUP BY grain ORDER BY grain"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    counts = {
        r["grain"]: r["n"]
        for r in spark.sql("SELECT grain, COUNT(*) AS n FROM gold.agg_skill_trends GROUP BY grain").collect()
    }
    assert out[0].split() == ["grain", "|", "n"] and set(out[1]) <= {"-", "+"}
    assert [line.split() for line in out[2:-1]] == [[g, "|", str(n)] for g, n in sorted(counts.items())]
    assert out[-1] == f"({len(counts)} rows)"
    assert len({len(line.rstrip()) for line in out[:2]}) == 1  # header and rule line up


def test_a_sql_file_runs_every_statement_and_json_prints_one_object_per_row(cli_env, registered, tmp_path, capsys):
    script = tmp_path / "q.sql"
    script.write_text(
        "-- postings; per layer\nSELECT COUNT(*) AS n FROM silver.job_postings;\n"
        "/* a ; in a comment */ SELECT 'a;b' AS s, 1 AS one;\n"
    )
    assert cli.main(["sql", "--file", str(script), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [{"n": 300}, {"s": "a;b", "one": 1}]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("SELECT * FROM gold.nope", "[TABLE_OR_VIEW_NOT_FOUND]"),  # analysis error
        ("SELEC 1", "[PARSE_SYNTAX_ERROR]"),  # parse error
        ("SELECT raise_error('no luck')", "java.lang.RuntimeException: no luck"),  # a failed task: its cause
    ],
)
def test_a_bad_query_is_one_line_and_exit_2(cli_env, registered, capsys, query, code):
    assert cli.main(["sql", query]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"joblake sql: {code}") and len(err.splitlines()) == 1, err


def test_the_prompt_reads_statements_over_lines_and_goes_on_after_an_error(cli_env, registered, monkeypatch, capsys):
    lines = iter(
        [
            "SELECT COUNT(*)",
            "  AS postings_in_silver",
            "FROM silver.job_postings;",
            "DESCRIBE gold.agg_skill_trends;",
            "tables",
            "SELECT * FROM gold.nope;",
            "SELECT 41 + 1 AS answer;",
            "\\q",
            "SELECT 'never read';",
        ]
    )
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert cli.main(["sql"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "postings_in_silver" in out and "300" in out
    assert "skill_name" in out and "period_start" in out  # DESCRIBE
    assert "gold.agg_skill_trends" in out and "bronze.job_postings: not built yet (run `joblake stream`)" in out
    assert "answer" in out and "42" in out and "never read" not in out
    assert captured.err.strip().splitlines() == [captured.err.strip().splitlines()[0]]
    assert captured.err.startswith("joblake sql: [TABLE_OR_VIEW_NOT_FOUND]")


def test_split_statements_keeps_quotes_and_reports_the_unterminated_rest():
    statements, rest = split_statements("-- q1?\nSELECT ';' AS a; /* c */ SELECT `x;y` FROM t;\nSELECT 2")
    assert [s.sql for s in statements] == ["SELECT ';' AS a", "SELECT `x;y` FROM t"]
    assert [s.comment for s in statements] == ["q1?", "c"]
    assert rest == "SELECT 2"


def test_every_example_query_answers_its_question(spark, registered):
    statements, rest = split_statements(QUERIES.read_text())
    assert not rest and len(statements) == len(EXAMPLE_COLUMNS) == 10
    for statement, columns in zip(statements, EXAMPLE_COLUMNS, strict=True):
        assert statement.comment.splitlines()[-1].endswith("?"), statement.sql  # the question it answers
        result_df = spark.sql(statement.sql)
        assert result_df.columns == columns, statement.comment
        assert result_df.take(1), f"no rows: {statement.comment}"


def test_the_thrift_server_serves_the_delta_tables_to_a_python_client(
    thrift, spark, lake_settings, cli_env, monkeypatch, capsys
):
    server, starting = thrift
    starting.result()
    with server.connect() as conn:
        cursor = conn.cursor()
        cursor.execute("SELECT grain, period_start, skill_id, postings FROM gold.agg_skill_trends")
        served = cursor.fetchall()
        cursor.execute("SHOW TABLES IN gold")
        gold_names = {row[1] for row in cursor.fetchall()}
    expected = [
        (r.grain, str(r.period_start), r.skill_id, r.postings)
        for r in spark.read.format("delta").load(table_path(lake_settings, "gold.agg_skill_trends")).collect()
    ]
    assert sorted(served) == sorted(expected) and expected
    assert {"agg_skill_trends", "fact_job_postings", "dim_skill"} <= gold_names
    assert metastore_in_use(server.settings)  # the server's JVM holds its Derby metastore

    monkeypatch.setenv("JOBLAKE__SQL__STATE_DIR", str(server.state_dir))  # `joblake thrift status` finds its pid
    load_settings.cache_clear()
    assert cli.main(["thrift", "status", "--port", str(server.port)]) == 0
    out = capsys.readouterr().out
    assert f"thrift: running (pid {server.pid()}) on localhost:{server.port}" in out
    assert f"jdbc:hive2://localhost:{server.port}/default" in out


def test_thrift_status_when_stopped(cli_env, lake_settings, capsys):
    assert cli.main(["thrift", "status"]) == 0
    assert capsys.readouterr().out.strip() == "thrift: not running"
