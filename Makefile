# The README's two commands: `make run` and `make test`. Each sets up whatever is missing
# (system packages, the virtual environment, the pinned Python packages) and then does its job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SYSTEM_STAMP := $(VENV)/.system-checked

.PHONY: run test setup system-deps lint check-routines bench clean

run: setup
	$(BIN)/backcare-desktop

test: setup lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

setup: system-deps $(STAMP)

system-deps:
	@bash packaging/install-system-deps.sh

$(STAMP): pyproject.toml packaging/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "backcare: Python 3.11 or newer is needed (found $$($(PYTHON) --version))" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c packaging/constraints.txt -e '.[dev]'
	@touch $(STAMP)

lint: setup
	$(BIN)/ruff check backcare_desktop tests benchmarks
	$(BIN)/mypy

check-routines: setup
	$(BIN)/backcare-desktop check routines/*.toml

bench: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
