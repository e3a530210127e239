"""Link a table of records to a master register: exact on usable IDs, then Splink for the rest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import KitError
from kit.link.columns import IdentityColumns
from kit.link.exact import link_exact
from kit.link.model import LinkModel, default_model
from kit.link.probabilistic import best_matches, quiet, score
from kit.link.standardise import standardise
from kit.mask import mask_date, mask_id, mask_name

#: Default match probability for a probabilistic link, read from the precision-recall curve of
#: the social security sample the model was trained on (``kit link evaluate``; the medical
#: insurance sample is held out; docs/linkage.md explains the choice).
DEFAULT_THRESHOLD = 0.995

#: Methods in :attr:`Links.frame` ``method``.
METHODS = ("exact", "probabilistic", "none")


@dataclass
class Links:
    """The result of linking one table of records to a master register.

    Attributes
    ----------
    table, master_table : str
        Names of the linked table and of the register.
    frame : DataFrame
        One row per record, in the input's order and with its index: ``id_number`` (cleaned,
        15 -> 18), ``usable_id``, ``linked_id`` (master ID number or missing), ``method``
        (``exact``, ``probabilistic`` or ``none``), ``match_probability`` and ``match_weight``
        (of the best candidate, for records scored by Splink).
    pairs : DataFrame
        Scored candidate pairs of the records without a usable ID (:func:`score`).
    records, master : DataFrame
        The standardised identities that were compared.
    threshold : float
        Match probability a probabilistic link needs.
    model : LinkModel
        The Splink model used.
    """

    table: str
    master_table: str
    frame: pd.DataFrame
    pairs: pd.DataFrame = field(repr=False)
    records: pd.DataFrame = field(repr=False)
    master: pd.DataFrame = field(repr=False)
    threshold: float = DEFAULT_THRESHOLD
    model: LinkModel = field(default_factory=default_model, repr=False)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}: {v:,}" for k, v in self.summary().items() if k in METHODS)
        return f"<Links {self.table} -> {self.master_table} at {self.threshold} ({counts})>"

    def summary(self) -> dict[str, Any]:
        """Records linked by each method, and the threshold.

        Returns
        -------
        dict
            ``records``, ``exact``, ``probabilistic``, ``none``, ``threshold``.
        """
        counts = self.frame["method"].value_counts()
        out: dict[str, Any] = {"records": len(self.frame)}
        out.update({m: int(counts.get(m, 0)) for m in METHODS})
        out["threshold"] = self.threshold
        return out

    def at(self, threshold: float) -> Links:
        """The same links with another probability threshold (no new scoring).

        Examples
        --------
        >>> import kit
        >>> links = kit.link.linked_table(kit.datasets.load("social_security"), "deaths")
        >>> links.at(0.999).summary()["probabilistic"] <= links.summary()["probabilistic"]
        True
        """
        frame = _decide(self.frame[["id_number", "usable_id"]], self.records, self.pairs, threshold)
        return replace(self, frame=frame, threshold=float(threshold))

    def linked_ids(self) -> pd.Series:
        """The ID number to use for each record: the linked master number, else the cleaned one.

        Records that link to nobody keep their cleaned number (missing stays missing), so a join
        on it behaves like an exact join for them.
        """
        out = self.frame["linked_id"].where(
            self.frame["linked_id"].notna(), self.frame["id_number"]
        )
        return out.astype("str").where(out.notna(), None).rename("id_number")

    def to_frame(self, masked: bool = True) -> pd.DataFrame:
        """Records with their links; ID numbers masked unless ``masked=False``."""
        out = self.frame.copy()
        if masked:
            for col in ("id_number", "linked_id"):
                out[col] = out[col].map(mask_id)
        return out

    def waterfall_chart(
        self, records: Sequence[int] | None = None, *, n: int = 3, masked: bool = True
    ) -> Any:
        """Splink's waterfall chart: how each field moved the match weight of a record's best pair.

        Parameters
        ----------
        records : sequence of int, optional
            Positions (``uid``) of records to explain; default the first ``n`` probabilistic links.
        n : int
            How many records when ``records`` is not given.
        masked : bool
            Mask names, ID numbers, pinyin and birth dates shown in the chart (default).

        Returns
        -------
        Splink chart (Altair), which notebooks display.
        """
        best = self.pairs.drop_duplicates("record_uid", keep="first")
        if records is None:
            uids = self.frame.loc[self.frame["method"] == "probabilistic", "uid"].head(n)
            records = uids.tolist()
        chosen = best[best["record_uid"].isin(list(records))]
        if chosen.empty:
            raise KitError(
                f"No scored pair to explain for record(s) {list(records)} of {self.table!r}. "
                "Fix: pick records linked probabilistically (method == 'probabilistic')."
            )
        rows = chosen.drop(columns=["record_uid", "master_uid", "master_id"])
        dicts = [_mask_pair(r) if masked else r for r in rows.to_dict("records")]
        with quiet():
            linker = self.model.linker(self.records, self.master)
            return linker.visualisations.waterfall_chart(dicts, filter_nulls=False)

    def plot_waterfall(self, record: int | None = None, *, masked: bool = True) -> Any:
        """A static (matplotlib) waterfall of one record's best pair; works offline.

        Parameters
        ----------
        record : int, optional
            Position (``uid``) of the record; default the first probabilistic link.
        masked : bool
            Unused by the drawing (it shows no values), kept for symmetry with
            :meth:`waterfall_chart`.

        Returns
        -------
        matplotlib Figure
        """
        from kit.link.plots import plot_waterfall

        chart = self.waterfall_chart(None if record is None else [record], n=1, masked=masked)
        data = [r for r in chart.chart_data if r["record_number"] == 0]
        return plot_waterfall(data)


def _mask_pinyin(value: Any) -> str:
    """Keep the first syllable (the surname) of a pinyin name."""
    if not isinstance(value, str) or not value:
        return ""
    head, *rest = value.split(" ")
    return " ".join([head, *("*" * len(s) for s in rest)])


def _mask_pair(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for side in ("l", "r"):
        out[f"id_number_{side}"] = mask_id(row.get(f"id_number_{side}"))
        out[f"name_{side}"] = mask_name(row.get(f"name_{side}"))
        out[f"name_pinyin_{side}"] = _mask_pinyin(row.get(f"name_pinyin_{side}"))
        out[f"birth_date_{side}"] = mask_date(row.get(f"birth_date_{side}"))
    return out


def _decide(
    base: pd.DataFrame, records: pd.DataFrame, pairs: pd.DataFrame, threshold: float
) -> pd.DataFrame:
    """Per record: exact link if usable, else the best pair at ``threshold``, else none."""
    out = base[["id_number", "usable_id"]].copy()
    out.insert(0, "uid", records["uid"].to_numpy())
    out["linked_id"] = out["id_number"].where(out["usable_id"], None)
    out["method"] = np.where(out["usable_id"], "exact", "none")
    out["match_probability"] = np.nan
    out["match_weight"] = np.nan
    top = pairs.drop_duplicates("record_uid", keep="first").set_index("record_uid")
    pos = pd.Series(np.arange(len(out)), index=out["uid"].to_numpy())
    scored = top.index[top.index.isin(pos.index)]
    rows = pos.loc[scored].to_numpy()
    out.iloc[rows, out.columns.get_loc("match_probability")] = top.loc[scored, "match_probability"]
    out.iloc[rows, out.columns.get_loc("match_weight")] = top.loc[scored, "match_weight"]
    chosen = best_matches(pairs, threshold).set_index("record_uid")
    chosen = chosen[chosen.index.isin(pos.index)]
    rows = pos.loc[chosen.index].to_numpy()
    keep = ~out["usable_id"].to_numpy()[rows]
    rows, ids = rows[keep], chosen["master_id"].to_numpy()[keep]
    out.iloc[rows, out.columns.get_loc("linked_id")] = ids
    out.iloc[rows, out.columns.get_loc("method")] = "probabilistic"
    out["linked_id"] = out["linked_id"].astype(object).where(out["linked_id"].notna(), None)
    return out


def link(
    records: pd.DataFrame,
    master: pd.DataFrame,
    *,
    columns: IdentityColumns | Mapping[str, Any] | None = None,
    master_columns: IdentityColumns | Mapping[str, Any] | None = None,
    table: str = "records",
    master_table: str = "master",
    threshold: float = DEFAULT_THRESHOLD,
    model: LinkModel | None = None,
    backend: Any = "duckdb",
    standardised_master: pd.DataFrame | None = None,
    weights: Any = None,
    best_only: bool = False,
) -> Links:
    """Link each record of a secondary source to a person of a master register (数据关联).

    1. Standardise both sides (:func:`kit.link.standardise`).
    2. Deterministic: a record whose cleaned, 18-character ID number is valid and held by a
       master person links to that person (:func:`kit.link.link_exact`).
    3. Probabilistic: every other record is compared with master persons sharing its birth date
       or the pinyin of its name (Splink); its best candidate links when the match probability
       reaches ``threshold``.

    Parameters
    ----------
    records, master : DataFrame
        The secondary source (deaths, custody, clinic settlements ...) and the register
        (persons, insured).
    columns, master_columns : IdentityColumns or dict, optional
        Which column holds which identity field, e.g. ``{"id": "owner_id_number",
        "name": "owner_name"}``; defaults ``id_number``, ``name``, ``sex``, ``birth_date``,
        ``region_code``, ``address`` (optional ones are used when present).
    table, master_table : str
        Names used in messages and results.
    threshold : float
        Match probability needed for a probabilistic link (default :data:`DEFAULT_THRESHOLD`).
    model : LinkModel, optional
        Default: the model shipped with the kit (:func:`kit.link.default_model`).
    backend : str or Splink database API
        ``"duckdb"`` (default) or ``"spark"`` (needs the ``spark`` extra).
    standardised_master : DataFrame, optional
        ``master`` already standardised (saves time when linking several tables to it).
    weights : array of int, optional
        How many identical records each row of ``records`` stands for, when ``records`` are a
        table's distinct identities (:func:`kit.link.link_dataset` links those): the links and
        scores are those of the records one by one (see :func:`kit.link.probabilistic.score`).
    best_only : bool
        Keep only each record's best-scoring pair in :attr:`Links.pairs`: enough to decide the
        links at any threshold (:meth:`Links.at`), not for pair-level evaluation. For tables
        of millions of records.

    Returns
    -------
    Links

    Raises
    ------
    DataError
        When a table lacks its ID number or name column (names the table, column and fix).

    Examples
    --------
    A funeral-home record without an ID number, its given name written with a homophone
    (晓 for 小), finds its person; a namesake born on another day is not taken for him:

    >>> master = pd.DataFrame({
    ...     "id_number": ["342423195001011238", "342423196203040015"],
    ...     "name": ["张小明", "张晓明"], "sex": ["M", "M"],
    ...     "birth_date": ["1950-01-01", "1962-03-04"], "region_code": ["341522", "341502"]})
    >>> deaths = pd.DataFrame({"id_number": [None], "name": ["张晓明"],
    ...                        "birth_date": ["1950-01-01"], "address": ["六安市霍邱县城关镇"]})
    >>> links = link(deaths, master, table="deaths", master_table="persons")
    >>> links.frame[["method", "linked_id"]].values.tolist()
    [['probabilistic', '342423195001011238']]
    """
    if not 0 < threshold < 1:
        raise KitError(f"threshold = {threshold!r}: a match probability must be between 0 and 1.")
    model = model or default_model()
    std_master = standardised_master
    if std_master is None:
        std_master = standardise(master, master_columns, table=master_table)
    regions = _regions(std_master["region_code"])
    std = standardise(records, columns, table=table, regions=regions)
    exact = link_exact(std, std_master)
    base = pd.DataFrame(
        {"id_number": std["id_number"].to_numpy(), "usable_id": exact.notna().to_numpy()},
        index=records.index,
    )
    todo_rows = ~base["usable_id"].to_numpy()
    todo = std[todo_rows]
    todo_weights = None if weights is None else np.asarray(weights)[todo_rows]
    pairs = score(
        todo, std_master, model, backend=backend, weights=todo_weights, best_only=best_only
    )
    frame = _decide(base, std, pairs, threshold)
    frame.index = records.index
    return Links(
        table=table,
        master_table=master_table,
        frame=frame,
        pairs=pairs,
        records=std,
        master=std_master,
        threshold=float(threshold),
        model=model,
    )


def _regions(codes: Iterable[Any]) -> tuple[str, ...]:
    return tuple(sorted({c for c in codes if isinstance(c, str) and len(c) == 6}))
