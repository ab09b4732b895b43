"""匯入 (admins and editors): upload an interchange workbook, read its dry run, then confirm it; the template.

The upload is kept on the server under a random one-time token until it is confirmed: confirming renames
the file away first, so a second submission of the same form finds nothing and writes nothing.
"""
import io
import json
import re
import secrets
import time
from dataclasses import asdict
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, send_file, session, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from icp.importer import ImportRefused, Importer, Problem, errors_annotate, upload_check
from icp.interchange import workbook_export
from views.base import SecureMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
SESSION_KEY = "import_uploads"
KEEP_SECONDS = 24 * 3600  # unconfirmed uploads older than this are removed


def upload_dir() -> Path:
    folder = Path(current_app.config["IMPORT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def uploads_prune(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def upload_path(token: str, suffix: str = ".xlsx") -> Path:
    """The stored upload of `token`, only for a token this session was given (404 otherwise)."""
    if not TOKEN.match(token or "") or token not in session.get(SESSION_KEY, {}):
        abort(404)
    return upload_dir() / f"{token}{suffix}"


class ImportView(SecureMixin, BaseView):
    allowed_roles = frozenset({"admin", "editor"})

    @staticmethod
    def csrf_check() -> None:
        try:
            validate_csrf(request.form.get("csrf_token"))
        except (ValidationError, CSRFError):
            abort(400, _("表單已逾時，請重新整理頁面後再試。"))

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "GET":
            return self.render("admin/import/index.html", result=None)
        self.csrf_check()
        upload = request.files.get("workbook")
        if upload is None or not upload.filename:
            flash(_("請選擇要匯入的 Excel 檔案"), "error")
            return redirect(url_for(".index"))
        folder = upload_dir()
        uploads_prune(folder)
        token = secrets.token_urlsafe(32)
        path = folder / f"{token}.xlsx"
        upload.save(path)
        try:
            upload_check(path)
        except ImportRefused as error:
            path.unlink(missing_ok=True)
            flash(str(error), "error")
            return redirect(url_for(".index"))
        result = Importer().run(path, dry_run=True)
        (folder / f"{token}.json").write_text(json.dumps([asdict(p) for p in result.problems], ensure_ascii=False))
        uploads = dict(session.get(SESSION_KEY, {}))
        uploads[token] = upload.filename[:200]
        session[SESSION_KEY] = dict(list(uploads.items())[-10:])
        return self.render("admin/import/index.html", result=result, token=token, filename=upload.filename)

    @expose("/commit", methods=("POST",))
    def commit(self):
        self.csrf_check()
        token = request.form.get("token", "")
        path = upload_path(token)
        claimed = path.with_suffix(".importing")
        try:
            path.rename(claimed)  # atomic: only one submission can claim the upload
        except FileNotFoundError:
            flash(_("此檔案已匯入或已逾時，未重複匯入；如需再次匯入請重新上傳。"), "warning")
            return redirect(url_for(".index"))
        try:
            upload_check(claimed)
            result = Importer().run(claimed, dry_run=False)
        except ImportRefused as error:
            flash(str(error), "error")
            return redirect(url_for(".index"))
        finally:
            claimed.unlink(missing_ok=True)
        if result.written:
            flash(_("匯入完成"), "success")
        return self.render("admin/import/index.html", result=result, token=None,
                           filename=session.get(SESSION_KEY, {}).get(token, ""))

    @expose("/errors/<token>.xlsx")
    def errors(self, token: str):
        path, listing = upload_path(token), upload_path(token, ".json")
        if not path.exists() or not listing.exists():
            abort(404)
        problems = [Problem(**p) for p in json.loads(listing.read_text())]
        name = Path(session[SESSION_KEY][token]).stem
        return send_file(io.BytesIO(errors_annotate(path, problems)), as_attachment=True,
                         download_name=f"{name}-錯誤標示.xlsx", mimetype=XLSX)

    @expose("/template.xlsx")
    def template(self):
        out = io.BytesIO()
        workbook_export(out, template=True)
        out.seek(0)
        return send_file(out, as_attachment=True, download_name="工業合作資料匯入範本.xlsx", mimetype=XLSX)
