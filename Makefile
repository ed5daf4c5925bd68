# congkhai — `make site` builds the demo site, `make test` runs every test.
# Each target sets up the virtual environment first if it is missing or stale.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DATA   ?= data
OUTPUT ?= output
CONTENT ?= content
DIST   ?= dist
PORT   ?= 8000
SITEURL ?=
THANG  ?=
CORRECTION ?=
TO     ?=

.PHONY: site html validate new-month serve preview publish test test-long clean bench help plotly plotly-check

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
	@echo "make test-long  the whole test suite, its property tests (incremental builds, non-interference) run much longer"
	@echo "make html     build only (no message)"
	@echo "make validate                 check $(DATA)/ and list every problem (HTML report beside it)"
	@echo "make new-month THANG=2026-11  write that month's announcement in $(CONTENT)/bai-viet/"
	@echo "make serve    preview on http://localhost:$(PORT)/, rebuilt and reloaded on every change"
	@echo "make publish SITEURL=https://…/cong-khai  build with publishconf.py (absolute URLs, feeds); write $(DIST)/congkhai-DATE.zip, its manifest and an update zip of what changed"
	@echo "make preview  serve $(DIST)/site/, what publish made, at its real path (http://localhost:$(PORT)/cong-khai/ …)"
	@echo "              TO=sftp://user@host/folder (or ftp(s)://, webdav(s)://, s3://, file://): also upload what changed, verified"
	@echo "make clean    remove $(OUTPUT)/"
	@echo "make bench    full build, rebuild and monthly round of the district, a 12- and a 60-month city (~15 min; prints a table)"

# Building the site needs requirements.txt only (a portal's build machine installs just that);
# the tests also need requirements-test.txt.
$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@# setuptools' banner about editable installs is for package authors, not for someone building the site
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	@touch $@

site: $(VENV)/.installed | $(PLOTLY_BUNDLE)
	$(PY) -m generator build --data $(DATA) --output $(OUTPUT) $(if $(SITEURL),--site-url $(SITEURL))

html: site

# The monthly round of the README ("Mỗi tháng / Each month"), one target a step, so that
# it works in any shell without activating .venv.
validate: $(VENV)/.installed
	$(PY) -m generator validate --data $(DATA)

new-month: $(VENV)/.installed
	@test -n "$(THANG)" || { echo "Thiếu tháng: make new-month THANG=2026-11 (tháng của bài công bố, dạng YYYY-MM)." >&2; exit 1; }
	$(PY) -m generator new-month $(THANG) --data $(DATA) --content $(CONTENT)

serve: $(VENV)/.installed
	$(PY) -m generator serve --data $(DATA) --output $(OUTPUT) --port $(PORT)

publish: $(VENV)/.installed
	$(PY) -m generator publish --data $(DATA) --dist $(DIST) $(if $(SITEURL),--site-url $(SITEURL)) $(if $(CORRECTION),--correction "$(CORRECTION)") $(if $(TO),--to $(TO))

preview:
	@test -x $(PY) || { echo "Chưa có .venv: chạy make publish SITEURL=https://…/cong-khai trước." >&2; exit 1; }
	$(PY) -m generator serve --dist $(DIST) --port $(PORT)

test: $(VENV)/.installed-test | $(PLOTLY_BUNDLE) $(CHROMIUM)
	$(PY) -m pytest -q -n 2

# CONGKHAI_LONG=1: tests/test_incremental.py's random sequences of changes, 60 of up to 8 steps
# instead of the same 6 of up to 4, and many more worlds for tests/test_noninterference.py
# (about an hour on two cores).
test-long: $(VENV)/.installed-test | $(PLOTLY_BUNDLE) $(CHROMIUM)
	CONGKHAI_LONG=1 $(PY) -m pytest -q -n 2

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
