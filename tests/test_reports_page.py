"""The 報表 page (preview and downloads, every role) and `flask icp report …`, with stand-in builders."""
import io
import sys
import types
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest

from icp.reports import INT, MONEY, ROC_DATE, Chart, Column, Sheet, Workbook
from views.reports import quarter_default

ANNUAL_NAME = "工業合作推動計畫-100年度年報.xlsx"


def annual_stub(year: int) -> Workbook:
    roc = year - 1911
    meetings = Sheet(
        name="表3 推動小組會議審議結果", title=f"{roc}年度工業合作推動小組會議審議結果", unit="單位：美元點",
        columns=[Column("會議日期", ROC_DATE), Column("案數", INT, group="預核"), Column("額度", MONEY, group="預核")],
        rows=[[date(year, 3, 17), 3, Decimal("26726856")], [date(year, 6, 2), 1, Decimal("69884223.50")]],
        notes=["資料來源：推動小組會議紀錄"], charts=[Chart("column", "各次會議預核額度", 0, [2])])
    firms = Sheet(name="表9 輔導廠商基本資料表", title="輔導廠商基本資料表",
                  columns=[Column("廠商名稱"), Column("統一編號")], rows=[])
    return Workbook(f"icp-annual-{year}.xlsx", [meetings, firms])


def quarterly_stub(year: int, quarter: int) -> Workbook:
    sheet = Sheet(name="季報", title=f"{year - 1911}年第{quarter}季工作進度", columns=[Column("工作項目")],
                  rows=[["推動小組會議"]])
    return Workbook(f"icp-quarterly-{year}-Q{quarter}.xlsx", [sheet])


@pytest.fixture()
def builders(monkeypatch):
    """Stand-ins for icp.reports.annual / icp.reports.quarterly, recording what they were asked for."""
    calls = []

    def annual_workbook(year):
        calls.append(("annual", year))
        return annual_stub(year)

    def quarterly_workbook(year, quarter):
        calls.append(("quarterly", year, quarter))
        return quarterly_stub(year, quarter)

    monkeypatch.setitem(sys.modules, "icp.reports.annual", types.SimpleNamespace(annual_workbook=annual_workbook))
    monkeypatch.setitem(sys.modules, "icp.reports.quarterly",
                        types.SimpleNamespace(quarterly_workbook=quarterly_workbook))
    return calls


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_every_role_can_open_the_reports_and_download_both_workbooks(app, builders, client_as, role):
    client = client_as(role)
    page = client.get("/admin/reports/?year=2011")
    assert page.status_code == 200
    assert "報表" in page.text and "100年度工業合作推動小組會議審議結果" in page.text
    annual = client.get("/admin/reports/annual.xlsx?year=2011")
    assert annual.status_code == 200 and annual.mimetype.endswith("spreadsheetml.sheet")
    quarterly = client.get("/admin/reports/quarterly.xlsx?year=2011&quarter=3")
    assert quarterly.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(quarterly.data)).sheetnames == ["季報"]
    assert ("quarterly", 2011, 3) in builders


