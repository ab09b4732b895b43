"""Fixtures: a fresh app and empty database per test, on SQLite or (TEST_DATABASE_URL) PostgreSQL."""
import os
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from app import create_app
from icp.extensions import db
from models import User

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session", autouse=True)
def _postgres_schema_fresh():
    """PostgreSQL keeps tables between runs: rebuild the schema once so it matches today's models."""
    if TEST_DATABASE_URL.startswith("postgresql"):
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def _wipe(database) -> None:
    if database.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in database.metadata.sorted_tables)
        database.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        database.session.commit()


class RequestIsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    The test itself holds an app context for its database work; without this, every request would
    share that context's `g`, so the logged-in user and the chosen language would leak between requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture()
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
        "ATTACHMENT_DIR": str(tmp_path / "attachments"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # hashing speed is not under test here
    })
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        db.create_all()
        _wipe(db)
        yield app
        db.session.remove()
        _wipe(db)
        if db.engine.dialect.name == "sqlite":
            db.drop_all()


@pytest.fixture()
def client(app):
    return app.test_client()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def user_make(role: str, username: str | None = None) -> User:
    user = User(username=username or role, role=role, display_name=role, active=True)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def query_count(client, url: str) -> int:
    """How many SQL statements one GET of `url` issues (it must answer 200)."""
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def login(client, username: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_from(page.text)})


@pytest.fixture()
def client_as(app):
    """client_as(role) → a test client logged in as a new user with that role."""
    def make(role: str):
        client = app.test_client()
        user_make(role, username=f"{role}-user")
        response = login(client, f"{role}-user")
        assert response.status_code == 302, response.text
        return client
    return make


@pytest.fixture()
def editor(client_as):
    return client_as("editor")


@pytest.fixture()
def viewer(client_as):
    return client_as("viewer")


@pytest.fixture()
def admin(client_as):
    return client_as("admin")


# Browser tests: the app served from a thread, and headless Chromium -----------------------------------------
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture()
def serve(tmp_path):
    """serve(seed) → (url, app, what seed() returned): the app served from a thread on a free port.

    SQLite runs on a file here (an in-memory database cannot be shared between the server's threads).
    """
    import threading

    from werkzeug.serving import make_server

    running = []

    def start(seed=lambda: None):
        url = TEST_DATABASE_URL if not TEST_DATABASE_URL.startswith("sqlite") else \
            f"sqlite:///{tmp_path / 'live.sqlite'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "browser-test", "TESTING": True,
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "ATTACHMENT_DIR": str(tmp_path / "files")})
        with app.app_context():
            db.drop_all()
            db.create_all()
            seeded = seed()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append((server, app))
        return f"http://127.0.0.1:{server.server_port}", app, seeded

    yield start
    for server, app in running:
        server.shutdown()
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


@pytest.fixture()
def browser_page():
    """A fresh headless Chromium page (Debian's browser; the test tools cannot download their own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser.new_page(locale="zh-TW")
        browser.close()
