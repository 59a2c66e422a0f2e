# Hub: `make run` starts everything on the embedded default; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint format bench install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install when pyproject.toml changes; the stamp files remember what was installed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(BIN)/python -m hub.launcher

# The whole suite on the configured database (SQLite unless DATABASE_URL says otherwise), then
# the tests marked both_databases once more on the other one (see tests/run.py).
test: $(VENV)/.installed-dev
	$(BIN)/python tests/run.py $(ARGS)

# Style, the architecture's import contracts (pyproject.toml, [tool.importlinter]), and no skip
# that HUB_REQUIRE_INTEGRATION=1 cannot turn into a failure (tests/helpers/integration.py is the one way).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	@! grep -rnE 'pytest\.skip\(|mark\.skipif|importorskip' tests --include='*.py' | grep -v '^tests/helpers/integration.py:' \
		|| { echo "plain skips above: use tests.helpers.integration.require"; exit 1; }

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
