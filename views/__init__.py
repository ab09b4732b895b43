"""The admin site: init_admin(app) builds a new Admin per app (a module-level Admin breaks test apps)."""
from pathlib import Path

import flask_admin
from flask import Flask
from flask_admin import Admin, babel as admin_babel
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l
from wtforms.i18n import messages_path

from icp.roc import roc_date_table
from icp.security import csp_nonce
from models import Attachment, AuditLog, LoginAttempt, User
from views.base import local_datetime
from views.dashboard import DashboardView
from views.grid import MeetingGridView
from views.history import AuditLogView, LoginAttemptView
from views.importer import ImportView
from views.totals import TotalsView
from views.records import MEETINGS, RECORD_SCREENS, SYSTEM
from views.reports import ReportView
from views.system import AttachmentView, UserView

TRANSLATIONS = str(Path(__file__).resolve().parent.parent / "icp" / "translations")
FLASK_ADMIN_TRANSLATIONS = str(Path(flask_admin.__file__).resolve().parent / "translations")


def _prefer_office_admin_catalogue() -> None:
    """Flask-Admin's zh_Hant_TW catalogue uses mainland terms (保存, 導出) and its .mo lags its .po; and
    for zh_Hant_TW gettext falls back from WTForms' zh_TW to its simplified zh catalogue (选择).

    Flask-Babel merges catalogues in directory order, later ones winning, and Flask-Admin puts an
    Admin's `translations_path` first; so our corrected `admin` and `wtforms` catalogues come last.
    """
    admin_babel.domain._translation_directories = [FLASK_ADMIN_TRANSLATIONS, TRANSLATIONS]
    admin_babel.wtforms_domain._translation_directories = [messages_path(), TRANSLATIONS]


def init_admin(app: Flask) -> Admin:
    _prefer_office_admin_catalogue()
    admin = Admin(
        app,
        name=_l("工業合作計畫辦公室"),
        index_view=DashboardView(name=_l("首頁"), url="/admin"),
        theme=Bootstrap4Theme(swatch="cerulean", fluid=True, base_template="admin/office_base.html"),
        csp_nonce_generator=csp_nonce,
    )
    for view_class, model, name, category, endpoint in RECORD_SCREENS:
        admin.add_view(view_class(model, name=name, category=category, endpoint=endpoint))
    admin.add_view(MeetingGridView(name=_l("會議快速編輯"), category=MEETINGS, endpoint="grid"))
    admin.add_view(AttachmentView(Attachment, name=_l("附件"), category=SYSTEM, endpoint="attachment"))
    admin.add_view(UserView(User, name=_l("使用者"), category=SYSTEM, endpoint="user"))
    admin.add_view(AuditLogView(AuditLog, name=_l("變更紀錄"), category=SYSTEM, endpoint="history"))
    admin.add_view(LoginAttemptView(LoginAttempt, name=_l("登入紀錄"), category=SYSTEM, endpoint="login_log"))
    admin.add_view(TotalsView(name=_l("額度統計"), endpoint="totals", url="/admin/totals"))
    admin.add_view(ReportView(name=_l("報表"), endpoint="reports", url="/admin/reports"))
    admin.add_view(ImportView(name=_l("匯入"), category=SYSTEM, endpoint="import", url="/admin/import"))
    app.add_template_filter(local_datetime)
    app.add_template_filter(roc_date_table, "roc_date")
    return admin
