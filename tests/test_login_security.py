"""Hardened login: lockout, idle sessions, cookies, security headers, the password rule, own password, deactivation."""
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from icp.extensions import db
from icp.security import IDLE_KEY, login_attempt_record, login_locked, password_problem
from models import LoginAttempt, User
from models.user import utcnow
from tests.conftest import PASSWORD, csrf_from, login, user_make
from tests.factories import office_make

ROOT = Path(__file__).resolve().parent.parent
LOCKED = "登入失敗次數過多"


def attempts() -> list[LoginAttempt]:
    db.session.expire_all()
    return list(db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)))


def attempts_age(by: timedelta) -> None:
    """Move every logged attempt back in time: the clock moving forward, without sleeping."""
    for attempt in attempts():
        attempt.at -= by
    db.session.commit()


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


# Lockout ---------------------------------------------------------------------------------------------
def test_eleventh_attempt_is_refused_even_with_the_right_password_until_the_cooldown_ends(app, client):
    user_make("editor", "clerk")
    for _ in range(10):
        assert login(client, "clerk", "wrong-password").status_code == 200
    response = login(client, "clerk", PASSWORD)
    assert response.status_code == 200 and LOCKED in response.text and "15 分鐘" in response.text
    assert not logged_in(client)
    assert [a.succeeded for a in attempts()] == [False] * 11  # the refusal is logged too
    assert {(a.username, a.address) for a in attempts()} == {("clerk", "127.0.0.1")}

    attempts_age(app.config["LOGIN_COOLDOWN"] - timedelta(minutes=1))
    response = login(client, "clerk", PASSWORD)
    assert LOCKED in response.text and not logged_in(client)  # still within the cool-down

    attempts_age(app.config["LOGIN_COOLDOWN"] + timedelta(minutes=1))
    assert login(client, "clerk", PASSWORD).status_code == 302
    assert logged_in(client)
    assert attempts()[-1].succeeded


def test_the_tenth_failure_already_says_the_account_is_locked(app, client):
    user_make("editor", "clerk")
    for _ in range(9):
        assert "帳號或密碼錯誤" in login(client, "clerk", "wrong-password").text
    assert LOCKED in login(client, "clerk", "wrong-password").text


def test_failures_from_one_address_lock_every_account_from_it_but_not_from_elsewhere(app, app_client):
    user_make("editor", "clerk")
    guesser = app_client("192.0.2.7")
    for n in range(10):
        login(guesser, f"guess{n}", "wrong-password")
    assert LOCKED in login(guesser, "clerk", PASSWORD).text
    colleague = app_client("192.0.2.8")
    assert login(colleague, "clerk", PASSWORD).status_code == 302


def test_failures_for_one_account_lock_it_from_every_address(app, app_client):
    user_make("editor", "clerk")
    for n in range(10):
        login(app_client(f"198.51.100.{n}"), "clerk", "wrong-password")
    assert LOCKED in login(app_client("198.51.100.200"), "clerk", PASSWORD).text
    user_make("viewer", "reader")
    assert login(app_client("198.51.100.200"), "reader", PASSWORD).status_code == 302


@pytest.mark.parametrize("failures, minutes_ago, spread, locked", [
    (9, 0, 0, False),  # one short of the limit
    (10, 0, 0, True),
    (10, 14, 0, True),  # latest failure 14 minutes ago: 1 minute of cool-down left
    (10, 16, 0, False),  # cool-down over
    (10, 0, 2, False),  # ten failures, but spread over 20 minutes: only 8 within the window
])
def test_login_locked_rule(app, failures, minutes_ago, spread, locked):
    now = utcnow()
    for n in range(failures):
        login_attempt_record(username="clerk", address="203.0.113.1", succeeded=False,
                             now=now - timedelta(minutes=minutes_ago + n * spread))
    result = login_locked(username="clerk", address="203.0.113.9", now=now)
    assert (result is not None) is locked
    if locked:
        assert result == app.config["LOGIN_COOLDOWN"] - timedelta(minutes=minutes_ago)


def test_successes_do_not_count_as_failures(app):
    now = utcnow()
    for _ in range(20):
        login_attempt_record(username="clerk", address="203.0.113.1", succeeded=True, now=now)
    assert login_locked(username="clerk", address="203.0.113.1", now=now) is None


def test_client_address_comes_from_the_proxy_only_when_configured(tmp_path):
    for hops, expected in ((0, "127.0.0.1"), (1, "203.0.113.50")):
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/{hops}.db",
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "PROXY_FIX_HOPS": hops})
        with app.app_context():
            db.create_all()
            client = app.test_client()
            token = csrf_from(client.get("/login").text)
            client.post("/login", data={"username": "nobody", "password": "x", "csrf_token": token},
                        headers={"X-Forwarded-For": "203.0.113.50", "X-Forwarded-Proto": "https"})
            assert db.session.scalar(select(LoginAttempt.address)) == expected
            db.engine.dispose()


