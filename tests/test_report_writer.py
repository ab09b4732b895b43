"""The report writer, read back with openpyxl: titles, merged headers, number formats, ROC dates, widths, print
set-up, charts, the 無 row, and text that looks like a formula staying text (here and in the list export)."""
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from icp.reports import INT, MONEY, PCT, ROC_DATE, Chart, Column, Sheet, Workbook
from icp.reports.writer import header_cells, sheet_layout, sheet_name, workbook_write

FORMULA_LOOKALIKES = ['=HYPERLINK("http://x","y")', "@SUM(1+1)", "-1+2", "+886-2-1234", "\tTAB", "=1+1"]


def meetings_sheet(**overrides) -> Sheet:
    """Like 表3: a date column, two grouped pairs (預核 / 實核: 案數, 額度), a remark."""
    values = dict(
        name="表3 推動小組會議審議結果", title="100年度工業合作推動小組會議審議結果", unit="單位：美元點",
        columns=[Column("會議日期", ROC_DATE), Column("案數", INT, group="預核"), Column("額度", MONEY, group="預核"),
                 Column("案數", INT, group="實核"), Column("額度", MONEY, group="實核"), Column("備註")],
        rows=[[date(2011, 3, 17), 3, Decimal("26726856"), 5, Decimal("37872762"), "第1次會議"],
              [date(2011, 6, 2), 1, Decimal("69884223"), 5, Decimal("305627864"), None]],
        notes=["資料來源：工業合作推動小組會議紀錄"],
        charts=[Chart("column", "各次會議預核與實核額度", category_column=0, value_columns=[2, 4])],
    )
    values.update(overrides)
    return Sheet(**values)


def written(*sheets: Sheet) -> openpyxl.Workbook:
    out = io.BytesIO()
    workbook_write(out, Workbook("工業合作推動計畫-100年度年報.xlsx", list(sheets)))
    out.seek(0)
    return openpyxl.load_workbook(out)


def width_of(worksheet, col: int) -> float:
    """openpyxl keeps one dimension for a run of equally wide columns (min..max)."""
    for dimension in worksheet.column_dimensions.values():
        if dimension.min <= col <= dimension.max:
            return dimension.width
    raise AssertionError(f"column {col} has no width")


def merged(worksheet) -> set[str]:
    return {str(r) for r in worksheet.merged_cells.ranges}


def test_sheet_names_titles_and_unit_are_written():
    book = written(meetings_sheet(), meetings_sheet(name="表9 輔導廠商基本資料表", title="輔導廠商基本資料表", unit=None))
    assert book.sheetnames == ["表3 推動小組會議審議結果", "表9 輔導廠商基本資料表"]
    sheet = book["表3 推動小組會議審議結果"]
    assert sheet["A1"].value == "100年度工業合作推動小組會議審議結果"
    assert sheet["A1"].font.b and sheet["A1"].font.sz > 11
    assert sheet["A2"].value == "單位：美元點" and sheet["A2"].alignment.horizontal == "right"
    assert sheet["A1"].font.name == "PMingLiU" and sheet["C5"].font.name == "PMingLiU"
    assert book["表9 輔導廠商基本資料表"]["A2"].value == "會議日期"  # no unit line: the header follows the title


def test_title_row_and_group_headers_are_merged():
    sheet = written(meetings_sheet()).active
    assert {"A1:F1", "A2:F2"} <= merged(sheet)                   # title and unit across all six columns
    assert {"B3:C3", "D3:E3"} <= merged(sheet)                   # 預核 and 實核 above their own headers
    assert {"A3:A4", "F3:F4"} <= merged(sheet)                   # ungrouped headers span both header rows
    assert [sheet.cell(3, c).value for c in (1, 2, 4, 6)] == ["會議日期", "預核", "實核", "備註"]
    assert [sheet.cell(4, c).value for c in range(2, 6)] == ["案數", "額度", "案數", "額度"]
    assert sheet["B3"].font.b and sheet["B5"].border.left.style == "thin"


def test_without_groups_the_header_is_one_row():
    columns = [Column("廠商名稱"), Column("統一編號")]
    cells, rows = header_cells(columns)
    assert rows == 1 and [(c.row, c.text, c.rowspan) for c in cells] == [(0, "廠商名稱", 1), (0, "統一編號", 1)]
    sheet = written(Sheet("表9", "輔導廠商基本資料表", columns, [["漢翔航空工業", "12345675"]])).active
    assert sheet["A2"].value == "廠商名稱" and sheet["A3"].value == "漢翔航空工業"
    assert merged(sheet) == {"A1:B1"}


