"""The probabilistic linkage model (概率关联模型): Splink settings, training, JSON save and load.

The model compares a record with a master-register person field by field (Fellegi-Sunter):
ID number (exact, one or two characters off), name (same characters, same pinyin = homophone
同音字, similar pinyin), birth date (same, one digit off), sex and region of residence. Each level has an
m probability (how often true matches land there) and a u probability (how often random pairs
do); their log-ratio is the level's match weight. The kit ships a model trained on the social
security sample (``person_model.json`` beside this module), so linking needs no training run.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from kit._files import write_text_atomic
from kit.errors import KitError
from kit.link.backend import database_api

#: The model shipped with the kit, trained by :func:`train` on the social security sample.
SHIPPED_MODEL = "person_model.json"
#: Seed of the random sampling that estimates u probabilities (reproducible training).
SEED = 20240511

#: Significant digits kept of m and u probabilities: EM sums in parallel, so the last digits of a
#: retrained model vary from run to run; 12 digits keep retraining byte-reproducible.
DIGITS = 12
#: Keys Splink adds that vary between runs of the same training (a random id per Linker).
VOLATILE_KEYS = ("linker_uid",)

#: Smallest m probability of a level: no single disagreeing field may veto a link outright.
M_FLOOR = 1e-3

#: What each comparison looks at, as shown in charts.
DESCRIPTIONS = {
    "id_number": "ID number (公民身份号码)",
    "name": "name (姓名): characters, then pinyin",
    "birth_date": "birth date (出生日期)",
    "sex": "sex (性别)",
    "region_code": "region of residence (行政区划)",
}


def _comparisons() -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    id_number = cl.CustomComparison(
        output_column_name="id_number",
        comparison_levels=[
            cll.NullLevel("id_number"),
            cll.ExactMatchLevel("id_number"),
            cll.DamerauLevenshteinLevel("id_number", 1).configure(
                label_for_charts="one character off (typo or swap)"
            ),
            cll.DamerauLevenshteinLevel("id_number", 2).configure(
                label_for_charts="two characters off"
            ),
            cll.ElseLevel(),
        ],
    )
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("name_pinyin").configure(
                label_for_charts="same pinyin (homophone 同音字)"
            ),
            cll.JaroWinklerLevel("name_pinyin", 0.9).configure(
                label_for_charts="similar pinyin (Jaro-Winkler >= 0.9)"
            ),
            cll.ElseLevel(),
        ],
    )
    birth = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.DamerauLevenshteinLevel("birth_date", 1).configure(
                label_for_charts="one digit off"
            ),
            cll.ElseLevel(),
        ],
    )
    sex = cl.ExactMatch("sex")
    region = cl.ExactMatch("region_code")
    return [id_number, name, birth, sex, region]


def settings(dialect: str = "duckdb") -> dict[str, Any]:
    """Untrained Splink settings: link records (left) to a master register (right).

    ``dialect`` is the SQL dialect of the conditions (``duckdb``, ``spark``).

    Pairs are generated from records sharing a birth date or a name's pinyin (blocking, 分块):
    a record with one degraded field still meets its person through the other.
    """
    from splink import SettingsCreator, block_on

    creator = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="uid",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=[
            block_on("birth_date"),
            block_on("name_pinyin"),
        ],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        probability_two_random_records_match=1e-4,
    )
    data = creator.get_settings(dialect).as_dict()
    for comp in data["comparisons"]:
        comp["comparison_description"] = DESCRIPTIONS[comp["output_column_name"]]
    return data


def canonical(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings without run-specific keys (Splink's random ``linker_uid``), probabilities
    rounded to :data:`DIGITS` significant digits: the same training gives the same JSON and hash.

    Examples
    --------
    >>> canonical({"linker_uid": "x1", "comparisons": [{"comparison_levels": [
    ...     {"m_probability": 0.016235392292243234}]}]})
    {'comparisons': [{'comparison_levels': [{'m_probability': 0.0162353922922}]}]}
    """
    out = {k: copy.deepcopy(v) for k, v in settings.items() if k not in VOLATILE_KEYS}
    for comp in out.get("comparisons", []):
        for level in comp.get("comparison_levels", []):
            for key in ("m_probability", "u_probability"):
                if isinstance(level.get(key), float):
                    level[key] = float(f"{level[key]:.{DIGITS}g}")
    return out


