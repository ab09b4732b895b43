"""The meeting grid: scoped rows, cell saves through the form's own validation, versions, history, access."""
import html
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from icp.extensions import db
from models import AuditLog, CaseDecision, CaseReview, DemandItem, FeedbackFee, IcpCase, ProgressReport
from tests.conftest import PASSWORD, csrf_from, user_make
from tests.factories import decision_make, office_make, screen_forms


@pytest.fixture()
def office(app):
    office = office_make()
    office["decision"] = decision_make(office)
    return office


def grid_data(client, **args) -> dict:
    response = client.get("/admin/grid/data", query_string=args)
    assert response.status_code == 200, response.text
    return response.get_json()


def save(client, *, table: str, record, field: str, value, version=None, token: str | None = "fetch"):
    """POST one cell as the grid does; `token="fetch"` takes a fresh CSRF token from the data endpoint."""
    if token == "fetch":
        token = grid_data(client, table=table)["csrf"]
    headers = {"X-CSRFToken": token} if token else {}
    body = {"table": table, "id": record.id, "version": record.version_id if version is None else version,
            "field": field, "value": value}
    return client.post("/admin/grid/cell", json=body, headers=headers)


def fresh(record):
    db.session.expire_all()
    return db.session.get(type(record), record.id)


def grid_log(record) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.record_type == record.__tablename__,
                                                          AuditLog.record_id == record.id,
                                                          AuditLog.source == "grid")))


def form_page_after(client, endpoint: str, record, data: dict) -> str:
    """The record screen's edit form posted with `data`: the page with the form's own error messages."""
    page = client.get(f"/admin/{endpoint}/edit/?id={record.id}").text
    version = re.search(r'name="expected_version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(f"/admin/{endpoint}/edit/?id={record.id}",
                           data={**data, "expected_version": version, "csrf_token": csrf_from(page)})
    assert response.status_code == 200  # refused: the form is shown again
    return html.unescape(response.text)


# Scope -----------------------------------------------------------------------------------------------
def test_page_shows_the_latest_steering_meeting_and_loads_only_external_scripts(app, viewer, office):
    page = viewer.get("/admin/grid/")
    assert page.status_code == 200
    text = page.text
    assert "會議快速編輯" in text and "100年第1次推動小組會議" in text
    assert "/static/vendor/tabulator/tabulator.min.js" in text and "/static/grid/grid.js" in text
    assert "data-csrf=" in text and 'data-can-edit="false"' in text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline script would break the CSP"
    assert not re.search(r"\son[a-z]+=", text.split('id="meeting-grid"')[1]), "inline handlers break the CSP"
    assert "cdn" not in text.lower()


