"""The global change log and the login log, for admins: read-only, filterable, exportable."""
from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_babel import gettext as _, lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from icp.extensions import db
from icp.history import HistoryError, record_restore
from models import AuditLog, LoginAttempt
from views.base import (HISTORY_ACTION_LABELS, TYPE_FORMATTERS, ExportMixin, SecureMixin, model_labels,
                        year_filters)


def _changes_format(view, context, model, name):
    items = (Markup("<li><strong>{}</strong>：{} → {}</li>").format(field, "" if old is None else old,
                                                                   "" if new is None else new)
             for field, (old, new) in model.changes.items())
    return Markup('<ul class="list-unstyled mb-0">{}</ul>').format(Markup("").join(items))


class LogView(ExportMixin, SecureMixin, ModelView):
    """Admins only, and nobody writes: the application appends, never edits (see icp.history)."""

    allowed_roles = frozenset({"admin"})
    can_create = can_edit = can_delete = False
    can_view_details = True
    page_size = 50
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS

    def __init__(self, model, session=db, **kwargs):
        self.column_labels = {**model_labels(model), **(self.column_labels or {})}
        super().__init__(model, session, **kwargs)


class AuditLogView(LogView):
    column_list = ("at", "username", "action", "record_type", "record_id", "record_label", "version", "changes",
                   "reason")
    column_searchable_list = ("record_label", "username", "record_type")
    column_filters = ("action", "record_type", "username", "record_id", "source", *year_filters(AuditLog.at))
    column_default_sort = ("id", True)
    column_formatters = {"changes": _changes_format,
                         "action": lambda v, c, m, n: HISTORY_ACTION_LABELS.get(m.action, m.action)}
    column_formatters_detail = column_formatters

    def export_value(self, record, name):
        if name == "changes":
            return "；".join(f"{k}: {old} → {new}" for k, (old, new) in record.changes.items())
        return super().export_value(record, name)

    @action("restore", _l("還原已刪除的紀錄"), _l("確定要由變更紀錄還原所選的已刪除紀錄？"))
    def action_restore(self, ids):
        restored = 0
        for entry in db.session.scalars(select(AuditLog).where(AuditLog.id.in_([int(i) for i in ids]))):
            try:
                record_restore(entry)
                db.session.commit()
                restored += 1
            except (HistoryError, Exception) as error:  # one bad entry must not stop the others
                db.session.rollback()
                flash(_("紀錄 #%(id)s 無法還原：%(error)s", id=entry.id, error=str(error)), "error")
        if restored:
            flash(_("已還原 %(n)d 筆紀錄", n=restored), "success")


class LoginAttemptView(LogView):
    column_list = ("at", "username", "address", "succeeded")
    column_searchable_list = ("username", "address")
    column_filters = ("username", "address", "succeeded", *year_filters(LoginAttempt.at))
    column_default_sort = ("id", True)
