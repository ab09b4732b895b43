"""Language selection: Traditional Chinese by default, English on request (kept in the session)."""
from flask import current_app, has_request_context, session

SESSION_KEY = "lang"


def locale_select() -> str:
    """Flask-Admin needs the underscore form (zh_Hant_TW); 'zh-TW' would fail with a 500."""
    chosen = session.get(SESSION_KEY) if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
