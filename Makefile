# Two commands on a fresh machine:
#   make demo   install everything, build the demo warehouse, open the dashboard on 127.0.0.1:8501
#   make test   install everything (Chromium, a CJK font, PostgreSQL, Java 17), lint, run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test install system build serve lint clean

demo: system install
	$(BIN)/weibao demo

test: system install lint
	$(BIN)/python -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Chromium and Noto CJK for the browser test and chart export (Chinese renders as boxes without it);
# PostgreSQL (initdb, pg_ctl) for the engine tests, which start a throwaway cluster on loopback;
# Java 17 for Spark (pyspark runs in process; weibao/engines/spark.py uses it as JAVA_HOME);
# python3-venv first of all: Debian's python3 cannot make .venv without it (ensurepip).
system:
	@if ! $(PYTHON) -c 'import ensurepip' >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'noto.*cjk' \
		|| ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! ls /usr/lib/jvm/java-17-openjdk-*/bin/java >/dev/null 2>&1; then \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv chromium fonts-noto-cjk fontconfig postgresql openjdk-17-jre-headless >/dev/null; \
	fi

build: install
	$(BIN)/weibao build

serve: install
	$(BIN)/weibao serve

# ruff for Python; sqlfluff for portable SQL in models/ (.sqlfluff: cast() not ::, no quoted
# identifiers … so the same models run on DuckDB, PostgreSQL and Spark).
lint: install
	$(BIN)/ruff check weibao dashboards tests && $(BIN)/ruff format --check weibao dashboards tests
	$(BIN)/sqlfluff lint models --disable-progress-bar --nocolor

clean:
	rm -rf target warehouse/.build-*.duckdb