def test_data_of_a_meeting_holds_its_decisions_cases_and_their_records(app, viewer, office):
    other_case = IcpCase(number="C-100-099", title="無關個案", agreement=office["agreement"], case_type="技術移轉",
                         field="國防", defense_class="間接國防工合", actual_value=Decimal("1"))
    reviewed = IcpCase(number="C-100-050", title="分組審查個案", agreement=office["agreement"], case_type="技術移轉",
                       field="國防", defense_class="間接國防工合", actual_value=Decimal("1"))
    db.session.add_all([other_case, reviewed,
                        ProgressReport(case=office["case"], year=2011, quarter=1),
                        ProgressReport(case=other_case, year=2011, quarter=1),
                        FeedbackFee(case=office["case"], firm=office["firms"][0], amount_due=Decimal("100")),
                        CaseReview(meeting=office["steering"], case=reviewed, result="通過審查"),
                        DemandItem(year=2011, quarter=1, proposing_unit="公會", title="同季需求", industry="航太",
                                   need="產業需求"),
                        DemandItem(year=2012, quarter=2, proposing_unit="公會", title="複審於此會議", industry="航太",
                                   need="產業需求", second_review_meeting=office["steering"]),
                        DemandItem(year=2011, quarter=2, proposing_unit="公會", title="他季需求", industry="航太",
                                   need="產業需求")])
    db.session.commit()

    decisions = grid_data(viewer, table="decision")  # no meeting given: the latest steering meeting
    assert [row["id"] for row in decisions["rows"]] == [office["decision"].id]
    row = decisions["rows"][0]
    assert row["version"] == office["decision"].version_id and row["case__number"] == "C-100-001"
    assert row["approved_value"] == "1000000.00" and row["credits"] == "2000000.00"
    kind = next(c for c in decisions["columns"] if c["field"] == "kind")
    assert kind["title"] == "審議結果" and kind["type"] == "list" and "實核通過" in kind["values"] and kind["editable"]
    credits = next(c for c in decisions["columns"] if c["field"] == "credits")
    assert not credits["editable"]  # derived

    cases = grid_data(viewer, table="case", meeting=office["steering"].id)["rows"]
    assert {r["number"] for r in cases} == {"C-100-001", "C-100-050"}
    assert [r["case__number"] for r in grid_data(viewer, table="progress")["rows"]] == ["C-100-001"]
    assert len(grid_data(viewer, table="fee")["rows"]) == 1
    assert [r["number"] for r in grid_data(viewer, table="agreement")["rows"]] == ["ICA-100-001"]
    demand = {r["title"] for r in grid_data(viewer, table="demand")["rows"]}
    assert demand == {"同季需求", "複審於此會議"}  # the meeting's quarter (2011 Q1) or reviewed at it


def test_filter_scope_without_a_meeting(app, viewer, office):
    db.session.add_all([ProgressReport(case=office["case"], year=2011, quarter=3),
                        ProgressReport(case=office["case"], year=2011, quarter=2),
                        ProgressReport(case=office["case"], year=2012, quarter=3)])
    db.session.commit()
    rows = grid_data(viewer, table="progress", year=2011, quarter=3)["rows"]
    assert [(r["year"], r["quarter"]) for r in rows] == [(2011, 3)]
    assert len(grid_data(viewer, table="progress", year=100)["rows"]) == 2  # 民國 100 = 2011
    assert viewer.get("/admin/grid/data?table=progress&year=2011&quarter=5").status_code == 400
    assert viewer.get("/admin/grid/data?table=nonsense").status_code == 404
    assert viewer.get(f"/admin/grid/data?meeting={office['subcommittee'].id}").status_code == 404


# Saving ----------------------------------------------------------------------------------------------
def test_good_cell_is_stored_with_a_new_version_and_logged_as_a_grid_edit(app, editor, office):
    decision = office["decision"]
    response = save(editor, table="decision", record=decision, field="multiplier", value="3")

    assert response.status_code == 200, response.text
    body = response.get_json()
    decision = fresh(decision)
    assert decision.multiplier == Decimal("3") and decision.version_id == 2
    assert body["id"] == decision.id and body["version"] == 2 and body["row"]["version"] == 2
    assert body["row"]["credits"] == "3000000.00"  # the derived column comes back refreshed
    [entry] = grid_log(decision)
    assert entry.username == "editor-user" and entry.action == "update"
    assert entry.changes["multiplier"] == ["2.000", "3"]


def test_case_row_comes_back_with_derived_credit_and_status(app, editor, office):
    case = office["case"]
    response = save(editor, table="case", record=case, field="actual_value", value="1500000")
    assert response.status_code == 200, response.text
    row = response.get_json()["row"]
    assert row["credit"] == "3000000.00" and row["status"] == "預核通過"
    assert fresh(case).actual_value == Decimal("1500000")


