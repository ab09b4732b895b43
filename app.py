"""The ICP records system: `flask run` finds create_app here; gunicorn serves 'app:create_app()'."""
from flask import Flask

from icp.config import Config, database_url_normalised
from icp.extensions import babel, db, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder="views/templates",
                static_folder="views/static")
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url_normalised(app.config["SQLALCHEMY_DATABASE_URI"])
    register_extensions(app)
    register_security(app)
    register_views(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from icp.i18n import locale_select
    from icp import sqlite  # noqa: F401  (foreign keys on for SQLite connections)
    from icp.history import history_register
    from icp.ledger import ledger_register

    import models  # noqa: F401  (every model on the metadata before migrations look at it)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"), render_as_batch=True)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=locale_select)
    ledger_register()
    history_register()


def register_security(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from icp.security import HttpsSessionInterface, security_headers_set, session_idle_enforce

    if app.config["PROXY_FIX_HOPS"]:  # client address and https from X-Forwarded-For/-Proto of trusted proxies
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.session_interface = HttpsSessionInterface()
    app.before_request(session_idle_enforce)
    app.after_request(security_headers_set)


def register_views(app: Flask) -> None:
    from views import init_admin
    from views.auth import auth

    app.register_blueprint(auth)
    init_admin(app)
    # browsers ask for /favicon.ico on pages without an icon link (the login page)
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.svg"))


def register_commands(app: Flask) -> None:
    from icp.cli import icp_cli, users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(icp_cli)
