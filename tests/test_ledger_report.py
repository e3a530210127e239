"""Period report and promotion: the seed's figures come back, figures equal direct counts,
and the 5家以上 criterion counts distinct units inclusively."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import kit
from kit.errors import LedgerError
from kit.ledger import Ledger, seed_example

pytest_plugins = ["tests.ledger_conftest"]


def test_seed_ledger_reproduces_the_bulletin(seeded):
    report = seeded.report("2024-01", "2024-04")
    zh, en = report.paragraph("zh"), report.paragraph("en")
    assert zh.startswith("2024年1-4月，")
    for part in ["投入办案的监督模型303个", "研判线索17000余条", "运用模型办理案件1642件",
                 "司法诉讼监督类523件", "社保医保领域民生热点类351件",
                 "生态环境和安全生产领域225件", "制发检察建议76份", "追回国家损失1830余万元"]:  # fmt: skip
        assert part in zh, part
    for part in ["From January to April 2024", "invested 303 supervision models",
                 "studied and judged more than 17,000 clues", "1,642 cases were handled",
                 "523 of judicial-litigation supervision", "351 in the field of social security",
                 "225 in the field of ecological environment", "76 procuratorial recommendations",
                 "more than 18.3 million yuan of state losses"]:  # fmt: skip
        assert part in en, part
    f = report.figures
    assert f["cases_by_category"]["other"] == 1642 - 523 - 351 - 225
    assert f["loss_recovered_fen"] == seed_example.SEED_FIGURES["loss_recovered_fen"]
    table = report.table().set_index("item")["value"]
    assert table["cases handled with models"] == "1,642"
    assert table["state losses recovered (yuan)"] == "18,342,173.56"


def direct_figures(ledger: Ledger, start: dt.date, end: dt.date) -> dict:
    """The bulletin's figures counted straight from the tables with pandas."""
    apps = ledger.table("model_applications").merge(
        ledger.table("model_versions"), left_on="model_version_id", right_on="id"
    )
    apps = apps[(apps["applied_on"] >= start) & (apps["applied_on"] <= end)]
    cases = ledger.table("cases")
    filed = cases[cases["filed_on"].notna()]
    filed = filed[(filed["filed_on"] >= start) & (filed["filed_on"] <= end)]
    m = ledger.table("case_measures")
    recs = m[(m["kind"] == "recommendation") & (m["issued_on"] >= start) & (m["issued_on"] <= end)]
    adopted = recs[recs["adopted_on"].notna()]
    return {
        "models_invested": apps["model_id"].nunique(),
        "clues_judged": int(apps["clues_screened"].sum()),
        "cases": len(filed),
        "cases_by_category": {
            k: int((filed["category"] == k).sum())
            for k in [
                "judicial_litigation",
                "social_security_medical",
                "environment_safety",
                "other",
            ]
        },  # fmt: skip
        "recommendations": len(recs),
        "recommendations_adopted": int((adopted["adopted_on"] <= end).sum()),
        "loss_recovered_fen": int(filed["loss_recovered_fen"].sum()),
    }


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-01", "2024-04"),
        ("2024-02-15", "2024-05-31"),
        ("2023-12", "2023-12"),
        ("2025-01", "2025-02"),
    ],
)
def test_report_figures_equal_direct_counts(seeded, start, end):
    report = seeded.report(start, end)
    expected = direct_figures(seeded, report.start, report.end)
    assert {k: report.figures[k] for k in expected} == expected


def test_report_period_checks_and_words(seeded):
    with pytest.raises(LedgerError, match="is before the start"):
        seeded.report("2024-04", "2024-01")
    assert seeded.report("2024-03", "2024-03").paragraph("en").startswith("In March 2024, ")
    assert (
        seeded.report("2024-01-05", "2024-03-31")
        .paragraph("zh")
        .startswith("2024年1月5日至2024年3月31日，")
    )


def _apply(ledger: Ledger, model_id: str, unit: str, screened: int, formed: int, day: int) -> None:
    ledger.record_application(model_id, unit=unit, screened=screened, verified=min(formed, screened),
                              cases_formed=formed, date=dt.date(2024, 2, day))  # fmt: skip


