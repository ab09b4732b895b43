"""Derived values kept right in one place: case credits, decision credits, case status, demand tiers.

They are stored only so totals are one SQL SUM / GROUP BY; a `before_flush` listener recomputes them
from their inputs whenever a record is written, whatever wrote it (form, inline edit, import, CLI), and an
`after_flush` listener refreshes the credit summary the totals pages read (icp.summary).
"""
from sqlalchemy import event
from sqlalchemy.orm import Session

from icp.credits import credit_compute
from icp.rules import demand_tier
from icp.summary import summary_after_flush, summary_after_rollback, summary_before_commit, summary_bulk_seen
from models import CaseDecision, DemandItem, IcpCase
from models.choices import CASE_STATUS_NEW


def case_status_of(decisions) -> str:
    """A case's status is its latest decision (by meeting date, then entry order); none yet: 申請中."""
    def order(entry):
        position, decision = entry
        held_on = decision.meeting.held_on if decision.meeting else None
        return (held_on is not None, held_on, decision.id is None, decision.id or 0, position)

    decisions = list(decisions)
    return max(enumerate(decisions), key=order)[1].kind if decisions else CASE_STATUS_NEW


def _before_flush(session: Session, _context, _instances) -> None:
    touched_cases = set()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, IcpCase):
            if obj.actual_value is not None and obj.multiplier is not None:
                obj.credit = credit_compute(value=obj.actual_value, multiplier=obj.multiplier)
            touched_cases.add(obj)
        elif isinstance(obj, CaseDecision):
            if obj.approved_value is not None and obj.multiplier is not None:
                obj.credits = credit_compute(value=obj.approved_value, multiplier=obj.multiplier)
            if obj.case is not None:
                touched_cases.add(obj.case)
        elif isinstance(obj, DemandItem):
            obj.tier = demand_tier(obj.score)
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


def ledger_register() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", summary_after_flush)
        event.listen(Session, "do_orm_execute", summary_bulk_seen)
        event.listen(Session, "before_commit", summary_before_commit)
        event.listen(Session, "after_rollback", summary_after_rollback)
