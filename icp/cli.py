"""Command-line tools: `flask users …` for accounts and `flask icp …` for the office's data."""
import io
import os
import secrets
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from icp.extensions import db
from icp.security import password_problem
from models import User
from models.choices import ROLES

users_cli = AppGroup("users", help="管理使用者帳號 / Manage user accounts.")
icp_cli = AppGroup("icp", help="工業合作計畫辦公室資料 / The office's data.")
report_cli = AppGroup("report", help="報表 / Reporting workbooks for the funding agency (.xlsx).")
icp_cli.add_command(report_cli)


def _read_password(from_stdin: bool, *, username: str) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, username=username)
    if problem:
        raise click.ClickException(problem)
    return password


def user_create(*, username: str, role: str, password: str, display_name: str | None = None) -> User:
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise click.ClickException(f"user {username!r} already exists")
    user = User(username=username, role=role, display_name=display_name, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@click.option("--display-name", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def users_create(username: str, role: str, display_name: str | None, password_stdin: bool) -> None:
    """Create USERNAME with ROLE; asks for the password."""
    password = _read_password(password_stdin, username=username)
    user_create(username=username, role=role, password=password, display_name=display_name)
    click.echo(f"created {username} ({role})")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def users_set_password(username: str, password_stdin: bool) -> None:
    """Set a new password for USERNAME."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    user.set_password(_read_password(password_stdin, username=username))
    db.session.commit()
    click.echo(f"password changed for {username}")


@users_cli.command("list")
def users_list() -> None:
    """List every account with its role and whether it is active."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        click.echo(f"{user.username}\t{user.role}\t{'active' if user.active else 'inactive'}\t{user.display_name or ''}")


@users_cli.command("ensure-admin")
def users_ensure_admin() -> None:
    """Create an `admin` account with a random password, printed once, when no account exists yet."""
    if db.session.scalar(select(func.count()).select_from(User)):
        click.echo("users exist; no account created")
        return
    password = secrets.token_urlsafe(12)
    user_create(username="admin", role="admin", password=password, display_name="系統管理者")
    click.echo(f"created admin account — username: admin  password: {password}  (shown once; change it with "
               f"`flask users set-password admin`)")


@icp_cli.command("demo")
@click.option("--cases", type=click.IntRange(1), default=None,
              help="Instead of the 2011 office, generate a scale data set of N cases (benchmarks; icp/scale.py).")
def icp_demo(cases: int | None) -> None:
    """Fill an empty database with the 2011 office of the seed report (idempotent)."""
    if cases:
        from icp.scale import scale_load

        created = scale_load(cases=cases)
        click.echo(f"scale data: {created} cases created" if created else "data already present; nothing added")
        return
    from icp.demo import demo_load

    created = demo_load()
    click.echo(f"demo data: {created} records created" if created else "demo data already present; nothing added")


@icp_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def icp_backup(path: str) -> None:
    """Write a consistent copy of the database to PATH while the app keeps running."""
    from icp.backup import BackupError, backup_create

    try:
        backup_create(url=current_app.config["SQLALCHEMY_DATABASE_URI"], path=path,
                      pg_bin_dir=current_app.config["PG_BIN_DIR"])
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written to {path}")


@icp_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def icp_restore(path: str) -> None:
    """Restore the backup at PATH into the configured database, which must hold no rows."""
    from icp.backup import BackupError, backup_restore

    db.engine.dispose()  # no pooled connection of ours holds the database while it is replaced
    try:
        backup_restore(url=current_app.config["SQLALCHEMY_DATABASE_URI"], path=path,
                       pg_bin_dir=current_app.config["PG_BIN_DIR"])
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {path}")


def _output_check(path: str) -> Path:
    """Refuse an output path that cannot be written before spending time on the report."""
    target = Path(path)
    if target.is_dir():
        raise click.ClickException(f"{path} is a directory; give a file name such as report.xlsx")
    folder = target.parent
    if not folder.exists():
        raise click.ClickException(f"cannot write {path}: directory {folder} does not exist")
    if not folder.is_dir():
        raise click.ClickException(f"cannot write {path}: {folder} is not a directory")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise click.ClickException(f"cannot write {path}: permission denied")
    return target


def _report_save(workbook, target: Path) -> None:
    """Write the whole workbook in memory first, so a failure leaves no half-written file behind."""
    from icp.reports.writer import workbook_write

    out = io.BytesIO()
    workbook_write(out, workbook)
    try:
        target.write_bytes(out.getvalue())
    except OSError as error:
        raise click.ClickException(f"cannot write {target}: {error.strerror or error}") from None
    click.echo(f"{len(workbook.sheets)} sheets written to {target}")


@report_cli.command("annual")
@click.option("--year", type=click.IntRange(1980, 2200), required=True, help="Gregorian year, e.g. 2011 (民國100年).")
@click.option("--output", required=True, help="The .xlsx file to write.")
def report_annual(year: int, output: str) -> None:
    """Write the annual report workbook (年報) of YEAR to OUTPUT."""
    from icp.reports.annual import annual_workbook

    target = _output_check(output)
    _report_save(annual_workbook(year=year), target)


@report_cli.command("quarterly")
@click.option("--year", type=click.IntRange(1980, 2200), required=True, help="Gregorian year, e.g. 2011 (民國100年).")
@click.option("--quarter", type=click.IntRange(1, 4), required=True, help="1 to 4.")
@click.option("--output", required=True, help="The .xlsx file to write.")
def report_quarterly(year: int, quarter: int, output: str) -> None:
    """Write the quarterly report workbook (季報) of YEAR and QUARTER to OUTPUT."""
    from icp.reports.quarterly import quarterly_workbook

    target = _output_check(output)
    _report_save(quarterly_workbook(year=year, quarter=quarter), target)


@icp_cli.command("summary-rebuild")
def icp_summary_rebuild() -> None:
    """Recompute the credit summary the totals pages read from every decision (after writing decisions,
    cases or meetings outside the app, e.g. by SQL)."""
    from icp.summary import summary_rebuild

    summary_rebuild(db.session)
    db.session.commit()
    click.echo("credit summary rebuilt")


@icp_cli.command("export-all")
@click.argument("path")
def icp_export_all(path: str) -> None:
    """Write every record to the interchange workbook PATH: one sheet per table, references by natural key."""
    from icp.interchange import workbook_export

    target = _output_check(path)
    partial = target.with_name(target.name + ".part")  # the file appears under its name only once complete
    counts = workbook_export(str(partial))
    partial.replace(target)
    click.echo(f"{sum(counts.values())} rows in {len(counts)} sheets written to {target}")


@icp_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and report, but write nothing.")
@click.option("--errors", "errors_path", default=None,
              help="When there are problems, write a copy of the workbook with the bad cells marked here.")
def icp_import(path: str, dry_run: bool, errors_path: str | None) -> None:
    """Import an interchange workbook: every row is checked first; all of it is written, or nothing."""
    from icp.importer import ImportRefused, errors_annotate, workbook_import

    bars: dict[str, object] = {}

    def progress(sheet: str, done: int, total: int | None) -> None:
        """One bar per sheet over its rows read; without a terminal click prints only each sheet's label."""
        bar = bars.get(sheet)
        if bar is None:
            for other in bars.values():
                other.render_finish()
            bar = bars[sheet] = click.progressbar(length=total or 0, label=f"{sheet:<8}", file=sys.stderr,
                                                  show_pos=True, show_percent=bool(total))
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        result = workbook_import(path, dry_run=dry_run, progress=progress)
    except ImportRefused as error:
        raise click.ClickException(str(error)) from None
    finally:
        for bar in bars.values():
            bar.render_finish()
    click.echo("sheet\tcreated\tupdated\tunchanged\trejected")
    for count in result.counts:
        click.echo(f"{count.sheet}\t{count.created}\t{count.updated}\t{count.unchanged}\t{count.rejected}")
    for note in result.notes:
        click.echo(f"note: {note}")
    for p in result.problems:
        click.echo(f"{p.sheet}!{p.column}{p.row or ''} {p.header} [{p.value}]: {p.reason}", err=True)
    if result.problems:
        if errors_path:
            Path(errors_path).write_bytes(errors_annotate(path, result.problems))
            click.echo(f"problems marked in {errors_path}", err=True)
        raise click.ClickException(f"{len(result.problems)} problems; nothing written")
    click.echo("dry run: nothing written" if dry_run else "imported")
