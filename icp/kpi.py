"""Annual targets (年度目標): each KPI's actual counted or summed from the records, with its dated evidence.

`KPI_SOURCES` maps the key stored in `AnnualTarget.actual_source` to a function `(year, *, until=None) ->
KpiActual`; `until` stops the count early (a quarterly report's progress so far). Every value is one SQL
COUNT or SUM; the evidence is the dated list of the records that make it up, worded as the final report
words its achievements (「3月29日 …」). `manual_actual` is used only where no record can carry the actual
(domain.md §6).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial

from sqlalchemy import Numeric, case as sql_case, distinct, func, select

from icp.credits import CENT, FINAL_APPROVED, PRE_APPROVED, money_sum, usd_points_sql
from icp.extensions import db
from icp.roc import roc_year
from models import (Agreement, AnnualTarget, AuditLog, CapabilityAssessment, CaseDecision, Contractor, DemandItem,
                    DomesticFirm, Event, FactoryVisit, IcpCase, Meeting, Publication, TrainingSession)
from models.choices import EVENT_KINDS, MEETING_KINDS, PUBLICATION_KINDS, STEERING_MEETING, TRAINING_AUDIENCES

REJECTED = "預核駁回"
DEFENSE_CLASSES = ("直接國防工合", "間接國防工合")
DEFENSE_INDUSTRY = "國防工業廠商"           # the training audience of the defense-industry KPIs
DB_UPDATE_WORKING_DAYS = 5                # the database is updated within 5 working days of approved minutes
TAIPEI_UTC_OFFSET = timedelta(hours=8)    # the change log is stored in UTC; the office's year is Taipei's
MANUAL = "manual"                         # actual_source for a KPI no record can carry: manual_actual is the actual
OTHER_AUDIENCES = "other"                 # trainings:other — every audience except 國防工業廠商

Evidence = list[tuple[date | None, str]]


@dataclass
class KpiActual:
    value: Decimal | int
    evidence: Evidence = field(default_factory=list)
    from_records: bool = True   # False: the records cannot give the whole actual (history kept only since later)


# --- wording ---------------------------------------------------------------------------------------

def month_day(day: date) -> str:
    """3月29日 — the report's wording inside a year."""
    return f"{day.month}月{day.day}日"


def month_day_span(start: date, end: date | None) -> str:
    """5月14日至21日, or 5月30日至6月2日 — as the report writes a span of days."""
    if end is None or end == start:
        return month_day(start)
    if (end.year, end.month) == (start.year, start.month):
        return f"{month_day(start)}至{end.day}日"
    return f"{month_day(start)}至{month_day(end)}"


def amount_text(value: Decimal | int | None) -> str:
    """26,726,856 (cents only when there are any)."""
    value = Decimal(value or 0)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


# --- periods and shared expressions ------------------------------------------------------------------

