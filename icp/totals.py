"""Totals the office asks for (domain.md §4), each one GROUP BY query; builders return plain rows.

Credits are summed per currency as recorded (USD points and NTD points are never added together);
the defense share uses USD points, counting NTD decisions only through their recorded rate. Totals over
every year, per year and per steering meeting read the credit summary (models.summary, kept exact by
icp.summary) rather than every decision.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Date, bindparam, case as sql_case, distinct, func, literal, select

from icp.credits import CENT, FINAL_APPROVED, PRE_APPROVED, money_sum
from icp.extensions import db
from icp.summary import decision_year
from models import (Agency, Agreement, AgreementCredit, CaseDecision, Contractor, DefenseTarget, IcpCase, Meeting,
                    MeetingCredit, Procurement, YearDimensionCredit)
from models.choices import DECISION_KINDS, STEERING_MEETING

DEFENSE_CLASSES = ("直接國防工合", "間接國防工合")
ZERO = Decimal(0)


def _d(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


@dataclass
class Credits:
    """Pre-approved and finally approved counts and credits for one group and currency."""

    key: object
    label: str
    currency: str
    pre_count: int = 0
    pre: Decimal = ZERO
    final_count: int = 0
    final: Decimal = ZERO


# dimension → (key expression, label expression, joins needed beyond decision→case→meeting)
DIMENSIONS = {
    "contractor": (Contractor.id, Contractor.name_zh),
    "agency": (func.coalesce(Agency.id, 0), func.coalesce(Agency.name, literal("（未指定）"))),
    "year": (decision_year(), decision_year()),
    "case_type": (IcpCase.case_type, IcpCase.case_type),
    "field": (IcpCase.field, IcpCase.field),
    "defense_class": (IcpCase.defense_class, IcpCase.defense_class),
    "currency": (CaseDecision.currency, CaseDecision.currency),
}
# the same dimensions read from the credit summary: per year (year_dimension_credit: the rows of one dimension,
# for the year and the currency those of the defense class, the dimension with the fewest values), or per
# agreement (all years)
YEAR_DIMENSIONS = {"year": ("defense_class", YearDimensionCredit.year),
                   "case_type": ("case_type", YearDimensionCredit.value),
                   "field": ("field", YearDimensionCredit.value),
                   "defense_class": ("defense_class", YearDimensionCredit.value),
                   "currency": ("defense_class", YearDimensionCredit.currency)}
AGREEMENT_DIMENSIONS = {"contractor": DIMENSIONS["contractor"], "agency": DIMENSIONS["agency"]}


def _credit_sums(kind=CaseDecision.kind, count=1, credits=CaseDecision.credits):
    """Pre-approved count and credits, finally approved count and credits (of decisions, or summary rows)."""
    is_pre, is_final = kind == PRE_APPROVED, kind == FINAL_APPROVED
    return (func.sum(sql_case((is_pre, count), else_=0)), money_sum(sql_case((is_pre, credits), else_=0)),
            func.sum(sql_case((is_final, count), else_=0)), money_sum(sql_case((is_final, credits), else_=0)))


def _decisions_joined(query):
    return (query.select_from(CaseDecision)
            .join(IcpCase, CaseDecision.case_id == IcpCase.id)
            .join(Meeting, CaseDecision.meeting_id == Meeting.id)
            .join(Agreement, IcpCase.agreement_id == Agreement.id)
            .join(Contractor, Agreement.contractor_id == Contractor.id)
            .outerjoin(Procurement, Agreement.procurement_id == Procurement.id)
            .outerjoin(Agency, Procurement.agency_id == Agency.id))


def _summary_joined(query):
    return (query.select_from(AgreementCredit)
            .join(Agreement, AgreementCredit.agreement_id == Agreement.id)
            .join(Contractor, Agreement.contractor_id == Contractor.id)
            .outerjoin(Procurement, Agreement.procurement_id == Procurement.id)
            .outerjoin(Agency, Procurement.agency_id == Agency.id))


def credits_by(dimension: str, *, year: int | None = None) -> list[Credits]:
    """Pre-approved and final credits grouped by one dimension and currency (optionally one year)."""
    query = _credits_query(dimension, one_year=year is not None)
    return [Credits(key=k, label=str(lbl), currency=cur, pre_count=int(pc or 0), pre=_d(p), final_count=int(fc or 0),
                    final=_d(f)) for k, lbl, cur, pc, p, fc, f in db.session.execute(query, _year_params(year))]


def _year_params(year: int | None) -> dict:
    """The bound values of a statement of one year: the year, and its meetings' date range."""
    return {} if year is None else {"year": year, "start": date(year, 1, 1), "end": date(year + 1, 1, 1)}


IN_YEAR = (Meeting.held_on >= bindparam("start", type_=Date)) & (Meeting.held_on < bindparam("end", type_=Date))


