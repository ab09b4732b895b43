"""報表 (every role): preview the annual or quarterly workbook for the funding agency, and download it."""
import io
from datetime import date

from flask import abort, request, send_file, session
from flask_admin import BaseView, expose

from icp.reports import Workbook
from icp.reports.writer import workbook_layout, workbook_write
from icp.roc import roc_year
from views.base import SecureMixin
from views.totals import year_selected, years_available

KINDS = ("annual", "quarterly")
QUARTER_KEY = "report_quarter"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def annual_build(year: int) -> Workbook:
    from icp.reports.annual import annual_workbook

    return annual_workbook(year=year)


def quarterly_build(year: int, quarter: int) -> Workbook:
    from icp.reports.quarterly import quarterly_workbook

    return quarterly_workbook(year=year, quarter=quarter)


def quarter_default(year: int, today: date) -> int:
    """The latest quarter that has ended in `year` (quarterly reports are written after the quarter);
    the first quarter while it is still running, the fourth for past years."""
    if year < today.year:
        return 4
    return max(1, (today.month - 1) // 3)


def quarter_selected(year: int) -> int:
    """From ?quarter=, else remembered in the session, else the latest quarter ended."""
    asked = request.args.get("quarter", "")
    if asked in ("1", "2", "3", "4"):
        session[QUARTER_KEY] = int(asked)
    return session.get(QUARTER_KEY) or quarter_default(year, date.today())


def download_name(year: int, quarter: int | None = None) -> str:
    """The office's name for the file it sends: 工業合作推動計畫-100年度年報.xlsx, …-100年第3季季報.xlsx."""
    if quarter is None:
        return f"工業合作推動計畫-{roc_year(year)}年度年報.xlsx"
    return f"工業合作推動計畫-{roc_year(year)}年第{quarter}季季報.xlsx"


def xlsx_response(workbook: Workbook, name: str):
    out = io.BytesIO()
    workbook_write(out, workbook)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=name, mimetype=XLSX)  # RFC 5987 for 中文 names


class ReportView(SecureMixin, BaseView):
    @expose("/")
    def index(self):
        year = year_selected()
        quarter = quarter_selected(year)
        kind = request.args.get("kind", "annual")
        if kind not in KINDS:
            kind = "annual"
        workbook = annual_build(year) if kind == "annual" else quarterly_build(year, quarter)
        name = download_name(year) if kind == "annual" else download_name(year, quarter)
        return self.render("admin/reports/index.html", year=year, years=years_available(), roc_year=roc_year,
                           quarter=quarter, kind=kind, name=name, layouts=workbook_layout(workbook))

    @expose("/annual.xlsx")
    def annual(self):
        year = year_selected()
        return xlsx_response(annual_build(year), download_name(year))

    @expose("/quarterly.xlsx")
    def quarterly(self):
        year = year_selected()
        if request.args.get("quarter", "") not in ("", "1", "2", "3", "4"):
            abort(400)
        quarter = quarter_selected(year)
        return xlsx_response(quarterly_build(year, quarter), download_name(year, quarter))