@pytest.mark.parametrize("kind, values, number_format, shown", [
    (INT, [3, 17], "#,##0", 3),
    (MONEY, [Decimal("26726856"), Decimal("69884223")], "#,##0", 26726856),
    (MONEY, [Decimal("26726856"), Decimal("199162419.50")], "#,##0.00", 26726856),
    (PCT, [Decimal("93.33"), 100], '0.00"%"', 93.33),
])
def test_numbers_stay_numbers_with_the_format_of_their_kind(kind, values, number_format, shown):
    sheet = written(Sheet("表", "標題", [Column("項目"), Column("數值", kind)], [["甲", values[0]], ["乙", values[1]]])).active
    cell = sheet["B3"]
    assert cell.data_type == "n" and cell.value == pytest.approx(shown)
    assert cell.number_format == number_format and sheet["B4"].number_format == number_format


def test_roc_dates_are_written_as_text():
    sheet = written(meetings_sheet()).active
    assert sheet["A5"].value == "100.03.17" and sheet["A5"].data_type == "s"
    assert sheet["A6"].value == "100.06.02"


def test_a_figure_in_a_text_column_keeps_thousands_separators():
    """表1's header block mixes labels and amounts in one column."""
    sheet = written(Sheet("表1", "執行成果摘要表", [Column("項目"), Column("內容")],
                          [["計畫總經費", Decimal("12500")], ["承辦人", "王小明"]])).active
    assert sheet["B3"].value == 12500 and sheet["B3"].number_format == "#,##0"
    assert sheet["B4"].value == "王小明"


def test_column_widths_grow_with_chinese_text():
    short = written(Sheet("表", "標題", [Column("名稱")], [["AB"]])).active
    latin = written(Sheet("表", "標題", [Column("名稱")], [["ABCDEFGHIJ"]])).active
    chinese = written(Sheet("表", "標題", [Column("名稱")], [["經濟部工業局工業合作計畫"]])).active
    assert width_of(short, 1) < width_of(latin, 1) < width_of(chinese, 1)
    assert width_of(chinese, 1) >= 24  # twelve CJK characters count as 24 narrow ones


@pytest.mark.parametrize("header, values, width", [
    ("會議紀錄核定日期", ["100.03.25"], 11),            # two lines of four characters: the dates decide
    ("會議紀錄核定日期", [], 10),                       # 會議紀錄 / 核定日期
    ("Approved on", ["1"], 10),                        # Latin text breaks only at the space
    ("Approved", ["1"], 10),
])
def test_a_long_header_may_take_two_lines_instead_of_widening_its_column(header, values, width):
    layout = sheet_layout(Sheet("表", "標題", [Column(header, ROC_DATE)], [[v] for v in values]))
    assert layout.widths == [width]


def test_a_group_header_wider_than_its_columns_widens_them():
    layout = sheet_layout(Sheet("表", "標題", [Column("甲", group="工業合作推動小組實核結果"), Column("乙", group="工業合作推動小組實核結果")], []))
    assert sum(layout.widths) >= 2 * 12 + 2


def test_print_setup_repeats_the_header_rows_and_fits_one_page_wide():
    book = written(meetings_sheet(), Sheet("寬表", "寬表", [Column(f"欄位名稱第{i}欄") for i in range(12)], [[]]))
    narrow, wide = book.worksheets
    assert narrow.print_title_rows == "$3:$4"              # both header rows, under the title and the unit
    assert narrow.sheet_properties.pageSetUpPr.fitToPage
    assert narrow.page_setup.fitToWidth in (None, 1) and narrow.page_setup.fitToHeight == 0
    assert narrow.page_setup.paperSize == 9 and narrow.page_setup.orientation == "portrait"
    assert wide.page_setup.orientation == "landscape"
    assert narrow.page_margins.left == 0.5 and narrow.print_options.horizontalCentered


def test_a_chart_references_the_sheet_cells():
    sheet = written(meetings_sheet()).active
    assert len(sheet._charts) == 1
    chart = sheet._charts[0]
    assert chart.tagname == "barChart" and chart.title.tx.rich.p[0].r[0].t == "各次會議預核與實核額度"
    values = [s.val.numRef.f for s in chart.series]
    assert values == ["'表3 推動小組會議審議結果'!$C$5:$C$6", "'表3 推動小組會議審議結果'!$E$5:$E$6"]
    assert chart.series[0].cat.strRef.f == "'表3 推動小組會議審議結果'!$A$5:$A$6"


