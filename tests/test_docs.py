"""Model cards: complete, bilingual, masked, written atomically."""

from __future__ import annotations

import re

import kit


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
