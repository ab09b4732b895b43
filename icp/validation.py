"""Validation of a record's values before it is written, with messages a person can act on.

The same function serves the admin forms (errors shown next to their field) and, later, imports.
Range, order and uniqueness rules are read from the table's own constraints, so the database and
the forms can never disagree; rules that need more context are registered per model below.
"""
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache, partial

from babel import Locale
from flask import has_request_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import CheckConstraint, String, UniqueConstraint, func, select

from icp.credits import BANKING_ABOLISHED, PRE_APPROVED, decision_credits, multiplier_problem, preapproval_problems
from icp.extensions import db
from icp.rules import AWARD_PRIZES, AWARDS_PER_ROUND_MAX, ubn_is_valid
from models import Award, BankedCredit, CaseDecision, CaseReview, Contractor, DomesticFirm, IcpCase, Meeting
from models.choices import STEERING_MEETING, SUBCOMMITTEE_MEETING

Problems = dict[str, str]
ModelRule = Callable[[dict, object | None], Problems]
MODEL_RULES: dict[type, list[ModelRule]] = {}


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166 two-letter codes, from Babel's locale data: read on first use, since loading it costs every
    process about 4 MB and only a contractor's form or import needs it."""
    return frozenset(code for code in Locale("en").territories if code.isalpha() and len(code) == 2)


def model_rule(model: type) -> Callable[[ModelRule], ModelRule]:
    def register(func_: ModelRule) -> ModelRule:
        MODEL_RULES.setdefault(model, []).append(func_)
        return func_
    return register


def column_label(model: type, name: str) -> str:
    column = model.__table__.columns.get(name)
    return str(column.info.get("label", name)) if column is not None else name


def record_problems(model: type, values: dict, current: object | None = None, *, unique: bool = True) -> Problems:
    """Every problem with `values` for a record of `model` (None when creating), keyed by field name.

    unique=False leaves out the uniqueness check (one query per row): the import checks a whole sheet at
    once with unique_keys and unique_message instead.
    """
    problems: Problems = {}
    for check in _checks(model, unique):
        for field, message in check(values, current).items():
            problems.setdefault(field, message)
    return problems


@cache
def _checks(model: type, unique: bool) -> tuple[ModelRule, ...]:
    generic = _GENERIC if unique else tuple(c for c in _GENERIC if c is not _unique_problems)
    return tuple(partial(check, model=model) for check in generic) + tuple(MODEL_RULES.get(model, ()))


def _length_problems(values: dict, _current, *, model: type) -> Problems:
    problems = {}
    for key, length in _text_lengths(model):
        value = values.get(key)
        if isinstance(value, str) and len(value) > length:
            problems[key] = _("長度不可超過 %(max)d 個字（目前 %(n)d 個字）", max=length, n=len(value))
    return problems


@cache
def _text_lengths(model: type) -> tuple[tuple[str, int], ...]:
    return tuple((column.key, column.type.length) for column in model.__table__.columns
                 if isinstance(column.type, String) and getattr(column.type, "length", None))


def _constraint_problems(values: dict, _current, *, model: type) -> Problems:
    problems = {}
    for info in _check_rules(model):
        if info.get("rule") == "range":
            value = values.get(info["column"])
            if value is None or not isinstance(value, (int, Decimal, float)):
                continue
            low, high = info["low"], info["high"]
            too_low = low is not None and (value <= low if info["low_exclusive"] else value < low)
            too_high = high is not None and value > high
            if too_low or too_high:
                problems[info["column"]] = _range_message(low, high, info["low_exclusive"])
        elif info.get("rule") == "not_before":
            later, earlier = values.get(info["later"]), values.get(info["earlier"])
            if later is not None and earlier is not None and later < earlier:
                word = _("早於") if isinstance(later, date) else _("小於")
                problems[info["later"]] = _("「%(later)s」不可%(word)s「%(earlier)s」",
                                            later=column_label(model, info["later"]), word=word,
                                            earlier=column_label(model, info["earlier"]))
    return problems


@cache
def _check_rules(model: type) -> tuple[dict, ...]:
    return tuple(c.info for c in model.__table__.constraints if isinstance(c, CheckConstraint) and c.info.get("rule"))


def _range_message(low, high, low_exclusive: bool) -> str:
    if high is None:
        return _("必須大於 %(low)s", low=low) if low_exclusive else _("不可小於 %(low)s", low=low)
    return _("必須介於 %(low)s 與 %(high)s 之間", low=low, high=high)


def unique_keys(model: type) -> list[tuple[str, ...]]:
    """The column keys of each unique column and unique constraint of `model`'s table."""
    table = model.__table__
    keys = [(c.key,) for c in table.columns if c.unique]
    keys += [tuple(c.key for c in u.columns) for u in table.constraints if isinstance(u, UniqueConstraint)]
    return keys


def unique_message(model: type, key: tuple[str, ...]) -> str:
    return _("已有相同「%(names)s」的紀錄", names="、".join(column_label(model, k) for k in key))


def _unique_problems(values: dict, current, *, model: type) -> Problems:
    """A duplicate natural key is a message on its field, never an IntegrityError."""
    table = model.__table__
    keys = unique_keys(model)
    problems = {}
    for key in keys:
        if any(k not in values or values[k] is None for k in key):
            continue
        query = select(func.count()).select_from(table).where(*(table.c[k] == values[k] for k in key))
        if current is not None and getattr(current, "id", None) is not None:
            query = query.where(table.c.id != current.id)
        if db.session.scalar(query):
            problems[key[0]] = unique_message(model, key)
    return problems


_GENERIC = (_length_problems, _constraint_problems, _unique_problems)