@lru_cache(maxsize=None)
def _credits_query(dimension: str, *, one_year: bool):
    """credits_by's statement, built once per dimension (building it costs more than running it on the summary);
    a year is bound at execution (_year_params)."""
    if dimension in YEAR_DIMENSIONS:
        rows, key = YEAR_DIMENSIONS[dimension]
        label, summary = key, YearDimensionCredit
        currency = summary.currency
        query = select(key, label, currency, *_credit_sums(summary.kind, summary.decisions, summary.credits)) \
            .where(summary.dimension == rows)
        if one_year:
            query = query.where(summary.year == bindparam("year"))
    elif not one_year:
        key, label = AGREEMENT_DIMENSIONS[dimension]
        currency = AgreementCredit.currency
        query = _summary_joined(select(key, label, currency, *_credit_sums(
            AgreementCredit.kind, AgreementCredit.decisions, AgreementCredit.credits)))
    else:  # one year by contractor or agency: that year's decisions, found through its meetings' dates
        key, label = DIMENSIONS[dimension]
        currency = CaseDecision.currency
        query = _decisions_joined(select(key, label, currency, *_credit_sums())) \
            .where(IN_YEAR, CaseDecision.kind.in_((PRE_APPROVED, FINAL_APPROVED)))
    return query.group_by(key, label, currency).order_by(key, currency)


@dataclass
class AgreementTotal:
    id: int
    number: str
    contractor: str
    currency: str
    obligation: Decimal
    pre: Decimal
    final: Decimal
    deadline: date | None

    @property
    def remaining(self) -> Decimal:
        return self.obligation - self.final

    @property
    def done_pct(self) -> Decimal | None:
        return (self.final * 100 / self.obligation).quantize(CENT) if self.obligation else None


def agreement_totals(*, limit: int | None = None, order: str = "number") -> list[AgreementTotal]:
    """Per agreement: obligation, pre-approved and finally approved credits in its currency, next deadline."""
    same_currency = AgreementCredit.currency == Agreement.obligation_currency
    pre, final = (money_sum(sql_case(((AgreementCredit.kind == kind) & same_currency, AgreementCredit.credits), else_=0))
                  for kind in (PRE_APPROVED, FINAL_APPROVED))
    sums = (select(AgreementCredit.agreement_id.label("agreement_id"), pre.label("pre"), final.label("final"))
            .join(Agreement, AgreementCredit.agreement_id == Agreement.id)
            .group_by(AgreementCredit.agreement_id).subquery())
    deadline = func.coalesce(Agreement.extended_deadline, Agreement.deadline)
    remaining = Agreement.obligation - func.coalesce(sums.c.final, 0)
    query = (select(Agreement.id, Agreement.number, Contractor.name_zh, Agreement.obligation_currency,
                    Agreement.obligation, sums.c.pre, sums.c.final, deadline)
             .join(Contractor, Agreement.contractor_id == Contractor.id)
             .outerjoin(sums, sums.c.agreement_id == Agreement.id))
    if order == "deadline":  # closest deadline first, then the most credit still to earn
        query = query.where(deadline.isnot(None), remaining > 0,
                            Agreement.status.notin_(("完成", "終止", "違約"))).order_by(deadline, remaining.desc())
    else:
        query = query.order_by(Agreement.number)
    if limit:
        query = query.limit(limit)
    return [AgreementTotal(id=i, number=n, contractor=c, currency=cur, obligation=_d(o), pre=_d(p), final=_d(f),
                           deadline=dl) for i, n, c, cur, o, p, f, dl in db.session.execute(query)]


@dataclass
class MeetingResult:
    """One steering-group meeting's decisions (the 推動小組會議審議結果 table)."""

    id: int
    held_on: date
    title: str
    minutes_approved_on: date | None
    db_updated_on: date | None
    counts: dict = field(default_factory=dict)   # kind → number of decisions
    credits: dict = field(default_factory=dict)  # (kind, currency) → credits


STEERING_RESULTS = (
    select(Meeting.id, Meeting.held_on, Meeting.title, Meeting.minutes_approved_on, Meeting.db_updated_on,
           MeetingCredit.kind, MeetingCredit.currency, MeetingCredit.decisions, MeetingCredit.credits)
    .outerjoin(MeetingCredit, MeetingCredit.meeting_id == Meeting.id)
    .where(Meeting.kind == STEERING_MEETING, IN_YEAR)
    .order_by(Meeting.held_on, Meeting.id, MeetingCredit.kind, MeetingCredit.currency))


