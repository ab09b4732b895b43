"""The quarterly report: the quarter's steering decisions, demand-item reviews, events, visits and trainings, and
the annual targets' progress up to the quarter's end. Pure builders; `quarterly_data` is the one that queries."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case as sql_case, select
from sqlalchemy.orm import aliased

from icp.credits import FINAL_APPROVED, PRE_APPROVED
from icp.extensions import db
from icp.kpi import TargetRow, target_progress
from icp.reports import INT, MONEY, ROC_DATE, Column, Sheet, Workbook
from icp.reports.annual import POINTS, build_targets
from icp.roc import roc_date_text, roc_year
from models import (CapabilityAssessment, CaseDecision, Contractor, DemandItem, DomesticFirm, Event, FactoryVisit,
                    IcpCase, Meeting, TrainingSession, Agreement)
from models.choices import DECISION_KINDS, STEERING_MEETING

GRANTING = (PRE_APPROVED, FINAL_APPROVED)


def quarter_period(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1–4, not {quarter!r}")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - timedelta(days=1)
    return start, end


# --- plain data ----------------------------------------------------------------------------------------

@dataclass
class DecisionLine:
    held_on: date
    case_number: str
    case_title: str
    contractor: str
    kind: str
    credits: Decimal | None
    currency: str | None
    note: str | None = None


@dataclass
class DemandLine:
    proposing_unit: str
    title: str
    industry: str
    need: str
    score: Decimal | None
    tier: str | None
    first_review_on: date | None
    second_review_on: date | None
    second_review_passed: bool | None
    status: str


@dataclass
class EventLine:
    starts_on: date
    ends_on: date | None
    kind: str
    title: str
    contractor: str | None
    location: str | None
    attendees: int | None


@dataclass
class VisitLine:
    visited_on: date
    firm: str
    purpose: str
    visitors: str | None
    assessment: str | None
    findings: str | None


@dataclass
class TrainingLine:
    starts_on: date
    ends_on: date | None
    title: str
    audience: str
    location: str | None
    trainees: int
    hours: Decimal | None


@dataclass
class QuarterlyData:
    year: int
    quarter: int
    decisions: list[DecisionLine]
    demand_items: list[DemandLine]
    events: list[EventLine]
    visits: list[VisitLine]
    trainings: list[TrainingLine]
    targets: list[TargetRow]


# --- builders (pure) -----------------------------------------------------------------------------------

def _label(year: int, quarter: int) -> str:
    return f"{roc_year(year)}年第{quarter}季"


def build_decisions(lines: list[DecisionLine], *, year: int, quarter: int) -> Sheet:
    """One row per decision the quarter's steering meetings took."""
    rows = [[d.held_on, d.case_number, d.case_title, d.contractor, d.kind, d.credits,
             POINTS.get(d.currency, d.currency) if d.credits is not None else None, d.note] for d in lines]
    return Sheet(name=f"第{quarter}季推動小組審議結果", title=f"{_label(year, quarter)}工業合作推動小組會議審議結果",
                 columns=[Column("會議日期", ROC_DATE), Column("個案編號"), Column("個案名稱", width=40),
                          Column("國外承商"), Column("審議結果"), Column("核給額度", MONEY), Column("單位"),
                          Column("備註", width=30)], rows=rows)


def build_demand_items(lines: list[DemandLine], *, year: int, quarter: int) -> Sheet:
    """The quarter's demand items: first review (score, tier) and the steering group's second review."""
    result = {True: "通過", False: "未通過", None: None}
    rows = [[d.proposing_unit, d.title, d.industry, d.need, d.score, d.tier, d.first_review_on, d.second_review_on,
             result[d.second_review_passed], d.status] for d in lines]
    first, second = "初審", "複審（推動小組）"
    return Sheet(name=f"第{quarter}季需求項目審查", title=f"{_label(year, quarter)}工合需求項目審查結果",
                 columns=[Column("提案單位"), Column("需求項目", width=30), Column("產業領域"), Column("需求屬性"),
                          Column("評分", MONEY, group=first), Column("等級", group=first),
                          Column("會議日期", ROC_DATE, group=first), Column("會議日期", ROC_DATE, group=second),
                          Column("結果", group=second), Column("狀態")],
                 rows=rows, notes=["評分80分以上為優先項目，60至80分為一般項目，未達60分不納入資料庫。"])


def build_events(lines: list[EventLine], *, year: int, quarter: int) -> Sheet:
    rows = [[e.starts_on, e.ends_on if e.ends_on != e.starts_on else None, e.kind, e.title, e.contractor, e.location,
             e.attendees] for e in lines]
    return Sheet(name=f"第{quarter}季推廣活動", title=f"{_label(year, quarter)}推廣宣導活動",
                 columns=[Column("日期", ROC_DATE), Column("結束日期", ROC_DATE), Column("活動類別"),
                          Column("活動名稱", width=40), Column("合作外商"), Column("地點"), Column("參加人次", INT)],
                 rows=rows)


def build_visits(lines: list[VisitLine], *, year: int, quarter: int) -> Sheet:
    rows = [[v.visited_on, v.firm, v.purpose, v.visitors, v.assessment, v.findings] for v in lines]
    return Sheet(name=f"第{quarter}季訪廠評估", title=f"{_label(year, quarter)}訪廠評估",
                 columns=[Column("訪廠日期", ROC_DATE), Column("受訪廠商"), Column("目的", width=30),
                          Column("訪視人員"), Column("相關能量評估"), Column("訪視發現", width=30)], rows=rows)