def test_a_pie_chart_plots_one_series_of_the_chosen_rows():
    rows = [["委製", Decimal(60)], ["技術移轉", Decimal(30)], ["合計", Decimal(90)]]
    sheet = written(Sheet("表4", "額度運用", [Column("執行方式"), Column("額度", MONEY)], rows,
                          charts=[Chart("pie", "額度依執行方式", 0, [1], first_row=0, last_row=2)])).active
    chart = sheet._charts[0]
    assert chart.tagname == "pieChart" and len(chart.series) == 1
    assert chart.series[0].val.numRef.f == "表4!$B$3:$B$4"   # 合計 left out


def test_a_chart_on_a_missing_column_is_refused():
    with pytest.raises(ValueError, match="no column 9"):
        sheet_layout(meetings_sheet(charts=[Chart("pie", "錯", 0, [9])]))


def test_an_empty_table_prints_one_row_with_the_empty_text_and_no_chart():
    sheet = written(meetings_sheet(rows=[])).active
    assert sheet["A5"].value == "無" and "A5:F5" in merged(sheet)
    assert sheet["A7"].value == "資料來源：工業合作推動小組會議紀錄"  # notes one row under the table
    assert sheet._charts == []


def test_sheet_names_are_made_valid_and_unique():
    assert sheet_name("表6 經費運用情形/千元", taken=set()) == "表6 經費運用情形_千元"
    assert len(sheet_name("很" * 40, taken=set())) == 31
    assert sheet_name("表1", taken={"表1"}) == "表1(2)"


@pytest.mark.parametrize("text", FORMULA_LOOKALIKES)
def test_text_that_looks_like_a_formula_stays_text_in_a_report(text):
    sheet = written(Sheet("表9", "輔導廠商", [Column("廠商名稱"), Column("備註")], [[text, text]])).active
    for cell in (sheet["A3"], sheet["B3"]):
        assert cell.data_type == "s" and cell.value == text
        assert cell.quotePrefix  # a later edit in Excel keeps it text too
    assert sheet["A1"].data_type == "s"


def test_report_text_is_never_a_formula_or_a_link_anywhere(tmp_path):
    """Title, unit, headers, notes and cells: every string cell is a plain string."""
    bad = '=HYPERLINK("http://x","y")'
    sheet = Sheet("表", bad, [Column(bad, group=bad), Column("http://example.com")], [[bad, "http://example.com"]],
                  notes=[bad], unit=bad)
    path = tmp_path / "report.xlsx"
    workbook_write(str(path), Workbook("x.xlsx", [sheet]))
    book = openpyxl.load_workbook(path)
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type == "s" and c.hyperlink is None for c in cells)
    assert sum(c.value == bad for c in cells) == 6  # title, unit, group, header, cell, note


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","y")', "@SUM(1+1)", "-1+2"])
def test_a_firm_named_like_a_formula_stays_text_in_the_list_export(app, viewer, name):
    from icp.extensions import db
    from models import DomesticFirm
    from tests.factories import VALID_UBNS

    db.session.add(DomesticFirm(name=name, ubn=VALID_UBNS[0], sector="-航太"))
    db.session.commit()
    response = viewer.get("/admin/firm/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    headers = [c.value for c in sheet[1]]
    row = {header: cell for header, cell in zip(headers, sheet[2])}
    assert row["廠商名稱"].value == name and row["廠商名稱"].data_type == "s" and row["廠商名稱"].quotePrefix
    assert row["統一編號"].value == VALID_UBNS[0] and row["統一編號"].data_type == "s"  # not turned into a number
    assert row["產業別"].value == "-航太" and row["產業別"].data_type == "s"
    assert all(c.data_type != "f" for c in sheet[2])


def test_money_shows_as_many_decimals_as_the_figures_carry():
    """千元 amounts carry three decimals in the report (34,160.496); whole figures none; cents two."""
    from icp.reports.writer import column_format
    assert column_format(Column("結報數", MONEY), [Decimal("34160.496"), Decimal("149.504")]) == "#,##0.000"
    assert column_format(Column("額度", MONEY), [Decimal("26726856"), Decimal("0")]) == "#,##0"
    assert column_format(Column("額度", MONEY), [Decimal("1.5")]) == "#,##0.00"
