# The README's two commands: `make demo` and `make test`. Each creates .venv on its own.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

# demo: one run of baseline_2024 at 100 people per agent (results/baseline_2024/, ~10 s), then an ensemble
# of 10 members at 200 people per agent on 2 worker processes, with fan charts and intervals
# (results/baseline_2024_ensemble/): 25 s in all on 2 idle cores (benchmarks/README.md).
demo: $(VENV)/.installed
	$(BIN)/migsim run scenarios/baseline_2024.yaml --out results/baseline_2024 --force
	$(BIN)/migsim run scenarios/baseline_2024.yaml --ensemble 10 --scale 200 --workers 2 \
		--out results/baseline_2024_ensemble --force

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) results/*/
