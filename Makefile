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
LINT_PATHS = kit tests tools benchmarks

.DEFAULT_GOAL := help
.PHONY: help install demo lab test notebooks bench lint clean

help:  ## list the targets
	@echo "supervision-kit - make targets (each creates $(VENV) first when needed):"
	@grep -E '^[a-z]+:.*## ' $(firstword $(MAKEFILE_LIST)) | \
		sed -E 's/^([a-z]+):.*## (.*)$$/  make \1\t\2/' | expand -t 18

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
ifneq ($(NOTEBOOKS),)
	$(NB_ENV) $(BIN)/python -m pytest --nbval notebooks \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider
else
	@echo "no notebooks/*.ipynb: nbval skipped"
endif

notebooks: $(STAMP)  ## re-execute every notebook in place (sorted), strip volatile metadata
	@set -e; for nb in $(NOTEBOOKS); do \
		echo "executing $$nb"; \
		$(NB_ENV) $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 "$$nb"; \
	done
	$(if $(NOTEBOOKS),$(BIN)/python tools/clean_notebooks.py $(NOTEBOOKS),@echo "no notebooks")

bench: $(STAMP)  ## the model suite at province scale (data generated once into benchmarks/data/)
	$(BIN)/python benchmarks/run.py --scale province

lint: $(STAMP)  ## ruff check and ruff format --check
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

clean:  ## remove reports/ and build artefacts (keeps .venv)
	rm -rf reports build dist .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o \( -name '__pycache__' -o -name '*.egg-info' \
		-o -name '.ipynb_checkpoints' \) -type d -print0 | xargs -0 rm -rf
