"""The period bulletin (期间通报) from ledger data: a table, a chart and a paragraph in two languages.

The paragraph follows the seed bulletin's sentence: models invested in case handling, clues
studied and judged, cases handled with models by category, procuratorial recommendations issued
and state losses recovered. Large figures are rounded down the way the bulletin does ("more than
17,000 clues", "17000余条"; "more than 18.3 million yuan", "1830余万元").

Examples
--------
>>> about(17236, 1000), about(17000, 1000)
('more than 17,000', '17,000')
>>> loss_zh(1834567890), loss_en(1834567890)
('1830余万元', 'more than 18.3 million yuan')
"""

from __future__ import annotations

import datetime as dt
import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kit._files import figure_png, write_text_atomic
from kit.ledger.promotion import Promotion
from kit.ledger.values import fen_to_yuan

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip
CATEGORY_CHART = {
    "judicial_litigation": "Judicial-\nlitigation\nsupervision",
    "social_security_medical": "Social security\nand medical\ninsurance",
    "environment_safety": "Ecological\nenvironment and\nsafe production",
    "other": "Other",
}


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def about(n: int, step: int) -> str:
    """``n`` rounded down to ``step`` with "more than" when something was cut off (English)."""
    floor = n // step * step
    return f"more than {floor:,}" if floor and floor != n else f"{n:,}"


def about_zh(n: int, step: int) -> str:
    """``n`` rounded down to ``step`` with 余 when something was cut off (Chinese)."""
    floor = n // step * step
    return f"{floor}余" if floor and floor != n else f"{n}"


