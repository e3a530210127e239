"""Model cards, specification documents and datasheets: complete, bilingual, masked, atomic."""

from __future__ import annotations

import argparse
import base64
import re
import warnings

import pytest

import kit
from kit.docs import fonts
from kit.docs.labels import NO_ZH, t
from kit.docs.report import overview_png
from kit.docs.scan import raw_identifiers
from kit.docs.specification import SECTIONS, ledger_summary


def test_model_card_has_every_section(ss, ss01):
    spec = kit.models.get("SS01")
    ev = kit.evaluate(ss01, ss.truth, capacity=50)
    card = kit.docs.model_card(spec, ev, clues=ss01, dataset=ss)
    md = card.markdown
    for heading in (
        "## Purpose",
        "## Legal basis",
        "## Data sources",
        "## Parameters",
        "## The rule",
        "## Evaluation against ground truth",
        "## Limitations",
    ):
        assert heading in md
    assert "Social Insurance Law of the PRC (社会保险法), Article 88" in md
    assert "| `grace_days` | integer | 60 |" in md
    assert f"| recall | 召回率 | {ev.recall:.1%} |" in md
    assert "WHERE pp.days_after_death > $grace_days" in md
    assert "data:image/png;base64," in card.html and "<h2>Limitations" in card.html


def test_model_card_masks_identifiers(ss, ss01):
    card = kit.docs.model_card(kit.models.get("SS01"), clues=ss01, dataset=ss)
    raw = set(ss01.frame["subject_id"]) | set(ss01.frame["subject_name"].dropna())
    for text in (card.markdown, card.html):
        assert not any(value in text for value in raw)
        assert re.search(r"\d{6}\*{8}[\dX]{4}", text)


def test_card_save_by_suffix(tmp_path, ss01):
    card = kit.docs.model_card(kit.models.get("SS01"), clues=ss01)
    assert card.save(tmp_path / "c.md").read_text(encoding="utf-8") == card.markdown
    assert card.save(tmp_path / "c.html").read_text(encoding="utf-8") == card.html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.html", "c.md"]


# -- specification documents (模型说明书), datasheets, charts, CLI ---------------------------

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="session")
def env():
    return kit.datasets.load("environment")


@pytest.fixture(scope="session")
def ss01_ev(ss, ss01):
    return kit.evaluate(ss01, ss.truth, capacity=50)


def _self_contained(html: str) -> None:
    assert not EXTERNAL.search(html), "an external src/href"
    assert "<script" not in html and "<link" not in html
    for data in re.findall(r'src="data:image/png;base64,([^"]+)"', html):
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_library_model_has_a_document_with_every_section(lang):
    for spec in kit.models.list_models():
        doc = kit.docs.specification(spec, lang=lang)
        assert [s.key for s in doc.sections] == list(SECTIONS)
        for key in SECTIONS:
            heading = t(key, lang)
            assert f"\n## {heading}\n" in doc.markdown, (spec.id, heading)
            assert f"<h2>{heading}</h2>" in doc.html
        # no evaluation and no ledger were given: those sections say so, visibly
        empty = t("empty", lang, why="")
        for key in ("evaluation", "applications"):
            assert not doc.section(key).blocks
        assert doc.markdown.count(f"*{empty}") == 2 and doc.html.count('class="note empty"') == 2
        assert spec.name.get(lang, spec.name["en"]) in doc.title
        _self_contained(doc.html)


