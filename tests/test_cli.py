"""The `flask users` commands."""
from sqlalchemy import select

from icp.extensions import db
from models import User


def test_users_create_reads_the_password_from_stdin(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "clerk", "--role", "editor", "--password-stdin"],
                                          input="a-long-password\n")
    assert result.exit_code == 0, result.output
    clerk = db.session.scalars(select(User).where(User.username == "clerk")).one()
    assert clerk.role == "editor" and clerk.check_password("a-long-password")


def test_users_create_prompts_for_the_password_twice(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "chief", "--role", "admin"],
                                          input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(User).where(User.username == "chief")).one().check_password("a-long-password")


def test_users_create_refuses_a_short_password_a_duplicate_and_an_unknown_role(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "create", "x", "--password-stdin"], input="short\n").exit_code != 0
    assert runner.invoke(args=["users", "create", "x", "--role", "boss", "--password-stdin"],
                         input="a-long-password\n").exit_code != 0
    assert runner.invoke(args=["users", "create", "x", "--password-stdin"], input="a-long-password\n").exit_code == 0
    duplicate = runner.invoke(args=["users", "create", "x", "--password-stdin"], input="a-long-password\n")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    assert db.session.query(User).count() == 1


def test_users_set_password_and_list(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "reader", "--password-stdin"], input="first-password\n")
    result = runner.invoke(args=["users", "set-password", "reader", "--password-stdin"], input="second-password\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(User)).one().check_password("second-password")
    listing = runner.invoke(args=["users", "list"])
    assert "reader\tviewer\tactive" in listing.output
    assert runner.invoke(args=["users", "set-password", "nobody", "--password-stdin"], input="x" * 10).exit_code != 0


def test_users_ensure_admin_creates_one_admin_only_on_an_empty_database(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "ensure-admin"])
    password = first.output.split("password: ")[1].split()[0]
    admin = db.session.scalars(select(User)).one()
    assert admin.role == "admin" and admin.check_password(password)
    second = runner.invoke(args=["users", "ensure-admin"])
    assert "no account created" in second.output
    assert db.session.query(User).count() == 1
