"""Exercises of the video course ``training/two_ledgers/`` (两个台账视频课程).

Three exercise sheets, one notebook each in ``training/two_ledgers/exercises/``:

- ``E1_model_ledger.ipynb`` (``TL.E1.*``): units, registering a model and its version, the
  status path up to 省级平台上架;
- ``E2_case_ledger.ipynb`` (``TL.E2.*``): cases recorded from clues, the checks that refuse bad
  records, measures and money, a correction;
- ``E3_bulletin_and_promotion.ipynb`` (``TL.E3.*``): the period bulletin, promotion under
  5家以上, an Excel import that lists every problem.

Every sheet starts from a *practice ledger* that :func:`practice_ledger` builds the same way
each time: fixed dates, a fixed clock, the sample data's SS01 clues. A check never looks at the
learner's ledger. It builds its own practice ledger in memory, repeats the steps the exercise
asks for, and compares the answer with what that ledger says (computed once, then cached).

The lesson and exercise notebooks also use :func:`refused`, which runs a few lines and prints
the ledger's message when it refuses a record, instead of a long error report.

Examples
--------
>>> ledger = practice_ledger("E1")
>>> ledger.table("units")["name"].tolist()
['安徽省人民检察院', '六安市人民检察院', '霍邱县人民检察院', '金寨县人民检察院']
>>> with refused():
...     ledger.add_unit("舒城县人民检察院", region_code="34152")
Refused: Unit '舒城县人民检察院', region_code: '34152' is not 6 digits. Fix: give the GB/T 2260 code, e.g. 341500. Nothing was written.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from kit.errors import KitError, LedgerError
from kit.training.core import CheckResult, Exercise, choice, number, register

#: The practice ledgers' clock: every audit event is dated 11 May 2024, 09:00 (the day of the
#: seed's video conference), so the notebooks show the same times on every computer.
COURSE_CLOCK = dt.datetime(2024, 5, 11, 9, 0)
#: Who writes in the practice ledgers (recorded in every audit event as 操作人).
ACTOR = "trainee"
#: Builders of the practice models: sample names, masked as 王* and 李* in every export.
BUILDERS = ("王芳", "李强")

#: The units every practice ledger starts with: name, level, region code, parent.
UNITS = (
    ("安徽省人民检察院", "province", "340000", None),
    ("六安市人民检察院", "city", "341500", "安徽省人民检察院"),
    ("霍邱县人民检察院", "county", "341522", "六安市人民检察院"),
    ("金寨县人民检察院", "county", "341524", "六安市人民检察院"),
)
HUOQIU = "霍邱县人民检察院"
LUAN = "六安市人民检察院"


# ---------------------------------------------------------------------------------------------
# Course helpers used by the notebooks
# ---------------------------------------------------------------------------------------------


@contextmanager
def refused() -> Iterator[None]:
    """Run the indented lines; print the ledger's message if it refuses, or ``Accepted.``.

    The ledger refuses a bad record with a :class:`~kit.errors.LedgerError` that says the field,
    the bad value and the fix. In a notebook an error stops the cell with a long report; inside
    ``with refused():`` only the message is printed, and the notebook goes on. A refusal by the
    database itself (a trigger or constraint, when someone writes with plain SQL) is printed
    the same way.
    """
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except LedgerError as exc:
        print("Refused:", exc)
    except DBAPIError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        print("Refused by the database:", reason)
    else:
        print("Accepted.")


def practice_ledger(sheet: str, db: Any = ":memory:", *, actor: str = ACTOR) -> Any:
    """A new ledger holding the starting records of exercise sheet ``E1``, ``E2`` or ``E3``.

    Parameters
    ----------
    sheet : str
        ``"E1"`` (four units), ``"E2"`` (SS01 registered and applied by 霍邱县, three cases) or
        ``"E3"`` (five models registered, four of them applied by nine units (SS02 never),
        seven cases, three measures).
    db : str or path
        Where to keep it: a new SQLite file (the notebooks use a temporary folder) or
        ``":memory:"`` (the checks).
    actor : str
        Who writes (recorded in the audit trail).

    Returns
    -------
    kit.ledger.Ledger
        Initialised and filled; its clock always says :data:`COURSE_CLOCK`.
    """
    from kit.ledger import Ledger

    fill = {"E1": _fill_e1, "E2": _fill_e2, "E3": _fill_e3}
    if sheet not in fill:
        raise KitError(f"Practice ledger {sheet!r}: there is none. Fix: use one of E1, E2, E3.")
    ledger = Ledger(db, actor=actor, clock=lambda: COURSE_CLOCK).init()
    if ledger.counts()["units"]:
        raise KitError(
            f"Practice ledger {sheet}: the ledger given already holds records. "
            "Fix: give the path of a new file (the notebook makes one in a temporary folder)."
        )
    fill[sheet](ledger)
    return ledger


@lru_cache(maxsize=1)
def ss01_clues() -> Any:
    """The clues of SS01 on the social-security sample (38 clues; computed once)."""
    import kit

    return kit.run("SS01", kit.datasets.load("social_security"))


def _units(ledger: Any, units: Iterable[tuple[str, str, str, str | None]] = UNITS) -> None:
    for name, level, region, parent in units:
        ledger.add_unit(name, level, region, parent)


def _model(model_id: str) -> Any:
    from kit.models import get

    return get(model_id)


def _walk(ledger: Any, model_id: str, status: str) -> None:
    """Move a model along the status path up to ``status``, one step at a time."""
    path = ["in_development", "own_unit", "provincial", "national"]
    for step in path[1 : path.index(status) + 1]:
        ledger.set_status(model_id, step)


# ---------------------------------------------------------------------------------------------
# E1: the model ledger
# ---------------------------------------------------------------------------------------------


def _fill_e1(ledger: Any) -> None:
    _units(ledger)


def _e1_register(ledger: Any) -> None:
    """TL.E1.1's steps: SS01 for 六安市院, SS04 for 凤阳县院 (a unit the ledger does not hold)."""
    ledger.register_model(_model("SS01"), unit=LUAN, builders=list(BUILDERS))
    ledger.register_model(_model("SS04"), unit="凤阳县人民检察院", builders=["赵敏"])