def test_chinese_document_is_chinese_and_marks_english_originals():
    spec = kit.models.get("SS01")
    zh, en = (kit.docs.specification(spec, lang=lang) for lang in ("zh", "en"))
    for heading in ("背景与需求", "法律依据", "数据来源与数据要素", "监督规则", "参数", "效果评估",
                    "已知陷阱与局限", "应用与办案情况", "数据安全说明"):  # fmt: skip
        assert f"## {heading}" in zh.markdown and heading not in en.markdown
    assert spec.supervision_point["zh"] in zh.markdown
    assert NO_ZH in zh.markdown and NO_ZH not in en.markdown  # description, legal basis ...
    assert "Background and need" not in zh.markdown
    assert '<html lang="zh-CN">' in zh.html


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rules_section_has_a_plain_sentence_and_the_sql_of_every_step(lang):
    for spec in kit.models.list_models():
        doc = kit.docs.specification(spec, lang=lang)
        blocks = doc.section("rules").blocks
        steps = spec.steps()
        for n, step in enumerate(steps, 1):
            heading = f"步骤 {n}：{step.name}" if lang == "zh" else f"Step {n}: {step.name}"
            at = next(
                i for i, b in enumerate(blocks) if b.kind == "h3" and b.text.startswith(heading)
            )
            sentence, code = blocks[at + 1], blocks[at + 2]
            assert sentence.kind == "p" and sentence.text == spec.rule(step.name).text(lang)
            assert code.kind == "code" and code.text == step.sql
            assert sentence.text in doc.markdown and step.sql in doc.markdown
        for placeholder in ("(no comment in the SQL)", "（SQL 中无说明）", "rules section",
                            "rules 部分"):  # fmt: skip
            assert placeholder not in doc.markdown, (spec.id, placeholder)
        assert not any(b.kind == "note" for b in blocks if b.text.startswith("No sentence"))
    assert (
        "Step 7: SELECT (the clue list)" in kit.docs.specification(kit.models.get("EN06")).markdown
    )


def test_rules_section_falls_back_to_the_sql_comment_visibly():
    ss01 = kit.models.get("SS01")
    spec = ss01.derive(id="SS01-x", sql=ss01.sql.replace("> $grace_days", ">= $grace_days"))
    assert spec.rule("final") is None and spec.rule("support") is not None
    en, zh = (kit.docs.specification(spec, lang=lang).markdown for lang in ("en", "zh"))
    assert "No sentence for this step in the spec's rules section, and no comment in the SQL." in en
    assert "规格的 rules 部分未说明本步骤，SQL 中也无注释。" in zh
    bare = ss01.derive(rules=None)  # the same model without its sentences
    en = kit.docs.specification(bare, lang="en").markdown
    assert "rules section; the SQL comment says:*\n\nfor each recorded date, how many" in en
    assert bare.hash == ss01.hash and bare.rules == ()


def test_document_numbers_equal_the_evaluation(ss, ss01, ss01_ev):
    ev = ss01_ev
    spec = kit.models.get("SS01")
    for lang in ("en", "zh"):
        doc = kit.docs.specification(spec, ev, clues=ss01, dataset=ss, lang=lang)
        section = doc.section("evaluation")
        text = doc.markdown
        for figure in (f"{ev.recall:.1%}", f"{ev.conversion_rate:.1%}", f"{ev.amount_recall:.1%}",
                       f"{ev.precision_at_k:.1%}", f"{ev.amount_found:,.2f}"):  # fmt: skip
            assert f"| {figure} |" in text, figure
        assert f"| {ev.n_clues:,} |" in text and f"| {ev.cases_found:,} |" in text
        assert any(b.kind == "image" for b in section.blocks)
        assert "data:image/png;base64," in doc.html and "data:image/png;base64," in doc.markdown
        assert f"{ev.n_clues:,}" in doc.section("evaluation").blocks[0].text
        traps = dict(ev.to_dict()["false_positives"])
        for reason, n in traps.items():
            assert f"| {reason.replace('_', ' ')} |" in text and f"| {n:,} |" in text
        assert ss01.info["run_id"] in text
        _self_contained(doc.html)
    assert f"{ev.recall:.1%}" in ev.summary()


def test_document_masks_example_clues(ss, ss01, ss01_ev):
    doc = kit.docs.specification(kit.models.get("SS01"), ss01_ev, clues=ss01, dataset=ss)
    raw = set(ss01.frame["subject_id"]) | set(ss01.frame["subject_name"].dropna())
    for text in (doc.markdown, doc.html):
        assert not any(value in text for value in raw)
        assert re.search(r"\d{6}\*{8}[\dX]{4}", text)


