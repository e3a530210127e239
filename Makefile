# supervision-kit: set-up and everyday commands (GNU make).
# Every target creates .venv from plain python3 when it is missing, so a fresh clone needs
# nothing else:  make demo  |  make test  |  make lab  |  make notebooks
# Use another interpreter with:  make test PY=python3.12

PY ?= python3
VENV = .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed

# Notebook kernels (nbconvert and nbval) use the inline backend so that figures are stored and
# compared the same way on every machine; MPLBACKEND=Agg would drop every figure from the
# notebooks. Plain pytest runs use Agg. JUPYTER_PREFER_ENV_PATH makes Jupyter pick the venv's
# `python3` kernelspec over one in the user's home folder.
export JUPYTER_PREFER_ENV_PATH = 1
SEED = PYTHONHASHSEED=0
NB_ENV = $(SEED) MPLBACKEND=module://matplotlib_inline.backend_inline
NOTEBOOKS = $(shell LC_ALL=C ls -1 notebooks/*.ipynb 2>/dev/null)
# every notebook under training/ (lessons, exercises, solutions), sorted; checkpoints left out
TRAINING_NOTEBOOKS = $(shell find training -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' \
	2>/dev/null | LC_ALL=C sort)
ALL_NOTEBOOKS = $(NOTEBOOKS) $(TRAINING_NOTEBOOKS)
# notebooks (or glob patterns) that `make slides` renders; e.g. make slides SLIDES='notebooks/*.ipynb'
SLIDES ?= training/two_ledgers/lessons/*.ipynb
LINT_PATHS = kit tests tools benchmarks

.DEFAULT_GOAL := help
.PHONY: help install demo lab test notebooks nav time-notebooks slides bench lint clean

help:  ## list the targets
	@echo "supervision-kit - make targets (each creates $(VENV) first when needed):"
	@grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | \
		sed -E 's/^([a-z-]+):.*## (.*)$$/  make \1\t\2/' | expand -t 22

install: $(STAMP)  ## create .venv and install the kit (editable) with the dev extra

$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { \
		echo "error: '$(PY)' is not Python >= 3.10; run e.g. 'make $(MAKECMDGOALS) PY=python3.11'" >&2; \
		exit 1; }
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || { \
		echo "creating $(VENV) with $$($(PY) --version)"; \
		$(PY) -m venv $(VENV) || { rm -rf $(VENV); \
			echo "error: '$(PY) -m venv' failed; on Debian/Ubuntu: apt-get install python3-venv" >&2; \
			exit 1; }; }
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev,postgres,spark]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3
	touch $@

demo: $(STAMP)  ## run every model on the sample data, write reports/index.html
	$(BIN)/kit demo --out reports

lab: $(STAMP)  ## open JupyterLab on notebooks/00_start_here.ipynb
	$(BIN)/jupyter lab notebooks/00_start_here.ipynb

test: $(STAMP)  ## ruff, pytest (unit tests; ledger also on a throwaway PostgreSQL; headless Chromium), nbval
	$(BIN)/ruff check $(LINT_PATHS)
	@bash tools/ensure_browser.sh
	$(SEED) MPLBACKEND=Agg bash tools/with_postgres.sh $(BIN)/python -m pytest tests -n 2 --dist loadgroup
ifneq ($(strip $(ALL_NOTEBOOKS)),)
	$(NB_ENV) $(BIN)/python -m pytest --nbval $(ALL_NOTEBOOKS) \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider
else
	@echo "no notebooks/*.ipynb or training/**/*.ipynb: nbval skipped"
endif

notebooks: $(STAMP)  ## re-execute notebooks/ and training/ notebooks in place (sorted, each from its folder), strip volatile metadata
	@set -e; for nb in $(ALL_NOTEBOOKS); do \
		echo "executing $$nb"; \
		$(NB_ENV) $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 "$$nb"; \
	done
	$(if $(strip $(ALL_NOTEBOOKS)),$(BIN)/python tools/clean_notebooks.py $(ALL_NOTEBOOKS),@echo "no notebooks")

nav: $(STAMP)  ## regenerate previous/next navigation and the CONTENTS.md pages of the notebooks
	$(BIN)/python tools/notebook_nav.py

time-notebooks: $(STAMP)  ## run every notebook in a fresh kernel; print seconds against the 60 s limit
	$(BIN)/python tools/time_notebooks.py $(ALL_NOTEBOOKS)

slides: $(STAMP)  ## lesson notebooks as offline reveal.js slides in build/slides/ (SLIDES='...' for others)
	$(BIN)/python tools/build_slides.py $(SLIDES) --out build/slides

bench: $(STAMP)  ## the model suite at province scale (data generated once into benchmarks/data/)
	$(BIN)/python benchmarks/run.py --scale province

lint: $(STAMP)  ## ruff check and ruff format --check
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

clean:  ## remove reports/ and build artefacts (keeps .venv)
	rm -rf reports build dist .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o \( -name '__pycache__' -o -name '*.egg-info' \
		-o -name '.ipynb_checkpoints' \) -type d -print0 | xargs -0 rm -rf
