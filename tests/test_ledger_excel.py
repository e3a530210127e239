"""Excel: templates, a round trip that loses nothing, and imports that are all or nothing."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest

import kit
from kit.errors import LedgerError
from kit.ledger import Ledger, excel, excel_import

pytest_plugins = ["tests.ledger_conftest"]
HUOQIU = "霍邱县人民检察院"


@pytest.fixture
def full(applied):
    """A ledger with a unit tree, status history, cases with Chinese notes and fen, measures."""
    ledger, app, clue_ids = applied
    ledger.add_unit("安徽省人民检察院", "province", "340000")
    ledger.add_unit("金寨县人民检察院", region_code="341524", parent="六安市人民检察院")
    ledger.set_status("SS01", "本院应用", note="霍邱县院试用")
    ledger.record_case("皖霍检民公〔2024〕1号", unit=HUOQIU, model_id="SS01", clue_id=clue_ids[0],
                       received="2024-02-05", filed="2024-02-20", closed="2024-04-02",
                       loss_recovered="123456.78", note="冒领养老金，已全额追回；移送公安")  # fmt: skip
    ledger.record_case("皖霍检民公〔2024〕2号", unit=HUOQIU, model_id="SS01", clue_id=clue_ids[1],
                       received="2024-02-06", loss_recovered=0.01)  # fmt: skip
    ledger.add_measure("皖霍检民公〔2024〕1号", "recommendation", issued="2024-02-25",
                       adopted="2024-03-20", note="建议人社局完善死亡信息比对")  # fmt: skip
    ledger.add_measure("皖霍检民公〔2024〕1号", "移送公安机关", issued="2024-03-01")
    return ledger


def cells(path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def snapshot(ledger: Ledger) -> dict[str, list[dict]]:
    """Every record table without surrogate ids (ids are replaced by natural keys)."""
    units = ledger.table("units").set_index("id")["name"].to_dict()
    out = {}
    for name in ("units", "models", "model_versions", "model_status_history", "model_applications",
                 "application_clues", "cases", "case_measures"):  # fmt: skip
        frame = ledger.table(name).drop(columns=["id"], errors="ignore")
        for col in ("unit_id", "parent_id", "builder_unit_id"):
            if col in frame:
                frame[col] = frame[col].map(units)
        out[name] = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_round_trip_loses_nothing(full, tmp_path, lang):
    first = full.export_xlsx(tmp_path / "a.xlsx", lang=lang, masked=False)
    target = Ledger(tmp_path / "b.db", actor="tester").init()
    added = target.import_xlsx(first)
    assert added["cases"] == 2 and added["application_clues"] == len(
        full.table("application_clues")
    )
    assert snapshot(target) == snapshot(full)
    second = target.export_xlsx(tmp_path / "b.xlsx", lang=lang, masked=False)
    a, b = cells(first), cells(second)
    events = "操作记录" if lang == "zh" else "events"
    assert {k: v for k, v in a.items() if k != events} == {
        k: v for k, v in b.items() if k != events
    }
    case = snapshot(target)["cases"][0]
    assert case["loss_recovered_fen"] == 12345678 and case["note"].startswith("冒领养老金")


def test_round_trip_between_backends(full, other_ledger_url, tmp_path):
    """Export from the backend's ledger; import into a fresh ledger on the same backend and on
    SQLite."""
    path = full.export_xlsx(tmp_path / "x.xlsx", masked=False)
    for url in (other_ledger_url, str(tmp_path / "sqlite-copy.db")):
        target = Ledger(url, actor="tester").init()
        target.import_xlsx(path)
        assert snapshot(target) == snapshot(full)
        target.close()


def test_export_masks_names_by_default_and_refuses_to_import_them(full, tmp_path):
    path = full.export_xlsx(tmp_path / "masked.xlsx")
    models = cells(path)["模型"]
    assert models[1][models[0].index("建模人员")] == "王*; 李*"
    with pytest.raises(
        LedgerError, match=r"sheet 模型 row 1 \(line 2\), column 建模人员: .* is masked"
    ):
        Ledger(tmp_path / "c.db").init().import_xlsx(path)


def test_template_has_chinese_headers_and_drop_downs(tmp_path):
    wb = openpyxl.load_workbook(excel.write_template(tmp_path / "t.xlsx"))
    assert wb.sheetnames == ["单位", "模型", "状态记录", "模型应用", "应用线索", "案件", "监督措施"]
    ws = wb["案件"]
    assert [c.value for c in ws[1]][:3] == ["案件编号", "办案单位", "模型编号"]
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"司法诉讼监督,社保医保,生态环境和安全生产,其他"' in lists
    assert '"线索受理,已立案,已结案"' in lists


def test_import_lists_every_problem_and_changes_nothing(full, tmp_path):
    path = full.export_xlsx(tmp_path / "a.xlsx", masked=False)
    target = Ledger(tmp_path / "b.db").init()
    wb = openpyxl.load_workbook(path)
    cases = wb["案件"]
    header = [c.value for c in cases[1]]
    cases.cell(row=2, column=header.index("立案日期") + 1, value="2024-13-01")
    cases.cell(row=3, column=header.index("挽回国家损失（元）") + 1, value=-5)
    cases.cell(row=3, column=header.index("案件类别") + 1, value="交通")
    measures = wb["监督措施"]
    measures.cell(row=2, column=2, value="警告")
    wb.save(path)
    with pytest.raises(LedgerError) as info:
        target.import_xlsx(path)
    text = str(info.value)
    assert "a.xlsx: 5 problem(s); nothing was imported." in text
    assert (
        "sheet 案件 row 1 (line 2), column 立案日期: '2024-13-01' is not a date. Fix: write it YYYY-MM-DD."
        in text
    )
    assert "sheet 案件 row 2 (line 3), column 挽回国家损失（元）: -5 is negative." in text
    assert "sheet 案件 row 2 (line 3), column 案件类别: '交通' is not allowed" in text
    assert "sheet 监督措施 row 1 (line 2), column 措施类型: '警告' is not allowed" in text
    assert (
        "sheet 监督措施 row 2 (line 3), column 案件编号: case '皖霍检民公〔2024〕1号' has a problem itself"
        in text
    )
    assert [(p.row, p.column) for p in info.value.problems] == [
        (1, "立案日期"), (2, "案件类别"), (2, "挽回国家损失（元）"), (1, "措施类型"), (2, "案件编号")
    ]  # fmt: skip
    assert all(v == 0 for v in target.counts().values())


def test_import_failing_halfway_changes_nothing(full, ledger, tmp_path, monkeypatch):
    path = full.export_xlsx(tmp_path / "a.xlsx", masked=False)
    ledger.add_unit("安徽省人民检察院", "province", "340000")  # something already there
    before = ledger.counts()
    calls = []

    def boom(self, r):  # the database fails on the first measure, after all cases went in
        calls.append(self.w.count("cases"))
        raise RuntimeError("disk full")

    monkeypatch.setattr(excel_import._Importer, "_measures", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        ledger.import_xlsx(path)
    assert calls == [2]  # the failure came after units, models, applications and cases
    assert ledger.counts() == before


def test_import_refuses_unreadable_and_header_problems(tmp_path):
    led = Ledger(tmp_path / "l.db").init()
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(LedgerError, match="cannot be read as an Excel workbook"):
        led.import_xlsx(bad)
    wb = openpyxl.Workbook()
    wb.active.title = "案件"
    wb.active.append(["案件编号", "办案单位"])
    wb.save(tmp_path / "short.xlsx")
    with pytest.raises(LedgerError, match="header lacks column"):
        led.import_xlsx(tmp_path / "short.xlsx")


def test_dates_and_amounts_survive_as_real_excel_types(full, tmp_path):
    ws = openpyxl.load_workbook(full.export_xlsx(tmp_path / "a.xlsx"))["案件"]
    header = [c.value for c in ws[1]]
    row = [c for c in ws[2]]
    filed = row[header.index("立案日期")]
    amount = row[header.index("挽回国家损失（元）")]
    assert isinstance(filed.value, dt.datetime) and filed.number_format == "yyyy-mm-dd"
    assert amount.value == 123456.78 and amount.number_format == "#,##0.00"
    assert kit.models.get("SS01").name["zh"] in [c.value for c in openpyxl.load_workbook(
        tmp_path / "a.xlsx")["模型"][2]]  # fmt: skip


def test_masked_export_shows_no_raw_name_on_any_sheet(full, tmp_path):
    """Builders' and operators' names are masked everywhere, the 操作记录 JSON included."""
    full.set_status("SS01", "provincial", note="省级平台上架")
    path = full.export_xlsx(tmp_path / "masked.xlsx")
    raw = ["王芳", "李强", "tester"]
    found = [(sheet, value) for sheet, rows in cells(path).items() for row in rows
             for value in row if any(name in str(value) for name in raw)]  # fmt: skip
    assert found == []
    events = cells(path)["操作记录"]
    assert any("王*; 李*" in str(v) for row in events for v in row)
    plain = cells(full.export_xlsx(tmp_path / "plain.xlsx", masked=False))
    assert any("王芳; 李强" in str(v) for row in plain["操作记录"] for v in row)


def test_text_starting_with_equals_stays_text(full, tmp_path):
    """No formula injection: '=1+1 人工备注' is written as text and comes back unchanged."""
    full.update_case("皖霍检民公〔2024〕2号", note="=1+1 人工备注")
    path = full.export_xlsx(tmp_path / "a.xlsx", masked=False)
    ws = openpyxl.load_workbook(path)["案件"]
    note = ws.cell(row=3, column=[c.value for c in ws[1]].index("备注") + 1)
    assert (note.value, note.data_type) == ("=1+1 人工备注", "s")
    target = Ledger(tmp_path / "b.db", actor="tester").init()
    target.import_xlsx(path)
    assert snapshot(target) == snapshot(full)


def _set(path, sheet: str, column: str, value, row: int = 2) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    ws.cell(row=row, column=[c.value for c in ws[1]].index(column) + 1, value=value)
    wb.save(path)


def test_version_written_as_decimal_text_is_read_or_reported(full, tmp_path):
    """'1.0' in 模型版本 is version 1; '1.5' is reported with sheet, row, column and fix."""
    path = full.export_xlsx(tmp_path / "a.xlsx", masked=False)
    _set(path, "案件", "模型版本", "1.0")
    target = Ledger(tmp_path / "b.db", actor="tester").init()
    assert target.import_xlsx(path)["cases"] == 2
    _set(path, "案件", "模型版本", "1.5")
    with pytest.raises(LedgerError) as info:
        Ledger(tmp_path / "c.db").init().import_xlsx(path)
    assert "sheet 案件 row 1 (line 2), column 模型版本: '1.5' is not a whole number" in str(
        info.value
    )


#: Cell values that once escaped the import as raw tracebacks, or could.
NASTY = ["1.0", "1.5", "1e400", "-1", 10**20, "x" * 300, True, "=1+1", "nan"]


class FakeClues:
    """Just what ``record_application`` reads from a run's clues."""

    def __init__(self, model_id: str, ids: list[str]) -> None:
        import pandas as pd

        self.info, self.run_id = {"model_id": model_id, "version": 1}, "run-1"
        self.frame = pd.DataFrame({"clue_id": ids, "period_start": [dt.date(2023, 1, 1)] * len(ids),
                                   "period_end": [dt.date(2023, 12, 31)] * len(ids)})  # fmt: skip


