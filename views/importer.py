"""匯入 (admins and editors): upload an interchange workbook, read its dry run, then confirm it; the template.

The upload is kept on the server under a random one-time token until it is confirmed: confirming renames
the file away first, so a second submission of the same form finds nothing and writes nothing. The
confirmed import runs in a background thread with its own app context (synchronously on an in-memory
SQLite database, whose one connection a thread cannot share); it writes its progress and then its result
to <token>.status.json, which the page polls through /status/<token> (views/static/import/import.js).
"""
import io
import json
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import asdict
from pathlib import Path

from flask import (abort, current_app, flash, g, jsonify, redirect, request, send_file, session,
                   url_for)
from flask_login import current_user
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from icp.extensions import db
from icp.importer import ImportRefused, Importer, ImportResult, Problem, SheetCount, errors_annotate, upload_check
from icp.interchange import workbook_export
from views.base import SecureMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
SESSION_KEY = "import_uploads"
KEEP_SECONDS = 24 * 3600  # unconfirmed uploads older than this are removed
STATUS = ".status.json"
RUNNING: dict[str, threading.Thread] = {}  # token → its import thread, while it runs (tests join it)
log = logging.getLogger(__name__)


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


def status_write(path: Path, status: dict) -> None:
    """Replace the status file whole, so a poll never reads half of it."""
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(status, ensure_ascii=False, default=str))
    os.replace(partial, path)


def status_read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


def result_from(data: dict) -> ImportResult:
    return ImportResult(counts=[SheetCount(**c) for c in data["counts"]],
                        problems=[Problem(**p) for p in data["problems"]], notes=data["notes"],
                        dry_run=data["dry_run"], written=data["written"])


def import_run(claimed: Path, status_path: Path, user_id: int | None, username: str | None) -> None:
    """Import the claimed upload and record its progress, then its result, in `status_path`.

    Runs in the request (synchronous) or in a thread with its own app context: there `g` names the
    uploading user, so the history of every change is still theirs.
    """
    g.history_user_id, g.history_actor, g.history_source = user_id, username, "import"
    last = [0.0]

    def progress(sheet: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done == total:
            last[0] = now
            status_write(status_path, {"state": "running", "sheet": sheet, "done": done, "total": total})

    status_write(status_path, {"state": "running", "sheet": "", "done": 0, "total": None})
    try:
        upload_check(claimed)
        result = Importer(progress=progress).run(claimed, dry_run=False)
        status_write(status_path, {"state": "done", "result": asdict(result)})
    except ImportRefused as error:
        status_write(status_path, {"state": "refused", "message": str(error)})
    except Exception:  # noqa: BLE001 - the page must end, with a message, whatever went wrong
        log.exception("import %s failed", claimed.name)
        db.session.rollback()
        status_write(status_path, {"state": "failed", "message": _("匯入時發生系統錯誤，未寫入任何資料。")})
    finally:
        claimed.unlink(missing_ok=True)


def in_background() -> bool:
    url = db.engine.url
    memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    return bool(current_app.config.get("IMPORT_IN_BACKGROUND", True)) and not memory


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
        status_path = upload_path(token, STATUS)
        user_id, username = current_user.id, current_user.username
        if in_background():
            app = current_app._get_current_object()
            status_write(status_path, {"state": "running", "sheet": "", "done": 0, "total": None})

            def work() -> None:
                try:
                    with app.app_context():
                        import_run(claimed, status_path, user_id, username)
                finally:
                    RUNNING.pop(token, None)

            thread = RUNNING[token] = threading.Thread(target=work, name=f"import-{token[:8]}", daemon=True)
            thread.start()
        else:
            import_run(claimed, status_path, user_id, username)
        return redirect(url_for(".progress", token=token))

    @expose("/run/<token>")
    def progress(self, token: str):
        """While the import runs: its progress (polled by import.js); once it is done: its result."""
        status = status_read(upload_path(token, STATUS))
        if status is None:
            abort(404)
        filename = session.get(SESSION_KEY, {}).get(token, "")
        if status["state"] in ("refused", "failed"):
            flash(status["message"], "error")
            return redirect(url_for(".index"))
        if status["state"] == "done":
            result = result_from(status["result"])
            if result.written:
                flash(_("匯入完成"), "success")
            return self.render("admin/import/index.html", result=result, token=None, filename=filename)
        return self.render("admin/import/index.html", result=None, running=status, token=token, filename=filename)

    @expose("/status/<token>")
    def status(self, token: str):
        """The running import's progress as JSON: state, sheet, rows done and the sheet's total."""
        status = status_read(upload_path(token, STATUS))
        if status is None:
            abort(404)
        reply = {"state": status["state"]}
        if status["state"] == "running":
            done, total = status["done"], status["total"]
            reply.update(sheet=status["sheet"], done=done, total=total,
                         percent=min(100, round(100 * done / total)) if total else None,
                         message=_("「%(sheet)s」：已處理 %(done)s／%(total)s 列", sheet=status["sheet"],
                                   done=f"{done:,}", total=f"{total:,}" if total else "?")
                         if status["sheet"] else _("準備中…"))
        return jsonify(reply)

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
