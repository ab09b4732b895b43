"""The credit summary (models.summary): the GROUP BYs that fill it, and keeping it exact after every flush.

The totals pages read `agreement_credit`, `year_credit`, `year_dimension_credit` and `meeting_credit` instead
of summing every decision on each view. Their rows are only ever written here, as DELETE + INSERT … SELECT of
the same GROUP BY over the decisions (`year_dimension_credit`: over the `year_credit` rows just written), for the
agreements, years and meetings a flush touched (`summary_after_flush`, registered by icp.ledger), so a row is
always the sum of its decisions. An ORM bulk INSERT of decisions, cases or meetings (`session.execute(insert(
Model), rows)`, no flush) marks the summary stale and the commit rebuilds all of it; writers that go below
the ORM (Core `connection.execute`) must call `summary_rebuild` themselves, or `summary_defer` first.
"""
from datetime import date

from sqlalchemy import Integer, cast, delete, extract, func, insert, inspect, literal, or_, select
from sqlalchemy.orm import ORMExecuteState, Session

from icp.credits import FINAL_APPROVED, PRE_APPROVED, money_sum, usd_points_sql
from models import AgreementCredit, CaseDecision, IcpCase, Meeting, MeetingCredit, YearCredit, YearDimensionCredit

CREDIT_KINDS = (PRE_APPROVED, FINAL_APPROVED)
# attributes whose change moves a record's decisions to other summary rows
DECISION_KEYS = ("kind", "credits", "currency", "exchange_rate", "case_id", "meeting_id", "case", "meeting")
CASE_KEYS = ("agreement_id", "case_type", "field", "defense_class", "agreement")
# the year_credit dimensions year_dimension_credit sums the others away from, one at a time
YEAR_DIMENSIONS = ("case_type", "field", "defense_class")


def decision_year():
    """A decision's year is its meeting's."""
    return cast(extract("year", Meeting.held_on), Integer)


def years_where(years):
    """Meetings held in any of `years`, as date ranges so the held_on index is used."""
    return or_(*[(Meeting.held_on >= date(y, 1, 1)) & (Meeting.held_on < date(y + 1, 1, 1)) for y in sorted(years)])


def agreement_sums(agreement_ids=None):
    """The GROUP BY behind `agreement_credit` (all agreements, or those of `agreement_ids`)."""
    query = (select(IcpCase.agreement_id, CaseDecision.kind, CaseDecision.currency, func.count(CaseDecision.id),
                    money_sum(CaseDecision.credits))
             .select_from(CaseDecision).join(IcpCase, CaseDecision.case_id == IcpCase.id)
             .where(CaseDecision.kind.in_(CREDIT_KINDS))
             .group_by(IcpCase.agreement_id, CaseDecision.kind, CaseDecision.currency))
    return query if agreement_ids is None else query.where(IcpCase.agreement_id.in_(agreement_ids))


def year_sums(years=None):
    """The GROUP BY behind `year_credit` (all years, or `years`)."""
    year = decision_year()
    query = (select(year, CaseDecision.kind, CaseDecision.currency, IcpCase.case_type, IcpCase.field,
                    IcpCase.defense_class, func.count(CaseDecision.id), money_sum(CaseDecision.credits),
                    money_sum(usd_points_sql()))
             .select_from(CaseDecision).join(IcpCase, CaseDecision.case_id == IcpCase.id)
             .join(Meeting, CaseDecision.meeting_id == Meeting.id)
             .where(CaseDecision.kind.in_(CREDIT_KINDS))
             .group_by(year, CaseDecision.kind, CaseDecision.currency, IcpCase.case_type, IcpCase.field,
                       IcpCase.defense_class))
    return query if years is None else query.where(years_where(years))


def year_dimension_sums(dimension: str, years=None):
    """The GROUP BY behind `year_dimension_credit` for one dimension: the `year_credit` rows (all years, or
    `years`) summed over the other dimensions."""
    value = getattr(YearCredit, dimension)
    query = (select(YearCredit.year, YearCredit.kind, YearCredit.currency, literal(dimension), value,
                    func.sum(YearCredit.decisions), money_sum(YearCredit.credits), money_sum(YearCredit.usd_credits))
             .group_by(YearCredit.year, YearCredit.kind, YearCredit.currency, value))
    return query if years is None else query.where(YearCredit.year.in_(years))


def meeting_sums(meeting_ids=None):
    """The GROUP BY behind `meeting_credit`: every decision kind (all meetings, or those of `meeting_ids`)."""
    query = (select(CaseDecision.meeting_id, CaseDecision.kind, CaseDecision.currency, func.count(CaseDecision.id),
                    money_sum(CaseDecision.credits))
             .group_by(CaseDecision.meeting_id, CaseDecision.kind, CaseDecision.currency))
    return query if meeting_ids is None else query.where(CaseDecision.meeting_id.in_(meeting_ids))


def _rows_replace(connection, table, key: str, ids, columns: list[str], *queries) -> None:
    """Replace a summary table's rows (all of them, or those whose `key` is in `ids`) with the GROUP BYs' rows."""
    if ids is None:
        connection.execute(delete(table))
    else:
        connection.execute(delete(table).where(table.c[key].in_(ids)))
    for query in queries:
        connection.execute(insert(table).from_select(columns, query))


def _agreements_refresh(connection, agreement_ids) -> None:
    _rows_replace(connection, AgreementCredit.__table__, "agreement_id", agreement_ids,
                  ["agreement_id", "kind", "currency", "decisions", "credits"], agreement_sums(agreement_ids))


