"""The credit rules: how credits are computed, checked against the rule tables, and reserved.

credit = actual value × multiplier, exact Decimal, rounded half-up to 2 places. A multiplier must lie
within the `MultiplierRule` in force on the case's submission date. NTD points become USD points only
at the exchange rate recorded with a decision. A pre-approval may not take an agreement's pre-approved
total above its obligation, and needs a complete pre-approval checklist; an admin may override either
with a recorded reason. Banking excess credits (額度留存) ended for new credits in 2012.
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import case as sql_case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from icp.extensions import db
from models import CaseDecision, IcpCase, MultiplierRule
from models.base import MONEY

CENT = Decimal("0.01")
PRE_APPROVED = "預核通過"
FINAL_APPROVED = "實核通過"
TRANSFER = "技術移轉"
BANKING_ABOLISHED = date(2012, 1, 1)  # 額度留存 ended for new credits from ROC 101

# The pre-approval checklist (工合個案基本要件檢視表): field → applies to which case types (None: all).
CHECKLIST = {
    "check_forms_complete": None,
    "check_fee_pledge": None,
    "check_export_pledge": {TRANSFER},
    "check_no_bad_record": None,
    "check_matches_plan": None,
    "check_within_credit": None,
    "check_briefing_held": None,
    "check_open_selection": None,
}


def credit_compute(*, value: Decimal, multiplier: Decimal) -> Decimal:
    """Credit = actual value × multiplier, exact, rounded half-up to 2 places."""
    return (Decimal(value) * Decimal(multiplier)).quantize(CENT, rounding=ROUND_HALF_UP)


def usd_points(*, credits: Decimal, currency: str, rate: Decimal | None) -> Decimal | None:
    """Credits in USD points: USD as they are; NTD only at the decision's recorded rate (NTD per USD)."""
    if currency == "USD":
        return Decimal(credits)
    if rate:
        return (Decimal(credits) / Decimal(rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return None


def multiplier_rule_in_force(*, case_type: str, defense_class: str | None, on: date) -> MultiplierRule | None:
    """The rule for this case type on that day; one naming the defense class beats a general one."""
    query = (select(MultiplierRule)
             .where(MultiplierRule.case_type == case_type,
                    or_(MultiplierRule.defense_class == defense_class, MultiplierRule.defense_class.is_(None)),
                    MultiplierRule.effective_from <= on,
                    or_(MultiplierRule.effective_to.is_(None), MultiplierRule.effective_to >= on))
             .order_by(MultiplierRule.defense_class.is_(None), MultiplierRule.effective_from.desc()))
    return db.session.scalars(query).first()


def multiplier_problem(*, multiplier: Decimal, case_type: str, defense_class: str | None, on: date) -> str | None:
    rule = multiplier_rule_in_force(case_type=case_type, defense_class=defense_class, on=on)
    if rule is None:
        return None
    high = min(rule.max_multiplier, rule.cap) if rule.cap is not None else rule.max_multiplier
    if rule.min_multiplier <= multiplier <= high:
        return None
    return _("依 %(since)s 起適用之乘數標準，%(type)s 的乘數須介於 %(low)s 與 %(high)s 之間",
             since=rule.effective_from.isoformat(), type=case_type, low=f"{rule.min_multiplier:f}".rstrip("0").rstrip("."),
             high=f"{high:f}".rstrip("0").rstrip("."))


def checklist_missing(case: IcpCase) -> list[str]:
    """Labels of the checklist items a case still lacks for a pre-approval."""
    columns = IcpCase.__table__.columns
    return [str(columns[name].info["label"]) for name, types in CHECKLIST.items()
            if (types is None or case.case_type in types) and not getattr(case, name)]


class money_sum(FunctionElement):
    """SUM of a money expression, exact to the cent on every database: each term rounded to the cent (as
    `usd_points` rounds a decision's points), and on SQLite, which keeps NUMERIC values as binary floats,
    added up as whole cents in integers (a float SUM over 195,000 decisions drifts by a cent); the one
    division back to units is exact to the cent for totals below 10^13."""
    type = MONEY
    name = "money_sum"
    inherit_cache = True


@compiles(money_sum)
def _money_sum(element, compiler, **kw) -> str:
    return f"SUM(ROUND({compiler.process(element.clauses, **kw)}, 2))"


@compiles(money_sum, "sqlite")
def _money_sum_sqlite(element, compiler, **kw) -> str:
    return f"(SUM(CAST(ROUND(({compiler.process(element.clauses, **kw)}) * 100) AS INTEGER)) / 100.0)"


def usd_points_sql():
    """`usd_points` in SQL, before rounding: USD credits, or NTD credits at the decision's rate (none: 0)."""
    return sql_case((CaseDecision.currency == "USD", CaseDecision.credits),
                    (CaseDecision.exchange_rate.isnot(None), CaseDecision.credits / CaseDecision.exchange_rate),
                    else_=0)


def agreement_preapproved(agreement, *, excluding: int | None = None) -> Decimal:
    """Pre-approved credits on an agreement's cases in its obligation's currency (NTD converted to USD
    points at each decision's rate), summed by the database."""
    if agreement.obligation_currency == "USD":  # NTD decisions count only through their recorded rate
        in_currency = usd_points_sql()
    else:
        in_currency = sql_case((CaseDecision.currency == agreement.obligation_currency, CaseDecision.credits), else_=0)
    query = (select(func.coalesce(money_sum(in_currency), 0))
             .join(IcpCase, CaseDecision.case_id == IcpCase.id)
             .where(IcpCase.agreement_id == agreement.id, CaseDecision.kind == PRE_APPROVED))
    if excluding is not None:
        query = query.where(CaseDecision.id != excluding)
    return Decimal(db.session.scalar(query) or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def preapproval_problems(*, case: IcpCase, credits: Decimal, currency: str, rate: Decimal | None,
                         decision_id: int | None) -> dict[str, str]:
    """Why a 預核通過 decision may not be recorded as it stands (empty when it may)."""
    problems = {}
    missing = checklist_missing(case)
    if missing:
        problems["kind"] = _("個案基本要件檢視表尚未完成，不得預核通過：%(items)s", items="、".join(missing))
    agreement = case.agreement
    if currency == agreement.obligation_currency:
        amount = Decimal(credits)
    elif agreement.obligation_currency == "USD":
        amount = usd_points(credits=credits, currency=currency, rate=rate)
        if amount is None:
            problems["exchange_rate"] = _("新台幣額度須填匯率，才能與以美元點計的工業合作額度比較")
            return problems
    else:
        return problems
    reserved = agreement_preapproved(agreement, excluding=decision_id)
    if reserved + amount > agreement.obligation:
        problems["approved_value"] = _(
            "預核後協議書 %(number)s 的預核總額將為 %(total)s，超過其工業合作額度 %(obligation)s（超出 %(over)s）",
            number=agreement.number, total=f"{reserved + amount:,.2f}", obligation=f"{agreement.obligation:,.2f}",
            over=f"{reserved + amount - agreement.obligation:,.2f}")
    return problems
