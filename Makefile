# Everything runs inside .venv, made on first use from python3.11 (or python3 if that is 3.11+).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench templates previews clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "thidua needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)   ## build the demo workbook in demo/ and run one sync on it
	$(BIN)/thidua demo --dir demo

test: $(STAMP)   ## the whole test suite
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check automation tests bench

bench: $(STAMP)  ## the numbers, side by side with the straightforward approach (a few minutes)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py

templates: $(STAMP)  ## rebuild the default Word templates in templates/
	$(BIN)/python templates/build_templates.py

previews: $(STAMP)  ## page images of each template in docs/ (needs LibreOffice)
	$(BIN)/python templates/preview.py

clean:
	rm -rf $(VENV) demo bench/results/*.tmp
