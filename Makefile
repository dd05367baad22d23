# Two commands on a fresh machine: `make run` and `make test` (CONTRACT §1).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast lint format install install-dev browser translations setup-db bench bench-b1 bench-b2 bench-b3 bench-b4 bench-b5 bench-growth clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

setup-db: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) consult load-policy
	$(FLASK) consult demo-accounts

run: setup-db
	@echo "Serving Consult on http://$(HOST):$(PORT)/"
	$(FLASK) run --host $(HOST) --port $(PORT)

# Browser tests drive Debian's Chromium and inject axe-core from npm.
browser:
	bash scripts/ensure-browser.sh

test: install-dev browser
	$(BIN)/python -m pytest

test-fast: install-dev
	$(BIN)/python -m pytest -m "not e2e"

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check consult tests bench config.py wsgi.py
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format consult tests bench config.py wsgi.py

# Extract every msgid, merge it into each catalogue (keeping its header and Plural-Forms),
# compile. `--ignore-dirs` replaces Babel's default, which would skip templates/_macros.
translations: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs=".* __pycache__ node_modules" \
		-o translations/messages.pot --no-location --sort-output --omit-header .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching \
		--ignore-obsolete --ignore-pot-creation-date
	$(BIN)/pybabel compile -d translations --statistics

# All of B1-B5 (docs/performance.md) on a fresh SQLite and on a scratch PostgreSQL database
# (consult_bench_<SCALE>, dropped and created on the BENCH_PG server; BENCH_PG= for SQLite
# only), then a summary of every figure beside its reference. SCALE=small (under 5 minutes)
# or SCALE=full.
BENCH_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432
bench: install
	$(BIN)/python -m bench.all --scale $(SCALE) --pg "$(BENCH_PG)"

# The older growth benchmark: section page and survey results at 1x and 10x data.
bench-growth: install
	$(BIN)/python -m bench.run

# B1 (docs/performance.md): the busiest section under gunicorn beside a bare Flask app, on a
# fresh SQLite generated at SCALE (tiny | small | full); or B1_DB=<database URL> to reuse one.
SCALE ?= small
B1_DURATION ?= 10
bench-b1: install
	$(BIN)/python -m bench.b1_section_page --scale $(SCALE) --duration $(B1_DURATION) \
		$(if $(B1_DB),--database-url $(B1_DB))

# B2 (docs/performance.md): the report API beside the raw SQL it runs, on the same database.
bench-b2: install
	$(BIN)/python -m bench.b2_report --scale $(SCALE) $(if $(B2_DB),--database-url $(B2_DB))
# B3 (docs/performance.md): comments and responses exported to CSV and XLSX, peak memory
# and time at 10,000 rows and all of them, beside the raw SELECT; a fresh SQLite generated
# at B3_SCALE (full by default), or B3_DB=<database URL> to reuse one.
B3_SCALE ?= full
bench-b3: install
	$(BIN)/python -m bench.b3_exports --scale $(B3_SCALE) $(if $(B3_DB),--database-url $(B3_DB))

# B4 (docs/performance.md): 32 participants writing through the forms for B4_DURATION s,
# beside the same rows inserted directly; rows counted after. B4_DB=<database URL> to reuse.
B4_DURATION ?= 10
bench-b4: install
	$(BIN)/python -m bench.b4_writes --scale $(SCALE) --duration $(B4_DURATION) \
		$(if $(B4_DB),--database-url $(B4_DB))

# B5 (docs/performance.md): HTML, CSS, JS and font bytes of every page type against DESIGN §4.
bench-b5: install
	$(BIN)/python -m bench.b5_page_weight --scale $(SCALE) $(if $(B5_DB),--database-url $(B5_DB))

clean:
	rm -rf $(VENV) node_modules instance/*.db
