"""Every record screen: create, edit, view and delete one record through the web forms as an editor."""
import io

import pytest
from sqlalchemy import func, select

from icp.extensions import db
from models import Attachment, User
from tests.conftest import csrf_from
from tests.factories import office_make, screen_forms
from views.records import RECORD_SCREENS

SCREENS = {endpoint: model for _view, model, _name, _category, endpoint in RECORD_SCREENS}
ADMIN_ONLY = {endpoint for view, _m, _n, _c, endpoint in RECORD_SCREENS if "editor" not in view.edit_roles}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def form_post(client, url: str, data: dict):
    token = csrf_from(client.get(url).text)
    return client.post(url, data={**data, "csrf_token": token})


def test_every_entity_has_a_screen_with_a_form_case():
    """A new screen without a form case in tests/factories.py fails here, so it cannot go untested."""
    forms = screen_forms({k: type("Stub", (), {"id": 1})() for k in
                          ("agency", "contractor", "agreement", "case", "steering", "subcommittee")} |
                         {"firms": [type("Stub", (), {"id": 1})()]})
    assert set(forms) == set(SCREENS)
    screened = {model.__table__.name for model in SCREENS.values()} | {"attachment", "app_user", "audit_log",
                                                                        "login_attempt"}
    association = {"case_firm", "meeting_expert", "assessment_firm", "event_firm"}
    # totals kept from the decisions (models/summary.py), not records
    derived = {"agreement_credit", "year_credit", "year_dimension_credit", "meeting_credit"}
    assert set(db.metadata.tables) - association - derived == screened


@pytest.mark.parametrize("endpoint", sorted(SCREENS))
def test_screen_create_edit_view_delete_as_editor(app, client_as, endpoint):
    """Rule tables (multipliers, fees, annual targets) are the admins'; everything else the editors'."""
    editor = client_as("admin" if endpoint in ADMIN_ONLY else "editor")
    office = office_make()
    model = SCREENS[endpoint]
    data, field, new_value = screen_forms(office)[endpoint]
    before = count(model)

    response = form_post(editor, f"/admin/{endpoint}/new/", data)
    assert response.status_code == 302, _form_errors(response.text)
    assert count(model) == before + 1
    record = db.session.scalars(select(model).order_by(model.id.desc())).first()

    response = form_post(editor, f"/admin/{endpoint}/edit/?id={record.id}", {**data, field: new_value})
    assert response.status_code == 302, _form_errors(response.text)
    db.session.expire_all()
    record = db.session.get(model, record.id)
    assert str(getattr(record, field)) in (new_value, f"{new_value}.00")

    details = editor.get(f"/admin/{endpoint}/details/?id={record.id}")
    assert details.status_code == 200
    assert new_value in details.text.replace(",", "")

    listing = editor.get(f"/admin/{endpoint}/")
    assert listing.status_code == 200
    record_id = record.id
    response = editor.post(f"/admin/{endpoint}/delete/", data={"id": record_id, "csrf_token": csrf_from(listing.text)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(model, record_id) is None
    assert count(model) == before


def test_attachment_upload_view_download_delete(app, editor):
    pdf = b"%PDF-1.4 minutes of the 1st steering meeting"
    url = "/admin/attachment/new/"
    token = csrf_from(editor.get(url).text)
    response = editor.post(url, data={"csrf_token": token, "record_type": "meeting", "record_id": "1",
                                      "file": (io.BytesIO(pdf), "會議紀錄.pdf", "application/pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, _form_errors(response.text)
    attachment = db.session.scalars(select(Attachment)).one()
    assert (attachment.filename, attachment.size, attachment.content_type) == ("會議紀錄.pdf", len(pdf), "application/pdf")
    assert editor.get(f"/admin/attachment/details/?id={attachment.id}").status_code == 200
    assert editor.get(f"/admin/attachment/download/{attachment.id}").data == pdf
    listing = editor.get("/admin/attachment/")
    editor.post("/admin/attachment/delete/", data={"id": attachment.id, "csrf_token": csrf_from(listing.text)})
    assert count(Attachment) == 0


def test_attachment_refuses_a_file_that_is_not_what_it_claims(app, editor):
    url = "/admin/attachment/new/"
    token = csrf_from(editor.get(url).text)
    response = editor.post(url, data={"csrf_token": token, "record_type": "meeting", "record_id": "1",
                                      "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "x.pdf", "application/pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "只接受 PDF" in response.text
    assert count(Attachment) == 0


def test_user_screen_creates_a_user_with_a_hashed_password(app, admin):
    response = form_post(admin, "/admin/user/new/", {"username": "clerk", "role": "editor", "active": "y",
                                                      "password": "a-long-password"})
    assert response.status_code == 302, _form_errors(response.text)
    clerk = db.session.scalars(select(User).where(User.username == "clerk")).one()
    assert clerk.password_hash != "a-long-password" and clerk.check_password("a-long-password")


def _form_errors(html: str) -> str:
    import re
    return " | ".join(re.findall(r'class="[^"]*(?:invalid-feedback|help-block|alert)[^"]*"[^>]*>(.*?)<', html, re.S))[:2000]
