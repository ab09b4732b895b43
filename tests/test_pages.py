"""Every page usable in a real browser at 1366×768: its own title, a label on every field, no sideways
scrolling, a tab order that follows the form. One server with the demo data, one browser, one page.

The pages are found by walking the app: every record screen's list, create form and edit form, every other
admin view's pages (and the pages they link to inside themselves), the login and account pages.
A screenshot of every page is saved under test-artifacts/pages/ (JPEG: quicker to write than PNG).
"""
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import url_for
from flask_admin.contrib.sqla import ModelView
from flask_login import login_user
from sqlalchemy import inspect, select
from werkzeug.exceptions import HTTPException
from werkzeug.serving import make_server

from app import create_app
from icp.demo import demo_load
from icp.extensions import db
from tests.browser import Watch, login
from tests.conftest import CHROMIUM, LAUNCH_ARGS, TEST_DATABASE_URL, user_make

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "pages"
VIEWPORT = {"width": 1366, "height": 768}

# What one page looks like to a keyboard and screen-reader user; run in the page.
PAGE_FACTS = """() => {
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.name ? '[name=' + el.name + ']' : '') + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const text = el => (el ? el.textContent : '').replace(/\\s+/g, ' ').trim();
  const accessibleName = el => {
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const byIds = ids.map(id => text(document.getElementById(id))).join(' ').trim();
    if (byIds) return byIds;
    if ((el.getAttribute('aria-label') || '').trim()) return el.getAttribute('aria-label').trim();
    return Array.from(el.labels || []).map(text).join(' ').trim();
  };
  const fields = Array.from(document.querySelectorAll('input, select, textarea'))
    .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type) && shown(el));
  const tabbable = root => Array.from(root.querySelectorAll(
      'a[href], button, input, select, textarea, [tabindex], [contenteditable=true]'))
    .filter(el => !el.disabled && el.tabIndex >= 0 && el.type !== 'hidden' && shown(el));
  const forms = Array.from(document.forms).filter(shown).map((form, index) => {
    const order = tabbable(form);
    order.forEach((el, position) => { el.dataset.tabForm = index; el.dataset.tabPosition = position; });
    return {index: index, fields: order.map(describe)};
  }).filter(form => form.fields.length >= 2);
  return {
    title: document.title.trim(),
    unlabelled: fields.filter(el => !accessibleName(el)).map(describe),
    select2Named: fields.filter(el => el.closest('.select2-container') && accessibleName(el)).length,
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    positiveTabindex: Array.from(document.querySelectorAll('[tabindex]')).filter(el => el.tabIndex > 0).map(describe),
    forms: forms,
  };
}"""

# Focus the form's first field and note, from then on, where each focus lands (-1: outside the form).
FOCUS_FIRST = """index => {
  if (!document.tabWatch) {
    document.tabWatch = true;
    document.addEventListener('focusin', event => window.tabVisits.push(
        event.target.dataset.tabForm === String(window.tabForm) ? Number(event.target.dataset.tabPosition) : -1), true);
  }
  if (document.activeElement) document.activeElement.blur();
  window.tabForm = index;
  window.tabVisits = [];
  const first = document.querySelector('[data-tab-form="' + index + '"][data-tab-position="0"]');
  first.focus();
  return document.activeElement === first;
}"""


def admin_pages(app, username: str) -> list[tuple[str, str]]:
    """(name, URL) of every record screen's list, create and edit form, and every other admin view's own
    pages without URL arguments, as the user `username` may see them."""
    from models import User

    pages = []
    with app.test_request_context():
        login_user(db.session.scalar(select(User).where(User.username == username)))
        for view in app.extensions["admin"][-1]._views:
            if isinstance(view, ModelView):
                pages.append((f"{view.endpoint} list", url_for(f"{view.endpoint}.index_view")))
                if view.can_create:
                    pages.append((f"{view.endpoint} create", url_for(f"{view.endpoint}.create_view")))
                if view.can_edit:
                    key = inspect(view.model).primary_key[0]
                    first = db.session.scalar(select(key).order_by(key).limit(1))
                    assert first is not None, f"the demo data has no {view.model.__name__} to edit"
                    pages.append((f"{view.endpoint} edit", url_for(f"{view.endpoint}.edit_view", id=first)))
                continue
            for rule in app.url_map.iter_rules():
                if rule.endpoint.startswith(view.endpoint + ".") and "GET" in rule.methods and not rule.arguments:
                    pages.append((rule.endpoint, url_for(rule.endpoint)))
    return pages


def own_links(app, page, done: set[str]) -> list[tuple[str, str]]:
    """Links of this page to pages of the same view (e.g. 額度統計 → 依產業別) not visited yet."""
    adapter = app.url_map.bind("localhost")
    here = adapter.match(urlsplit(page.url).path)[0]
    found = []
    for href in page.eval_on_selector_all("a[href^='/']", "links => links.map(a => a.getAttribute('href'))"):
        path = urlsplit(href).path
        try:
            endpoint, args = adapter.match(path)
        except HTTPException:
            continue
        if endpoint.split(".")[0] == here.split(".")[0] and args and path not in done:
            done.add(path)
            found.append((f"{endpoint} {'/'.join(map(str, args.values()))}", path))
    return found


