"""The admin site: init_admin(app) builds a new Admin per app (a module-level Admin breaks test apps)."""
from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l
from pathlib import Path

from models import Attachment, User
from views.base import SecureIndexView
from views.records import RECORD_SCREENS, SYSTEM
from views.system import AttachmentView, UserView

TRANSLATIONS = str(Path(__file__).resolve().parent.parent / "icp" / "translations")


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name=_l("工業合作計畫辦公室"),
        index_view=SecureIndexView(name=_l("首頁"), url="/admin"),
        theme=Bootstrap4Theme(swatch="cerulean", base_template="admin/office_base.html"),
        translations_path=TRANSLATIONS,
    )
    for view_class, model, name, category, endpoint in RECORD_SCREENS:
        admin.add_view(view_class(model, name=name, category=category, endpoint=endpoint))
    admin.add_view(AttachmentView(Attachment, name=_l("附件"), category=SYSTEM, endpoint="attachment"))
    admin.add_view(UserView(User, name=_l("使用者"), category=SYSTEM, endpoint="user"))
    return admin