def _e1_walk(ledger: Any) -> None:
    """TL.E1.2's steps: SS01 to 本院应用, then to 省级平台上架."""
    ledger.set_status("SS01", "本院应用")
    ledger.set_status("SS01", "省级平台上架")


def edited_ss01() -> Any:
    """SS01 with its rule changed (30 days after death instead of ``grace_days``), still version 1.

    The spec a colleague might register after editing the YAML but forgetting the version.
    """
    spec = _model("SS01")
    return spec.derive(sql=spec.sql.replace("> $grace_days", "> 30"))


@cache
def _e1_answers() -> dict[str, Any]:
    """The checks' figures for TL.E1.1 and TL.E1.3 (TL.E1.2 and TL.E1.4 have fixed letters)."""
    ledger = practice_ledger("E1")
    _e1_register(ledger)
    units = len(ledger.table("units"))
    _e1_walk(ledger)
    ledger.set_status("SS01", "省级平台上架")  # the colleague's repeated call: no new row
    history = ledger.table("model_status_history")
    rows = int((history["model_id"] == "SS01").sum())
    ledger.close()
    return {"units": units, "history_rows": rows}


# The solutions below repeat the solution notebooks' steps, written out as a learner writes
# them, on a fresh practice ledger in a temporary folder, and read each figure the learner's
# way (ledger.table, report, the refusal itself). They share no step with the checks'
# ``_e*_answers``, so "the solution passes its check" compares two independent paths.


