"""Exercises of notebooks/05_environment_models.ipynb."""

from __future__ import annotations

from functools import lru_cache

from kit.training.core import Exercise, choice, number, register
from kit.training.exercises._common import dataset, false_positive_reasons, letter, run

EN = "environment"

# --- 05.1 ------------------------------------------------------------------------------------

OPTIONS_1 = {
    "a": "constant_values",
    "b": "faults_on_exceedances",
    "c": "zero_flow_with_readings",
    "d": "none: EN01 still finds all 30 cases at 0.8",
}


def _solution_1() -> str:
    truth = dataset(EN).truth
    cases = truth[(truth["pattern"] == "falsified_monitoring") & truth["is_case"]]
    clues = run("EN01", EN, {"min_fault_share": 0.8}).frame
    lost = cases[~cases["subject_id"].isin(clues["subject_id"])]
    if lost.empty:
        return "d"
    return letter(OPTIONS_1, lost["reason"].iloc[0])


register(
    Exercise(
        id="05.1",
        question=(
            "Another EN01 parameter worth trying is `min_fault_share`, the share of all "
            '"device fault" hours that must carry above-limit readings. Run '
            "`sweep(en01, 'min_fault_share', [0.5, 0.8])` and merge the clues of the 0.8 run "
            "with the planted cases of `ds.truth`, as in section 2. Which kind of planted case "
            "(`reason`) is lost first?\n\n"
            "- (a) `constant_values`\n"
            "- (b) `faults_on_exceedances`\n"
            "- (c) `zero_flow_with_readings`\n"
            "- (d) none: EN01 still finds all 30 cases at 0.8"
        ),
        question_zh="把 EN01 的 `min_fault_share` 从 0.5 提高到 0.8，最先漏掉的是哪一类案件？",
        check=choice(
            "b",
            OPTIONS_1,
            explain={
                "a": (
                    "frozen readings are the first sign, which min_fault_share does not touch: "
                    "all 11 are still found."
                ),
                "b": (
                    "an outlet whose fault flags hide exceedances also has a few ordinary fault "
                    "hours; demanding that 80 % of its fault hours carry exceedances loses the "
                    "one with the most ordinary faults (at 1.0 all 10 are lost)."
                ),
                "c": (
                    "zero flow with readings is the second sign, which min_fault_share does not "
                    "touch: all 9 are still found."
                ),
                "d": "at 0.8 EN01 finds 29 of the 30 cases: run it and compare cases_found.",
            },
            explain_zh={
                "a": "读数恒定属于第一种迹象，不受该参数影响，11 个全部找到。",
                "b": "以故障标记掩盖超标的排口也有少量正常故障小时；要求 80% 的故障小时超标会漏掉其中一个。",
                "c": "零流量仍有读数属于第二种迹象，不受该参数影响，9 个全部找到。",
                "d": "0.8 时 EN01 只找到 30 个中的 29 个。",
            },
        ),
        solution=_solution_1,
        wrong=[("a", "all 11"), ("c", "all 9"), ("d", "29 of the 30"), ("faults", "one letter")],
    )
)

# --- 05.2 ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _two_tonne_copy():
    import kit

    en03 = kit.models.get("EN03")
    sql = en03.sql.replace("hazardous_waste_tonnes >= 3", "hazardous_waste_tonnes >= 2")
    return kit.run(en03.derive(sql=sql), dataset(EN))


def _false_positives_2t() -> int:
    import kit

    ev = kit.evaluate(_two_tonne_copy(), dataset(EN).truth)
    return sum(false_positive_reasons(ev).values())


def _solution_2() -> int:
    truth = dataset(EN).truth
    cases = truth.loc[(truth["pattern"] == "fine_instead_of_prosecution") & truth["is_case"]]
    clues = _two_tonne_copy().frame
    return int((~clues["subject_id"].isin(cases["subject_id"])).sum())


