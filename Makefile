# The README's two commands: `make run` and `make test`. Each sets up whatever is missing
# (system packages, the virtual environment, the pinned Python packages) and then does its job.
# `make install` / `make uninstall` put the app on this desktop (PREFIX=/usr/local: for everyone);
# `make bundle` builds a folder that runs without Python.
PYTHON ?= python3
PREFIX ?= $(HOME)/.local
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SYSTEM_STAMP := $(VENV)/.system-checked
BUNDLE_STAMP := $(VENV)/.bundle-stamp

.PHONY: run test setup system-deps lint check-packaging check-routines bench install uninstall \
	bundle clean

run: setup
	$(BIN)/backcare-desktop

test: setup lint check-packaging
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
	$(BIN)/ruff check backcare_desktop tests benchmarks packaging
	$(BIN)/mypy

check-packaging: system-deps
	desktop-file-validate packaging/backcare-desktop.desktop
	appstreamcli validate --no-net packaging/*.metainfo.xml

check-routines: setup
	$(BIN)/backcare-desktop check routines/*.toml

bench: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks

install: system-deps
	PREFIX="$(PREFIX)" PYTHON="$(PYTHON)" bash packaging/desktop-install.sh install

uninstall:
	PREFIX="$(PREFIX)" bash packaging/desktop-install.sh uninstall

# PyInstaller takes minutes: never part of `make test`. `make bench` measures what this built.
bundle: setup $(BUNDLE_STAMP)
	PYTHON=$(BIN)/python bash packaging/bundle.sh

$(BUNDLE_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -c packaging/constraints.txt -e '.[dev,bundle]'
	@touch $(BUNDLE_STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
