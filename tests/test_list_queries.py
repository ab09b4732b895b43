"""Each list page issues the same few SQL queries whatever the number of rows (no query per row), and the
shortcuts that keep them fast (views/base.py) show the same rows as the plain way."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from icp.credits import CHECKLIST
from icp.extensions import db
from models import CaseDecision, DomesticFirm, IcpCase, Meeting
from tests.conftest import query_count
from tests.factories import office_make
from views.records import RECORD_SCREENS

MAX_QUERIES = 4  # the user, the count, the page (and, for some screens, one more look-up)


def _grow(office: dict, start: int, count: int) -> None:
    """`count` more cases, each with a firm and a decision, and a meeting every ten."""
    meeting = office["steering"]
    for n in range(start, start + count):
        if n % 10 == 0:
            meeting = Meeting(kind="協商談判會議", held_on=date(2011, 1, 1) + timedelta(days=n), title=f"會議{n}")
            db.session.add(meeting)
        firm = DomesticFirm(name=f"廠商{n}", ubn=f"{n:07d}" + "0")
        case = IcpCase(number=f"G-{n:05d}", title=f"個案{n}", agreement=office["agreement"], case_type="人員訓練",
                       field="航太", defense_class="產業工合", actual_value=Decimal(1), multiplier=Decimal(1),
                       firms=[firm], **{item: True for item in CHECKLIST})
        db.session.add(CaseDecision(case=case, meeting=office["steering"], kind="備查"))
    db.session.commit()


# every list's first page, and the five main lists each on a deep page, a filter and a search (the bench's
# measurements: bench/README.md)
MAIN_LIST_PAGES = ("case/?page=1", "case/?flt0_0=備查", "case/?search=個案", "decision/?page=1", "decision/?search=G-0",
                   "agreement/?page=1", "agreement/?search=ICA", "firm/?page=1", "firm/?search=廠商",
                   "meeting/?page=1", "meeting/?search=會議")


@pytest.mark.parametrize("page", [f"{e}/" for *_, e in RECORD_SCREENS] + list(MAIN_LIST_PAGES))
def test_list_page_queries_do_not_grow_with_the_rows(app, client_as, page):
    office = office_make()
    admin = client_as("admin")
    _grow(office, 0, 5)
    admin.get(f"/admin/{page}")
    small = query_count(admin, f"/admin/{page}")
    _grow(office, 5, 120)
    large = query_count(admin, f"/admin/{page}")
    assert small == large <= MAX_QUERIES, (small, large)


def test_a_deep_page_lists_the_rows_an_offset_would(app, client_as):
    office = office_make()
    _grow(office, 0, 125)
    expected = db.session.scalars(select(IcpCase.number).order_by(IcpCase.number.desc()).offset(50).limit(50)).all()
    html = client_as("viewer").get("/admin/case/?page=1").text
    shown = re.findall(r'<td class="col-number">\s*([^<\s]+)\s*</td>', html)
    assert shown == expected


def test_each_inline_edit_cell_carries_its_rows_value_and_version(app, client_as):
    office = office_make()
    _grow(office, 0, 2)
    first, second = db.session.scalars(select(IcpCase).where(IcpCase.number.in_(["G-00000", "G-00001"]))
                                       .order_by(IcpCase.number)).all()
    second.title = "改過的名稱"
    db.session.commit()
    html = client_as("editor").get("/admin/case/").text
    for case in (first, second):
        cell = re.search(rf'<a [^>]*data-pk="{case.id}"[^>]*name="title"[^>]*>', html).group(0)
        assert f'data-url="./ajax/update/?version={case.version_id}"' in cell
        assert f'data-value="{case.title}"' in cell
    assert second.version_id == first.version_id + 1


@pytest.mark.parametrize("term, found", [("g-0000", True), ("ica-100", True), ("^G-0000", True), ("=g-00001", True),
                                         ("=G-0000", False), ("個案1 G-00001", True), ("沒有這個", False)])
def test_search_keeps_flask_admins_rules(app, client_as, term, found):
    """Any term in any searchable column (the agreement's number too), ASCII case ignored, ^ for a prefix,
    = for the whole value; several terms must all match."""
    office = office_make()
    _grow(office, 0, 3)
    html = client_as("viewer").get(f"/admin/case/?search={term}").text
    assert ("G-00001" in html) is found, term
