"""Exercises of notebooks/04_medical_insurance_models.ipynb."""

from __future__ import annotations

from functools import lru_cache

from kit.training.core import Exercise, choice, number, register
from kit.training.exercises._common import (
    dataset,
    evaluation,
    false_positive_reasons,
    letter,
    run,
    with_note,
)

MI = "medical_insurance"

# --- 04.1 ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _first_size_losing_a_case() -> int:
    # recall falls at one person more than the smallest planted group
    truth = dataset(MI).truth
    cases = truth.loc[(truth["pattern"] == "group_admissions") & truth["is_case"], "subject_id"]
    groups = run("MI09", MI, {"min_group_size": 2}).frame
    return int(groups.loc[groups["subject_id"].isin(cases), "people"].min()) + 1


def _solution_1() -> int:
    truth = dataset(MI).truth
    cases = set(
        truth.loc[(truth["pattern"] == "group_admissions") & truth["is_case"], "subject_id"]
    )
    for size in range(2, 13):
        found = set(run("MI09", MI, {"min_group_size": size}).frame["subject_id"]) & cases
        if len(found) < len(cases):
            return size
    return 13


register(
    Exercise(
        id="04.1",
        question=(
            "MI09 asks for at least 8 people (`min_group_size`, the national screening rule). "
            "Sweep it over 2 to 12 (`sweep(mi09, 'min_group_size', range(2, 13))`). What is the "
            "smallest group size at which recall falls below 100 %? (At the low end, false clues "
            "appear with the reason `not in truth table`: small groups admitted together by "
            "chance, which the sample did not plant as traps.)"
        ),
        question_zh="在 2 到 12 之间扫描 MI09 的 `min_group_size`，召回率从哪个最小值开始低于 100%？",
        check=with_note(
            number(
                _first_size_losing_a_case,
                hint="read the recall column of the sweep and find the first size below 1.",
                hint_zh="看扫描结果的 recall 列，找到第一个小于 1 的值。",
                unit="people",
                unit_zh=" 人",
                near={
                    8: (
                        "the default, the national screening rule, at which MI09 still finds all "
                        "26 planted groups; go on up."
                    ),
                    2: (
                        "where the conversion rate falls (chance groups become clues), not the "
                        "recall."
                    ),
                    3: "where the last chance group still becomes a clue: conversion, not recall.",
                },
            ),
            "The smallest planted recruited group has 8 people: the rule's 8 is the law's "
            "screening threshold, and the sample was built around it.",
            "样例中最小的组团住院为 8 人。",
        ),
        solution=_solution_1,
        wrong=[(8, "the default"), (2, "conversion rate"), (12, "too high")],
    )
)

# --- 04.2 ------------------------------------------------------------------------------------

OPTIONS_2 = {
    "a": "died_during_stay",
    "b": "wrong_death_date_in_one_source",
    "c": "death_record_not_theirs",
    "d": "refund_after_death",
}


@lru_cache(maxsize=1)
def _earliest_date_evaluation():
    import kit

    mi01 = kit.models.get("MI01")
    copy = mi01.derive(sql=mi01.sql.replace("max(death_date)", "min(death_date)"))
    ds = dataset(MI)
    return kit.evaluate(kit.run(copy, ds), ds.truth)


def _solution_2() -> str:
    before = false_positive_reasons(evaluation("MI01", MI))
    after = false_positive_reasons(_earliest_date_evaluation())
    return letter(OPTIONS_2, sorted(set(after) - set(before))[0])


