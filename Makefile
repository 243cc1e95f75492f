# Two commands on a fresh machine with Python 3.11: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements-dev.lock | cksum | cut -d' ' -f1)
NAV_STAMP := $(VENV)/.navigateur-$(shell cat requirements-navigateur.lock tests/navigateur/package-lock.json | cksum | cut -d' ' -f1)
STRICT ?=
DEST   ?=
BENCH  ?=

.PHONY: build test lint test-navigateur serve clean refdata bench publish rollback extract

# The project itself is installed too (editable, no dependencies): the entry point of its MkDocs
# plugin, `rpc-rapide` in mkdocs.yml (pyproject.toml, generator/mkdocs_plugin.py).
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $(STAMP)

build: $(STAMP)
	$(PY) -m generator build $(if $(STRICT),--strict,)

extract: $(STAMP)
	$(PY) -m generator extract

# The tests never read the inbox nor what was built from it: they build their own copy of the project
# from tests/fixtures (tests/conftest.py), and tests/test_copie_projet.py adds a new recueil to a copy.
# What only the tests and the checks need (pytest, fpdf2, ruff, mypy…): requirements-dev.lock.
$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	rm -f $(VENV)/.dev-* && touch $(DEV_STAMP)

test: $(DEV_STAMP)
	$(PY) -m pytest --ignore=tests/navigateur

# Code checks (run by .ci/run): ruff's lint and format, mypy (strict for records/ and parse/); settings in pyproject.toml.
lint: $(DEV_STAMP)
	$(PY) -m ruff check generator tools tests
	$(PY) -m ruff format --check generator tools tests
	$(PY) -m mypy

# Browser tests (search, accessibility, validity, performance, screenshots) in Debian's Chromium
# (`apt-get install chromium`, done by .ci/run), driven by Playwright; from npm: axe-core, the Nu HTML
# Checker (vnu-jar, run by Java: `apt-get install default-jre-headless`, done by .ci/run) and Lighthouse.
# --ignore-scripts: vnu-jar's install script would download a Java of its own; Debian's is used.
$(NAV_STAMP): $(DEV_STAMP) requirements-navigateur.lock tests/navigateur/package-lock.json
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-navigateur.lock
	cd tests/navigateur && npm ci --no-audit --no-fund --silent --ignore-scripts
	rm -f $(VENV)/.navigateur-* && touch $(NAV_STAMP)

test-navigateur: $(NAV_STAMP)
	$(PY) -m pytest tests/navigateur

serve: build
	$(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000

refdata: $(STAMP)
	$(PY) -m generator.lieux.refdata

bench: $(STAMP)
	$(PY) -m tools.bench $(BENCH)

# Build, verify, then mirror the verified site into DEST (built beside it, exchanged in one step).
publish: $(STAMP)
	@test -n "$(DEST)" || (echo "Usage : make publish DEST=/chemin/du/dossier/publié" && exit 2)
	$(PY) -m generator publish "$(DEST)" $(if $(STRICT),--strict,)

# The previous version back online: site/ (or DEST when given).
rollback: $(STAMP)
	$(PY) -m generator rollback $(if $(DEST),"$(DEST)",)

# Everything the build made (generator.commun.genere.GENERE, the one list), never site_data/: under the
# build's lock; without .venv, the same module with the system's Python (it needs the standard library only).
clean:
	if test -x $(PY); then $(PY) -m generator clean; else $(PYTHON) -m generator.commun.genere; fi