def _years_refresh(connection, years) -> None:
    _rows_replace(connection, YearCredit.__table__, "year", years,
                  ["year", "kind", "currency", "case_type", "field", "defense_class", "decisions", "credits",
                   "usd_credits"], year_sums(years))
    # then, from the rows just written, the same years per dimension
    _rows_replace(connection, YearDimensionCredit.__table__, "year", years,
                  ["year", "kind", "currency", "dimension", "value", "decisions", "credits", "usd_credits"],
                  *(year_dimension_sums(dimension, years) for dimension in YEAR_DIMENSIONS))


def _meetings_refresh(connection, meeting_ids) -> None:
    _rows_replace(connection, MeetingCredit.__table__, "meeting_id", meeting_ids,
                  ["meeting_id", "kind", "currency", "decisions", "credits"], meeting_sums(meeting_ids))


def summary_rebuild(session: Session, agreement_ids=None) -> None:
    """Recompute the credit summary from the decisions: all of it, or what the given agreements' decisions
    touch (their agreement rows, and every year and meeting they fall in). Call it after writing decisions,
    cases or meetings without an ORM flush (bulk INSERT/UPDATE), in the same transaction."""
    connection = session.connection()
    if agreement_ids is None:
        _agreements_refresh(connection, None)
        _years_refresh(connection, None)
        _meetings_refresh(connection, None)
        return
    agreement_ids = set(agreement_ids)
    meeting_ids = set(connection.scalars(select(CaseDecision.meeting_id).distinct().select_from(CaseDecision)
                                         .join(IcpCase, CaseDecision.case_id == IcpCase.id)
                                         .where(IcpCase.agreement_id.in_(agreement_ids))))
    _agreements_refresh(connection, agreement_ids)
    if meeting_ids:
        _years_refresh(connection, set(connection.scalars(select(decision_year()).distinct()
                                                          .where(Meeting.id.in_(meeting_ids)))))
        _meetings_refresh(connection, meeting_ids)


def _values(obj, key: str) -> set:
    """An attribute's current value and, if this flush changed it, its old one."""
    history = inspect(obj).attrs[key].history
    return {v for v in (*history.unchanged, *history.added, *history.deleted) if v is not None}


def _changed(obj, keys) -> bool:
    state = inspect(obj)
    return any(state.attrs[key].history.has_changes() for key in keys)


def summary_after_flush(session: Session, _context) -> None:
    """Refresh the summary rows of every agreement, year and meeting whose decisions this flush added,
    changed, removed or moved (a decision to another case or meeting, a case to another agreement or class,
    a meeting to another date), old and new."""
    if session.info.get(STALE):  # the commit rebuilds all of it anyway
        return
    case_ids, meeting_ids, agreement_ids, years, cases_changed = set(), set(), set(), set(), set()
    deleted_meetings = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        dirty = obj in session.dirty
        if isinstance(obj, CaseDecision):
            if dirty and not _changed(obj, DECISION_KEYS):
                continue
            case_ids |= _values(obj, "case_id") | {c.id for c in _values(obj, "case")}
            meeting_ids |= _values(obj, "meeting_id") | {m.id for m in _values(obj, "meeting")}
        elif isinstance(obj, IcpCase):
            if dirty and not _changed(obj, CASE_KEYS):
                continue
            agreement_ids |= _values(obj, "agreement_id") | {a.id for a in _values(obj, "agreement")}
            if dirty:
                cases_changed.add(obj.id)
        elif isinstance(obj, Meeting):
            if obj in session.deleted:
                deleted_meetings.add(obj.id)
            if dirty and not _changed(obj, ("held_on",)):
                continue
            years |= {d.year for d in _values(obj, "held_on")}
    if not (case_ids or agreement_ids or years or deleted_meetings):
        return
    connection = session.connection()
    case_ids.discard(None)
    meeting_ids.discard(None)
    if case_ids:
        agreement_ids |= set(connection.scalars(select(IcpCase.agreement_id).where(IcpCase.id.in_(case_ids))))
    if meeting_ids:
        years |= set(connection.scalars(select(decision_year()).where(Meeting.id.in_(meeting_ids))))
    if cases_changed:
        years |= set(connection.scalars(select(decision_year()).distinct().select_from(CaseDecision)
                                        .join(Meeting, CaseDecision.meeting_id == Meeting.id)
                                        .where(CaseDecision.case_id.in_(cases_changed))))
    agreement_ids.discard(None)
    if agreement_ids:
        _agreements_refresh(connection, agreement_ids)
    if years:
        _years_refresh(connection, years)
    if meeting_ids or deleted_meetings:
        _meetings_refresh(connection, meeting_ids | deleted_meetings)


STALE = "credit_summary_stale"


def summary_bulk_seen(state: ORMExecuteState) -> None:
    """An ORM bulk INSERT into the ledger skips the flush: remember to rebuild the summary at commit."""
    if state.is_insert and state.bind_mapper is not None and \
            state.bind_mapper.class_ in (CaseDecision, IcpCase, Meeting):
        state.session.info[STALE] = True


def summary_defer(session: Session) -> None:
    """For the rest of this transaction, skip the refresh after each flush and rebuild the whole summary once
    at commit: a bulk writer's many flushes would each re-sum every year they touch."""
    session.info[STALE] = True


def summary_before_commit(session: Session) -> None:
    if session.info.get(STALE):
        session.flush()
        session.info.pop(STALE)
        summary_rebuild(session)


def summary_after_rollback(session: Session) -> None:
    session.info.pop(STALE, None)
