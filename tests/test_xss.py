"""Script injection: markup typed into any text field is shown as text on every list, details and edit page."""
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import Enum, String, inspect, select
from sqlalchemy.exc import IntegrityError

from icp.extensions import db
from icp.validation import record_problems
from models import Attachment, LoginAttempt, User
from tests.conftest import csrf_from, user_make
from tests.factories import office_make, screen_forms
from views.base import record_values
from views.records import RECORD_SCREENS

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT + IMAGE, IMAGE, SCRIPT, "<b onclick=alert(1)>")  # longest first: each column gets what fits
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "&lt;b onclick=alert(1)&gt;")
RAW = (SCRIPT, IMAGE, "<script>alert", "<img src=x", "<b onclick")
NOT_FREE_TEXT = {"password_hash", "sha256"}  # stored by the app, never typed in


def payload_for(column) -> str | None:
    length = getattr(column.type, "length", None)
    return next((p for p in PAYLOADS if length is None or len(p) <= length), None)


def text_columns(model):
    return [c for c in inspect(model).columns
            if isinstance(c.type, String) and not isinstance(c.type, Enum) and c.key not in NOT_FREE_TEXT
            and not c.foreign_keys and not c.primary_key]


def inject(record) -> set[str]:
    """Put markup in every free-text column the record's rules accept, one at a time.

    A column the validation refuses (統一編號 must stay valid, a country stays a 2-letter code) or the
    database refuses (a CHECK across columns) keeps its value; every other one gets the markup.
    """
    model = type(record)
    injected = set()
    for column in text_columns(model):
        payload = payload_for(column)
        if payload is None or record_problems(model, {**record_values(record), column.key: payload}, record):
            continue
        try:
            with db.session.begin_nested():
                setattr(record, column.key, payload)
        except IntegrityError:
            continue
        injected.add(column.key)
    db.session.commit()
    return injected


def records_make(admin) -> dict[type, tuple[int, set[str]]]:
    """One record per screen, made through its form, then given markup in every text field."""
    office = office_make()
    made = {}
    for endpoint, (data, _field, _value) in screen_forms(office).items():
        model = next(m for _v, m, _n, _c, e in RECORD_SCREENS if e == endpoint)
        url = f"/admin/{endpoint}/new/"
        response = admin.post(url, data={**data, "csrf_token": csrf_from(admin.get(url).text)})
        assert response.status_code == 302, f"{endpoint}: the factory's form was refused"
        record = db.session.scalars(select(model).order_by(model.id.desc())).first()
        made[model] = (record.id, inject(record))
    target = user_make("viewer", "markup-target")
    made[User] = (target.id, inject(target))
    attachment = Attachment(record_type="meeting", record_id=1, filename="minutes.pdf", size=1,
                            content_type="application/pdf", sha256="0" * 64)
    db.session.add(attachment)
    db.session.commit()
    made[Attachment] = (attachment.id, inject(attachment))
    attempt = LoginAttempt(username=IMAGE, address=SCRIPT, succeeded=False)
    db.session.add(attempt)
    db.session.commit()
    made[LoginAttempt] = (attempt.id, {"username", "address"})
    return made


def assert_escaped(html: str, where: str, *, expect_text: bool) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: {raw!r} is in the page unescaped"
    if expect_text:
        assert any(e in html for e in ESCAPED), f"{where}: the stored text is not shown (escaped) at all"


def test_markup_in_every_text_field_is_escaped_on_every_page(app, admin):
    made = records_make(admin)
    assert all(fields for model, (_id, fields) in made.items() if text_columns(model)), \
        {m.__name__: f for m, (_i, f) in made.items()}
    views = [v for v in app.extensions["admin"][0]._views if isinstance(v, ModelView)]
    assert {v.model for v in views} >= set(made)
    for view in views:
        record_id, fields = made.get(view.model, (None, set()))
        if record_id is None:  # a log the app writes itself (the change log): its newest entry
            record_id = db.session.scalar(select(view.model.id).order_by(view.model.id.desc()).limit(1))
        shown = {c if isinstance(c, str) else c.key for c in (view.column_list or ())}
        listing = admin.get(f"{view.url}/")
        assert listing.status_code == 200, view.url
        assert_escaped(listing.text, f"{view.url}/", expect_text=bool(fields & shown))
        searched = admin.get(f"{view.url}/", query_string={"search": SCRIPT})
        assert_escaped(searched.text, f"{view.url}/?search=", expect_text=bool(view.column_searchable_list))
        if view.can_view_details and record_id is not None:
            details = admin.get(f"{view.url}/details/", query_string={"id": record_id})
            assert details.status_code == 200, view.url
            assert_escaped(details.text, f"{view.url}/details/", expect_text=bool(fields))
        if view.can_edit and record_id is not None:
            edit = admin.get(f"{view.url}/edit/", query_string={"id": record_id})
            assert edit.status_code == 200, view.url
            assert_escaped(edit.text, f"{view.url}/edit/", expect_text=bool(fields))
