"""Model specs are validated when loaded; SS01 runs end to end and finds the planted cases."""

from __future__ import annotations

import copy

import pytest
import yaml

import kit
from kit.errors import ParamError, SpecError
from kit.models import CLUE_COLUMNS, ModelSpec

NAIVE_SQL = """
SELECT p.id_number AS subject_id, min(d.death_date) AS period_start,
       max(p.pay_date) AS period_end, sum(p.amount) AS amount_involved
FROM pension_payments AS p
JOIN deaths AS d ON d.id_number = p.id_number
WHERE p.pay_date > d.death_date
GROUP BY p.id_number
"""


@pytest.fixture
def ss01_dict() -> dict:
    spec = kit.models.get("SS01")
    return yaml.safe_load(spec.path.read_text(encoding="utf-8"))


def test_library_lists_ss01():
    spec = kit.models.get("ss01")
    assert spec.id == "SS01" and spec.name["zh"] == "死亡人员冒领养老金"
    assert spec.params["grace_days"].default == 60
    assert [s.id for s in kit.models.list_models()][0] == "SS01"


def test_unknown_model_lists_the_library():
    with pytest.raises(SpecError, match="No model 'SS99' in the library. Models: SS01"):
        kit.models.get("SS99")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("sql"), "spec: missing section(s) sql"),
        (lambda d: d.update(field="weather"), "section field: 'weather' is not one of"),
        (lambda d: d["params"]["grace_days"].update(default="sixty"), "params.grace_days"),
        (lambda d: d.update(sql=d["sql"] + " AND $nope > 1"), "undeclared parameter(s) $nope"),
        (lambda d: d["clue"].pop("pattern"), "section clue: needs subject_type"),
        (lambda d: d.update(name=["x"]), "section name: give an 'en' text"),
    ],
)
def test_invalid_specs_name_the_section(ss01_dict, change, message):
    data = copy.deepcopy(ss01_dict)
    change(data)
    with pytest.raises(SpecError) as err:
        ModelSpec.from_dict(data)
    assert message in str(err.value)


def test_params_are_checked_and_converted():
    spec = kit.models.get("SS01")
    assert spec.resolve_params({"grace_days": "30"})["grace_days"] == 30
    with pytest.raises(ParamError, match="unknown parameter 'grace'"):
        spec.resolve_params({"grace": 3})
    with pytest.raises(ParamError, match="grace_days = 'soon' is not a valid integer"):
        spec.resolve_params({"grace_days": "soon"})
    with pytest.raises(ParamError, match="below the minimum"):
        spec.resolve_params({"grace_days": -1})
    assert "> 45" in spec.render_sql(spec.resolve_params({"grace_days": 45}))


def test_clues_have_standard_columns_and_order(ss01):
    frame = ss01.frame
    assert tuple(frame.columns[: len(CLUE_COLUMNS)]) == CLUE_COLUMNS
    assert frame["clue_id"].is_unique and frame["clue_id"].str.match(r"^SS01-[0-9a-f]{12}$").all()
    assert (frame["model_id"] == "SS01").all() and (frame["subject_type"] == "person").all()
    amounts = frame["amount_involved"].tolist()
    assert amounts == sorted(amounts, reverse=True) and min(amounts) > 0
    assert frame["period_start"].dtype == "datetime64[s]"


def test_same_input_same_clues(ss, ss01):
    again = kit.run("SS01", ss)
    assert again.frame.equals(ss01.frame)
    assert again.run_id == ss01.run_id
    other = kit.run("SS01", ss, params={"grace_days": 30})
    assert other.run_id != ss01.run_id


def test_evidence_is_one_readable_sentence(ss01):
    row = ss01.frame.iloc[0]
    text = row["evidence"]
    assert text.startswith(f"Pension of {row['paid_after_death']:,.2f} yuan for ")
    assert f"paid after the death recorded on {row['death_date']:%Y-%m-%d}" in text
    assert row["subject_id"] not in text  # no raw identifier in evidence
    assert "死亡" in row["evidence_zh"]


def test_ss01_finds_the_planted_cases(ss, ss01):
    ev = kit.evaluate(ss01, ss.truth, capacity=50)
    assert ev.n_cases >= 20
    assert ev.recall >= 0.95
    assert ev.amount_recall >= 0.95
    # the traps SS01 is built to avoid never reach reviewers
    avoided = {
        "paid_in_month_of_death",
        "overpayment_recovered",
        "wrong_death_date_in_one_source",
        "death_benefit_to_family",
        "arrears_for_months_before_death",
        "stopped_on_time",
    }
    assert avoided.isdisjoint(set(ev.false_positives["reason"]))


def test_naive_rule_converts_far_worse(ss, ss01):
    spec = kit.models.get("SS01").derive(id="NAIVE", sql=NAIVE_SQL, params={}, evidence={})
    assert spec.hash != kit.models.get("SS01").hash and spec.path is None
    naive = kit.run(spec, ss)
    ev_naive = kit.evaluate(naive, ss.truth)
    ev = kit.evaluate(ss01, ss.truth)
    assert ev_naive.recall >= ev.recall - 0.05  # it finds the cases too ...
    assert ev_naive.conversion_rate * 2 < ev.conversion_rate  # ... buried in false positives
    assert "paid_in_month_of_death" in set(ev_naive.false_positives["reason"])