def build_trainings(lines: list[TrainingLine], *, year: int, quarter: int) -> Sheet:
    rows = [[t.starts_on, t.ends_on if t.ends_on != t.starts_on else None, t.title, t.audience, t.location, t.trainees,
             t.hours] for t in lines]
    return Sheet(name=f"第{quarter}季教育訓練", title=f"{_label(year, quarter)}教育訓練",
                 columns=[Column("開始日期", ROC_DATE), Column("結束日期", ROC_DATE), Column("課程名稱", width=40),
                          Column("對象"), Column("地點"), Column("受訓人次", INT), Column("時數", MONEY)], rows=rows)


def quarterly_workbook_build(data: QuarterlyData) -> Workbook:
    year, quarter = data.year, data.quarter
    _start, end = quarter_period(year, quarter)
    return Workbook(filename=f"icp-quarterly-{year}-Q{quarter}.xlsx", sheets=[
        build_decisions(data.decisions, year=year, quarter=quarter),
        build_demand_items(data.demand_items, year=year, quarter=quarter),
        build_events(data.events, year=year, quarter=quarter),
        build_visits(data.visits, year=year, quarter=quarter),
        build_trainings(data.trainings, year=year, quarter=quarter),
        build_targets(data.targets, name=f"第{quarter}季年度目標執行進度",
                      title=f"{roc_year(year)}年度目標執行進度（截至{roc_date_text(end)}）"),
    ])


# --- queries --------------------------------------------------------------------------------------------

def quarterly_data(year: int, quarter: int) -> QuarterlyData:
    """The quarter's records (bounded by the quarter) and the targets' progress up to its last day."""
    start, end = quarter_period(year, quarter)
    kind_order = sql_case({kind: n for n, kind in enumerate(DECISION_KINDS)}, value=CaseDecision.kind)
    decisions = [
        DecisionLine(held_on=held_on, case_number=number, case_title=title, contractor=contractor, kind=kind,
                     credits=credits if kind in GRANTING or credits else None,
                     currency=currency, note=note)
        for held_on, number, title, contractor, kind, credits, currency, note in db.session.execute(
            select(Meeting.held_on, IcpCase.number, IcpCase.title, Contractor.name_zh, CaseDecision.kind,
                   CaseDecision.credits, CaseDecision.currency, CaseDecision.note)
            .select_from(CaseDecision).join(Meeting, CaseDecision.meeting_id == Meeting.id)
            .join(IcpCase, CaseDecision.case_id == IcpCase.id).join(Agreement, IcpCase.agreement_id == Agreement.id)
            .join(Contractor, Agreement.contractor_id == Contractor.id)
            .where(Meeting.kind == STEERING_MEETING, Meeting.held_on.between(start, end))
            .order_by(Meeting.held_on, kind_order, IcpCase.number))]

    first, second = aliased(Meeting), aliased(Meeting)
    demand_items = [
        DemandLine(*row) for row in db.session.execute(
            select(DemandItem.proposing_unit, DemandItem.title, DemandItem.industry, DemandItem.need, DemandItem.score,
                   DemandItem.tier, first.held_on, second.held_on, DemandItem.second_review_passed, DemandItem.status)
            .outerjoin(first, DemandItem.first_review_meeting_id == first.id)
            .outerjoin(second, DemandItem.second_review_meeting_id == second.id)
            .where(DemandItem.year == year, DemandItem.quarter == quarter)
            .order_by(DemandItem.score.desc(), DemandItem.id))]

    events = [EventLine(*row) for row in db.session.execute(
        select(Event.starts_on, Event.ends_on, Event.kind, Event.title, Contractor.name_zh, Event.location,
               Event.attendees).outerjoin(Contractor, Event.contractor_id == Contractor.id)
        .where(Event.starts_on.between(start, end)).order_by(Event.starts_on, Event.id))]

    visits = [VisitLine(*row) for row in db.session.execute(
        select(FactoryVisit.visited_on, DomesticFirm.name, FactoryVisit.purpose, FactoryVisit.visitors,
               CapabilityAssessment.item, FactoryVisit.findings)
        .join(DomesticFirm, FactoryVisit.firm_id == DomesticFirm.id)
        .outerjoin(CapabilityAssessment, FactoryVisit.assessment_id == CapabilityAssessment.id)
        .where(FactoryVisit.visited_on.between(start, end)).order_by(FactoryVisit.visited_on, FactoryVisit.id))]

    trainings = [TrainingLine(*row) for row in db.session.execute(
        select(TrainingSession.starts_on, TrainingSession.ends_on, TrainingSession.title, TrainingSession.audience,
               TrainingSession.location, TrainingSession.trainees, TrainingSession.hours)
        .where(TrainingSession.starts_on.between(start, end))
        .order_by(TrainingSession.starts_on, TrainingSession.id))]

    return QuarterlyData(year=year, quarter=quarter, decisions=decisions, demand_items=demand_items, events=events,
                         visits=visits, trainings=trainings, targets=target_progress(year, until=end))


def quarterly_workbook(year: int, quarter: int) -> Workbook:
    return quarterly_workbook_build(quarterly_data(year, quarter))


__all__ = ["QuarterlyData", "build_decisions", "build_demand_items", "build_events", "build_trainings",
           "build_visits", "quarter_period", "quarterly_data", "quarterly_workbook", "quarterly_workbook_build"]
