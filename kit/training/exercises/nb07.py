"""Exercises of notebooks/07_evaluate_and_compare.ipynb."""

from __future__ import annotations

from functools import lru_cache

from kit.training.core import Exercise, choice, number, register
from kit.training.exercises._common import dataset, evaluation, with_note

SS = "social_security"

# --- 07.1 ------------------------------------------------------------------------------------

OPTIONS_1 = {
    "a": "clues, cases found, conversion rate and recall change with the capacity",
    "b": (
        "precision@k, recall@k and amount recall@k change; clues, cases found, conversion rate, "
        "recall and amount recall stay the same"
    ),
    "c": "nothing changes: it is the same model on the same data",
    "d": "only the false positives change",
}

HEADLINE = ["clues", "cases_found", "conversion_rate", "recall", "amount_recall", "false_positives"]
AT_K = ["precision_at_k", "recall_at_k", "amount_recall_at_k"]


def _solution_1() -> str:
    at_10 = evaluation("SS01", SS, capacity=10).to_dict()
    at_30 = evaluation("SS01", SS, capacity=30).to_dict()
    changed = {key for key in HEADLINE + AT_K if at_10[key] != at_30[key]}
    if changed == set(AT_K):
        return "b"
    if not changed:
        return "c"
    return "d" if changed == {"false_positives"} else "a"


register(
    Exercise(
        id="07.1",
        question=(
            "Evaluate SS01 at capacities 10 and 30 "
            "(`kit.evaluate(clues, ss.truth, capacity=10).to_dict()`, then 30). Which figures "
            "change?\n\n"
            "- (a) clues, cases found, conversion rate and recall change with the capacity\n"
            "- (b) precision@k, recall@k and amount recall@k change; clues, cases found, "
            "conversion rate, recall and amount recall stay the same\n"
            "- (c) nothing changes: it is the same model on the same data\n"
            "- (d) only the false positives change"
        ),
        question_zh="分别以审查能力 10 和 30 评估 SS01，哪些指标会变化？",
        check=choice(
            "b",
            OPTIONS_1,
            explain={
                "a": (
                    "the headline figures cover all clues, whatever the reviewers can check; "
                    "compare the two to_dict() results key by key."
                ),
                "b": (
                    "the capacity is the k of the figures at k: what the first k clues hold. "
                    "The headline figures describe all clues and do not depend on it."
                ),
                "c": (
                    "the model and its clues are the same, but precision@k, recall@k and amount "
                    "recall@k describe the first k clues, so they move with k."
                ),
                "d": (
                    "false positives are counted over all clues, so they stay the same; the "
                    "figures at k are what moves."
                ),
            },
            explain_zh={
                "a": "总体指标覆盖全部线索，与审查能力无关。",
                "b": "审查能力就是前 k 条指标中的 k；总体指标描述全部线索，不受其影响。",
                "c": "模型和线索相同，但前 k 条的精确率、召回率和金额召回率随 k 变化。",
                "d": "误报按全部线索计算，不变；变化的是前 k 条指标。",
            },
        ),
        solution=_solution_1,
        wrong=[
            ("a", "headline figures"),
            ("c", "move with k"),
            ("d", "over all clues"),
            (10, "one letter"),
        ],
    )
)

# --- 07.2 ------------------------------------------------------------------------------------

OPTIONS_2 = {
    "a": "fewer cases in the first 20 clues than SS01",
    "b": (
        "the same 14 cases in the first 20 clues: its 7 extra false positives "
        "(notification_lag_within_grace) fall below the capacity"
    ),
    "c": "more cases in the first 20 clues than SS01",
    "d": "a lower recall over all clues",
}


def _solution_2() -> str:
    from kit.evaluate import compare

    table = compare(
        {
            "SS01": evaluation("SS01", SS, capacity=20),
            "grace 30": evaluation("SS01", SS, {"grace_days": 30}, capacity=20),
        }
    ).set_index("model")
    found = table["cases_found_at_capacity"]
    if table.loc["grace 30", "recall"] < table.loc["SS01", "recall"]:
        return "d"
    if found["grace 30"] == found["SS01"]:
        return "b"
    return "a" if found["grace 30"] < found["SS01"] else "c"


