"""Build the course's Excel ledgers: a blank template and a filled example (空白台账和示例台账).

Writes ``training/two_ledgers/ledgers/ledger_blank.xlsx`` (``kit.ledger.excel.write_template``:
Chinese headers, drop-down lists, date and amount formats) and ``ledger_filled.xlsx``: a small
ledger of Lu'an city (六安市) for January-April 2025, filled through :class:`kit.ledger.Ledger`
from real runs of SS01 and MI07 on the synthetic sample data, and exported with Chinese headers.

The filled ledger is a teaching ledger with known answers:

- SS01 (冒领养老金) is applied by seven county units; five of them formed cases, so SS01 is a
  promotion candidate at ``min_units=5`` (5家以上 includes five) and not at 6;
- one case is filed in May 2025, after the period, and one clue is received but not filed: the
  January-April bulletin counts neither;
- one recovered amount was typed wrongly and then corrected with ``update_case``: the correction
  is an event in the 操作记录 sheet, the wrong value is kept as its "before".

Every person field holds a role placeholder (示例建模员甲, 培训示例), never a person's name, and
the ledger stores clue ids only, so the workbook holds no personal data. It is exported with
``masked=False`` on purpose: the kit refuses to import a masked workbook, and learners import
this one (see ``handouts/data_security.md``). ``tests/test_training_material.py`` checks both.

Generation is deterministic: the ledger's clock is set to the date of each step, the actor is
fixed, and the workbook's document properties and zip entry times are fixed, so running the
script again gives byte-identical files.

Usage::

    .venv/bin/python training/two_ledgers/tools/build_ledgers.py [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import kit
from kit.ledger import Ledger
from kit.ledger.excel import write_template
from kit.models.clues import Clues

#: Where the committed workbooks live.
LEDGERS = Path(__file__).resolve().parents[1] / "ledgers"
BLANK = "ledger_blank.xlsx"
FILLED = "ledger_filled.xlsx"
#: Who writes the filled ledger (操作人): a role, not a person.
ACTOR = "培训示例"
#: Builders (建模人员) of the example models: roles, not people.
BUILDERS = {
    "SS01": ["示例建模员甲", "示例建模员乙"],
    "MI07": ["示例建模员丙"],
    "EN01": ["示例建模员甲"],
}
#: Every person value the filled workbook may hold (the test checks the 建模人员 and 操作人 cells).
PLACEHOLDERS = frozenset({ACTOR, *(n for names in BUILDERS.values() for n in names)})
#: The workbook's creation and modification time (document properties) and zip entry time.
FIXED_TIME = dt.datetime(2025, 5, 6, 9, 0, 0)
#: The period of the filled ledger's bulletin.
PERIOD = ("2025-01", "2025-04")

PROVINCE, CITY = "安徽省人民检察院", "六安市人民检察院"
#: (unit, region code): the seven county-level units of Lu'an city.
COUNTIES = [
    ("六安市金安区人民检察院", "341502"),
    ("六安市裕安区人民检察院", "341503"),
    ("六安市叶集区人民检察院", "341504"),
    ("霍邱县人民检察院", "341522"),
    ("舒城县人民检察院", "341523"),
    ("金寨县人民检察院", "341524"),
    ("霍山县人民检察院", "341525"),
]
UNIT = {region: name for name, region in COUNTIES}


class Clock:
    """A settable clock for the ledger: every write is stamped with the date of its step."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, day: str, time: str = "09:00") -> None:
        """Move the clock to ``day`` (``YYYY-MM-DD``) at ``time``."""
        self.now = dt.datetime.fromisoformat(f"{day} {time}")


#: SS01 applications: (region, applied on, clues verified, cases formed).
SS01_APPLICATIONS = [
    ("341502", "2025-01-13", 4, 2),
    ("341503", "2025-01-20", 6, 3),
    ("341522", "2025-02-03", 4, 1),
    ("341523", "2025-02-17", 2, 1),
    ("341524", "2025-03-03", 2, 1),
    ("341525", "2025-03-17", 1, 0),
    ("341504", "2025-04-07", 0, 0),
]
#: MI07 applications: (region, applied on, clues verified, cases formed).
MI07_APPLICATIONS = [("341503", "2025-03-10", 3, 1), ("341523", "2025-03-24", 2, 0)]

