"""The migrations build an empty database to head, and they describe exactly what the models describe."""
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from icp.extensions import db
from tests.conftest import TEST_DATABASE_URL

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def empty_database_url(tmp_path):
    """A brand-new database of the kind under test (a temporary file, or a fresh PostgreSQL database)."""
    if TEST_DATABASE_URL.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    name = f"icp_migration_{uuid.uuid4().hex[:8]}"
    server = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def test_upgrade_builds_every_table_and_matches_the_models(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names()) - {"alembic_version"}
            drift = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert tables == set(db.metadata.tables)
        assert drift == [], f"models and migrations differ: {drift}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_flask_db_upgrade_command_builds_every_table(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) - {"alembic_version"} == set(db.metadata.tables)
        db.engine.dispose()


def test_app_factory_leaves_flask_migrate_unimported():
    """Flask-Migrate brings Alembic, Mako and Pygments (~11 MB in every worker): only migrating loads it."""
    code = ("import sys; from app import create_app; create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
            "print(sorted(m for m in ('flask_migrate', 'alembic', 'mako') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_summary_revision_fills_its_tables_from_the_decisions_already_stored(empty_database_url):
    """0007 upgrades a database holding decisions: its tables equal the GROUP BYs the app keeps them with."""
    from decimal import Decimal

    from sqlalchemy import select

    from icp import summary
    from icp.demo import demo_load
    from models import MeetingCredit, YearDimensionCredit

    def rows(query, keys):
        return {tuple(row[:keys]): tuple(Decimal(v).quantize(Decimal("0.01")) for v in row[keys:])
                for row in db.session.execute(query)}

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade()
        demo_load()
        downgrade(revision="0006")
        upgrade()
        meetings = rows(select(MeetingCredit.meeting_id, MeetingCredit.kind, MeetingCredit.currency,
                               MeetingCredit.decisions, MeetingCredit.credits), 3)
        dimensions = rows(select(YearDimensionCredit.dimension, YearDimensionCredit.year, YearDimensionCredit.kind,
                                 YearDimensionCredit.currency, YearDimensionCredit.value, YearDimensionCredit.decisions,
                                 YearDimensionCredit.credits, YearDimensionCredit.usd_credits), 5)
        assert meetings and meetings == rows(summary.meeting_sums(), 3)
        expected = {}
        for dimension in summary.YEAR_DIMENSIONS:
            expected.update({(dimension, *key[:3], key[4]): values
                             for key, values in rows(summary.year_dimension_sums(dimension), 5).items()})
        assert dimensions and dimensions == expected
        db.session.remove()
        db.engine.dispose()
