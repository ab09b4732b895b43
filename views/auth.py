"""Login, logout, the user's own password, and language choice."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.validators import ValidationError

from icp.extensions import db, login_manager
from icp.i18n import SESSION_KEY
from icp.security import (PASSWORD_MIN_LENGTH, lockout_message, login_attempt, login_attempt_record, login_locked,
                          password_problem, session_activity_mark)
from models import User

auth = Blueprint("auth", __name__)
login_manager.login_view = "auth.login"
login_manager.login_message = _l("請先登入。")


@login_manager.user_loader
def user_load(user_id: str) -> User | None:
    # Flask-Login checks is_active only at login_user(); a deactivated account's open session ends here,
    # and is forgotten, so that reactivating the account does not revive it.
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active:
        session.pop("_user_id", None)
        return None
    return user


# Not named `csrf_token`: Flask-Admin's form macro would then add this token to every admin form beside
# the form's own, and a browser submits the first of the two.
@auth.app_template_global()
def session_csrf_token() -> str:
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
        outcome = login_attempt(username=form.username.data.strip(), password=form.password.data,
                                address=request.remote_addr or "")
        if outcome.user is not None:
            session.permanent = True
            login_user(outcome.user)
            session_activity_mark()
            return redirect(_safe_next(request.args.get("next")))
        flash(lockout_message(outcome.locked_for) if outcome.locked_for else _("帳號或密碼錯誤。"), "error")
    return render_template("auth/login.html", form=form)


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("目前密碼"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("新密碼"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("再輸入一次新密碼"), validators=[DataRequired(), Length(max=200)])

    def validate_current(self, field) -> None:
        # A wrong current password counts as a failed login: a borrowed session must not guess it.
        username, address = current_user.username, request.remote_addr or ""
        locked_for = login_locked(username=username, address=address)
        if locked_for:
            raise ValidationError(lockout_message(locked_for))
        if not current_user.check_password(field.data):
            login_attempt_record(username=username, address=address, succeeded=False)
            raise ValidationError(_("目前密碼不正確。"))

    def validate_new(self, field) -> None:
        problem = password_problem(field.data, username=current_user.username)
        if problem:
            raise ValidationError(problem)

    def validate_confirm(self, field) -> None:
        if field.data != self.new.data:
            raise ValidationError(_("兩次輸入的新密碼不一致。"))


@auth.route("/account/password", methods=["GET", "POST"])
@login_required
def password_change():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        current_user.set_password(form.new.data)
        db.session.commit()
        flash(_("密碼已變更。"), "info")
        return redirect(url_for("admin.index"))
    return render_template("auth/password.html", form=form, min_length=PASSWORD_MIN_LENGTH)


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