#: Cases: number, model, clue id, region, received, filed, closed, recovered (yuan), note.
CASES: list[dict[str, Any]] = [
    {"number": "皖金安检民公〔2025〕1号", "model": "SS01", "clue": "SS01-a0d0b68f6ad6",
     "region": "341502", "received": "2025-01-16", "filed": "2025-01-24", "closed": "2025-03-28",
     "recovered": "25262.82", "note": "死亡后冒领养老金，已全额追回（示例）"},
    {"number": "皖金安检民公〔2025〕2号", "model": "SS01", "clue": "SS01-edee600f103c",
     "region": "341502", "received": "2025-01-16", "filed": "2025-02-05", "closed": None,
     "recovered": "0", "note": "正在追缴（示例）"},
    {"number": "皖裕安检民公〔2025〕1号", "model": "SS01", "clue": "SS01-7118c8099c30",
     "region": "341503", "received": "2025-01-23", "filed": "2025-02-07", "closed": "2025-04-18",
     "recovered": "30000.00", "note": "部分追回（示例）"},
    {"number": "皖裕安检民公〔2025〕2号", "model": "SS01", "clue": "SS01-2817374aae33",
     "region": "341503", "received": "2025-01-23", "filed": "2025-02-14", "closed": None,
     "recovered": "0", "note": "涉嫌诈骗，已移送公安机关（示例）"},
    {"number": "皖裕安检民公〔2025〕3号", "model": "SS01", "clue": "SS01-5ab093db62d4",
     "region": "341503", "received": "2025-04-21", "filed": "2025-05-08", "closed": None,
     "recovered": "0", "note": "5月立案：不计入1-4月通报（示例）"},
    {"number": "皖霍邱检民公〔2025〕1号", "model": "SS01", "clue": "SS01-3a1f9a6d3442",
     "region": "341522", "received": "2025-02-06", "filed": "2025-02-20", "closed": "2025-04-02",
     "recovered": "5729.25", "note": "追回金额录入有误，见更正（示例）"},
    {"number": "皖舒城检民公〔2025〕1号", "model": "SS01", "clue": "SS01-15c9716b86c3",
     "region": "341523", "received": "2025-02-20", "filed": "2025-03-06", "closed": None,
     "recovered": "0", "note": "（示例）"},
    {"number": "皖金寨检民公〔2025〕1号", "model": "SS01", "clue": "SS01-5c81573db020",
     "region": "341524", "received": "2025-03-06", "filed": "2025-03-19", "closed": "2025-04-25",
     "recovered": "109716.05", "note": "已全额追回（示例）"},
    {"number": "皖霍山检民公〔2025〕1号", "model": "SS01", "clue": "SS01-de7a7bd03d1e",
     "region": "341525", "received": "2025-04-22", "filed": None, "closed": None,
     "recovered": "0", "note": "线索已受理，尚未立案（示例）"},
    {"number": "皖裕安检民公〔2025〕4号", "model": "MI07", "clue": "MI07-6ffa851294c2",
     "region": "341503", "received": "2025-03-13", "filed": "2025-03-27", "closed": "2025-04-29",
     "recovered": "2399.72", "note": "分解住院，医保基金已追回（示例）"},
]  # fmt: skip
#: The correction: the amount typed as 5729.25 was 5792.25 (an update leaves a correcting event).
CORRECTION = ("皖霍邱检民公〔2025〕1号", "2025-04-08", "5792.25", "更正：追回金额按缴款凭证核对为5792.25元（示例）")  # fmt: skip
#: Measures: case number, kind, issued, adopted, note.
MEASURES = [
    ("皖金安检民公〔2025〕1号", "检察建议", "2025-02-10", "2025-03-12", "向人社部门制发（示例）"),
    ("皖裕安检民公〔2025〕1号", "检察建议", "2025-02-20", None, "向人社部门制发，尚未回复（示例）"),
    ("皖裕安检民公〔2025〕2号", "移送公安机关", "2025-02-28", None, "（示例）"),
    ("皖霍邱检民公〔2025〕1号", "检察建议", "2025-02-25", "2025-03-20", "（示例）"),
    ("皖金寨检民公〔2025〕1号", "检察建议", "2025-03-28", "2025-04-24", "（示例）"),
    ("皖裕安检民公〔2025〕4号", "检察建议", "2025-04-03", "2025-04-28", "向医保部门制发（示例）"),
]


