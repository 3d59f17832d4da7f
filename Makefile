# The two commands: `make run` (demo on SQLite) and `make test` (the suite on PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve worker test browser bench bench-jobs wrk lint venv dev-venv messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

run: venv
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Serving PROFO at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	DEBUG=1 scripts/run-dev $(HOST):$(PORT)

# A task queue worker (Procrastinate): e-mails, reminders, dues, digests. Needs PostgreSQL
# (DATABASE_URL); run as many as you like, on any machine (README, "Background jobs").
worker: venv
	@case "$${DATABASE_URL:-}" in postgres*) ;; *) \
	  echo "make worker needs DATABASE_URL=postgres://... (on SQLite, make run runs jobs itself)"; \
	  exit 2;; esac
	$(BIN)/python manage.py procrastinate worker

# Production serving: PostgreSQL from DATABASE_URL, SECRET_KEY, gunicorn (see scripts/serve).
serve: venv
	scripts/serve

test: dev-venv browser
	scripts/with-postgres $(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium. As root, install it when missing; otherwise the
# tests skip themselves with a message (and fail under CI=true).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "NOTE: /usr/bin/chromium is missing and you are not root: browser tests will be skipped."; \
	  fi; \
	fi

# The benchmark (docs/performance.md): a PostgreSQL kept in .bench/ holds the scale data, which
# the first run builds with seed_scale (several minutes); then bench/run.py prints the figures.
bench: dev-venv wrk
	scripts/bench-postgres $(BIN)/python bench/run.py $(BENCH_ARGS)

# The task queue's throughput (bench/jobs.py): 1,000 notification mails through real workers.
bench-jobs: dev-venv
	scripts/with-postgres $(BIN)/python bench/jobs.py $(BENCH_ARGS)

# The load part of the benchmark uses Debian's wrk; as root, install it when missing.
wrk:
	@if ! command -v wrk >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi

lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
