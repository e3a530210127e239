"""Ground truth of SS02-SS05, decided from the generated tables.

Part of :mod:`kit.datasets.generators.social_security`. Reason codes and whether they are real
cases are in :data:`REASONS`; every row also gets a one-sentence English note without names or
ID numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: pattern -> reason -> is_case
REASONS: dict[str, dict[str, bool]] = {
    "pension_during_custody": {
        "pension_paid_during_imprisonment": True,
        "paid_only_for_partial_months": False,
        "pretrial_detention_released": False,
        "community_correction_keeps_basic_pension": False,
    },
    "increase_during_correction": {
        "increase_paid_during_correction": True,
        "increase_recovered": False,
        "correction_ended_before_effective_month": False,
        "correction_began_after_effective_month": False,
    },
    "allowance_ineligible": {
        "car_above_threshold": True,
        "company_owner": True,
        "member_on_public_payroll": True,
        "allowance_after_death": True,
        "company_registered_with_stolen_identity": False,
        "cheap_vehicle_below_threshold": False,
        "vehicle_sold_before_allowance": False,
        "payroll_ended_before_allowance": False,
    },
    "unemployment_while_employed": {
        "benefit_paid_while_employed": True,
        "one_month_overlap_at_reemployment": False,
        "backdated_contribution_correction": False,
    },
}
SUBJECT_TYPES = {"allowance_ineligible": "household"}
_NOTES = {
    "pension_paid_during_imprisonment": "The pensioner was {ctype} from {start} and the pension "
    "went on for {n} full month(s) in custody, {amount} that should have been suspended.",
    "paid_only_for_partial_months": "The pensioner was {ctype} from {start}; the pension was "
    "suspended for the full months in custody and paid only for the months of admission and "
    "release, as the rules allow.",
    "pretrial_detention_released": "The pensioner was held in pretrial detention from {start} "
    "and released without a conviction; pretrial detention does not stop the pension.",
    "community_correction_keeps_basic_pension": "The pensioner was under community correction "
    "({kind}) from {start}, which does not stop the basic pension.",
    "increase_paid_during_correction": "The pensioner was under community correction on "
    "1 January {year} but received that year's pension increase, {amount} paid in excess.",
    "increase_recovered": "The {year} increase was paid during community correction, then "
    "stopped and deducted from later pensions; nothing is outstanding.",
    "correction_ended_before_effective_month": "Community correction ended on {end}, before "
    "1 January {year}, so the {year} increase was rightly paid.",
    "correction_began_after_effective_month": "Community correction began on {start}, after "
    "1 January {year}, so the {year} increase was rightly paid.",
    "car_above_threshold": "A household member owns a car bought for {price} while the household "
    "draws the allowance, {amount} paid although ineligible.",
    "company_owner": "A household member is the legal representative of an active company "
    "registered on {reg}, {amount} paid although ineligible.",
    "member_on_public_payroll": "A household member is on the public payroll since {start}, "
    "{amount} paid although ineligible.",
    "allowance_after_death": "The only member of the household died in {month} and the "
    "allowance went on, {amount} paid after death.",
    "company_registered_with_stolen_identity": "A household member appears as legal "
    "representative of a company, but a police report records that the identity was used "
    "without consent.",
    "cheap_vehicle_below_threshold": "A household member owns a {vtype} bought for {price}, "
    "below the local 50,000-yuan exclusion rule.",
    "vehicle_sold_before_allowance": "A household member's car was transferred on {gone}, "
    "before the allowance began.",
    "payroll_ended_before_allowance": "A household member had left the public payroll before "
    "the allowance began in {end}.",
    "benefit_paid_while_employed": "Unemployment benefit was paid for {n} month(s) while a new "
    "employer paid contributions, {amount} drawn while employed.",
    "one_month_overlap_at_reemployment": "The claimant started a new job in the last month of "
    "benefit; one month of overlap at re-employment is normal.",
    "backdated_contribution_correction": "The former employer back-dated contributions on "
    "{declared} after labour arbitration; the claimant was not working in those months.",
}


def yuan(x: float) -> str:
    """``1,234.50 yuan``."""
    return f"{x:,.2f} yuan"


def row(pattern: str, subject: str, reason: str, amount: float, **facts: object) -> tuple:
    """One truth row; ``facts`` fill the note template of ``reason``."""
    case = REASONS[pattern][reason]
    amount = round(float(amount), 2) if case else 0.0
    note = _NOTES[reason].format(amount=yuan(amount), **facts)
    return (pattern, SUBJECT_TYPES.get(pattern, "person"), subject, case, amount, reason, note)


def frame(rows: list[tuple]) -> pd.DataFrame:
    """Truth rows as a frame with the contract's columns."""
    cols = ["pattern", "subject_type", "subject_id", "is_case", "amount_improper", "reason", "note"]
    out = pd.DataFrame(rows, columns=cols)
    out["is_case"] = out["is_case"].astype(bool)
    out["amount_improper"] = out["amount_improper"].astype(float)
    return out


def day(x: np.datetime64) -> str:
    """ISO date or 'the end of the window'."""
    return "an open date" if np.isnat(x) else str(np.datetime64(x, "D"))
