"""Reporting workbooks for the funding agency: pure builders produce `Sheet`s, one writer styles them.

A builder takes records (or query results) and returns a `Sheet`: plain values, no formatting, no
workbook. `icp.reports.writer` turns any `Sheet` into a styled worksheet (CJK font, merged headers, widths
that fit Chinese, A4 print set-up, repeated header rows, native charts). The two workbooks are
`icp.reports.annual.annual_workbook(year)` and `icp.reports.quarterly.quarterly_workbook(year, quarter)`.
"""
from dataclasses import dataclass, field

# Column kinds the writer knows how to format.
TEXT, INT, MONEY, PCT, ROC_DATE = "text", "int", "money", "pct", "roc_date"


@dataclass
class Column:
    header: str                    # the column's own header (Traditional Chinese, as in the seed report)
    kind: str = TEXT               # TEXT | INT | MONEY (thousands separators) | PCT (0–100) | ROC_DATE (100.03.17)
    group: str | None = None       # a merged header cell above consecutive columns sharing the same group
    width: int | None = None       # display width in narrow characters; None: fitted to the content


@dataclass
class Chart:
    """A native Excel chart of some of the sheet's rows (e.g. credits by case type)."""

    kind: str                      # "pie" | "column" | "bar"
    title: str
    category_column: int           # index of the column holding the category labels
    value_columns: list[int]       # indices of the columns plotted as series
    first_row: int = 0             # body rows plotted: [first_row, last_row) (None: to the end)
    last_row: int | None = None


@dataclass
class Sheet:
    name: str                      # worksheet name (at most 31 characters), e.g. "表1 執行成果摘要表"
    title: str                     # printed above the table, merged across all columns
    columns: list[Column]
    rows: list[list]               # one list of values per row, typed per column (Decimal, int, date, str, None)
    notes: list[str] = field(default_factory=list)    # lines printed under the table (sources, units)
    empty_text: str = "無"         # an empty table prints one row with this text, as the seed report does
    charts: list[Chart] = field(default_factory=list)
    unit: str | None = None        # e.g. "單位：千元" printed right-aligned above the table


@dataclass
class Workbook:
    filename: str
    sheets: list[Sheet]
