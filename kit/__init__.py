"""supervision-kit: big-data legal supervision models (大数据法律监督模型) for learning and research.

Load sample data, run supervision models into clues (线索), evaluate them against ground truth,
and document them.

Examples
--------
>>> import kit
>>> ds = kit.datasets.load("social_security")
>>> clues = kit.run("SS01", ds)
>>> ev = kit.evaluate(clues, ds.truth, capacity=50)
"""

from kit import datasets, docs, engine, errors, ids, link, mask, models
from kit.engine import sql
from kit.evaluate import Evaluation, evaluate
from kit.models import Clues, ModelSpec, run

__all__ = [
    "Clues",
    "Evaluation",
    "ModelSpec",
    "datasets",
    "docs",
    "engine",
    "errors",
    "evaluate",
    "ids",
    "link",
    "mask",
    "models",
    "run",
    "sql",
]
__version__ = "0.1.0"
