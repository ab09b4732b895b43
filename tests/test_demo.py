"""The demo office: its ledger reproduces the 2011 report's figures, it loads once, and every record is valid."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import extract, func, inspect, select

from app import create_app
from icp.demo import demo_load
from icp.extensions import db
from icp.validation import record_problems
from models.base import Record
from models import (Agreement, Award, CaseDecision, DemandItem, Event, FactoryVisit, IcpCase, Meeting,
                    Publication)

# domain.md §5 worked check: 2011 steering meeting → (kind, currency) → (decisions, credits)
WORKED_CHECK = {
    date(2011, 3, 17): {("預核通過", "USD"): (3, 26_726_856), ("實核通過", "USD"): (5, 37_872_762)},
    date(2011, 6, 2): {("預核通過", "USD"): (1, 69_884_223), ("實核通過", "USD"): (5, 305_627_864)},
    date(2011, 9, 8): {("預核通過", "USD"): (4, 223_250_000), ("實核通過", "USD"): (2, 13_926_904),
                       ("實核通過", "NTD"): (1, 199_162_419)},
    date(2011, 11, 29): {("預核通過", "USD"): (9, 147_592_430), ("實核通過", "USD"): (6, 148_016_537)},
}
CREDIT_KINDS = ("預核通過", "實核通過")


@pytest.fixture()
def demo():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    with app.app_context():
        db.create_all()
        created = demo_load()
        yield created
        db.session.remove()
        db.drop_all()


def _models() -> list[type]:
    """The office's records (the history and login logs are written by the system, not loaded)."""
    return sorted((m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, Record)),
                  key=lambda cls: cls.__name__)


def _row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def _values_of(record) -> dict:
    """What a form would submit for `record`: its columns and its relationships."""
    mapper = inspect(type(record))
    values = {attr.key: getattr(record, attr.key) for attr in mapper.column_attrs}
    values.update({rel.key: getattr(record, rel.key) for rel in mapper.relationships})
    return values


def _steering_2011_totals() -> dict:
    rows = db.session.execute(
        select(Meeting.held_on, CaseDecision.kind, CaseDecision.currency, func.count(CaseDecision.id),
               func.sum(CaseDecision.credits))
        .join(CaseDecision.meeting)
        .where(Meeting.kind == "工業合作推動小組會議", extract("year", Meeting.held_on) == 2011,
               CaseDecision.kind.in_(CREDIT_KINDS))
        .group_by(Meeting.held_on, CaseDecision.kind, CaseDecision.currency))
    totals: dict = {}
    for held_on, kind, currency, count, credits in rows:
        totals.setdefault(held_on, {})[(kind, currency)] = (count, Decimal(credits))
    return totals


def test_demo_steering_meetings_match_the_reports_worked_check(demo):
    assert _steering_2011_totals() == WORKED_CHECK


def test_demo_decision_credits_are_value_times_multiplier(demo):
    decisions = db.session.scalars(select(CaseDecision).where(CaseDecision.kind.in_(CREDIT_KINDS))).all()
    assert decisions
    for decision in decisions:
        assert decision.credits == decision.approved_value * decision.multiplier, decision


def test_demo_load_twice_creates_nothing_more(demo):
    before = _row_counts()

    assert demo > 0
    assert demo_load() == 0
    assert _row_counts() == before


def test_demo_load_counts_the_records_it_creates(demo):
    records = sum(db.session.scalar(select(func.count()).select_from(model)) for model in _models())
    assert demo == records


def test_demo_records_pass_validation(demo):
    checked = 0
    for model in _models():
        for record in db.session.scalars(select(model)):
            assert record_problems(model, _values_of(record), record) == {}, f"{model.__name__} {record}"
            checked += 1
    assert checked == demo


