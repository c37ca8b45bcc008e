# The two commands are `make run` (the portal with demo data) and `make test` (the whole suite
# against PostgreSQL and Redis). Everything else here serves them.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rma_portal
# Worker N of a parallel run uses Redis database TEST_REDIS_URL's + N, up to 15 (tests/settings.py).
TEST_REDIS_URL ?= redis://127.0.0.1:6379/8
# pytest-xdist processes: one more than the cores, since a worker waiting on Chromium, the live
# server or PostgreSQL leaves its core idle (2 cores: 2 workers 287 s, 3 workers 243 s, 4 workers
# 263 s). `--dist worksteal` lets an idle worker take queued tests from a busy one, so the long
# tests (migrations, the i18n walk) do not leave a tail. TEST_WORKERS=0 runs in one process.
# At most 8, so that worker N's Redis database (TEST_REDIS_URL's + N) stays within Redis's 16.
TEST_WORKERS ?= $(shell n=$$(( $$(nproc 2>/dev/null || echo 1) + 1 )); echo $$(( n > 8 ? 8 : n )))

.PHONY: run test bench lint migrations-check services system-deps venv clean messages browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install whenever the declared dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# German translations: the .po files are the source, the .mo files are built here (gettext's
# msgfmt; `make test` installs it). Without msgfmt the committed .mo files are used as they are.
messages: $(STAMP)
	@if command -v msgfmt >/dev/null; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var; \
	else echo "msgfmt not found (apt-get install gettext): using the committed .mo files"; fi

run: $(STAMP) messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py run_portal

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

system-deps:
	bash scripts/system_deps.sh

services: $(STAMP)
	$(BIN)/python scripts/check_services.py "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"

test: lint migrations-check system-deps services messages
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

# Benchmarks (never part of `make test`): each bench/*.py builds its own database (rma_bench_*)
# and prints its ratios against a baseline measured in the same run. BENCH_ROWS=100000 for a
# quicker, smaller run; `$(BIN)/python bench/run.py NAME` for one script.
bench: services
	$(BIN)/python bench/run.py

# Only the browser tests (Debian's Chromium headless); screenshots in test-artifacts/screenshots/.
browser: system-deps services messages
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/pytest -m browser

clean:
	rm -rf $(VENV) var .pytest_cache