register(
    Exercise(
        id="04.2",
        question=(
            "Make a copy of MI01 that uses the **earliest** recorded death date when no two "
            "sources agree (in `mi01.sql`, replace `max(death_date)` by `min(death_date)` and run "
            "the copy made with `mi01.derive(sql=...)`). Which trap appears in its "
            "`false_positives` that MI01 does not have?\n\n"
            "- (a) `died_during_stay`\n"
            "- (b) `wrong_death_date_in_one_source`\n"
            "- (c) `death_record_not_theirs`\n"
            "- (d) `refund_after_death`"
        ),
        question_zh="把 MI01 改为在来源不一致时采用最早的死亡日期，误报中新出现的干扰项是哪一种？",
        check=choice(
            "b",
            OPTIONS_2,
            explain={
                "a": (
                    "MI01 compares the death with the date care *began*, not with the settlement "
                    "date, whatever death date it uses; a patient admitted before dying stays "
                    "cleared."
                ),
                "b": (
                    "one agency's date is months too early; with the earliest date, care the "
                    "person really received while alive looks like care after death."
                ),
                "c": (
                    "MI01 already has these 2 false positives (a death filed under the wrong ID "
                    "number with a matching name); look for the reason that is new in the copy."
                ),
                "d": "MI01 subtracts refunds and flags no refund, whatever death date it uses.",
            },
            explain_zh={
                "a": "MI01 比较的是就医开始日期而非结算日期，与用哪个死亡日期无关。",
                "b": "某一来源的死亡日期早了数月；采用最早日期会把生前的就医当成死后结算。",
                "c": "MI01 本身就有这 2 条误报；请找副本新出现的原因。",
                "d": "MI01 扣除退费、不把退费列为线索，与死亡日期无关。",
            },
        ),
        solution=_solution_2,
        wrong=[
            ("a", "care *began*"),
            ("c", "already has these 2"),
            ("d", "refund"),
            ("e", "one letter"),
        ],
    )
)

# --- 04.3 ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _smallest_full_window() -> int:
    # the smallest window that finds every case is the longest gap of a planted split stay
    truth = dataset(MI).truth
    cases = truth.loc[(truth["pattern"] == "split_stays") & truth["is_case"], "subject_id"]
    stays = run("MI07", MI, {"max_gap_days": 30}).frame
    return int(stays.loc[stays["subject_id"].isin(cases), "gap_days"].max())


def _solution_3() -> int:
    import kit

    mi07 = kit.models.get("MI07")
    ds = dataset(MI)
    for days in range(1, 31):
        ev = kit.evaluate(kit.run(mi07, ds, params={"max_gap_days": days}), ds.truth)
        if ev.to_dict()["recall"] == 1:
            return days
    return 31


register(
    Exercise(
        id="04.3",
        question=(
            "MI07 uses the usual 15-day window (`max_gap_days`). Sweep it from 1 to 30 days "
            "(`sweep(mi07, 'max_gap_days', range(1, 31))`): what is the smallest window at which "
            "MI07 still finds all 28 planted split stays?"
        ),
        question_zh="在 1 到 30 天之间扫描 MI07 的 `max_gap_days`，能找到全部 28 个分解住院案件的最小值是多少？",
        check=with_note(
            number(
                _smallest_full_window,
                hint="read cases_found (or recall) in the sweep and find the first window with all 28.",
                hint_zh="看扫描结果的 cases_found（或 recall），找到第一个找全 28 个案件的值。",
                unit="days",
                unit_zh=" 天",
                near={
                    15: (
                        "the default, the usual 15-day rule; shorter windows also find every "
                        "planted case. Find the smallest."
                    ),
                    7: "a window at which MI07 finds only 22 of the 28 cases.",
                },
            ),
            "The longest planted gap is 11 days. Keep the 15-day rule all the same: it is the "
            "regulators' rule, not a value fitted to one sample, and a real hospital may wait two "
            "weeks. (match_category=True widens the rule another way: it also compares the "
            "three-character ICD-10 category, catching a hospital that changes the fourth "
            "character to hide the split.)",
            "样例中最长的间隔为 11 天；仍应保留 15 天的通行规则。",
        ),
        solution=_solution_3,
        wrong=[(15, "the default"), (7, "only 22"), (12, "too high")],
    )
)
