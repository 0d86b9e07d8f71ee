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
# Installed modules are compiled to bytecode once, at install: where PYTHONDONTWRITEBYTECODE
# is set (as in many CI images), every process would otherwise compile pandas, Altair and
# Jupyter from source on each start (about 3 s each).
export UV_COMPILE_BYTECODE := 1

# Debian packages: a CJK font, so Chinese never renders as boxes (charts, reports);
# Chromium for the browser tests and `report --pdf`; poppler-utils (pdftotext, pdffonts)
# for the tests that read the PDFs back.
SYSTEM_PACKAGES := fonts-wqy-microhei chromium poppler-utils

.PHONY: report test lab bench install clean system-deps git-filter

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# One stamp per set of extras, redone whenever the lock or the project metadata changes.
# The tests run ingest.propose on a dask.distributed cluster, so they sync the dask extra.
$(VENV)/.synced-test: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --extra test --extra dask
	@rm -f $(VENV)/.synced-*
	@touch $@

$(VENV)/.synced-bench: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --extra test --extra dask --extra bench
	@rm -f $(VENV)/.synced-*
	@touch $@ $(VENV)/.synced-test

install: $(VENV)/.synced-test git-filter

# Notebook outputs never reach git: on `git add`, nbstripout (installed in .venv) strips
# outputs, execution counts and widget state from *.ipynb (.gitattributes names the filter),
# and the language_info a running kernel writes into the metadata on save (the kernelspec
# stays: JupyterLab needs it to pick the kernel; it is committed as the project's kernel
# writes it). So Run All and save in JupyterLab leave `git diff` empty, and `git status` clean
# with the save hook `make lab` gives JupyterLab (see the lab target).
# The command is relative, so every checkout or worktree uses its own .venv.
NBSTRIP := $(VENV)/bin/nbstripout --keep-id --extra-keys metadata.language_info
git-filter:
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean '$(NBSTRIP)' && \
	  git config filter.nbstripout.smudge cat && \
	  git config diff.ipynb.textconv '$(NBSTRIP) -t' && \
	  echo "git-filter: notebook outputs are stripped on commit (nbstripout)" || \
	  echo "git-filter: could not write the git config; outputs are not stripped on commit"; fi

# Installs missing Debian packages when run as root (as CI is); otherwise says what to install.
system-deps:
	@if ! command -v dpkg >/dev/null 2>&1; then \
	  echo "system-deps: not a Debian system; install a CJK font (e.g. WenQuanYi Micro Hei) yourself"; \
	  exit 0; fi; \
	missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $$missing; \
	  else echo "system-deps: missing Debian packages:$$missing; run: sudo apt-get install$$missing"; \
	    exit 1; fi; fi

report: system-deps $(VENV)/.synced-test
	$(VENV)/bin/shanxi-analysis check
	$(VENV)/bin/shanxi-analysis report

test: system-deps $(VENV)/.synced-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest -n 2

# JupyterLab on the notebooks folder, on this machine only (127.0.0.1). As root (a container,
# CI) JupyterLab needs --allow-root; as a user it does not. The URL, token included, is
# printed once the server is up. This folder goes first on JUPYTER_CONFIG_PATH, so the
# server also reads jupyter_server_config.py here (your own configuration is still read):
# its save hook keeps `git status` clean after Run All and save.
lab: system-deps install
	@echo "make lab: starting JupyterLab on 127.0.0.1 in notebooks/ (Ctrl+C to stop)"
	@if [ "$$(id -u)" = 0 ]; then root="--allow-root"; else root=""; fi; \
	  JUPYTER_CONFIG_PATH="$(CURDIR)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(VENV)/bin/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir=notebooks $$root

bench: $(VENV)/.synced-bench
	$(VENV)/bin/python benchmarks/quantities.py
	$(VENV)/bin/python benchmarks/reports.py
	$(VENV)/bin/python benchmarks/readers.py
	$(VENV)/bin/python benchmarks/ingest.py
	$(VENV)/bin/python benchmarks/ingest.py --dask

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache .hypothesis reports/*/ reports/index.html
