"""Configuration: defaults for the embedded SQLite database, overridable from the environment."""
import os
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
HTTPS = os.environ.get("HTTPS") == "1"  # served over HTTPS (behind a TLS proxy): cookies only travel encrypted


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-change-me"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'icp.sqlite'}"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "zh_Hant_TW"
    BABEL_DEFAULT_TIMEZONE = "Asia/Taipei"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")
    LANGUAGES = {"zh_Hant_TW": "繁體中文", "en": "English"}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    ATTACHMENT_DIR = os.environ.get("ATTACHMENT_DIR") or str(INSTANCE_DIR / "attachments")
    ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    IMPORT_MAX_BYTES = 20 * 1024 * 1024  # an uploaded workbook to import (flask icp import too)
    IMPORT_MAX_UNZIPPED_BYTES = 500 * 1024 * 1024  # what its zip directory may declare uncompressed (zip bombs)
    IMPORT_DIR = os.environ.get("IMPORT_DIR") or str(INSTANCE_DIR / "imports")  # uploads awaiting confirmation
    IMPORT_IN_BACKGROUND = True  # a confirmed import runs in a thread the 匯入 page polls (not on in-memory SQLite)
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's strong default; tests use a fast one
    SESSION_COOKIE_SECURE = HTTPS  # on HTTPS requests the session cookie is Secure anyway (icp.security)
    REMEMBER_COOKIE_SECURE = HTTPS
    PREFERRED_URL_SCHEME = "https" if HTTPS else "http"
    SESSION_IDLE_TIMEOUT = timedelta(hours=8)  # signed out after this long without a request
    LOGIN_MAX_FAILURES = 10  # failed logins per account, or per client address, within LOGIN_WINDOW …
    LOGIN_WINDOW = timedelta(minutes=15)
    LOGIN_COOLDOWN = timedelta(minutes=15)  # … lock it until this long after the latest failure
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS") or 0)  # trusted reverse proxies in front (ProxyFix)
    PG_BIN_DIR = os.environ.get("PG_BIN_DIR")  # where pg_dump/pg_restore live when not on PATH (flask icp backup)


def database_url_normalised(url: str) -> str:
    """Let a plain postgres:// URL (as hosting platforms print it) use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
