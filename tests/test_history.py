"""No lost updates, and the history of every change: two editors, inline edits, deletes, restore, CLI."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from icp.credits import CHECKLIST
from icp.extensions import db
from icp.history import HistoryError, history_of
from models import AuditLog, IcpCase, ProgressReport
from tests.conftest import csrf_from
from tests.factories import office_make, screen_forms


def case_form(client, case) -> tuple[dict, str]:
    """The edit form of `case` as the browser would submit it unchanged, and its CSRF token."""
    page = client.get(f"/admin/case/edit/?id={case.id}").text
    version = re.search(r'id="expected_version" name="expected_version" type="hidden" value="(\d+)"', page).group(1)
    data = {"number": case.number, "title": case.title, "agreement": str(case.agreement_id),
            "firms": ",".join(str(f.id) for f in case.firms), "case_type": case.case_type, "field": case.field,
            "defense_class": case.defense_class, "actual_value": str(case.actual_value), "currency": case.currency,
            "multiplier": str(case.multiplier), "technologies": "0", "expected_version": version,
            **{item: "y" for item in CHECKLIST if getattr(case, item)}}
    return data, csrf_from(page)


def updates_of(record) -> list[AuditLog]:
    return [e for e in history_of(record.__tablename__, record.id) if e.action == "update"]


def test_second_stale_save_is_refused_and_the_first_survives(app, client_as):
    office = office_make()
    case = office["case"]
    first, second = client_as("editor"), client_as("admin")
    form_a, token_a = case_form(first, case)
    form_b, token_b = case_form(second, case)  # both opened the same version

    saved = first.post(f"/admin/case/edit/?id={case.id}", data={**form_a, "title": "甲的名稱", "csrf_token": token_a})
    assert saved.status_code == 302
    refused = second.post(f"/admin/case/edit/?id={case.id}",
                          data={**form_b, "title": "乙的名稱", "actual_value": "1", "csrf_token": token_b})

    assert refused.status_code == 200
    assert "已被他人修改" in refused.text and "editor-user" in refused.text and "甲的名稱" in refused.text
    db.session.expire_all()
    case = db.session.get(IcpCase, case.id)
    assert case.title == "甲的名稱" and case.actual_value == Decimal("1000000")
    [change] = updates_of(case)
    assert change.username == "editor-user" and change.changes == {"title": ["雷達模組技術移轉", "甲的名稱"]}


def test_saving_a_fresh_form_is_logged_field_by_field(app, editor):
    office = office_make()
    case = office["case"]
    form, token = case_form(editor, case)
    editor.post(f"/admin/case/edit/?id={case.id}", data={**form, "multiplier": "3", "csrf_token": token})
    db.session.expire_all()
    [change] = updates_of(db.session.get(IcpCase, case.id))
    assert change.changes["multiplier"] == ["2.000", "3"]
    assert change.changes["credit"] == ["2000000.00", "3000000.00"]  # the derived credit is logged too
    assert change.version == 2


def _inline(client, url: str, data: dict, with_csrf: bool = True):
    token = csrf_from(client.get("/admin/progress/").text) if with_csrf else None
    return client.post(url, data={**data, **({"csrf_token": token} if token else {})})


@pytest.fixture()
def report(app):
    office = office_make()
    report = ProgressReport(case=office["case"], year=2011, quarter=1)
    db.session.add(report)
    db.session.commit()
    return report


def test_inline_edit_saves_with_the_current_version(app, editor, report):
    response = _inline(editor, f"/admin/progress/ajax/update/?version={report.version_id}",
                       {"list_form_pk": report.id, "received_on": "2011-04-20"})
    assert response.status_code == 200, response.text
    db.session.expire_all()
    assert str(db.session.get(ProgressReport, report.id).received_on) == "2011-04-20"
    [change] = updates_of(report)
    assert change.changes == {"received_on": [None, "2011-04-20"]} and change.username == "editor-user"


def test_inline_edit_without_csrf_is_400(app, editor, report):
    response = _inline(editor, f"/admin/progress/ajax/update/?version={report.version_id}",
                       {"list_form_pk": report.id, "received_on": "2011-04-20"}, with_csrf=False)
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id).received_on is None


def test_inline_edit_by_a_viewer_is_403(app, viewer, report):
    response = _inline(viewer, f"/admin/progress/ajax/update/?version={report.version_id}",
                       {"list_form_pk": report.id, "received_on": "2011-04-20"})
    assert response.status_code == 403


def test_inline_edit_with_a_bad_value_gives_the_form_message(app, editor):
    office = office_make()
    case = office["case"]
    token = csrf_from(editor.get("/admin/case/").text)
    response = editor.post(f"/admin/case/ajax/update/?version={case.version_id}",
                           data={"list_form_pk": case.id, "multiplier": "-2", "csrf_token": token})
    assert response.status_code == 400 and "必須大於 0" in response.text
    db.session.expire_all()
    assert db.session.get(IcpCase, case.id).multiplier == Decimal("2")


def test_inline_edit_with_a_stale_version_is_refused(app, editor, report):
    stale = report.version_id
    report.note = "他人先改"
    db.session.commit()
    response = _inline(editor, f"/admin/progress/ajax/update/?version={stale}",
                       {"list_form_pk": report.id, "received_on": "2011-04-20"})
    assert response.status_code == 409 and "已被他人修改" in response.text
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id).received_on is None


def test_deleting_a_stale_record_is_refused(app, editor, report):
    stale = report.version_id
    report.note = "他人先改"
    db.session.commit()
    token = csrf_from(editor.get("/admin/progress/").text)
    editor.post("/admin/progress/delete/", data={"id": report.id, "version": stale, "csrf_token": token})
    assert "已被他人修改" in editor.get("/admin/progress/").text
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id) is not None
    fresh = editor.post("/admin/progress/delete/", data={"id": report.id, "version": report.version_id,
                                                         "csrf_token": token})
    assert fresh.status_code == 302
    report_id = report.id
    db.session.expire_all()
    assert db.session.get(ProgressReport, report_id) is None


def test_list_rows_carry_their_version_for_delete_and_inline_edit(app, editor, report):
    page = editor.get("/admin/progress/").text
    assert f'name="version" type="hidden" value="{report.version_id}"' in page
    assert f'data-url="./ajax/update/?version={report.version_id}"' in page


def test_create_update_delete_through_forms_are_in_the_history(app, editor):
    office = office_make()
    data = screen_forms(office)["agency"][0]
    url = "/admin/agency/new/"
    editor.post(url, data={**data, "csrf_token": csrf_from(editor.get(url).text)})
    entry = db.session.scalars(select(AuditLog).where(AuditLog.record_type == "agency",
                                                      AuditLog.action == "create")).all()[-1]
    assert entry.changes["name"] == [None, "交通部"] and entry.username == "editor-user" and entry.source == "web"
    token = csrf_from(editor.get("/admin/agency/").text)
    editor.post("/admin/agency/delete/", data={"id": entry.record_id, "version": "1", "csrf_token": token})
    deleted = db.session.scalars(select(AuditLog).where(AuditLog.action == "delete")).one()
    assert deleted.record_id == entry.record_id and deleted.changes["name"] == ["交通部", None]


def test_deleted_case_is_restored_with_its_firm_links(app, client_as):
    office = office_make()
    case = office["case"]
    firm_ids = sorted(f.id for f in case.firms)
    case_id = case.id
    editor = client_as("editor")
    token = csrf_from(editor.get("/admin/case/").text)
    assert editor.post("/admin/case/delete/", data={"id": case_id, "version": case.version_id,
                                                    "csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(IcpCase, case_id) is None
    deleted = db.session.scalars(select(AuditLog).where(AuditLog.action == "delete",
                                                        AuditLog.record_type == "icp_case")).one()
    assert deleted.changes["firms"] == [firm_ids, []]

    admin = client_as("admin")
    token = csrf_from(admin.get("/admin/history/").text)
    response = admin.post("/admin/history/action/", data={"action": "restore", "rowid": deleted.id,
                                                          "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    restored = db.session.get(IcpCase, case_id)
    assert restored.number == "C-100-001" and sorted(f.id for f in restored.firms) == firm_ids
    assert restored.multiplier == Decimal("2") and restored.credit == Decimal("2000000")
    assert history_of("icp_case", case_id)[0].action == "restore"


def test_only_admins_see_and_restore_the_log(app, editor):
    assert editor.get("/admin/history/").status_code == 403
    assert editor.post("/admin/history/action/", data={"action": "restore", "rowid": "1"}).status_code == 403


def test_the_log_is_append_only(app):
    office_make()
    entry = db.session.scalars(select(AuditLog)).first()
    entry.username = "forged"
    with pytest.raises(HistoryError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(HistoryError):
        db.session.execute(update(IcpCase).values(title="bulk"))
    db.session.rollback()


def test_cli_changes_are_in_the_history_with_the_password_masked(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "clerk", "--role", "editor", "--password-stdin"],
                  input="a-long-password\n")
    runner.invoke(args=["users", "set-password", "clerk", "--password-stdin"], input="another-password\n")
    entries = db.session.scalars(select(AuditLog).where(AuditLog.record_type == "app_user")
                                 .order_by(AuditLog.id)).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert all(e.source == "cli" for e in entries)
    assert entries[1].changes == {"password_hash": ["***", "***"]}


def test_details_page_has_a_history_tab(app, editor):
    office = office_make()
    page = editor.get(f"/admin/case/details/?id={office['case'].id}").text
    assert "變更紀錄 (1)" in page and "新增" in page


def test_history_log_exports_as_a_workbook(app, client_as):
    office_make()
    admin = client_as("admin")
    response = admin.get("/admin/history/export.xlsx?search=雷達")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    total = db.session.scalar(select(func.count()).select_from(AuditLog))
    assert total > 1


def test_bulk_action_marks_selected_reports_received_today(app, editor, report):
    from datetime import date
    token = csrf_from(editor.get("/admin/progress/").text)
    response = editor.post("/admin/progress/action/", data={"action": "received_today", "rowid": report.id,
                                                            "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id).received_on == date.today()
    assert updates_of(report)[0].changes["received_on"] == [None, date.today().isoformat()]


def test_bulk_action_is_refused_for_viewers(app, viewer, report):
    assert viewer.post("/admin/progress/action/", data={"action": "received_today", "rowid": report.id}
                       ).status_code == 403
