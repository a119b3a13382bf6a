# Two commands on a fresh machine:  `make serve` (site on http://127.0.0.1:8000)
# and `make test` (every test). Both create .venv and install requirements.txt first.
# For the instructor: `make pdf` (the TP in one PDF, site/pdf/tp-module-2-cnn.pdf;
# ARGS="--solutions": site/pdf/tp-module-2-cnn-enseignant.pdf, every solution shown; needs
# Debian's chromium) and `make offline` (dist/tp-module-2-cnn-hors-ligne.zip, the site to
# open from disk, no server).
# The Python of .venv (the GPU runner: make install-gpu PYTHON=python3.11).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: install install-test install-gpu serve build test figures benchmark clean pdf offline

$(INSTALLED): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(INSTALLED)

# What the tests need beyond Python, installed when missing if make runs as root (or in CI
# with sudo); elsewhere, the tests that need them are skipped or use stand-ins, and say so:
# Debian's chromium, hunspell and its French and English dictionaries (tests/test_browser.py),
# the real Fashion-MNIST (dataset-fashion-mnist: one page tested on real data), and
# axe-core from npm (package-lock.json), jq (the workflows' steps rehearsed by
# tests/test_workflows.py).
DEBIAN_TEST_PACKAGES := hunspell hunspell-fr hunspell-en-us dataset-fashion-mnist jq
install-test: install node_modules/.package-lock.json
	@missing=$$(for p in $(DEBIAN_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	{ command -v chromium || command -v chromium-browser || command -v google-chrome; } >/dev/null \
	  || missing="chromium $$missing"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=; elif [ -n "$$CI" ] && sudo -n true 2>/dev/null; then sudo=sudo; \
	  else echo "Paquets Debian absents : $$missing (installez-les en root ; sans eux, des tests sont sautés)"; exit 0; fi; \
	  echo "Installation des paquets Debian : $$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$sudo apt-get install -y -qq $$missing >/dev/null \
	    || { $$sudo apt-get update -qq && $$sudo apt-get install -y -qq $$missing >/dev/null; } \
	    || echo "Installation impossible : $$missing (des tests seront sautés)"; \
	fi

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm absent : axe-core non installé (le test d'accessibilité sera sauté)"; fi

# GPU build runner: the CUDA build of TensorFlow in place of the CPU one.
install-gpu: install
	$(BIN)/python -m pip uninstall --quiet --yes tensorflow-cpu
	$(BIN)/python -m pip install --quiet 'tensorflow[and-cuda]==2.21.0'

serve: install
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: install
	$(BIN)/mkdocs build --strict

# make pdf ARGS="--solutions" (src/tp_cnn/exports/pdf_command.py); make offline (offline.py)
pdf: install
	$(BIN)/python scripts/build_pdf.py $(ARGS)

offline: install
	$(BIN)/python scripts/build_offline.py

test: install install-test
	$(BIN)/ruff check src scripts tests
	$(BIN)/pytest

# make figures ARGS="--page convolution-pooling --mode fast"
figures: install
	$(BIN)/python scripts/generate_figures.py $(ARGS)

benchmark: install
	$(BIN)/python scripts/benchmark_figures.py

clean:
	rm -rf site dist .pytest_cache .ruff_cache