def period_of(year: int, until: date | None = None) -> tuple[date, date]:
    """1 January to 31 December, or to `until` when it falls earlier in the year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return start, min(end, until) if until else end


def _count(query) -> int:
    return int(db.session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _sum_of(column):
    """Money (2-place) columns summed exactly to the cent (money_sum), anything else as it is."""
    return money_sum(column) if isinstance(column.type, Numeric) and column.type.scale == 2 else func.sum(column)


def _sum(column, *where) -> Decimal:
    total = db.session.scalar(select(func.coalesce(_sum_of(column), 0)).where(*where))
    return Decimal(total or 0)


def _ntd_without_rate():
    return sql_case(((CaseDecision.currency != "USD") & CaseDecision.exchange_rate.is_(None), CaseDecision.credits),
                    else_=0)


def pre_approved_cases(start: date, end: date):
    """Subquery: ids of the cases pre-approved at a meeting in the period, with the first such date."""
    return (select(CaseDecision.case_id.label("case_id"), func.min(Meeting.held_on).label("held_on"))
            .join(Meeting, CaseDecision.meeting_id == Meeting.id)
            .where(CaseDecision.kind == PRE_APPROVED, Meeting.held_on.between(start, end))
            .group_by(CaseDecision.case_id).subquery())


# --- meetings ---------------------------------------------------------------------------------------

def meetings_count(kind: str, year: int, *, until: date | None = None) -> KpiActual:
    """Meetings of one kind held in the year."""
    start, end = period_of(year, until)
    where = (Meeting.kind == kind, Meeting.held_on.between(start, end))
    value = _count(select(Meeting.id).where(*where))
    rows = db.session.execute(select(Meeting.held_on, Meeting.title).where(*where).order_by(Meeting.held_on, Meeting.id))
    return KpiActual(value, [(held_on, f"{month_day(held_on)} {title}") for held_on, title in rows])


def demand_quarters_passed(year: int, *, until: date | None = None) -> KpiActual:
    """Quarters whose demand items passed the second review at a steering meeting held in the year."""
    start, end = period_of(year, until)
    joined = (DemandItem.second_review_meeting_id == Meeting.id, DemandItem.second_review_passed.is_(True),
              Meeting.held_on.between(start, end))
    value = _count(select(DemandItem.year, DemandItem.quarter).where(*joined).distinct())
    tiers = [func.sum(sql_case((DemandItem.tier == tier, 1), else_=0)) for tier in ("優先項目", "一般項目")]
    rows = db.session.execute(
        select(Meeting.held_on, Meeting.title, DemandItem.year, DemandItem.quarter, func.count(DemandItem.id), *tiers)
        .where(*joined).group_by(Meeting.held_on, Meeting.title, DemandItem.year, DemandItem.quarter)
        .order_by(Meeting.held_on, DemandItem.year, DemandItem.quarter))
    evidence = []
    for held_on, title, item_year, quarter, passed, priority, general in rows:
        detail = "、".join(f"{label}{n}項" for label, n in (("優先項目", priority), ("一般項目", general)) if n)
        evidence.append((held_on, f"{month_day(held_on)} {title}複審通過{roc_year(item_year)}年第{quarter}季"
                                  f"工合需求項目{passed}項" + (f"（{detail}）" if detail else "")))
    return KpiActual(value, evidence)


def meetings_db_updated_in_time(year: int, *, until: date | None = None) -> KpiActual:
    """Steering meetings whose database was updated within 5 working days (Mon–Fri) of the approved minutes.

    Working days are counted in Python over the year's few steering meetings: SQLite and PostgreSQL share no
    weekday arithmetic. Public holidays are not recorded, so they count as working days.
    """
    start, end = period_of(year, until)
    rows = db.session.execute(
        select(Meeting.title, Meeting.minutes_approved_on, Meeting.db_updated_on)
        .where(Meeting.kind == STEERING_MEETING, Meeting.held_on.between(start, end),
               Meeting.minutes_approved_on.isnot(None), Meeting.db_updated_on.isnot(None),
               Meeting.db_updated_on <= end)
        .order_by(Meeting.held_on))
    evidence = []
    for title, approved_on, updated_on in rows:
        days = working_days_between(approved_on, updated_on)
        if days <= DB_UPDATE_WORKING_DAYS:
            evidence.append((updated_on, f"{month_day(updated_on)} {title}紀錄{month_day(approved_on)}奉核定後"
                                         f"完成更新工合額度資料庫（{days}個工作天）"))
    return KpiActual(len(evidence), evidence)


def working_days_between(earlier: date, later: date) -> int:
    """Monday-to-Friday days after `earlier` up to and including `later` (0 when not later)."""
    days = 0
    day = earlier
    while day < later:
        day += timedelta(days=1)
        days += day.weekday() < 5
    return days


# --- events, publications ----------------------------------------------------------------------------

def events_count(kind: str, year: int, *, until: date | None = None) -> KpiActual:
    """Promotion events of one kind starting in the year (参訪 visits, surveys of a contractor …)."""
    start, end = period_of(year, until)
    where = (Event.kind == kind, Event.starts_on.between(start, end))
    value = _count(select(Event.id).where(*where))
    rows = db.session.execute(
        select(Event.starts_on, Event.ends_on, Event.title, Contractor.name_zh, Event.attendees)
        .outerjoin(Contractor, Event.contractor_id == Contractor.id).where(*where).order_by(Event.starts_on, Event.id))
    evidence = []
    for starts_on, ends_on, title, contractor, attendees in rows:
        text = f"{month_day_span(starts_on, ends_on)} {title}"
        if contractor and contractor not in title:
            text += f"（{contractor}）"
        if attendees:
            text += f"，計{attendees}人次"
        evidence.append((starts_on, text))
    return KpiActual(value, evidence)


def publications_count(kind: str, year: int, *, until: date | None = None) -> KpiActual:
    start, end = period_of(year, until)
    where = (Publication.kind == kind, Publication.published_on.between(start, end))
    value = _count(select(Publication.id).where(*where))
    rows = db.session.execute(select(Publication.published_on, Publication.title).where(*where)
                              .order_by(Publication.published_on, Publication.id))
    return KpiActual(value, [(day, f"{month_day(day)} {title}") for day, title in rows])


def publication_copies(kind: str, year: int, *, until: date | None = None) -> KpiActual:
    """Copies printed of one kind of publication in the year."""
    start, end = period_of(year, until)
    where = (Publication.kind == kind, Publication.published_on.between(start, end), Publication.copies > 0)
    value = int(_sum(Publication.copies, *where))
    rows = db.session.execute(select(Publication.published_on, Publication.title, Publication.copies).where(*where)
                              .order_by(Publication.published_on, Publication.id))
    return KpiActual(value, [(day, f"{month_day(day)} 印製{title} {copies:,}本") for day, title, copies in rows])


# --- agreements, credits, cases -------------------------------------------------------------------------

def agreements_signed(year: int, *, until: date | None = None) -> KpiActual:
    start, end = period_of(year, until)
    where = (Agreement.signed_on.between(start, end),)
    value = _count(select(Agreement.id).where(*where))
    return KpiActual(value, _agreement_evidence(where, with_amount=False))


def agreements_obligation_usd(year: int, *, until: date | None = None) -> KpiActual:
    """Obligations (USD points) of the agreements signed in the year."""
    start, end = period_of(year, until)
    where = (Agreement.signed_on.between(start, end), Agreement.obligation_currency == "USD")
    return KpiActual(_sum(Agreement.obligation, *where).quantize(CENT), _agreement_evidence(where, with_amount=True))


def _agreement_evidence(where, *, with_amount: bool) -> Evidence:
    rows = db.session.execute(
        select(Agreement.signed_on, Agreement.number, Contractor.name_zh, Agreement.obligation,
               Agreement.obligation_currency)
        .join(Contractor, Agreement.contractor_id == Contractor.id).where(*where)
        .order_by(Agreement.signed_on, Agreement.number))
    unit = {"USD": "美元點", "NTD": "新台幣點"}
    return [(signed_on, f"{month_day(signed_on)} 與{contractor}簽署工業合作協議書{number}"
                        + (f"，額度{amount_text(obligation)}{unit.get(currency, currency)}" if with_amount else ""))
            for signed_on, number, contractor, obligation, currency in rows]


def credits_pre_final_usd(year: int, *, until: date | None = None, defense_only: bool = False) -> KpiActual:
    """Credits pre-approved plus finally approved in the year, in USD points (NTD only at a recorded rate)."""
    start, end = period_of(year, until)
    where = [CaseDecision.kind.in_((PRE_APPROVED, FINAL_APPROVED)), Meeting.held_on.between(start, end)]
    if defense_only:
        where.append(IcpCase.defense_class.in_(DEFENSE_CLASSES))

    def joined(query):
        return (query.select_from(CaseDecision).join(Meeting, CaseDecision.meeting_id == Meeting.id)
                .join(IcpCase, CaseDecision.case_id == IcpCase.id).where(*where))

    total = db.session.scalar(joined(select(func.coalesce(money_sum(usd_points_sql()), 0))))
    in_usd = (CaseDecision.currency == "USD") | CaseDecision.exchange_rate.isnot(None)
    is_pre, is_final = (CaseDecision.kind == PRE_APPROVED) & in_usd, (CaseDecision.kind == FINAL_APPROVED) & in_usd
    rows = db.session.execute(joined(select(
        Meeting.held_on, Meeting.title,
        func.sum(sql_case((is_pre, 1), else_=0)), money_sum(sql_case((is_pre, usd_points_sql()), else_=0)),
        func.sum(sql_case((is_final, 1), else_=0)), money_sum(sql_case((is_final, usd_points_sql()), else_=0)),
        money_sum(_ntd_without_rate())))
        .group_by(Meeting.held_on, Meeting.title).order_by(Meeting.held_on))
    evidence = []
    for held_on, title, pre_n, pre, final_n, final, ntd in rows:
        parts = [f"{label}{n}案{amount_text(Decimal(amount or 0).quantize(CENT))}美元點"
                 for label, n, amount in (("預核", pre_n, pre), ("實核", final_n, final)) if n]
        text = f"{month_day(held_on)} {title}" + ("：" + "、".join(parts) if parts else "")
        if ntd:
            text += f"（另{amount_text(ntd)}新台幣點未載匯率，未計入）"
        evidence.append((held_on, text))
    return KpiActual(Decimal(total or 0).quantize(CENT), evidence)


def decisions_pre_final_count(year: int, *, until: date | None = None) -> KpiActual:
    """Case decisions 預核通過, 預核駁回 and 實核通過 taken in the year (預/實核個案)."""
    start, end = period_of(year, until)
    kinds = (PRE_APPROVED, REJECTED, FINAL_APPROVED)
    where = (CaseDecision.kind.in_(kinds), Meeting.held_on.between(start, end))
    value = int(db.session.scalar(select(func.count(CaseDecision.id))
                                  .join(Meeting, CaseDecision.meeting_id == Meeting.id).where(*where)) or 0)
    rows = db.session.execute(
        select(Meeting.held_on, Meeting.title, *[func.sum(sql_case((CaseDecision.kind == k, 1), else_=0)) for k in kinds])
        .select_from(CaseDecision).join(Meeting, CaseDecision.meeting_id == Meeting.id).where(*where)
        .group_by(Meeting.held_on, Meeting.title).order_by(Meeting.held_on))
    evidence = []
    for held_on, title, *counts in rows:
        detail = "、".join(f"{kind}{n}案" for kind, n in zip(kinds, counts) if n)
        evidence.append((held_on, f"{month_day(held_on)} {title}：{detail}"))
    return KpiActual(value, evidence)


def cases_sum(column_name: str, year: int, *, until: date | None = None) -> KpiActual:
    """A case field (technologies, output, benefit, investment) summed over the cases pre-approved in the year."""
    start, end = period_of(year, until)
    column = getattr(IcpCase, column_name)
    pre = pre_approved_cases(start, end)
    total = db.session.scalar(select(func.coalesce(_sum_of(column), 0)).join(pre, pre.c.case_id == IcpCase.id))
    rows = db.session.execute(select(pre.c.held_on, IcpCase.number, IcpCase.title, column)
                              .join(pre, pre.c.case_id == IcpCase.id).where(column > 0)
                              .order_by(pre.c.held_on, IcpCase.number))
    unit = CASE_FIELD_UNITS[column_name]
    evidence = [(held_on, f"{month_day(held_on)} 預核{number}「{title}」{amount_text(value)}{unit}")
                for held_on, number, title, value in rows]
    value = int(total or 0) if column_name == "technologies" else Decimal(total or 0).quantize(CENT)
    return KpiActual(value, evidence)


def cases_totals(column_names: tuple[str, ...], year: int, *, until: date | None = None) -> tuple[Decimal, ...]:
    """cases_sum's values without the evidence: several case fields summed in one query."""
    start, end = period_of(year, until)
    pre = pre_approved_cases(start, end)
    totals = db.session.execute(select(*[func.coalesce(_sum_of(getattr(IcpCase, name)), 0) for name in column_names])
                                .join(pre, pre.c.case_id == IcpCase.id)).one()
    return tuple(Decimal(total or 0) for total in totals)


