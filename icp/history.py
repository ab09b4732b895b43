"""History of every record: who changed what and when, written in the same transaction as the change.

An `after_flush` listener reads each flushed record's attribute history and inserts `AuditLog` rows
on the flush's own connection, so a change and its log entry commit or roll back together. The log is
append-only from the application: updating or deleting log rows, and bulk UPDATE/DELETE statements
that would bypass the listener, are refused.
"""
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from flask import g, has_request_context
from flask_babel import format_datetime, gettext as _
from flask_login import current_user
from sqlalchemy import Date, DateTime, Integer, Numeric, event, insert, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import NO_VALUE

from icp.bulk import rows_insert
from icp.extensions import db
from models import AuditLog, User
from models.base import Record
from models.user import utcnow

MASKED = {(User, "password_hash")}
SKIPPED = {"version_id"}


class HistoryError(Exception):
    """A history operation that cannot be done; the message is for the user."""


def _plain(value):
    """A JSON-safe form of a column value; `_typed` turns it back."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Record):
        return value.id
    return value


def _typed(column, value):
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, Numeric):
        return Decimal(value)
    if isinstance(column.type, Integer):
        return int(value)
    return value


def _collections(mapper):
    return [rel for rel in mapper.relationships if rel.secondary is not None]


def _state_changes(obj, action: str) -> dict:
    """{field: [old, new]} for what the flush wrote; many-to-many links as sorted id lists."""
    state, mapper = inspect(obj), inspect(type(obj))
    changes = {}
    for attr in mapper.column_attrs:
        key = attr.key
        if key in SKIPPED:
            continue
        history = state.attrs[key].history
        if action == "create":
            old, new = None, getattr(obj, key)
        elif action == "delete":
            old = history.deleted[0] if history.deleted else getattr(obj, key)
            new = None
        else:
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
        if old is None and new is None:
            continue
        if (type(obj), key) in MASKED:
            old, new = ("***" if old else None), ("***" if new else None)
        changes[key] = [_plain(old), _plain(new)]
    for rel in _collections(mapper):
        history = state.attrs[rel.key].history
        if action == "update" and not history.has_changes():
            continue
        current = state.attrs[rel.key].loaded_value
        current = [] if current is NO_VALUE else list(current)
        if action == "update":
            old = (set(history.unchanged) | set(history.deleted))
            new = (set(history.unchanged) | set(history.added))
        else:
            old = new = set(current) | set(history.deleted)
        ids = lambda items: sorted(item.id for item in items)  # noqa: E731
        if action == "create":
            if new:
                changes[rel.key] = [[], ids(new)]
        elif action == "delete":
            if old:
                changes[rel.key] = [ids(old), []]
        else:
            changes[rel.key] = [ids(old), ids(new)]
    return changes


def _actor() -> tuple[int | None, str | None, str]:
    """Who is writing: the logged-in user on the web, else the command line (or what `g` names)."""
    source = g.get("history_source")
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.username, source or "web"
    return g.get("history_user_id"), g.get("history_actor"), source or "cli"


def _before_flush(session: Session, _context, _instances) -> None:
    # Load a deleted record's links now: once the flush removes the link rows they cannot be logged.
    for obj in session.deleted:
        if isinstance(obj, Record):
            for rel in _collections(inspect(type(obj))):
                getattr(obj, rel.key)


def _writer() -> dict:
    """Who writes, and when: the part of an AuditLog row that one flush's entries share."""
    user_id, username, source = _actor()
    return {"at": utcnow(), "user_id": user_id, "username": username, "source": source}


def _entry(writer: dict, action: str, table: str, record_id: int, label: str, version: int | None, changes: dict,
           reason: str | None) -> dict:
    """One AuditLog row, by `writer` (_writer())."""
    return {**writer, "action": action, "record_type": table, "record_id": record_id, "record_label": label[:300],
            "version": version, "changes": changes, "reason": reason}


def _after_flush(session: Session, _context) -> None:
    rows = []
    writer = _writer()
    reason = session.info.pop("history_reason", None)
    restored = session.info.pop("history_restored", set())
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, Record) or (action == "update" and not session.is_modified(obj)):
                continue
            changes = _state_changes(obj, action)
            if action == "create" and (obj.__tablename__, obj.id) in restored:
                action_logged = "restore"
            else:
                action_logged = action
            if action == "update" and not changes:
                continue
            rows.append(_entry(writer, action_logged, obj.__tablename__, obj.id, str(obj),
                               None if action == "delete" else obj.version_id, changes,
                               getattr(obj, "override_reason", None) or reason))
    if rows:
        session.connection().execute(insert(AuditLog.__table__), rows)


