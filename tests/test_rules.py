"""Pure domain rules: unified business numbers, credits, demand tiers, ROC dates."""
from datetime import date
from decimal import Decimal

import pytest

from icp.credits import credit_compute
from icp.rules import demand_tier, ubn_is_valid
from icp.roc import gregorian_year, roc_date_table, roc_date_text, roc_year


@pytest.mark.parametrize(("number", "valid"), [
    ("04595257", True),     # sum 40: divisible by 10 (valid before and after the 2023 change)
    ("22099131", True),     # sum 30
    ("20000003", True),     # sum 5: divisible by 5 only, valid since the rule change
    ("20000000", False),    # sum 2
    ("10000078", True),     # 7th digit 7, sum 19: valid through the "sum + 1" alternative
    ("12345678", False),    # 7th digit 7, sum 42: neither 42 nor 43 divisible by 5
    ("1234567", False),
    ("123456789", False),
    ("ABCDEFGH", False),
    ("１２３４５６７５", False),  # full-width digits are not a number here (imports normalise them first)
    ("", False),
])
def test_ubn_is_valid_follows_the_checksum(number, valid):
    assert ubn_is_valid(number) is valid


@pytest.mark.parametrize(("value", "multiplier", "credit"), [
    ("1000000", "2", "2000000.00"),
    ("333.335", "1", "333.34"),       # half-up, not banker's rounding
    ("0.005", "1", "0.01"),
    ("12345.67", "1.5", "18518.51"),  # 18518.505 → half-up
    ("0", "3", "0.00"),
])
def test_credit_compute_is_exact_and_rounds_half_up(value, multiplier, credit):
    assert credit_compute(value=Decimal(value), multiplier=Decimal(multiplier)) == Decimal(credit)


@pytest.mark.parametrize(("score", "tier"), [
    (Decimal("100"), "優先項目"), (Decimal("80"), "優先項目"), (Decimal("79.99"), "一般項目"),
    (Decimal("60"), "一般項目"), (Decimal("59.5"), "不納入"), (Decimal("0"), "不納入"), (None, None),
])
def test_demand_tier_follows_the_score(score, tier):
    assert demand_tier(score) == tier


def test_roc_dates_are_written_as_the_office_writes_them():
    assert roc_year(2011) == 100 and gregorian_year(100) == 2011
    assert roc_date_table(date(2011, 3, 17)) == "100.03.17"
    assert roc_date_text(date(2011, 3, 17)) == "100年3月17日"
    assert roc_date_table(None) == ""


def test_case_status_is_the_latest_decision_with_entry_order_breaking_ties():
    from types import SimpleNamespace as Row
    from icp.ledger import case_status_of

    march, june = Row(held_on=date(2011, 3, 17)), Row(held_on=date(2011, 6, 2))
    assert case_status_of([]) == "申請中"
    assert case_status_of([Row(kind="實核通過", meeting=june, id=1), Row(kind="預核通過", meeting=march, id=2)]) == "實核通過"
    # two unsaved decisions at one meeting: the one entered last is the case's status
    assert case_status_of([Row(kind="結案", meeting=june, id=None), Row(kind="額度留存", meeting=june, id=None)]) == "額度留存"
