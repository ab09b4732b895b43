"""The history of every record (append-only) and the login attempts that drive lockout."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icp.extensions import db
from models.base import choice, labelled
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
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True, info=labelled("時間"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True,
                                                info=labelled("使用者"))
    username: Mapped[str | None] = mapped_column(String(50), info=labelled("帳號"))
    action: Mapped[str] = mapped_column(choice("audit_action", AUDIT_ACTIONS), index=True, info=labelled("動作"))
    record_type: Mapped[str] = mapped_column(String(50), info=labelled("紀錄類別"))
    record_id: Mapped[int] = mapped_column(info=labelled("紀錄編號"))
    record_label: Mapped[str | None] = mapped_column(String(300), info=labelled("紀錄"))
    version: Mapped[int | None] = mapped_column(info=labelled("版本"))
    changes: Mapped[dict] = mapped_column(JSON, default=dict, info=labelled("變更內容"))
    source: Mapped[str] = mapped_column(String(20), default="web", info=labelled("來源"))
    reason: Mapped[str | None] = mapped_column(Text, info=labelled("理由"))

    user: Mapped["User | None"] = relationship(info=labelled("使用者"))

    def __str__(self) -> str:
        return f"{self.action} {self.record_type}#{self.record_id}"


class LoginAttempt(db.Model):
    """Every login attempt: failures within a window lock the account and the client address."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_username_at", "username", "at"),
                      Index("ix_login_attempt_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, info=labelled("時間"))
    username: Mapped[str] = mapped_column(String(50), info=labelled("帳號"))
    address: Mapped[str] = mapped_column(String(45), info=labelled("來源位址"))
    succeeded: Mapped[bool] = mapped_column(Boolean, info=labelled("成功"))
