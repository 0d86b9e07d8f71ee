# Two commands for a fresh machine with Python 3.11+:
#   make report   builds what the package produces end to end (see README)
#   make test     runs the whole test suite
# Each installs what it needs into .venv from the locked versions in uv.lock.

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never

.PHONY: report test lint bench install clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# One stamp per set of extras, redone whenever the lock or the project metadata changes.
$(VENV)/.synced-test: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --extra test
	@rm -f $(VENV)/.synced-*
	@touch $@

$(VENV)/.synced-bench: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --extra test --extra bench
	@rm -f $(VENV)/.synced-*
	@touch $@ $(VENV)/.synced-test

install: $(VENV)/.synced-test

report: $(VENV)/.synced-test
	$(VENV)/bin/shanxi-analysis sources
	$(VENV)/bin/shanxi-analysis check

test: $(VENV)/.synced-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest

bench: $(VENV)/.synced-bench
	$(VENV)/bin/python benchmarks/quantities.py

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache .hypothesis
