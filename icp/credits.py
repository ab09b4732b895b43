"""The credit rules: how credits are computed, checked against the rule tables, and reserved.

credit = actual value × multiplier, exact Decimal, rounded half-up to 2 places. A multiplier must lie
within the `MultiplierRule` in force on the case's submission date. NTD points become USD points only
at the exchange rate recorded with a decision. A pre-approval may not take an agreement's pre-approved
total above its obligation, and needs a complete pre-approval checklist; an admin may override either
with a recorded reason. Banking excess credits (額度留存) ended for new credits in 2012.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import case as sql_case, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from icp.extensions import db
from models import Agreement, CaseDecision, IcpCase, MultiplierRule
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


# Within `credit_rules_held()` (an import validating thousands of rows): the multiplier rules are read once,
# and each agreement's pre-approved total once, then kept up to date by the caller (preapproval_reserve).
_RULES_HELD: ContextVar[list | None] = ContextVar("multiplier_rules", default=None)
_RESERVED_HELD: ContextVar["_PreapprovedHeld | None"] = ContextVar("preapproved_totals", default=None)


@contextmanager
def credit_rules_held() -> Iterator[None]:
    rules = _RULES_HELD.set(_multiplier_rules_read())
    reserved = _RESERVED_HELD.set(_PreapprovedHeld())
    try:
        yield
    finally:
        _RULES_HELD.reset(rules)
        _RESERVED_HELD.reset(reserved)


def _multiplier_rules_read() -> list:
    return list(db.session.execute(select(MultiplierRule.__table__)))


def multiplier_rule_in_force(*, case_type: str, defense_class: str | None, on: date):
    """The rule (its row) for this case type on that day; one naming the defense class beats a general one,
    then the latest in force. The rule table is a few rows: they are read whole and chosen from here."""
    rules = _RULES_HELD.get()
    if rules is None:
        rules = _multiplier_rules_read()
    in_force = [rule for rule in rules if rule.case_type == case_type and rule.defense_class in (defense_class, None)
                and rule.effective_from <= on and (rule.effective_to is None or rule.effective_to >= on)]
    return min(in_force, key=lambda rule: (rule.defense_class is None, -rule.effective_from.toordinal(), rule.id),
               default=None)


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
    points at each decision's rate), summed by the database; within credit_rules_held, every agreement's
    total is summed once and then kept up to date (preapproval_reserve, preapproval_forget)."""
    held = _RESERVED_HELD.get()
    if held is None or excluding is not None:
        return preapproved_totals([agreement.id], excluding=excluding).get(agreement.id, Decimal(0))
    totals = _held_totals(held)
    if agreement.id in held.stale:
        totals[agreement.id] = preapproved_totals([agreement.id]).get(agreement.id, Decimal(0))
        held.stale.discard(agreement.id)
    return totals.get(agreement.id, Decimal(0))


def preapproved_totals(agreement_ids=None, *, excluding: int | None = None) -> dict[int, Decimal]:
    """agreement_preapproved of the given agreements (None: all), with one GROUP BY."""
    in_currency = sql_case((Agreement.obligation_currency == "USD", usd_points_sql()),  # NTD only at its rate
                           (CaseDecision.currency == Agreement.obligation_currency, CaseDecision.credits), else_=0)
    query = (select(IcpCase.agreement_id, money_sum(in_currency))
             .join(IcpCase, CaseDecision.case_id == IcpCase.id).join(Agreement, IcpCase.agreement_id == Agreement.id)
             .where(CaseDecision.kind == PRE_APPROVED).group_by(IcpCase.agreement_id))
    if agreement_ids is not None:
        query = query.where(IcpCase.agreement_id.in_(agreement_ids))
    if excluding is not None:
        query = query.where(CaseDecision.id != excluding)
    return {agreement_id: Decimal(total or 0).quantize(CENT, rounding=ROUND_HALF_UP)
            for agreement_id, total in db.session.execute(query)}


@dataclass
class _PreapprovedHeld:
    totals: dict | None = None  # every agreement's, read at the first question
    stale: set = field(default_factory=set)  # summed again at the next question


def _held_totals(held: _PreapprovedHeld) -> dict:
    if held.totals is None:
        held.totals = preapproved_totals()
    return held.totals


def preapproval_reserve(agreement_id: int, amount: Decimal) -> None:
    """Within credit_rules_held: a pre-approval of `amount` (the agreement's currency) is being written."""
    held = _RESERVED_HELD.get()
    if held is not None and agreement_id not in held.stale:
        totals = _held_totals(held)
        totals[agreement_id] = totals.get(agreement_id, Decimal(0)) + amount


def preapproval_forget(agreement_ids) -> None:
    """Within credit_rules_held: these agreements' pre-approvals change otherwise; sum them again when asked."""
    held = _RESERVED_HELD.get()
    if held is not None:
        held.stale.update(agreement_ids)


def decision_credits(values: dict) -> Decimal:
    """The credits a decision (its values by attribute) carries: approved value × multiplier when both are
    given, else what it records."""
    value, multiplier = values.get("approved_value"), values.get("multiplier")
    if value is not None and multiplier is not None:
        return credit_compute(value=value, multiplier=multiplier)
    return values.get("credits") or Decimal(0)


def preapproval_amount(agreement, *, credits: Decimal, currency: str, rate: Decimal | None) -> Decimal | None:
    """What a pre-approval counts against its agreement's obligation, in the obligation's currency: None when
    it cannot be compared (NTD without a rate against USD points) or does not count (USD against NTD)."""
    if currency == agreement.obligation_currency:
        return Decimal(credits)
    if agreement.obligation_currency == "USD":
        return usd_points(credits=credits, currency=currency, rate=rate)
    return None


def preapproval_problems(*, case: IcpCase, credits: Decimal, currency: str, rate: Decimal | None,
                         decision_id: int | None) -> dict[str, str]:
    """Why a 預核通過 decision may not be recorded as it stands (empty when it may)."""
    problems = {}
    missing = checklist_missing(case)
    if missing:
        problems["kind"] = _("個案基本要件檢視表尚未完成，不得預核通過：%(items)s", items="、".join(missing))
    agreement = case.agreement
    amount = preapproval_amount(agreement, credits=credits, currency=currency, rate=rate)
    if amount is None:
        if currency != agreement.obligation_currency and agreement.obligation_currency == "USD":
            problems["exchange_rate"] = _("新台幣額度須填匯率，才能與以美元點計的工業合作額度比較")
        return problems
    reserved = agreement_preapproved(agreement, excluding=decision_id)
    if reserved + amount > agreement.obligation:
        problems["approved_value"] = _(
            "預核後協議書 %(number)s 的預核總額將為 %(total)s，超過其工業合作額度 %(obligation)s（超出 %(over)s）",
            number=agreement.number, total=f"{reserved + amount:,.2f}", obligation=f"{agreement.obligation:,.2f}",
            over=f"{reserved + amount - agreement.obligation:,.2f}")
    return problems
