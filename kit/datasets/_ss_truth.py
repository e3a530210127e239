"""Ground truth of the social security sample: one row per pensioner with a death record.

Part of :mod:`kit.datasets.social_security`. Reasons are decided from the generated payments,
so the truth always describes the files as written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.datasets._ss_pensions import SCENARIOS, SCHEMES, Pensions

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
    pay_by = dict(tuple(pay.groupby("who")))
    rec_by = rec.groupby("who")["amount"].sum()
    rows = []
    for w in who_list:
        kind = SCENARIOS[pens.scenario[w]]
        mine = pay_by.get(w, pay.iloc[:0])
        died = pens.death[w]
        late = mine[mine["pay_date"] > died] if not np.isnat(died) else mine.iloc[:0]
        periodic = mine["payment_type"].isin(["monthly", "arrears"])
        after = mine[periodic & (mine["t"] > dm[w])]
        amount = 0.0
        if kind in _PLANTED:
            reason = _PLANTED[kind]
        elif (late["payment_type"] == "arrears").any():
            reason = "arrears_for_months_before_death"
        elif (late["payment_type"] == "death_benefit").any():
            reason = "death_benefit_to_family"
        elif (late["payment_type"] == "monthly").any():
            reason = "paid_in_month_of_death"
        else:
            reason = "stopped_on_time"
        recovered = float(rec_by.get(w, 0.0))
        if reason == "payments_continued_after_death":
            amount = round(float(after["amount"].sum()) - recovered, 2)
        note = _note(
            reason, pens, w, late, after, recovered, records, int(pens.person[w]) in renamed
        )
        rows.append((ids[pens.person[w]], REASONS[reason], amount, reason, note))
    out = pd.DataFrame(rows, columns=["subject_id", "is_case", "amount_improper", "reason", "note"])
    out.insert(0, "subject_type", "person")
    out.insert(0, "pattern", PATTERN)
    return out.sort_values("subject_id", kind="stable").reset_index(drop=True)


def _note(
    reason: str,
    pens: Pensions,
    w: int,
    late: pd.DataFrame,
    after: pd.DataFrame,
    recovered: float,
    records: pd.DataFrame,
    namesake: bool,
) -> str:
    """A short English sentence saying what happened to this pensioner."""
    assert pens.death is not None and pens.stop is not None
    scheme = SCHEMES[pens.scheme[w]]
    person = pens.person[w]
    stop = pens.stop[w]
    if reason == "death_recorded_for_living_person":
        rec = records[records["_person"] == person].iloc[0]
        who = "a dead namesake" if namesake else "another person who died"
        return (
            f"A {_SOURCE_WORDS[rec['source']]} death record dated {_day(rec['death_date'])} "
            f"carries this ID number but belongs to {who}; the {scheme} pensioner is alive, "
            "no other source records a death, and the pension is rightly still paid."
        )
    died = f"Died {_day(pens.death[w])}"
    monthly_after = after[after["payment_type"] == "monthly"]
    if reason == "payments_continued_after_death":
        n = len(monthly_after)
        span = f"{_month(int(monthly_after['t'].min()))} to {_month(int(monthly_after['t'].max()))}"
        until = (
            "and it is still being paid"
            if np.isnat(stop)
            else f"until it was stopped on {_day(stop)}"
        )
        back = f"{_yuan(recovered)} recovered" if recovered else "nothing recovered"
        return (
            f"{died}; the death was never matched, so the {scheme} pension went on for {n} more "
            f"months ({span}) {until}: {_yuan(float(after['amount'].sum()))} paid for months "
            f"after death, {back}."
        )
    if reason == "overpayment_recovered":
        n = len(monthly_after)
        return (
            f"{died}; the death was reported late, so {n} more month(s) were paid "
            f"({_yuan(float(after['amount'].sum()))}); the pension stopped on {_day(stop)} and the "
            "overpayment was fully recovered (see pension_recoveries)."
        )
    if reason == "notification_lag_within_grace":
        row = monthly_after.iloc[0]
        days = (pd.Timestamp(row["pay_date"]) - pd.Timestamp(pens.death[w])).days
        return (
            f"{died}; one more month ({_month(int(row['t']))}) was paid on "
            f"{_day(row['pay_date'])}, {days} days after death, before the death was notified; "
            "within a 60-day grace period and not treated as a case."
        )
    if reason == "wrong_death_date_in_one_source":
        rec = records[(records["_person"] == person) & (records["_note"] == "wrong_date")].iloc[0]
        days = (pd.Timestamp(pens.death[w]) - pd.Timestamp(rec["death_date"])).days
        return (
            f"{died}; the {_SOURCE_WORDS[rec['source']]} record gives {_day(rec['death_date'])}, "
            f"{days} days too early, while the other source(s) agree on the real date; the "
            "pension stopped on time."
        )
    if reason == "arrears_for_months_before_death":
        row = late[late["payment_type"] == "arrears"].iloc[0]
        year = 2022 + int(row["t"]) // 12
        return (
            f"{died}; arrears of the {year} pension increase for months up to the month of death "
            f"were paid on {_day(row['pay_date'])}, after death, as the family is entitled to."
        )
    if reason == "death_benefit_to_family":
        row = late[late["payment_type"] == "death_benefit"].iloc[0]
        return (
            f"{died}; a one-off death benefit (funeral grant and survivor benefit) of "
            f"{_yuan(float(row['amount']))} was paid to the family on {_day(row['pay_date'])}."
        )
    if reason == "paid_in_month_of_death":
        row = late[late["payment_type"] == "monthly"].iloc[0]
        return (
            f"{died}; the pension for the month of death ({_month(int(row['t']))}) was paid on "
            f"{_day(row['pay_date'])}, after death, as the rules allow."
        )
    return (
        f"{died}; the {scheme} pension stopped after the month of death and nothing was paid "
        "after death."
    )
