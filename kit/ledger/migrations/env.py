"""Alembic environment of the ledger: runs on the connection :meth:`Ledger.init` hands over.

Run programmatically only (``Ledger.init()`` / ``kit ledger init``); there is no alembic.ini.
Importing this module outside a migration (documentation tools, test discovery) does nothing.
"""

from __future__ import annotations

from alembic import context

from kit.ledger.schema import metadata


def run_migrations() -> None:
    """Run the pending revisions on the connection in ``config.attributes['connection']``."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "Run ledger migrations with kit.ledger.Ledger(...).init() or `kit ledger init`."
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if hasattr(context, "config"):  # set only while Alembic runs this file
    run_migrations()