def tab_walk(page, form: dict) -> list[int]:
    """Positions (in the form's DOM order) that Tab visits from the form's first field; -1 when it left."""
    assert page.evaluate(FOCUS_FIRST, form["index"])
    for _ in range(len(form["fields"]) - 1):
        page.keyboard.press("Tab")
    visited = page.evaluate("() => window.tabVisits")
    page.keyboard.press("Escape")  # closes a date picker or a select2 drop-down opened on the way
    return visited


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


def facts_of(page, name: str, walks: dict[tuple[str, ...], list[int]]) -> dict:
    """What the page shows; `walks` keeps what Tab visited per form (fields → positions) across pages."""
    if page.locator("#meeting-grid").count():  # the grid draws its rows after fetching them
        page.locator("#meeting-grid .tabulator-row, #meeting-grid .tabulator-placeholder").first.wait_for()
    facts = page.evaluate(PAGE_FACTS)
    facts["url"] = page.url
    facts["tab_order"] = {}
    for form in facts.pop("forms"):
        fields = tuple(form["fields"])
        if fields not in walks:  # an edit form walks as its create form did
            walks[fields] = tab_walk(page, form)
        facts["tab_order"][fields] = walks[fields]
    page.screenshot(path=str(ARTIFACTS / f"{slug(name)}.jpeg"), quality=80)
    return facts


@pytest.fixture(scope="module")
def visits(tmp_path_factory):
    """name → what each page showed; visited once for all the tests of this module."""
    from playwright.sync_api import sync_playwright

    tmp = tmp_path_factory.mktemp("pages")
    url = TEST_DATABASE_URL if not TEST_DATABASE_URL.startswith("sqlite") else f"sqlite:///{tmp / 'live.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "browser-pages", "TESTING": True,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "ATTACHMENT_DIR": str(tmp / "files"),
                      "SEND_FILE_MAX_AGE_DEFAULT": 3600})  # static files from the cache, not re-asked per page
    with app.app_context():
        db.drop_all()
        db.create_all()
        user_make("admin", "boss")
        demo_load()
        pages = admin_pages(app, "boss")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    found, walks = {}, {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            page = browser.new_page(locale="zh-TW", viewport=VIEWPORT)
            watch = Watch(page, base)
            page.goto(f"{base}/login")
            found["login"] = facts_of(page, "login", walks)
            login(page, base, "boss")
            done = {urlsplit(path).path for _name, path in pages}
            queue = [*pages, ("account password", "/account/password")]
            while queue:
                name, path = queue.pop(0)
                if not name.endswith((" list", " create", " edit")) and \
                        "html" not in page.request.head(base + path).headers.get("content-type", ""):
                    continue  # a download or a JSON endpoint, not a page
                response = page.goto(base + path)
                assert response.status == 200, (name, path, response.status)
                found[name] = facts_of(page, name, walks)
                if not name.endswith((" list", " create", " edit")):
                    queue.extend(own_links(app, page, done))
            watch.check()
            browser.close()
    finally:
        server.shutdown()
        with app.app_context():
            db.drop_all()
            db.engine.dispose()
    return found


def test_every_screen_and_page_is_visited(visits):
    kinds = {name.rsplit(" ", 1)[-1] for name in visits}
    assert {"list", "create", "edit"} <= kinds
    for page in ("admin.index", "grid.index", "totals.index", "totals.agreements", "reports.index", "import.index",
                 "history list", "user edit", "case edit", "account password", "login"):
        assert page in visits, page
    assert any(name.startswith("totals.by ") for name in visits)  # reached by following the page's own links
    assert visits["case create"]["select2Named"] >= 2  # the look-ups' own inputs are among the fields checked


def test_every_page_has_its_own_title(visits):
    titles = {}
    for name, facts in visits.items():
        titles.setdefault(facts["title"], []).append(name)
    assert "" not in titles
    shared = {title: names for title, names in titles.items() if len(names) > 1}
    assert shared == {}


def test_every_field_has_an_accessible_label(visits):
    unlabelled = {name: facts["unlabelled"] for name, facts in visits.items() if facts["unlabelled"]}
    assert unlabelled == {}


def test_no_page_scrolls_sideways_at_1366_by_768(visits):
    wide = {name: (facts["scrollWidth"], facts["clientWidth"]) for name, facts in visits.items()
            if facts["scrollWidth"] > facts["clientWidth"]}
    assert wide == {}


def test_no_positive_tabindex_and_tab_follows_each_form(visits):
    positive = {name: facts["positiveTabindex"] for name, facts in visits.items() if facts["positiveTabindex"]}
    assert positive == {}
    out_of_order = {}
    for name, facts in visits.items():
        for fields, visited in facts["tab_order"].items():
            if visited != list(range(len(fields))):
                out_of_order.setdefault(name, []).append(list(zip(visited, fields)))
    assert out_of_order == {}
