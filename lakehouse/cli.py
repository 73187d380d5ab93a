"""The `joblake` command: demo, ingest, import, scrape, validate, stream, nightly, sql, thrift, status, kafka, s3."""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from lakehouse.config import PROFILES, ConfigError, Settings, load_settings

DEMO_COUNT = 5000


def _run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def _spark(settings: Settings):
    from lakehouse.session import get_spark

    return get_spark(settings)


def describe_ingest(summary, settings: Settings) -> str:
    """One line about an ingest run."""
    o = summary.outcomes
    return (
        f"ingest {summary.run_id}: {summary.records:,} records ({o.get('new', 0):,} new, {o.get('updated', 0):,} "
        f"updated, {o.get('duplicates', 0):,} duplicates dropped at source), {summary.published:,} published to "
        f"{settings['kafka.topic']} and {summary.landed:,} landed in the raw zone "
        f"({summary.rejected_by_source:,} rejected by the source) in {summary.elapsed_s:.1f}s"
    )


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.generator import generate_records
    from ingestion.publish import INGEST_STAGES, ingest_records

    with stage_bar("ingest", ("generate", *INGEST_STAGES)) as stage:
        stage("generate")
        records = generate_records(args.count, seed=args.seed)
        summary = ingest_records(records, settings, _run_id(), progress=stage)
    print(describe_ingest(summary, settings))
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.file_source import read_file_records
    from ingestion.publish import INGEST_STAGES, ingest_records

    if not Path(args.file).is_file():
        raise FileNotFoundError(f"no such file: {args.file}")
    with stage_bar(f"import {Path(args.file).name}", ("read the file", *INGEST_STAGES)) as stage:
        stage("read the file")
        records = list(read_file_records(args.file, mapping=args.mapping, scraped_at=datetime.now(UTC)))
        summary = ingest_records(records, settings, _run_id(), progress=stage)
    print(describe_ingest(summary, settings))
    return 0


