# Two commands on a fresh machine:  `make serve` (site on http://127.0.0.1:8000)
# and `make test` (every test). Both create .venv and install requirements.txt first.
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: install install-gpu serve build test figures benchmark clean

$(INSTALLED): requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(INSTALLED)

# GPU build runner: the CUDA build of TensorFlow in place of the CPU one.
install-gpu: install
	$(BIN)/python -m pip uninstall --quiet --yes tensorflow-cpu
	$(BIN)/python -m pip install --quiet 'tensorflow[and-cuda]==2.21.0'

serve: install
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: install
	$(BIN)/mkdocs build --strict

test: install
	$(BIN)/ruff check src scripts tests
	$(BIN)/pytest

# make figures ARGS="--page convolution-pooling --mode fast"
figures: install
	$(BIN)/python scripts/generate_figures.py $(ARGS)

clean:
	rm -rf site .pytest_cache .ruff_cache