@contextmanager
def _fresh(sheet: str) -> Iterator[tuple[Any, Path]]:
    """A practice ledger in a new SQLite file in a temporary folder, closed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"tl-{sheet.lower()}-solution-") as folder:
        work = Path(folder)
        ledger = practice_ledger(sheet, work / f"{sheet}.db")
        try:
            yield ledger, work
        finally:
            ledger.close()


@cache
def _e1_solutions() -> dict[str, Any]:
    """TL.E1.*, the way E1_model_ledger_solution.ipynb answers them."""
    from kit.ledger.vocab import MODEL_STATUSES
    from kit.models import get

    with _fresh("E1") as (ledger, _):
        ledger.register_model(get("SS01"), unit="六安市人民检察院", builders=["王芳", "李强"])
        ledger.register_model(get("SS04"), unit="凤阳县人民检察院", builders=["赵敏"])
        units = len(ledger.table("units"))
        ledger.set_status("SS01", "本院应用")
        models = ledger.table("models").set_index("id")
        label = MODEL_STATUSES[models.loc["SS01", "status"]][0]  # the status before 省级
        before = next(k for k, text in STATUS_OPTIONS.items() if text.startswith(label + " "))
        ledger.set_status("SS01", "省级平台上架")
        ledger.set_status("SS01", "省级平台上架")  # the colleague's mistake
        history = ledger.table("model_status_history")
        rows = len(history[history["model_id"] == "SS01"])
        spec = get("SS01")
        edited = spec.derive(sql=spec.sql.replace("> $grace_days", "> 30"))
        try:
            ledger.register_model(edited, unit="六安市人民检察院", builders=["王芳", "李强"])
        except LedgerError:
            edit = "b"  # refused: nothing written, the version must be raised
        else:
            versions = ledger.table("model_versions")
            edit = "c" if (versions["model_id"] == "SS01").sum() > 1 else "a"
    return {"units": units, "before": before, "rows": rows, "edit": edit}


STATUS_OPTIONS = {
    "a": "研发中 (in development)",
    "b": "本院应用 (used by own unit)",
    "c": "全国平台上架 (shelved on the national platform)",
    "d": "已立案 (filed)",
}

register(
    Exercise(
        id="TL.E1.1",
        question=(
            "Register SS01 for 六安市人民检察院 (builders 王芳, 李强) and SS04 for "
            "凤阳县人民检察院 (builder 赵敏). How many units does the ledger hold now?"
        ),
        question_zh="为六安市人民检察院登记 SS01（建模人员王芳、李强），为凤阳县人民检察院登记 SS04"
        "（建模人员赵敏）。现在台账中有几个单位？",
        check=number(
            lambda: _e1_answers()["units"],
            hint="count the rows of ledger.table('units') after both registrations.",
            hint_zh="两个模型都登记后，数一数 ledger.table('units') 的行数。",
            unit="units",
            unit_zh="个单位",
            near={
                4: "the number the practice ledger started with: registering SS04 for "
                "凤阳县人民检察院 added that procuratorate as a unit (a name ending in 检察院 is "
                "added the first time it is used).",
                2: "the number of models you registered, not of units.",
                6: "one too many: 六安市人民检察院 was already in the ledger, so registering "
                "SS01 for it added no unit.",
            },
        ),
        solution=lambda: _e1_solutions()["units"],
        wrong=[(4, "added that procuratorate"), (2, "number of models"), (6, "already in")],
    )
)

register(
    Exercise(
        id="TL.E1.2",
        question=(
            "Move SS01 along its status path up to 省级平台上架, one step at a time. Which "
            "status comes right before 省级平台上架? (a) 研发中 (b) 本院应用 (c) 全国平台上架 "
            "(d) 已立案"
        ),
        question_zh="把 SS01 沿状态路径逐步推进到“省级平台上架”。紧挨在“省级平台上架”之前的是哪个状态？",
        check=choice(
            "b",
            STATUS_OPTIONS,
            explain={
                "a": "研发中 is where every model starts (the row 'registered'); the model is then "
                "used by its own unit (本院应用) before the province shelves it.",
                "b": "a model is used by its own unit (本院应用) first; the provincial platform "
                "shelves it after that (省级平台上架), and the national platform last.",
                "c": "全国平台上架 comes after 省级平台上架, not before: the national platform "
                "takes models the province has shelved (5家以上).",
                "d": "已立案 is a case status in the case ledger (案件台账), not a model status.",
            },
            explain_zh={
                "a": "研发中是每个模型的起点；之后先在本院应用，再由省级平台上架。",
                "b": "模型先在本院应用，再在省级平台上架，最后才是全国平台上架。",
                "c": "全国平台上架在省级平台上架之后。",
                "d": "已立案是案件台账中的案件状态，不是模型状态。",
            },
        ),
        solution=lambda: _e1_solutions()["before"],
        wrong=[("c", "comes after"), ("d", "case status"), ("a", "starts"), ("e", "one letter")],
    )
)

register(
    Exercise(
        id="TL.E1.3",
        question=(
            "A colleague runs ledger.set_status('SS01', '省级平台上架') again by mistake; run "
            "it too. How many rows does the status history (model_status_history) hold for SS01?"
        ),
        question_zh="同事误把 ledger.set_status('SS01', '省级平台上架') 又运行了一次，你也运行一次。"
        "状态记录（model_status_history）中 SS01 有几行？",
        check=number(
            lambda: _e1_answers()["history_rows"],
            hint="keep only SS01's rows: history[history['model_id'] == 'SS01'].",
            hint_zh="只看 SS01 的行：history[history['model_id'] == 'SS01']。",
            unit="rows",
            unit_zh="行",
            near={
                4: "too many: setting the status SS01 already has adds no row (set_status "
                "returned False), and SS04's row is not SS01's.",
                5: "too many: it counts SS04's row and a row for the repeated call, which "
                "added nothing (set_status returned False).",
                2: "too few: the history starts with the row 'registered' (研发中), then "
                "本院应用 and 省级平台上架; did you skip 本院应用?",
            },
        ),
        solution=lambda: _e1_solutions()["rows"],
        wrong=[(4, "adds no row"), (2, "starts with"), (5, "added nothing")],
    )
)

EDIT_OPTIONS = {
    "a": "it accepts the edited rule and replaces the old one under version 1",
    "b": "it refuses, because version 1 is registered with another spec hash, and asks to "
    "raise the version",
    "c": "it adds a second row 'SS01 version 1' beside the first",
    "d": "it deletes the applications recorded with version 1",
}

register(
    Exercise(
        id="TL.E1.4",
        question=(
            "The cell below the question builds `edited`: SS01 with its rule changed but "
            "still version 1. Try to register it for 六安市人民检察院. What does the ledger do? "
            "(a) replaces the old rule (b) refuses and asks to raise the version "
            "(c) adds a second version 1 (d) deletes the version's applications"
        ),
        question_zh="题目下方的单元格生成了 `edited`：规则已修改、版本号仍为 1 的 SS01。试着为六安市人民检察院"
        "登记它。台账会怎样处理？",
        check=choice(
            "b",
            EDIT_OPTIONS,
            explain={
                "a": "the ledger never changes a registered version: applications and cases "
                "recorded under version 1 must keep describing the rule they actually ran.",
                "b": "the spec hash is the rule's fingerprint; a changed rule under an old "
                "version number is refused. Raise `version` (2) and register again.",
                "c": "model and version are unique together: there is only ever one SS01 "
                "version 1.",
                "d": "nothing recorded is ever deleted; a refused write changes nothing at all.",
            },
            explain_zh={
                "a": "已登记的版本不会被改写：按版本 1 记录的应用和案件必须对应当时实际运行的规则。",
                "b": "规则哈希是规则的指纹；旧版本号下的新规则会被拒绝。把版本号改为 2 再登记。",
                "c": "模型和版本号的组合是唯一的，SS01 只有一个版本 1。",
                "d": "已记录的内容从不删除；被拒绝的写入不会改变任何内容。",
            },
        ),
        solution=lambda: _e1_solutions()["edit"],
        wrong=[("a", "never changes"), ("c", "unique together"), ("d", "is ever deleted")],
    )
)


# ---------------------------------------------------------------------------------------------
# E2: the case ledger
# ---------------------------------------------------------------------------------------------

#: The date 霍邱县院 applied SS01 (its clues cannot be received earlier).
E2_APPLIED = "2024-01-15"
#: The three cases of the practice ledger (clue = position in the application's clue list).
E2_CASES = (
    {"number": "皖霍检民公〔2024〕1号", "clue": 0, "received": "2024-01-25",
     "filed": "2024-02-20", "closed": "2024-04-02", "loss": "123456.78"},
    {"number": "皖霍检民公〔2024〕2号", "clue": 1, "received": "2024-03-28",
     "filed": "2024-05-06", "closed": None, "loss": "5000.00"},
    {"number": "皖霍检民公〔2024〕3号", "clue": 2, "received": "2024-04-25",
     "filed": None, "closed": None, "loss": "0"},
)  # fmt: skip
#: TL.E2.2: six attempted cases (unit 霍邱县院, model SS01); clue = position or a made-up id.
E2_ATTEMPTS = {
    "A": {"number": "皖霍检民公〔2024〕5号", "clue": "SS01-000000000000", "received": "2024-03-02"},
    "B": {"number": "皖霍检民公〔2024〕6号", "clue": 4, "received": "2024-03-10",
          "filed": "2024-03-05"},
    "C": {"number": "皖霍检民公〔2024〕7号", "clue": 5, "received": "2024-04-01"},
    "D": {"number": "皖霍检民公〔2024〕8号", "clue": 6, "received": "2024-04-03", "loss": "-300"},
    "E": {"number": "皖霍检民公〔2024〕9号", "clue": 7, "received": "2024-01-10"},
    "F": {"number": "皖霍检民公〔2024〕10号", "clue": 8, "received": "2024-04-05",
          "loss": "1,200"},
}  # fmt: skip
_ATTEMPT_WHY = {
    "A": "its clue id SS01-000000000000 is not among the clues of any recorded application "
    "(a made-up clue)",
    "B": "it was filed (03-05) before its clue was received (03-10)",
    "C": "it is a correct record: a clue of the application, received after the application",
    "D": "its amount recovered is negative (-300)",
    "E": "its clue was received (01-10) before the application that produced it (01-15)",
    "F": "it is a correct record: '1,200' is a valid amount in yuan",
}


def _clue_ids(ledger: Any) -> list[str]:
    return ledger.table("application_clues")["clue_id"].tolist()


def _fill_e2(ledger: Any) -> None:
    _units(ledger)
    ledger.register_model(_model("SS01"), unit=LUAN, builders=list(BUILDERS))
    _walk(ledger, "SS01", "provincial")
    ledger.record_application("SS01", unit=HUOQIU, clues=ss01_clues(), date=E2_APPLIED,
                              verified=6, cases_formed=5)  # fmt: skip
    clues = _clue_ids(ledger)
    for case in E2_CASES:
        ledger.record_case(case["number"], unit=HUOQIU, model_id="SS01",
                           clue_id=clues[case["clue"]], received=case["received"],
                           filed=case["filed"], closed=case["closed"],
                           loss_recovered=case["loss"])  # fmt: skip
    ledger.add_measure(E2_CASES[0]["number"], "检察建议", issued="2024-02-25", adopted="2024-03-20")


def _e2_case4(ledger: Any) -> None:
    """TL.E2.1's step: case 4 from the 4th clue, received 03-01, filed 03-15."""
    clue = _clue_ids(ledger)[3]
    ledger.record_case("皖霍检民公〔2024〕4号", unit=HUOQIU, model_id="SS01", clue_id=clue,
                       received="2024-03-01", filed="2024-03-15")  # fmt: skip


