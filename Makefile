# One command per verb, the same for people and CI.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check lint typecheck layers bench contact-sheet looks-example openapi constraints clean
# Every install takes the exact versions in constraints.txt (refresh: make constraints).
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c constraints.txt

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "looksmith needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The client SDK is its own distribution (clients/python), which the server depends on.
$(VENV)/.installed: $(BIN)/python pyproject.toml clients/python/pyproject.toml constraints.txt
	$(PIP_INSTALL) -e clients/python -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml constraints.txt
	$(PIP_INSTALL) -e '.[dev]'
	@touch $@

run: $(VENV)/.installed
	@$(BIN)/looksmith migrate
	@KEY=$$($(BIN)/looksmith keys default | tail -n 1); \
	echo ""; \
	echo "looksmith on http://$(HOST):$(PORT)   (state in $${LOOKSMITH_DATA_DIR:-./var})"; \
	echo "API key: $$KEY"; \
	echo "Web console: http://$(HOST):$(PORT)/console"; \
	echo ""; \
	echo "Generate photos:"; \
	echo "  curl -s -X POST http://$(HOST):$(PORT)/v2/photo_avatar/photo/generate -H 'x-api-key: '$$KEY -H 'content-type: application/json' -d '{\"name\": \"Ada\", \"age\": \"Young Adult\", \"gender\": \"Woman\", \"ethnicity\": \"East Asian\", \"orientation\": \"square\", \"pose\": \"half_body\", \"style\": \"Realistic\", \"appearance\": \"red hoodie, glasses\"}'"; \
	echo "Then poll:"; \
	echo "  curl -s http://$(HOST):$(PORT)/v2/photo_avatar/generation/<generation_id> -H 'x-api-key: '$$KEY"; \
	echo ""
	@exec $(BIN)/looksmith serve --host $(HOST) --port $(PORT)

# The README's test command, which CI runs: style, types and layer contracts gate the suite.
test: lint typecheck layers
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src clients tests bench scripts
	$(BIN)/ruff format --check src clients tests bench scripts

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

layers: $(VENV)/.installed-dev
	$(BIN)/lint-imports

check: test

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

contact-sheet: $(VENV)/.installed
	$(BIN)/looksmith contact-sheet --out docs/contact-sheet.png

looks-example: $(VENV)/.installed-dev
	$(BIN)/python scripts/looks_example.py --out docs/looks-example.png

openapi: $(VENV)/.installed
	$(BIN)/python -m looksmith.api.openapi > openapi.json

constraints:
	scripts/refresh_constraints.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
