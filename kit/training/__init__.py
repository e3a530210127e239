"""Exercise checks for the notebooks and the two-ledger course (练习自动检查).

Examples
--------
>>> from kit import training
>>> fb = training.check("00.1", 3)
>>> fb.ok
True
"""

from kit.training.core import (
    Exercise,
    Feedback,
    check,
    choice,
    get,
    id_set,
    list_exercises,
    number,
    register,
)

__all__ = [
    "Exercise",
    "Feedback",
    "check",
    "choice",
    "get",
    "id_set",
    "list_exercises",
    "number",
    "register",
]
