# joblake: two commands on a fresh machine — `make demo` and `make test`.
# Everything they need is installed by the targets below: a virtualenv from PyPI
# (pinned in setup.py, locked in constraints.txt) and JVM jars from Maven Central
# (jvm/pom.xml) resolved into .jars/.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
JARS   := .jars
# the nightly benchmark's lakes, which the matching benchmark reads (removed after)
BENCH_LAKES ?= /tmp/joblake-bench-lakes
export JOBLAKE_PROFILE ?= local

.PHONY: demo test eval bench lint jars venv chromium kafka-up kafka-down s3-up s3-down lock clean help

help:
	@echo "make demo        run the pipeline end to end on the local profile"
	@echo "make test        run the test suite"
	@echo "make kafka-up    start the local Kafka broker (KRaft)   make kafka-down  stop it"
	@echo "make s3-up       start the local S3 server (s3proxy)    make s3-down     stop it"
	@echo "make jars        resolve JVM dependencies with Maven     make venv        create .venv"
	@echo "make eval        real-data evaluation (../shared/data), reports in eval_results/"
	@echo "make bench       benchmarks, figures in bench_results/"
	@echo "make lint        ruff                                     make lock        re-lock constraints.txt"

$(BIN)/.installed: setup.py constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

$(JARS)/.resolved: jvm/pom.xml
	mvn --batch-mode --quiet -f jvm/pom.xml -P spark package
	mvn --batch-mode --quiet -f jvm/pom.xml -P kafka package
	mvn --batch-mode --quiet -f jvm/pom.xml -P s3proxy package
	mvn --batch-mode --quiet -f jvm/pom.xml -P models package
	touch $@

jars: $(JARS)/.resolved

chromium:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

demo: venv jars
	$(BIN)/joblake demo

test: venv jars chromium
	JOBLAKE_PROFILE=test $(BIN)/python -m pytest

eval: venv jars
	JOBLAKE_PROFILE=test $(BIN)/joblake eval --out-dir eval_results

bench: venv jars
	JOBLAKE_PROFILE=test $(BIN)/python -m tests.bench.bench_ingestion --out bench_results/ingestion.json
	JOBLAKE_PROFILE=test $(BIN)/python -m tests.bench.bench_streaming --out bench_results/streaming.json
	JOBLAKE_PROFILE=test $(BIN)/python -m tests.bench.bench_skills --out bench_results/skills.json
	JOBLAKE_PROFILE=test $(BIN)/python -m tests.bench.bench_embeddings --out bench_results/embeddings.json
	JOBLAKE_PROFILE=test $(BIN)/python -m tests.bench.bench_nightly --lakes $(BENCH_LAKES) --out bench_results/nightly.json
	JOBLAKE_PROFILE=test $(BIN)/python -m tests.bench.bench_matching --lakes $(BENCH_LAKES) --out bench_results/matching.json
	rm -rf $(BENCH_LAKES)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

kafka-up: venv jars
	$(BIN)/joblake kafka start

kafka-down: venv
	$(BIN)/joblake kafka stop

s3-up: venv jars
	$(BIN)/joblake s3 start

s3-down: venv
	$(BIN)/joblake s3 stop

lock:
	rm -rf /tmp/joblake-lock && $(PYTHON) -m venv /tmp/joblake-lock
	/tmp/joblake-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/joblake-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) $(JARS) jvm/target .joblake lake
