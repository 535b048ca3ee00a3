# Everything runs inside .venv, made on first use from python3.11 (or python3 if that is 3.11+).
# Every install takes the versions pinned in constraints.txt (the whole tree).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PIP    := $(BIN)/python -m pip install --quiet --constraint constraints.txt

.PHONY: demo demo-cong-trang test campaign lint wheel-check bench templates previews guides constraints clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "thidua needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)   ## build the demo workbook in demo/ and run one sync on it
	$(BIN)/thidua demo --dir demo

demo-cong-trang: $(STAMP)   ## the yearly merit campaign's demo (register of awards, criteria) in demo-cong-trang/
	$(BIN)/thidua demo --campaign cong-trang-2025 --dir demo-cong-trang

test: $(STAMP)   ## the whole test suite (a short kill campaign included)
	$(BIN)/python -m pytest -q

campaign: $(STAMP)  ## the long fault campaigns: 30 random kills of a real sync (a few minutes)
	$(BIN)/python -m pytest -q -m campaign

lint: $(STAMP)   ## ruff and mypy, at the versions pinned in pyproject.toml
	$(BIN)/ruff check automation tests bench templates
	$(BIN)/mypy

wheel-check: $(STAMP)  ## build the wheel, install it in a fresh venv outside the clone, run the demo and a sync there
	PYTHON=$(PYTHON) bash .ci/wheel-check

bench: $(STAMP)  ## the numbers, side by side with the straightforward approach (a few minutes)
	$(PIP) -e '.[dev,bench]'
	$(BIN)/python bench/run.py

templates: $(STAMP)  ## rebuild the default Word templates in templates/
	$(BIN)/python templates/build_templates.py

previews: $(STAMP)  ## page images of each template in docs/ (needs LibreOffice)
	$(BIN)/python templates/preview.py

constraints:  ## re-pin the whole tree after a change to pyproject.toml's dependencies
	rm -rf .venv-pin && $(PYTHON) -m venv .venv-pin
	.venv-pin/bin/python -m pip install --quiet --upgrade pip
	.venv-pin/bin/python -m pip install --quiet -e '.[dev,bench]'
	{ echo "# The whole dependency tree of thidua (runtime, dev, bench), pinned: 'make constraints' re-pins it."; \
	  echo "# Every install takes it: make, .ci/run, the deploy (pip install -c constraints.txt …)."; \
	  .venv-pin/bin/python -m pip freeze --all --exclude-editable | grep -v -e '^thidua' -e '^setuptools=' ; } > constraints.txt
	rm -rf .venv-pin

clean:
	rm -rf $(VENV) demo demo-cong-trang build bench/results/*.tmp

guides: $(STAMP)  ## docs/huong-dan-don-vi.md from the text the spreadsheet's Hướng dẫn tab shows
	$(BIN)/python -c 'from automation.guide import write_unit_guide; write_unit_guide()'
