"""Strip volatile metadata from executed notebooks so that re-running them gives a small diff.

Used by ``make notebooks`` after ``jupyter nbconvert --execute --inplace``. Outputs (text, tables,
figures) and execution counts are kept: they are what the training videos show and what nbval
compares. What goes:

- per-cell ``execution`` metadata (nbconvert's start/end timestamps) and ``ExecuteTime``
  (JupyterLab's execute-time extension);
- every notebook-level metadata key except ``kernelspec`` and ``language_info.name`` (Python
  version, widget state and editor settings differ from machine to machine).

Usage::

    python tools/clean_notebooks.py notebooks/*.ipynb          # rewrite in place
    python tools/clean_notebooks.py --check notebooks/*.ipynb  # exit 1 if any would change
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

VOLATILE_CELL_KEYS = ("execution", "ExecuteTime")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove volatile metadata from a notebook, in place, and return it.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A version-4 notebook.

    Returns
    -------
    nbformat.NotebookNode
        The same notebook, cleaned.
    """
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
    language = nb.metadata.get("language_info", {}).get("name", "python")
    nb.metadata = nbformat.from_dict(
        {"kernelspec": dict(KERNELSPEC), "language_info": {"name": language}}
    )
    return nb


def main(argv: list[str] | None = None) -> int:
    """Clean the notebooks named on the command line; return the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="notebook files (.ipynb)")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if any notebook would change"
    )
    args = parser.parse_args(argv)
    dirty = []
    for path in args.notebooks:
        before = path.read_text(encoding="utf-8")
        nb = clean(nbformat.reads(before, as_version=4))
        after = nbformat.writes(nb) + "\n"
        if after != before:
            dirty.append(path)
            if not args.check:
                path.write_text(after, encoding="utf-8")
    if args.check and dirty:
        for path in dirty:
            print(f"{path}: volatile metadata; run `make notebooks` (or tools/clean_notebooks.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