def _e2_attempts(ledger: Any) -> list[str]:
    """TL.E2.2's steps: try every attempted case; the letters the ledger refused."""
    clues = _clue_ids(ledger)
    out = []
    for letter, a in E2_ATTEMPTS.items():
        clue = clues[a["clue"]] if isinstance(a["clue"], int) else a["clue"]
        try:
            ledger.record_case(a["number"], unit=HUOQIU, model_id="SS01", clue_id=clue,
                               received=a["received"], filed=a.get("filed"),
                               loss_recovered=a.get("loss", 0))  # fmt: skip
        except LedgerError:
            out.append(letter)
    return out


def _e2_money(ledger: Any) -> None:
    """TL.E2.3's steps: a recommendation on case 4 and 8,000.50 yuan recovered."""
    ledger.add_measure(
        "皖霍检民公〔2024〕4号", "检察建议", issued="2024-03-25", adopted="2024-04-20"
    )
    ledger.update_case("皖霍检民公〔2024〕4号", loss_recovered="8000.50")


def _e2_correct(ledger: Any) -> None:
    """TL.E2.4's step: case 2 was filed on 26 April, not 6 May."""
    ledger.update_case("皖霍检民公〔2024〕2号", filed_on="2024-04-26")


def _filed_between(ledger: Any, start: str, end: str) -> Any:
    """Cases filed from ``start`` to ``end`` (counted from the table, not by the report)."""
    cases = ledger.table("cases")
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return cases[cases["filed_on"].notna() & cases["filed_on"].between(first, last)]


@cache
def _e2_answers() -> dict[str, Any]:
    ledger = practice_ledger("E2")
    _e2_case4(ledger)
    cases = len(_filed_between(ledger, "2024-02-01", "2024-04-30"))
    refused_letters = _e2_attempts(ledger)
    _e2_money(ledger)
    money = int(_filed_between(ledger, "2024-02-01", "2024-04-30")["loss_recovered_fen"].sum())
    _e2_correct(ledger)
    corrected = len(_filed_between(ledger, "2024-02-01", "2024-04-30"))
    ledger.close()
    return {"cases": cases, "refused": refused_letters, "money_yuan": money / 100,
            "cases_corrected": corrected}  # fmt: skip


@cache
def _e2_solutions() -> dict[str, Any]:
    """TL.E2.*, the way E2_case_ledger_solution.ipynb answers them: from the period bulletin."""
    unit = "霍邱县人民检察院"
    with _fresh("E2") as (ledger, _):
        clue_ids = ledger.table("application_clues")["clue_id"].tolist()
        ledger.record_case("皖霍检民公〔2024〕4号", unit=unit, model_id="SS01",
                           clue_id=clue_ids[3], received="2024-03-01", filed="2024-03-15")  # fmt: skip
        cases = ledger.report("2024-02", "2024-04").figures["cases"]
        attempts = {
            "A": dict(case_number="皖霍检民公〔2024〕5号", clue_id="SS01-000000000000",
                      received="2024-03-02"),
            "B": dict(case_number="皖霍检民公〔2024〕6号", clue_id=clue_ids[4],
                      received="2024-03-10", filed="2024-03-05"),
            "C": dict(case_number="皖霍检民公〔2024〕7号", clue_id=clue_ids[5],
                      received="2024-04-01"),
            "D": dict(case_number="皖霍检民公〔2024〕8号", clue_id=clue_ids[6],
                      received="2024-04-03", loss_recovered="-300"),
            "E": dict(case_number="皖霍检民公〔2024〕9号", clue_id=clue_ids[7],
                      received="2024-01-10"),
            "F": dict(case_number="皖霍检民公〔2024〕10号", clue_id=clue_ids[8],
                      received="2024-04-05", loss_recovered="1,200"),
        }  # fmt: skip
        before = set(ledger.table("cases")["case_number"])
        for attempt in attempts.values():
            with suppress(LedgerError):  # a refused case is not in the table read below
                ledger.record_case(unit=unit, model_id="SS01", **attempt)
        recorded = set(ledger.table("cases")["case_number"]) - before
        refused_letters = sorted(k for k, a in attempts.items() if a["case_number"] not in recorded)
        ledger.add_measure(
            "皖霍检民公〔2024〕4号", "检察建议", issued="2024-03-25", adopted="2024-04-20"
        )
        ledger.update_case("皖霍检民公〔2024〕4号", loss_recovered="8000.50")
        money = ledger.report("2024-02", "2024-04").figures["loss_recovered_fen"] / 100
        ledger.update_case("皖霍检民公〔2024〕2号", filed_on="2024-04-26")
        corrected = ledger.report("2024-02", "2024-04").figures["cases"]
    return {"cases": cases, "refused": refused_letters, "money_yuan": money,
            "cases_corrected": corrected}  # fmt: skip