def test_grace_period_trades_recall_for_workload(ss):
    short = kit.run("SS01", ss, params={"grace_days": 0})
    long = kit.run("SS01", ss, params={"grace_days": 200})
    default = kit.run("SS01", ss)
    assert len(short) >= len(default) >= len(long)
    assert kit.evaluate(long, ss.truth).recall < kit.evaluate(default, ss.truth).recall


def test_missing_source_table_is_explained(ss):
    import dataclasses

    spec = dataclasses.replace(kit.models.get("SS01"), sources=("deaths", "prison_roster"))
    with pytest.raises(SpecError, match="reads table\\(s\\) prison_roster, which dataset"):
        kit.run(spec, ss)


def test_evidence_fills_only_named_columns_and_names_a_bad_template():
    """Evidence is filled column by column; a template naming a missing column says so."""
    import kit
    from kit.errors import SpecError
    from kit.models import get

    ds = kit.datasets.load("social_security")
    spec = get("SS01")
    clues = kit.run(spec, ds).frame
    first = clues.iloc[0]
    assert str(first["period_start"].date()) in first["evidence"]
    bad = spec.derive(id="SS01-bad", evidence={"en": "paid until {no_such_column}"})
    with pytest.raises(SpecError, match=r"SS01-bad, section evidence: cannot fill the template"):
        kit.run(bad, ds)


def test_evidence_formatted_once_per_value_equals_row_by_row():
    """Evidence is formatted once per distinct value of a column; every sentence must equal the
    one ``str.format`` gives row by row, whatever the column holds: -0.0 beside 0.0, NaN,
    missing dates and strings, 1 beside True in an object column, literal braces, conversions."""

    import numpy as np
    import pandas as pd

    from kit.models import get
    from kit.models.run import _fill_all, _fill_rows

    df = pd.DataFrame(
        {
            "amount": [0.0, -0.0, 1234.5, np.nan, 1234.5, 1e-9],
            "day": pd.to_datetime(
                ["2023-05-01", None, "2023-05-01", "2024-02-29", None, "2023-05-01"]
            ),
            "name": pd.array(["张三", None, "张三", "O'Brien", "x", "x"], dtype="str"),
            "count": pd.array([1, 2, None, 2, 1, 0], dtype="Int64"),
            "mixed": pd.Series([1, True, 1.0, "1", None, False], dtype=object),
            # a time of day before 1970 (the day is not rounded up) and a time zone (local day)
            "when": pd.to_datetime(
                [
                    "1969-12-31 12:00",
                    "2024-02-29 23:59",
                    "2000-01-01 05:00",
                    "1969-12-31 12:00",
                    "1900-01-01 00:00",
                    "2024-02-29 00:00",
                ]
            ),
            "zoned": pd.to_datetime(["2023-05-01 23:30"] * 3 + ["2023-05-02 00:30"] * 3)
            .tz_localize("UTC")
            .tz_convert("Asia/Shanghai"),
        }
    )
    spec = get("SS01")
    templates = [
        "{amount:,.2f} yuan on {day} by {name!r} {count} {{literal}} {mixed}",
        "{name}：{amount:.1f}元，{count:>3}次，{mixed!s}/{mixed!a}",
        "no fields at all",
        "{when} / {when:%Y-%m-%d %H:%M} / {when!r} / {zoned} / {zoned:%d}",
    ]
    for template in templates:
        filled = _fill_all(template, df, spec)
        assert filled.tolist() == _fill_rows(template, df)
        assert filled.dtype == "str" and filled.index.equals(df.index)
    # the sentences themselves, for the values that print differently although equal
    first = _fill_all(templates[0], df, spec).tolist()
    assert first[0] == "0.00 yuan on 2023-05-01 by '张三' 1 {literal} 1"
    assert first[1].startswith("-0.00 yuan on NaT")
    assert first[1].endswith(" True")
    assert _fill_all(templates[3], df, spec).iloc[0] == (
        "1969-12-31 / 1969-12-31 00:00 / datetime.date(1969, 12, 31) / 2023-05-02 / 02"
    )
    dated = df.dropna(subset=["day"])
    assert _fill_all("{day:%d/%m/%Y}", dated, spec).tolist() == [
        "01/05/2023",
        "01/05/2023",
        "29/02/2024",
        "01/05/2023",
    ]
    # an attribute or a nested field falls back to row by row, with the same result
    assert _fill_all("{day.year}", dated, spec).tolist() == ["2023", "2023", "2024", "2023"]
    df["width"] = 6
    assert _fill_all("[{count:>{width}}]", df, spec).iloc[0] == "[     1]"
    # a value the format cannot take is named as a template error, not a crash
    with pytest.raises(SpecError, match=r"SS01, section evidence: cannot fill the template"):
        _fill_all("{day:%Y}", df, spec)  # NaT
