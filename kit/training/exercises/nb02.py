"""Exercises of notebooks/02_data_tour.ipynb."""

from __future__ import annotations

from kit.training.core import Exercise, choice, id_set, number, register
from kit.training.exercises._common import dataset, letter

# --- 02.1 ------------------------------------------------------------------------------------


def _community_corrections() -> int:
    import kit

    counts = kit.sql(
        "SELECT count(*) AS n FROM custody WHERE custody_type = 'community_correction'",
        dataset("social_security"),
    )
    return int(counts["n"].iloc[0])


def _solution_1() -> int:
    custody = dataset("social_security").tables["custody"]
    return int(custody["custody_type"].value_counts()["community_correction"])


register(
    Exercise(
        id="02.1",
        question=(
            "How many custody records (table `custody` of the social security sample) are "
            "community corrections (社区矫正)?"
        ),
        question_zh="羁押矫正名册（`custody` 表）中有多少条社区矫正记录？",
        check=number(
            _community_corrections,
            hint='count the rows by custody_type: ss.tables["custody"]["custody_type"].value_counts().',
            hint_zh='按 custody_type 计数：ss.tables["custody"]["custody_type"].value_counts()。',
            unit="records",
            unit_zh=" 条记录",
            near={
                231: "the number of all custody records; count only custody_type 'community_correction'.",
                16: "the community corrections still running (no end_date); count them all.",
                79: "the number of imprisonment records, not of community corrections.",
            },
        ),
        solution=_solution_1,
        wrong=[(231, "all custody records"), (16, "still running"), ("100", "should be a number")],
    )
)

# --- 02.2 ------------------------------------------------------------------------------------

OPTIONS_2 = {
    "a": "forged_certificates",
    "b": "fine_instead_of_prosecution",
    "c": "falsified_monitoring",
    "d": "repeat_offender",
}


def _solution_2() -> str:
    import kit

    summary = kit.datasets.truth_summary(dataset("environment").truth)
    return letter(OPTIONS_2, summary.sort_values("trap_kinds")["pattern"].iloc[-1])


register(
    Exercise(
        id="02.2",
        question=(
            "Which environment pattern has the most *kinds* of trap? "
            "(Hint: `kit.datasets.truth_summary(en.truth)`.)\n\n"
            "- (a) `forged_certificates`\n"
            "- (b) `fine_instead_of_prosecution`\n"
            "- (c) `falsified_monitoring`\n"
            "- (d) `repeat_offender`"
        ),
        question_zh="生态环境数据集中，哪一种违法模式的干扰项种类最多？",
        check=choice(
            "b",
            OPTIONS_2,
            explain={
                "a": (
                    "forged_certificates has the most trap *rows* (column traps), but only 3 "
                    "kinds; the question asks about the column trap_kinds."
                ),
                "b": (
                    "6 kinds: the penalties just below each criminal threshold, COD that is no "
                    "heavy metal, and transfers to the police made late or promptly."
                ),
                "c": (
                    "falsified_monitoring has 3 kinds (detection limit, announced maintenance, "
                    "announced halt); one pattern has twice as many."
                ),
                "d": (
                    "repeat_offender has 3 kinds (revoked penalty, outside the two years, only "
                    "two penalties); one pattern has twice as many."
                ),
            },
            explain_zh={
                "a": "该模式干扰项条数（traps）最多，但种类只有 3 种；题目问的是 trap_kinds。",
                "b": "6 种：各入罪标准之下的处罚、非重金属的 COD、迟延移送和及时移送。",
                "c": "只有 3 种；有一个模式是它的两倍。",
                "d": "只有 3 种；有一个模式是它的两倍。",
            },
        ),
        solution=_solution_2,
        wrong=[("a", "trap *rows*"), ("c", "3 kinds"), ("d", "3 kinds"), (2, "one letter of")],
    )
)

# --- 02.3 ------------------------------------------------------------------------------------


def _trap_reasons(pattern: str) -> set[str]:
    truth = dataset("environment").truth
    return set(truth.loc[(truth["pattern"] == pattern) & ~truth["is_case"], "reason"])


def _solution_3() -> list[str]:
    import kit

    summary = kit.datasets.truth_summary(dataset("environment").truth).set_index("pattern")
    return summary.loc["fine_instead_of_prosecution", "trap_reasons"].split(", ")


register(
    Exercise(
        id="02.3",
        question=(
            "What are the kinds of trap of that pattern? Give the trap reasons as a list of "
            "strings, e.g. `['cod_not_heavy_metal', ...]`. (The table cuts long text: print the "
            "column `trap_reasons`, or select the pattern's rows of `en.truth` that are not "
            "cases.)"
        ),
        question_zh="该模式的干扰项有哪几种？以字符串列表形式给出干扰原因（reason）。",
        check=id_set(
            lambda: _trap_reasons("fine_instead_of_prosecution"),
            what="trap reasons",
            hint=(
                "select the rows of en.truth with pattern 'fine_instead_of_prosecution' and "
                "is_case False, and list the distinct values of reason."
            ),
            hint_zh="在 en.truth 中筛选该模式、is_case 为 False 的行，列出 reason 的不同取值。",
            near=[
                (
                    lambda: _trap_reasons("forged_certificates"),
                    "the trap reasons of forged_certificates, the pattern with the most trap "
                    "rows; the question asks about the one with the most kinds.",
                ),
            ],
        ),
        solution=_solution_3,
        wrong=[
            ([], "6 missing"),
            (
                [
                    "transferred_late",
                    "metal_below_3x",
                    "cod_not_heavy_metal",
                    "hazardous_waste_below_3t",
                    "ten_x_metal_below_10x",
                ],
                "1 missing",
            ),
            (["expired_but_renewed", "format_noise", "homophone_name"], "most trap rows"),
            ("transferred_late", "should be a list"),
        ],
    )
)
