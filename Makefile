# motcua — two commands set everything up: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck imports migrations-check unit browser messages hooks bench faults clean prod-up prod-down

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11+ is required ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## make run: migrate the embedded SQLite database, load the demo data once, serve on :$(PORT)
# Links printed or sent (receipt QR code, e-mails, SMS) point where `make run` serves, unless
# MOTCUA_PUBLIC_URL is set (motcua/core/links.py).
run: export MOTCUA_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddemo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Serving http://127.0.0.1:$(PORT)/  (stop with Ctrl+C); periodic jobs log to var/periodic.log"
	$(BIN)/python manage.py run_periodic > var/periodic.log 2>&1 & PERIODIC=$$!; \
	trap 'kill $$PERIODIC 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 \
		--access-logfile - --graceful-timeout 5

## make test: lint, types, import contracts, migrations check, then the whole suite
test: $(STAMP) lint typecheck imports migrations-check unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy motcua config

imports: $(STAMP)
	$(BIN)/lint-imports

migrations-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

unit: $(STAMP)
	$(BIN)/pytest -q -n 2 --dist loadfile

## make messages: update locale/vi/LC_MESSAGES/django.po from the code (new msgids come in
## empty or fuzzy: translate them in the .po) and compile it to the committed .mo (needs GNU gettext)
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=tests --ignore="*/tests/*" --ignore=bench \
	--ignore=tools
messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "make messages needs GNU gettext (apt install gettext)"; exit 1; }
	$(BIN)/python manage.py makemessages -l vi $(MESSAGES_IGNORE) --no-obsolete
	$(BIN)/python manage.py compilemessages -l vi $(MESSAGES_IGNORE)

## make hooks: run the first checks of `make test` before every commit (.pre-commit-config.yaml)
hooks: $(STAMP)
	$(BIN)/pre-commit install

bench: $(STAMP)
	$(BIN)/python bench/run.py

## make faults: the production topology's fault rehearsal (deploy/faults.py): its own instance
## (port offset 100, var/prod-faults), six faults under load, one `ok`/`FAIL` line each,
## purged at the end (FAULTS_ARGS=--keep keeps it); at most 20 minutes (a first start of the
## topology, migrations and demo data included, takes 4-7 of them)
faults: $(STAMP)
	timeout --kill-after=30 1260 $(BIN)/python deploy/faults.py $(FAULTS_ARGS)

## make prod-up / prod-down: the production topology rehearsed on this machine as separate loopback
## processes (nginx, 2 app servers, workers, beat, PostgreSQL primary + replica, Redis, S3);
## deploy/prodctl, docs/adr/0048. The last line printed is the public URL.
prod-up: $(STAMP)
	deploy/prodctl up

prod-down:
	deploy/prodctl down

clean:
	rm -rf $(VENV) var