# Idle sessions and deactivation ---------------------------------------------------------------------------
def test_a_session_idle_longer_than_the_timeout_is_signed_out(app, editor):
    assert logged_in(editor)
    with editor.session_transaction() as session:
        session[IDLE_KEY] = time.time() - app.config["SESSION_IDLE_TIMEOUT"].total_seconds() - 60
    response = editor.get("/admin/contractor/")
    assert response.status_code == 302 and response.location.startswith("/login?next=/admin/contractor/")
    assert "閒置過久，已自動登出" in editor.get(response.location).text
    assert not logged_in(editor)


def test_a_session_used_within_the_timeout_stays_and_is_refreshed(app, editor):
    idle = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    with editor.session_transaction() as session:
        session[IDLE_KEY] = time.time() - idle + 60
    assert logged_in(editor)
    with editor.session_transaction() as session:
        assert time.time() - session[IDLE_KEY] < 5


def test_idle_timeout_is_read_from_the_settings(app, editor):
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=5)
    with editor.session_transaction() as session:
        session[IDLE_KEY] = time.time() - 6 * 60
    assert editor.get("/admin/").status_code == 302


def test_a_deactivated_user_is_signed_out_at_the_next_request(app, editor):
    assert logged_in(editor)
    clerk = db.session.scalars(select(User).where(User.username == "editor-user")).one()
    clerk.active = False
    db.session.commit()
    response = editor.get("/admin/contractor/")
    assert response.status_code == 302 and "/login" in response.location
    clerk.active = True
    db.session.commit()
    assert not logged_in(editor)  # the session was not resumed by reactivation


# Cookies and headers ---------------------------------------------------------------------------------------
def session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_session_cookie_is_httponly_lax_and_secure_only_over_https(app, client):
    plain = session_cookie(client.get("/login"))
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    secure = session_cookie(app.test_client().get("/login", base_url="https://records.example"))
    assert "Secure" in secure and "HttpOnly" in secure


def test_session_cookie_secure_setting_applies_to_plain_http_too(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "Secure" in session_cookie(client.get("/login"))


@pytest.mark.parametrize("https, expected", [("1", True), ("", False)])
def test_https_environment_variable_makes_cookies_secure(https, expected):
    code = ("from app import create_app; c = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'}).config; "
            "print(c['SESSION_COOKIE_SECURE'], c['REMEMBER_COOKIE_SECURE'])")
    env = {**os.environ, "HTTPS": https}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == [str(expected)] * 2


@pytest.mark.parametrize("path", ["/login", "/admin/", "/admin/contractor/", "/admin/static/vendor/jquery.min.js",
                                  "/no-such-page"])
def test_every_response_carries_the_security_headers(app, editor, path):
    headers = editor.get(path).headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy and "unsafe-eval" not in policy


def test_admin_scripts_carry_this_requests_nonce(app, editor):
    first, second = editor.get("/admin/contractor/"), editor.get("/admin/contractor/")
    nonce = re.search(r"'nonce-([^']+)'", first.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", first.text)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert nonce not in second.headers["Content-Security-Policy"]  # a new nonce every request


def test_login_and_password_pages_need_no_inline_script_or_style(app, editor, client):
    for page in (client.get("/login").text, editor.get("/account/password").text):
        assert "<script" not in page and "style=" not in page and "<style" not in page


# Passwords --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("password, username, refused", [
    ("123456789", "clerk", True),  # 9 characters
    ("1234567890", "clerk", False),
    ("clerk-office", "clerk-office", True),
    ("Clerk-Office", "clerk-office", True),  # case does not matter
    ("a-long-password", "clerk", False),
])
def test_password_rule(app, password, username, refused):
    assert (password_problem(password, username=username) is not None) is refused


@pytest.mark.parametrize("password", ["short-pw", "Chief-Admin"])
def test_cli_refuses_a_password_the_rule_refuses(app, password):
    result = app.test_cli_runner().invoke(args=["users", "create", "chief-admin", "--password-stdin"],
                                          input=f"{password}\n")
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_user_screen_refuses_a_password_the_rule_refuses(app, admin):
    url = "/admin/user/new/"
    for password, message in (("short-pw", "密碼至少須 10 個字元"), ("New-Clerk1", "密碼不可與帳號相同")):
        page = admin.post(url, data={"username": "new-clerk1", "role": "editor", "active": "y", "password": password,
                                     "csrf_token": csrf_from(admin.get(url).text)})
        assert page.status_code == 200 and message in page.text
    assert db.session.scalars(select(User).where(User.username == "new-clerk1")).first() is None


# Own password -----------------------------------------------------------------------------------------------
def password_post(client, **fields):
    token = csrf_from(client.get("/account/password").text)
    return client.post("/account/password", data={"csrf_token": token, **fields})


