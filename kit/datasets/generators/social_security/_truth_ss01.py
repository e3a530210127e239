"""Ground truth of the social security sample: one row per pensioner with a death record.

Part of :mod:`kit.datasets.generators.social_security`. Reasons are decided from the generated payments,
so the truth always describes the files as written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets.generators.social_security._pensions import SCENARIOS, SCHEMES, Pensions

PATTERN = "pension_after_death"
#: Reason codes (truth.reason) and whether they are real cases.
REASONS = {
    "payments_continued_after_death": True,
    "overpayment_recovered": False,
    "notification_lag_within_grace": False,
    "wrong_death_date_in_one_source": False,
    "death_recorded_for_living_person": False,
    "arrears_for_months_before_death": False,
    "death_benefit_to_family": False,
    "paid_in_month_of_death": False,
    "stopped_on_time": False,
}
_PLANTED = {
    "case": "payments_continued_after_death",
    "recovered": "overpayment_recovered",
    "lag": "notification_lag_within_grace",
    "wrong_date": "wrong_death_date_in_one_source",
    "living": "death_recorded_for_living_person",
}
_SOURCE_WORDS = {
    "public_security": "public-security",
    "civil_affairs": "civil-affairs",
    "health": "health",
}


def _yuan(x: float) -> str:
    return f"{x:,.2f} yuan"


def _day(x: np.datetime64 | pd.Timestamp) -> str:
    return str(pd.Timestamp(x).date())


def _month(t: int) -> str:
    return f"{2022 + t // 12}-{t % 12 + 1:02d}"


def build_truth(
    pens: Pensions,
    ids: np.ndarray,
    records: pd.DataFrame,
    pay: pd.DataFrame,
    rec: pd.DataFrame,
    renamed: dict[int, str],
) -> pd.DataFrame:
    """Truth rows, sorted by ``subject_id``.

    Parameters
    ----------
    pens : Pensions
        The finished roster (scenarios, deaths, stops).
    ids : ndarray of str
        ID number of every person.
    records : DataFrame
        Death records with the helper columns ``_person`` and ``_note``.
    pay, rec : DataFrame
        Payments and recoveries with the helper column ``who`` (pensioner index).
    renamed : dict of int to str
        Living pensioners who share the name of the dead person whose record carries their ID.
    """
    assert pens.death is not None and pens.scenario is not None and pens.stop is not None
    roster = pd.Series(np.arange(len(pens.person)), index=pens.person)
    with_record = np.unique(records["_person"].to_numpy())
    who_list = roster.reindex(with_record).dropna().astype(int).to_numpy()
    dm = pens.death_month
    pays = _Payments(pay, len(pens.person))
    rec_by = rec.groupby("who")["amount"].sum()
    first = _first_records(records)
    rows = []
    for w in who_list:
        kind = SCENARIOS[pens.scenario[w]]
        mine = pays.rows(w)
        died = pens.death[w]
        late = mine[pays.date[mine] > died] if not np.isnat(died) else mine[:0]
        after = mine[pays.periodic[mine] & (pays.t[mine] > dm[w])]
        amount = 0.0
        if kind in _PLANTED:
            reason = _PLANTED[kind]
        elif pays.arrears[late].any():
            reason = "arrears_for_months_before_death"
        elif pays.benefit[late].any():
            reason = "death_benefit_to_family"
        elif pays.monthly[late].any():
            reason = "paid_in_month_of_death"
        else:
            reason = "stopped_on_time"
        recovered = float(rec_by.get(w, 0.0))
        if reason == "payments_continued_after_death":
            amount = round(float(pays.amount[after].sum()) - recovered, 2)
        note = _note(
            reason, pens, w, pays, late, after, recovered, records, first,
            int(pens.person[w]) in renamed,
        )  # fmt: skip
        rows.append((ids[pens.person[w]], REASONS[reason], amount, reason, note))
    out = pd.DataFrame(rows, columns=["subject_id", "is_case", "amount_improper", "reason", "note"])
    out.insert(0, "subject_type", "person")
    out.insert(0, "pattern", PATTERN)
    return out.sort_values("subject_id", kind="stable").reset_index(drop=True)


class _Payments:
    """Payment rows grouped by pensioner, as plain arrays (a pandas group per pensioner is slow)."""

    def __init__(self, pay: pd.DataFrame, n_pensioners: int) -> None:
        who = pay["who"].to_numpy()
        self.order = np.argsort(who, kind="stable")  # each pensioner's rows in row order
        self.bounds = np.searchsorted(who[self.order], np.arange(n_pensioners + 1))
        kind = pay["payment_type"]
        self.monthly = (kind == "monthly").to_numpy()
        self.arrears = (kind == "arrears").to_numpy()
        self.benefit = (kind == "death_benefit").to_numpy()
        self.periodic = self.monthly | self.arrears
        self.t = pay["t"].to_numpy()
        self.date = pay["pay_date"].to_numpy().astype("datetime64[D]")
        self.amount = pay["amount"].to_numpy()

    def rows(self, w: int) -> np.ndarray:
        """Row numbers of pensioner ``w``'s payments, in order."""
        return self.order[self.bounds[w] : self.bounds[w + 1]]


