"""Alembic migrations of the ledger schema, run by :meth:`kit.ledger.Ledger.init`."""
