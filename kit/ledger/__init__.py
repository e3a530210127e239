"""The two ledgers (两个台账): model ledger (模型台账) and case ledger (案件台账) in a database.

``Ledger`` is the entry point; ``kit.ledger.excel`` reads and writes workbooks, ``PeriodReport``
is the period bulletin and ``Promotion`` the promotion list.
"""

from kit.ledger.api import Ledger
from kit.ledger.promotion import Promotion
from kit.ledger.report import PeriodReport

__all__ = ["Ledger", "PeriodReport", "Promotion"]