def test_applications_section_from_a_ledger(tmp_path, ss, ss01, ss01_ev):
    from kit.docs.report import DemoResult
    from kit.ledger import Ledger, demo

    spec = kit.models.get("SS01")
    ledger = Ledger(tmp_path / "l.db", actor="test", clock=lambda: demo.DEMO_CLOCK).init()
    try:
        demo.fill(ledger, [DemoResult(spec, ss01, ss01_ev)])
        summary = ledger_summary(ledger, "SS01")
        apps = ledger.table("model_applications")
        assert summary["applications"] == len(apps)
        assert summary["clues_screened"] == int(apps["clues_screened"].sum())
        assert ledger_summary(ledger, "SS02") is None
        for lang in ("en", "zh"):
            doc = kit.docs.specification(spec, ledger=ledger, lang=lang)
            section = doc.section("applications")
            assert section.blocks, "a ledger was given"
            text = section.blocks[0].text
            assert f"{summary['clues_screened']:,}" in text
            assert f"{summary['loss_recovered_fen'] / 100:,.2f}" in text
            assert f"{summary['units']}" in text
        doc = kit.docs.specification(kit.models.get("SS02"), ledger=ledger)
        assert "SS02 is not registered in the model ledger" in doc.markdown
    finally:
        ledger.close()


def test_datasheet_lists_every_resource_and_field(ss, mi, env):
    for ds in (ss, mi, env):
        for lang in ("en", "zh"):
            sheet = kit.docs.datasheet(ds, lang=lang)
            keys = [s.key for s in sheet.sections]
            assert keys[:2] == ["about", "resources"] and keys[-2:] == ["truth", "security"]
            for res in ds.meta["resources"]:
                assert f"| {res['name']} |" in sheet.markdown
                assert f"| {len(ds.tables[res['name']]):,} |" in sheet.markdown
                fields = sheet.section(f"fields-{res['name']}")
                table = next(b for b in fields.blocks if b.kind == "table")
                assert [row[0] for row in table.rows] == [
                    f["name"] for f in res["schema"]["fields"]
                ]
                for f, row in zip(res["schema"]["fields"], table.rows, strict=True):
                    want = f.get("description_zh") if lang == "zh" else f.get("description")
                    assert want in row[3]
                    assert row[4] == t("yes" if f.get("personal") else "no", lang)
            summary = kit.datasets.truth_summary(ds.truth)
            for row in summary.itertuples(index=False):
                assert f"| {row.pattern} | {row.cases:,} | {row.traps:,} |" in sheet.markdown
            _self_contained(sheet.html)


def test_no_raw_identifier_in_any_generated_document(ss, mi, env):
    datasets = {d.name: d for d in (ss, mi, env)}
    names = set()
    for ds in datasets.values():
        for res in ds.meta["resources"]:
            for f in res["schema"]["fields"]:
                if f.get("kit:mask") == "name":
                    names |= set(ds.tables[res["name"]][f["name"]].dropna().astype(str))
    texts = {}
    for spec in kit.models.list_models():
        for lang in ("en", "zh"):
            doc = kit.docs.specification(spec, dataset=datasets[spec.dataset], lang=lang)
            texts[f"{spec.id}.{lang}"] = doc.markdown + doc.html
    for model_id in ("EN07", "SS04"):  # clues whose evidence and own columns hold identifiers
        ds = datasets[kit.models.get(model_id).dataset]
        clues = kit.run(model_id, ds)
        doc = kit.docs.specification(kit.models.get(model_id), clues=clues, dataset=ds, examples=20)
        texts[f"{model_id}.examples"] = doc.markdown + doc.html
    for ds in datasets.values():
        for lang in ("en", "zh"):
            sheet = kit.docs.datasheet(ds, lang=lang)
            texts[f"{ds.name}.datasheet.{lang}"] = sheet.markdown + sheet.html
    problems = {key: raw_identifiers(text, names) for key, text in texts.items()}
    assert not {k: v[:3] for k, v in problems.items() if v}
    # the scan itself finds what it must: raw numbers and names from the data
    raw = ss.tables["persons"].iloc[0]
    hits = raw_identifiers(f"x {raw['id_number']} y {raw['name']}", names | {raw["name"]})
    assert [h.kind for h in hits][0] == "resident ID" and raw["id_number"] not in str(hits)