register(
    Exercise(
        id="07.2",
        question=(
            "Make a version of SS01 with `grace_days` 30 "
            "(`kit.run('SS01', ss, params={'grace_days': 30})`) and compare it with SS01 at "
            "capacity 20 (`compare({...})`). What does the comparison show?\n\n"
            "- (a) fewer cases in the first 20 clues than SS01\n"
            "- (b) the same 14 cases in the first 20 clues: its 7 extra false positives "
            "(`notification_lag_within_grace`) fall below the capacity\n"
            "- (c) more cases in the first 20 clues than SS01\n"
            "- (d) a lower recall over all clues"
        ),
        question_zh="以 grace_days=30 运行 SS01，在审查能力 20 下与 SS01 比较，结果如何？",
        check=choice(
            "b",
            OPTIONS_2,
            explain={
                "a": (
                    "read cases_found_at_capacity in the comparison: both find 14 in their first "
                    "20 clues."
                ),
                "b": (
                    "the extra clues are one month of pension paid during the notification lag: "
                    "small amounts, so in the amount order they come last. They cost work only "
                    "to reviewers who go beyond the capacity, and they lower the conversion rate."
                ),
                "c": (
                    "a shorter grace period only adds clues (false ones); it cannot bring a case "
                    "into the first 20. Read cases_found_at_capacity."
                ),
                "d": (
                    "a shorter grace period flags more, so recall cannot fall: both find all 30 "
                    "cases."
                ),
            },
            explain_zh={
                "a": "查看 cases_found_at_capacity：两者前 20 条都找到 14 个案件。",
                "b": "新增线索是通知时滞期间多发的一个月养老金，金额小，按金额排序排在最后；只影响超出审查能力的工作量，并降低转化率。",
                "c": "缩短宽限期只会增加（误报）线索，不会把案件提前到前 20 条。",
                "d": "宽限期缩短后标记更多，召回率不会下降：两者都找到全部 30 个案件。",
            },
        ),
        solution=_solution_2,
        wrong=[
            ("a", "both find 14"),
            ("c", "only adds clues"),
            ("d", "recall cannot fall"),
            ("bb", "one letter"),
        ],
    )
)

# --- 07.3 ------------------------------------------------------------------------------------

NAIVE_SQL = """
SELECT p.id_number AS subject_id, min(d.death_date) AS period_start,
       max(p.pay_date) AS period_end, sum(p.amount) AS amount_involved
FROM pension_payments AS p JOIN deaths AS d ON d.id_number = p.id_number
WHERE p.pay_date > d.death_date
GROUP BY p.id_number
"""


@lru_cache(maxsize=1)
def _naive_clues():
    import kit

    naive = kit.models.get("SS01").derive(
        id="NAIVE", sql=NAIVE_SQL, params={}, link=None, evidence={"en": "Paid after a death."}
    )
    return kit.run(naive, dataset(SS))


def _precision_spread() -> float:
    import kit
    from kit.evaluate import baseline_score

    clues = _naive_clues()
    precisions = [
        kit.evaluate(
            clues,
            dataset(SS).truth,
            capacity=20,
            score=baseline_score(clues.frame, "random", seed=seed),
        ).to_dict()["precision_at_k"]
        for seed in (1, 2, 3)
    ]
    return max(precisions) - min(precisions)


def _solution_3() -> float:
    from kit.evaluate import baseline_score, review_order

    clues = _naive_clues().frame
    truth = dataset(SS).truth
    cases = set(
        truth.loc[(truth["pattern"] == "pension_after_death") & truth["is_case"], "subject_id"]
    )
    found = []
    for seed in (1, 2, 3):
        first_20 = review_order(clues, score=baseline_score(clues, "random", seed=seed)).head(20)
        found.append(first_20["subject_id"].isin(cases).sum() / 20)
    return float(max(found) - min(found))


register(
    Exercise(
        id="07.3",
        question=(
            "Review the naive rule's clues in a random order with three different seeds, 1, 2 "
            "and 3: `kit.evaluate(naive_clues, ss.truth, capacity=20, "
            "score=baseline_score(naive_clues.frame, 'random', seed=s))`. What is the largest "
            "precision@20 minus the smallest (a share, e.g. 0.05)? What does that tell you about "
            "comparing two models on one sample?"
        ),
        question_zh="用种子 1、2、3 三种随机顺序审查朴素规则的线索，前 20 条精确率的最大值减最小值是多少？",
        check=with_note(
            number(
                _precision_spread,
                tolerance=0.001,
                hint=(
                    "read precision_at_k of .to_dict() for each seed, and subtract the smallest "
                    "from the largest."
                ),
                hint_zh="分别读取三个种子的 precision_at_k，用最大值减最小值。",
                near={
                    0: (
                        "what you get when the three orders are the same: pass seed=s to "
                        "baseline_score, one seed per order."
                    ),
                    0.3: "the largest precision@20 itself; subtract the smallest.",
                    10: "a percentage; give the share (0.05 for 5 %).",
                },
            ),
            "Chance alone moves precision@20 by 10 points here, more than many differences "
            "between two model versions: compare models on the same order rule, over several "
            "samples or seeds, and never on one random draw.",
            "仅随机性就能让前 20 条精确率相差 10 个百分点：比较模型要用同一排序规则，并在多个样本或种子上比较。",
        ),
        solution=_solution_3,
        wrong=[(0, "pass seed=s"), (0.3, "largest precision@20 itself"), (10, "a percentage")],
    )
)
