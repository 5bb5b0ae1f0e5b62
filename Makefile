# Quickstart: `make run` (set up, index the bundled corpus, open the chat UI) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
HOST   ?= 127.0.0.1
PORT   ?= 7860
AXE    := $(VENV)/npm/node_modules/axe-core/axe.min.js

.PHONY: run test index install install-test bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -e .
	touch $@

# torch is pinned so pip takes the CPU build that lies on disk, not a multi-GB CUDA one.
$(VENV)/.installed-test: $(VENV)/.installed $(AXE)
	$(PIP) install torch==2.13.0
	$(PIP) install -e '.[test,st,milvus,bench]'
	touch $@

# axe-core (npm) for the UI's accessibility tests, read from .venv/npm by tests/test_ui_i18n.py
$(AXE):
	npm install --prefix $(VENV)/npm --no-audit --no-fund --loglevel=error axe-core@4

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

index: install
	$(PY) -m assistant index seeds/

run: index
	$(PY) -m assistant serve --host $(HOST) --port $(PORT)

test: install-test
	$(PY) -m pytest -q

bench: install-test
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) index/CURRENT index/v-* index/tmp-*
