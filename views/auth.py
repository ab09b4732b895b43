"""Login, logout and language choice."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf, validate_csrf
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.validators import ValidationError

from icp.extensions import db, login_manager
from icp.i18n import SESSION_KEY
from models import User

auth = Blueprint("auth", __name__)
login_manager.login_view = "auth.login"
login_manager.login_message = _l("請先登入。")


@login_manager.user_loader
def user_load(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@auth.app_template_global()
def csrf_token() -> str:
    return generate_csrf()


class LoginForm(FlaskForm):
    username = StringField(_l("帳號"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l("密碼"), validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after login would help phishing."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("admin.index")


@auth.route("/")
def root():
    return redirect(url_for("admin.index"))


@auth.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if user is not None and user.active and user.check_password(form.password.data):
            session.permanent = True
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_l("帳號或密碼錯誤。"), "error")
    return render_template("auth/login.html", form=form)


@auth.route("/logout", methods=["POST"])
def logout():
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        abort(400)
    logout_user()
    flash(_l("已登出。"), "info")
    return redirect(url_for("auth.login"))


@auth.route("/lang/<code>")
def language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session[SESSION_KEY] = code
    return redirect(_safe_next(request.args.get("next")))
