"""Exercises of notebooks/03_social_security_models.ipynb."""

from __future__ import annotations

from functools import lru_cache

from kit.training.core import Exercise, choice, number, register
from kit.training.exercises._common import dataset, evaluation, false_positive_reasons, run

SS = "social_security"

# --- 03.1 ------------------------------------------------------------------------------------

OPTIONS_1 = {
    "a": "SS04 loses the 8 company_owner cases",
    "b": "the same 30 clues, with the same amounts",
    "c": "more clues: the stolen-identity traps come back",
    "d": "fewer clues, but the same total amount",
}


def _solution_1() -> str:
    with_shareholders = run("SS04", SS).frame
    without = run("SS04", SS, {"include_shareholders": False}).frame
    columns = ["subject_id", "amount_involved"]
    same = (
        with_shareholders[columns]
        .sort_values("subject_id")
        .reset_index(drop=True)
        .equals(without[columns].sort_values("subject_id").reset_index(drop=True))
    )
    if same:
        return "b"
    return "a" if len(without) < len(with_shareholders) else "c"


register(
    Exercise(
        id="03.1",
        question=(
            "Run SS04 with `include_shareholders=False` and compare the `subject_id` and "
            "`amount_involved` of its clues with those of the default run. What changes on this "
            "sample? (Look at the `company_owner` rows of `ds.truth` too.)\n\n"
            "- (a) SS04 loses the 8 `company_owner` cases\n"
            "- (b) the same 30 clues, with the same amounts\n"
            "- (c) more clues: the stolen-identity traps come back\n"
            "- (d) fewer clues, but the same total amount"
        ),
        question_zh=(
            "用 `include_shareholders=False` 运行 SS04，与默认运行比较线索的 `subject_id` 和 "
            "`amount_involved`，在本样例上有何变化？"
        ),
        check=choice(
            "b",
            OPTIONS_1,
            explain={
                "a": (
                    "every planted company owner is the company's legal representative (read the "
                    "notes of the company_owner rows), and SS04 checks legal representatives "
                    "whatever include_shareholders says. Run it and compare."
                ),
                "b": (
                    "the planted company owners are all legal representatives, so the "
                    "shareholder check adds nothing here. A real county needs it for members who "
                    "hold shares in an active company without being its legal representative."
                ),
                "c": (
                    "the stolen-identity traps are cleared by the police's identity-misuse "
                    "reports, which apply to shareholders and legal representatives alike."
                ),
                "d": (
                    "compare the two runs: the subjects and the amounts are the same, so nothing "
                    "was lost."
                ),
            },
            explain_zh={
                "a": "样例中的企业主案件都是法定代表人，SS04 无论该参数如何都会检查法定代表人。",
                "b": "样例中的企业主都是法定代表人，股东检查在此不增加线索；实际中仅持股、不担任法定代表人的成员需要它。",
                "c": "身份冒用干扰项由公安报案记录排除，对股东和法定代表人同样适用。",
                "d": "比较两次运行：对象和金额都相同，没有线索丢失。",
            },
        ),
        solution=_solution_1,
        wrong=[
            ("a", "legal representative"),
            ("c", "identity-misuse"),
            ("d", "nothing"),
            ("B)", "one letter"),
        ],
    )
)

# --- 03.2 ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _full_months_copy_evaluation():
    import kit

    ss02 = kit.models.get("SS02")
    sql = ss02.sql.replace("p.period > h.admission_month", "p.period >= h.admission_month")
    sql = sql.replace("p.period < h.release_month", "p.period <= h.release_month")
    ds = dataset(SS)
    return kit.evaluate(kit.run(ss02.derive(sql=sql), ds), ds.truth)


def _clues_added() -> int:
    return _full_months_copy_evaluation().to_dict()["clues"] - len(run("SS02", SS))


def _solution_2() -> int:
    return false_positive_reasons(_full_months_copy_evaluation())["paid_only_for_partial_months"]


register(
    Exercise(
        id="03.2",
        question=(
            "Make a copy of SS02 that also counts the months of admission and release: in "
            "`ss02.sql`, change `p.period > h.admission_month` to `>=` and "
            "`p.period < h.release_month` to `<=`, and run `ss02.derive(sql=...)`. How many "
            "clues does the copy add to SS02's 30? (Its `false_positives` say which trap they "
            "are.)"
        ),
        question_zh="把 SS02 改为同时计入收监和释放当月（`>` 改 `>=`，`<` 改 `<=`），副本比 SS02 多出多少条线索？",
        check=number(
            _clues_added,
            hint="count the copy's clues and subtract SS02's 30, or read the copy's false_positives.",
            hint_zh="副本线索数减去 SS02 的 30 条，或查看副本的 false_positives。",
            unit="clues",
            unit_zh=" 条线索",
            near={
                52: "the copy's total number of clues; subtract SS02's 30.",
                20: (
                    "the naive rule's count of paid_only_for_partial_months (section 3); the copy "
                    "keeps SS02's other guards (custody types, payment types)."
                ),
                30: "SS02's own number of clues: did the copy's SQL change? Check both replacements.",
            },
        ),
        solution=_solution_2,
        wrong=[(52, "total number"), (20, "naive rule"), (30, "SS02's own")],
    )
)

# --- 03.3 ------------------------------------------------------------------------------------


def _cases_found_july() -> int:
    return int(evaluation("SS03", SS, {"reference_month": 7}).to_dict()["cases_found"])


def _solution_3() -> int:
    ds = dataset(SS)
    clues = run("SS03", SS, {"reference_month": 7}).frame
    truth = ds.truth[(ds.truth["pattern"] == "increase_during_correction") & ds.truth["is_case"]]
    return int(clues["subject_id"].isin(truth["subject_id"]).sum())


register(
    Exercise(
        id="03.3",
        question=(
            "SS03 counts a person who was under correction on 1 January. Test 1 July instead "
            "with the parameter `reference_month=7`. How many of the 29 real cases does SS03 "
            "still find? (Look at its `false_positives` too: which trap appears?)"
        ),
        question_zh="用 `reference_month=7`（以 7 月 1 日为基准日）运行 SS03，29 个真实案件中还能找到多少个？",
        check=number(
            _cases_found_july,
            hint=(
                "evaluate kit.run(ss03, ds, params={'reference_month': 7}) against ds.truth and "
                "read cases_found."
            ),
            hint_zh="评估 reference_month=7 的运行结果，查看 cases_found。",
            unit="cases",
            unit_zh=" 个案件",
            near={
                29: (
                    "the cases found with the default reference day of 1 January: pass "
                    "params={'reference_month': 7}."
                ),
                37: "the number of clues, not of real cases found.",
                14: (
                    "the number of correction_began_after_effective_month false positives: "
                    "people whose correction began after January, flagged for that year's lawful "
                    "increase. The question asks for real cases found."
                ),
            },
        ),
        solution=_solution_3,
        wrong=[(29, "1 January"), (37, "number of clues"), (14, "correction_began_after")],
    )
)