def _letters_check(
    expected: Callable[[], Iterable[str]], why: dict[str, str], *, hint: str, hint_zh: str
) -> Callable[[Any], CheckResult]:
    """A check for a set of letters: each wrong letter gets its own explanation."""

    def _check(answer: Any) -> CheckResult:
        if isinstance(answer, str):
            answer = [c for c in answer.replace(",", " ").split() if c]
            if len(answer) == 1 and len(answer[0]) > 1:
                answer = list(answer[0])
        if not isinstance(answer, Iterable):
            raise TypeError(f"The answer should be a list of letters, like ['A', 'C']. {hint}")
        given = {str(a).strip().upper() for a in answer}
        unknown = sorted(given - set(why))
        if unknown:
            raise ValueError(
                f"Use the letters {', '.join(why)}; {', '.join(map(repr, unknown))} is not one "
                f"of them. {hint}"
            )
        want = set(expected())
        if given == want:
            return (
                True,
                f"Correct: the ledger refuses {', '.join(sorted(want))}.",
                (f"正确：台账拒绝了 {', '.join(sorted(want))}。"),
            )
        parts = [f"{x} is refused too: {why[x]}." for x in sorted(want - given)]
        parts += [f"{x} is accepted: {why[x]}." for x in sorted(given - want)]
        return False, " ".join(parts) + f" Hint: {hint}", hint_zh

    return _check


register(
    Exercise(
        id="TL.E2.1",
        question=(
            "Record case 皖霍检民公〔2024〕4号 from the 4th clue of the application (clue_ids[3]): "
            "unit 霍邱县人民检察院, model SS01, clue received 2024-03-01, filed 2024-03-15. "
            "Then: how many cases does the bulletin count for February-April 2024?"
        ),
        question_zh="根据应用的第4条线索（clue_ids[3]）登记案件 皖霍检民公〔2024〕4号：办案单位霍邱县人民检察院，"
        "模型 SS01，2024-03-01 受理线索，2024-03-15 立案。然后：2024年2-4月的通报统计了几件案件？",
        check=number(
            lambda: _e2_answers()["cases"],
            hint="the bulletin counts cases filed (立案) in the period: "
            "ledger.report('2024-02', '2024-04').figures['cases'].",
            hint_zh="通报统计期间内立案的案件：ledger.report('2024-02', '2024-04').figures['cases']。",
            unit="cases",
            unit_zh="件",
            near={
                4: "every case in the ledger; the bulletin counts only cases filed (立案) in "
                "the period, and case 2 was filed in May, case 3 not yet.",
                3: "the cases whose clue was received in February-April; the bulletin counts "
                "cases by their filing date (立案日期).",
                38: "the number of clues screened, not of cases: clues are what the model "
                "found, cases are what a procuratorate filed.",
                6: "the number of clues verified, not of cases filed.",
                5: "the number of cases formed as reported with the application; the bulletin "
                "counts the cases in the case ledger filed in the period.",
                1: "only case 1: did you record case 4 with its filing date (filed='2024-03-15')?",
            },
        ),
        solution=lambda: _e2_solutions()["cases"],
        wrong=[
            (4, "only cases filed"),
            (3, "by their filing date"),
            (38, "clues screened"),
            (5, "cases formed as reported"),
            (1, "did you record case 4"),
        ],  # fmt: skip
    )
)

register(
    Exercise(
        id="TL.E2.2",
        question=(
            "Try to record the six cases A-F of the table (unit 霍邱县人民检察院, model SS01), "
            "each inside `with refused():`. Which ones does the ledger refuse? Answer with a "
            "list of letters, like ['A', 'C']."
        ),
        question_zh="在 `with refused():` 中逐一尝试登记表中的 A-F 六件案件（霍邱县人民检察院，模型 SS01）。"
        "台账拒绝了哪几件？用字母列表作答，例如 ['A', 'C']。",
        check=_letters_check(
            lambda: _e2_answers()["refused"],
            _ATTEMPT_WHY,
            hint="run each attempt inside `with refused():` and read whether it prints "
            "'Refused' or 'Accepted.'",
            hint_zh="把每次尝试放在 `with refused():` 中运行，看输出是 Refused 还是 Accepted。",
        ),
        solution=lambda: _e2_solutions()["refused"],
        wrong=[
            (["A", "B", "D"], "E is refused too"),
            (["A", "B", "C", "D", "E"], "C is accepted"),
            (["A", "B", "D", "E", "F"], "'1,200' is a valid amount"),
            ("ABDEG", "not one of them"),
        ],  # fmt: skip
    )
)

register(
    Exercise(
        id="TL.E2.3",
        question=(
            "On case 4, record a procuratorial recommendation (检察建议) issued 2024-03-25 and "
            "adopted 2024-04-20, and 8,000.50 yuan recovered. How much money (yuan) does the "
            "bulletin for February-April 2024 count as recovered?"
        ),
        question_zh="为案件4登记检察建议（2024-03-25 制发，2024-04-20 被采纳），并登记追回 8000.50 元。"
        "2024年2-4月的通报统计追回国家损失多少元？",
        check=number(
            lambda: _e2_answers()["money_yuan"],
            tolerance=0.005,  # to the fen
            unit="yuan",
            unit_zh="元",
            hint="money counts with the case's filing date: "
            "ledger.report('2024-02', '2024-04').figures['loss_recovered_fen'] / 100.",
            hint_zh="追回金额按案件立案日期计入：figures['loss_recovered_fen'] / 100。",
            near={
                13145728: "in fen (分), the unit the ledger stores; divide by 100 for yuan.",
                123456.78: "case 1 alone: did you record the 8,000.50 yuan on case 4 "
                "(update_case(..., loss_recovered='8000.50'))?",
                136457.28: "too much: it includes case 2's 5,000 yuan, but case 2 was filed in "
                "May, and money counts in the period the case was filed.",
                8000.5: "case 4 alone; case 1, filed in February, counts too.",
            },
        ),
        solution=lambda: _e2_solutions()["money_yuan"],
        wrong=[
            (13145728, "in fen"),
            (123456.78, "case 1 alone"),
            (136457.28, "filed in"),
            ("131,457.28", "should be a number"),
        ],  # fmt: skip
    )
)