def test_promotion_counts_distinct_units_inclusively(ledger):
    spec = kit.models.get("SS01")
    counties = [f"示例{i}县人民检察院" for i in range(8)]
    for model_id, n_units in [("M4", 4), ("M5", 5), ("M6", 6)]:
        ledger.register_model(spec.derive(id=model_id), unit="六安市人民检察院")
        for i in range(n_units):
            _apply(ledger, model_id, counties[i], screened=20, formed=1 + i % 2, day=1 + i)
    _apply(ledger, "M4", counties[0], screened=10, formed=1, day=20)  # same unit again: still 4
    _apply(ledger, "M5", counties[6], screened=30, formed=0, day=21)  # no case: does not count
    _apply(ledger, "M4", counties[7], screened=0, formed=0, day=22)  # nothing screened
    # a fifth unit for M4 whose case is in the case ledger, not in the application's count
    _apply(ledger, "M4", counties[5], screened=12, formed=0, day=23)
    assert ledger.promotion_candidates(5).model_ids == ["M6", "M5"]
    ledger.record_case("M4-case", unit=counties[5], model_id="M4", received="2024-02-24",
                       filed="2024-02-26")  # fmt: skip
    assert ledger.promotion_candidates(5).model_ids == ["M6", "M4", "M5"]
    assert ledger.promotion_candidates(6).model_ids == ["M6"]
    assert ledger.promotion_candidates(7).model_ids == []
    promo = ledger.promotion_candidates(5)
    m5 = promo.evidence[promo.evidence["model_id"] == "M5"].set_index("unit")
    assert not m5.loc[counties[6], "qualifies"] and m5["qualifies"].sum() == 5
    row = promo.candidates.set_index("model_id").loc["M5"]
    assert (row["units"], row["clues_screened"], row["cases_formed"]) == (5, 100, 7)
    assert promo.to_dict()["candidates"][0]["model_id"] == "M6"
    # a period before the applications: nobody qualifies
    assert ledger.promotion_candidates(5, "2024-01", "2024-01").model_ids == []
    with pytest.raises(LedgerError, match="min_units=0"):
        ledger.promotion_candidates(0)


def test_promotion_frame_is_a_dataframe(ledger):
    promo = ledger.promotion_candidates()
    assert isinstance(promo.candidates, pd.DataFrame) and len(promo) == 0


def test_english_loss_is_rounded_down(seeded):
    """11,999.50 yuan is "more than 11,000 yuan", never "12,000 yuan"; the seed is unchanged."""
    from kit.ledger.report import loss_en, loss_zh

    assert loss_en(1199950) == "more than 11,000 yuan"
    assert loss_en(1200000) == "12,000 yuan"
    assert loss_en(99999999) == "more than 999,000 yuan"
    assert loss_en(100000000) == "1.0 million yuan"
    assert loss_en(852030) == "8,520.30 yuan"
    fen = seed_example.SEED_FIGURES["loss_recovered_fen"]
    assert (loss_en(fen), loss_zh(fen)) == ("more than 18.3 million yuan", "1830余万元")


def test_adoptions_after_the_period_are_not_counted(ledger):
    ledger.register_model({"model_id": "M1", "field": "social_security"}, unit="六安市人民检察院")
    for n, adopted in enumerate(["2024-03-01", "2024-04-30", "2024-06-01", None]):
        number = f"C{n}"
        ledger.record_case(number, unit="霍邱县人民检察院", model_id="M1", received="2024-02-05",
                           filed="2024-02-20")  # fmt: skip
        ledger.add_measure(number, "recommendation", issued="2024-02-21", adopted=adopted)
    jan_apr = ledger.report("2024-01", "2024-04").figures
    assert (jan_apr["recommendations"], jan_apr["recommendations_adopted"]) == (4, 2)
    assert ledger.report("2024-01", "2024-06").figures["recommendations_adopted"] == 3
