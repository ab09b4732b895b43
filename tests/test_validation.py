"""Bad input on every screen gives a message next to the field and stores nothing."""
from datetime import date, timedelta

import pytest
from sqlalchemy import CheckConstraint, Integer, Numeric, String, UniqueConstraint, func, select

from icp.extensions import db
from models import DomesticFirm
from tests.conftest import csrf_from
from tests.factories import office_make, screen_forms
from views.records import RECORD_SCREENS

SCREENS = {endpoint: model for _view, model, _name, _category, endpoint in RECORD_SCREENS}
ADMIN_ONLY = {endpoint for view, _m, _n, _c, endpoint in RECORD_SCREENS if "editor" not in view.edit_roles}


class _Stub:
    id = 1


STUB_FORMS = screen_forms({k: _Stub() for k in ("agency", "contractor", "agreement", "case", "steering",
                                                  "subcommittee")} | {"firms": [_Stub()]})


def _columns(model):
    return model.__table__.columns


def bad_variants(endpoint: str) -> dict[str, tuple[str, dict]]:
    """kind → (field expected to carry the error, the bad form data) for what applies to this screen."""
    model, data = SCREENS[endpoint], STUB_FORMS[endpoint][0]
    variants = {}
    text = [c.key for c in _columns(model) if isinstance(c.type, String) and c.key in data and c.type.length]
    if text:
        variants["long_text"] = (text[0], {**data, text[0]: "工" * 10_000})
    numeric = [c.key for c in _columns(model) if isinstance(c.type, (Numeric, Integer)) and c.key in data
               and not c.foreign_keys]
    if numeric:
        variants["non_numeric"] = (numeric[0], {**data, numeric[0]: "一百萬"})
    checks = [c.info for c in model.__table__.constraints if isinstance(c, CheckConstraint) and c.info]
    negative = [i["column"] for i in checks if i["rule"] == "range" and i["low"] == 0 and i["column"] in data]
    if negative:
        variants["negative"] = (negative[0], {**data, negative[0]: "-1"})
    order = [i for i in checks if i["rule"] == "not_before" and i["later"] in data and i["earlier"] in data]
    if order:
        later, earlier = order[0]["later"], order[0]["earlier"]
        try:
            before = (date.fromisoformat(data[earlier]) - timedelta(days=1)).isoformat()
        except ValueError:
            before = "0.5"
        variants["end_before_start"] = (later, {**data, later: before})
    uniques = [(c.key,) for c in _columns(model) if c.unique]
    uniques += [tuple(c.key for c in u.columns) for u in model.__table__.constraints if isinstance(u, UniqueConstraint)]
    uniques = [u for u in uniques if all(k in data for k in u)]
    if uniques:
        variants["duplicate"] = (uniques[0][0], data)
    return variants


CASES = [(endpoint, kind) for endpoint in sorted(SCREENS) for kind in bad_variants(endpoint)]


def test_each_kind_of_bad_input_is_exercised_somewhere():
    kinds = {kind for _e, kind in CASES}
    assert kinds == {"long_text", "non_numeric", "negative", "end_before_start", "duplicate"}
    assert len(CASES) >= 70


@pytest.mark.parametrize(("endpoint", "kind"), CASES)
def test_bad_input_is_refused_next_to_its_field(app, client_as, endpoint, kind):
    client = client_as("admin" if endpoint in ADMIN_ONLY else "editor")
    office = office_make()
    model = SCREENS[endpoint]
    field, bad = bad_variants(endpoint)[kind]
    bad = {**screen_forms(office)[endpoint][0], field: bad[field]}
    url = f"/admin/{endpoint}/new/"
    if kind == "duplicate":
        first = client.post(url, data={**bad, "csrf_token": csrf_from(client.get(url).text)})
        assert first.status_code == 302
    before = db.session.scalar(select(func.count()).select_from(model))

    response = client.post(url, data={**bad, "csrf_token": csrf_from(client.get(url).text)})

    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(model)) == before
    assert _error_next_to(response.text, field), f"no error shown for {field}"


def _error_next_to(html: str, field: str) -> bool:
    """The field's input is marked invalid and followed by its message."""
    marker = f'id="{field}"'
    start = html.find(marker)
    if start < 0:
        return False
    block = html[html.rfind('<div class="form-group', 0, start):html.find('<div class="form-group', start)]
    return "is-invalid" in block or "invalid-feedback" in block or "help-block" in block