CASE_FIELD_UNITS = {"technologies": "項", "estimated_output_usd": "美元", "derived_benefit_ntd": "元",
                    "induced_investment_ntd": "元"}


# --- defense-industry work ---------------------------------------------------------------------------

def _audience(audience: str):
    return TrainingSession.audience != DEFENSE_INDUSTRY if audience == OTHER_AUDIENCES \
        else TrainingSession.audience == audience


def trainings_count(audience: str, year: int, *, until: date | None = None) -> KpiActual:
    """Training sessions starting in the year for one audience (`other`: all but 國防工業廠商)."""
    start, end = period_of(year, until)
    where = (_audience(audience), TrainingSession.starts_on.between(start, end))
    return KpiActual(_count(select(TrainingSession.id).where(*where)), _training_evidence(where))


def trainees_sum(audience: str, year: int, *, until: date | None = None) -> KpiActual:
    """Trainees (人次) of those sessions."""
    start, end = period_of(year, until)
    where = (_audience(audience), TrainingSession.starts_on.between(start, end))
    return KpiActual(int(_sum(TrainingSession.trainees, *where)), _training_evidence(where))


def _training_evidence(where) -> Evidence:
    rows = db.session.execute(
        select(TrainingSession.starts_on, TrainingSession.ends_on, TrainingSession.title, TrainingSession.location,
               TrainingSession.trainees).where(*where).order_by(TrainingSession.starts_on, TrainingSession.id))
    return [(starts_on, f"{month_day_span(starts_on, ends_on)} " + (f"於{location}辦理" if location else "") + title
             + f"，參訓{trainees}人次") for starts_on, ends_on, title, location, trainees in rows]