def test_demo_has_the_reports_agreements_and_visits(demo):
    agreements_2011 = select(Agreement).where(extract("year", Agreement.signed_on) == 2011)
    obligation = db.session.scalar(select(func.sum(Agreement.obligation)).where(
        extract("year", Agreement.signed_on) == 2011, Agreement.obligation_currency == "USD"))
    visits = select(func.count()).select_from(FactoryVisit).where(extract("year", FactoryVisit.visited_on) == 2011)

    titles = {a.procurement.title for a in db.session.scalars(agreements_2011)}
    assert len(db.session.scalars(agreements_2011).all()) == 8
    assert {"臺鐵136輛傾斜式電聯車採購案", "臺中捷運烏日文心北屯線機電系統統包工程案"} <= titles
    assert Decimal("211000000") <= Decimal(obligation) < Decimal("212000000")  # 約2.11億餘美元點
    assert db.session.scalar(visits) == 8


def _meetings(kind: str):
    return select(func.count()).select_from(Meeting).where(Meeting.kind == kind,
                                                           extract("year", Meeting.held_on) == 2011)


def _events(kind: str):
    return select(func.count()).select_from(Event).where(Event.kind == kind)


def _pre_approved_2011(column):
    return (select(func.sum(column)).select_from(IcpCase).join(CaseDecision).join(CaseDecision.meeting)
            .where(CaseDecision.kind == "預核通過", extract("year", Meeting.held_on) == 2011))


# the report's 2011 achievements (§四(一)) that the records must reproduce
ACHIEVEMENTS = [
    ("policy meetings", lambda: _meetings("工業合作政策指導會議"), 3),
    ("demand-item reviews", lambda: _meetings("需求項目審查會議"), 4),
    ("steering meetings", lambda: _meetings("工業合作推動小組會議"), 4),
    ("sub-committee meetings", lambda: _meetings("產業分組委員會議"), 14),
    ("negotiation meetings", lambda: _meetings("協商談判會議"), 25),
    ("defence council meetings", lambda: _meetings("軍公民營工業配合發展會報"), 2),
    ("promotion briefings", lambda: _events("宣導說明會"), 2),
    ("investment briefings", lambda: _events("招商說明會/技術移轉說明會"), 8),
    ("contractor surveys", lambda: _events("技術能量調查"), 2),
    ("newsletters", lambda: select(func.count()).select_from(Publication).where(Publication.kind == "電子報"), 2),
    ("compendium copies", lambda: select(Publication.copies).where(Publication.kind == "成果彙編"), 300),
    ("awards", lambda: select(func.count()).select_from(Award).where(Award.round_year == 2011), 4),
    ("demand items passed", lambda: select(func.count()).select_from(DemandItem).where(
        DemandItem.status == "複審通過"), 5 + 15 + 5 + 5),
    ("technologies introduced", lambda: _pre_approved_2011(IcpCase.technologies), 16),
    ("estimated output (USD)", lambda: _pre_approved_2011(IcpCase.estimated_output_usd), 937_600_000),
    ("derived benefit (NTD)", lambda: _pre_approved_2011(IcpCase.derived_benefit_ntd), 2_497_600_000),
]


@pytest.mark.parametrize(("what", "query", "expected"), ACHIEVEMENTS, ids=[a[0] for a in ACHIEVEMENTS])
def test_demo_reproduces_the_reports_achievements(demo, what, query, expected):
    assert db.session.scalar(query()) == expected, what


def test_every_list_shows_demo_data(app):
    """`make run` promises every screen opens on real-looking records."""
    from tests.conftest import login, user_make
    from views.records import RECORD_SCREENS

    demo_load()
    user_make("admin", "chief")
    client = app.test_client()
    login(client, "chief")
    for endpoint in [e for *_, e in RECORD_SCREENS] + ["attachment", "user"]:
        page = client.get(f"/admin/{endpoint}/")
        assert page.status_code == 200, endpoint
        assert page.text.count('name="rowid"') >= 1, f"{endpoint} list is empty"
