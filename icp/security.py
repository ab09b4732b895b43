"""Login lockout, password rule, idle sessions, HTTPS-aware cookies and the security headers of every response."""
import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, flash, g, has_request_context, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import func, select

from icp.extensions import db
from models import LoginAttempt, User
from models.user import utcnow

PASSWORD_MIN_LENGTH = 10
IDLE_KEY = "_last_active"  # session key: epoch seconds of the signed-in user's latest request


# Passwords -----------------------------------------------------------------------------------------
def password_problem(password: str, *, username: str) -> str | None:
    """Why a new password is refused (a translated sentence), or None when it is acceptable.

    The one rule for every place a password is set (CLI, user screen, own-password page): at least
    PASSWORD_MIN_LENGTH characters, and not the account name in any letter case.
    """
    if len(password) < PASSWORD_MIN_LENGTH:
        return _("密碼至少須 %(count)d 個字元", count=PASSWORD_MIN_LENGTH)
    if username and password.casefold() == username.strip().casefold():
        return _("密碼不可與帳號相同")
    return None


# Login lockout ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginOutcome:
    """A login attempt's result: the user when it succeeded, the remaining lockout when it was refused for it."""

    user: User | None
    locked_for: timedelta | None = None


def login_locked(*, username: str, address: str, now: datetime | None = None) -> timedelta | None:
    """How much longer logins for this account, or from this client address, are refused; None when allowed.

    Locked when there were LOGIN_MAX_FAILURES or more failed attempts within LOGIN_WINDOW for the
    username (or from the address) and the latest of them is less than LOGIN_COOLDOWN ago. Attempts
    refused during a lockout are failures too, so an attacker who keeps trying keeps the lock on.
    """
    now = now or utcnow()
    config = current_app.config
    cooldown = config["LOGIN_COOLDOWN"]
    remaining = []
    for column, value in ((LoginAttempt.username, username), (LoginAttempt.address, address)):
        failures, latest = db.session.execute(
            select(func.count(), func.max(LoginAttempt.at))
            .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at > now - config["LOGIN_WINDOW"])
        ).one()
        if failures >= config["LOGIN_MAX_FAILURES"] and latest + cooldown > now:
            remaining.append(latest + cooldown - now)
    return max(remaining, default=None)


def login_attempt_record(*, username: str, address: str, succeeded: bool, now: datetime | None = None) -> None:
    """Log one attempt (committed at once: a refused login must leave its trace even if nothing else is saved)."""
    db.session.add(LoginAttempt(at=now or utcnow(), username=username[:50], address=address[:45], succeeded=succeeded))
    db.session.commit()


def login_attempt(*, username: str, password: str, address: str, now: datetime | None = None) -> LoginOutcome:
    """Check a username and password from a client address, log the attempt, and say how it went.

    While the account or the address is locked the password is not even checked: the right one is
    refused like a wrong one. An inactive account fails like a wrong password (no account probing).
    """
    now = now or utcnow()
    locked_for = login_locked(username=username, address=address, now=now)
    if locked_for:
        login_attempt_record(username=username, address=address, succeeded=False, now=now)
        return LoginOutcome(user=None, locked_for=locked_for)
    user = db.session.scalar(select(User).where(User.username == username))
    succeeded = user is not None and user.active and user.check_password(password)
    login_attempt_record(username=username, address=address, succeeded=succeeded, now=now)
    if succeeded:
        return LoginOutcome(user=user)
    return LoginOutcome(user=None, locked_for=login_locked(username=username, address=address, now=now))


def lockout_message(locked_for: timedelta) -> str:
    minutes = max(1, -(-int(locked_for.total_seconds()) // 60))  # whole minutes, rounded up
    return _("登入失敗次數過多，請於 %(minutes)d 分鐘後再試。", minutes=minutes)


# Sessions ---------------------------------------------------------------------------------------------
def session_activity_mark() -> None:
    session[IDLE_KEY] = time.time()


def session_idle_enforce():
    """before_request: sign out a session idle longer than SESSION_IDLE_TIMEOUT, else note this request.

    The timestamp lives in the signed session cookie, so it cannot be moved forward by the client.
    """
    if (request.endpoint or "").endswith("static") or not current_user.is_authenticated:
        return None
    last = session.get(IDLE_KEY)
    if last is not None and time.time() - last > current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds():
        logout_user()
        session.pop(IDLE_KEY, None)
        flash(_("閒置過久，已自動登出，請重新登入。"), "info")
        if request.endpoint == "auth.login":
            return None
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session_activity_mark()
    return None


class HttpsSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure on every HTTPS request, even when SESSION_COOKIE_SECURE is off."""

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


# Security headers -------------------------------------------------------------------------------------
def csp_nonce() -> str:
    """This request's nonce: Flask-Admin puts it on its <script> tags (Admin(csp_nonce_generator=…))."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def admin_inline_handlers() -> list[str]:
    """The inline event handlers and javascript: links of Flask-Admin 2.2's bootstrap4 templates.

    A nonce cannot cover those; without them the delete button would delete without asking and the
    bulk actions would do nothing. They are allowed by hash ('unsafe-hashes'), so an injected handler
    with any other text still does not run.
    """
    from flask_admin.babel import gettext as admin_gettext

    handlers = {
        "return false;",  # filter menu items (admin/model/layout.html)
        "javascript:void(0)",  # tabs, menus and pager links
        f"return faHelpers.safeConfirm('{admin_gettext('Are you sure you want to delete this record?')}');",
    }
    for admin in current_app.extensions.get("admin", []):
        for view in admin._views:
            for name, _text in getattr(view, "_actions", None) or ():
                handlers.add(f"return modelActions.execute('{name}');")  # admin/actions.html
    return sorted(handlers)


def content_security_policy(nonce: str | None) -> str:
    """Only the app's own scripts, styles, images and fonts; never framed; forms post only to the app."""
    scripts = ["'self'"]
    if nonce:
        scripts.append(f"'nonce-{nonce}'")
        scripts.append("'unsafe-hashes'")
        scripts.extend(_sha256_source(handler) for handler in admin_inline_handlers())
    return "; ".join((
        "default-src 'self'",
        "script-src " + " ".join(scripts),
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def security_headers_set(response):
    """after_request: the headers every response carries."""
    response.headers.setdefault("Content-Security-Policy", content_security_policy(g.get("csp_nonce")))
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
