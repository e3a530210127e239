"""Exercises of notebooks/01_first_model_pension_after_death.ipynb."""

from __future__ import annotations

from functools import lru_cache

from kit.training.core import Exercise, choice, number, register
from kit.training.exercises._common import dataset, false_positive_reasons, letter, run

SS = "social_security"


def _earliest_date_copy():
    import kit

    ss01 = kit.models.get("SS01")
    return ss01.derive(sql=ss01.sql.replace("max(death_date)", "min(death_date)"))


@lru_cache(maxsize=1)
def _earliest_date_evaluation():
    import kit

    ds = dataset(SS)
    return kit.evaluate(kit.run(_earliest_date_copy(), ds), ds.truth)


# --- 01.1 ------------------------------------------------------------------------------------


def _clues_above_20000() -> int:
    return len(run("SS01", SS, {"min_unrecovered": 20_000}))


def _solution_1() -> int:
    # the unrecovered amount is the clue's amount_involved: filter the default run
    clues = run("SS01", SS).frame
    return int((clues["amount_involved"] > 20_000).sum())


register(
    Exercise(
        id="01.1",
        question=(
            "Raise `min_unrecovered` to 20,000 yuan. How many clues does SS01 give then? "
            "(Run it with `kit.run(ss01, ds, params={...})`.)"
        ),
        question_zh="把 `min_unrecovered` 提高到 20000 元，SS01 输出多少条线索？",
        check=number(
            _clues_above_20000,
            hint=(
                "run kit.run(ss01, ds, params={'min_unrecovered': 20_000}) and count the clues "
                "with len(...)."
            ),
            hint_zh="运行 kit.run(ss01, ds, params={'min_unrecovered': 20_000})，用 len(...) 数线索。",
            unit="clues",
            unit_zh=" 条线索",
            near={
                38: (
                    "SS01's count with the default min_unrecovered of 0: the parameter did not "
                    "reach the run."
                ),
                148: "the naive rule's count, not SS01's.",
            },
        ),
        solution=_solution_1,
        wrong=[(38, "default min_unrecovered"), (148, "naive rule"), (20, "too high")],
    )
)

# --- 01.2 ------------------------------------------------------------------------------------

OPTIONS_2 = {
    "a": "death_recorded_for_living_person",
    "b": "wrong_death_date_in_one_source",
    "c": "paid_in_month_of_death",
    "d": "notification_lag_within_grace",
}


def _solution_2() -> str:
    import kit

    ds = dataset(SS)
    ss01 = kit.models.get("SS01")
    before = kit.evaluate(kit.run(ss01, ds), ds.truth).false_positives
    after = _earliest_date_evaluation().false_positives
    new = sorted(set(after["reason"]) - set(before["reason"]))
    return letter(OPTIONS_2, new[0])


register(
    Exercise(
        id="01.2",
        question=(
            "Which trap would a rule that trusts the *earliest* death date fall into? Make a copy "
            "of SS01 that uses `min(death_date)` where SS01 uses `max(death_date)` (the date used "
            "when no two sources agree): `ss01.derive(sql=ss01.sql.replace(...))`. Run and "
            "evaluate it: which trap reason appears in its `false_positives` that SS01 does not "
            "have?\n\n"
            "- (a) `death_recorded_for_living_person`\n"
            "- (b) `wrong_death_date_in_one_source`\n"
            "- (c) `paid_in_month_of_death`\n"
            "- (d) `notification_lag_within_grace`"
        ),
        question_zh=(
            "把 SS01 中 `max(death_date)` 改为 `min(death_date)`（相信最早的死亡日期），"
            "误报中新出现的干扰项是哪一种？"
        ),
        check=choice(
            "b",
            OPTIONS_2,
            explain={
                "a": (
                    "SS01 already has these 8 false positives, whatever date it uses: no payment "
                    "rule can tell a living person with a wrong death record apart. Look for the "
                    "reason that is new in the copy."
                ),
                "b": (
                    "one agency recorded the death months too early; trusting the earliest date "
                    "makes the months the person was alive look paid after death. SS01 takes the "
                    "date two sources agree on, else the latest."
                ),
                "c": (
                    "the copy still counts only months after the death month, so the pension of "
                    "the month of death never becomes a clue."
                ),
                "d": (
                    "the copy keeps the grace period (grace_days), so notification lag does not "
                    "come back."
                ),
            },
            explain_zh={
                "a": "SS01 本身就有这 8 条误报，与用哪个日期无关；请找副本新出现的原因。",
                "b": "某一来源把死亡日期登记早了数月；相信最早日期会把生前的月份当成死后发放。",
                "c": "副本仍只计死亡当月之后的月份，死亡当月的养老金不会成为线索。",
                "d": "副本保留了宽限期，通知时滞不会重新出现。",
            },
        ),
        solution=_solution_2,
        wrong=[
            ("a", "already has these 8"),
            ("c", "month of death"),
            ("d", "grace period"),
            ("earliest", "one letter of"),
        ],
    )
)

# --- 01.3 ------------------------------------------------------------------------------------


def _wrong_date_clues() -> int:
    return false_positive_reasons(_earliest_date_evaluation()).get(
        "wrong_death_date_in_one_source", 0
    )


def _solution_3() -> int:
    import kit

    ds = dataset(SS)
    clues = kit.run(_earliest_date_copy(), ds).frame
    truth = ds.truth[ds.truth["pattern"] == "pension_after_death"]
    reasons = clues.merge(truth, on="subject_id")["reason"]
    return int((reasons == "wrong_death_date_in_one_source").sum())


register(
    Exercise(
        id="01.3",
        question=(
            "How many clues of that copy (earliest date) are false positives with the reason "
            "`wrong_death_date_in_one_source`?"
        ),
        question_zh="上述副本中，原因为 `wrong_death_date_in_one_source` 的误报线索有多少条？",
        check=number(
            _wrong_date_clues,
            hint="look at the copy's evaluation: kit.evaluate(kit.run(copy, ds), ds.truth).false_positives.",
            hint_zh="查看副本评估结果的 false_positives。",
            unit="clues",
            unit_zh=" 条线索",
            near={
                45: "the number of all the copy's clues; count only its false positives of this reason.",
                15: (
                    "all the copy's false positives, including SS01's 8 living people with a "
                    "wrong death record; count only the new reason."
                ),
                8: "the count of death_recorded_for_living_person, the trap SS01 already has.",
                12: (
                    "the naive rule's count for this trap (section 2); the copy keeps SS01's "
                    "other guards, which clear some of them."
                ),
            },
        ),
        solution=_solution_3,
        wrong=[
            (45, "all the copy's clues"),
            (15, "all the copy's false positives"),
            (12, "naive rule"),
        ],
    )
)
