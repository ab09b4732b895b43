# Two commands do everything on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export FLASK_APP := app.py

.PHONY: run test test-sqlite test-postgres setup browser db translations messages clean bench

run: setup db
	@$(BIN)/flask icp demo
	@$(BIN)/flask users ensure-admin
	@echo "ICP records system: http://127.0.0.1:$(PORT)/login"
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: setup browser test-sqlite test-postgres

test-sqlite:
	@echo "== test suite on SQLite =="
	$(BIN)/pytest -q tests

# The PostgreSQL pass runs whenever the server answers; REQUIRE_POSTGRES=1 makes its absence a failure.
test-postgres:
	@if $(BIN)/python -c "import sqlalchemy as sa; sa.create_engine('$(TEST_POSTGRES_URL)').connect().close()" 2>/dev/null; then \
		echo "== test suite on PostgreSQL ($(TEST_POSTGRES_URL)) =="; \
		TEST_DATABASE_URL='$(TEST_POSTGRES_URL)' $(BIN)/pytest -q tests; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "PostgreSQL at $(TEST_POSTGRES_URL) is not reachable and REQUIRE_POSTGRES=1"; exit 1; \
	else \
		echo "== PostgreSQL at $(TEST_POSTGRES_URL) not reachable: PostgreSQL pass not run =="; \
	fi

setup: $(VENV)/.installed translations

# Benchmarks at 10,000 and 100,000 cases on SQLite and (when it answers) PostgreSQL: lists, totals, export, report
# workbooks; then the import and the 20-user gunicorn load test (SQLite); writes bench/results.md.
# BENCH_CASES=10000 for a quicker run, BENCH_LOAD_SECONDS=0 / BENCH_IMPORT_CASES=0 skip the load test / the import;
# see bench/README.md for the other settings.
bench: setup
	$(BIN)/python bench/run.py

# Browser tests drive Debian's Chromium; install it when it is missing (the test tools cannot download one).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

translations: $(VENV)/.installed
	@$(BIN)/pybabel compile -d icp/translations -D messages >/dev/null
	@$(BIN)/pybabel compile -d icp/translations -D admin >/dev/null
	@$(BIN)/pybabel compile -d icp/translations -D wtforms >/dev/null

# After changing user-facing text: refresh the catalogue template and the English catalogue, then translate.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k labelled --no-location --sort-output \
		-o icp/translations/messages.pot .
	$(BIN)/pybabel update -i icp/translations/messages.pot -d icp/translations -D messages

db: setup
	@mkdir -p instance
	$(BIN)/flask db upgrade

clean:
	rm -rf $(VENV) instance/icp.sqlite
