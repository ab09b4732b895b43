"""Login and roles: every admin URL needs a login; viewers read but never write; users are the admins'."""
import pytest

from icp.extensions import db
from models import Contractor
from tests.conftest import csrf_from, login, user_make
from views.records import RECORD_SCREENS

SAMPLE_ARGS = {"IntegerConverter": 1, "FloatConverter": 1.0}


def admin_urls(app) -> list[tuple[str, str]]:
    """Every (method, URL) under /admin, built from the app's URL map with sample arguments."""
    urls = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or rule.endpoint.endswith(".static") or rule.endpoint == "admin.static":
            continue
        args = {name: SAMPLE_ARGS.get(type(conv).__name__, "xlsx") for name, conv in rule._converters.items()}
        url = adapter.build(rule.endpoint, args)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, url))
    return urls


def test_url_map_has_admin_urls_to_walk(app):
    assert len(admin_urls(app)) > 200


def test_every_admin_url_redirects_anonymous_to_login(app, client):
    for method, url in admin_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.location.startswith("/login"), (method, url, response.location)


WRITE_PATHS = ("new/", "edit/?id=1", "delete/", "action/", "ajax/update/")


@pytest.mark.parametrize("endpoint", sorted(e for *_, e in RECORD_SCREENS) + ["attachment"])
def test_viewer_gets_403_on_every_write(app, viewer, endpoint):
    """Refused on the server whatever the form carries, not merely hidden from the page."""
    db.session.add(Contractor(name_zh="雷神", country="US"))
    db.session.commit()
    for path in WRITE_PATHS:
        url = f"/admin/{endpoint}/{path}"
        assert viewer.get(url).status_code in (403, 405), url
        assert viewer.post(url, data={"id": "1", "list_form_pk": "1", "name_zh": "x"}).status_code == 403, url
    assert db.session.get(Contractor, 1).name_zh == "雷神"


def test_viewer_reads_lists_and_details(app, viewer):
    contractor = Contractor(name_zh="雷神", country="US")
    db.session.add(contractor)
    db.session.commit()
    listing = viewer.get("/admin/contractor/")
    assert listing.status_code == 200 and "雷神" in listing.text
    assert "/admin/contractor/new/" not in listing.text  # no create button for a reader
    assert viewer.get(f"/admin/contractor/details/?id={contractor.id}").status_code == 200


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_admins_reach_the_user_screen(app, client_as, role):
    assert client_as(role).get("/admin/user/").status_code == 403


def test_editor_cannot_change_rule_tables(app, editor):
    assert editor.get("/admin/multiplier_rule/").status_code == 200
    assert editor.get("/admin/multiplier_rule/new/").status_code == 403


def test_login_rejects_a_wrong_password_and_an_inactive_user(app, client):
    user_make("editor", "clerk")
    assert login(client, "clerk", "wrong-password").status_code == 200
    assert client.get("/admin/").status_code == 302
    inactive = user_make("viewer", "former")
    inactive.active = False
    db.session.commit()
    assert login(client, "former").status_code == 200
    assert client.get("/admin/").status_code == 302


def test_login_then_logout_needs_csrf(app, client):
    user_make("viewer", "reader")
    assert login(client, "reader").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.post("/logout").status_code == 400  # no token: refused, still logged in
    assert client.get("/admin/").status_code == 200
    page = client.get("/admin/").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_login_refuses_a_post_without_csrf(app, client):
    user_make("viewer", "reader")
    response = client.post("/login", data={"username": "reader", "password": "correct-horse-battery"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_admin_form_post_without_csrf_is_refused(app, editor):
    response = editor.post("/admin/agency/new/", data={"name": "交通部"})
    assert response.status_code == 200
    from models import Agency
    assert db.session.query(Agency).count() == 0


def test_login_next_parameter_cannot_leave_the_site(app, client):
    user_make("viewer", "reader")
    page = client.get("/login?next=https://evil.example/")
    response = client.post("/login?next=https://evil.example/",
                           data={"username": "reader", "password": "correct-horse-battery",
                                 "csrf_token": csrf_from(page.text)})
    assert response.location == "/admin/"


@pytest.mark.parametrize("endpoint", sorted(e for *_, e in RECORD_SCREENS))
def test_every_create_form_carries_one_csrf_token_and_refuses_a_post_without_it(app, client_as, endpoint):
    """Screens with grouped forms (form_rules) once lost their token to Flask-Admin's pruning."""
    import re

    from tests.factories import office_make, screen_forms
    from views.records import RECORD_SCREENS as SCREENS
    view = next(v for v, *_rest, e in SCREENS if e == endpoint)
    client = client_as("admin" if "editor" not in view.edit_roles else "editor")
    office = office_make()
    page = client.get(f"/admin/{endpoint}/new/").text
    form = page[page.index('<form action="" method="POST"'):]
    form = form[:form.index("</form>")]
    assert len(re.findall(r'name="csrf_token"', form)) == 1
    model = next(m for _v, m, _n, _c, e in SCREENS if e == endpoint)
    before = db.session.query(model).count()
    data = screen_forms(office)[endpoint][0]
    assert client.post(f"/admin/{endpoint}/new/", data=data).status_code == 200
    assert client.post(f"/admin/{endpoint}/new/", data={**data, "csrf_token": "forged"}).status_code == 200
    assert db.session.query(model).count() == before