def firms_capability_db_added(year: int, *, until: date | None = None) -> KpiActual:
    """Firms added to the leading/system firms' capability database in the year."""
    start, end = period_of(year, until)
    where = (DomesticFirm.in_capability_db.is_(True), DomesticFirm.capability_db_added_on.between(start, end))
    value = _count(select(DomesticFirm.id).where(*where))
    rows = db.session.execute(
        select(DomesticFirm.capability_db_added_on, DomesticFirm.name, DomesticFirm.capability_category,
               DomesticFirm.capability_notes).where(*where).order_by(DomesticFirm.capability_db_added_on, DomesticFirm.name))
    return KpiActual(value, [(day, f"{month_day(day)} {name}（{category or '未分類'}"
                                   + (f"，{notes}" if notes else "") + "）")
                             for day, name, category, notes in rows])


def factory_visits(year: int, *, until: date | None = None) -> KpiActual:
    start, end = period_of(year, until)
    where = (FactoryVisit.visited_on.between(start, end),)
    value = _count(select(FactoryVisit.id).where(*where))
    rows = db.session.execute(select(FactoryVisit.visited_on, DomesticFirm.name, FactoryVisit.purpose)
                              .join(DomesticFirm, FactoryVisit.firm_id == DomesticFirm.id).where(*where)
                              .order_by(FactoryVisit.visited_on, FactoryVisit.id))
    return KpiActual(value, [(day, f"{month_day(day)} {firm} {purpose}") for day, firm, purpose in rows])


