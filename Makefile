# The two Quick start commands: `make run` and `make test`. Both set up .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint bench-addresses bench-phishing bench-intents bench-ingest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Start TrustDesk on SQLite with demo data; prints the URL to open.
run: $(STAMP)
	$(BIN)/trustdesk serve --demo

# The whole suite on SQLite, then on PostgreSQL when TRUSTDESK_TEST_DATABASE_URL is set.
test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench-addresses: $(STAMP)
	$(BIN)/python bench/addresses.py

bench-phishing: $(STAMP)
	$(BIN)/python bench/phishing.py

bench-intents: $(STAMP)
	$(BIN)/python bench/intents.py

bench-ingest: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) var .pytest_cache
