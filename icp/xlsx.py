"""The Excel writer: the only module that imports xlsxwriter.

Workbooks are written in constant-memory mode (rows stream to disk, memory stays flat at 100,000 rows),
formulas and URLs are never inferred from text, and text starting with = + - @ tab, CR or NUL is kept as
text with a quote prefix so a later edit in Excel does not turn it into a formula (OWASP CSV injection).
"""
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO

import xlsxwriter

FONT = "PMingLiU"  # 新細明體; Excel falls back to another CJK font where it is missing
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
MAX_WIDTH = 60


def text_width(text: str) -> int:
    """Display width: a CJK (wide or full-width) character counts as two narrow ones."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def workbook_open(out: IO[bytes] | str) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(out, {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "default_format_properties": {"font_name": FONT, "font_size": 11},
    })


def table_write(workbook, *, sheet: str, headers: Sequence[str], rows: Iterable[Sequence]) -> int:
    """One sheet: a bold header row, then typed cells (numbers, dates, booleans, safe text). Returns rows."""
    worksheet = workbook.add_worksheet(sheet[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    money = workbook.add_format({"num_format": "#,##0.##"})
    integer = workbook.add_format({"num_format": "#,##0"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    quoted = workbook.add_format({"quote_prefix": True})
    widths = [max(8, text_width(str(h)) + 2) for h in headers]
    for col, width in enumerate(widths):  # constant-memory mode: widths must be set before the rows
        worksheet.set_column(col, col, min(width, MAX_WIDTH))
    worksheet.write_row(0, 0, [str(h) for h in headers], header)
    worksheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            cell_write(worksheet, count, col, value, money=money, integer=integer, day=day, moment=moment,
                       quoted=quoted)
    worksheet.autofilter(0, 0, max(count, 1), max(len(headers) - 1, 0))
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