def steering_results(year: int) -> list[MeetingResult]:
    """The year's steering meetings, each with its decisions counted and summed per kind and currency: one
    read of the meetings joined to their rows of the summary (meeting_credit)."""
    meetings: dict[int, MeetingResult] = {}
    for meeting_id, held_on, title, approved_on, updated_on, kind, currency, count, credits in \
            db.session.execute(STEERING_RESULTS, _year_params(year)):
        result = meetings.get(meeting_id)
        if result is None:
            result = meetings[meeting_id] = MeetingResult(id=meeting_id, held_on=held_on, title=title,
                                                          minutes_approved_on=approved_on, db_updated_on=updated_on)
        if kind is not None:  # a meeting with no decisions has no summary rows
            result.counts[kind] = result.counts.get(kind, 0) + count
            result.credits[(kind, currency)] = _d(credits)
    return list(meetings.values())


@dataclass
class ProgramToDate:
    agreements: int
    countries: int
    contractors: int
    obligation: dict          # currency → total obligation
    by_type: list             # [(case type, currency, final credits, % of that currency's final total)]


_WITH_AGREEMENTS = Contractor.id.in_(select(Agreement.contractor_id))  # through the agreements' contractor index
# per obligation currency: agreements and obligation; on each row, the contractors with an agreement and their
# countries (no agreement, no row: none of either)
AGREEMENTS = (select(Agreement.obligation_currency, func.count(Agreement.id), money_sum(Agreement.obligation),
                     select(func.count(Contractor.id)).where(_WITH_AGREEMENTS).scalar_subquery(),
                     select(func.count(distinct(Contractor.country))).where(_WITH_AGREEMENTS).scalar_subquery())
              .group_by(Agreement.obligation_currency).order_by(Agreement.obligation_currency))


def program_to_date() -> ProgramToDate:
    obligation = db.session.execute(AGREEMENTS).all()
    contractors, countries = (obligation[0][3], obligation[0][4]) if obligation else (0, 0)
    by_type = credits_by("case_type")
    totals = {}
    for row in by_type:
        totals[row.currency] = totals.get(row.currency, ZERO) + row.final
    shares = [(row.label, row.currency, row.final,
               (row.final * 100 / totals[row.currency]).quantize(CENT) if totals[row.currency] else ZERO)
              for row in by_type]
    return ProgramToDate(agreements=sum(row[1] for row in obligation), countries=countries, contractors=contractors,
                         obligation={row[0]: _d(row[2]) for row in obligation}, by_type=shares)


@dataclass
class DefenseShare:
    year: int | None          # None: program to date
    pre_defense: Decimal
    pre_total: Decimal
    final_defense: Decimal
    final_total: Decimal
    target_pct: Decimal | None

    @staticmethod
    def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
        return (part * 100 / whole).quantize(CENT) if whole else None

    @property
    def pre_pct(self) -> Decimal | None:
        return self._pct(self.pre_defense, self.pre_total)

    @property
    def final_pct(self) -> Decimal | None:
        return self._pct(self.final_defense, self.final_total)


def defense_target_for(year: int, targets) -> Decimal | None:
    """The target in force for a year: the latest non-long-term target set for that year or before."""
    eligible = [t for t in targets if not t.long_term and t.year <= year]
    return max(eligible, key=lambda t: t.year).target_pct if eligible else None


DEFENSE_SHARES = (
    select(YearDimensionCredit.year,
           *(money_sum(sql_case((condition, YearDimensionCredit.usd_credits), else_=0))
             for kind in (PRE_APPROVED, FINAL_APPROVED)
             for condition in ((YearDimensionCredit.kind == kind) & YearDimensionCredit.value.in_(DEFENSE_CLASSES),
                               YearDimensionCredit.kind == kind)))
    .where(YearDimensionCredit.dimension == "defense_class")
    .group_by(YearDimensionCredit.year).order_by(YearDimensionCredit.year))


def defense_shares() -> tuple[list[DefenseShare], DefenseShare, Decimal | None]:
    """Per decision year and to date, the defense (direct + indirect) share of USD points, with targets."""
    rows = db.session.execute(DEFENSE_SHARES).all()
    targets = db.session.execute(select(DefenseTarget.year, DefenseTarget.target_pct, DefenseTarget.long_term)
                                 .order_by(DefenseTarget.year)).all()
    years = [DefenseShare(year=y, pre_defense=_d(pd), pre_total=_d(pt), final_defense=_d(fd), final_total=_d(ft),
                          target_pct=defense_target_for(y, targets)) for y, pd, pt, fd, ft in rows]
    to_date = DefenseShare(year=None, pre_defense=sum((y.pre_defense for y in years), ZERO),
                           pre_total=sum((y.pre_total for y in years), ZERO),
                           final_defense=sum((y.final_defense for y in years), ZERO),
                           final_total=sum((y.final_total for y in years), ZERO), target_pct=None)
    long_term = next((t.target_pct for t in reversed(targets) if t.long_term), None)
    return years, to_date, long_term


__all__ = ["DECISION_KINDS", "Credits", "agreement_totals", "credits_by", "defense_shares", "program_to_date",
           "steering_results"]
