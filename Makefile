# `make run` and `make test` work on a fresh machine with only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

BROWSER := tests/browser/node_modules/.installed

.PHONY: run test bench bench-scaling eval clean install browser java

install: $(STAMP)

# Re-install only when the pins or the package metadata change.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The browser tests drive Debian's Chromium with playwright-core (no browser download). Installing
# Chromium needs root, as in CI; elsewhere the browser tests skip and say why.
browser: $(BROWSER)

$(BROWSER): tests/browser/package.json tests/browser/package-lock.json
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "could not install chromium: the browser tests will skip"
	command -v npm >/dev/null && npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error \
		&& touch $(BROWSER) || echo "could not install playwright-core: the browser tests will skip"

# The Spark engine's parity test needs a Java runtime (PySpark runs Spark in a JVM). Installing one needs root, as in
# CI; elsewhere the Spark tests skip and say why.
java:
	command -v java >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		default-jre-headless) || echo "could not install a Java runtime: the Spark tests will skip"

run: $(STAMP)
	$(BIN)/detente run examples/corpus --out out --db out/detente.duckdb
	@echo "Read out/brief.html, or open the dashboard: $(BIN)/detente serve --db out/detente.duckdb, then http://127.0.0.1:8000/"

test: $(STAMP) $(BROWSER) java
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py --docs 2000
	$(BIN)/python bench/api.py

# The scaling curve (bench/REPORT.md, bench/scaling.svg): hours at 100k documents; run it on a quiet machine.
bench-scaling: $(STAMP)
	$(BIN)/python bench/run.py --scaling 1000,10000,100000 --time-limit 0

eval: $(STAMP)
	$(BIN)/detente eval eval/gold/dev.jsonl --out out/eval --min-events-f1 0.80 --min-events-precision 0.90

clean:
	rm -rf out bench/out
