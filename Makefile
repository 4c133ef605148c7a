# s3lib: two commands on a fresh machine.
#   make run   set up .venv if needed, run the notebook suite on the bundled data, write figures
#   make test  set up .venv if needed, run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.s3lib-installed
PLACES ?= frankfurt bordeaux bilbao turin bucharest porto rouen
JOBS   ?= 2

.PHONY: run test lab present slides data site atlas bench clean help

help:
	@echo "make run    run the notebook suite for the six case places and Rouen (French city data) (figures/ and reports/)"
	@echo "make test   run the test suite"
	@echo "make lab    open JupyterLab on notebooks/"
	@echo "make present  serve the explorer as a Voila app on http://127.0.0.1:$(PORT)/ (PORT=8866)"
	@echo "make slides PLACE=bordeaux  run the suite for one place, serve its slides on http://127.0.0.1:$(SLIDES_PORT)/"
	@echo "make data   rebuild the data snapshot in data/ from ../shared/data/raw"
	@echo "make site   build the static gallery in site/ from the executed suite"
	@echo "make atlas  build the EU atlas in atlas/: a card and a profile page per NUTS2 region, searchable"
	@echo "make bench  run the benchmarks"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "s3lib needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (s3lib)" >/dev/null
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/s3lib run --places $(PLACES) --jobs $(JOBS)
	$(BIN)/s3lib card --places $(PLACES)

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

# Presenting never writes into notebooks/: Voila runs the explorer in its own kernel, and the slides
# are exported from the executed copies in reports/<place>/.
PORT  ?= 8866
PLACE ?= bordeaux
SLIDES_PORT ?= 8867
present: $(STAMP)
	$(BIN)/python -m s3lib.outputs.app --port $(PORT)

# --no-suite: the place's own notebooks only; the six-place comparison in reports/compare stays as it is
slides: $(STAMP)
	$(BIN)/s3lib run --places $(PLACE) --no-suite --jobs $(JOBS)
	$(BIN)/python -m s3lib.outputs.slides $(PLACE) --serve --port $(SLIDES_PORT)

data: $(STAMP)
	$(BIN)/s3lib data build

site: $(STAMP)
	$(BIN)/s3lib site

atlas: $(STAMP)
	$(BIN)/s3lib atlas --jobs $(JOBS)

# Speed is measured here, never asserted in tests. bench_executors.py (every EU NUTS2 region,
# local processes vs dask) takes about ten minutes: run it by hand.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_run.py

clean:
	rm -rf $(VENV) reports site .pytest_cache
