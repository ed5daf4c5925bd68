# congkhai — `make site` builds the demo site, `make test` runs every test.
# Each target sets up the virtual environment first if it is missing or stale.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DATA   ?= data
OUTPUT ?= output
SITEURL ?=

.PHONY: site html serve publish test clean bench help

help:
	@echo "make site     set up, build the site from $(DATA)/ into $(OUTPUT)/"
	@echo "make test     set up, run the whole test suite"
	@echo "make html     build only (no message)"
	@echo "make serve    build, then serve $(OUTPUT)/ on http://localhost:8000/"
	@echo "make publish  build with publishconf.py (absolute URLs, feeds)"
	@echo "make clean    remove $(OUTPUT)/"

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

site: $(VENV)/.installed
	$(PY) -m generator build --data $(DATA) --output $(OUTPUT) $(if $(SITEURL),--site-url $(SITEURL))

html: site

serve: site
	$(PY) -m http.server --directory $(OUTPUT) 8000

publish: $(VENV)/.installed
	$(PY) -m generator build --data $(DATA) --output $(OUTPUT) --settings publishconf.py

test: $(VENV)/.installed
	$(PY) -m pytest -q -n 2

clean:
	rm -rf $(OUTPUT)
