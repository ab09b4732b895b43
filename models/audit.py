"""The history of every record (append-only) and the login attempts that drive lockout."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icp.extensions import db
from models.base import choice, label
from models.user import utcnow

AUDIT_ACTIONS = ("create", "update", "delete", "restore")


class AuditLog(db.Model):
    """One create, update, delete or restore of one record, written in the same transaction.

    `changes` maps each changed field to [old, new] (JSON-safe text for dates and decimals); a delete
    keeps the record's whole last state, and its links to other records, so it can be restored.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True, info=label("時間"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True,
                                                info=label("使用者"))
    username: Mapped[str | None] = mapped_column(String(50), info=label("帳號"))
    action: Mapped[str] = mapped_column(choice("audit_action", AUDIT_ACTIONS), index=True, info=label("動作"))
    record_type: Mapped[str] = mapped_column(String(50), info=label("紀錄類別"))
    record_id: Mapped[int] = mapped_column(info=label("紀錄編號"))
    record_label: Mapped[str | None] = mapped_column(String(300), info=label("紀錄"))
    version: Mapped[int | None] = mapped_column(info=label("版本"))
    changes: Mapped[dict] = mapped_column(JSON, default=dict, info=label("變更內容"))
    source: Mapped[str] = mapped_column(String(20), default="web", info=label("來源"))
    reason: Mapped[str | None] = mapped_column(Text, info=label("理由"))

    user: Mapped["User | None"] = relationship(info=label("使用者"))

    def __str__(self) -> str:
        return f"{self.action} {self.record_type}#{self.record_id}"


class LoginAttempt(db.Model):
    """Every login attempt: failures within a window lock the account and the client address."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_username_at", "username", "at"),
                      Index("ix_login_attempt_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, info=label("時間"))
    username: Mapped[str] = mapped_column(String(50), info=label("帳號"))
    address: Mapped[str] = mapped_column(String(45), info=label("來源位址"))
    succeeded: Mapped[bool] = mapped_column(Boolean, info=label("成功"))