@pytest.mark.slow
def test_no_bad_cell_escapes_as_a_traceback(tmp_path):
    """Whatever a cell holds, import either succeeds or raises LedgerError (nothing else)."""
    import io

    small = Ledger(tmp_path / "small.db", actor="tester").init()
    small.register_model({"model_id": "M1", "field": "social_security", "name_zh": "模型一"},
                         unit="六安市人民检察院", builders=["王芳"])  # fmt: skip
    small.set_status("M1", "own_unit")
    small.record_application("M1", unit=HUOQIU, clues=FakeClues("M1", ["K1", "K2"]),
                             date="2024-02-01", verified=1, cases_formed=1)  # fmt: skip
    small.record_case("C1", unit=HUOQIU, model_id="M1", clue_id="K1", received="2024-02-05",
                      filed="2024-02-20", closed="2024-03-01", loss_recovered="1.5", note="n")  # fmt: skip
    small.add_measure("C1", "recommendation", issued="2024-02-21", adopted="2024-02-25")
    base = small.export_xlsx(tmp_path / "a.xlsx", masked=False).read_bytes()
    empty = tmp_path / "empty.db"
    Ledger(empty).init().close()
    escaped, bad, db = [], tmp_path / "bad.xlsx", tmp_path / "target.db"
    shutil.copy(empty, db)
    target = Ledger(db, actor="tester")
    for sheet in excel.SHEETS:
        for col in sheet.cols:
            for value in NASTY:
                wb = openpyxl.load_workbook(io.BytesIO(base))
                ws = wb[sheet.zh]
                ws.cell(row=2, column=[c.value for c in ws[1]].index(col.zh) + 1, value=value)
                wb.save(bad)
                try:
                    target.import_xlsx(bad)
                except LedgerError:
                    continue  # refused with sheet, row, column and fix: as it should be
                except Exception as exc:  # the defect: a raw traceback
                    escaped.append((sheet.zh, col.zh, value, repr(exc)[:80]))
                target.close()  # imported (or crashed): start again from an empty ledger
                shutil.copy(empty, db)
                target = Ledger(db, actor="tester")
    assert escaped == []


