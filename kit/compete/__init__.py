"""Notebook competitions (模型竞赛): check submissions, score clue files fairly, rank teams.

A province's thematic model competition (赛题) gives teams a starting-kit notebook and sample
data; the organiser runs each submitted notebook on hidden data generated with a secret seed,
scores the clue file it writes on a public and a private split, and publishes a leaderboard.

Examples
--------
>>> import pandas as pd
>>> truth = pd.DataFrame({"pattern": "p", "subject_id": ["a", "b", "c"],
...                       "is_case": [True, True, False], "amount_improper": [100.0, 300.0, 0.0]})
>>> clues = pd.DataFrame({"subject_id": ["a", "c"], "pattern": "p",
...                       "amount_involved": [90.0, 50.0], "score": [1.0, 0.5]})
>>> result = score_clues(clues, truth, ScoreRules(capacity=2))
>>> result.all.precision_at_k, result.all.amount_recall_at_k, result.all.score
(0.5, 0.25, 0.375)
"""

from kit.compete.check import check_notebook
from kit.compete.clue_file import read_clues, read_truth
from kit.compete.hidden import Prepared, prepare
from kit.compete.leaderboard import Leaderboard, leaderboard
from kit.compete.problems import CheckProblem, CheckReport
from kit.compete.score import ScoreResult, ScoreRules, SplitScore, score_clues
from kit.compete.split import HashSplit, TimeSplit

__all__ = [
    "CheckProblem",
    "CheckReport",
    "HashSplit",
    "Leaderboard",
    "Prepared",
    "ScoreResult",
    "ScoreRules",
    "SplitScore",
    "TimeSplit",
    "check_notebook",
    "leaderboard",
    "prepare",
    "read_clues",
    "read_truth",
    "score_clues",
]
