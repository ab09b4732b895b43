"""Users of the system and the files attached to records."""
from datetime import datetime, timezone

from flask import current_app, has_app_context
from flask_babel import lazy_gettext
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from models.base import Record, between, choice, labelled
from models.choices import ROLES

ROLE_LABELS = {"admin": lazy_gettext("管理者"), "editor": lazy_gettext("編輯者"), "viewer": lazy_gettext("檢視者")}


def utcnow() -> datetime:
    """Naive UTC: stored and compared the same way on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class User(UserMixin, Record):
    __tablename__ = "app_user"

    username: Mapped[str] = mapped_column(String(50), unique=True, info=labelled("帳號"))
    display_name: Mapped[str | None] = mapped_column(String(100), info=labelled("顯示名稱"))
    role: Mapped[str] = mapped_column(choice("user_role", ROLES), default="viewer", info=labelled("角色"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=labelled("啟用"))
    password_hash: Mapped[str] = mapped_column(String(256), info=labelled("密碼雜湊"))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))

    def can_edit(self) -> bool:
        return self.role in ("admin", "editor")

    def __str__(self) -> str:
        return self.display_name or self.username


class Attachment(Record):
    """A file attached to any record; the bytes live outside the database, named by their sha256."""

    __tablename__ = "attachment"
    __table_args__ = (between("size", 0, None),)

    record_type: Mapped[str] = mapped_column(String(50), info=labelled("紀錄類別"))
    record_id: Mapped[int] = mapped_column(info=labelled("紀錄編號"))
    filename: Mapped[str] = mapped_column(String(255), info=labelled("檔名"))
    size: Mapped[int] = mapped_column(info=labelled("大小(位元組)"))
    content_type: Mapped[str] = mapped_column(String(100), info=labelled("檔案類型"))
    sha256: Mapped[str] = mapped_column(String(64), index=True, info=labelled("SHA-256"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), info=labelled("上傳者"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow, info=labelled("上傳時間"))
    note: Mapped[str | None] = mapped_column(String(300), info=labelled("說明"))

    uploaded_by: Mapped["User | None"] = relationship(info=labelled("上傳者"))

    def __str__(self) -> str:
        return self.filename
