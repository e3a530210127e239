"""How good are the links? Precision and recall against the linkage truth, across thresholds.

The sample datasets list every record whose identity was degraded in ``truth/linkage.csv``
(its true ID number and the issue: ``typo``, ``legacy_15``, ``format``, ``missing_id``,
``homophone_name``); every other record carries its true number. Records **without a usable ID
number** (:func:`kit.link.usable_ids`: missing, or not valid once cleaned and converted, or held
by nobody in the register) can only be linked probabilistically; they are scored separately.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from kit.datasets import Dataset
from kit.errors import KitError
from kit.link.apply import identity_columns, linked_table
from kit.link.linker import DEFAULT_THRESHOLD, Links
from kit.link.model import LinkModel

#: Thresholds (match probability) at which the curve is computed.
THRESHOLDS = (
    0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995,
    0.999, 0.9999,
)  # fmt: skip
#: Precision the default threshold must keep on the sample data.
MIN_PRECISION = 0.98


def person_tables(dataset: Dataset) -> dict[str, str]:
    """Secondary tables of people (with a degradable ID number) and the register to link them to.

    Read from the descriptor: the register is the table whose ID column is a checked identifier
    (``kit:identifier: ric``) and which has a birth date (``persons``, ``insured``); secondary
    tables are those with an ID and a name column whose ID is not checked (deaths, custody,
    vehicles, companies' legal representatives, shareholders, clinic settlements).

    Examples
    --------
    >>> import kit
    >>> person_tables(kit.datasets.load("social_security"))["deaths"]
    'persons'
    """
    masters, secondary = [], []
    for res in dataset.meta.get("resources", []):
        fields = res.get("schema", {}).get("fields", [])
        kinds = {f.get("kit:mask") for f in fields}
        checked = any(f.get("kit:identifier") == "ric" for f in fields)
        if "id" in kinds and "name" in kinds:
            has_birth = any(f.get("kit:mask") == "date" and "birth" in f["name"] for f in fields)
            if checked and has_birth:
                masters.append(res["name"])
            elif not checked:
                secondary.append(res["name"])
    if not masters:
        raise KitError(
            f"Dataset {dataset.name!r} has no person register to link to (a table whose ID "
            "column is marked kit:identifier: ric and which has a birth date)."
        )
    return {table: masters[0] for table in secondary}


def true_ids(dataset: Dataset, table: str) -> pd.Series:
    """The true ID number of each record of ``table`` (aligned with its rows).

    From ``truth/linkage.csv`` for degraded records, else the record's own (clean) number.
    """
    truth = dataset.truth_tables.get("linkage")
    if truth is None:
        raise KitError(
            f"Dataset {dataset.name!r} has no linkage truth (truth/linkage.csv). Fix: evaluate "
            "on a sample dataset with its truth folder."
        )
    frame = dataset.tables[table]
    key = dataset.resource(table)["schema"].get("primaryKey", "record_id")
    key = key[0] if isinstance(key, list) else key
    id_col = identity_columns(dataset, table).id
    rows = truth[truth["table"] == table].set_index("record_id")["true_id_number"]
    known = frame[key].map(rows)
    return known.where(known.notna(), frame[id_col]).astype(object)


@dataclass
class LinkEvaluation:
    """Precision and recall of links against the truth.

    Attributes
    ----------
    curve : DataFrame
        One row per (scope, threshold): ``records`` (with a true person in the register),
        ``linked``, ``correct``, ``precision``, ``recall``. Scope ``without_usable_id`` counts
        records that only probabilistic linkage can link (each linked to its best candidate);
        ``all`` every record; ``pairs`` every scored candidate pair of the records without a
        usable ID (as if every pair above the threshold were a link: how well the match
        probability itself separates the same person from others).
    threshold : float
        The threshold in use.
    by_issue : DataFrame
        At ``threshold``, per table and identity issue (``clean`` for undamaged records):
        ``records``, ``in_register`` (true person in the register), ``linked``, ``correct``
        (by any method), ``without_usable_id`` and, of those, ``no_id_in_register``,
        ``no_id_linked`` and ``no_id_correct`` (probabilistic linkage only).
    """

    curve: pd.DataFrame
    threshold: float = DEFAULT_THRESHOLD
    by_issue: pd.DataFrame = field(default_factory=pd.DataFrame)

    def at(
        self, threshold: float | None = None, scope: str = "without_usable_id"
    ) -> dict[str, Any]:
        """Figures at one threshold (default the one in use)."""
        t = self.threshold if threshold is None else threshold
        rows = self.curve[(self.curve["scope"] == scope) & np.isclose(self.curve["threshold"], t)]
        if rows.empty:
            raise KitError(
                f"Threshold {t} is not on the curve ({', '.join(map(str, THRESHOLDS))})."
            )
        return {k: (v.item() if hasattr(v, "item") else v) for k, v in rows.iloc[0].items()}

    def to_dict(self) -> dict[str, Any]:
        """Figures at the threshold in use, for both scopes, and the whole curve."""
        return {
            "threshold": self.threshold,
            "without_usable_id": self.at(),
            "all": self.at(scope="all"),
            "curve": self.curve.to_dict("records"),
        }

    def issues(self) -> pd.DataFrame:
        """:attr:`by_issue` summed over tables, with precision and recall of the records
        without a usable ID (the ones only probabilistic linkage can link).

        Examples
        --------
        >>> import kit
        >>> ev = evaluate_dataset(kit.datasets.load("social_security"), tables=["deaths"])
        >>> int(ev.issues().loc["missing_id", "without_usable_id"])
        5
        """
        cols = ["records", "in_register", "linked", "correct", "without_usable_id",
                "no_id_in_register", "no_id_linked", "no_id_correct"]  # fmt: skip
        out = self.by_issue.groupby("issue")[cols].sum().astype(int)
        linked, correct = out["no_id_linked"], out["no_id_correct"]
        out["precision"] = (correct / linked.where(linked > 0)).fillna(1.0).round(4)
        n = out["no_id_in_register"]
        out["recall"] = (correct / n.where(n > 0)).fillna(1.0).round(4)
        return out

    def plot(self, ax: Any = None) -> Any:
        """Precision and recall across thresholds: candidate pairs and best-candidate links."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6.4, 3.6))
        styles = {"pairs": ("-", "every pair above the threshold"),
                  "without_usable_id": (":", "best candidate per record")}  # fmt: skip
        for scope, (line, label) in styles.items():
            c = self.curve[self.curve["scope"] == scope]
            x = c["threshold"].to_numpy()
            ax.plot(x, c["precision"], line, marker="o", color="C0", label=f"precision, {label}")
            ax.plot(x, c["recall"], line, marker="s", color="C1", label=f"recall, {label}")
        ax.axvline(self.threshold, color="grey", linestyle="--", label="threshold")
        ax.set_xscale("logit")
        ticks = [0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999]
        ax.set_xticks(ticks, [str(t) for t in ticks])
        ax.minorticks_off()
        ax.set_xlabel("match probability threshold")
        ax.set_ylabel("share")
        shown = self.curve[self.curve["scope"].isin(list(styles))]
        low = float(min(shown["precision"].min(), shown["recall"].min(), 0.9))
        ax.set_ylim(low - 0.02, 1.01)
        ax.set_title("Links of records without a usable ID number")
        ax.legend(loc="lower left", fontsize="small")
        return ax.figure


def _counts(linked: np.ndarray, correct: np.ndarray, has_truth: np.ndarray | int) -> dict[str, Any]:
    """Counts and shares; ``has_truth`` is a mask of records with a true person, or their count."""
    n_linked, n_correct = int(linked.sum()), int((linked & correct).sum())
    n = has_truth if isinstance(has_truth, int) else int(has_truth.sum())
    return {
        "records": n,
        "linked": n_linked,
        "correct": n_correct,
        "precision": round(n_correct / n_linked, 4) if n_linked else 1.0,
        "recall": round(n_correct / n, 4) if n else 1.0,
    }


def evaluate_links(
    links: Links | Sequence[Links],
    truth: pd.Series | Sequence[pd.Series],
    thresholds: Iterable[float] = THRESHOLDS,
    issues: pd.Series | Sequence[pd.Series] | None = None,
) -> LinkEvaluation:
    """Precision and recall of one or more link results, pooled, across thresholds.

    Parameters
    ----------
    links : Links or sequence of Links
    truth : Series or sequence of Series
        True ID number of each record (aligned with each ``links.frame``).
    thresholds : iterable of float
        Match probabilities at which to count; the links' own threshold is added.
    issues : Series or sequence of Series, optional
        Identity issue of each record (``typo``, ...), for the per-issue table.

    Returns
    -------
    LinkEvaluation
        A record counts as correct when it links to its true person; records whose true person
        is not in the register count only as wrong links when linked.
    """
    many = not isinstance(links, Links)
    all_links = list(links) if many else [links]
    all_truth = list(truth) if many else [truth]
    threshold = all_links[0].threshold
    parts, pair_parts = [], []
    for lk, tr, iss in zip(
        all_links,
        all_truth,
        list(issues) if issues is not None and many else [issues] * len(all_links),
        strict=True,
    ):
        f = lk.frame
        known = set(lk.master["id_number"])
        parts.append(
            pd.DataFrame(
                {
                    "table": lk.table,
                    "issue": (iss if iss is not None else pd.Series("", index=f.index)).to_numpy(),
                    "usable": f["usable_id"].to_numpy(),
                    "truth": tr.to_numpy(),
                    "has_truth": tr.isin(known).to_numpy(),
                    "best_id": _best_ids(lk).to_numpy(),
                    "prob": f["match_probability"].to_numpy(),
                    "exact_id": f["linked_id"].where(f["usable_id"]).to_numpy(),
                }
            )
        )
        by_uid = pd.Series(tr.to_numpy(), index=f["uid"].to_numpy())
        pair_parts.append(
            pd.DataFrame(
                {
                    "prob": lk.pairs["match_probability"].to_numpy(),
                    "true": lk.pairs["master_id"].to_numpy()
                    == lk.pairs["record_uid"].map(by_uid).to_numpy(),
                }
            )
        )
    df = pd.concat(parts, ignore_index=True)
    pairs = pd.concat(pair_parts, ignore_index=True)
    n_findable = int((~df["usable"] & df["has_truth"]).sum())
    rows = []
    for t in sorted({*thresholds, threshold}):
        prob_link = ~df["usable"] & (df["prob"].fillna(-1) >= t)
        linked_id = np.where(df["usable"], df["exact_id"], np.where(prob_link, df["best_id"], None))
        linked = pd.notna(linked_id)
        correct = linked & (linked_id == df["truth"].to_numpy())
        no_id = ~df["usable"].to_numpy()
        has = df["has_truth"].to_numpy()
        rows.append({"scope": "without_usable_id", "threshold": t,
                     **_counts(linked[no_id], correct[no_id], has[no_id])})  # fmt: skip
        rows.append({"scope": "all", "threshold": t, **_counts(linked, correct, has)})
        above = pairs["prob"].to_numpy() >= t
        found = above & pairs["true"].to_numpy()
        rows.append({"scope": "pairs", "threshold": t, **_counts(above, found, n_findable)})
        if t == threshold:
            df["linked"], df["correct"] = linked, correct
    curve = pd.DataFrame(rows).sort_values(["scope", "threshold"], ignore_index=True)
    no_id = ~df["usable"]
    by_issue = (
        df.assign(
            issue=df["issue"].replace("", "clean"),
            no_id=no_id,
            no_id_in_register=no_id & df["has_truth"],
            no_id_linked=no_id & df["linked"],
            no_id_correct=no_id & df["correct"],
        )
        .groupby(["table", "issue"], sort=True)
        .agg(
            records=("truth", "size"),
            in_register=("has_truth", "sum"),
            linked=("linked", "sum"),
            correct=("correct", "sum"),
            without_usable_id=("no_id", "sum"),
            no_id_in_register=("no_id_in_register", "sum"),
            no_id_linked=("no_id_linked", "sum"),
            no_id_correct=("no_id_correct", "sum"),
        )
        .reset_index()
    )
    return LinkEvaluation(curve=curve, threshold=threshold, by_issue=by_issue)


def _best_ids(links: Links) -> pd.Series:
    best = links.pairs.drop_duplicates("record_uid", keep="first").set_index("record_uid")
    return links.frame["uid"].map(best["master_id"])


def evaluate_dataset(
    dataset: Dataset | Sequence[Dataset],
    *,
    tables: Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    model: LinkModel | None = None,
) -> LinkEvaluation:
    """Link every person table of one or more sample datasets to its register; evaluate, pooled.

    Examples
    --------
    >>> import kit
    >>> ev = evaluate_dataset(kit.datasets.load("social_security"), tables=["deaths"])
    >>> ev.at()["precision"] >= 0.98
    True
    """
    datasets = [dataset] if isinstance(dataset, Dataset) else list(dataset)
    links, truths, issues = [], [], []
    for ds in datasets:
        pairs = person_tables(ds)
        truth = ds.truth_tables.get("linkage")
        for table in list(tables) if tables is not None else list(pairs):
            lk = linked_table(ds, table, pairs[table], threshold=threshold, model=model)
            links.append(lk)
            truths.append(true_ids(ds, table))
            key = ds.resource(table)["schema"].get("primaryKey", "record_id")
            key = key[0] if isinstance(key, list) else key
            rows = truth[truth["table"] == table].set_index("record_id")["issue"]
            issues.append(ds.tables[table][key].map(rows).fillna(""))
    return evaluate_links(links, truths, issues=issues)


def stressed(dataset: Dataset, issues: Sequence[str] | None = None) -> Dataset:
    """A copy of a sample dataset whose degraded records (``truth/linkage.csv``) lost their ID.

    The stress scenario of the evaluation: every record with an identity issue (or only those
    with one of ``issues``) keeps what else it holds (name, and birth date or address where the
    source recorded them) but no ID number, so only probabilistic linkage can find its person.
    On the samples only ``missing_id`` records carry a birth date or an address; the others
    are left with a name (written with a homophone for ``homophone_name``), which is not enough
    when a third of residents share their name with someone: they are, rightly, not linked.

    Examples
    --------
    >>> import kit
    >>> ss = kit.datasets.load("social_security")
    >>> st = stressed(ss, ["homophone_name"])
    >>> int(st.tables["deaths"]["id_number"].isna().sum() - ss.tables["deaths"]["id_number"].isna().sum())
    8
    """
    truth = dataset.truth_tables.get("linkage")
    if truth is None:
        raise KitError(f"Dataset {dataset.name!r} has no linkage truth (truth/linkage.csv).")
    if issues is not None:
        truth = truth[truth["issue"].isin(list(issues))]
    tables = dict(dataset.tables)
    for table in person_tables(dataset):
        key = dataset.resource(table)["schema"].get("primaryKey", "record_id")
        key = key[0] if isinstance(key, list) else key
        hit = tables[table][key].isin(truth.loc[truth["table"] == table, "record_id"])
        if hit.any():
            frame = tables[table].copy()
            frame[identity_columns(dataset, table).id] = frame[
                identity_columns(dataset, table).id
            ].where(~hit, None)
            tables[table] = frame
    label = ",".join(sorted(issues)) if issues is not None else "all"
    return replace(dataset, tables=tables, fingerprint=f"{dataset.fingerprint}+stressed:{label}")


def choose_threshold(
    evaluation: LinkEvaluation, min_precision: float = MIN_PRECISION, scope: str = "pairs"
) -> float:
    """The threshold to use, read from the precision-recall curve.

    Among thresholds whose precision reaches ``min_precision``, those with the highest recall
    form a plateau; the rule takes the plateau's second-highest threshold: as strict as the
    curve allows without losing a true link, one grid step back from the edge where links start
    to be lost, so small changes in the data do not tip it. Strict, because a false link puts
    the wrong person's name on a clue.

    Examples
    --------
    >>> curve = pd.DataFrame({"scope": "pairs", "threshold": [0.1, 0.5, 0.9, 0.95, 0.99],
    ...                       "precision": [0.9, 0.99, 1.0, 1.0, 1.0],
    ...                       "recall": [1, 1, 1, 1, 0.9]})
    >>> choose_threshold(LinkEvaluation(curve=curve))
    0.9
    """
    c = evaluation.curve[evaluation.curve["scope"] == scope]
    ok = c[c["precision"] >= min_precision]
    if ok.empty:
        raise KitError(
            f"No threshold reaches a precision of {min_precision}. Fix: retrain the model "
            "(kit link train) or lower min_precision."
        )
    best = ok[ok["recall"] == ok["recall"].max()].sort_values("threshold")
    return float(best["threshold"].iloc[-2 if len(best) > 1 else -1])
