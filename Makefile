# congkhai — `make site` builds the demo site, `make test` runs every test.
# Each target sets up the virtual environment first if it is missing or stale.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DATA   ?= data
OUTPUT ?= output
SITEURL ?=
TO      ?=

.PHONY: site html serve publish test clean bench help plotly plotly-check

# The one copy of plotly.js the site ships (bar and scatter traces only) is
# committed, so that building the site needs no Node. `make plotly` rebuilds it
# from package-lock.json; `make plotly-check` proves the committed file is
# exactly what the lockfile builds (CI runs it). site and test rebuild it only
# when it is missing.
PLOTLY_BUNDLE := theme/static/js/plotly-bar-scatter.min.js

# The browser tests drive Debian's Chromium (Playwright cannot download a
# browser here), so `make test` installs it when it is missing.
CHROMIUM := /usr/bin/chromium
SUDO     := $(if $(filter 0,$(shell id -u)),,sudo)

help:
	@echo "make site     set up, build the site from $(DATA)/ into $(OUTPUT)/"
	@echo "make test     set up, run the whole test suite"
	@echo "make html     build only (no message)"
	@echo "make serve    preview on http://localhost:8000/, rebuilt and reloaded on every change"
	@echo "make publish  build with publishconf.py (absolute URLs, feeds); write dist/congkhai-DATE.zip, its manifest and an update zip of what changed"
	@echo "              TO=sftp://user@host/folder (or ftp(s)://, webdav(s)://, s3://, file://): also upload what changed, verified"
	@echo "make clean    remove $(OUTPUT)/"
	@echo "make bench    full build, rebuild and monthly round of the district, a 12- and a 60-month city (~15 min; prints a table)"

# Building the site needs requirements.txt only (a portal's build machine installs just that);
# the tests also need requirements-test.txt.
$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	@touch $@

site: $(VENV)/.installed | $(PLOTLY_BUNDLE)
	$(PY) -m generator build --data $(DATA) --output $(OUTPUT) $(if $(SITEURL),--site-url $(SITEURL))

html: site

serve: $(VENV)/.installed
	$(PY) -m generator serve --data $(DATA) --output $(OUTPUT)

publish: $(VENV)/.installed
	$(PY) -m generator publish --data $(DATA) $(if $(SITEURL),--site-url $(SITEURL)) $(if $(TO),--to $(TO))

test: $(VENV)/.installed-test | $(PLOTLY_BUNDLE) $(CHROMIUM)
	$(PY) -m pytest -q -n 2

clean:
	rm -rf $(OUTPUT)

bench: $(VENV)/.installed | $(PLOTLY_BUNDLE)
	$(PY) bench/scale.py

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq --no-install-recommends chromium

$(PLOTLY_BUNDLE):
	$(MAKE) plotly

plotly:
	npm ci --no-audit --no-fund
	npm run --silent build:plotly

plotly-check:
	npm ci --no-audit --no-fund
	node theme/js-src/build-plotly.js node_modules/.plotly-check.min.js
	cmp node_modules/.plotly-check.min.js $(PLOTLY_BUNDLE)