def test_documents_are_deterministic_and_saved_atomically(tmp_path, monkeypatch, ss01, ss, ss01_ev):
    spec = kit.models.get("SS01")
    a = kit.docs.specification(spec, ss01_ev, clues=ss01, dataset=ss, lang="zh")
    b = kit.docs.specification(spec, ss01_ev, clues=ss01, dataset=ss, lang="zh")
    assert a.markdown == b.markdown and a.html == b.html
    path = a.save(tmp_path / "SS01.zh.html")
    assert path.read_text(encoding="utf-8") == a.html
    assert a.save(tmp_path / "SS01.zh.md").read_text(encoding="utf-8") == a.markdown

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("kit._files.os.replace", fail)
    with pytest.raises(OSError):
        kit.docs.specification(spec, lang="en").save(path)
    assert path.read_text(encoding="utf-8") == a.html  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["SS01.zh.html", "SS01.zh.md"]


def _glyph_warnings(func):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func()
    return result, [w for w in caught if "Glyph" in str(w.message) or "missing" in str(w.message)]


def test_charts_fall_back_to_english_without_a_cjk_font(monkeypatch, ss01_ev):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    style = fonts.chart_style()
    assert not style.chinese and style.rc == {} and style.label("recall", "召回率") == "recall"
    spec = kit.models.get("SS01")
    doc, glyphs = _glyph_warnings(lambda: kit.docs.specification(spec, ss01_ev, lang="zh"))
    assert not glyphs and "图表标签为英文" in doc.markdown
    rows = [{"model_id": "SS01", "recall": ss01_ev.recall, "conversion_rate": 0.5}]
    png, glyphs = _glyph_warnings(lambda: overview_png(rows))
    assert not glyphs and base64.b64decode(png).startswith(b"\x89PNG")


def test_charts_use_the_cjk_font_when_there_is_one(ss01_ev):
    if fonts.cjk_font() is None:
        pytest.skip("no CJK font on this machine (bash tools/ensure_browser.sh installs one)")
    assert fonts.chart_style().chinese
    doc, glyphs = _glyph_warnings(
        lambda: kit.docs.specification(kit.models.get("SS01"), ss01_ev, lang="zh")
    )
    assert not glyphs and "图表标签为英文" not in doc.markdown
    rows = [{"model_id": "SS01", "recall": ss01_ev.recall, "conversion_rate": 0.5}]
    assert not _glyph_warnings(lambda: overview_png(rows))[1]


def test_docs_cli_writes_both_languages(tmp_path, capsys):
    from kit.docs.cli import register

    parser = argparse.ArgumentParser(prog="kit")
    register(parser.add_subparsers())
    args = parser.parse_args(["docs", "model", "SS05", "--out", str(tmp_path), "--no-run"])
    assert args.func(args) == 0
    args = parser.parse_args(["docs", "datasheet", "social_security", "--lang", "zh",
                              "--out", str(tmp_path), "--json"])  # fmt: skip
    assert args.func(args) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "SS05.spec.en.html", "SS05.spec.en.md", "SS05.spec.zh.html", "SS05.spec.zh.md",
        "social_security.datasheet.zh.html", "social_security.datasheet.zh.md",
    ]  # fmt: skip
    assert "social_security.datasheet.zh.md" in capsys.readouterr().out