@model_rule(DomesticFirm)
def _firm_ubn(values: dict, _current) -> Problems:
    ubn = values.get("ubn")
    if ubn is not None and not ubn_is_valid(ubn):
        return {"ubn": _("統一編號須為 8 位數字且通過檢查碼驗證")}
    return {}


@model_rule(Contractor)
def _contractor_country(values: dict, _current) -> Problems:
    country = values.get("country")
    if country is not None and country not in country_codes():
        return {"country": _("請填 ISO 3166 二碼國別代碼（大寫英文字母，例如 US、FR、JP）")}
    return {}


@model_rule(IcpCase)
def _case_contractor_in_good_standing(values: dict, current) -> Problems:
    agreement = values.get("agreement")
    if current is None and agreement is not None and agreement.contractor.has_bad_record:
        return {"agreement": _("國外承商「%(name)s」有不良紀錄，不得新增個案", name=agreement.contractor.name_zh)}
    return {}


@model_rule(IcpCase)
def _case_multiplier_within_rule(values: dict, _current) -> Problems:
    if values.get("multiplier") is None or not values.get("case_type"):
        return {}
    problem = multiplier_problem(multiplier=values["multiplier"], case_type=values["case_type"],
                                 defense_class=values.get("defense_class"), on=values.get("submitted_on") or date.today())
    return {"multiplier": problem} if problem else {}


@model_rule(CaseDecision)
def _decision_preapproval_gates(values: dict, current) -> Problems:
    """Over-commit and an incomplete checklist stop a 預核通過, unless an admin records a reason."""
    case = values.get("case")
    if values.get("kind") != PRE_APPROVED or case is None:
        return {}
    problems = preapproval_problems(case=case, credits=decision_credits(values),
                                    currency=values.get("currency") or "USD",
                                    rate=values.get("exchange_rate"), decision_id=getattr(current, "id", None))
    if not problems or "exchange_rate" in problems:
        return problems
    if (values.get("override_reason") or "").strip():
        if _acting_role() == "admin":
            return {}
        return {"override_reason": _("只有管理者可以例外核准")}
    hint = _("（管理者可填寫「管理者核准例外理由」後核准）")
    return {field: message + hint for field, message in problems.items()}


def _acting_role() -> str | None:
    """The logged-in user's role on the web; the command line acts as an admin."""
    if not has_request_context():
        return "admin"
    return current_user.role if current_user.is_authenticated else None


@model_rule(BankedCredit)
def _banked_credit_rules(values: dict, current) -> Problems:
    """Banking ended for new credits in 2012 (ROC 101); old balances are used once, within their validity."""
    problems = {}
    banked_on, used_on, used_by = values.get("banked_on"), values.get("used_on"), values.get("used_by_case")
    if current is None and banked_on is not None and banked_on >= BANKING_ABOLISHED:
        problems["banked_on"] = _("自民國101年（2012）起新增額度不得留存")
    if used_by is not None and used_on is None:
        problems["used_on"] = _("填寫使用個案時須填使用日期")
    if used_by is not None and used_by == values.get("source_case"):
        problems["used_by_case"] = _("留存額度不能由來源個案自行使用")
    if used_on is not None and values.get("valid_until") is not None and used_on > values["valid_until"]:
        problems["used_on"] = _("使用日期已超過留存有效期限")
    if used_on is not None and banked_on is not None and used_on < banked_on:
        problems["used_on"] = _("使用日期不可早於留存日期")
    return problems


@model_rule(CaseDecision)
def _decision_at_steering_meeting(values: dict, _current) -> Problems:
    meeting = values.get("meeting")
    if meeting is not None and meeting.kind != STEERING_MEETING:
        return {"meeting": _("個案審議結果只能由「工業合作推動小組會議」作成（此會議為「%(kind)s」）",
                             kind=meeting.kind)}
    return {}


@model_rule(CaseReview)
def _review_at_subcommittee(values: dict, _current) -> Problems:
    meeting = values.get("meeting")
    if meeting is not None and meeting.kind != SUBCOMMITTEE_MEETING:
        return {"meeting": _("分組審查結果只能由「產業分組委員會議」作成（此會議為「%(kind)s」）",
                             kind=meeting.kind)}
    return {}


@model_rule(Meeting)
def _subcommittee_panel_size(values: dict, _current) -> Problems:
    panel = values.get("panel") or []
    if values.get("kind") == SUBCOMMITTEE_MEETING and panel and not 5 <= len(panel) <= 7:
        return {"panel": _("產業分組委員會議的委員須為 5 至 7 人（目前 %(n)d 人）", n=len(panel))}
    return {}


@model_rule(Award)
def _award_rules(values: dict, current) -> Problems:
    problems = {}
    recipients = [values.get(k) for k in ("firm", "contractor", "person")]
    if sum(1 for r in recipients if r) != 1:
        problems["firm"] = _("得獎者須擇一填寫：廠商、外商或個人")
    prize = AWARD_PRIZES.get((values.get("category"), values.get("rank")))
    if prize is not None and values.get("prize_ntd") is not None and values["prize_ntd"] != prize:
        problems["prize_ntd"] = _("%(category)s第 %(rank)s 名的獎金為新台幣 %(prize)s 元", category=values["category"],
                                  rank=values["rank"], prize=f"{prize:,}")
    year = values.get("round_year")
    if year is not None:
        query = select(func.count()).select_from(Award).where(Award.round_year == year)
        if current is not None:
            query = query.where(Award.id != current.id)
        if db.session.scalar(query) >= AWARDS_PER_ROUND_MAX:
            problems["round_year"] = _("每屆表揚至多 %(n)d 名（%(year)s 年已額滿）", n=AWARDS_PER_ROUND_MAX, year=year)
    return problems
