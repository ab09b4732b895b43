"""The dashboard's figures: the year's key numbers and the overdue lists of domain.md §3 (bounded queries)."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from icp.credits import FINAL_APPROVED, money_sum
from icp.extensions import db
from icp.summary import years_where
from icp.totals import credits_by, defense_shares
from models import (Agreement, CaseDecision, ExportControlPledge, FeedbackFee, IcpCase, Meeting, ProgressReport)
from models.choices import STEERING_MEETING

PROGRESS_GRACE = timedelta(days=30)   # a quarter's report is due 30 days after the quarter ends
FEE_GRACE = timedelta(days=90)        # a fee is due 90 days after final approval
EXPORT_WINDOW_YEARS = 2
CLOSED_STATUSES = ("結案", "撤案", "預核駁回")
LIST_LIMIT = 10


@dataclass
class KeyFigures:
    year: int
    steering_meetings: int
    pre_count: int
    pre_usd: Decimal
    final_count: int
    final_usd: Decimal
    agreements_signed: int
    obligation_usd: Decimal


def key_figures(year: int) -> KeyFigures:
    meetings = db.session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.kind == STEERING_MEETING, years_where([year])))
    usd = {row.key: row for row in credits_by("year", year=year) if row.currency == "USD"}.get(year)
    signed, obligation = db.session.execute(
        select(func.count(Agreement.id), func.coalesce(money_sum(Agreement.obligation), 0))
        .where(Agreement.signed_on >= date(year, 1, 1), Agreement.signed_on < date(year + 1, 1, 1),
               Agreement.obligation_currency == "USD")).one()
    return KeyFigures(year=year, steering_meetings=meetings, pre_count=usd.pre_count if usd else 0,
                      pre_usd=usd.pre if usd else Decimal(0), final_count=usd.final_count if usd else 0,
                      final_usd=usd.final if usd else Decimal(0), agreements_signed=signed,
                      obligation_usd=Decimal(obligation))


@dataclass
class YearBar:
    """One bar of the chart: a year's finally approved USD points split defense/industry, and the target."""

    year: int
    defense: Decimal
    industry: Decimal
    target_pct: Decimal | None


def credits_by_year_chart() -> list[YearBar]:
    years, _to_date, _long_term = defense_shares()
    return [YearBar(year=s.year, defense=s.final_defense, industry=s.final_total - s.final_defense,
                    target_pct=s.target_pct) for s in years]


@dataclass
class Overdue:
    title: object  # a lazy translated label
    count: int
    rows: list   # (label, detail (text or a date), endpoint, id)


def _quarter_index(year: int, quarter: int) -> int:
    return year * 4 + quarter - 1


def last_quarter_due(today: date) -> int:
    """Index (year*4 + quarter-1) of the latest quarter whose report deadline has passed."""
    index = _quarter_index(today.year, (today.month - 1) // 3 + 1) - 1
    while True:
        year, quarter = divmod(index, 4)
        end_month = (quarter + 1) * 3
        end = date(year, end_month, 31 if end_month in (3, 12) else 30)
        if end + PROGRESS_GRACE < today:
            return index
        index -= 1


def overdue_lists(today: date) -> list[Overdue]:
    """Progress reports, fees, export-control windows and cases that need attention (domain.md §3)."""
    lists = []

    due = ProgressReport.received_on.is_(None) & \
        ((ProgressReport.year * 4 + ProgressReport.quarter - 1) <= last_quarter_due(today))
    reports = select(ProgressReport.id, IcpCase.number, ProgressReport.year, ProgressReport.quarter) \
        .join(IcpCase, ProgressReport.case_id == IcpCase.id).where(due)
    lists.append(Overdue(_l("逾期未收進度報告"), _count(reports),
                         [(n, f"{y} Q{q}", "progress", i) for i, n, y, q in _top(reports, ProgressReport.year,
                                                                                   ProgressReport.quarter)]))

    # the fee's case's latest final approval, looked up per unpaid fee (not grouped over every decision)
    final_on = select(func.max(Meeting.held_on)).select_from(CaseDecision) \
        .join(Meeting, CaseDecision.meeting_id == Meeting.id) \
        .where(CaseDecision.case_id == FeedbackFee.case_id, CaseDecision.kind == FINAL_APPROVED).scalar_subquery()
    fees = select(FeedbackFee.id, IcpCase.number, FeedbackFee.amount_due - FeedbackFee.amount_paid) \
        .join(IcpCase, FeedbackFee.case_id == IcpCase.id) \
        .where(FeedbackFee.amount_paid < FeedbackFee.amount_due, final_on < today - FEE_GRACE)
    lists.append(Overdue(_l("實核逾 90 日未繳回饋金"), _count(fees),
                         [(n, f"{owed:,.0f}", "fee", i) for i, n, owed in _top(fees, final_on)]))

    window_open = ExportControlPledge.transfer_completed_on > _years_before(today, EXPORT_WINDOW_YEARS)
    pledges = select(ExportControlPledge.id, IcpCase.number, ExportControlPledge.transfer_completed_on) \
        .join(IcpCase, ExportControlPledge.case_id == IcpCase.id).where(window_open)
    lists.append(Overdue(_l("技術輸出境外管制期間中"), _count(pledges),
                         [(n, d, "pledge", i) for i, n, d in _top(pledges, ExportControlPledge.transfer_completed_on)]))

    late = select(IcpCase.id, IcpCase.number, IcpCase.planned_end) \
        .where(IcpCase.planned_end < today, IcpCase.status.notin_(CLOSED_STATUSES))
    lists.append(Overdue(_l("超過預定完成日仍未結案的個案"), _count(late),
                         [(n, d, "case", i) for i, n, d in _top(late, IcpCase.planned_end)]))
    return lists


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _top(query, *order) -> list:
    return db.session.execute(query.order_by(*order).limit(LIST_LIMIT)).all()


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)

