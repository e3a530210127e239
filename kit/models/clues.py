"""Clues (线索): the rows a model flags for human review, in a fixed order, with run information."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kit._files import replacing
from kit.mask import mask_frame

#: Leading columns of every clue table, in this order.
CLUE_COLUMNS = (
    "model_id",
    "clue_id",
    "subject_type",
    "subject_id",
    "subject_name",
    "region_code",
    "period_start",
    "period_end",
    "amount_involved",
    "evidence",
)
#: Chinese labels of the leading columns, for reports and exports.
CLUE_LABELS_ZH = {
    "model_id": "模型编号",
    "clue_id": "线索编号",
    "subject_type": "对象类型",
    "subject_id": "对象标识",
    "subject_name": "对象名称",
    "region_code": "行政区划代码",
    "period_start": "起始日期",
    "period_end": "截止日期",
    "amount_involved": "涉及金额（元）",
    "evidence": "线索依据",
    "evidence_zh": "线索依据（中文）",
}
#: How the subject columns are masked, by subject type; any other subject id is scrubbed
#: (ID numbers and company codes inside it masked: ``91341502********8N|2023``).
#: Names of institutions and enterprises are public registrations and stay readable.
SUBJECT_MASKS = {
    "person": {"subject_id": "id", "subject_name": "name"},
    "household": {"subject_id": "scrub", "subject_name": "name"},
    "settlement": {"subject_id": "scrub", "subject_name": "name"},  # the patient's name
}
_NEVER_MASKED = ("model_id", "clue_id", "subject_type", "region_code")


@dataclass
class Clues:
    """The clues of one model run.

    Attributes
    ----------
    frame : DataFrame
        One row per clue: the leading columns of :data:`CLUE_COLUMNS`, then model-specific ones,
        ordered by amount involved (largest first), then subject and period.
    info : dict
        How the clues were made: model id, version and spec hash, parameters, dataset and its
        fingerprint, engine, run id (stable for the same model, parameters and data), seconds.
    """

    frame: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return f"<Clues {self.info.get('model_id')}: {len(self)} clue(s), run {self.run_id}>"

    @property
    def run_id(self) -> str:
        """Stable id of this run: the same model, parameters and data give the same id."""
        return str(self.info.get("run_id", ""))

    @property
    def total_amount(self) -> float:
        """Sum of ``amount_involved`` over all clues (yuan)."""
        return round(float(self.frame["amount_involved"].sum()), 2)

    def to_frame(self, masked: bool = True, lang: str = "en") -> pd.DataFrame:
        """The clue table, masked by default; ``lang="zh"`` gives Chinese column labels."""
        out = self.frame.copy()
        if masked:
            out = mask_frame(out, self._mask_columns())
        if lang == "zh":
            out = out.rename(columns=CLUE_LABELS_ZH)
        return out

    def _mask_columns(self) -> dict[str, str]:
        """Mask kind per column: every text column is scrubbed of ID numbers and company codes,
        the subject columns follow the subject type, and the spec's ``mask:`` section names the
        model's own columns (a person's name, a certificate number ...)."""
        columns = {
            col: "scrub"
            for col in self.frame.columns
            if col not in _NEVER_MASKED
            and (
                pd.api.types.is_string_dtype(self.frame[col])
                or pd.api.types.is_object_dtype(self.frame[col])
            )
        }
        subject = str(self.info.get("subject_type", "person"))
        columns.update(SUBJECT_MASKS.get(subject, {"subject_id": "scrub", "subject_name": "scrub"}))
        columns.update(self.info.get("mask") or {})
        return {col: kind for col, kind in columns.items() if col in self.frame.columns}

    def head(self, n: int = 5, masked: bool = True) -> pd.DataFrame:
        """First ``n`` clues (masked by default), for display."""
        return self.to_frame(masked=masked).head(n)

    def save(self, path: str | os.PathLike[str], masked: bool = True, lang: str = "en") -> Path:
        """Write the clues as UTF-8 CSV (masked by default) through a temporary file.

        The file appears complete or not at all.
        """
        path = Path(path)
        frame = self.to_frame(masked=masked, lang=lang)
        with replacing(path) as tmp:
            frame.to_csv(
                tmp,
                index=False,
                date_format="%Y-%m-%d",
                float_format="%.2f",
                encoding="utf-8-sig" if lang == "zh" else "utf-8",
            )
        return path

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>{self.info.get('model_id')}</b>: {len(self):,} clue(s), "
            f"{self.total_amount:,.2f} yuan involved; identifiers masked.</p>"
        )
        return head + self.to_frame(masked=True).head(10).to_html(index=False)