def log_written(connection, model: type, written: list[tuple[str, dict, dict]]) -> None:
    """Log records written without the ORM (the import's set-based writer): for each (action, values, changes),
    the entry the after-flush listener writes for the same change. `values` holds the record's attributes
    after the write (id and version_id included; links as records, for its label); `changes` is
    {field: [old, new]} in stored form (ids for links), and for a created record only its links, whose
    columns are added here as the listener adds them."""
    rows = []
    writer = _writer()
    for action, values, changes in written:
        if action == "create":
            changes = {**_created_columns(model, values), **changes}
        label = str(model.__str__(_Snapshot(values)))
        rows.append(_entry(writer, action, model.__tablename__, values["id"], label, values["version_id"], changes,
                           values.get("override_reason")))
    rows_insert(connection, AuditLog.__table__, rows)


def _created_columns(model: type, values: dict) -> dict:
    plain = _COLUMN_PLAIN.get  # _plain of a column value by its type, without the isinstance chain
    changes = {key: [None, plain(type(value), _same)(value)] for key in _logged_columns(model)
               if (value := values.get(key)) is not None}
    for key in changes.keys() & {name for kind, name in MASKED if kind is model}:
        changes[key][1] = "***"
    return changes


_COLUMN_PLAIN = {Decimal: str, date: date.isoformat, datetime: datetime.isoformat}


def _same(value):
    return value


@cache
def _logged_columns(model: type) -> tuple[str, ...]:
    return tuple(attr.key for attr in inspect(model).column_attrs if attr.key not in SKIPPED)


class _Snapshot:
    """A record's values as attributes, for its model's __str__ without an ORM object."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


def _refuse_log_edits(mapper, connection, target) -> None:
    raise HistoryError(_("變更紀錄只能新增，不能修改或刪除"))


def _refuse_bulk_writes(state) -> None:
    if (state.is_update or state.is_delete) and state.is_orm_statement:
        raise HistoryError("bulk UPDATE/DELETE bypasses the history; change records through the ORM instead")


def history_register() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _refuse_bulk_writes)
        event.listen(AuditLog, "before_update", _refuse_log_edits)
        event.listen(AuditLog, "before_delete", _refuse_log_edits)


def history_of(record_type: str, record_id: int) -> list[AuditLog]:
    """A record's history, newest first."""
    return list(db.session.scalars(select(AuditLog).where(AuditLog.record_type == record_type,
                                                          AuditLog.record_id == record_id)
                                   .order_by(AuditLog.id.desc())))


def changes_since(record, version: int) -> list[AuditLog]:
    """The logged changes to `record` after the version someone based their edit on, oldest first."""
    return list(db.session.scalars(select(AuditLog).where(
        AuditLog.record_type == record.__tablename__, AuditLog.record_id == record.id,
        AuditLog.action == "update", AuditLog.version > version).order_by(AuditLog.id)))


def stale_message(record, version: int, labels: dict) -> str:
    """What changed since `version` and by whom, for a refused stale save."""
    lines = []
    for entry in changes_since(record, version):
        fields = "、".join(f"{labels.get(k, k)}：{old if old is not None else '（空白）'} → "
                          f"{new if new is not None else '（空白）'}" for k, (old, new) in entry.changes.items())
        lines.append(_("%(who)s 於 %(when)s 修改了 %(fields)s", who=entry.username or _("系統"),
                       when=format_datetime(entry.at, "yyyy-MM-dd HH:mm"), fields=fields))
    detail = "；".join(lines) if lines else _("（變更者不明）")
    return _("此紀錄在您開啟後已被他人修改，您的變更未儲存：%(detail)s。請重新載入後再修改。", detail=detail)


def model_for_table(table: str):
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table and issubclass(mapper.class_, Record):
            return mapper.class_
    return None


def record_restore(entry: AuditLog, *, reason: str | None = None):
    """Re-create a deleted record, with its many-to-many links, from its last logged state."""
    if entry.action != "delete":
        raise HistoryError(_("只能還原「刪除」的紀錄"))
    model = model_for_table(entry.record_type)
    if model is None:
        raise HistoryError(_("未知的紀錄類別：%(type)s", type=entry.record_type))
    if db.session.get(model, entry.record_id) is not None:
        raise HistoryError(_("此紀錄已存在，不需還原"))
    mapper = inspect(model)
    values = {"id": entry.record_id}
    for attr in mapper.column_attrs:
        if attr.key in entry.changes and attr.key not in SKIPPED:
            values[attr.key] = _typed(attr.columns[0], entry.changes[attr.key][0])
    record = model(**values)
    for rel in _collections(mapper):
        ids = entry.changes.get(rel.key, [[], []])[0]
        targets = [db.session.get(rel.mapper.class_, i) for i in ids]
        setattr(record, rel.key, [t for t in targets if t is not None])
    db.session.add(record)
    db.session.info["history_reason"] = reason or _("由變更紀錄還原（紀錄 #%(id)s）", id=entry.id)
    db.session.info.setdefault("history_restored", set()).add((entry.record_type, entry.record_id))
    return record