register(
    Exercise(
        id="TL.E2.4",
        question=(
            "Case 2 was filed on 2024-04-26; the clerk typed 2024-05-06. Correct it with "
            "update_case. Then: how many cases does the bulletin count for February-April 2024?"
        ),
        question_zh="案件2实际于2024-04-26立案，录入时误写为2024-05-06。用 update_case 更正。"
        "然后：2024年2-4月的通报统计了几件案件？",
        check=number(
            lambda: _e2_answers()["cases_corrected"],
            hint="after ledger.update_case('皖霍检民公〔2024〕2号', filed_on='2024-04-26'), ask the "
            "report again.",
            hint_zh="更正后重新生成通报。",
            unit="cases",
            unit_zh="件",
            near={
                2: "the count before the correction: did update_case run? Case 2 now counts in "
                "April.",
                6: "every case in the ledger; the bulletin counts only cases filed in the period.",
                5: "the cases whose clue was received in February-April; the bulletin counts "
                "cases by their filing date (立案日期).",
            },
        ),
        solution=lambda: _e2_solutions()["cases_corrected"],
        wrong=[(2, "before the correction"), (6, "every case"), (5, "by their filing date")],
    )
)


# ---------------------------------------------------------------------------------------------
# E3: bulletin, promotion, Excel
# ---------------------------------------------------------------------------------------------

#: Units of E3 beyond :data:`UNITS`: name, level, region code, parent.
E3_UNITS = (
    ("舒城县人民检察院", "county", "341523", LUAN),
    ("霍山县人民检察院", "county", "341525", LUAN),
    ("滁州市人民检察院", "city", "341100", "安徽省人民检察院"),
    ("凤阳县人民检察院", "county", "341126", "滁州市人民检察院"),
    ("定远县人民检察院", "county", "341125", "滁州市人民检察院"),
    ("合肥市人民检察院", "city", "340100", "安徽省人民检察院"),
    ("肥西县人民检察院", "county", "340123", "合肥市人民检察院"),
    ("庐江县人民检察院", "county", "340124", "合肥市人民检察院"),
    ("芜湖市人民检察院", "city", "340200", "安徽省人民检察院"),
    ("芜湖市弋江区人民检察院", "county", "340203", "芜湖市人民检察院"),
)
#: Models of E3: building unit and status reached.
E3_MODELS = {
    "SS01": (LUAN, "provincial"),
    "SS02": (HUOQIU, "in_development"),
    "SS04": ("凤阳县人民检察院", "own_unit"),
    "MI01": ("合肥市人民检察院", "own_unit"),
    "EN01": ("芜湖市弋江区人民检察院", "provincial"),
}
#: Applications of E3: model, unit (short name), date, clues screened, verified, cases formed.
E3_APPLICATIONS = (
    ("SS01", "霍邱县", "2024-01-10", 38, 6, 3),
    ("SS01", "金寨县", "2024-01-22", 21, 4, 2),
    ("SS01", "舒城县", "2024-02-05", 17, 3, 1),
    ("SS01", "霍山县", "2024-02-19", 12, 2, 1),
    ("SS01", "凤阳县", "2024-03-04", 25, 5, 2),
    ("SS01", "定远县", "2024-03-18", 9, 1, 0),
    ("SS04", "凤阳县", "2024-01-16", 40, 8, 2),
    ("SS04", "定远县", "2024-02-01", 33, 5, 1),
    ("SS04", "肥西县", "2024-02-14", 28, 4, 1),
    ("SS04", "庐江县", "2024-03-01", 19, 3, 1),
    ("SS04", "庐江县", "2024-03-25", 22, 2, 1),
    ("MI01", "肥西县", "2024-02-08", 15, 3, 1),
    ("MI01", "庐江县", "2024-02-22", 11, 2, 1),
    ("MI01", "霍邱县", "2024-03-07", 14, 2, 1),
    ("MI01", "金寨县", "2024-03-21", 8, 1, 1),
    ("MI01", "芜湖市弋江区", "2024-03-28", 6, 0, 0),
    ("EN01", "芜湖市弋江区", "2024-04-02", 30, 6, 2),
    ("EN01", "肥西县", "2024-04-08", 12, 2, 1),
    ("EN01", "庐江县", "2024-04-11", 10, 2, 1),
    ("EN01", "凤阳县", "2024-04-15", 9, 2, 1),
    ("EN01", "定远县", "2024-04-18", 7, 1, 1),
    ("EN01", "霍邱县", "2024-04-22", 11, 2, 1),
    ("EN01", "舒城县", "2024-04-25", 8, 1, 1),
)
#: Cases of E3 (no clue ids: recorded from the applications' reports): number, unit (short),
#: model, received, filed, closed, yuan recovered.
E3_CASES = (
    ("皖霍检民公〔2024〕21号", "霍邱县", "SS01", "2024-01-15", "2024-01-29", "2024-03-20", "86,400.00"),
    ("皖金检民公〔2024〕5号", "金寨县", "SS01", "2024-02-01", "2024-02-18", None, "0"),
    ("皖凤检民公〔2024〕8号", "凤阳县", "SS04", "2024-01-25", "2024-02-26", "2024-04-12", "12,600.00"),
    ("皖肥检民公〔2024〕3号", "肥西县", "MI01", "2024-02-15", "2024-03-05", None, "9,850.40"),
    ("皖庐检民公〔2024〕6号", "庐江县", "SS04", "2024-03-10", "2024-03-28", None, "0"),
    ("皖弋检民公〔2024〕2号", "芜湖市弋江区", "EN01", "2024-04-09", "2024-04-26", None, "0"),
    ("皖霍检民公〔2024〕30号", "霍邱县", "SS01", "2024-04-20", None, None, "0"),
)  # fmt: skip
#: Measures of E3: case number, kind, issued, adopted.
E3_MEASURES = (
    ("皖霍检民公〔2024〕21号", "检察建议", "2024-02-02", "2024-03-01"),
    ("皖凤检民公〔2024〕8号", "检察建议", "2024-03-01", None),
    ("皖肥检民公〔2024〕3号", "移送公安机关", "2024-03-12", None),
)
#: TL.E3.3: the colleague's mistakes (sheet, cell, value) in an unmasked export of E3.
BROKEN_CELLS = (
    ("案件", "K2", "2024-13-01"),  # 立案日期: there is no 13th month
    ("案件", "M5", -500),  # 挽回国家损失（元）: negative
    ("监督措施", "B3", "警告"),  # 措施类型: a warning is not a measure of the ledger
    ("模型应用", "D4", "舒城县公安局"),  # 应用单位: not a procuratorate
)