@dataclass(frozen=True)
class LinkModel:
    """A trained linkage model: Splink settings with m and u probabilities.

    Attributes
    ----------
    settings : dict
        The Splink model as saved to JSON (``Linker(..., settings)`` accepts it).
    source : str
        Where it came from (a file name, or ``trained``).
    """

    settings: dict[str, Any] = field(repr=False)
    source: str = "trained"

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", canonical(self.settings))

    @property
    def hash(self) -> str:
        """SHA-256 of the canonical JSON (enters cache keys, linked datasets' fingerprints and
        so the run ids of models that link)."""
        text = json.dumps(self.settings, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def to_json(self) -> str:
        """The model as JSON text."""
        return json.dumps(self.settings, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the model as JSON, atomically (the file appears whole or not at all).

        Examples
        --------
        >>> import tempfile
        >>> m = default_model()
        >>> path = m.save(Path(tempfile.mkdtemp()) / "model.json")
        >>> LinkModel.load(path).settings == m.settings
        True
        """
        return write_text_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> LinkModel:
        """Read a model saved by :meth:`save` (or by Splink's ``save_model_to_json``)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise KitError(
                f"Linkage model {path.name}: cannot be read as JSON ({exc}). "
                "Fix: give a file written by LinkModel.save or `kit link train --out`."
            ) from exc
        if not isinstance(data, dict) or "comparisons" not in data:
            raise KitError(
                f"Linkage model {path.name}: not a Splink model (no 'comparisons'). "
                "Fix: give a file written by LinkModel.save or `kit link train --out`."
            )
        return cls(settings=data, source=path.name)

    def in_dialect(self, dialect: str) -> dict[str, Any]:
        """The settings with SQL conditions and blocking rules written for ``dialect``.

        The model is trained and saved in DuckDB's dialect; Spark reads identifiers and
        function names differently, so its conditions are rebuilt from the same comparisons
        and the trained probabilities kept level by level.

        Examples
        --------
        >>> spark = default_model().in_dialect("spark")
        >>> spark["comparisons"][1]["comparison_levels"][1]["sql_condition"]
        '`name_l` = `name_r`'
        """
        out = copy.deepcopy(self.settings)
        if out.get("sql_dialect", "duckdb") == dialect:
            return out
        fresh = settings(dialect)
        comps, new = out["comparisons"], fresh["comparisons"]
        shape = [[lv.get("label_for_charts") for lv in c["comparison_levels"]] for c in comps]
        if shape != [[lv.get("label_for_charts") for lv in c["comparison_levels"]] for c in new]:
            raise KitError(
                f"Linkage model {self.source}: its comparisons differ from the kit's, so they "
                f"cannot be rewritten for {dialect}. Fix: retrain it (kit link train) or link "
                "with backend='duckdb'."
            )
        for comp, fcomp in zip(comps, new, strict=True):
            for level, flevel in zip(comp["comparison_levels"], fcomp["comparison_levels"], strict=True):  # fmt: skip
                level["sql_condition"] = flevel["sql_condition"]
        out["blocking_rules_to_generate_predictions"] = fresh["blocking_rules_to_generate_predictions"]  # fmt: skip
        out["sql_dialect"] = dialect
        return out

    def linker(
        self,
        records: pd.DataFrame,
        master: pd.DataFrame,
        backend: Any = "duckdb",
        *,
        lean: bool = False,
    ) -> Any:
        """A Splink ``Linker`` over standardised ``records`` (left) and ``master`` (right).

        ``lean`` drops the compared values and per-field columns from Splink's output (scores
        are the same): for scoring millions of records, where only the probabilities are kept.
        """
        from splink import Linker

        db = database_api(backend)
        settings = self.in_dialect(db.sql_dialect.sql_dialect_str)
        if lean:
            settings["retain_matching_columns"] = False
            settings["retain_intermediate_calculation_columns"] = False
        return Linker(
            _register(db, records, master),
            settings,
            log_level=None,  # Splink's progress messages would clutter notebooks and logs
        )

    def weights(self) -> pd.DataFrame:
        """One row per comparison level: m, u and match weight (log2 of m/u).

        Examples
        --------
        >>> w = default_model().weights()
        >>> list(w.columns)
        ['comparison', 'level', 'm_probability', 'u_probability', 'match_weight']
        """
        import math

        rows = []
        for comp in self.settings["comparisons"]:
            for level in comp["comparison_levels"]:
                if level.get("is_null_level"):
                    continue
                m, u = level.get("m_probability"), level.get("u_probability")
                weight = math.log2(m / u) if m and u else float("nan")
                rows.append(
                    {
                        "comparison": comp["output_column_name"],
                        "level": level.get("label_for_charts", level["sql_condition"]),
                        "m_probability": m,
                        "u_probability": u,
                        "match_weight": round(weight, 2),
                    }
                )
        return pd.DataFrame(rows)


def _register(db: Any, records: pd.DataFrame, master: pd.DataFrame) -> list[Any]:
    """Register both sides under fresh table names: a shared Spark session keeps the views of
    earlier links, so fixed names would clash."""
    tag = uuid.uuid4().hex[:12]
    return [
        db.register(records, dataset_display_name="records", table_name=f"kit_records_{tag}"),
        db.register(master, dataset_display_name="master", table_name=f"kit_master_{tag}"),
    ]


def default_model() -> LinkModel:
    """The model shipped with the kit (trained on the social security sample).

    Examples
    --------
    >>> default_model().source
    'person_model.json'
    """
    text = resources.files("kit.link").joinpath(SHIPPED_MODEL).read_text(encoding="utf-8")
    return LinkModel(settings=json.loads(text), source=SHIPPED_MODEL)


def train(
    records: pd.DataFrame,
    master: pd.DataFrame,
    *,
    seed: int = SEED,
    max_pairs: float = 2e6,
    backend: Any = "duckdb",
) -> LinkModel:
    """Estimate a model's m and u probabilities from standardised records and a master register.

    Unsupervised, as in practice: u from random pairs (seeded), the share of matches from pairs
    with the same ID number, and m by expectation maximisation (EM) on pairs sharing a birth
    date, then on pairs sharing the pinyin of the name, so each field is trained on pairs
    blocked on another.

    Parameters
    ----------
    records, master : DataFrame
        Standardised identities (:func:`kit.link.standardise`).
    seed : int
        Seed of the random sampling, for a reproducible model.
    max_pairs : float
        Random pairs sampled to estimate u probabilities.
    backend : str or Splink database API
        ``"duckdb"`` (default) or ``"spark"``.

    Returns
    -------
    LinkModel
    """
    from splink import Linker, block_on

    db = database_api(backend)
    linker = Linker(
        _register(db, records, master),
        settings(db.sql_dialect.sql_dialect_str),
        log_level=None,
    )
    share = float(records["id_valid"].mean()) if len(records) else 0.95
    linker.training.estimate_probability_two_random_records_match(
        [block_on("id_number")], recall=max(min(share, 0.99), 0.5)
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_pinyin"))
    return LinkModel(settings=floor_m(linker.misc.save_model_to_json()), source="trained")


def floor_m(settings: dict[str, Any], floor: float = M_FLOOR) -> dict[str, Any]:
    """Raise every m probability to at least ``floor`` and rescale each comparison to sum 1.

    EM on clean sample data learns that true matches almost never disagree on sex or birth date
    (m near 1e-9, a weight of -20 or less), so a single clerk's slip would veto a link. Real data
    has such slips in fields the sample did not degrade; a floor of 0.001 caps that penalty at
    about -10.

    Examples
    --------
    >>> s = {"comparisons": [{"comparison_levels": [
    ...     {"m_probability": 1.0}, {"m_probability": 1e-9}, {"is_null_level": True}]}]}
    >>> [round(lv.get("m_probability", 0), 6) for lv in floor_m(s)["comparisons"][0]["comparison_levels"]]
    [0.999001, 0.000999, 0]
    """
    out = copy.deepcopy(settings)
    for comp in out["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if "m_probability" in lv]
        raised = [max(float(lv["m_probability"]), floor) for lv in levels]
        total = sum(raised)
        for lv, m in zip(levels, raised, strict=True):
            lv["m_probability"] = m / total
    return out