@pytest.mark.parametrize(("table", "field", "value", "stored"), [
    ("progress", "received_on", "2011-07-10", date(2011, 7, 10)),
    ("progress", "received_on", None, None),
    ("progress", "checkpoint_reached", True, True),
    ("progress", "checkpoint_reached", "是", True),
    ("fee", "pledge_notarised", "TRUE", True),
    ("fee", "amount_paid", "150000", Decimal("150000")),
    ("decision", "kind", "實核通過", "實核通過"),
])
def test_each_kind_of_editor_value_is_parsed_like_the_form(app, editor, office, table, field, value, stored):
    record = {"progress": lambda: ProgressReport(case=office["case"], year=2011, quarter=2,
                                                 received_on=date(2011, 7, 1)),
              "fee": lambda: FeedbackFee(case=office["case"], firm=office["firms"][0], amount_due=Decimal("150000")),
              "decision": lambda: office["decision"]}[table]()
    db.session.add(record)
    db.session.commit()
    response = save(editor, table=table, record=record, field=field, value=value)
    assert response.status_code == 200, response.text
    assert getattr(fresh(record), field) == stored


@pytest.mark.parametrize(("table", "field", "bad"), [
    ("decision", "multiplier", "-1"),
    ("decision", "multiplier", "abc"),
    ("decision", "kind", "通過了"),
    ("progress", "received_on", "2011-02-30"),
])
def test_bad_value_is_refused_with_the_forms_own_message_and_nothing_stored(app, editor, office, table, field, bad):
    office["report"] = ProgressReport(case=office["case"], year=2011, quarter=2, received_on=date(2011, 7, 1))
    db.session.add(office["report"])
    db.session.commit()
    record = office["decision"] if table == "decision" else office["report"]
    before = getattr(record, field)

    response = save(editor, table=table, record=record, field=field, value=bad)

    assert response.status_code == 400
    message = response.get_json()["error"]
    assert message and re.search(r"[\u4e00-\u9fff]", message), message  # Chinese, as on the form
    assert getattr(fresh(record), field) == before and fresh(record).version_id == 1
    assert grid_log(record) == []
    form_data = screen_forms(office)[table][0]
    assert message in form_page_after(editor, table, record, {**form_data, field: bad})


def test_a_rule_between_two_fields_is_checked_against_the_stored_record(app, editor, office):
    agreement = office["agreement"]  # signed 2011-03-01
    response = save(editor, table="agreement", record=agreement, field="deadline", value="2011-01-01")
    assert response.status_code == 400
    assert response.get_json()["error"] == "「履約期限」不可早於「簽署日期」"
    assert fresh(agreement).deadline is None


def test_a_required_field_cannot_be_emptied(app, editor, office):
    response = save(editor, table="case", record=office["case"], field="title", value="")
    assert response.status_code == 400 and response.get_json()["error"]
    assert fresh(office["case"]).title == "雷達模組技術移轉"


def test_stale_version_is_refused_and_the_newer_value_survives(app, client_as, office):
    first, second = client_as("editor"), client_as("admin")
    decision = office["decision"]
    assert save(first, table="decision", record=decision, field="note", value="甲的備註", version=1).status_code == 200

    response = save(second, table="decision", record=decision, field="note", value="乙的備註", version=1)

    assert response.status_code == 409
    message = response.get_json()["error"]
    assert "已被他人修改" in message and "editor-user" in message and "甲的備註" in message
    assert fresh(decision).note == "甲的備註" and fresh(decision).version_id == 2


def test_field_outside_the_editable_list_is_refused(app, editor, office):
    case = office["case"]
    version = case.version_id
    for field in ("credit", "status", "number", "agreement_id", "version_id"):
        response = save(editor, table="case", record=case, field=field, value="1")
        assert response.status_code == 400, field
        assert "不能在會議快速編輯中修改" in response.get_json()["error"]
    assert fresh(case).number == "C-100-001" and fresh(case).version_id == version


def test_without_a_valid_csrf_token_nothing_is_saved(app, editor, office):
    decision = office["decision"]
    assert save(editor, table="decision", record=decision, field="note", value="x", token=None).status_code == 400
    assert save(editor, table="decision", record=decision, field="note", value="x", token="forged").status_code == 400
    assert fresh(decision).note is None and fresh(decision).version_id == 1


