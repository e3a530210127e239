"""Exercises of notebooks/09_two_ledgers.ipynb."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from kit.training.core import Exercise, number, register
from kit.training.exercises._common import evaluation, run, with_note

SS = "social_security"
UNIT = "霍邱县人民检察院"


def _clock() -> dt.datetime:
    return dt.datetime(2024, 5, 11, 9, 0)


@lru_cache(maxsize=1)
def _demo_promotion():
    import kit
    from kit.docs.report import DemoResult
    from kit.ledger import Ledger, demo

    province = Ledger(":memory:", actor="kit demo", clock=_clock).init()
    spec = kit.models.get("SS01")
    demo.fill(province, [DemoResult(spec, run("SS01", SS), evaluation("SS01", SS))])
    return province.promotion_candidates(min_units=5)


# --- 09.1 ------------------------------------------------------------------------------------


def _qualifying_units() -> int:
    evidence = _demo_promotion().evidence
    return int(evidence.loc[evidence["qualifies"], "unit"].nunique())


def _solution_1() -> int:
    candidates = _demo_promotion().candidates.set_index("model_id")
    return int(candidates.loc["SS01", "units"])


register(
    Exercise(
        id="09.1",
        question=(
            "In the demo ledger `province`, how many distinct units (procuratorates) qualify "
            "for SS01, that is count towards the 5 of the promotion rule? (Look at "
            "`promo.candidates` or at the `qualifies` column of `promo.evidence`.)"
        ),
        question_zh="在示例台账 `province` 中，有多少个单位计入 SS01 的推广条件（5家以上）？",
        check=with_note(
            number(
                _qualifying_units,
                hint="count the rows of promo.evidence where qualifies is True, or read units in promo.candidates.",
                hint_zh="数 promo.evidence 中 qualifies 为 True 的单位，或查看 promo.candidates 的 units。",
                unit="units",
                unit_zh=" 个单位",
                near={
                    13: (
                        "the number of units in the evidence table; one of them screened clues "
                        "but formed no case, so it does not count."
                    ),
                    20: (
                        "the number of units the demo lets apply SS01; count only those that "
                        "screened clues and formed cases."
                    ),
                    5: "the threshold of the rule, not the number of qualifying units.",
                },
            ),
            "SS01 would therefore still qualify with a threshold of 10 units "
            "(promotion_candidates(10)), but not with 13.",
            "因此门槛提高到 10 家时 SS01 仍符合条件，提高到 13 家则不符合。",
        ),
        solution=_solution_1,
        wrong=[(13, "formed no case"), (20, "demo lets apply"), (5, "threshold")],
    )
)

# --- 09.2 ------------------------------------------------------------------------------------

CASE_1, CASE_2 = "皖霍检民公〔2024〕1号", "皖霍检民公〔2024〕2号"


@lru_cache(maxsize=1)
def _recovered_after_second_case() -> int:
    import kit
    from kit.ledger import Ledger

    ledger = Ledger(":memory:", actor="trainee", clock=_clock).init()
    ledger.register_model(
        kit.models.get("SS01"), unit="六安市人民检察院", builders=["王芳", "李强"]
    )
    clues = run("SS01", SS)
    ledger.record_application(
        "SS01", unit=UNIT, clues=clues, date="2024-02-01", verified=6, cases_formed=2
    )
    first, second = clues.frame["clue_id"].iloc[:2]
    ledger.record_case(
        CASE_1, unit=UNIT, model_id="SS01", clue_id=first, received="2024-02-05", filed="2024-02-20"
    )
    ledger.update_case(CASE_1, closed_on="2024-04-02", loss_recovered="123456.78")
    ledger.record_case(
        CASE_2,
        unit=UNIT,
        model_id="SS01",
        clue_id=second,
        received="2024-03-01",
        filed="2024-03-05",
    )
    ledger.update_case(CASE_2, closed_on="2024-04-10", loss_recovered="2000")
    return int(ledger.report("2024-02", "2024-04").figures["loss_recovered_fen"])


def _solution_2() -> int:
    # what the learner adds up: the first case's 123,456.78 yuan and the second's 2,000, in fen
    return int((Decimal("123456.78") + Decimal("2000")) * 100)


register(
    Exercise(
        id="09.2",
        question=(
            f"Record a second case in `ledger`, `{CASE_2}`, from the second clue of the same run "
            "(`clues.frame['clue_id'].iloc[1]`), received 2024-03-01 and filed 2024-03-05; close "
            "it on 2024-04-10 with 2,000 yuan recovered (`ledger.update_case(...)`). What does "
            "`ledger.report('2024-02', '2024-04').figures` now give as `loss_recovered_fen` "
            "(the money recovered, in fen: 1 yuan = 100 fen)?"
        ),
        question_zh=(
            "在 `ledger` 中登记第二件案件并以追回 2000 元结案后，"
            "`ledger.report('2024-02', '2024-04').figures` 中的 `loss_recovered_fen`（分）是多少？"
        ),
        check=with_note(
            number(
                _recovered_after_second_case,
                hint=(
                    "record and close the second case, then read loss_recovered_fen of "
                    "ledger.report('2024-02', '2024-04').figures."
                ),
                hint_zh="登记并结案后，读取报表 figures 中的 loss_recovered_fen。",
                unit="fen",
                unit_zh=" 分",
                near={
                    12345678: (
                        "the first case's money only: the second case is not counted. Check that "
                        "it was recorded with a filed date inside the period and closed with "
                        "loss_recovered='2000'."
                    ),
                    200000: "the second case's money only; the report counts both cases of the period.",
                    125456.78: "the amount in yuan; the figure is in fen (multiply by 100).",
                },
            ),
            "That is 125,456.78 yuan. Money is stored exactly, in whole fen, so sums have no "
            "rounding error.",
            "即 125456.78 元。金额以分为单位精确存储，求和没有舍入误差。",
        ),
        solution=_solution_2,
        wrong=[
            (12345678, "first case's money only"),
            (200000, "second case's money only"),
            (125456.78, "in yuan"),
        ],
    )
)