def test_anonymous_is_sent_to_the_login_page(app, client, builders):
    for url in ("/admin/reports/", "/admin/reports/annual.xlsx", "/admin/reports/quarterly.xlsx?quarter=1"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
    assert builders == []


def test_the_preview_shows_each_sheet_in_chinese_with_grouped_headers_and_formatted_values(app, builders, viewer):
    page = viewer.get("/admin/reports/?year=2011").text
    assert "表3 推動小組會議審議結果" in page and "表9 輔導廠商基本資料表" in page
    assert "100年度工業合作推動小組會議審議結果" in page and "輔導廠商基本資料表" in page
    assert '<th class="text-center align-middle" colspan="2">預核</th>' in page
    assert '<th class="text-center align-middle" rowspan="2">會議日期</th>' in page
    assert "100.03.17" in page and "26,726,856.00" in page and "69,884,223.50" in page  # cents in the column
    assert '<td class="text-center" colspan="2">無</td>' in page                       # the empty 表9
    assert "單位：美元點" in page and "資料來源：推動小組會議紀錄" in page and "各次會議預核額度" in page
    assert "民國100年度年報" in page and ANNUAL_NAME in page


def test_the_year_is_remembered_and_the_quarterly_preview_uses_the_chosen_quarter(app, builders, viewer):
    viewer.get("/admin/reports/?year=2011")
    page = viewer.get("/admin/reports/?kind=quarterly&quarter=2").text
    assert "100年第2季工作進度" in page and builders[-1] == ("quarterly", 2011, 2)
    assert "民國100年第2季季報" in page
    viewer.get("/admin/reports/annual.xlsx")
    assert builders[-1] == ("annual", 2011)
    assert 'href="/admin/reports/quarterly.xlsx?year=2011&amp;quarter=2"' in viewer.get("/admin/reports/").text


def test_a_bad_quarter_is_refused_for_download_and_ignored_for_the_preview(app, builders, viewer):
    assert viewer.get("/admin/reports/quarterly.xlsx?year=2011&quarter=5").status_code == 400
    assert viewer.get("/admin/reports/?year=2011&kind=quarterly&quarter=x").status_code == 200


def test_the_download_is_named_in_chinese_with_rfc_5987(app, builders, editor):
    response = editor.get("/admin/reports/annual.xlsx?year=2011")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote(ANNUAL_NAME)}" in disposition
    quarterly = editor.get("/admin/reports/quarterly.xlsx?year=2011&quarter=3").headers["Content-Disposition"]
    assert quote("工業合作推動計畫-100年第3季季報.xlsx") in quarterly
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["表3 推動小組會議審議結果", "表9 輔導廠商基本資料表"]
    assert book.worksheets[0]["A5"].value == "100.03.17" and len(book.worksheets[0]._charts) == 1


@pytest.mark.parametrize("year, today, expected", [
    (2010, date(2011, 5, 1), 4),   # a past year: its last quarter
    (2011, date(2011, 2, 1), 1),   # nothing ended yet: the first
    (2011, date(2011, 5, 1), 1),
    (2011, date(2011, 10, 1), 3),
    (2011, date(2011, 12, 31), 3),
])
def test_the_default_quarter_is_the_latest_one_ended(year, today, expected):
    assert quarter_default(year, today) == expected


