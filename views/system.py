"""System screens: users (admins only) and attachments (files stored outside the database)."""
from flask import current_app, send_file
from flask_admin import expose
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from wtforms import FileField, PasswordField, SelectField
from wtforms.validators import Optional

from icp.attachments import attachment_path, attachment_store, attachment_type_sniff
from icp.extensions import db
from icp.security import password_problem
from views.base import RecordView, request_creates


class UserView(RecordView):
    allowed_roles = frozenset({"admin"})
    edit_roles = frozenset({"admin"})
    column_list = ("username", "display_name", "role", "active")
    column_searchable_list = ("username", "display_name")
    column_filters = ("role", "active")
    column_default_sort = "username"
    column_details_exclude_list = ("password_hash",)
    form_columns = ("username", "display_name", "role", "active", "password")
    form_extra_fields = {"password": PasswordField(_l("密碼（留白表示不變更）"), validators=[Optional()])}

    def validate_form(self, form) -> bool:
        valid = super().validate_form(form)
        if valid and "password" in form and not form.password.data and request_creates():
            form.password.errors = [_("新使用者須設定密碼（至少 10 個字元）")]
            return False
        problem = "password" in form and form.password.data and password_problem(
            form.password.data, username=form.username.data or "")
        if problem:  # the one password rule (icp.security), also used by the CLI and the own-password page
            form.password.errors = [problem]
            return False
        return valid

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
        creating = request_creates()
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
        if attachment_type_sniff(upload.mimetype, data) is None:
            form.file.errors = [_("只接受 PDF、PNG、JPEG、Word、Excel 或純文字檔")]
            return False
        return True

    def on_model_change(self, form, model, is_created):
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            return
        data = upload.read()
        attachment_store(model, data=data, filename=upload.filename,
                         content_type=attachment_type_sniff(upload.mimetype, data))
        model.uploaded_by_id = current_user.id

    @expose("/download/<int:attachment_id>")
    def download(self, attachment_id: int):
        attachment = db.get_or_404(self.model, attachment_id)
        return send_file(attachment_path(attachment), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename)


def _record_type_choices():
    return sorted((table.name, table.name) for table in db.metadata.sorted_tables
                  if "id" in table.c and table.name != "attachment")
