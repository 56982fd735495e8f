# Two commands do everything: `make run` starts the bot, `make test` runs
# every test. Both create the virtual environment in .venv on first use.
# `make bench` runs the benchmarks (figures in BENCHMARKS.md).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test demo bench install clean

run: $(INSTALLED)
	$(BIN)/pirbot run $(ARGS)

test: $(INSTALLED)
	$(BIN)/python -m pytest $(ARGS)

demo: $(INSTALLED)
	$(BIN)/pirbot demo $(ARGS)

bench: $(INSTALLED)
	$(BIN)/python -m bench $(ARGS)

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pirbot needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(INSTALLED)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
