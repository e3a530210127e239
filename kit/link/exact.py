"""Deterministic linkage (确定性关联): the same valid ID number after cleaning and 15->18."""

from __future__ import annotations

import pandas as pd


def usable_ids(records: pd.DataFrame, master: pd.DataFrame) -> pd.Series:
    """Whether each record's ID number is *usable*: valid once cleaned, and in the master register.

    A number is usable when :func:`kit.ids.validate` accepts its cleaned, 18-character form
    (full-width digits, spaces, hyphens and lower-case ``x`` tidied; 15 digits converted) and a
    person of the master register holds it. Missing numbers and mistyped ones (the check
    character no longer fits) are not usable: those records need probabilistic linkage.

    Parameters
    ----------
    records, master : DataFrame
        Standardised identities (:func:`kit.link.standardise`).

    Returns
    -------
    Series of bool
        Aligned with ``records``.

    Examples
    --------
    >>> from kit.link.standardise import standardise
    >>> m = standardise(pd.DataFrame({"id_number": ["34010219500101122X"], "name": ["张三"]}))
    >>> r = standardise(pd.DataFrame({"id_number": ["340102500101122", "34010219500101123X", None],
    ...                               "name": ["张三"] * 3}))
    >>> usable_ids(r, m).tolist()
    [True, False, False]
    """
    known = set(master.loc[master["id_valid"], "id_number"])
    return records["id_valid"] & records["id_number"].isin(known)


def link_exact(records: pd.DataFrame, master: pd.DataFrame) -> pd.Series:
    """The master ID number of each record with a usable ID number, else ``None``.

    Examples
    --------
    >>> from kit.link.standardise import standardise
    >>> m = standardise(pd.DataFrame({"id_number": ["34010219500101122X"], "name": ["张三"]}))
    >>> r = standardise(pd.DataFrame({"id_number": ["3401 0219 5001 0112 2x", "1"],
    ...                               "name": ["张三", "李四"]}))
    >>> link_exact(r, m).tolist()
    ['34010219500101122X', None]
    """
    ok = usable_ids(records, master)
    return records["id_number"].where(ok, None).astype(object).where(ok, None)
