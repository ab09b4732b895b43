"""Each list page issues the same few SQL queries whatever the number of rows (no query per row)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

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


@pytest.mark.parametrize("endpoint", [e for *_, e in RECORD_SCREENS])
def test_list_page_queries_do_not_grow_with_the_rows(app, client_as, endpoint):
    office = office_make()
    admin = client_as("admin")
    _grow(office, 0, 5)
    admin.get(f"/admin/{endpoint}/")
    small = query_count(admin, f"/admin/{endpoint}/")
    _grow(office, 5, 120)
    large = query_count(admin, f"/admin/{endpoint}/")
    assert small == large <= MAX_QUERIES, (small, large)