def assessments_completed(year: int, *, until: date | None = None) -> KpiActual:
    """Capability assessments whose report was completed in the year."""
    start, end = period_of(year, until)
    where = (CapabilityAssessment.completed_on.between(start, end),)
    value = _count(select(CapabilityAssessment.id).where(*where))
    rows = db.session.execute(
        select(CapabilityAssessment.completed_on, CapabilityAssessment.item, CapabilityAssessment.report_number,
               CapabilityAssessment.outcome).where(*where)
        .order_by(CapabilityAssessment.completed_on, CapabilityAssessment.id))
    return KpiActual(value, [(day, f"{month_day(day)} 完成「{item}」國內產業自製能量評估報告"
                                   + "（" + "，".join(p for p in (number, outcome) if p) + "）" * bool(number or outcome))
                             for day, item, number, outcome in rows])


def firm_records_changed(year: int, *, until: date | None = None) -> KpiActual:
    """Domestic-firm records created or updated in the year, from the change log.

    `from_records` is False when the change log starts after the period begins (the system was not yet in
    use): the count is then partial and the target's manual actual, when given, is preferred.
    """
    start, end = period_of(year, until)
    since = datetime.combine(start, time()) - TAIPEI_UTC_OFFSET
    before = datetime.combine(end + timedelta(days=1), time()) - TAIPEI_UTC_OFFSET
    where = (AuditLog.record_type == DomesticFirm.__tablename__, AuditLog.action.in_(("create", "update", "restore")),
             AuditLog.at >= since, AuditLog.at < before)
    value = int(db.session.scalar(select(func.count(distinct(AuditLog.record_id))).where(*where)) or 0)
    rows = db.session.execute(select(AuditLog.record_id, func.min(AuditLog.at), func.max(AuditLog.record_label),
                                     func.count(AuditLog.id))
                              .where(*where).group_by(AuditLog.record_id).order_by(func.min(AuditLog.at)))
    evidence = []
    for _record_id, first_at, label, changes in rows:
        day = (first_at + TAIPEI_UTC_OFFSET).date()
        evidence.append((day, f"{month_day(day)} 建立/更新{label}檔案資訊（{changes}筆異動）"))
    log_start = db.session.scalar(select(func.min(AuditLog.at)))
    return KpiActual(value, evidence, from_records=log_start is not None and log_start <= since)


