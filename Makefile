# talentpool. On a fresh machine with Python 3.11+ and make: `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench db-stop lock clean backup restore

# Create the virtual environment and install the locked, hash-checked dependencies.
$(STAMP): requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

# Serve the app with demo data at http://$(HOST):$(PORT)/, with the background worker beside it.
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@$(BIN)/python manage.py seed_demo --logins
	@echo "Serving http://$(HOST):$(PORT)/ (Ctrl-C stops the server, the worker and the database)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(BIN)/python manage.py worker --reload & worker=$$!; \
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite on the real (embedded) PostgreSQL, after the style checks.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Dump the database (pg_dump custom format) to var/backups/; with DATABASE_URL, that database.
backup: $(STAMP)
	$(BIN)/python manage.py backup_db

# Restore var/backups' latest dump (or FILE=path) over the database, after confirmation.
restore: $(STAMP)
	$(BIN)/python manage.py restore_db $(FILE)

# Stop the embedded database if a killed process left it running.
db-stop: $(STAMP)
	$(BIN)/python -c "import talentpool.embedded_pg as e; print('stopped' if e.stop_server('var/pg') else 'not running')"

# Regenerate the hashed lock files from pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -q -o requirements.lock
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q -o requirements-dev.lock

clean:
	rm -rf $(VENV) var/staticfiles

# Speed figures (`bench: <name>: <value> <unit>`), in a database of its own.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH)