def cmd_scrape(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from ingestion.scrape import parse_window, scrape
    from ingestion.sources.base import Query
    from ingestion.word_scores import parse_word_scores

    query = Query(
        keywords=args.query or "",
        location=args.location,
        posted_within=parse_window(args.posted_within) if args.posted_within else None,
        pages=args.pages,
    )
    with tqdm(desc=f"scrape {args.source}", unit=" postings", disable=args.quiet) as bar:
        summary = scrape(
            settings,
            args.source,
            query,
            _run_id(),
            on_posting=lambda: bar.update(1),
            word_scores=parse_word_scores(args.word_score),
            top=args.top,
        )
    print("\n".join(summary.lines()))
    return 0


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.validate import validate

    summary, ingest = validate(_spark(settings), settings, _run_id(), datetime.now(UTC), limit=args.limit)
    closed = ", ".join(f"{k} {v}" for k, v in sorted(summary.closed.items())) or "none"
    unchecked = ", ".join(f"{k} {v}" for k, v in sorted(summary.unchecked.items())) or "none"
    print(f"validate: {summary.checked:,} postings checked, {summary.still_open:,} still open; closed: {closed}")
    print(f"  could not check: {unchecked}; {ingest.published:,} closed events published")
    return 0


def cmd_stream(args: argparse.Namespace, settings: Settings) -> int:
    from streaming.job import STREAM_STAGES, run_stream

    if args.trigger:
        settings = settings.with_overrides({"streaming.trigger": args.trigger})
    spark = _spark(settings)
    if settings["streaming.trigger"] != "availableNow":  # runs until stopped: no end to show
        run_stream(spark, settings)
        print("stream: stopped")
        return 0
    with stage_bar("stream", STREAM_STAGES) as stage:
        run_stream(spark, settings, progress=stage)
    print("stream: caught up")
    return 0


def describe_nightly(result) -> str:
    """One line about a nightly run."""
    return (
        f"nightly {result.run_id}: {result.mode} from silver v{result.silver_version}, "
        f"{result.changed_postings:,} postings {'rebuilt' if result.mode == 'full' else 'changed'}"
    )


@contextmanager
def stage_bar(name: str, stages: tuple[str, ...]) -> Iterator[Callable[[str], None]]:
    """A progress bar over a command's named stages, on stderr and only on a terminal; yields `stage(name)`.

    Each call completes the stage before and names the one starting, so the bar shows where a long run is.
    """
    from tqdm import tqdm

    with tqdm(total=len(stages), desc=name, unit=" stages", disable=None, leave=False) as bar:  # None: no TTY, none

        def stage(current: str) -> None:
            bar.update(stages.index(current) - bar.n)
            bar.set_postfix_str(current)

        yield stage
        bar.update(bar.total - bar.n)


def cmd_nightly(args: argparse.Namespace, settings: Settings) -> int:
    from spark_jobs.nightly import NIGHTLY_STAGES, run_nightly

    spark = _spark(settings)
    with stage_bar("nightly", NIGHTLY_STAGES) as stage:
        result = run_nightly(spark, settings, run_date=args.date, full_rebuild=args.full_rebuild, progress=stage)
    if args.json:
        fields = ("run_id", "mode", "silver_version", "changed_postings", "counts", "reports", "kept")
        print(json.dumps({name: getattr(result, name) for name in fields}))
        return 0
    print(describe_nightly(result))
    for table, rows in result.counts.items():
        print(f"  {table:<30}{rows:>10,}")
    if result.kept:
        print(f"  kept from the last good night (no posting changed): {', '.join(result.kept)}")
    print(f"  quality reports: {', '.join(result.reports)}")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Every real-data evaluation, one JSON report each in --out-dir; exit 2 without the shared data."""
    from models import evaluate as ranking_eval
    from spark_jobs import duplicate_eval, skill_eval
    from streaming import evaluate as normalisation_eval

    spark = _spark(settings)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    evaluations = (
        ("normalisation", normalisation_eval),
        ("skills", skill_eval),
        ("duplicates", duplicate_eval),
        ("ranking", ranking_eval),
    )
    for name, module in evaluations:
        started = time.perf_counter()
        report = module.evaluate(spark)
        (out_dir / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        for line in module.summary(report):
            print(f"{name}: {line}", flush=True)
        print(f"{name}: written to {out_dir / f'{name}.json'} ({time.perf_counter() - started:.0f} s)", flush=True)
    return 0


def cmd_train_ranker(args: argparse.Namespace, settings: Settings) -> int:
    """Label real data, train the ranker, log it and the baselines to MLflow, register it (champion if it wins)."""
    from models import evaluate as ranking_eval

    report = ranking_eval.evaluate(_spark(settings), settings)
    for line in ranking_eval.summary(report):
        print(f"train-ranker: {line}")
    return 0


def _match_filters(args: argparse.Namespace):
    from ingestion.scrape import parse_window
    from ingestion.word_scores import parse_word_scores
    from spark_jobs.matching import MatchFilters

    return MatchFilters(
        query=args.query,
        location=args.location,
        remote_only=args.remote,
        posted_within=parse_window(args.posted_within) if args.posted_within else None,
        active_only=not args.include_closed,
        word_scores=parse_word_scores(args.word_score),
    )


MATCH_STAGES = ("Spark", "resume skills and embeddings", "retrieval and ranking")


def cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    """Rank the gold postings for a resume file (a table, the skill gap), or for a folder (gold.resume_matches)."""
    import pandas as pd

    from ingestion.resumes import Resume, read_resume, read_resumes
    from models.profiles import resume_profiles
    from models.tracking import load_champion
    from spark_jobs.matching import (
        cover_letter,
        match_lines,
        match_resumes,
        resume_match_rows,
        write_match_files,
        write_resume_matches,
    )

    filters = _match_filters(args)
    batch = Path(args.resume).is_dir()
    if batch:
        read = [found for _, found in read_resumes(args.resume)]
        for error in (found for found in read if not isinstance(found, Resume)):
            print(f"skipped {error}", file=sys.stderr)  # one line naming the file, never its text
        resumes = [found for found in read if isinstance(found, Resume)]
    else:
        resumes = [read_resume(args.resume)]  # a ResumeError (one line) before Spark starts
    champion = load_champion(settings)
    with stage_bar("match", MATCH_STAGES) as stage:
        stage(MATCH_STAGES[0])
        spark = _spark(settings)
        stage(MATCH_STAGES[1])
        profiles = resume_profiles(spark, [(r.resume_id, r.text) for r in resumes], settings)
        now, run_id = datetime.now(UTC), _run_id()
        stage(MATCH_STAGES[2])
        results = match_resumes(spark, settings, profiles, champion, filters, now, top=args.top)
    rows = []
    for resume in resumes:
        profile, result = profiles[resume.resume_id], results[resume.resume_id]
        if batch:
            rows.append(resume_match_rows(resume.resume_id, result, champion, run_id, now))
            best = result.matches.head(1)
            top_line = "no match" if best.empty else f"best {best['match_pct'].iloc[0]:.1f}% {best['title'].iloc[0]}"
            print(f"{resume.file_name}: resume {resume.resume_id}, {len(result.matches)} matches, {top_line}")
        else:
            print("\n".join(match_lines(resume.resume_id, result)))
            if args.cover_letter:
                letter = cover_letter(spark, settings, result, args.cover_letter, profile)
                print(f"\ncover letter draft for match #{args.cover_letter}:\n\n{letter}")
            for written in write_match_files(result, json_path=args.json, csv_path=args.csv):
                print(f"written to {written}")
    if batch:
        written = write_resume_matches(spark, settings, pd.concat(rows) if rows else pd.DataFrame())
        print(f"gold.resume_matches: {written} rows for {len(resumes)} resumes (model version {champion.version})")
    return 0


def cmd_forget(args: argparse.Namespace, settings: Settings) -> int:
    """Delete a resume's matches and VACUUM their old files."""
    from spark_jobs.matching import forget_resume

    deleted = forget_resume(_spark(settings), settings, args.resume_id)
    print(
        f"forget {args.resume_id}: {deleted} rows deleted from gold.resume_matches; files that held them leave the "
        f"table's history at the first VACUUM after {settings['privacy.retention_hours']} h (privacy.retention_hours)"
    )
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """Write the HTML dashboard of the gold tables."""
    from spark_jobs.report import write_report

    print(f"report: written to {write_report(_spark(settings), settings, args.out)}")
    return 0


def cmd_sql(args: argparse.Namespace, settings: Settings) -> int:
    """One query, a .sql file, or (neither) the interactive prompt, over the tables registered by name."""
    from lakehouse.sql import SqlError, prompt, register_tables, run_sql, sql_session

    if args.query and args.query.startswith("@"):  # `joblake sql @file.sql`, as before --file
        args.file, args.query = args.query[1:], None
    if args.file and args.query:
        raise ConfigError("give a query or --file, not both")
    if args.file and not Path(args.file).is_file():
        raise FileNotFoundError(f"no such file: {args.file}")
    text = Path(args.file).read_text(encoding="utf-8") if args.file else args.query
    spark = sql_session(settings)
    registration = register_tables(spark, settings)
    if text is None:
        return prompt(spark, settings, registration)
    try:
        run_sql(spark, text, as_json=args.json, limit=args.limit)
    except SqlError as exc:
        print(f"joblake sql: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_thrift(args: argparse.Namespace, settings: Settings) -> int:
    from lakehouse.sql import ThriftServer

    server = ThriftServer(settings, port=args.port)
    if args.action == "start":
        print(f"thrift: starting Spark's Thrift server on {server.host}:{server.port} (registers the lake's tables)")
    code = manage_server("thrift", server, args.action, server.port)
    if args.action != "stop" and server.pid():
        print(f"thrift: JDBC {server.jdbc_url} (auth {settings['sql.thrift_auth']}); log {server.out_file}")
    return code


def table_rows(spark, settings: Settings) -> dict[str, int | None]:
    """Rows per table of the catalog, None for a table not built yet."""
    from lakehouse.catalog import TABLES, read_table

    return {name: None if (df := read_table(spark, settings, name)) is None else df.count() for name in TABLES}


def status_json(spark, settings: Settings) -> dict:
    """What `joblake status --json` prints: rows per table, the reconciliation and its verdicts."""
    from dataclasses import asdict

    from streaming.reconcile import reconcile

    rec = reconcile(spark, settings)
    return {
        "tables": table_rows(spark, settings),
        "reconciliation": {
            "raw_records": rec.raw_records,
            "bronze_rows": rec.bronze_rows,
            "silver_postings": rec.silver_postings,
            "duplicates": rec.duplicates,
            "closed_events": rec.closed_events,
            "quarantined": rec.quarantined,
            "quarantine_reasons": dict(rec.quarantine_reasons),
            "runs": [asdict(run) | {"adds_up": run.adds_up} for run in rec.runs],
            "log_agrees": rec.log_agrees,
            "balanced": rec.balanced,
        },
    }


def print_status(spark, settings: Settings) -> bool:
    """Rows per table and the reconciliation; returns whether it balances."""
    from streaming.reconcile import reconcile

    print(f"{'table':<28}{'rows':>10}")
    for name, rows in table_rows(spark, settings).items():
        print(f"{name:<28}{'missing' if rows is None else f'{rows:,}':>10}")
    rec = reconcile(spark, settings)
    print("\nreconciliation")
    print(f"  raw records             {rec.raw_records:>10,}")
    print(f"  bronze rows             {rec.bronze_rows:>10,}")
    print(f"  silver postings         {rec.silver_postings:>10,}")
    print(f"  duplicates merged       {rec.duplicates:>10,}")
    print(f"  closed events           {rec.closed_events:>10,}")
    print(f"  quarantined             {rec.quarantined:>10,}")
    for reason, n in rec.quarantine_reasons.items():
        print(f"    {reason:<22}{n:>10,}")
    tables_ok = rec.raw_records == rec.bronze_rows == rec.accounted
    print(
        f"  raw = bronze = silver + duplicates + closed + quarantined: {'balanced' if tables_ok else 'NOT balanced'} "
        f"({rec.raw_records:,} = {rec.bronze_rows:,} = {rec.accounted:,})"
    )
    print("\nsilver stream runs: records read = new + updated + duplicates + closed + quarantined")
    header = ["run", "batches", "read", "new", "updated", "duplicates", "closed", "quarantined", ""]
    print(f"  {header[0]:<24}" + "".join(f"{h:>12}" for h in header[1:-1]))
    for run in [*rec.runs, rec.total]:
        figures = [run.batches, run.records_read, run.new, run.updated, run.duplicates, run.closed, run.quarantined]
        mark = "" if run.adds_up else "  does NOT add up"
        print(f"  {run.run_id:<24}" + "".join(f"{n:>12,}" for n in figures) + mark)
    print(f"  batch log totals = table figures: {'yes' if rec.log_agrees else 'NO'}")
    return rec.balanced


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    spark = _spark(settings)
    if args.json:
        report = status_json(spark, settings)
        print(json.dumps(report, default=str))  # a run's started_at as ISO text
        return 0 if report["reconciliation"]["balanced"] else 1
    return 0 if print_status(spark, settings) else 1


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """A bash (or zsh, through bashcompinit) completion script for the parser's subcommands and their options."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    cases = []
    for name, subparser in sub.choices.items():
        words = [o for a in subparser._actions for o in a.option_strings if o.startswith("--")]  # noqa: SLF001
        for action in subparser._actions:  # noqa: SLF001 - positional choices: kafka start|stop|status, k8s JOB
            if not action.option_strings and action.choices:
                words += [c for c in action.choices if isinstance(c, str)]
        cases.append(f'    {name}) words="{" ".join(words)}" ;;')
    commands = " ".join(sub.choices)
    script = "\n".join(
        [
            '# joblake completion: eval "$(joblake completion bash)" (or zsh) in your shell\'s rc file',
            "_joblake() {",
            '  local cur="${COMP_WORDS[COMP_CWORD]}" command="" words="" i',
            "  for ((i = 1; i < COMP_CWORD; i++)); do",
            '    case "${COMP_WORDS[i]}" in --profile) ((i++)) ;; -*) ;; *) command="${COMP_WORDS[i]}"; break ;; esac',
            "  done",
            '  if [[ "${COMP_WORDS[COMP_CWORD-1]}" == --profile ]]; then command="--profile"; fi',
            '  case "$command" in',
            f'    --profile) words="{" ".join(PROFILES)}" ;;',
            f'    "") words="{commands} --profile --help" ;;',
            *cases,
            "  esac",
            '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
            '  if [[ "$cur" != -* && ${#COMPREPLY[@]} -eq 0 ]]; then COMPREPLY=($(compgen -f -- "$cur")); fi',
            "}",
            "complete -F _joblake joblake",
        ]
    )
    if shell == "zsh":
        script = "autoload -U +X bashcompinit && bashcompinit\n" + script
    return script + "\n"


def cmd_completion(args: argparse.Namespace, settings: Settings) -> int:
    print(completion_script(build_parser(), args.shell), end="")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.generator import generate_records
    from ingestion.publish import INGEST_STAGES, ingest_records
    from lakehouse.broker import LocalBroker
    from spark_jobs.nightly import NIGHTLY_STAGES, run_nightly
    from streaming.job import STREAM_STAGES, run_stream

    started = time.monotonic()
    broker = LocalBroker(settings)
    print(f"kafka: starting a local KRaft broker on localhost:{settings['kafka.broker_port']}", flush=True)
    we_started = broker.start()
    try:
        records = generate_records(args.count, seed=args.seed)
        with stage_bar("ingest", INGEST_STAGES) as stage:
            summary = ingest_records(records, settings, _run_id(), progress=stage)
        print(describe_ingest(summary, settings), flush=True)
        spark = _spark(settings)
        with stage_bar("stream", STREAM_STAGES) as stage:
            run_stream(spark, settings.with_overrides({"streaming.trigger": "availableNow"}), progress=stage)
        print("stream: Kafka -> bronze -> silver caught up", flush=True)
        with stage_bar("nightly", NIGHTLY_STAGES) as stage:
            night = run_nightly(spark, settings, progress=stage)
        print(describe_nightly(night) + "\n", flush=True)
        balanced = print_status(spark, settings)
    finally:
        if we_started:
            broker.stop()
            print("kafka: broker stopped")
    print(f"demo finished in {time.monotonic() - started:.0f}s")
    return 0 if balanced else 1


def manage_server(name: str, server, action: str, port: int) -> int:
    """start / stop / status of a project-managed server (the Kafka broker, the S3 server)."""
    if action == "start":
        print(f"{name}: started" if server.start() else f"{name}: already running")
    elif action == "stop":
        print(f"{name}: stopped" if server.stop() else f"{name}: was not running")
    else:
        pid = server.pid()
        print(f"{name}: running (pid {pid}) on localhost:{port}" if pid else f"{name}: not running")
    return 0


def cmd_kafka(args: argparse.Namespace, settings: Settings) -> int:
    from lakehouse.broker import LocalBroker

    return manage_server("kafka", LocalBroker(settings), args.action, settings["kafka.broker_port"])


def cmd_s3(args: argparse.Namespace, settings: Settings) -> int:
    from lakehouse.objectstore import LocalS3Server

    return manage_server("s3", LocalS3Server(settings), args.action, settings["s3.server_port"])


def cmd_k8s(args: argparse.Namespace, settings: Settings) -> int:
    """`k8s submit JOB`: the spark-submit that runs a job like its SparkApplication (k8s profile); print or run it."""
    import shlex
    import subprocess

    from lakehouse.k8s import format_command, spark_submit_command

    arguments = shlex.split(args.arguments) if args.arguments else None
    argv = spark_submit_command(load_settings("k8s"), args.job, args.overlay, arguments)
    if args.dry_run:
        print(format_command(argv))
        return 0
    beside = Path(sys.executable).with_name("spark-submit")  # pyspark's launcher in this virtualenv
    return subprocess.call([str(beside) if beside.is_file() else "spark-submit", *argv[1:]])


def add_word_score(parser: argparse.ArgumentParser) -> None:
    """The repeatable --word-score option `scrape` and `match` share."""
    parser.add_argument(
        "--word-score",
        action="append",
        default=[],
        metavar="WORD=SCORE",
        help="boost (>1) or damp (<1) postings that mention a word, e.g. --word-score phd=1.1; repeatable",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="joblake", description=__doc__)
    parser.add_argument("--profile", help="configuration profile (default: $JOBLAKE_PROFILE or local)")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    demo = add("demo", cmd_demo, "run the whole pipeline on the local profile and print the summary")
    demo.add_argument("--count", type=int, default=DEMO_COUNT, help="postings to generate (default 5000)")
    demo.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")

    ingest = add("ingest", cmd_ingest, "publish generated postings (the offline source) to Kafka and the raw zone")
    ingest.add_argument("--count", type=int, default=1000, help="postings to generate (default 1000)")
    ingest.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")

    imp = add("import", cmd_import, "import a CSV, JSONL or Avro file of postings through a column mapping")
    imp.add_argument("file", help="the file to import")
    imp.add_argument("--mapping", help="a shipped mapping name (e.g. nhs_jobs) or a mapping YAML path")

    scrape = add("scrape", cmd_scrape, "scrape a job board or career pages and ingest what is found")
    scrape.add_argument("--source", required=True, help="linkedin, greenhouse, lever or jsonld")
    scrape.add_argument("--query", help="keywords, e.g. 'Data Scientist'")
    scrape.add_argument("--location", help="e.g. Chicago")
    scrape.add_argument("--pages", type=int, default=1, help="result pages at most (default 1)")
    scrape.add_argument("--posted-within", help="only postings this recent: 30m, 12h, 3d, 2w")
    add_word_score(scrape)
    scrape.add_argument("--top", type=int, default=10, help="with --word-score: best postings to list (default 10)")
    scrape.add_argument("--quiet", action="store_true", help="no progress bar")

    val = add("validate", cmd_validate, "re-check active postings and publish closed events for those gone")
    val.add_argument("--limit", type=int, help="check at most N postings (least recently seen first)")

    stream = add("stream", cmd_stream, "run the Kafka -> bronze -> silver streaming job")
    stream.add_argument("--trigger", help="availableNow (catch up and stop) or processingTime:<interval>")

    nightly = add("nightly", cmd_nightly, "build the gold star schema from silver: skills, embeddings, aggregates")
    nightly.add_argument(
        "--date",
        type=date.fromisoformat,
        help="the run's logical date, YYYY-MM-DD (default today, UTC): stale postings and future dates are judged "
        "against its end",
    )
    nightly.add_argument(
        "--full-rebuild", action="store_true", help="rebuild every gold table instead of reading silver's changes"
    )
    nightly.add_argument("--json", action="store_true", help="print the run (mode, counts, reports) as one JSON object")

    ev = add("eval", cmd_eval, "score normalisation, skills, duplicates and ranking on the real data in ../shared/data")
    ev.add_argument("--out-dir", default="eval_results", help="where the JSON reports go (default eval_results)")

    add(
        "train-ranker",
        cmd_train_ranker,
        "train the resume ranker on real-data labels, log it and the baselines to MLflow, register the champion",
    )

    match = add("match", cmd_match, "rank postings for a resume: match %, matched and missing skills, skill gap")
    match.add_argument(
        "--resume",
        required=True,
        help="a PDF, DOCX or plain-text resume, or a folder of them (batch: writes gold.resume_matches)",
    )
    match.add_argument("--query", help="only postings whose title or description has every one of these words")
    match.add_argument("--location", help="only postings in this city, region or country (e.g. London, GB)")
    match.add_argument("--remote", action="store_true", help="only remote postings")
    match.add_argument("--posted-within", help="only postings this recent: 30m, 12h, 3d, 2w")
    match.add_argument("--include-closed", action="store_true", help="also postings no longer active")
    match.add_argument("--top", type=int, default=20, help="matches to show (default 20)")
    add_word_score(match)
    match.add_argument(
        "--cover-letter", type=int, metavar="RANK", help="also draft a cover letter for the match at this rank"
    )
    match.add_argument("--json", help="also write the matches and the skill gap to this JSON file")
    match.add_argument("--csv", help="also write the matches to this CSV file")

    forget = add("forget", cmd_forget, "delete a resume's matches (gold.resume_matches) and VACUUM their old files")
    forget.add_argument("resume_id", help="the id `joblake match` printed for the resume")

    report = add(
        "report",
        cmd_report,
        "write a self-contained HTML dashboard of the gold tables: skill trends, fastest-growing skills, hiring by "
        "industry and job family, locations, posting quality, pipeline health",
    )
    report.add_argument(
        "--out", default="joblake-report.html", metavar="FILE", help="where to write it (default: %(default)s)"
    )

    sql = add(
        "sql",
        cmd_sql,
        "SQL over the bronze/silver/gold tables by name: one query, a .sql file, or an interactive prompt",
    )
    sql.add_argument("query", nargs="?", help='e.g. "select count(*) from silver.job_postings"; none: the prompt')
    sql.add_argument("--file", "-f", help="run the statements of a .sql file (`;`-separated, comments allowed)")
    sql.add_argument("--json", action="store_true", help="print one JSON object per row instead of a table")
    sql.add_argument("--limit", type=int, default=1000, help="rows to show per statement (default 1000; 0: all)")

    thrift = add("thrift", cmd_thrift, "start, stop or check Spark's Thrift (JDBC/ODBC) server over the SQL catalog")
    thrift.add_argument("action", choices=["start", "stop", "status"])
    thrift.add_argument("--port", type=int, help="port to serve (default sql.thrift_port)")

    status = add("status", cmd_status, "rows per table and the reconciliation (exit 1 when it does not balance)")
    status.add_argument("--json", action="store_true", help="print one JSON object instead of the tables")

    completion = add("completion", cmd_completion, "print a shell completion script (bash or zsh) for joblake")
    completion.add_argument("shell", choices=["bash", "zsh"])

    kafka = add("kafka", cmd_kafka, "start, stop or check the local Kafka broker")
    kafka.add_argument("action", choices=["start", "stop", "status"])

    s3 = add("s3", cmd_s3, "start, stop or check the local S3-compatible server (s3proxy)")
    s3.add_argument("action", choices=["start", "stop", "status"])

    from lakehouse.k8s import JOBS, OVERLAYS

    k8s = add("k8s", cmd_k8s, "spark-submit a job to Kubernetes like its SparkApplication (k8s profile, k8s/ overlays)")
    k8s.add_argument("action", choices=["submit"])
    k8s.add_argument("job", choices=sorted(JOBS), help="the joblake job (its SparkApplication in k8s/base/spark)")
    k8s.add_argument("--overlay", choices=OVERLAYS, default="prod", help="kustomize overlay (default prod)")
    k8s.add_argument("--dry-run", action="store_true", help="print the spark-submit command instead of running it")
    k8s.add_argument(
        "--args", dest="arguments", help='joblake arguments replacing the manifest\'s, e.g. "nightly --full-rebuild"'
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script: one readable line for every expected failure."""
    from ingestion.data_paths import MissingDataError
    from ingestion.kafka_sink import KafkaUnavailableError
    from ingestion.resumes import ResumeError
    from lakehouse.broker import BrokerError
    from lakehouse.objectstore import ObjectStoreError
    from lakehouse.sql import SqlError
    from spark_jobs.quality import QualityGateError

    args = build_parser().parse_args(argv)
    settings = None
    try:
        settings = load_settings(args.profile)
        return args.func(args, settings)
    except (
        ConfigError,
        BrokerError,
        ObjectStoreError,
        KafkaUnavailableError,
        MissingDataError,
        FileNotFoundError,
        ResumeError,
        SqlError,
    ) as exc:
        print(f"joblake {args.command}: {exc}", file=sys.stderr)
        return 2
    except QualityGateError as exc:  # the run did its job: it refused bad data and kept the last good gold
        print(f"joblake {args.command}: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # Spark errors: one line, not a JVM stack trace
        if type(exc).__module__.startswith(("pyspark", "py4j")):
            print(f"joblake {args.command}: {spark_error_line(exc, settings)}", file=sys.stderr)
            return 2
        raise


def spark_error_line(exc: Exception, settings: Settings | None = None) -> str:
    """`lakehouse.sql.error_line` of a Spark error, and where the JVM's log is (`spark.log_file` of `settings`)."""
    from lakehouse.session import spark_log_file
    from lakehouse.sql import error_line

    log_file = spark_log_file(settings) if settings is not None else None
    return error_line(exc) + (f" (Spark's log: {log_file})" if log_file else "")


if __name__ == "__main__":
    sys.exit(main())