def fill(ledger: Ledger, clock: Clock) -> None:
    """Write the example units, models, applications, cases and measures to an empty ledger.

    Parameters
    ----------
    ledger : Ledger
        An initialised, empty ledger whose ``clock`` is ``clock``.
    clock : Clock
        Moved to the date of each step before it is written.
    """
    clock.at("2025-01-02", "08:30")
    ledger.add_unit(PROVINCE, "province", "340000")
    ledger.add_unit(CITY, "city", "341500", parent=PROVINCE)
    for name, region in COUNTIES:
        ledger.add_unit(name, "county", region, parent=CITY)

    social, medical = kit.datasets.load("social_security"), kit.datasets.load("medical_insurance")
    runs = {"SS01": kit.run("SS01", social), "MI07": kit.run("MI07", medical)}

    clock.at("2025-01-02")
    ledger.register_model(kit.models.get("SS01"), unit=CITY, builders=BUILDERS["SS01"])
    clock.at("2025-01-06")
    ledger.set_status("SS01", "本院应用", note="本院试用")
    clock.at("2025-01-10")
    ledger.set_status("SS01", "省级平台上架", note="省级平台上架")
    clock.at("2025-03-03")
    builder = UNIT["341503"]
    ledger.register_model(kit.models.get("MI07"), unit=builder, builders=BUILDERS["MI07"])
    clock.at("2025-03-07")
    ledger.set_status("MI07", "本院应用", note="本院试用")
    clock.at("2025-04-14")
    ledger.register_model(kit.models.get("EN01"), unit=CITY, builders=BUILDERS["EN01"])

    plan = [("SS01", a) for a in SS01_APPLICATIONS] + [("MI07", a) for a in MI07_APPLICATIONS]
    for model_id, (region, day, verified, formed) in sorted(plan, key=lambda p: p[1][1]):
        clues = runs[model_id]
        own = clues.frame[clues.frame["region_code"].astype(str) == region]
        clock.at(day, "10:00")
        ledger.record_application(model_id, unit=UNIT[region], clues=Clues(own, dict(clues.info)),
                                  date=day, verified=verified, cases_formed=formed)  # fmt: skip

    steps: list[tuple[str, str, Any]] = []
    for case in CASES:
        steps.append((case["received"], "0 receive", case))
        if case["filed"]:
            steps.append((case["filed"], "1 file", case))
        if case["closed"]:
            steps.append((case["closed"], "2 close", case))
    steps += [(m[3] or m[2], "3 measure", m) for m in MEASURES]  # recorded once known
    steps.append((CORRECTION[1], "4 correct", CORRECTION))
    for day, kind, item in sorted(steps, key=lambda s: (s[0], s[1])):
        clock.at(day, "15:00")
        if kind == "0 receive":  # the clue is received: the case enters the ledger (线索受理)
            ledger.record_case(item["number"], unit=UNIT[item["region"]], model_id=item["model"],
                               clue_id=item["clue"], received=day, note=item["note"])  # fmt: skip
        elif kind == "1 file":
            ledger.update_case(item["number"], filed_on=day)
        elif kind == "2 close":
            ledger.update_case(item["number"], closed_on=day, loss_recovered=item["recovered"])
        elif kind == "3 measure":
            number, measure, issued, adopted, note = item
            ledger.add_measure(number, measure, issued=issued, adopted=adopted, note=note)
        else:
            number, _, amount, note = item
            ledger.update_case(number, loss_recovered=amount, note=note)


def build_filled(path: str | Path) -> Path:
    """Fill a fresh ledger (in a temporary folder) and export it to ``path`` with Chinese headers.

    Returns
    -------
    Path
        ``path``, normalised by :func:`normalise`.
    """
    clock = Clock(FIXED_TIME)
    with tempfile.TemporaryDirectory(prefix="tl-ledger-") as tmp:
        ledger = Ledger(Path(tmp) / "ledger.db", actor=ACTOR, clock=clock).init()
        try:
            fill(ledger, clock)
            ledger.export_xlsx(path, lang="zh", masked=False)
        finally:
            ledger.close()
    return normalise(path)


def build_blank(path: str | Path) -> Path:
    """Write the blank template (``kit.ledger.excel.write_template``) to ``path``, normalised."""
    write_template(path)
    return normalise(path)


_CORE_TIME = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalise(path: str | Path) -> Path:
    """Fix what openpyxl stamps with the current time, so the same content gives the same bytes.

    The document properties' created and modified times become :data:`FIXED_TIME`, and every
    zip entry gets that time too. Cell contents, formats and drop-down lists are not touched.
    """
    path = Path(path)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    tmp = path.with_name(f".{path.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                text = _CORE_TIME.sub(lambda m: f"{m[1]}{stamp}{m[3]}", data.decode("utf-8"))
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, data)
    tmp.replace(path)
    return path


def build(out: str | Path = LEDGERS) -> list[Path]:
    """Write both workbooks into ``out``; returns their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [build_blank(out / BLANK), build_filled(out / FILLED)]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``build_ledgers.py [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", default=str(LEDGERS), help="folder to write (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(f"wrote {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
