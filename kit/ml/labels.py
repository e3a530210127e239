"""Labels (标签) for learning which clues become cases: from a truth table or from the case ledger.

A label says whether a *reviewed* clue became a case. On the sample data the truth table says it
for every clue; in practice the case ledger does: every application records the clue ids it
screened, and every case records the clue it came from, so each recorded application turns into
training data. Clues nobody reviewed have no label at all (not "no case"): see the cautions in
``docs/ml.md``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.errors import KitError
from kit.models.clues import Clues


def labels_from_truth(
    clues: Clues | pd.DataFrame, truth: pd.DataFrame, pattern: str = ""
) -> pd.Series:
    """1 for clues whose (pattern, subject) is a case in the truth table, else 0.

    Traps (``is_case`` false) and subjects the truth table does not mention are 0.

    Parameters
    ----------
    clues : Clues or DataFrame
        Clues with ``clue_id`` and ``subject_id`` (unmasked).
    truth : DataFrame
        ``pattern, subject_id, is_case`` (a dataset's ``.truth``).
    pattern : str, optional
        Default: the clues' own pattern (``clues.info["pattern"]``).

    Returns
    -------
    Series of int
        Indexed by ``clue_id``, in the clues' order, named ``is_case``.
    """
    frame = clues.frame if isinstance(clues, Clues) else clues
    if not pattern and isinstance(clues, Clues):
        pattern = str(clues.info.get("pattern", ""))
    if truth is None:
        raise KitError(
            "There is no truth table to label the clues with. Fix: use a sample dataset "
            "(its .truth), or labels_from_ledger with a ledger of reviewed clues."
        )
    missing = [c for c in ("pattern", "subject_id", "is_case") if c not in truth.columns]
    if missing:
        raise KitError(f"The truth table lacks column(s) {', '.join(missing)}.")
    if not pattern:
        raise KitError("Say which truth pattern the clues target (pattern=...).")
    rows = truth[(truth["pattern"] == pattern) & truth["is_case"].astype(bool)]
    cases = set(rows["subject_id"].astype(str))
    values = frame["subject_id"].astype(str).isin(cases).astype(int).to_numpy()
    return pd.Series(
        values, index=pd.Index(frame["clue_id"].astype(str), name="clue_id"), name="is_case"
    )


def labels_from_ledger(ledger: Any, model_id: str) -> pd.Series:
    """Outcomes of the clues a model's recorded applications screened: 1 if a case cites the clue.

    Parameters
    ----------
    ledger : kit.ledger.Ledger
        An initialised ledger.
    model_id : str
        The model (or screen) whose applications recorded clue ids.

    Returns
    -------
    Series of int
        Indexed by ``clue_id`` (sorted), named ``is_case``: 1 when a case of ``model_id`` records
        the clue as its source, 0 for the other clues its applications screened.

    Raises
    ------
    KitError
        When no application of ``model_id`` recorded clue ids.

    Examples
    --------
    >>> import datetime as dt, kit
    >>> from kit.ledger import Ledger
    >>> led = Ledger(":memory:", actor="doctest", clock=lambda: dt.datetime(2024, 5, 1)).init()
    >>> _ = led.register_model(kit.models.get("SS01"), unit="六安市人民检察院")
    >>> clues = kit.run("SS01", "social_security")
    >>> _ = led.record_application("SS01", unit="六安市人民检察院", clues=clues, date="2024-02-01")
    >>> _ = led.record_case("皖六检〔2024〕1号", unit="六安市人民检察院", model_id="SS01",
    ...                     clue_id=clues.frame["clue_id"][0], received="2024-02-05")
    >>> labels = labels_from_ledger(led, "SS01")
    >>> len(labels) == len(clues), int(labels.sum())
    (True, 1)
    """
    versions = ledger.table("model_versions")
    ids = versions.loc[versions["model_id"] == model_id, "id"]
    apps = ledger.table("model_applications")
    app_ids = apps.loc[apps["model_version_id"].isin(ids), "id"]
    screened = ledger.table("application_clues")
    screened = screened.loc[screened["application_id"].isin(app_ids), "clue_id"].astype(str)
    if screened.empty:
        known = ", ".join(sorted(versions["model_id"].unique())) or "none"
        raise KitError(
            f"The ledger has no application of {model_id} that recorded its clue ids, so there "
            f"are no outcomes to learn from (models in the ledger: {known}). Fix: record "
            "applications with clues=kit.run(...) (Ledger.record_application) and the cases "
            "they formed with clue_id=... (Ledger.record_case)."
        )
    cases = ledger.table("cases")
    cited = cases.loc[cases["model_version_id"].isin(ids), "clue_id"].dropna().astype(str)
    clue_ids = sorted(set(screened))
    cited_ids = set(cited)
    values = [int(c in cited_ids) for c in clue_ids]
    return pd.Series(values, index=pd.Index(clue_ids, name="clue_id"), name="is_case", dtype=int)