def test_unknown_sheet_names_are_reported(full, tmp_path):
    """A misnamed sheet is not skipped silently: it is named, with the accepted names."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "案件台账"
    ws.append(["案件编号", "办案单位", "模型编号"])
    ws.append(["C9", HUOQIU, "SS01"])
    wb.save(tmp_path / "a.xlsx")
    before = full.counts()
    with pytest.raises(LedgerError) as info:
        full.import_xlsx(tmp_path / "a.xlsx")
    text = str(info.value)
    assert "nothing was imported" in text and "'案件台账'" in text
    assert "单位 (units)" in text and "监督措施 (measures)" in text
    assert full.counts() == before
    # next to good sheets, a sheet that looks like a ledger sheet but is misnamed is a problem too
    path = full.export_xlsx(tmp_path / "b.xlsx", masked=False)
    wb = openpyxl.load_workbook(path)
    wb["监督措施"].title = "监督措施表"
    wb.save(path)
    with pytest.raises(LedgerError, match=r"sheet '监督措施表' is not a ledger sheet"):
        Ledger(tmp_path / "c.db").init().import_xlsx(path)
    # an empty workbook (a blank template) has nothing to import
    with pytest.raises(LedgerError, match=r"no rows to import"):
        full.import_xlsx(excel.write_template(tmp_path / "t.xlsx"))


def test_template_rows_have_date_and_amount_formats(tmp_path):
    ws = openpyxl.load_workbook(excel.write_template(tmp_path / "t.xlsx"))["案件"]
    header = [c.value for c in ws[1]]
    for row in (2, 500):
        assert ws.cell(row=row, column=header.index("立案日期") + 1).number_format == "yyyy-mm-dd"
        amount = ws.cell(row=row, column=header.index("挽回国家损失（元）") + 1)
        assert amount.number_format == "#,##0.00"


def test_masked_export_scrubs_id_numbers_typed_into_notes(full, tmp_path):
    """A resident ID number in a note (and so in the audit trail) leaves masked, on every sheet."""
    raw_id = "340102195001011234"
    full.update_case("皖霍检民公〔2024〕2号", note=f"当事人身份证 {raw_id} 已核实")
    masked = cells(full.export_xlsx(tmp_path / "masked.xlsx"))
    found = [sheet for sheet, rows in masked.items() for row in rows for v in row
             if raw_id in str(v)]  # fmt: skip
    assert found == []
    assert any("340102********1234" in str(v) for row in masked["案件"] for v in row)
    assert any("340102********1234" in str(v) for row in masked["操作记录"] for v in row)
    plain = cells(full.export_xlsx(tmp_path / "plain.xlsx", masked=False))
    assert any(raw_id in str(v) for row in plain["案件"] for v in row)
