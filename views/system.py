"""System screens: users (admins only) and attachments (files stored outside the database)."""
import hashlib
from pathlib import Path

from flask import current_app, send_file
from flask_admin import expose
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from wtforms import FileField, PasswordField, SelectField
from wtforms.validators import Length, Optional

from icp.extensions import db
from views.base import RecordView

ATTACHMENT_TYPES = {
    "application/pdf": b"%PDF",
    "image/png": b"\x89PNG",
    "image/jpeg": b"\xff\xd8\xff",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK\x03\x04",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": b"PK\x03\x04",
    "text/plain": b"",
}


class UserView(RecordView):
    allowed_roles = frozenset({"admin"})
    edit_roles = frozenset({"admin"})
    column_list = ("username", "display_name", "role", "active")
    column_searchable_list = ("username", "display_name")
    column_filters = ("role", "active")
    column_default_sort = "username"
    column_details_exclude_list = ("password_hash",)
    form_columns = ("username", "display_name", "role", "active", "password")
    form_extra_fields = {"password": PasswordField(_l("密碼（留白表示不變更）"), validators=[Optional(), Length(min=8)])}

    def validate_form(self, form) -> bool:
        valid = super().validate_form(form)
        if valid and "password" in form and not form.password.data and self._is_creating():
            form.password.errors = [_("新使用者須設定密碼（至少 8 個字元）")]
            return False
        return valid

    @staticmethod
    def _is_creating() -> bool:
        from flask import request
        return (request.endpoint or "").endswith(".create_view")

    def on_model_change(self, form, model, is_created):
        if form.password.data:
            model.set_password(form.password.data)


class AttachmentView(RecordView):
    """Upload stores the bytes under their sha256 in ATTACHMENT_DIR; the row keeps the metadata."""

    column_list = ("filename", "record_type", "record_id", "size", "content_type", "uploaded_by", "uploaded_at")
    column_searchable_list = ("filename", "sha256")
    column_filters = ("record_type", "content_type")
    column_default_sort = ("uploaded_at", True)
    form_columns = ("record_type", "record_id", "file", "note")
    form_extra_fields = {"file": FileField(_l("檔案"))}
    column_formatters = {"filename": lambda v, c, m, n: m.filename}
    details_template = "admin/attachment_details.html"

    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.record_type = SelectField(_l("紀錄類別"), choices=_record_type_choices)
        return form_class

    def validate_form(self, form) -> bool:
        valid = super().validate_form(form)
        if not valid or "file" not in form:
            return valid
        upload = form.file.data
        creating = self._is_creating()
        if not upload or not getattr(upload, "filename", ""):
            if creating:
                form.file.errors = [_("請選擇要上傳的檔案")]
                return False
            return True
        data = upload.read()
        upload.seek(0)
        limit = current_app.config["ATTACHMENT_MAX_BYTES"]
        if len(data) > limit:
            form.file.errors = [_("檔案超過 %(mb)d MB 上限", mb=limit // (1024 * 1024))]
            return False
        if _sniff_type(upload.mimetype, data) is None:
            form.file.errors = [_("只接受 PDF、PNG、JPEG、Word、Excel 或純文字檔")]
            return False
        return True

    _is_creating = staticmethod(UserView._is_creating)

    def on_model_change(self, form, model, is_created):
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            return
        data = upload.read()
        digest = hashlib.sha256(data).hexdigest()
        folder = Path(current_app.config["ATTACHMENT_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / digest).write_bytes(data)
        model.filename = Path(upload.filename).name[:255]
        model.size = len(data)
        model.content_type = _sniff_type(upload.mimetype, data)
        model.sha256 = digest
        model.uploaded_by_id = current_user.id

    @expose("/download/<int:attachment_id>")
    def download(self, attachment_id: int):
        attachment = db.get_or_404(self.model, attachment_id)
        path = Path(current_app.config["ATTACHMENT_DIR"]) / attachment.sha256
        return send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename)


def _sniff_type(declared: str, data: bytes) -> str | None:
    """Trust the declared type only when the bytes start the way that type does."""
    magic = ATTACHMENT_TYPES.get(declared)
    if magic is None:
        return None
    if declared == "text/plain":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return declared
    return declared if data.startswith(magic) else None


def _record_type_choices():
    return sorted((table.name, table.name) for table in db.metadata.sorted_tables
                  if "id" in table.c and table.name != "attachment")