# --- the registry -----------------------------------------------------------------------------------

KpiSource = Callable[..., KpiActual]

KPI_SOURCES: dict[str, KpiSource] = {
    **{f"meetings:{kind}": partial(meetings_count, kind) for kind in MEETING_KINDS},
    "demand_quarters_passed": demand_quarters_passed,
    "meetings_db_updated_in_time": meetings_db_updated_in_time,
    **{f"events:{kind}": partial(events_count, kind) for kind in EVENT_KINDS},
    **{f"publications:{kind}": partial(publications_count, kind) for kind in PUBLICATION_KINDS},
    **{f"copies:{kind}": partial(publication_copies, kind) for kind in PUBLICATION_KINDS},
    "agreements_signed": agreements_signed,
    "agreements_obligation_usd": agreements_obligation_usd,
    "credits_pre_final_usd": credits_pre_final_usd,
    "credits_pre_final_defense_usd": partial(credits_pre_final_usd, defense_only=True),
    "decisions_pre_final_count": decisions_pre_final_count,
    "cases_technologies": partial(cases_sum, "technologies"),
    "cases_estimated_output_usd": partial(cases_sum, "estimated_output_usd"),
    "cases_derived_benefit_ntd": partial(cases_sum, "derived_benefit_ntd"),
    "cases_induced_investment_ntd": partial(cases_sum, "induced_investment_ntd"),
    **{f"trainings:{audience}": partial(trainings_count, audience) for audience in TRAINING_AUDIENCES},
    **{f"trainees:{audience}": partial(trainees_sum, audience) for audience in TRAINING_AUDIENCES},
    f"trainings:{OTHER_AUDIENCES}": partial(trainings_count, OTHER_AUDIENCES),
    f"trainees:{OTHER_AUDIENCES}": partial(trainees_sum, OTHER_AUDIENCES),
    "firms_capability_db_added": firms_capability_db_added,
    "factory_visits": factory_visits,
    "assessments_completed": assessments_completed,
    "firm_records_changed": firm_records_changed,
}


# --- targets against actuals ------------------------------------------------------------------------

@dataclass
class TargetRow:
    """One annual target with its actual: the 年度目標達成情形 row."""

    work_item: str
    kpi: str
    target: Decimal
    unit: str
    actual: Decimal | int | None
    evidence: Evidence
    source: str | None
    manual: bool                 # the actual is the target's manual_actual
    note: str | None = None

    @property
    def rate(self) -> Decimal | None:
        """Achieved as a percentage of the target (None without a target or an actual)."""
        if self.actual is None or not self.target:
            return None
        return (Decimal(self.actual) * 100 / self.target).quantize(CENT)


def target_actual(target: AnnualTarget, *, until: date | None = None) -> TargetRow:
    """The actual of one target: its source's count or sum, else (manual, unknown key) its manual actual."""
    source = KPI_SOURCES.get(target.actual_source or "")
    result = source(target.year, until=until) if source else None
    note = target.note
    if result is None:
        actual, evidence, manual = target.manual_actual, [], True
        if target.actual_source not in (None, "", MANUAL):
            note = "；".join(filter(None, [f"實績計算方式「{target.actual_source}」無對應，採人工填報實績", note]))
    elif not result.from_records and target.manual_actual is not None:
        actual, evidence, manual = target.manual_actual, result.evidence, True
    else:
        actual, evidence, manual = result.value, result.evidence, False
    return TargetRow(work_item=target.work_item, kpi=target.kpi, target=target.target_value, unit=target.unit,
                     actual=actual, evidence=evidence, source=target.actual_source, manual=manual, note=note)


def target_progress(year: int, *, until: date | None = None) -> list[TargetRow]:
    """Every target of the year, in the order entered, with its actual (up to `until`), rate and evidence."""
    targets = db.session.scalars(select(AnnualTarget).where(AnnualTarget.year == year).order_by(AnnualTarget.id))
    return [target_actual(target, until=until) for target in targets]


__all__ = ["KPI_SOURCES", "KpiActual", "MANUAL", "TargetRow", "month_day", "period_of", "target_actual",
           "target_progress"]
