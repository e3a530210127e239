"""Exercises of notebooks/08_ml_clue_prioritisation.ipynb.

Training a ranker takes tens of seconds, so the checks compute their answers from the screens'
clues and the truth labels directly; the solutions go the learner's way, through
:func:`kit.ml.run_prioritisation` where the notebook does.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from kit.training.core import Exercise, number, register
from kit.training.exercises._common import dataset, with_note

SS = "social_security"
CUTOFF = "2024-01-01"


@lru_cache(maxsize=2)
def _screen(as_of: str | None = None):
    from kit import ml

    return ml.run_screen("SS01", dataset(SS), as_of=as_of)


def _labels(clues) -> pd.Series:
    from kit import ml

    return ml.labels_from_truth(clues, dataset(SS).truth)


def _amount_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["amount_involved", "clue_id"], ascending=[False, True])


# --- 08.1 ------------------------------------------------------------------------------------


def _amount_order_cases_at_20() -> int:
    clues = _screen()
    test = clues.frame[pd.to_datetime(clues.frame["period_start"]) >= CUTOFF]
    first = _amount_order(test).head(20)
    return int(_labels(clues)[first["clue_id"]].sum())


def _solution_1() -> int:
    from kit import ml

    comparison = ml.run_prioritisation("SS01", dataset=dataset(SS), capacity=20).comparison
    return int(comparison.set_index("order").loc["amount", "cases_found"])


register(
    Exercise(
        id="08.1",
        question=(
            "Change the review capacity to 20 (`ml.run_prioritisation('SS01', dataset=ss, "
            "capacity=20)`; it may take half a minute). How many of the 6 test cases does the "
            "**amount order** find in its first 20 clues? Compare it with the learned order, and "
            "with the figures at the default capacity of 11."
        ),
        question_zh="把审查能力改为 20，按金额排序的前 20 条线索中有几个测试期案件？与学习得到的排序比较。",
        check=with_note(
            number(
                _amount_order_cases_at_20,
                hint="read cases_found in the row 'amount' of .comparison.",
                hint_zh="查看 .comparison 中 amount 一行的 cases_found。",
                unit="cases",
                unit_zh=" 个案件",
                near={
                    2: "the amount order's figure at the default capacity of 11; pass capacity=20.",
                    5: "the learned order's figure at the default capacity of 11.",
                    0: "the amount order's figure at capacity 5.",
                },
            ),
            "The learned order finds all 6 too: with 20 of the 43 test clues reviewed, both "
            "orders reach every case, so the ranking's advantage shows only when capacity is "
            "short (at 5 the learned order finds 4, the amount order none).",
            "学习排序同样找到全部 6 个：审查 43 条中的 20 条时两种排序都能找全，排序的优势只在审查能力紧张时显现。",
        ),
        solution=_solution_1,
        wrong=[(2, "default capacity of 11"), (5, "learned order"), (0, "capacity 5")],
    )
)

# --- 08.2 ------------------------------------------------------------------------------------


def _training_frame() -> pd.DataFrame:
    past = _screen(CUTOFF)
    return past.frame[pd.to_datetime(past.frame["period_start"]) < CUTOFF]


def _reviewed_cases() -> int:
    train = _training_frame()
    reviewed = _amount_order(train).head(len(train) // 2)
    return int(_labels(_screen(CUTOFF))[reviewed["clue_id"]].sum())


def _solution_2() -> int:
    from kit import ml

    result = ml.run_prioritisation("SS01", dataset=dataset(SS))
    top_half = result.train.nlargest(len(result.train) // 2, "amount_involved")
    return int(result.labels[top_half["clue_id"]].sum())


register(
    Exercise(
        id="08.2",
        question=(
            "Simulate a feedback loop: say reviewers checked only the top half of the 102 "
            "training clues in the amount order (`result.train.nlargest(51, "
            "'amount_involved')`), so only those got an outcome in the case ledger. How many "
            "cases would the ledger's labels then hold? (`result.labels` gives 1 for a case.)"
        ),
        question_zh="模拟反馈回路：只审查训练期按金额排序的前一半（51 条）线索，台账中会有多少个案件标签？",
        check=with_note(
            number(
                _reviewed_cases,
                hint="select the 51 largest amounts of result.train and add up result.labels for their clue ids.",
                hint_zh="取 result.train 中金额最大的 51 条，把它们在 result.labels 中的标签相加。",
                unit="cases",
                unit_zh=" 个案件",
                near={
                    24: (
                        "the cases among all 102 training clues; only the reviewed top half get "
                        "an outcome."
                    ),
                    51: "the number of reviewed clues, not of cases among them.",
                    30: "the number of all planted cases, test period included.",
                },
            ),
            "Half the cases never get a label, and the unreviewed clues are not 'no case' but "
            "unknown: a ranker trained on them would learn the amount order's habits. Review a "
            "random share of the lower-ranked clues too.",
            "一半案件永远得不到标签；未审查的线索不是无案件而是未知。应同时随机抽查排序靠后的线索。",
        ),
        solution=_solution_2,
        wrong=[(24, "all 102"), (51, "reviewed clues"), (30, "all planted cases")],
    )
)

# --- 08.3 ------------------------------------------------------------------------------------


def _dated_before_cutoff_full_run() -> int:
    frame = _screen().frame
    return int((pd.to_datetime(frame["period_start"]) < CUTOFF).sum())


def _solution_3() -> int:
    from kit import ml

    wide = ml.run_screen("SS01", dataset(SS))
    train, _ = ml.temporal_split(wide.frame, date="period_start", cutoff=CUTOFF)
    return len(train)


register(
    Exercise(
        id="08.3",
        question=(
            "A careless split would take the training clues from the screen run on **all** the "
            "data (`wide`), dated before 2024 (`ml.temporal_split(wide.frame, "
            "date='period_start', cutoff='2024-01-01')`). How many training clues would that "
            "give, against the 102 of the run on the data as they stood on 2024-01-01?"
        ),
        question_zh="若直接从全部数据的粗筛结果中取 2024 年以前的线索作为训练集，会有多少条（对比按 2024-01-01 时点数据得到的 102 条）？",
        check=with_note(
            number(
                _dated_before_cutoff_full_run,
                hint="the first part of ml.temporal_split(...) is the training set: count its rows.",
                hint_zh="ml.temporal_split(...) 的第一部分是训练集，数一数行数。",
                unit="clues",
                unit_zh=" 条线索",
                near={
                    102: "the training clues of the run as of 2024-01-01; the question asks about the run on all data.",
                    148: "all clues of the wide screen, 2024 included.",
                    43: "the test clues (2024).",
                },
            ),
            "Three more than the 102, and every clue's columns count payments made in 2024: a "
            "model trained on them would learn from the future (look-ahead). Those three clues "
            "exist only because their death record or first payment after death arrived in 2024.",
            "比 102 条多 3 条，且各列包含 2024 年的数据：用它训练会利用未来信息。",
        ),
        solution=_solution_3,
        wrong=[(102, "as of 2024-01-01"), (148, "all clues"), (43, "test clues")],
    )
)
