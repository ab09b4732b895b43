"""List exports (.xlsx of a screen's filtered rows): the same columns, headers, values and cell types as the list."""
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import inspect

from icp.demo import demo_load
from icp.extensions import db
from models import Agreement, Contractor, IcpCase
from tests.factories import decision_make, office_make
from views.export import ExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def quoted(text):
    return ("quoted", text)


def money(number):
    return ("money", number)


def integer(number):
    return ("integer", number)


def day(*ymd):
    return ("day", datetime(*ymd))


class Moment:
    """A date and time as Excel stores it: a day fraction, good to the millisecond."""

    def __init__(self, value: datetime):
        self.value = value

    def __eq__(self, other) -> bool:
        return isinstance(other, Moment) and abs(self.value - other.value) <= timedelta(milliseconds=1)

    def __repr__(self) -> str:
        return f"Moment({self.value!r})"


def cell_of(cell):
    """A cell as the tests write it: plain text and blanks bare, everything else tagged with its type."""
    value, kind, fmt, prefix = cell.value, cell.data_type, cell.number_format, bool(cell.quotePrefix)
    known = {("s", "General", False): lambda v: v, ("s", "General", True): quoted,
             ("n", "#,##0.##", False): money, ("n", "#,##0", False): integer, ("d", "yyyy-mm-dd", False): day,
             ("d", "yyyy-mm-dd hh:mm", False): lambda v: ("moment", Moment(v)), ("b", "General", False): lambda v: ("bool", v)}
    if value is None and (kind, fmt, prefix) == ("n", "General", False):
        return None
    if (kind, fmt, prefix) == ("d", "yyyy-mm-dd", False):
        return ("day", value)
    if (kind, fmt, prefix) in known:
        return known[(kind, fmt, prefix)](value)
    return ("unexpected", value, kind, fmt, prefix)