def _full(short: str) -> str:
    return f"{short}人民检察院"


def _fill_e3(ledger: Any) -> None:
    _units(ledger)
    _units(ledger, E3_UNITS)
    for model_id, (unit, status) in E3_MODELS.items():
        ledger.register_model(_model(model_id), unit=unit, builders=list(BUILDERS))
        if status != "in_development":
            _walk(ledger, model_id, status)
    for model_id, unit, date, screened, verified, formed in E3_APPLICATIONS:
        ledger.record_application(model_id, unit=_full(unit), date=date, screened=screened,
                                  verified=verified, cases_formed=formed)  # fmt: skip
    for number_, unit, model_id, received, filed, closed, loss in E3_CASES:
        ledger.record_case(number_, unit=_full(unit), model_id=model_id, received=received,
                           filed=filed, closed=closed, loss_recovered=loss)  # fmt: skip
    for number_, kind, issued, adopted in E3_MEASURES:
        ledger.add_measure(number_, kind, issued=issued, adopted=adopted)


def break_workbook(book: Any, out: Any) -> Path:
    """Write ``out``: the workbook ``book`` with the mistakes of :data:`BROKEN_CELLS`."""
    import openpyxl

    wb = openpyxl.load_workbook(book)
    for sheet, cell, value in BROKEN_CELLS:
        wb[sheet][cell] = value
    wb.save(out)
    return Path(out)


@cache
def _e3_answers() -> dict[str, Any]:
    ledger = practice_ledger("E3")
    apps = ledger.table("model_applications")
    versions = ledger.table("model_versions").set_index("id")["model_id"]
    apps["model_id"] = apps["model_version_id"].map(versions)
    first, last = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
    q1 = apps[apps["applied_on"].between(first, last)]
    invested = int(q1["model_id"].nunique())
    # promotion, counted by hand: units that screened clues and formed cases, per model
    cases = ledger.table("cases")
    cases["model_id"] = cases["model_version_id"].map(versions)
    filed = cases[cases["filed_on"].notna()]
    good = apps[(apps["clues_screened"] > 0) & (apps["cases_formed"] > 0)]
    pairs = set(zip(good["model_id"], good["unit_id"], strict=True))
    applied = set(zip(apps["model_id"], apps["unit_id"], strict=True))
    pairs |= applied & set(zip(filed["model_id"], filed["unit_id"], strict=True))
    per_model: dict[str, int] = {}
    for model_id, _ in pairs:
        per_model[model_id] = per_model.get(model_id, 0) + 1
    promoted = sorted(m for m, n in per_model.items() if n >= 5)
    problems, written = _e3_import(ledger)
    ledger.close()
    return {"invested": invested, "promoted": promoted, "problems": problems,
            "written": written}  # fmt: skip


def _e3_import(ledger: Any) -> tuple[int, int]:
    """TL.E3.3/4's steps: export unmasked, break, import into an empty ledger."""
    from kit.ledger import Ledger

    with tempfile.TemporaryDirectory(prefix="tl-e3-") as folder:
        work = Path(folder)
        book = ledger.export_xlsx(work / "practice_full.xlsx", masked=False)
        bad = break_workbook(book, work / "colleague.xlsx")
        empty = Ledger(":memory:", actor=ACTOR, clock=lambda: COURSE_CLOCK).init()
        try:
            empty.import_xlsx(bad)
            problems = 0
        except LedgerError as exc:
            problems = len(exc.problems)
        counts = empty.counts()
        empty.close()
    return problems, sum(counts.values())


@cache
def _e3_solutions() -> dict[str, Any]:
    """TL.E3.*, the way E3_bulletin_and_promotion_solution.ipynb answers them."""
    import re

    import openpyxl

    from kit.ledger import Ledger

    with _fresh("E3") as (ledger, work):
        invested = ledger.report("2024-01", "2024-03").figures["models_invested"]
        promoted = ledger.promotion_candidates(min_units=5).model_ids
        book = ledger.export_xlsx(work / "practice_full.xlsx", masked=False)
        wb = openpyxl.load_workbook(book)
        wb["案件"]["K2"] = "2024-13-01"
        wb["案件"]["M5"] = -500
        wb["监督措施"]["B3"] = "警告"
        wb["模型应用"]["D4"] = "舒城县公安局"
        wb.save(work / "colleague.xlsx")
        empty = Ledger(work / "empty.db", actor=ACTOR).init()
        try:
            empty.import_xlsx(work / "colleague.xlsx")
            message = ""
        except LedgerError as exc:
            message = str(exc)
        # the number the learner reads in the message's first line: "N problem(s)"
        found = re.search(r"(\d+) problem\(s\)", message)
        problems = int(found[1]) if found else 0
        written = "b" if not any(empty.counts().values()) else "a"
        empty.close()
    return {"invested": invested, "promoted": promoted, "problems": problems,
            "written": written}  # fmt: skip