def test_cli_writes_the_annual_and_quarterly_workbooks(app, builders, tmp_path):
    runner = app.test_cli_runner()
    annual = tmp_path / "annual.xlsx"
    result = runner.invoke(args=["icp", "report", "annual", "--year", "2011", "--output", str(annual)])
    assert result.exit_code == 0, result.output
    assert "2 sheets written" in result.output
    assert openpyxl.load_workbook(annual).sheetnames == ["表3 推動小組會議審議結果", "表9 輔導廠商基本資料表"]
    quarterly = tmp_path / "q3.xlsx"
    result = runner.invoke(args=["icp", "report", "quarterly", "--year", "2011", "--quarter", "3",
                                 "--output", str(quarterly)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(quarterly)["季報"]["A1"].value == "100年第3季工作進度"
    assert builders == [("annual", 2011), ("quarterly", 2011, 3)]


@pytest.mark.parametrize("quarter", ["0", "5", "x"])
def test_cli_refuses_a_bad_quarter(app, builders, tmp_path, quarter):
    result = app.test_cli_runner().invoke(args=["icp", "report", "quarterly", "--year", "2011", "--quarter", quarter,
                                                "--output", str(tmp_path / "q.xlsx")])
    assert result.exit_code == 2 and "--quarter" in result.output
    assert builders == [] and not (tmp_path / "q.xlsx").exists()


def test_cli_refuses_an_unwritable_output_before_building(app, builders, tmp_path):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["icp", "report", "annual", "--year", "2011",
                                  "--output", str(tmp_path / "no-such-dir" / "a.xlsx")])
    assert missing.exit_code == 1 and "does not exist" in missing.output
    folder = runner.invoke(args=["icp", "report", "annual", "--year", "2011", "--output", str(tmp_path)])
    assert folder.exit_code == 1 and "is a directory" in folder.output
    assert builders == []


def test_cli_reports_a_failed_write_and_leaves_no_file(app, builders, tmp_path, monkeypatch):
    import errno
    from pathlib import Path

    def disk_full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    result = app.test_cli_runner().invoke(args=["icp", "report", "annual", "--year", "2011",
                                                "--output", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert not (tmp_path / "a.xlsx").exists()


def test_the_real_workbooks_of_the_demo_office_preview_and_download(app, viewer):
    """No stand-ins: the builders on the 2011 demo records, through the writer, read back."""
    from icp.demo import demo_load

    demo_load()
    page = viewer.get("/admin/reports/?year=2011&kind=annual")
    assert page.status_code == 200 and "推動小組會議審議結果" in page.text and "100.03.17" in page.text
    book = openpyxl.load_workbook(io.BytesIO(viewer.get("/admin/reports/annual.xlsx?year=2011").data))
    assert len(book.sheetnames) == 9 and book.sheetnames[0].startswith("表1")
    assert all(sheet.print_title_rows for sheet in book.worksheets)
    assert viewer.get("/admin/reports/?kind=quarterly&quarter=3").status_code == 200
    quarterly = viewer.get("/admin/reports/quarterly.xlsx?quarter=3")
    assert quarterly.status_code == 200 and openpyxl.load_workbook(io.BytesIO(quarterly.data)).sheetnames


def test_downloaded_steering_sheet_equals_the_decisions_recomputed_in_sql(app, viewer):
    """The 推動小組會議審議結果 sheet as the office receives it: every figure against a GROUP BY of the ledger."""
    from datetime import date

    from sqlalchemy import func, select

    from icp.demo import demo_load
    from icp.extensions import db
    from icp.roc import roc_date_table
    from models import CaseDecision, Meeting

    demo_load()
    book = openpyxl.load_workbook(io.BytesIO(viewer.get("/admin/reports/annual.xlsx?year=2011").data))
    sheet = book["推動小組會議審議結果"]
    assert sheet["A1"].value == "100年度工業合作推動小組會議審議結果"
    assert "A1:Q1" in {str(r) for r in sheet.merged_cells.ranges} and "C2:E2" in {str(r) for r in sheet.merged_cells.ranges}
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True) if row[1]}
    sums = db.session.execute(
        select(Meeting.held_on, CaseDecision.kind, CaseDecision.currency, func.count(), func.sum(CaseDecision.credits))
        .join(Meeting, CaseDecision.meeting_id == Meeting.id)
        .where(Meeting.kind == "工業合作推動小組會議", Meeting.held_on.between(date(2011, 1, 1), date(2011, 12, 31)))
        .group_by(Meeting.held_on, CaseDecision.kind, CaseDecision.currency)).all()
    expected = {}
    for held_on, kind, currency, count, credits in sums:
        figures = expected.setdefault(roc_date_table(held_on), {})
        figures[kind] = figures.get(kind, 0) + count
        figures[(kind, currency)] = credits
    assert set(rows) == set(expected) == {"100.03.17", "100.06.02", "100.09.08", "100.11.29"}
    for day, figures in expected.items():
        row = rows[day]
        assert row[2] == figures.get("預核通過", 0) and row[5] == figures.get("實核通過", 0)
        assert (row[3] or 0) == figures.get(("預核通過", "USD"), 0) and (row[6] or 0) == figures.get(("實核通過", "USD"), 0)
        assert (row[7] or 0) == figures.get(("實核通過", "NTD"), 0)
        others = ("預核駁回", "再協商", "備查", "結案", "展延", "撤案", "額度留存")
        assert list(row[8:15]) == [figures.get(kind, 0) for kind in others]
    assert sheet.cell(row=4, column=4).number_format.startswith("#,##0")
