"""Derived values kept right in one place: case credits, decision credits, case status, demand tiers.

They are stored only so totals are one SQL SUM / GROUP BY; a `before_flush` listener recomputes them
from their inputs whenever a record is written, whatever wrote it (form, inline edit, import, CLI), and an
`after_flush` listener refreshes the credit summary the totals pages read (icp.summary).
"""
from functools import partial

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session

from icp.credits import credit_compute
from icp.history import log_written
from icp.rules import demand_tier
from icp.sqlite import IN_LIMIT
from icp.summary import summary_after_flush, summary_after_rollback, summary_before_commit, summary_bulk_seen
from models import CaseDecision, DemandItem, IcpCase, Meeting
from models.choices import CASE_STATUS_NEW


def case_status_of(decisions) -> str:
    """A case's status is its latest decision (by meeting date, then entry order); none yet: 申請中."""
    return latest_kind((d.kind, d.meeting.held_on if d.meeting else None, d.id) for d in decisions)


def latest_kind(decisions) -> str:
    """case_status_of over (kind, meeting date, id) tuples; an unsaved decision (id None) is the newest of
    its date."""
    def order(entry):
        position, (_kind, held_on, decision_id) = entry
        return (held_on is not None, held_on, decision_id is None, decision_id or 0, position)

    decisions = list(decisions)
    return max(enumerate(decisions), key=order)[1][0] if decisions else CASE_STATUS_NEW


def derived_values(model: type, value_of) -> dict:
    """The stored derived values of a record of `model` whose inputs `value_of(name)` gives."""
    if model is IcpCase:
        value, multiplier = value_of("actual_value"), value_of("multiplier")
        return {"credit": credit_compute(value=value, multiplier=multiplier)} \
            if value is not None and multiplier is not None else {}
    if model is CaseDecision:
        value, multiplier = value_of("approved_value"), value_of("multiplier")
        return {"credits": credit_compute(value=value, multiplier=multiplier)} \
            if value is not None and multiplier is not None else {}
    if model is DemandItem:
        return {"tier": demand_tier(value_of("score"))}
    return {}


def _before_flush(session: Session, _context, _instances) -> None:
    touched_cases = set()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, (IcpCase, CaseDecision, DemandItem)):
            for name, value in derived_values(type(obj), partial(getattr, obj)).items():
                setattr(obj, name, value)
        if isinstance(obj, IcpCase):
            touched_cases.add(obj)
        elif isinstance(obj, CaseDecision) and obj.case is not None:
            touched_cases.add(obj.case)
    for obj in session.deleted:
        if isinstance(obj, CaseDecision) and obj.case is not None:
            touched_cases.add(obj.case)
    for case in touched_cases:
        if case in session.deleted:
            continue
        live = [d for d in case.decisions if d not in session.deleted]
        status = case_status_of(live)
        if case.status != status:
            case.status = status


def case_statuses_refresh(connection, case_ids) -> list[tuple[int, str, int]]:
    """Set-based case_status_of for cases whose decisions were written without the ORM (the import): one
    read of their decisions, one UPDATE of those whose status changes, each logged in the history.
    Returns (id, new status, new version) of each case changed."""
    cases, decisions, meetings = IcpCase.__table__, CaseDecision.__table__, Meeting.__table__
    case_ids = sorted(set(case_ids))
    updated = []
    for start in range(0, len(case_ids), IN_LIMIT):
        ids = case_ids[start:start + IN_LIMIT]
        entries: dict[int, list] = {}
        for case_id, kind, held_on, decision_id in connection.execute(
                select(decisions.c.case_id, decisions.c.kind, meetings.c.held_on, decisions.c.id)
                .outerjoin(meetings, decisions.c.meeting_id == meetings.c.id).where(decisions.c.case_id.in_(ids))):
            entries.setdefault(case_id, []).append((kind, held_on, decision_id))
        changed = []
        for row in connection.execute(select(cases.c.id, cases.c.number, cases.c.title, cases.c.status,
                                             cases.c.version_id).where(cases.c.id.in_(ids))):
            status = latest_kind(entries.get(row.id, ()))
            if status != row.status:
                changed.append((row, status))
        if not changed:
            continue
        updated += [(row.id, status, row.version_id + 1) for row, status in changed]
        connection.execute(update(cases).where(cases.c.id == bindparam("case_id"))
                           .values(status=bindparam("new_status"), version_id=cases.c.version_id + 1),
                           [{"case_id": row.id, "new_status": status} for row, status in changed])
        log_written(connection, IcpCase, [("update", {**row._mapping, "status": status,
                                                      "version_id": row.version_id + 1},
                                           {"status": [row.status, status]}) for row, status in changed])
    return updated


def ledger_register() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", summary_after_flush)
        event.listen(Session, "do_orm_execute", summary_bulk_seen)
        event.listen(Session, "before_commit", summary_before_commit)
        event.listen(Session, "after_rollback", summary_after_rollback)