def test_viewer_may_look_but_not_save(app, viewer, office):
    decision = office["decision"]
    response = save(viewer, table="decision", record=decision, field="note", value="檢視者")
    assert response.status_code == 403 and response.get_json()["error"]
    assert fresh(decision).note is None


def test_anonymous_is_sent_to_login(app, client, office):
    for method, url in (("GET", "/admin/grid/"), ("GET", "/admin/grid/data"), ("POST", "/admin/grid/cell")):
        response = client.open(url, method=method, json={} if method == "POST" else None)
        assert response.status_code == 302 and response.location.startswith("/login"), url
    assert fresh(office["decision"]).version_id == 1


def test_malformed_requests_are_refused(app, editor, office):
    token = grid_data(editor)["csrf"]
    decision = office["decision"]
    for body in (None, [], {"table": "decision"}, {"table": "x", "id": decision.id, "version": 1, "field": "note"},
                 {"table": "decision", "id": str(decision.id), "version": 1, "field": "note", "value": "x"}):
        response = editor.post("/admin/grid/cell", json=body, headers={"X-CSRFToken": token})
        assert response.status_code == 400, body
    missing = {"table": "decision", "id": 999_999, "version": 1, "field": "note", "value": "x"}
    assert editor.post("/admin/grid/cell", json=missing, headers={"X-CSRFToken": token}).status_code == 404


# In the browser ----------------------------------------------------------------------------------------
@pytest.fixture()
def live(serve):
    """The app served with an editor and a small office: its URL and app."""
    def seed():
        user_make("editor", "clerk")
        decision_make(office_make())
    url, app, _seeded = serve(seed)
    return url, app


def test_browser_edits_a_cell_by_typing_and_enter_and_it_is_saved(live, browser_page, tmp_path):
    url, app = live
    console = []
    page = browser_page
    page.goto(f"{url}/login")
    page.fill("#username", "clerk")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    page.on("console", lambda msg: console.append((msg.type, msg.text, msg.location.get("url", ""))))
    page.on("pageerror", lambda exc: console.append(("pageerror", str(exc), "")))

    page.goto(f"{url}/admin/grid/?table=decision")
    note = page.locator('.tabulator-row .tabulator-cell[tabulator-field="note"]').first
    note.wait_for()
    note.click()
    page.keyboard.press("O")  # typing on a selected cell starts editing it, like a spreadsheet
    page.keyboard.type("K，主席裁示照案通過")
    page.keyboard.press("Enter")
    page.locator("#grid-status.grid-status-ok").wait_for()
    saved_status = page.inner_text("#grid-status")
    clean_console = list(console)

    multiplier = page.locator('.tabulator-row .tabulator-cell[tabulator-field="multiplier"]').first
    multiplier.click()
    page.keyboard.type("-1")
    page.keyboard.press("Enter")
    page.locator(".tabulator-cell.grid-cell-error").wait_for()
    refused = page.locator(".tabulator-cell.grid-cell-error").first.get_attribute("title")
    page.screenshot(path=str(tmp_path / "grid.png"), full_page=True)

    with app.app_context():
        decision = db.session.scalars(select(CaseDecision)).one()
        assert decision.note == "OK，主席裁示照案通過" and decision.version_id == 2
        assert decision.multiplier == Decimal("2")  # the refused value was not stored
        assert db.session.scalars(select(AuditLog).where(AuditLog.source == "grid")).one().username == "clerk"
    assert "已儲存" in saved_status and "OK，主席裁示照案通過" in saved_status
    assert clean_console == [], clean_console
    assert refused == "必須大於 0"
    # the refused save is the only complaint: the browser logs the 400 answer itself
    assert [(kind, where.rsplit("/", 2)[-2:]) for kind, _text, where in console] == [("error", ["grid", "cell"])]
