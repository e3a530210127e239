"""Alembic revision scripts, oldest first (``0001_initial`` creates the two ledgers)."""
