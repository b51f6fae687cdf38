# Two entry points: `make run` (set up and start the bot) and `make test` (set up and run every check).
# Both create .venv on first use; later runs reuse it until pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# CPU build of torch; pinned so pip takes the local/CPU wheel instead of a multi-GB CUDA build.
TORCH ?= torch==2.13.0

# pgvector built from source for the PostgreSQL tests (tests/build_pgvector.sh says why).
PGVECTOR := $(VENV)/pgvector

.PHONY: run test install lint pgvector bench eval clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$(TORCH)"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

$(PGVECTOR)/.built: $(VENV)/.installed tests/build_pgvector.sh
	tests/build_pgvector.sh $(PGVECTOR) $(PY)

pgvector: $(PGVECTOR)/.built

run: install
	$(PY) -m bot

lint: install
	$(PY) -m ruff check bot index bench tests
	$(PY) -m ruff format --check bot index bench tests
	$(PY) -m mypy

test: lint pgvector
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q

bench: install
	HF_HUB_OFFLINE=1 $(VENV)/bin/newsbot bench

eval: install
	HF_HUB_OFFLINE=1 $(VENV)/bin/newsbot eval multihop

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