def _first_records(records: pd.DataFrame) -> dict[tuple[int, bool], int]:
    """Row of the first death record of each person, and of their first ``wrong_date`` one."""
    first: dict[tuple[int, bool], int] = {}
    people = records["_person"].to_numpy().tolist()
    wrong = (records["_note"] == "wrong_date").to_numpy().tolist()
    for i, (p, bad) in enumerate(zip(people, wrong, strict=True)):
        first.setdefault((p, False), i)
        if bad:
            first.setdefault((p, True), i)
    return first


def _note(
    reason: str,
    pens: Pensions,
    w: int,
    pays: _Payments,
    late: np.ndarray,
    after: np.ndarray,
    recovered: float,
    records: pd.DataFrame,
    first: dict[tuple[int, bool], int],
    namesake: bool,
) -> str:
    """A short English sentence saying what happened to this pensioner."""
    assert pens.death is not None and pens.stop is not None
    scheme = SCHEMES[pens.scheme[w]]
    person = int(pens.person[w])
    stop = pens.stop[w]
    if reason == "death_recorded_for_living_person":
        rec = records.iloc[first[person, False]]
        who = "a dead namesake" if namesake else "another person who died"
        return (
            f"A {_SOURCE_WORDS[rec['source']]} death record dated {_day(rec['death_date'])} "
            f"carries this ID number but belongs to {who}; the {scheme} pensioner is alive, "
            "no other source records a death, and the pension is rightly still paid."
        )
    died = f"Died {_day(pens.death[w])}"
    monthly_after = after[pays.monthly[after]]
    if reason == "payments_continued_after_death":
        n = len(monthly_after)
        months = pays.t[monthly_after]
        span = f"{_month(int(months.min()))} to {_month(int(months.max()))}"
        until = (
            "and it is still being paid"
            if np.isnat(stop)
            else f"until it was stopped on {_day(stop)}"
        )
        back = f"{_yuan(recovered)} recovered" if recovered else "nothing recovered"
        return (
            f"{died}; the death was never matched, so the {scheme} pension went on for {n} more "
            f"months ({span}) {until}: {_yuan(float(pays.amount[after].sum()))} paid for months "
            f"after death, {back}."
        )
    if reason == "overpayment_recovered":
        n = len(monthly_after)
        return (
            f"{died}; the death was reported late, so {n} more month(s) were paid "
            f"({_yuan(float(pays.amount[after].sum()))}); the pension stopped on {_day(stop)} and "
            "the overpayment was fully recovered (see pension_recoveries)."
        )
    if reason == "notification_lag_within_grace":
        r = monthly_after[0]
        days = (pd.Timestamp(pays.date[r]) - pd.Timestamp(pens.death[w])).days
        return (
            f"{died}; one more month ({_month(int(pays.t[r]))}) was paid on "
            f"{_day(pays.date[r])}, {days} days after death, before the death was notified; "
            "within a 60-day grace period and not treated as a case."
        )
    if reason == "wrong_death_date_in_one_source":
        rec = records.iloc[first[person, True]]
        days = (pd.Timestamp(pens.death[w]) - pd.Timestamp(rec["death_date"])).days
        return (
            f"{died}; the {_SOURCE_WORDS[rec['source']]} record gives {_day(rec['death_date'])}, "
            f"{days} days too early, while the other source(s) agree on the real date; the "
            "pension stopped on time."
        )
    if reason == "arrears_for_months_before_death":
        r = late[pays.arrears[late]][0]
        year = 2022 + int(pays.t[r]) // 12
        return (
            f"{died}; arrears of the {year} pension increase for months up to the month of death "
            f"were paid on {_day(pays.date[r])}, after death, as the family is entitled to."
        )
    if reason == "death_benefit_to_family":
        r = late[pays.benefit[late]][0]
        return (
            f"{died}; a one-off death benefit (funeral grant and survivor benefit) of "
            f"{_yuan(float(pays.amount[r]))} was paid to the family on {_day(pays.date[r])}."
        )
    if reason == "paid_in_month_of_death":
        r = late[pays.monthly[late]][0]
        return (
            f"{died}; the pension for the month of death ({_month(int(pays.t[r]))}) was paid on "
            f"{_day(pays.date[r])}, after death, as the rules allow."
        )
    return (
        f"{died}; the {scheme} pension stopped after the month of death and nothing was paid "
        "after death."
    )
