"""The database: one `Store` over a backend (`sqlite` by default, `postgres` at scale),
with one module per concern that owns its SQL for both dialects."""

from knowledge.store.facade import Store, is_postgres_url, open_database

__all__ = ["Store", "is_postgres_url", "open_database"]