register(
    Exercise(
        id="05.2",
        question=(
            "EN03 counts 3 t of hazardous waste dumped as the criminal threshold. Copy EN03 with "
            "`en03.derive(sql=en03.sql.replace('hazardous_waste_tonnes >= 3', "
            "'hazardous_waste_tonnes >= 2'))` so that it uses 2 t, run and evaluate the copy. "
            "How many false positives does it give? (Its `false_positives` say which trap they "
            "are.)"
        ),
        question_zh="把 EN03 的危险废物入罪标准从 3 吨改为 2 吨，副本有多少条误报？",
        check=number(
            _false_positives_2t,
            hint="evaluate the copy against ds.truth and add up its false_positives.",
            hint_zh="评估副本，把 false_positives 的条数相加。",
            unit="false positives",
            unit_zh=" 条误报",
            near={
                5: (
                    "the number of hazardous_waste_below_3t traps in the truth table; only those "
                    "of 2 t or more become clues of the copy."
                ),
                30: "the copy's number of clues; count only those that are not real cases.",
                28: "the copy's real cases found; count the clues that are not cases.",
            },
        ),
        solution=_solution_2,
        wrong=[(5, "truth table"), (30, "number of clues"), (28, "real cases")],
    )
)

# --- 05.3 ------------------------------------------------------------------------------------

OPTIONS_3 = {
    "a": "instalment_not_yet_due remains; paid_late disappears",
    "b": "paid_late remains; instalment_not_yet_due disappears",
    "c": "both remain",
    "d": "both disappear",
}

AMOUNTS_SQL = """
SELECT o.order_id AS subject_id, o.due_date AS period_start, DATE '2024-12-31' AS period_end,
       o.amount_due - coalesce(sum(p.amount), 0) AS amount_involved
FROM restoration_orders AS o
LEFT JOIN restoration_payments AS p ON p.order_id = o.order_id AND p.pay_date <= DATE '2024-12-31'
WHERE o.due_date < DATE '2024-12-31'
GROUP BY o.order_id, o.due_date, o.amount_due
HAVING o.amount_due - coalesce(sum(p.amount), 0) > 0
"""


def _solution_3() -> str:
    import kit

    en05 = kit.models.get("EN05")
    naive = en05.derive(
        id="EN05-AMOUNTS", sql=AMOUNTS_SQL, params={}, evidence={"en": "Money owed."}
    )
    ds = dataset(EN)
    reasons = set(false_positive_reasons(kit.evaluate(kit.run(naive, ds), ds.truth)))
    remains = {"instalment_not_yet_due", "paid_late"} & reasons
    if remains == {"instalment_not_yet_due"}:
        return "a"
    if remains == {"paid_late"}:
        return "b"
    return "c" if remains else "d"


register(
    Exercise(
        id="05.3",
        question=(
            "Write a naive EN05 that ignores instalment plans but compares amounts: an order "
            "whose due date has passed and whose amount due minus the payments made by "
            "2024-12-31 is above 0 (`en05.derive(id='EN05-AMOUNTS', sql=..., params={})`). Of "
            "the naive rule's two traps, which remains and which disappears?\n\n"
            "- (a) `instalment_not_yet_due` remains; `paid_late` disappears\n"
            "- (b) `paid_late` remains; `instalment_not_yet_due` disappears\n"
            "- (c) both remain\n"
            "- (d) both disappear"
        ),
        question_zh="写一个忽略分期计划、但按金额（应缴减已缴）比较的朴素 EN05，两种干扰项哪种仍在、哪种消失？",
        check=choice(
            "a",
            OPTIONS_3,
            explain={
                "a": (
                    "an order paid in full, only late, owes nothing on 2024-12-31, so comparing "
                    "amounts clears it; an order with an approved plan still owes the money that "
                    "falls due later, and only the plan's schedule says it is not overdue yet."
                ),
                "b": (
                    "the other way round: a late but full payment leaves nothing owed, while the "
                    "instalment plan is exactly what the naive rule ignores."
                ),
                "c": (
                    "paid_late orders were paid in full, so an amount comparison finds nothing "
                    "owed; look at the false positives of your rule again."
                ),
                "d": (
                    "ignoring the plans, an order paid on schedule still shows money owed after "
                    "its original due date; only the plan says it is not overdue."
                ),
            },
            explain_zh={
                "a": "逾期但已缴清的订单在 2024-12-31 无欠款，按金额比较即可排除；分期计划只能由计划表排除。",
                "b": "正好相反：迟缴但缴清不再欠款，而分期计划正是朴素规则忽略的部分。",
                "c": "迟缴的订单已全额缴清，按金额比较不会欠款。",
                "d": "忽略分期计划时，按计划缴款的订单在原到期日后仍显示欠款。",
            },
        ),
        solution=_solution_3,
        wrong=[
            ("b", "the other way round"),
            ("c", "paid in full"),
            ("d", "original due date"),
            ("", "one letter"),
        ],
    )
)
