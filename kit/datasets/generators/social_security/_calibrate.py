"""Generated distributions of the social security field beside DOMAIN.md section 4.

Part of :mod:`kit.datasets.generators.social_security`.
"""

from __future__ import annotations

import pandas as pd

_COLUMNS = ["measure", "value", "low", "high", "unit", "reference"]


def calibrate(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Measures of the generated tables with the range each should fall in.

    Parameters
    ----------
    tables : dict of str to DataFrame
        The tables of :func:`generate` or of a loaded dataset.

    Returns
    -------
    DataFrame
        ``measure, value, low, high, unit, reference``.
    """
    persons = tables["persons"]
    birth = pd.to_datetime(persons["birth_date"])
    ref = pd.Timestamp("2024-01-01")
    age = (ref - birth).dt.days / 365.2425
    rec = tables["pension_recipients"]
    pay = tables["pension_payments"]
    monthly = pay[pay["payment_type"] == "monthly"]
    dec = monthly[monthly["period"].astype(str) == "2024-06"]
    mean = dec.groupby("scheme")["amount"].mean()
    deaths = tables["deaths"]
    hh = tables["allowance_households"]
    per_person = (hh["monthly_amount"] / hh["members"]).groupby(hh["area"]).mean()
    ue = tables["unemployment_payments"]["amount"].mean()
    n = len(persons)
    n_dead = len(pd.unique(deaths["id_number"].dropna()))
    rows = [
        ("share of persons aged 60+", 100 * (age >= 60).mean(), 19, 25, "percent",
         "Anhui about 21 % aged 60 or over (2023)"),
        ("crude death rate", 1000 * n_dead / n / 3, 5, 11, "per mille a year",
         "Anhui about 8 per mille"),
        ("pensioners among persons", 100 * len(rec) / n, 20, 35, "percent",
         "about 30 % of Anhui residents draw a basic pension"),
        ("mean employee pension (2024-06)", mean.get("employee", 0.0), 2_500, 3_500, "yuan/month",
         "DOMAIN.md: enterprise employee pension about 2,500-3,500"),
        ("mean institution pension (2024-06)", mean.get("institution", 0.0), 3_500, 7_000,
         "yuan/month", "DOMAIN.md: public-institution pensions higher"),
        ("mean resident pension (2024-06)", mean.get("resident", 0.0), 120, 300, "yuan/month",
         "DOMAIN.md: urban-rural resident pension about 120-300"),
        ("allowance per person, urban", per_person.get("urban", 0.0), 450, 800, "yuan/month",
         "DOMAIN.md: several hundred yuan, urban higher than rural"),
        ("allowance per person, rural", per_person.get("rural", 0.0), 300, 650, "yuan/month",
         "DOMAIN.md: several hundred yuan, urban higher than rural"),
        ("allowance recipients among persons", 100 * len(tables["allowance_members"]) / n, 2, 6,
         "percent", "Anhui about 3 % of residents receive the allowance"),
        ("mean unemployment benefit", ue, 1_800, 2_000, "yuan/month",
         "DOMAIN.md: a little under the minimum wage, about 1,800-2,000"),
        ("death records per real death", len(deaths) / max(n_dead, 1), 1.0, 3.0, "records",
         "three sources, each missing some deaths"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=_COLUMNS)