@pytest.mark.parametrize("ubn", ["12345678", "1234567", "ABCDEFGH", "１２３４５６７５"])
def test_firm_with_a_bad_unified_business_number_is_refused(app, editor, ubn):
    url = "/admin/firm/new/"
    response = editor.post(url, data={"name": "測試廠商", "ubn": ubn, "csrf_token": csrf_from(editor.get(url).text)})
    assert response.status_code == 200
    assert "統一編號須為 8 位數字且通過檢查碼驗證" in response.text
    assert db.session.scalar(select(func.count()).select_from(DomesticFirm)) == 0


@pytest.mark.parametrize("country, refused", [("US", False), ("TW", False), ("XX", True), ("us", True), ("USA", True)])
def test_contractor_country_must_be_an_iso_3166_code(app, country, refused):
    from icp.validation import record_problems
    from models import Contractor
    problems = record_problems(Contractor, {"name_zh": "雷神公司", "country": country})
    assert ("country" in problems) is refused


def test_decision_from_a_meeting_that_is_not_a_steering_meeting_is_refused(app, editor):
    office = office_make()
    data = {**screen_forms(office)["decision"][0], "meeting": str(office["policy"].id)}
    response = editor.post("/admin/decision/new/",
                           data={**data, "csrf_token": csrf_from(editor.get("/admin/decision/new/").text)})
    # the meeting list only offers steering meetings, and the server refuses any other
    assert response.status_code == 200
    assert office["policy"].title not in editor.get("/admin/decision/new/").text.split('id="meeting"')[1][:3000]


def test_decision_rule_names_the_meeting_kind(app):
    from icp.validation import record_problems
    from models import CaseDecision
    office = office_make()
    problems = record_problems(CaseDecision, {"meeting": office["policy"], "case": office["case"], "kind": "預核通過"})
    assert "工業合作推動小組會議" in problems["meeting"]


def test_award_round_holds_at_most_four_and_prizes_follow_the_table(app, editor):
    from icp.validation import record_problems
    from models import Award
    office = office_make()
    for category, rank, prize in (("團體獎", 1, 50000), ("團體獎", 2, 30000), ("個人獎", 1, 30000), ("個人獎", 2, 20000)):
        db.session.add(Award(round_year=2011, category=category, rank=rank, person=f"得獎人{rank}", prize_ntd=prize))
    db.session.commit()
    problems = record_problems(Award, {"round_year": 2011, "category": "團體獎", "rank": 3, "person": "甲",
                                       "prize_ntd": 0})
    assert "至多 4 名" in problems["round_year"]
    problems = record_problems(Award, {"round_year": 2013, "category": "個人獎", "rank": 1, "person": "乙",
                                       "prize_ntd": 50000})
    assert "30,000" in problems["prize_ntd"]
    problems = record_problems(Award, {"round_year": 2013, "category": "個人獎", "rank": 1,
                                       "firm": office["firms"][0], "person": "乙", "prize_ntd": 30000})
    assert "擇一" in problems["firm"]


def test_new_case_for_a_contractor_with_a_bad_record_is_refused(app, editor):
    office = office_make()
    office["contractor"].has_bad_record = True
    db.session.commit()
    data = screen_forms(office)["case"][0]
    response = editor.post("/admin/case/new/", data={**data, "csrf_token": csrf_from(editor.get("/admin/case/new/").text)})
    assert response.status_code == 200
    assert "不良紀錄" in response.text


def test_subcommittee_panel_must_have_five_to_seven_members(app):
    from icp.validation import record_problems
    from models import Meeting
    office = office_make()
    problems = record_problems(Meeting, {"kind": "產業分組委員會議", "held_on": date(2011, 5, 1), "title": "x",
                                         "panel": office["experts"][:4]})
    assert "5 至 7 人" in problems["panel"]
    assert record_problems(Meeting, {"kind": "產業分組委員會議", "held_on": date(2011, 5, 1), "title": "x",
                                     "panel": office["experts"][:6]}) == {}


def test_database_refuses_what_the_forms_refuse(app):
    """The CHECK constraints hold even for a write that skips the forms."""
    from sqlalchemy.exc import IntegrityError
    from models import Agreement
    office = office_make()
    db.session.add(Agreement(number="X-1", contractor=office["contractor"], obligation=-5))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
