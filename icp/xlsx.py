"""The Excel writer: the only module that imports xlsxwriter.

List exports are written in constant-memory mode (rows stream to disk, memory stays flat at 100,000 rows);
report workbooks are not (merged headers and charts need random access, and report sheets are small).
In both, formulas, URLs and numbers are never inferred from text, and text starting with = + - @ tab, CR or
NUL is kept as text with a quote prefix so a later edit in Excel does not turn it into a formula (OWASP CSV
injection).
"""
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import IO, TYPE_CHECKING

import xlsxwriter

if TYPE_CHECKING:
    from icp.reports.writer import SheetLayout

FONT = "PMingLiU"  # 新細明體; Excel falls back to another CJK font where it is missing
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
MAX_WIDTH = 60
SHEET_NAME_BANNED = str.maketrans("[]:*?/\\", "［］：＊？／＼")  # Excel refuses these in sheet names: full-width look-alikes
SAFE_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_format_properties": {"font_name": FONT, "font_size": 11},
}


def text_width(text: str) -> int:
    """Display width: a CJK (wide or full-width) character counts as two narrow ones."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def workbook_open(out: IO[bytes] | str) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(out, {"constant_memory": True, **SAFE_OPTIONS})


def table_write(workbook, *, sheet: str, headers: Sequence[str], rows: Iterable[Sequence],
                kinds: Sequence[str] | None = None, reads: Sequence[Callable | None] | None = None) -> int:
    """One sheet: a bold header row, then typed cells (numbers, dates, booleans, safe text). Returns rows.

    Without `kinds`, each value's Python type decides its cell. With `kinds` (one of KINDS per column),
    cells are written by their column's kind, and `reads` (a function or None per column) turns a raw value
    into that kind first: the way for long lists, with no per-cell type tests.
    """
    worksheet = workbook.add_worksheet(sheet.translate(SHEET_NAME_BANNED)[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    formats = {"money": workbook.add_format({"num_format": "#,##0.##"}),
               "integer": workbook.add_format({"num_format": "#,##0"}),
               "day": workbook.add_format({"num_format": "yyyy-mm-dd"}),
               "moment": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
               "quoted": workbook.add_format({"quote_prefix": True})}
    widths = [max(8, text_width(str(h)) + 2) for h in headers]
    for col, width in enumerate(widths):  # constant-memory mode: widths must be set before the rows
        worksheet.set_column(col, col, min(width, MAX_WIDTH))
    worksheet.write_row(0, 0, [str(h) for h in headers], header)
    worksheet.freeze_panes(1, 0)
    if kinds is None:
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                cell_write(worksheet, count, col, value, **formats)
    else:
        count = _typed_rows_write(worksheet, formats, kinds, reads or [None] * len(kinds), rows)
    worksheet.autofilter(0, 0, max(count, 1), max(len(headers) - 1, 0))
    return count


KINDS = ("text", "integer", "money", "bool", "day", "moment")
FORMULA_FIRST = frozenset(FORMULA_STARTS)
EXCEL_EPOCH = date(1899, 12, 31)


@lru_cache(maxsize=4096)  # a list holds few distinct days; a date is converted once
def excel_day(day: date) -> int:
    """A date as Excel's serial day number (1900 system, keeping Excel's phantom 29 February 1900)."""
    days = (day - EXCEL_EPOCH).days
    return days + 1 if days > 59 else days


def _typed_rows_write(worksheet, formats: dict, kinds: Sequence[str], reads: Sequence[Callable | None],
                      rows: Iterable[Sequence]) -> int:
    """Rows of values of known kinds; None stays an empty cell. The same cells as cell_write gives."""
    # The undecorated writers: the public ones first test every call for "A1" notation (XlsxWriter is pinned).
    write_string, write_number = worksheet._write_string, worksheet._write_number
    write_boolean, write_datetime = worksheet._write_boolean, worksheet._write_datetime
    money, integer, day, moment, quoted = (formats[k] for k in ("money", "integer", "day", "moment", "quoted"))

    def text(row, col, value):
        if value[:1] in FORMULA_FIRST:
            write_string(row, col, value, quoted)
        else:
            write_string(row, col, value)

    writers = {
        "text": text,
        "integer": lambda row, col, value: write_number(row, col, value, integer),
        "money": lambda row, col, value: write_number(row, col, float(value), money),
        "bool": lambda row, col, value: write_boolean(row, col, value),
        "day": lambda row, col, value: write_number(row, col, excel_day(value), day),
        "moment": lambda row, col, value: write_datetime(row, col, value, moment),
    }
    columns = [(col, writers[kind], read) for col, (kind, read) in enumerate(zip(kinds, reads, strict=True))]
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, write, read in columns:
            value = row[col]
            if value is not None:
                write(count, col, value if read is None else read(value))
    return count


def cell_write(worksheet, row: int, col: int, value, *, money, integer, day, moment, quoted) -> None:
    if value is None:
        worksheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        worksheet.write_boolean(row, col, value)
    elif isinstance(value, int):
        worksheet.write_number(row, col, value, integer)
    elif isinstance(value, (Decimal, float)):
        worksheet.write_number(row, col, float(value), money)
    elif isinstance(value, datetime):
        worksheet.write_datetime(row, col, value, moment)
    elif isinstance(value, date):
        worksheet.write_datetime(row, col, datetime(value.year, value.month, value.day), day)
    else:
        text = str(value)
        if text.startswith(FORMULA_STARTS):
            worksheet.write_string(row, col, text, quoted)
        else:
            worksheet.write_string(row, col, text)


# Report workbooks: icp.reports.writer decides the layout, this draws it --------------------------------------
A4 = 9
TITLE_SIZE, NOTE_LINE_HEIGHT = 14, 15
CHART_ROWS = 17  # a chart is 15 default rows high, plus a gap
FOOTER = "&C第 &P 頁／共 &N 頁"


def report_write(out: IO[bytes] | str, layouts: "list[SheetLayout]") -> None:
    """One styled worksheet per layout: title, unit, merged headers, bordered typed cells, notes, A4 print
    set-up with repeated header rows, and native charts."""
    workbook = xlsxwriter.Workbook(out, SAFE_OPTIONS)
    formats = _Formats(workbook)
    for layout in layouts:
        _report_sheet(workbook, formats, layout)
    workbook.close()


class _Formats:
    """Formats made once per workbook and shared (Excel limits a workbook's distinct formats)."""

    ROLES = {
        "title": {"bold": True, "font_size": TITLE_SIZE, "align": "center", "valign": "vcenter", "text_wrap": True},
        "unit": {"align": "right"},
        "header": {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1,
                   "bg_color": "#F2F2F2"},
        "text": {"valign": "vcenter", "text_wrap": True, "border": 1},
        "date": {"align": "center", "valign": "vcenter", "border": 1},
        "number": {"align": "right", "valign": "vcenter", "border": 1},
        "empty": {"align": "center", "valign": "vcenter", "border": 1},
        "note": {"valign": "top", "text_wrap": True},
    }

    def __init__(self, workbook):
        self.workbook, self.made = workbook, {}

    def __call__(self, role: str, *, num_format: str | None = None, quoted: bool = False):
        key = (role, num_format, quoted)
        if key not in self.made:
            properties = dict(self.ROLES[role])
            if num_format:
                properties["num_format"] = num_format
            if quoted:
                properties["quote_prefix"] = True
            self.made[key] = self.workbook.add_format(properties)
        return self.made[key]


def _text_write(worksheet, row: int, col: int, text: str, formats: _Formats, role: str) -> None:
    """Always a string, never a formula; quote-prefixed when Excel would read it as one after an edit."""
    worksheet.write_string(row, col, text, formats(role, quoted=text.startswith(FORMULA_STARTS)))


def _span_write(worksheet, rows: tuple[int, int], cols: tuple[int, int], text: str, formats: _Formats,
                role: str) -> None:
    cell_format = formats(role, quoted=text.startswith(FORMULA_STARTS))
    if rows[0] == rows[1] and cols[0] == cols[1]:  # XlsxWriter refuses to merge a single cell
        worksheet.write_string(rows[0], cols[0], text, cell_format)
    else:
        worksheet.merge_range(rows[0], cols[0], rows[1], cols[1], "", cell_format)
        worksheet.write_string(rows[0], cols[0], text, cell_format)


def _lines(text: str, width: int) -> int:
    return max(1, -(-text_width(text) // max(width, 1)))


def _report_sheet(workbook, formats: _Formats, layout: "SheetLayout") -> None:
    sheet, last_col = layout.sheet, len(layout.widths) - 1
    worksheet = workbook.add_worksheet(layout.name)
    for col, width in enumerate(layout.widths):
        worksheet.set_column(col, col, width)
    total_width = sum(layout.widths)

    _span_write(worksheet, (0, 0), (0, last_col), sheet.title, formats, "title")
    worksheet.set_row(0, 22 * _lines(sheet.title, total_width * 11 // TITLE_SIZE))
    if sheet.unit:
        _span_write(worksheet, (1, 1), (0, last_col), sheet.unit, formats, "unit")

    top = layout.header_top
    for cell in layout.header:
        _span_write(worksheet, (top + cell.row, top + cell.row + cell.rowspan - 1),
                    (cell.col, cell.col + cell.colspan - 1), cell.text, formats, "header")

    if not layout.body:
        _span_write(worksheet, (layout.body_top, layout.body_top), (0, last_col), sheet.empty_text, formats, "empty")
    for r, row in enumerate(layout.body, start=layout.body_top):
        for c, cell in enumerate(row):
            if cell.value is None:
                worksheet.write_blank(r, c, None, formats("text"))
            elif cell.is_number:
                worksheet.write_number(r, c, float(cell.value), formats("number", num_format=cell.num_format))
            else:
                _text_write(worksheet, r, c, cell.value, formats, "date" if cell.centered else "text")

    row = layout.body_bottom + 2
    for note in sheet.notes:
        _span_write(worksheet, (row, row), (0, last_col), note, formats, "note")
        worksheet.set_row(row, NOTE_LINE_HEIGHT * _lines(note, total_width))
        row += 1

    for chart_layout in layout.charts:
        worksheet.insert_chart(row + 1, 0, _chart(workbook, layout.name, chart_layout, total_width))
        row += CHART_ROWS

    worksheet.set_paper(A4)
    if layout.landscape:
        worksheet.set_landscape()
    else:
        worksheet.set_portrait()
    worksheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    worksheet.center_horizontally()
    worksheet.repeat_rows(top, layout.body_top - 1)
    worksheet.fit_to_pages(1, 0)
    worksheet.set_footer(FOOTER)
    worksheet.freeze_panes(layout.body_top, 0)


def _chart(workbook, sheet_name: str, layout, table_width: int):
    chart = workbook.add_chart({"type": layout.kind})
    category_col, first, last = layout.categories
    for name, col in layout.series:
        series = {"name": name, "categories": [sheet_name, first, category_col, last, category_col],
                  "values": [sheet_name, first, col, last, col]}
        if layout.kind == "pie":
            series["data_labels"] = {"percentage": True, "font": {"name": FONT}}
        chart.add_series(series)
    chart.set_title({"name": layout.title, "name_font": {"name": FONT, "size": 12, "bold": True}})
    chart.set_legend({"position": "bottom", "font": {"name": FONT}})
    if layout.kind != "pie":
        value_axis = {"num_format": "#,##0", "num_font": {"name": FONT}}
        category_axis = {"num_font": {"name": FONT}}
        chart.set_x_axis(value_axis if layout.kind == "bar" else category_axis)
        chart.set_y_axis(category_axis if layout.kind == "bar" else value_axis)
    chart.set_size({"width": min(max(table_width * 7 + 5, 480), 900), "height": 288})
    return chart
