"""Traditional Chinese by default, English on request, Taiwan terms in Flask-Admin's own strings."""


def test_pages_are_traditional_chinese_by_default(app, editor):
    page = editor.get("/admin/contractor/new/").text
    assert "中文名稱" in page and "國外承商" in page
    assert "儲存" in page and "保存" not in page  # our Taiwan-term override of Flask-Admin's catalogue


def test_english_is_selectable_and_sticks_for_the_session(app, editor):
    response = editor.get("/lang/en?next=/admin/contractor/new/")
    assert response.status_code == 302 and response.location == "/admin/contractor/new/"
    page = editor.get("/admin/contractor/new/").text
    assert "Save" in page and "儲存" not in page
    assert "中文名稱" not in page
    editor.get("/lang/zh_Hant_TW")
    assert "中文名稱" in editor.get("/admin/contractor/new/").text


def test_unknown_language_is_refused(app, client):
    assert client.get("/lang/xx").status_code == 404


def test_list_dates_are_written_in_roc_form_for_chinese(app, editor):
    from datetime import date
    from icp.extensions import db
    from models import Meeting
    db.session.add(Meeting(kind="工業合作推動小組會議", held_on=date(2011, 3, 17), title="第1次推動小組會議"))
    db.session.commit()
    assert "100.03.17" in editor.get("/admin/meeting/").text
    editor.get("/lang/en")
    assert "2011-03-17" in editor.get("/admin/meeting/").text


def test_roc_year_filter_finds_the_same_records_as_the_gregorian_one(app, editor):
    from datetime import date
    from icp.extensions import db
    from models import Meeting
    db.session.add_all([Meeting(kind="工業合作推動小組會議", held_on=date(2011, 3, 17), title="百年會議"),
                        Meeting(kind="工業合作推動小組會議", held_on=date(2012, 3, 17), title="百零一年會議")])
    db.session.commit()
    listing = editor.get("/admin/meeting/").text
    # Flask-Admin numbers the filters (JSON in the page); find the year filters by their operation
    import html
    import json
    groups = json.loads(html.unescape(listing.split('id="filter-groups-data" class="d-none">')[1].split("</div>")[0]))
    year_group = groups["開會日期"]
    roc = next(f["index"] for f in year_group if f["operation"] == "民國年")
    greg = next(f["index"] for f in year_group if f["operation"] == "西元年")
    by_roc = editor.get(f"/admin/meeting/?flt0_{roc}=100").text
    by_greg = editor.get(f"/admin/meeting/?flt0_{greg}=2011").text
    for page in (by_roc, by_greg):
        assert "百年會議" in page and "百零一年會議" not in page


def test_form_messages_use_traditional_characters(app, editor):
    """gettext falls back from zh_Hant_TW to WTForms' simplified zh catalogue unless ours comes first."""
    from tests.conftest import csrf_from
    page = editor.get("/admin/expert/new/").text
    response = editor.post("/admin/expert/new/", data={"name": "陳委員", "affiliation": "清華大學", "kind": "其他",
                                                       "csrf_token": csrf_from(page)})
    assert "不是有效的選擇" in response.text and "选择" not in response.text


def test_english_catalogue_translates_every_message():
    """A new Chinese string without an English translation (or left fuzzy) fails here: run `make messages`."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    project = Path(__file__).resolve().parent.parent
    method_map = [("app.py", "python"), ("icp/**.py", "python"), ("models/**.py", "python"),
                  ("views/**.py", "python"), ("views/templates/**.html", "jinja2")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "labelled": None}
    in_sources = {message[2] if isinstance(message[2], str) else message[2][0]
                  for message in extract_from_dir(project, method_map=method_map, keywords=keywords)}
    catalogue = read_po((project / "icp" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb"))
    missing = sorted(m for m in in_sources if m not in catalogue or not catalogue[m].string or catalogue[m].fuzzy)
    assert missing == []
