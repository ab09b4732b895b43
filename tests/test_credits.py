"""The credit rules: arithmetic, multiplier rules in force, the ledger and the pre-approval gates."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, literal_column, select, text

from icp.credits import (CENT, agreement_preapproved, credit_compute, money_sum, multiplier_problem,
                         multiplier_rule_in_force, usd_points)
from icp.extensions import db
from icp.validation import record_problems
from models import AuditLog, CaseDecision, IcpCase, Meeting, MultiplierRule
from tests.conftest import csrf_from
from tests.factories import decision_make, office_make, screen_forms

D = Decimal


@pytest.mark.parametrize(("value", "multiplier", "credit"), [
    ("1000000", "2", "2000000.00"),
    ("0", "6", "0.00"),
    ("0.005", "1", "0.01"),                             # half-up at the cent
    ("0.004999", "1", "0.00"),
    ("12345.67", "1.5", "18518.51"),                    # 18518.505 → 18518.51, not banker's 18518.50
    ("99999999999999.99", "3", "299999999999999.97"),   # huge values stay exact (no float)
    ("333.33", "0.333", "111.00"),
])
def test_credit_compute_table(value, multiplier, credit):
    assert credit_compute(value=D(value), multiplier=D(multiplier)) == D(credit)


@pytest.mark.parametrize(("credits", "currency", "rate", "usd"), [
    ("1000000", "USD", None, "1000000"),
    ("199162419", "NTD", "29.5", "6751268.44"),
    ("100", "NTD", "3", "33.33"),
    ("100", "NTD", None, None),  # no recorded rate: not convertible
])
def test_usd_points_convert_ntd_only_at_the_recorded_rate(credits, currency, rate, usd):
    result = usd_points(credits=D(credits), currency=currency, rate=D(rate) if rate else None)
    assert result == (D(usd) if usd else None)


@pytest.fixture()
def rules(app):
    db.session.add_all([
        MultiplierRule(case_type="技術移轉", min_multiplier=D("1"), max_multiplier=D("6"), cap=D("5"),
                       effective_from=date(2008, 1, 1), effective_to=date(2011, 12, 31)),
        MultiplierRule(case_type="技術移轉", min_multiplier=D("1"), max_multiplier=D("4"),
                       effective_from=date(2012, 1, 1)),
        MultiplierRule(case_type="技術移轉", defense_class="直接國防工合", min_multiplier=D("2"),
                       max_multiplier=D("8"), effective_from=date(2012, 1, 1)),
    ])
    db.session.commit()


@pytest.mark.parametrize(("multiplier", "defense_class", "on", "ok"), [
    ("1", "產業工合", date(2011, 6, 1), True),      # at the lower bound
    ("5", "產業工合", date(2011, 6, 1), True),      # at the cap
    ("5.01", "產業工合", date(2011, 6, 1), False),  # above the cap though under the maximum
    ("0.99", "產業工合", date(2011, 6, 1), False),
    ("5", "產業工合", date(2012, 1, 1), False),     # the 2012 rule is stricter
    ("4", "產業工合", date(2012, 1, 1), True),
    ("8", "直接國防工合", date(2012, 3, 1), True),  # a rule naming the defense class wins
    ("1.5", "直接國防工合", date(2012, 3, 1), False),
])
def test_multiplier_is_checked_against_the_rule_in_force(rules, multiplier, defense_class, on, ok):
    problem = multiplier_problem(multiplier=D(multiplier), case_type="技術移轉", defense_class=defense_class, on=on)
    assert (problem is None) is ok, problem


def test_no_rule_in_force_means_no_objection(rules):
    assert multiplier_rule_in_force(case_type="人員訓練", defense_class=None, on=date(2011, 1, 1)) is None


def test_case_form_refuses_a_multiplier_outside_the_rule(app, editor, rules):
    office = office_make()
    data = {**screen_forms(office)["case"][0], "case_type": "技術移轉", "multiplier": "7",
            "submitted_on": "2011-05-01"}
    response = editor.post("/admin/case/new/", data={**data, "csrf_token": csrf_from(editor.get("/admin/case/new/").text)})
    assert response.status_code == 200 and "乘數須介於 1 與 5 之間" in response.text


def test_stored_credit_follows_a_direct_edit_of_value_or_multiplier(app):
    case = office_make()["case"]
    case.actual_value = D("1234.56")
    db.session.commit()
    assert case.credit == D("2469.12")
    case.multiplier = D("1.5")
    db.session.commit()
    assert case.credit == D("1851.84")


def test_case_status_is_its_latest_decision(app):
    office = office_make()
    later = Meeting(kind="工業合作推動小組會議", sequence=2, held_on=date(2011, 6, 2), title="第2次")
    db.session.add(later)
    db.session.commit()
    decision_make(office, meeting=later, kind="實核通過")
    assert office["case"].status == "實核通過"
    decision_make(office, kind="預核通過", approved_value=D("1"))  # an earlier meeting entered afterwards
    assert office["case"].status == "實核通過"
    final = db.session.scalars(select(CaseDecision).where(CaseDecision.kind == "實核通過")).one()
    db.session.delete(final)
    db.session.commit()
    assert office["case"].status == "預核通過"


def test_over_commit_is_refused_with_the_numbers(app):
    office = office_make()  # obligation 60,000,000 USD
    decision_make(office, approved_value=D("25000000"), multiplier=D("2"))  # 50,000,000 reserved
    problems = record_problems(CaseDecision, {"case": office["case"], "meeting": office["steering"], "kind": "預核通過",
                                              "approved_value": D("6000000"), "multiplier": D("2"), "currency": "USD"})
    assert "62,000,000.00" in problems["approved_value"] and "60,000,000.00" in problems["approved_value"]
    assert "2,000,000.00" in problems["approved_value"]
    assert agreement_preapproved(office["agreement"]) == D("50000000")


def test_ntd_pre_approval_counts_at_its_rate_and_needs_one(app):
    office = office_make()
    values = {"case": office["case"], "meeting": office["steering"], "kind": "預核通過",
              "approved_value": D("300000000"), "multiplier": D("7"), "currency": "NTD"}
    assert "exchange_rate" in record_problems(CaseDecision, values)
    assert "approved_value" in record_problems(CaseDecision, {**values, "exchange_rate": D("30")})  # 70M USD
    assert record_problems(CaseDecision, {**values, "multiplier": D("1"), "exchange_rate": D("30")}) == {}


def _decision_post(client, office, **changes):
    data = {**screen_forms(office)["decision"][0], **changes}
    return client.post("/admin/decision/new/",
                       data={**data, "csrf_token": csrf_from(client.get("/admin/decision/new/").text)})


def test_only_an_admin_overrides_an_over_commit_and_the_reason_is_kept(app, client_as):
    office = office_make()
    editor, admin = client_as("editor"), client_as("admin")
    too_much = {"approved_value": "40000000", "multiplier": "2"}
    refused = _decision_post(editor, office, **too_much)
    assert refused.status_code == 200 and "超過其工業合作額度" in refused.text
    by_editor = _decision_post(editor, office, **too_much, override_reason="部長指示")
    assert by_editor.status_code == 200 and "只有管理者可以例外核准" in by_editor.text
    assert db.session.scalars(select(CaseDecision)).all() == []

    accepted = _decision_post(admin, office, **too_much, override_reason="推動小組決議同意超額預核")
    assert accepted.status_code == 302
    decision = db.session.scalars(select(CaseDecision)).one()
    logged = db.session.scalars(select(AuditLog).where(AuditLog.record_type == "case_decision")).one()
    assert logged.reason == "推動小組決議同意超額預核" and logged.username == "admin-user"
    assert decision.credits == D("80000000")


def test_pre_approval_needs_the_checklist_complete(app, client_as):
    office = office_make()
    office["case"].check_export_pledge = False
    office["case"].check_briefing_held = False
    db.session.commit()
    response = _decision_post(client_as("editor"), office)
    assert response.status_code == 200
    assert "檢視表尚未完成" in response.text and "已辦理公開說明會" in response.text
    accepted = _decision_post(client_as("admin"), office, override_reason="說明會延後辦理，推動小組同意")
    assert accepted.status_code == 302


def test_export_pledge_is_only_required_for_technology_transfer(app):
    office = office_make()
    case = office["case"]
    case.case_type, case.check_export_pledge = "人員訓練", False
    db.session.commit()
    assert record_problems(CaseDecision, {"case": case, "meeting": office["steering"], "kind": "預核通過",
                                          "approved_value": D("1"), "multiplier": D("1"), "currency": "USD"}) == {}


@pytest.mark.parametrize(("changes", "field"), [
    ({"banked_on": date(2012, 3, 1)}, "banked_on"),                        # abolished for new credits from 2012
    ({"used_by": True}, "used_on"),                                       # used by a case: when?
    ({"used_by": True, "used_on": date(2016, 7, 1)}, "used_on"),          # after its validity
    ({"used_by": True, "used_on": date(2011, 1, 1)}, "used_on"),          # before it was banked
    ({"used_by": "source", "used_on": date(2012, 1, 1)}, "used_by_case"),  # the source cannot use its own
])
def test_banked_credit_rules(app, changes, field):
    from models import BankedCredit
    office = office_make()
    other = IcpCase(number="C-100-099", title="使用留存額度", agreement=office["agreement"], case_type="人員訓練",
                    field="航太", defense_class="產業工合", actual_value=D(1), multiplier=D(1))
    db.session.add(other)
    db.session.commit()
    values = {"source_case": office["case"], "amount": D(50000), "currency": "USD", "banked_on": date(2011, 6, 2),
              "valid_until": date(2016, 6, 2)}
    used_by = changes.pop("used_by", None)
    values.update(changes)
    if used_by:
        values["used_by_case"] = office["case"] if used_by == "source" else other
    assert field in record_problems(BankedCredit, values)
    assert record_problems(BankedCredit, {**values, "banked_on": date(2011, 6, 2), "used_by_case": other,
                                          "used_on": date(2012, 1, 1)}) == {}


def test_money_sum_is_exact_to_the_cent_over_200000_amounts(app):
    # 200,000 amounts up to 10,000,000.00, about 9.9 × 10^11 in all: a plain SUM of SQLite's floats ends
    # a cent off here; money_sum must give the exact Decimal total on every database.
    n, modulus = 200_000, 10**9 + 7
    amounts = text(f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) "
                   f"SELECT CAST((CAST(i AS BIGINT) * i * 31) % {modulus} AS NUMERIC(18, 2)) / 100.0 AS amount FROM s) AS amounts")
    exact = sum(Decimal(i * i * 31 % modulus) for i in range(1, n + 1)) / 100
    amount = literal_column("amount")
    with app.app_context():
        total = db.session.scalar(select(money_sum(amount)).select_from(amounts))
        assert total == exact and isinstance(total, Decimal)
        assert db.session.scalar(select(money_sum(amount)).select_from(amounts).where(amount < 0)) is None
        if db.engine.dialect.name == "sqlite":  # the float SUM it replaces is a cent off: the test can tell
            plain = db.session.scalar(select(func.sum(amount)).select_from(amounts))
            assert Decimal(plain).quantize(CENT) != exact
