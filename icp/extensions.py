"""Flask extensions, created unbound and initialised by the app factory."""
import click
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

# Named constraints so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class MigrateOnFirstUse:
    """Flask-Migrate, imported only by what migrates: `flask db …`, and flask_migrate.upgrade() in tests and the
    bench. Importing it imports Alembic, Mako and Pygments (~11 MB resident), which a served app never uses.

    init_app takes Flask-Migrate's arguments; app.extensions["migrate"] and the `db` command are stand-ins that
    set the real Flask-Migrate up (and step aside) when first touched.
    """

    def init_app(self, app, db, **options) -> None:
        app.extensions["migrate"] = _MigrateConfigStandIn(app, db, options)
        app.cli.add_command(_MigrateCommands())


class _MigrateConfigStandIn:
    """app.extensions["migrate"] until an attribute is read: then Flask-Migrate's own config replaces it."""

    def __init__(self, app, db, options: dict):
        self._app, self._db, self._options = app, db, options

    def __getattr__(self, name: str):
        if name.startswith("_"):  # copy/pickle probes and attributes not set yet: not a migration
            raise AttributeError(name)
        from flask_migrate import Migrate

        Migrate(self._app, self._db, **self._options)  # its init_app puts the real config in app.extensions
        return getattr(self._app.extensions["migrate"], name)


class _MigrateCommands(click.Group):
    """`flask db`: listed with the app's commands; Flask-Migrate's group is imported when it is invoked."""

    def __init__(self):
        super().__init__("db", help="Perform database migrations (Flask-Migrate).")

    def make_context(self, info_name, args, parent=None, **extra):
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = MigrateOnFirstUse()
login_manager = LoginManager()
babel = Babel()