def test_own_password_page_needs_a_login(app, client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.location


def test_navbar_links_to_the_own_password_page(app, viewer):
    assert 'href="/account/password"' in viewer.get("/admin/").text


@pytest.mark.parametrize("fields, message", [
    ({"current": "wrong-password", "new": "a-new-password", "confirm": "a-new-password"}, "目前密碼不正確"),
    ({"current": PASSWORD, "new": "short", "confirm": "short"}, "密碼至少須 10 個字元"),
    ({"current": PASSWORD, "new": "VIEWER-USER", "confirm": "VIEWER-USER"}, "密碼不可與帳號相同"),
    ({"current": PASSWORD, "new": "a-new-password", "confirm": "another-password"}, "兩次輸入的新密碼不一致"),
])
def test_own_password_change_refuses_bad_input(app, viewer, fields, message):
    response = password_post(viewer, **fields)
    assert response.status_code == 200 and message in response.text
    user = db.session.scalars(select(User).where(User.username == "viewer-user")).one()
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_own_password_change_without_csrf_is_refused(app, viewer):
    response = viewer.post("/account/password", data={"current": PASSWORD, "new": "a-new-password",
                                                      "confirm": "a-new-password"})
    assert response.status_code == 200
    user = db.session.scalars(select(User).where(User.username == "viewer-user")).one()
    assert user.check_password(PASSWORD)


def test_own_password_change_works_for_any_role(app, viewer, client):
    response = password_post(viewer, current=PASSWORD, new="a-new-password", confirm="a-new-password")
    assert response.status_code == 302
    assert "密碼已變更" in viewer.get(response.location).text
    assert login(client, "viewer-user", PASSWORD).status_code == 200
    assert login(client, "viewer-user", "a-new-password").status_code == 302


def test_guessing_the_current_password_counts_toward_the_lockout(app, viewer):
    for _ in range(10):
        password_post(viewer, current="wrong-password", new="a-new-password", confirm="a-new-password")
    response = password_post(viewer, current=PASSWORD, new="a-new-password", confirm="a-new-password")
    assert LOCKED in response.text
    assert db.session.scalars(select(User).where(User.username == "viewer-user")).one().check_password(PASSWORD)


# Fixtures ---------------------------------------------------------------------------------------------------
@pytest.fixture()
def app_client(app):
    """app_client(address) → a test client whose requests come from that client address."""
    def make(address: str):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client
    return make


# The Content-Security-Policy in a real browser -------------------------------------------------------------------
VIOLATIONS = """document.addEventListener('securitypolicyviolation', e => {
    (window.__violations = window.__violations || []).push(e.violatedDirective + ' ' + e.blockedURI); });"""


@pytest.fixture()
def live_office(serve):
    """The app with an admin and a small office: its URL and the office's case id."""
    def seed():
        user_make("admin", "chief")
        return office_make()["case"].id
    url, _app, case_id = serve(seed)
    return url, case_id


@pytest.fixture()
def watched_page(browser_page):
    """A Chromium page that records console errors and Content-Security-Policy violations."""
    page = browser_page
    page.errors = []
    page.on("console", lambda m: m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.add_init_script(VIOLATIONS)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__violations || []") + page.errors


def test_screens_work_under_the_content_security_policy(live_office, watched_page):
    base, case_id = live_office
    page = watched_page
    page.goto(f"{base}/login")
    # the policy is enforced: a script injected into the page does not run, and is reported
    assert page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__injected = 1'; document.body.appendChild(s); return window.__injected; }""") is None
    assert any("script-src" in v for v in violations(page))
    page.errors.clear()
    page.goto(f"{base}/login")
    page.fill("#username", "chief")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto(f"{base}/admin/case/")  # list page: filters, actions, delete buttons
    page.wait_for_load_state("networkidle")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.locator("form.icon button").first.click()  # the delete button's inline confirm is allowed by hash
    page.wait_for_timeout(300)
    assert dialogs == ["您確定要刪除這筆紀錄嗎？"]
    page.locator("a.nav-link.active").first.click()  # a javascript:void(0) link
    page.locator("a.editable").first.click()  # inline editing (x-editable) opens its editor
    page.locator(".editable-input").first.wait_for()
    page.keyboard.press("Escape")
    page.goto(f"{base}/admin/case/details/?id={case_id}")
    page.wait_for_load_state("networkidle")

    page.goto(f"{base}/admin/case/new/")  # select2 lookups over ajax
    page.wait_for_load_state("networkidle")
    page.locator("#s2id_agreement").click()
    page.keyboard.type("ICA")
    page.locator(".select2-result", has_text="ICA-100-001").wait_for()
    page.goto(f"{base}/admin/agreement/new/")  # date pickers
    page.wait_for_load_state("networkidle")
    page.click("#signed_on")
    assert page.locator(".daterangepicker").first.is_visible()

    page.goto(f"{base}/account/password")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
