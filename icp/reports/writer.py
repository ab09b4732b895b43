"""The one report writer: lays out any `Sheet` (header cells, number formats, widths, page set-up) once, for
the styled .xlsx (`workbook_write`, drawn by icp.xlsx) and for the HTML preview, so both show the same thing.

The layout is plain data and free of xlsxwriter; icp.xlsx stays the only module that imports it.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from icp.reports import INT, MONEY, PCT, ROC_DATE, Column, Sheet, Workbook
from icp.roc import roc_date_table
from icp.xlsx import MAX_WIDTH, report_write, text_width

INT_FORMAT, MONEY_FORMAT, PCT_FORMAT = "#,##0", "#,##0", '0.00"%"'
MAX_DECIMALS = 3
MIN_WIDTH, PADDING = 6, 2
PORTRAIT_MAX_WIDTH = 100   # narrow characters that fit across A4 portrait at 11 pt before scaling looks cramped
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
NUMERIC_KINDS = frozenset({INT, MONEY, PCT})


@dataclass
class HeaderCell:
    row: int          # 0 or 1 within the header block
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Cell:
    value: str | int | float | Decimal | None   # text, a number, or nothing
    num_format: str | None = None               # for numbers: the Excel number format
    centered: bool = False                      # dates are centred, as in the seed report

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, (int, float, Decimal))

    @property
    def text(self) -> str:
        """What Excel shows for the cell, for the HTML preview and for fitting the column widths."""
        if self.value is None:
            return ""
        if not self.is_number:
            return str(self.value)
        number = Decimal(str(self.value))
        if self.num_format == PCT_FORMAT:
            return f"{number:.2f}%"
        places = len(self.num_format.partition(".")[2]) if self.num_format else 0
        return f"{number:,.{places}f}"


@dataclass
class ChartLayout:
    kind: str
    title: str
    categories: tuple[int, int, int]              # column, first and last body row (0-based, inclusive)
    series: list[tuple[str, int]]                 # (name, column)


@dataclass
class SheetLayout:
    """Where everything of one Sheet goes and how it looks; rows are 0-based from the top of the sheet."""

    name: str
    sheet: Sheet
    header: list[HeaderCell]
    header_rows: int
    body: list[list[Cell]]
    widths: list[int]
    landscape: bool
    charts: list[ChartLayout]

    @property
    def header_top(self) -> int:
        return 2 if self.sheet.unit else 1

    @property
    def body_top(self) -> int:
        return self.header_top + self.header_rows

    @property
    def body_bottom(self) -> int:
        """The last row of the table (the 無 row when there are no rows)."""
        return self.body_top + max(len(self.body), 1) - 1


def workbook_write(out: IO[bytes] | str, workbook: Workbook) -> None:
    """Write `workbook` as a styled .xlsx to a path or a binary stream: one worksheet per Sheet."""
    report_write(out, workbook_layout(workbook))


def workbook_layout(workbook: Workbook) -> list[SheetLayout]:
    names: set[str] = set()
    layouts = []
    for sheet in workbook.sheets:
        layout = sheet_layout(sheet, name=sheet_name(sheet.name, taken=names))
        names.add(layout.name)
        layouts.append(layout)
    return layouts


def sheet_layout(sheet: Sheet, *, name: str | None = None) -> SheetLayout:
    if not sheet.columns:
        raise ValueError(f"sheet {sheet.name!r} has no columns")
    formats = [column_format(column, [row[i] if i < len(row) else None for row in sheet.rows])
               for i, column in enumerate(sheet.columns)]
    body = [[cell_of(row[i] if i < len(row) else None, column, formats[i]) for i, column in enumerate(sheet.columns)]
            for row in sheet.rows]
    header, header_rows = header_cells(sheet.columns)
    widths = column_widths(sheet.columns, body)
    layout = SheetLayout(name=name or sheet_name(sheet.name, taken=set()), sheet=sheet, header=header,
                         header_rows=header_rows, body=body, widths=widths,
                         landscape=sum(widths) > PORTRAIT_MAX_WIDTH, charts=[])
    layout.charts = [chart_layout(chart, layout) for chart in sheet.charts] if sheet.rows else []
    return layout


def sheet_name(name: str, *, taken: set[str]) -> str:
    """A valid, unique worksheet name: no []:*?/\\ and at most 31 characters."""
    base = SHEET_NAME_FORBIDDEN.sub("_", name).strip("'")[:SHEET_NAME_MAX] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"({number})"
        candidate, number = base[:SHEET_NAME_MAX - len(suffix)] + suffix, number + 1
    return candidate


def header_cells(columns: list[Column]) -> tuple[list[HeaderCell], int]:
    """The header block: with any group, two rows — a merged group cell above its consecutive columns, and
    each ungrouped column's header spanning both rows; without groups, one row."""
    if not any(c.group for c in columns):
        return [HeaderCell(0, i, c.header) for i, c in enumerate(columns)], 1
    cells, i = [], 0
    while i < len(columns):
        group = columns[i].group
        if not group:
            cells.append(HeaderCell(0, i, columns[i].header, rowspan=2))
            i += 1
            continue
        end = i
        while end + 1 < len(columns) and columns[end + 1].group == group:
            end += 1
        cells.append(HeaderCell(0, i, group, colspan=end - i + 1))
        cells.extend(HeaderCell(1, j, columns[j].header) for j in range(i, end + 1))
        i = end + 1
    return cells, 2


