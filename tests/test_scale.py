"""The scale data set (`flask icp demo --cases N`): deterministic, valid, and its derived values right."""
from collections import defaultdict

from sqlalchemy import func, inspect, select

from app import create_app
from icp.credits import credit_compute
from icp.extensions import db
from icp.ledger import case_status_of
from icp.rules import ubn_is_valid
from icp.scale import scale_load
from icp.validation import record_problems
from models import Agreement, CaseDecision, Contractor, DomesticFirm, IcpCase, Meeting, case_firm

CASES = 200
SMALL = {"agreements": 20, "contractors": 10, "firms": 100}


def _values(record) -> dict:
    mapper = inspect(type(record))
    values = {attr.key: getattr(record, attr.key) for attr in mapper.column_attrs}
    values.update({rel.key: getattr(record, rel.key) for rel in mapper.relationships if not rel.uselist})
    return values


def _snapshot() -> list:
    """Every generated row of the main tables, as plain tuples in id order."""
    rows = []
    for model in (Contractor, DomesticFirm, Meeting, Agreement, IcpCase, CaseDecision):
        table = model.__table__
        rows.append([tuple(r) for r in db.session.execute(select(table).order_by(table.c.id))])
    rows.append([tuple(r) for r in db.session.execute(select(case_firm).order_by(*case_firm.c))])
    return rows


def test_scale_load_creates_the_sizes_asked(app):
    assert scale_load(cases=CASES, **SMALL) == CASES
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(IcpCase) == CASES
    assert count(Agreement) == SMALL["agreements"]
    assert count(Contractor) == SMALL["contractors"]
    assert count(DomesticFirm) == SMALL["firms"]
    assert 1.5 <= count(CaseDecision) / CASES <= 2.5
    years = db.session.execute(select(func.min(Meeting.held_on), func.max(Meeting.held_on))).one()
    assert years[1].year - years[0].year + 1 == 20
    assert scale_load(cases=CASES, **SMALL) == 0  # a database with agreements is left alone


def test_scale_load_is_deterministic(app, tmp_path):
    scale_load(cases=CASES, **SMALL)
    first = _snapshot()
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'again.sqlite'}"})
    with other.app_context():
        db.create_all()
        scale_load(cases=CASES, **SMALL)
        second = _snapshot()
        db.session.remove()
    assert first == second


def test_scale_records_pass_the_validation(app):
    scale_load(cases=CASES, **SMALL)
    assert all(ubn_is_valid(ubn) for ubn in db.session.scalars(select(DomesticFirm.ubn)))
    for model in (Contractor, DomesticFirm, Agreement, IcpCase, CaseDecision, Meeting):
        for record in db.session.scalars(select(model).order_by(model.id).limit(40)):
            assert record_problems(model, _values(record), record) == {}, (model.__name__, record.id)


def test_scale_credits_and_statuses_are_what_the_domain_computes(app):
    scale_load(cases=CASES, **SMALL)
    decisions = defaultdict(list)
    for decision in db.session.scalars(select(CaseDecision)):
        decisions[decision.case_id].append(decision)
        if decision.approved_value is not None:
            assert decision.credits == credit_compute(value=decision.approved_value, multiplier=decision.multiplier)
        else:
            assert decision.credits == 0
    statuses = set()
    for case in db.session.scalars(select(IcpCase)):
        assert case.credit == credit_compute(value=case.actual_value, multiplier=case.multiplier)
        assert case.status == case_status_of(decisions[case.id])
        statuses.add(case.status)
    assert {"申請中", "預核通過", "實核通過", "結案"} <= statuses


def test_scale_records_are_edited_and_logged_like_any_other(app):
    scale_load(cases=CASES, **SMALL)
    case = db.session.scalar(select(IcpCase).order_by(IcpCase.id))
    case.multiplier = case.multiplier + 1 if case.case_type not in ("採購國內產品", "聯合承攬") else case.multiplier
    case.actual_value += 1
    db.session.commit()
    assert case.credit == credit_compute(value=case.actual_value, multiplier=case.multiplier)
    assert case.version_id == 2
    firm = DomesticFirm(name="新增廠商", ubn="04595257")  # ids continue after the generated ones
    db.session.add(firm)
    db.session.commit()
    assert firm.id == SMALL["firms"] + 1


def test_demo_command_with_cases_generates_the_scale_data(app):
    result = app.test_cli_runner().invoke(args=["icp", "demo", "--cases", "50"])
    assert result.exit_code == 0, result.output
    assert "50 cases" in result.output
    assert db.session.scalar(select(func.count()).select_from(IcpCase)) == 50


def test_whole_cases_list_exports_every_row(app, client_as):
    from io import BytesIO

    from openpyxl import load_workbook

    scale_load(cases=120, **SMALL)  # more than one list page
    response = client_as("viewer").get("/admin/case/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data), read_only=True).active
    assert sum(1 for _row in sheet.iter_rows()) == 1 + 120


def test_list_count_stops_early_and_says_so(app, client_as, monkeypatch):
    monkeypatch.setattr("views.base.COUNT_CAP", 100)
    scale_load(cases=150, **SMALL)
    admin = client_as("viewer")
    assert "(100+)" in admin.get("/admin/case/").text
    assert "(150)" in admin.get("/admin/case/?page=2").text  # a deeper page counts as far as it needs to