def loss_zh(fen: int) -> str:
    """A recovered amount as the bulletin writes it: 1830余万元, 35余万元 or 8520.30元."""
    yuan = fen_to_yuan(fen)
    wan = int(yuan // 10000)
    if wan >= 1:
        kept = wan // 10 * 10 if wan >= 1000 else wan
        return f"{kept}{'余' if kept * 10000 != yuan else ''}万元"
    return f"{yuan}元"


def loss_en(fen: int) -> str:
    """A recovered amount as the bulletin writes it, rounded down: more than 18.3 million yuan.

    Examples
    --------
    >>> loss_en(1199950), loss_en(1200000), loss_en(99999999), loss_en(852030)
    ('more than 11,000 yuan', '12,000 yuan', 'more than 999,000 yuan', '8,520.30 yuan')
    """
    yuan = fen_to_yuan(fen)
    if yuan >= 1_000_000:
        tenths = int(yuan // 100_000)
        more = "more than " if tenths * 100_000 != yuan else ""
        return f"{more}{tenths / 10:.1f} million yuan"
    if yuan >= 10_000:  # rounded down to thousands, "more than" only when something was cut
        thousands = int(yuan // 1000) * 1000
        return f"{'more than ' if thousands != yuan else ''}{thousands:,} yuan"
    return f"{yuan:,.2f} yuan"


def period_words(start: dt.date, end: dt.date) -> tuple[str, str]:
    """The period in Chinese and English: 2024年1-4月 / From January to April 2024."""
    whole = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    if whole and start.year == end.year:
        if start.month == end.month:
            return f"{start.year}年{start.month}月", f"In {MONTHS[start.month - 1]} {start.year}"
        return (
            f"{start.year}年{start.month}-{end.month}月",
            f"From {MONTHS[start.month - 1]} to {MONTHS[end.month - 1]} {start.year}",
        )
    return (
        f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日",
        f"From {start.isoformat()} to {end.isoformat()}",
    )


@dataclass
class PeriodReport:
    """The bulletin for one period, from :meth:`kit.ledger.Ledger.report`.

    Attributes
    ----------
    start, end : date
        First and last day of the period (both included).
    figures : dict
        What :func:`kit.ledger.queries.period_figures` counted.
    promotion : Promotion, optional
        Promotion candidates over the same period, shown under the figures.
    """

    start: dt.date
    end: dt.date
    figures: dict[str, Any]
    promotion: Promotion | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Figures and both paragraphs as plain values (what ``kit ledger report --json`` prints)."""
        return {
            **self.figures,
            "loss_recovered_yuan": str(fen_to_yuan(self.figures["loss_recovered_fen"])),
            "paragraph_zh": self.paragraph("zh"),
            "paragraph_en": self.paragraph("en"),
        }

    def paragraph(self, lang: str = "zh") -> str:
        """The bulletin's sentence, in Chinese (``zh``) or English (``en``)."""
        f = self.figures
        cat = f["cases_by_category"]
        zh_period, en_period = period_words(self.start, self.end)
        if lang == "zh":
            other = f"，其他{cat['other']}件" if cat["other"] else ""
            return (
                f"{zh_period}，全省检察机关投入办案的监督模型{f['models_invested']}个，"
                f"研判线索{about_zh(f['clues_judged'], 1000)}条，运用模型办理案件{f['cases']}件，"
                f"其中司法诉讼监督类{cat['judicial_litigation']}件，"
                f"社保医保领域民生热点类{cat['social_security_medical']}件，"
                f"生态环境和安全生产领域{cat['environment_safety']}件{other}，"
                f"制发检察建议{f['recommendations']}份，追回国家损失{loss_zh(f['loss_recovered_fen'])}。"
            )
        other = f" and {cat['other']:,} other" if cat["other"] else ""
        return (
            f"{en_period}, the procuratorates invested {_n(f['models_invested'], 'supervision model')} "
            f"in case handling and studied and judged {about(f['clues_judged'], 1000)} clues. "
            f"{_n(f['cases'], 'case')} {'was' if f['cases'] == 1 else 'were'} handled using the "
            "models, including "
            f"{cat['judicial_litigation']:,} of judicial-litigation supervision, "
            f"{cat['social_security_medical']:,} in the field of social security and medical "
            f"insurance, {cat['environment_safety']:,} in the field of ecological environment and "
            f"safe production{other}; {_n(f['recommendations'], 'procuratorial recommendation')} "
            f"{'was' if f['recommendations'] == 1 else 'were'} issued, and {loss_en(f['loss_recovered_fen'])} of state losses were recovered."
        )

    def table(self) -> pd.DataFrame:
        """The figures as a table: ``item``, ``项目``, ``value`` (amounts in yuan with fen)."""
        f, cat, m = self.figures, self.figures["cases_by_category"], self.figures["measures"]
        rows = [
            ("models invested in case handling", "投入办案模型", f["models_invested"]),
            ("model applications", "模型应用次数", f["applications"]),
            ("units applying models", "应用单位", f["units_applying"]),
            ("clues studied and judged", "研判线索", f["clues_judged"]),
            ("clues verified", "核实线索", f["clues_verified"]),
            ("cases handled with models", "运用模型办理案件", f["cases"]),
            ("  judicial-litigation supervision", "  司法诉讼监督类", cat["judicial_litigation"]),
            ("  social security and medical insurance", "  社保医保领域", cat["social_security_medical"]),
            ("  ecological environment and safe production", "  生态环境和安全生产领域", cat["environment_safety"]),
            ("  other", "  其他", cat["other"]),
            ("cases closed", "结案", f["cases_closed"]),
            ("procuratorial recommendations issued", "制发检察建议", f["recommendations"]),
            ("  of which adopted", "  其中被采纳", f["recommendations_adopted"]),
            ("protests", "抗诉", m["protest"]),
            ("retrial recommendations", "再审检察建议", m["retrial_recommendation"]),
            ("referrals to police", "移送公安机关", m["police_referral"]),
            ("state losses recovered (yuan)", "追回国家损失（元）", f"{fen_to_yuan(f['loss_recovered_fen']):,.2f}"),
        ]  # fmt: skip
        frame = pd.DataFrame(rows, columns=["item", "项目", "value"])
        frame["value"] = [v if isinstance(v, str) else f"{v:,}" for v in frame["value"]]
        return frame

    def plot(self, ax: Any = None) -> Any:
        """Bar chart of cases handled by category (English labels); returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7.5, 3.8))
        cat = self.figures["cases_by_category"]
        labels = [CATEGORY_CHART[k] for k in cat]
        bars = ax.bar(
            labels, list(cat.values()), color=["#4c72b0", "#55a868", "#c44e52", "#8c8c8c"]
        )
        ax.bar_label(bars, labels=[f"{v:,}" for v in cat.values()], padding=2)
        _, en_period = period_words(self.start, self.end)
        ax.set_title(f"Cases handled with models by category\n{en_period}", fontsize=10)
        ax.set_ylabel("cases")
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(y=0.15)
        return ax

    def chart_png(self) -> str:
        """The chart as a base64 PNG (for HTML pages)."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7.5, 3.8))
        self.plot(ax=ax)
        return figure_png(fig)

    def to_html(self, title: str = "") -> str:
        """A standalone HTML page: paragraphs, table, chart and (when present) promotion list."""
        zh_period, en_period = period_words(self.start, self.end)
        title = title or f"Period report {en_period} (期间通报 {zh_period})"
        parts = [
            f"<h1>{html.escape(title)}</h1>",
            f"<p lang='zh'>{html.escape(self.paragraph('zh'))}</p>",
            f"<p>{html.escape(self.paragraph('en'))}</p>",
            self.table().to_html(index=False),
            f"<p><img alt='Cases handled with models by category' "
            f"src='data:image/png;base64,{self.chart_png()}'></p>",
        ]
        if self.promotion is not None:
            n = self.promotion.min_units
            parts.append(
                f"<h2>Promotion candidates (推广候选): applied by {n} or more units (5家以上) that "
                "screened clues and formed cases</h2>"
            )
            shown = self.promotion.candidates
            parts.append(
                shown.to_html(index=False) if len(shown) else "<p>None in this period.</p>"
            )
        style = ("body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
                 "max-width:64rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
                 "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem}")  # fmt: skip
        return (
            f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>"
            f"{html.escape(title)}</title><style>{style}</style></head><body>\n"
            + "\n".join(parts)
            + "\n</body></html>\n"
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the HTML page through a temporary file renamed into place."""
        return write_text_atomic(Path(path), self.to_html())

    def _repr_html_(self) -> str:
        return (
            f"<p>{html.escape(self.paragraph('zh'))}</p><p>{html.escape(self.paragraph('en'))}</p>"
            + self.table().to_html(index=False)
        )
