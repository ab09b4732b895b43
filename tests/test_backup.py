"""`flask icp backup` while the app writes, and `flask icp restore` into an empty database only."""
import threading
import uuid

import pytest
from sqlalchemy import create_engine, func, insert, inspect, select, text
from sqlalchemy.engine import make_url

from app import create_app
from icp.extensions import db
from models import Agency, Contractor, DomesticFirm, IcpCase, Meeting, Procurement
from tests.conftest import TEST_DATABASE_URL
from tests.factories import office_make

BATCH = 4  # procurements the writer commits with each agency, in one transaction
STATIC = (Contractor, DomesticFirm, IcpCase, Meeting)  # written by office_make() in one transaction


@pytest.fixture()
def scratch_url(tmp_path):
    """scratch_url() → the URL of a new, empty database of the kind under test; dropped afterwards."""
    created = []
    server = None
    if TEST_DATABASE_URL.startswith("postgresql"):
        server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")

    def make() -> str:
        if server is None:
            return f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.sqlite'}"
        name = f"icp_backup_{uuid.uuid4().hex[:8]}"
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)

    yield make
    if server is not None:
        with server.connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def app_on(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "backup-test"})


def counts(url: str, models) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        result = {m.__tablename__: conn.scalar(select(func.count()).select_from(m.__table__)) for m in models}
    engine.dispose()
    return result


class Writer(threading.Thread):
    """Keeps committing one agency with BATCH procurements per transaction, on its own connection."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine = create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
        self.committed = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def batches_wait(self, count: int) -> None:
        target = self.committed + count
        while self.committed < target and self.error is None and self.is_alive():
            self.stop.wait(0.005)

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with self.engine.begin() as conn:
                    agency_id = conn.execute(insert(Agency.__table__).values(
                        name=f"寫入中機關{self.committed}", version_id=1).returning(Agency.__table__.c.id)).scalar_one()
                    conn.execute(insert(Procurement.__table__), [
                        {"title": f"購案{self.committed}-{n}", "agency_id": agency_id, "year": 2011, "currency": "USD",
                         "version_id": 1} for n in range(BATCH)])
                self.committed += 1
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error
        finally:
            self.engine.dispose()


def test_backup_while_writing_restores_every_committed_row_consistently(scratch_url, tmp_path):
    source, target = scratch_url(), scratch_url()
    app = app_on(source)
    with app.app_context():
        db.create_all()
        office_make()
        db.engine.dispose()
    static_before = counts(source, STATIC)

    writer = Writer(source)
    writer.start()
    writer.batches_wait(20)
    committed_before = writer.committed  # every one of these batches must be in the backup
    result = app.test_cli_runner().invoke(args=["icp", "backup", str(tmp_path / "office.backup")])
    writer.batches_wait(20)  # the app kept writing during and after the backup
    writer.stop.set()
    writer.join()
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output

    restore = app_on(target).test_cli_runner().invoke(args=["icp", "restore", str(tmp_path / "office.backup")])
    assert restore.exit_code == 0, restore.output

    restored = counts(target, (Agency, Procurement, *STATIC))
    assert {k: restored[k] for k in static_before} == static_before
    written = restored["agency"] - 1  # office_make()'s own agency
    assert committed_before <= written < writer.committed
    assert restored["procurement"] == 1 + BATCH * written  # no transaction restored in part
    engine = create_engine(target)
    with engine.connect() as conn:
        per_agency = conn.execute(select(Procurement.agency_id, func.count()).group_by(Procurement.agency_id)).all()
        assert {n for _agency, n in per_agency} <= {1, BATCH}
        names = set(conn.scalars(select(Agency.name)))
        assert {f"寫入中機關{n}" for n in range(committed_before)} <= names
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    engine.dispose()

    with app_on(target).app_context():  # the app runs on the restored database
        assert db.session.scalar(select(IcpCase.number)) == "C-100-001"
        db.engine.dispose()


def test_restore_into_a_database_with_rows_is_refused_and_writes_nothing(scratch_url, tmp_path):
    source, target = scratch_url(), scratch_url()
    for url in (source, target):
        with app_on(url).app_context():
            db.create_all()
            db.session.add(Agency(name="國防部" if url == source else "交通部"))
            db.session.commit()
            db.engine.dispose()
    assert app_on(source).test_cli_runner().invoke(args=["icp", "backup", str(tmp_path / "b")]).exit_code == 0

    result = app_on(target).test_cli_runner().invoke(args=["icp", "restore", str(tmp_path / "b")])
    assert result.exit_code != 0
    assert "not empty" in result.output and "agency" in result.output and "nothing was written" in result.output
    engine = create_engine(target)
    with engine.connect() as conn:
        assert list(conn.scalars(select(Agency.name))) == ["交通部"]
    engine.dispose()


def test_restore_into_a_migrated_but_empty_database_replaces_its_tables(scratch_url, tmp_path):
    source, target = scratch_url(), scratch_url()
    with app_on(source).app_context():
        db.create_all()
        office_make()
        db.engine.dispose()
    with app_on(target).app_context():
        db.create_all()  # tables, no rows: still an empty database
        db.engine.dispose()
    assert app_on(source).test_cli_runner().invoke(args=["icp", "backup", str(tmp_path / "b")]).exit_code == 0
    result = app_on(target).test_cli_runner().invoke(args=["icp", "restore", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert counts(target, STATIC) == counts(source, STATIC)


def test_restore_refuses_a_file_that_is_not_a_backup(scratch_url, tmp_path):
    target = scratch_url()
    junk = tmp_path / "notes.txt"
    junk.write_text("minutes of the meeting")
    result = app_on(target).test_cli_runner().invoke(args=["icp", "restore", str(junk)])
    assert result.exit_code != 0 and "not a" in result.output
    engine = create_engine(target)
    assert inspect(engine).get_table_names() == []
    engine.dispose()


def test_a_failed_backup_leaves_no_file(tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'missing.sqlite'}")
    result = app.test_cli_runner().invoke(args=["icp", "backup", str(tmp_path / "b")])
    assert result.exit_code != 0 and "no SQLite database" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []
