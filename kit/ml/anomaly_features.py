"""Feature builders for peer-group anomaly detection: one row per pharmacy or monitored outlet.

Each builder reads only the dataset's tables (never its truth) with one DuckDB query through
:func:`kit.sql` and returns a frame with the clue columns a scorer needs (``subject_id``,
``subject_name``, ``region_code``, ``peer_group``, ``period_start``, ``period_end``,
``amount_involved``) followed by the features. Every feature is oriented so that a **higher
value is more suspicious**, so a one-sided (upper-tail) robust z-score fits all of them.

:data:`FEATURES` describes each feature: labels in English and Chinese, how to print it, and its
*resolution*: the smallest difference that means something (one percentage point for a share,
one purchase for a count). The scorer floors each peer group's spread at the resolution, so a
peer group where nearly every member has the same value does not turn a trivial difference into
a huge z-score.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kit.datasets import Dataset
from kit.engine import sql
from kit.errors import KitError

#: The clue columns every feature frame starts with, in this order.
ID_COLUMNS = (
    "subject_id",
    "subject_name",
    "region_code",
    "peer_group",
    "period_start",
    "period_end",
    "amount_involved",
)


@dataclass(frozen=True)
class Feature:
    """How one feature is labelled, printed and floored.

    Attributes
    ----------
    en, zh : str
        Short labels (English, Chinese) used in evidence sentences.
    fmt : str
        ``"pct"`` prints a share as a percentage, ``"num"`` a number with one decimal.
    resolution : float
        Smallest meaningful difference, in the feature's own unit; floors the peer spread.
    """

    en: str
    zh: str
    fmt: str
    resolution: float

    def show(self, value: float) -> str:
        """The value as printed in evidence (``12.5%`` or ``3.4``)."""
        return f"{100 * value:.1f}%" if self.fmt == "pct" else f"{value:,.1f}"


#: Features of :func:`pharmacy_features`, in column order.
PHARMACY_FEATURES = {
    "repeat_share": Feature(
        "share of purchases in runs of one identical amount on one day",
        "同日同金额集中结算占比",
        "pct",
        0.01,
    ),
    "max_same_amount": Feature(
        "most purchases of one amount in a day", "单日同一金额最多笔数", "num", 1.0
    ),
    "purchases_per_day": Feature("purchases per trading day", "每个营业日结算笔数", "num", 0.1),
    "purchases_per_card": Feature("purchases per card holder", "每张医保卡结算笔数", "num", 0.1),
    "shared_card_share": Feature(
        "share of purchases in such runs on cards also run the same way at another pharmacy",
        "集中结算所用医保卡同样在其他药店集中结算的占比",
        "pct",
        0.01,
    ),
}

#: Features of :func:`outlet_features`, in column order.
OUTLET_FEATURES = {
    "frozen_share": Feature(
        "share of normal hours with a reading frozen above its floor",
        "监测值在最低读数以上恒定不变的小时占比",
        "pct",
        0.01,
    ),
    "zero_flow_reading_share": Feature(
        "share of hours with zero flow but concentration readings",
        "流量为零仍有浓度读数的小时占比",
        "pct",
        0.01,
    ),
    "fault_share": Feature(
        "share of hours flagged as device fault", "设备故障小时占比", "pct", 0.01
    ),
    "fault_reading_share": Feature(
        "share of fault hours still carrying readings",
        "故障小时中仍有读数的占比",
        "pct",
        0.01,
    ),
    "near_limit_share": Feature(
        "share of readings at 90-100% of the permit limit",
        "读数处于许可限值90%-100%的占比",
        "pct",
        0.01,
    ),
}

#: Every feature by name.
FEATURES = {**PHARMACY_FEATURES, **OUTLET_FEATURES}

_PHARMACY_PEERS = {"region": "i.region_code", "all": "'all'"}
_OUTLET_PEERS = {"medium": "o.medium", "industry": "e.industry", "all": "'all'"}


def pharmacy_features(ds: Dataset, *, min_repeats: int = 3, peer: str = "region") -> pd.DataFrame:
    """One row per retail pharmacy with the features of :data:`PHARMACY_FEATURES`.

    Purchases are pharmacy settlements that were neither refunds nor refunded. Cards are the
    standardised ID numbers (full-width digits, spaces and dashes removed, 15-digit numbers
    widened to 18, check digit dropped), as in MI10. A *run* is a group of at least
    ``min_repeats`` purchases of the identical amount at one pharmacy on one day.

    Parameters
    ----------
    ds : Dataset
        The medical insurance dataset (tables ``settlements`` and ``institutions``).
    min_repeats : int
        Purchases of one amount on one day that make a run (3: three customers buying the same
        basket on the same day is already rare at a county pharmacy with one or two a day).
    peer : {"region", "all"}
        Peer group: the pharmacies of the same county (as MI10), or all pharmacies.

    Returns
    -------
    DataFrame
        :data:`ID_COLUMNS` then the features, sorted by ``subject_id``. ``amount_involved`` is
        what the fund and personal accounts paid for purchases in runs; the period spans the
        days with runs (all purchase days when there is none).

    Examples
    --------
    >>> import kit
    >>> f = pharmacy_features(kit.datasets.load("medical_insurance"))
    >>> len(f), list(f.columns[-2:])
    (120, ['purchases_per_card', 'shared_card_share'])
    """
    _need(ds, ("settlements", "institutions"), "pharmacy_features", "medical_insurance")
    if peer not in _PHARMACY_PEERS:
        raise KitError(f"peer={peer!r} is not known; choose one of {', '.join(_PHARMACY_PEERS)}.")
    if int(min_repeats) < 2:
        raise KitError(
            f"min_repeats={min_repeats}: a run needs at least 2 purchases; give 2 or more."
        )
    query = f"""
    WITH refunded AS (
        SELECT DISTINCT refund_of AS settlement_id FROM settlements
        WHERE is_refund AND refund_of IS NOT NULL
    ),
    std AS (
        SELECT s.*, upper(replace(replace(translate(coalesce(s.id_number, ''),
                        '０１２３４５６７８９Ｘｘ', '0123456789XX'), ' ', ''), '-', '')) AS id_std
        FROM settlements AS s WHERE s.kind = 'pharmacy' AND NOT s.is_refund
    ),
    purchases AS (
        SELECT s.institution_id, s.settle_date AS day, round(s.total_cost, 2) AS amount,
               s.fund_paid + s.account_paid AS paid,
               CASE WHEN length(s.id_std) = 15
                    THEN substr(s.id_std, 1, 6) || '19' || substr(s.id_std, 7, 9)
                    WHEN length(s.id_std) = 18 THEN substr(s.id_std, 1, 17) END AS card
        FROM std AS s LEFT JOIN refunded AS r ON r.settlement_id = s.settlement_id
        WHERE r.settlement_id IS NULL
    ),
    tagged AS (
        SELECT *, count(*) OVER (PARTITION BY institution_id, day, amount) AS same_amount
        FROM purchases
    ),
    run_cards AS (
        SELECT card, count(DISTINCT institution_id) AS pharmacies
        FROM tagged WHERE same_amount >= {int(min_repeats)} AND card IS NOT NULL GROUP BY card
    ),
    per_pharmacy AS (
        SELECT t.institution_id,
               count(*) AS purchases,
               count(DISTINCT t.day) AS days,
               count(DISTINCT t.card) AS cards,
               sum(CASE WHEN t.same_amount >= {int(min_repeats)} THEN 1 ELSE 0 END) AS in_runs,
               sum(CASE WHEN t.same_amount >= {int(min_repeats)} AND rc.pharmacies > 1
                        THEN 1 ELSE 0 END) AS shared,
               max(t.same_amount) AS max_same_amount,
               sum(CASE WHEN t.same_amount >= {int(min_repeats)} THEN t.paid ELSE 0 END)
                   AS run_paid,
               min(CASE WHEN t.same_amount >= {int(min_repeats)} THEN t.day END) AS run_start,
               max(CASE WHEN t.same_amount >= {int(min_repeats)} THEN t.day END) AS run_end,
               min(t.day) AS first_day, max(t.day) AS last_day
        FROM tagged AS t LEFT JOIN run_cards AS rc ON rc.card = t.card
        GROUP BY t.institution_id
    )
    SELECT i.institution_id AS subject_id, i.name AS subject_name, i.region_code,
           {_PHARMACY_PEERS[peer]} AS peer_group,
           coalesce(p.run_start, p.first_day) AS period_start,
           coalesce(p.run_end, p.last_day) AS period_end,
           round(coalesce(p.run_paid, 0), 2) AS amount_involved,
           coalesce(p.in_runs / nullif(p.purchases, 0), 0) AS repeat_share,
           CAST(coalesce(p.max_same_amount, 0) AS DOUBLE) AS max_same_amount,
           coalesce(p.purchases / nullif(p.days, 0), 0) AS purchases_per_day,
           coalesce(p.purchases / nullif(p.cards, 0), 0) AS purchases_per_card,
           coalesce(p.shared / nullif(p.purchases, 0), 0) AS shared_card_share
    FROM institutions AS i LEFT JOIN per_pharmacy AS p ON p.institution_id = i.institution_id
    WHERE i.kind = 'pharmacy'
    ORDER BY i.institution_id
    """
    return _finish(sql(query, ds), PHARMACY_FEATURES)


def outlet_features(
    ds: Dataset,
    *,
    min_run_hours: int = 6,
    respect_notices: bool = True,
    peer: str = "medium",
) -> pd.DataFrame:
    """One row per monitored outlet with the features of :data:`OUTLET_FEATURES`.

    Works on the hourly ``monitoring`` table in DuckDB (a few seconds for the county sample's
    780,000 hours). With ``respect_notices`` the hours inside an announced maintenance or
    production-halt window of the outlet are left out first, as in EN01.

    - ``frozen_share``: normal hours in which a pollutant's reading is part of a run of at least
      ``min_run_hours`` identical consecutive readings *above the outlet's lowest reading of that
      pollutant* (runs at the lowest reading are how analysers report clean water or gas at
      their detection limit, so the feature needs no detection-limit table).
    - ``zero_flow_reading_share``: hours with flow 0 and a concentration reported.
    - ``fault_share``: hours flagged ``F``; ``fault_reading_share``: fault hours that still
      carry a reading (a fault normally blanks them).
    - ``near_limit_share``: normal readings at 90-100 % of the permit limit (values kept just
      under the limit).

    Parameters
    ----------
    ds : Dataset
        The environment dataset (``monitoring``, ``outlets``, ``enterprises``, ``permits``,
        ``maintenance_notices``).
    min_run_hours : int
        Consecutive identical readings that count as frozen.
    respect_notices : bool
        Leave out hours inside announced windows.
    peer : {"medium", "industry", "all"}
        Peer group: outlets of the same medium (water or air; default), the same industry, or
        all outlets.

    Returns
    -------
    DataFrame
        :data:`ID_COLUMNS` then the features, sorted by ``subject_id``; ``amount_involved`` is 0
        and the period spans the outlet's monitored hours.
    """
    _need(
        ds,
        ("monitoring", "outlets", "enterprises", "permits", "maintenance_notices"),
        "outlet_features",
        "environment",
    )
    if peer not in _OUTLET_PEERS:
        raise KitError(f"peer={peer!r} is not known; choose one of {', '.join(_OUTLET_PEERS)}.")
    if int(min_run_hours) < 2:
        raise KitError(f"min_run_hours={min_run_hours}: a run needs at least 2 hours.")
    announced = (
        """EXISTS (SELECT 1 FROM maintenance_notices AS n WHERE n.outlet_id = m.outlet_id
                   AND m.ts >= n.start_ts AND m.ts <= n.end_ts)"""
        if respect_notices
        else "FALSE"
    )
    query = f"""
    WITH hours AS (
        SELECT m.*, coalesce(m.cod, m.so2, m.nh3n, m.nox, m.total_cr, m.lead) AS any_value
        FROM monitoring AS m WHERE NOT ({announced})
    ),
    normal AS (
        SELECT outlet_id, ts, pollutant, value
        FROM (UNPIVOT (SELECT outlet_id, ts, cod, nh3n, total_cr, lead, so2, nox
                       FROM hours WHERE status = 'N')
              ON cod, nh3n, total_cr, lead, so2, nox INTO NAME pollutant VALUE value)
    ),
    islands AS (
        SELECT *,
               row_number() OVER (PARTITION BY outlet_id, pollutant ORDER BY ts)
               - row_number() OVER (PARTITION BY outlet_id, pollutant, value ORDER BY ts) AS island,
               min(value) OVER (PARTITION BY outlet_id, pollutant) AS floor_value
        FROM normal
    ),
    runs AS (
        SELECT *, count(*) OVER (PARTITION BY outlet_id, pollutant, value, island) AS run_hours
        FROM islands
    ),
    frozen AS (
        SELECT outlet_id, count(DISTINCT ts) AS frozen_hours
        FROM runs WHERE run_hours >= {int(min_run_hours)} AND value > floor_value
        GROUP BY outlet_id
    ),
    near AS (
        SELECT n.outlet_id,
               avg(CASE WHEN n.value > 0.9 * p.limit_value AND n.value <= p.limit_value
                        THEN 1.0 ELSE 0.0 END) AS near_limit_share
        FROM normal AS n
        JOIN permits AS p ON p.outlet_id = n.outlet_id AND p.pollutant = n.pollutant
         AND CAST(n.ts AS DATE) BETWEEN p.valid_from AND p.valid_to
        GROUP BY n.outlet_id
    ),
    per_outlet AS (
        SELECT outlet_id, count(*) AS hours,
               sum(CASE WHEN status = 'N' THEN 1 ELSE 0 END) AS normal_hours,
               sum(CASE WHEN flow = 0 AND any_value IS NOT NULL THEN 1 ELSE 0 END) AS zero_read,
               sum(CASE WHEN status = 'F' THEN 1 ELSE 0 END) AS fault_hours,
               sum(CASE WHEN status = 'F' AND any_value IS NOT NULL THEN 1 ELSE 0 END)
                   AS fault_read,
               min(ts) AS first_ts, max(ts) AS last_ts
        FROM hours GROUP BY outlet_id
    )
    SELECT o.outlet_id AS subject_id, e.name AS subject_name, e.region_code,
           {_OUTLET_PEERS[peer]} AS peer_group,
           CAST(h.first_ts AS DATE) AS period_start, CAST(h.last_ts AS DATE) AS period_end,
           0.0 AS amount_involved,
           coalesce(f.frozen_hours, 0) / nullif(h.normal_hours, 0) AS frozen_share,
           h.zero_read / h.hours AS zero_flow_reading_share,
           h.fault_hours / h.hours AS fault_share,
           coalesce(h.fault_read / nullif(h.fault_hours, 0), 0) AS fault_reading_share,
           coalesce(nr.near_limit_share, 0) AS near_limit_share,
           o.medium
    FROM outlets AS o
    JOIN per_outlet AS h ON h.outlet_id = o.outlet_id
    JOIN enterprises AS e ON e.uscc = o.uscc
    LEFT JOIN frozen AS f ON f.outlet_id = o.outlet_id
    LEFT JOIN near AS nr ON nr.outlet_id = o.outlet_id
    ORDER BY o.outlet_id
    """
    raw = sql(query, ds)
    raw["frozen_share"] = raw["frozen_share"].fillna(0.0)
    medium = raw.pop("medium")
    out = _finish(raw, OUTLET_FEATURES)
    out.insert(2, "medium", medium.astype(str).to_numpy())
    return out


def _finish(raw: pd.DataFrame, features: dict[str, Feature]) -> pd.DataFrame:
    """Typed, ordered columns: ids as strings, dates as datetime64[s], features as float."""
    out = raw[list(ID_COLUMNS) + list(features)].copy()
    for col in ("subject_id", "subject_name", "region_code", "peer_group"):
        out[col] = out[col].astype(str)
    for col in ("period_start", "period_end"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[s]")
    for col in ["amount_involved", *features]:
        out[col] = pd.to_numeric(out[col]).astype(float)
    return out.sort_values("subject_id", kind="mergesort").reset_index(drop=True)


def _need(ds: Dataset, tables: tuple[str, ...], what: str, field: str) -> None:
    missing = [t for t in tables if t not in ds.tables]
    if missing:
        raise KitError(
            f"{what} needs table(s) {', '.join(missing)}, which dataset {ds.name!r} lacks. "
            f'Fix: pass the {field} dataset, e.g. kit.datasets.load("{field}").'
        )