def sheet_of(data: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert len(book.worksheets) == 1
    sheet = book.active
    letters = [openpyxl.utils.get_column_letter(i) for i in range(1, sheet.max_column + 1)]
    return {"title": sheet.title, "freeze": sheet.freeze_panes, "filter": sheet.auto_filter.ref,
            "widths": [sheet.column_dimensions[letter].width for letter in letters],
            "cells": [[cell_of(c) for c in row] for row in sheet.iter_rows()]}


def view_of(app, endpoint: str):
    return next(v for v in app.extensions["admin"][-1]._views if getattr(v, "endpoint", None) == endpoint)


def filter_arg(app, endpoint: str, column: str, operation: str) -> str:
    """The URL argument of a list's filter on `column` (Flask-Admin numbers its filters)."""
    for index, flt in enumerate(view_of(app, endpoint)._filters):
        if getattr(flt, "column", None) is not None and flt.column.key == column and str(flt.operation()) == operation:
            return f"flt0_{index}"
    raise LookupError(f"{endpoint}: no {operation} filter on {column}")


@pytest.fixture()
def office(app):
    """The test office, plus a second agreement and cases with text that looks like a formula."""
    office = office_make()
    other = Agreement(number="=ICA+1", contractor=Contractor(name_zh="-洛馬", country="US"),
                      obligation=Decimal("1234.5"), obligation_currency="NTD", status="執行中",
                      deadline=date(2020, 2, 29))
    cases = [IcpCase(number="C-100-002", title="@雷達天線", agreement=other, case_type="人員訓練", field="航太",
                     defense_class="產業工合", actual_value=Decimal("300000.25"), currency="NTD",
                     multiplier=Decimal("1.5")),
             IcpCase(number="C-100-003", title="雷達維修", agreement=office["agreement"], case_type="國內投資",
                     field="其他", defense_class="直接國防工合", actual_value=Decimal("0"))]
    db.session.add_all([other, *cases])
    db.session.commit()
    decision_make(office)
    decision_make(office, kind="實核通過", approved_value=Decimal("999.99"), multiplier=Decimal("3.125"))
    decision_make(office, case=cases[0], kind="預核通過", approved_value=Decimal("10"), currency="NTD")
    return office


# What these exports gave before the export was rewritten to stream from SQL (pinned from that version).
PINNED = {
    "case": {
        "title": "工業合作個案", "freeze": "A2", "filter": "A1:K4",
        "widths": [10.7109375, 13.0, 8.7109375, 10.7109375, 13.0, 15.7109375, 10.7109375, 8.7109375, 13.0,
                   18.7109375, 8.7109375],
        "cells": [
            ["個案編號", "個案名稱", "協議書", "執行方式", "應用領域", "國防/產業類別", "實際價值", "幣別", "乘數",
             "工業合作額度(點)", "狀態"],
            ["C-100-003", "雷達維修", "ICA-100-001", "國內投資", "其他", "直接國防工合", money(0), "USD", money(1),
             money(0), "申請中"],
            ["C-100-001", "雷達模組技術移轉", "ICA-100-001", "技術移轉", "國防", "間接國防工合", money(1000000), "USD",
             money(2), money(2000000), "實核通過"],
            ["C-100-002", quoted("@雷達天線"), quoted("=ICA+1"), "人員訓練", "航太", "產業工合", money(300000.25), "NTD",
             money(1.5), money(450000.38), "預核通過"],
        ],
    },
    "decision": {
        "title": "審議結果", "freeze": "A2", "filter": "A1:G3",
        "widths": [14.7109375, 8.7109375, 10.7109375, 14.7109375, 10.7109375, 14.7109375, 8.7109375],
        "cells": [
            ["推動小組會議", "個案", "審議結果", "核定實際價值", "核定乘數", "核給額度(點)", "幣別"],
            ["2011-03-17 100年第1次推動小組會議", "C-100-002 @雷達天線", "預核通過", money(10), money(2), money(20), "NTD"],
            ["2011-03-17 100年第1次推動小組會議", "C-100-001 雷達模組技術移轉", "預核通過", money(1000000), money(2),
             money(2000000), "USD"],
        ],
    },
    "agreement": {
        "title": "工業合作協議書", "freeze": "A2", "filter": "A1:H3",
        "widths": [12.7109375, 10.7109375, 8.7109375, 10.7109375, 14.7109375, 10.7109375, 13.0, 8.7109375],
        "cells": [
            ["協議書編號", "國外承商", "購案", "簽署日期", "工業合作額度", "額度幣別", "履約期限", "狀態"],
            [quoted("=ICA+1"), quoted("-洛馬"), None, None, money(1234.5), "NTD", day(2020, 2, 29), "執行中"],
            ["ICA-100-001", "雷神公司", "愛國者飛彈系統", day(2011, 3, 1), money(60000000), "USD", None, "已簽署"],
        ],
    },
}


def pinned_urls(app) -> dict:
    """A search, a filter and a sort on each screen (the search on a joined column too)."""
    return {
        "case": "/admin/case/export.xlsx?search=雷達&sort=1&desc=1",
        "decision": f"/admin/decision/export.xlsx?{filter_arg(app, 'decision', 'kind', '等於')}=預核通過"
                    "&search=C-100&sort=5",
        "agreement": f"/admin/agreement/export.xlsx?{filter_arg(app, 'agreement', 'status', '不等於')}=完成"
                     "&search=ICA&sort=0",
    }


@pytest.mark.parametrize("endpoint", sorted(PINNED))
def test_filtered_export_keeps_its_cells(app, office, viewer, endpoint):
    response = viewer.get(pinned_urls(app)[endpoint])
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"-{date.today().isoformat()}.xlsx" in response.headers["Content-Disposition"]
    assert sheet_of(response.data) == PINNED[endpoint]


def expected_cell(value):
    """The cell a record's value should give: typed numbers, dates and booleans; text formula-safe."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return integer(value)
    if isinstance(value, Decimal):
        return money(float(value))
    if isinstance(value, datetime):
        return ("moment", Moment(value))
    if isinstance(value, date):
        return day(value.year, value.month, value.day)
    return quoted(value) if value.startswith(FORMULA_STARTS) else value


def record_value(view, record, name: str):
    """A list column's value from the record itself (the per-record path): the reference the stream is checked against."""
    return view.export_value(record, name)


def test_every_list_exports_the_rows_it_lists(app, client_as):
    """On the demo office, every screen's export holds its records in the list's order, cell for cell."""
    demo_load()
    admin = client_as("admin")
    views = [v for v in app.extensions["admin"][-1]._views if isinstance(v, ExportMixin)]
    assert len(views) > 25
    empty = []
    for view in views:
        with app.test_request_context(f"/admin/{view.endpoint}/"):
            _count, query = view.get_list(0, None, False, None, [], execute=False, page_size=0)
            records = query.order_by(*inspect(view.model).primary_key).all()  # ties in id order, as exported
            expected = [[expected_cell(record_value(view, record, name)) for name, _label in view._list_columns]
                        for record in records]
        response = admin.get(f"/admin/{view.endpoint}/export.xlsx")
        assert response.status_code == 200, view.endpoint
        rows = sheet_of(response.data)["cells"]
        assert rows[0] == [str(label) for _name, label in view._list_columns], view.endpoint
        assert rows[1:] == expected, view.endpoint
        if not expected:
            empty.append(view.endpoint)
    assert empty == [], "the demo office has no rows on these screens, so their export goes unchecked"


def test_export_headers_follow_the_language(app, office, viewer):
    viewer.get("/lang/en")
    response = viewer.get("/admin/case/export.xlsx?search=C-100-001")
    header, row = sheet_of(response.data)["cells"]
    assert header[:3] == ["Case no.", "Case name", "Agreement"] and row[0] == "C-100-001"
