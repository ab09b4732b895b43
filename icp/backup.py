"""Backups taken while the app runs, and their restore into an empty database (SQLite and PostgreSQL)."""
import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect, select, table
from sqlalchemy.engine import URL, make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
SCHEMA_ONLY_TABLES = frozenset({"alembic_version"})  # rows that describe the schema, not the office's data


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, and nothing was written."""


def backup_create(*, url: str, path: str | Path, pg_bin_dir: str | None = None) -> Path:
    """Write a consistent copy of the database at `url` to `path` while the app keeps writing.

    SQLite: the online backup API copies every page inside one read transaction. PostgreSQL:
    `pg_dump --format=custom` reads from one snapshot. Either way the copy holds exactly the
    transactions committed before it started. The file appears under its name only when complete.
    """
    parsed, path = make_url(url), Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if parsed.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_file(parsed, must_exist=True), partial)
        elif parsed.get_backend_name() == "postgresql":
            _pg_run("pg_dump", parsed, ["--format=custom", f"--file={partial}"], pg_bin_dir)
        else:
            raise BackupError(f"backups of {parsed.get_backend_name()} databases are not supported")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def backup_restore(*, url: str, path: str | Path, pg_bin_dir: str | None = None) -> None:
    """Restore the backup at `path` into the database at `url`, which must hold no rows.

    Tables without rows (a freshly migrated database) are replaced; a database with any row is
    refused before anything is written, so a restore can never overwrite the office's data.
    """
    parsed, path = make_url(url), Path(path)
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    with path.open("rb") as file:
        magic = file.read(len(SQLITE_MAGIC))
    backend = parsed.get_backend_name()
    expected = {"sqlite": SQLITE_MAGIC, "postgresql": PG_DUMP_MAGIC}.get(backend)
    if expected is None:
        raise BackupError(f"restoring into {backend} databases is not supported")
    if not magic.startswith(expected):
        raise BackupError(f"{path} is not a {backend} backup made by `flask icp backup`")
    filled = tables_with_rows(url)
    if filled:
        raise BackupError("the target database is not empty (rows in: " + ", ".join(filled) + "); "
                          "restore only into an empty database — nothing was written")
    if backend == "sqlite":
        _sqlite_backup(path, _sqlite_file(parsed, must_exist=False))
    else:
        # --clean drops the empty tables a migrated database may have; one transaction: all or nothing
        _pg_run("pg_restore", parsed, ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                                       "--single-transaction", "--exit-on-error", f"--dbname={_libpq_url(parsed)}",
                                       str(path)], pg_bin_dir, dbname_in_args=True)


def tables_with_rows(url: str) -> list[str]:
    """The tables of the database at `url` that hold at least one row (schema bookkeeping aside)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = sorted(set(inspect(conn).get_table_names()) - SCHEMA_ONLY_TABLES)
            return [name for name in names if conn.execute(select(1).select_from(table(name)).limit(1)).first()]
    finally:
        engine.dispose()


def _sqlite_file(url: URL, *, must_exist: bool) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up or restore into")
    file = Path(url.database)
    if must_exist and not file.is_file():
        raise BackupError(f"no SQLite database at {file}")
    return file


def _sqlite_backup(source: Path, target: Path) -> None:
    """Copy every page of `source` into `target` in one step (one read transaction: a consistent copy)."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"the copy in {target} failed SQLite's integrity check")
    finally:
        dst.close()
        src.close()


def _libpq_url(url: URL) -> str:
    """The SQLAlchemy URL as libpq reads it: `postgresql://` without the driver and without the password."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def pg_tool(name: str, pg_bin_dir: str | None = None) -> str:
    """The path of a PostgreSQL client program: PG_BIN_DIR, else PATH, else the newest /usr/lib/postgresql."""
    candidates = [str(Path(pg_bin_dir) / name)] if pg_bin_dir else []
    candidates.append(shutil.which(name) or "")
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                         key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0,
                         reverse=True)
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{name} not found: install the PostgreSQL client programs or set PG_BIN_DIR")


def _pg_run(program: str, url: URL, args: list[str], pg_bin_dir: str | None, *, dbname_in_args: bool = False) -> None:
    # The password travels in the environment, never on the command line (where `ps` would show it).
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    command = [pg_tool(program, pg_bin_dir), *args]
    if not dbname_in_args:
        command.append(f"--dbname={_libpq_url(url)}")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.returncode}")
