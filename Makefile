# Two commands for a fresh machine (see README):
#   make demo   installs into .venv and codes the bundled sample into an embedded database
#   make test   installs into .venv and runs lint, the tests and the quality gate
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint quality bench audit clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# Build the gazetteer's on-disk index once, here, so that the first run starts fast.
	$(BIN)/python -c "from eventscope.places import load_gazetteer; load_gazetteer()"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/eventscope demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench training tools

# The browser test drives Debian's Chromium: installed here when it is missing (as root, with
# apt-get; otherwise say how), so that `make test` works on a fresh machine.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser test"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
	  else \
	    echo "the browser test needs /usr/bin/chromium: run 'sudo apt-get install --no-install-recommends chromium'"; \
	  fi; \
	fi

# pytest exits 5 when it collects nothing (say, a filtered run): report it, don't fail on it.
test: $(STAMP) lint chromium
	$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; rc=0; fi; exit $$rc
	$(BIN)/python bench/quality.py

quality: $(STAMP)
	$(BIN)/python bench/quality.py

bench: $(STAMP)
	$(BIN)/python bench/throughput.py

# Known vulnerabilities in the installed packages (PyPI's advisories). Needs the network
# (PyPI's JSON API, api.osv.dev), so not part of `make test`; --strict fails when a package
# cannot be checked, rather than passing with nothing checked.
audit: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-audit==2.10.1
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

clean:
	rm -rf $(VENV) eventscope-demo.duckdb