def column_format(column: Column, values: list) -> str | None:
    """The number format of a numeric column; MONEY shows cents only when some value has them."""
    if column.kind == INT:
        return INT_FORMAT
    if column.kind == PCT:
        return PCT_FORMAT
    if column.kind == MONEY:  # as many decimals as the figures carry (千元 amounts have three: 34,160.496)
        places = max((-Decimal(str(v)).normalize().as_tuple().exponent for v in values
                      if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)), default=0)
        places = min(max(places, 2), MAX_DECIMALS) if places > 0 else 0  # cents as cents: .50, not .5
        return MONEY_FORMAT + ("." + "0" * places if places else "")
    return None


def cell_of(value, column: Column, num_format: str | None) -> Cell:
    """One body cell: numbers stay numbers, dates become ROC text (Excel has no ROC date format), the rest text."""
    if value is None or value == "":
        return Cell(None)
    if isinstance(value, bool):
        return Cell("是" if value else "否")
    if isinstance(value, datetime):
        return Cell(roc_date_table(value.date()), centered=True)
    if isinstance(value, date):
        return Cell(roc_date_table(value), centered=True)
    if isinstance(value, (int, float, Decimal)):
        if column.kind in NUMERIC_KINDS:
            return Cell(value, num_format)
        return Cell(value, column_format(Column("", MONEY), [value]))  # a figure in a text column (e.g. 表1)
    return Cell(str(value), centered=column.kind == ROC_DATE)


def column_widths(columns: list[Column], body: list[list[Cell]]) -> list[int]:
    """Widths in narrow characters (a CJK character counts two) that fit each value and each header — on two
    lines when the values are narrower (會議紀錄 / 核定日期), as the seed report prints long headers — and give a
    group header at least its own width across its columns."""
    widths = []
    for i, column in enumerate(columns):
        if column.width:
            widths.append(column.width)
            continue
        longest = header_width(column.header)
        for row in body:  # thousands of rows (輔導廠商): measure only a text that could be wider than the widest yet
            text = row[i].text
            if 2 * len(text) > longest:
                longest = max(longest, text_width(text))
                if longest + PADDING >= MAX_WIDTH:
                    break
        widths.append(min(max(longest + PADDING, MIN_WIDTH), MAX_WIDTH))
    header, _rows = header_cells(columns)
    for cell in header:
        fitted = [j for j in range(cell.col, cell.col + cell.colspan) if not columns[j].width]
        missing = text_width(cell.text) + PADDING - sum(widths[cell.col:cell.col + cell.colspan])
        if cell.colspan > 1 and fitted and missing > 0:
            share, rest = divmod(missing, len(fitted))
            for k, j in enumerate(fitted):
                widths[j] += share + (1 if k < rest else 0)
    return widths


def header_width(text: str) -> int:
    """The narrowest width showing a header on at most two lines, broken next to a CJK character or at a space."""
    wide = [text_width(c) == 2 for c in text]
    splits = [k for k in range(1, len(text)) if wide[k - 1] or wide[k] or text[k] == " "]
    return min((max(text_width(text[:k]), text_width(text[k:].lstrip())) for k in splits), default=text_width(text))


def chart_layout(chart, layout: SheetLayout) -> ChartLayout:
    count = len(layout.body)
    columns = layout.sheet.columns
    last = count if chart.last_row is None else min(chart.last_row, count)
    if chart.kind not in ("pie", "column", "bar"):
        raise ValueError(f"chart {chart.title!r}: unknown kind {chart.kind!r}")
    for index in (chart.category_column, *chart.value_columns):
        if not 0 <= index < len(columns):
            raise ValueError(f"chart {chart.title!r}: no column {index} in sheet {layout.sheet.name!r}")
    if not chart.value_columns or not 0 <= chart.first_row < last:
        raise ValueError(f"chart {chart.title!r}: no rows or no values to plot")
    series = [(f"{columns[i].group} {columns[i].header}" if columns[i].group else columns[i].header, i)
              for i in chart.value_columns]
    if chart.kind == "pie":
        series = series[:1]  # a pie shows one series
    first, end = layout.body_top + chart.first_row, layout.body_top + last - 1
    return ChartLayout(kind=chart.kind, title=chart.title, categories=(chart.category_column, first, end),
                       series=series)
