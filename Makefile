# The two commands: `make run` shows the product, `make test` proves it. Both start from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links, QR codes, the room page and posters point here: by default the address `make run` serves,
# for every command below (seed_demo and runserver alike), so another PORT needs nothing else.
SITE_BASE_URL ?= http://127.0.0.1:$(PORT)
RUN_ENV = DEBUG=1 DEMO_MODE=1 SITE_BASE_URL=$(SITE_BASE_URL)
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk

.PHONY: run test setup lint format system-packages clean mfa-code messages compilemessages

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/.built: node_modules/.installed static/scss/portal.scss
	npm run --silent build
	mkdir -p static/build/nhsuk
	cp $(NHSUK)/nhsuk-frontend.min.js static/build/nhsuk/
	cp -r $(NHSUK)/assets/images static/build/nhsuk/
	touch $@

# I18N-9: the interface catalogues (locale/<lang>/LC_MESSAGES/django.po) are compiled to .mo
# here (not committed). msgfmt --check fails the build on a broken catalogue (I18N-8), so a bad
# translation breaks `make test`, never a parent's page.
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)

# msgfmt (Debian's gettext, in SYSTEM_TOOLS) when present; else polib from the venv, so that
# `make run` works on a machine without gettext (the tests parse every catalogue either way).
%.mo: %.po | $(BIN)/.installed
	if command -v msgfmt >/dev/null 2>&1; then msgfmt --check -o $@ $<; \
	else $(BIN)/python -c "import polib, sys; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])" $< $@; fi

compilemessages: $(COMPILED)

# Refresh the catalogues from the marked strings, with stable options so the freshness test
# (tests/portal/test_catalogues.py) compares like with like. Run after adding strings.
MESSAGE_LANGUAGES := pt ar
MAKEMESSAGES_OPTS := --no-location --no-obsolete --no-wrap --extension=html,txt,py \
	--ignore=.venv --ignore=node_modules --ignore=static --ignore=staticfiles --ignore=tests \
	--ignore=bench --ignore=docs
messages: $(BIN)/.installed
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemessages \
		$(addprefix -l ,$(MESSAGE_LANGUAGES)) $(MAKEMESSAGES_OPTS)

setup: $(BIN)/.installed static/build/.built compilemessages

run: setup
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	# The background worker (texts, emails, reminders, scheduled T2) runs beside the site and
	# stops with it: the trap ends it however runserver ends (Ctrl-C included).
	$(RUN_ENV) $(BIN)/python manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/python manage.py runserver --noreload 127.0.0.1:$(PORT)

# Demo mode: the code a demo account's authenticator would show now (see what `make run` prints).
mfa-code:
	@DEBUG=1 DEMO_MODE=1 $(BIN)/python manage.py demo_totp $(ACCOUNT)

# Debian packages the tests use: Chromium and its lighter headless shell for browser tests
# (Playwright never downloads a browser here), zbar to decode QR codes, poppler's pdftoppm to
# rasterise PDFs; wrk drives bench/bench_load.py, and redis-server lets the two-instance test
# run with the shared Redis cache as well (PERF-1, PERF-3); gettext's msgfmt/xgettext compile and
# extract the interface catalogues.
SYSTEM_TOOLS := chromium:chromium chromium-headless-shell:chromium-headless-shell \
	zbarimg:zbar-tools pdftoppm:poppler-utils wrk:wrk redis-server:redis-server msgfmt:gettext

system-packages:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
		command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "Missing Debian packages:$$missing. Install them with: sudo apt-get install$$missing"; exit 1; \
	fi

# mypy reads its settings from pyproject.toml. PYTHONPATH=. because textstat installs a top-level
# `tests` package into site-packages, which would hide ours from the django-stubs plugin when it
# loads the settings module tests.settings.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=. $(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# pytest-xdist workers: the browser tests spend much of their time waiting on Chromium and the
# live server, so twice as many workers as this 2-core machine has cores keeps both busy;
# worksteal lets a worker that runs out take tests queued on a busy one.
TEST_WORKERS ?= 4

test: setup system-packages lint
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

clean:
	rm -rf $(VENV) node_modules static/build staticfiles .pytest_cache $(COMPILED)