def _models_check(hint: str, hint_zh: str) -> Callable[[Any], CheckResult]:
    """TL.E3.2's check: the promoted model ids, with the 5家以上 traps explained."""
    traps = {
        frozenset({"EN01"}): "5家以上 includes five: SS01 has exactly five qualifying units "
        "(min_units=5, not 6).",
        frozenset({"SS01", "EN01", "SS04"}): "SS04 was applied five times, but by four units: "
        "庐江县 applied it twice, and units are counted once.",
        frozenset({"SS01", "EN01", "MI01"}): "MI01 has five applying units, but 芜湖市弋江区 "
        "formed no case, so four units count.",
        frozenset({"SS01", "EN01", "SS04", "MI01"}): "SS04 and MI01 have five applications "
        "each, but only four units count for each: count distinct units that screened clues "
        "and formed cases.",
        frozenset({"SS01", "EN01", "SS04", "MI01", "SS02"}): "that is every registered model; "
        "promotion asks for five or more units that screened clues and formed cases.",
        frozenset({"SS01"}): "EN01 qualifies too: seven units applied it in April and formed "
        "cases.",
    }

    def _check(answer: Any) -> CheckResult:
        if isinstance(answer, str) or not isinstance(answer, Iterable):
            raise TypeError(
                f"The answer should be a list of model ids, like ['SS01', 'MI01']. Hint: {hint}"
            )
        given = frozenset(str(a).strip().upper() for a in answer)
        want = frozenset(_e3_answers()["promoted"])
        if given == want:
            return (
                True,
                f"Correct: {', '.join(sorted(want))} qualify (5家以上).",
                (f"正确：{'、'.join(sorted(want))} 符合推广条件（5家以上）。"),
            )
        if given in traps:
            return False, f"Not yet: {traps[given]} Hint: {hint}", hint_zh
        missing, extra = sorted(want - given), sorted(given - want)
        parts = []
        if missing:
            parts.append(f"{len(missing)} qualifying model(s) missing")
        if extra:
            parts.append(f"{', '.join(extra)} should not be there")
        return False, "Not yet: " + "; ".join(parts) + f". Hint: {hint}", hint_zh

    return _check


WRITTEN_OPTIONS = {
    "a": "the rows without problems; only the broken rows were left out",
    "b": "nothing: the ledger is as empty as before",
    "c": "every row up to the first problem",
    "d": "every row, with the problems marked in the notes",
}

register(
    Exercise(
        id="TL.E3.1",
        question=(
            "Make the bulletin for the first quarter, January-March 2024. How many models "
            "were invested in case handling (投入办案模型)?"
        ),
        question_zh="生成2024年1-3月（第一季度）的通报。投入办案的模型有几个？",
        check=number(
            lambda: _e3_answers()["invested"],
            hint="ledger.report('2024-01', '2024-03'): a model counts when it has an "
            "application dated in the period.",
            hint_zh="模型在期间内有应用记录才计入“投入办案模型”。",
            unit="models",
            unit_zh="个模型",
            near={
                5: "every registered model; a model counts only when it was applied in the "
                "period (SS02 was never applied, EN01 only in April).",
                4: "the count for January-April: EN01 was applied only in April, outside the "
                "first quarter.",
                16: "the number of applications, not of models: a model applied by six units "
                "counts once.",
            },
        ),
        solution=lambda: _e3_solutions()["invested"],
        wrong=[(5, "never applied"), (4, "only in April"), (16, "number of applications")],
    )
)

register(
    Exercise(
        id="TL.E3.2",
        question=(
            "Which models qualify for promotion to the national platform under the rule "
            "'applied by 5家以上 procuratorates that screened clues and formed cases'? Answer "
            "with a list of model ids."
        ),
        question_zh="按“5家以上检察院应用并筛查出线索、形成案件”的条件，哪些模型可以推荐到全国平台？"
        "用模型编号列表作答。",
        check=_models_check(
            hint="ledger.promotion_candidates(min_units=5); look at the evidence per unit.",
            hint_zh="用 ledger.promotion_candidates(min_units=5)，并查看每个单位的依据。",
        ),
        solution=lambda: _e3_solutions()["promoted"],
        wrong=[
            (["EN01"], "includes five"),
            (["SS01", "EN01", "SS04"], "units are counted once"),
            (["SS01", "EN01", "MI01"], "formed no case"),
            ("SS01", "list of model ids"),
        ],  # fmt: skip
    )
)

register(
    Exercise(
        id="TL.E3.3",
        question=(
            "Import the colleague's workbook (colleague.xlsx, made by the cell below the "
            "question) into a new, empty ledger. How many problems does the import list?"
        ),
        question_zh="把同事的工作簿（题目下方的单元格生成的 colleague.xlsx）导入一个新的空台账。导入列出了几个问题？",
        check=number(
            lambda: _e3_answers()["problems"],
            hint="the first line of the message says how many problem(s); each one is a line "
            "starting with '-'.",
            hint_zh="错误信息第一行写明问题个数，每个问题单独一行。",
            unit="problems",
            unit_zh="个问题",
            near={
                1: "only the first one; the import checks every cell and row and lists every "
                "problem, not just the first.",
                0: "the number of rows written (none); the question asks how many problems "
                "were listed.",
                4: "the number of cells the colleague changed; the import also lists every row "
                "that depends on a broken row (a measure on a broken case).",
            },
        ),
        solution=lambda: _e3_solutions()["problems"],
        wrong=[(1, "every problem"), (0, "rows written"), (4, "depends on a broken row")],
    )
)

register(
    Exercise(
        id="TL.E3.4",
        question=(
            "After that import, look at the new ledger's counts(). What did the import write? "
            "(a) the rows without problems (b) nothing (c) every row up to the first problem "
            "(d) every row, with the problems marked"
        ),
        question_zh="导入之后，查看新台账的 counts()。导入写入了什么？",
        check=choice(
            "b",
            WRITTEN_OPTIONS,
            explain={
                "a": "an import is all or nothing: good rows are not written while any row has "
                "a problem, so a corrected workbook can simply be imported again.",
                "b": "an import is all or nothing: one transaction, rolled back when any "
                "problem is found; fix the listed cells and import the whole workbook again.",
                "c": "the import reads every row before writing any, and lists every problem; "
                "nothing is written while there is one.",
                "d": "problem rows are never written; the problems are listed in the message, "
                "with sheet, row, column and fix.",
            },
            explain_zh={
                "a": "导入是全有或全无：只要有一行有问题，正确的行也不会写入。",
                "b": "导入是全有或全无：一个事务，发现任何问题就整体回滚；改正后重新导入整个工作簿。",
                "c": "导入先检查所有行，列出全部问题；有问题时什么也不写。",
                "d": "有问题的行不会写入；问题在信息中逐条列出（工作表、行、列和改法）。",
            },
        ),
        solution=lambda: _e3_solutions()["written"],
        wrong=[("a", "all or nothing"), ("c", "reads every row"), ("d", "never written")],
    )
)
