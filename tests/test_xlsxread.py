"""The import's streaming workbook reader, on parts written as Excel writes them (not only as XlsxWriter does)."""
import zipfile
from datetime import date, datetime

import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, from_excel

from icp.importer import Importer
from icp.xlsxread import Workbook, WorkbookUnreadable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET = (f'<worksheet xmlns="{MAIN}"><dimension ref="A1:G4"/><sheetData>'
         '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
         '<c r="C1" t="inlineStr"><is><t>行內</t></is></c><c r="D1" s="1"/></row>'
         '<row r="3"><c r="A3" s="1"><v>40620</v></c><c r="B3" s="2"><v>40620.5</v></c><c r="C3" s="3"><v>12.5</v></c>'
         '<c r="D3"><v>7</v></c><c r="E3" t="b"><v>1</v></c><c r="F3" t="e"><v>#N/A</v></c><c><v>3</v></c></row>'
         '<row r="4"><c r="B4" t="str"><f>A1</f><v>公式 &amp; 值</v></c></row>'
         '</sheetData></worksheet>')
STRINGS = (f'<sst xmlns="{MAIN}"><si><t>雷達</t></si>'
           '<si><r><t>漢</t></r><r><rPr><b/></rPr><t>翔</t></r><rPh sb="0" eb="1"><t>かん</t></rPh></si></sst>')
STYLES = (f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/mm/dd hh:mm"/>'
          '</numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="4"/>'
          '</cellXfs></styleSheet>')


def workbook_make(path, *, sheet: str = SHEET, date1904: bool = False, absolute: bool = False, name: str = "甲"):
    target = "/xl/worksheets/sheet1.xml" if absolute else "worksheets/sheet1.xml"
    calendar = ' date1904="1"' if date1904 else ""
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": (f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><workbookPr{calendar}/><sheets>'
                            f'<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                       f'relationships"><Relationship Id="rId1" Target="{target}"/></Relationships>'),
        "xl/sharedStrings.xml": STRINGS, "xl/styles.xml": STYLES, "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def test_rows_come_as_the_import_expects_them(tmp_path):
    workbook = Workbook(workbook_make(tmp_path / "a.xlsx"))
    assert workbook.sheet_names == ["甲"] and workbook.row_count("甲") == 4
    assert list(workbook.rows("甲")) == [
        ("雷達", "漢翔", "行內"),  # shared, rich text without its phonetic guide, inline; a styled blank is None
        (),  # a row the sheet skips
        (date(2011, 3, 18), datetime(2011, 3, 18, 12), 12.5, 7, True, "#N/A", 3),  # a cell without r follows F
        (None, "公式 & 值"),
    ]


def test_1904_dates_and_an_absolute_sheet_path(tmp_path):
    workbook = Workbook(workbook_make(tmp_path / "a.xlsx", date1904=True, absolute=True))
    assert list(workbook.rows("甲"))[2][0] == from_excel(40620, CALENDAR_MAC_1904).date()


def test_a_broken_sheet_is_unreadable_and_refuses_the_import(app, tmp_path):
    path = workbook_make(tmp_path / "a.xlsx", sheet=SHEET[:300], name="國內廠商")
    with pytest.raises(WorkbookUnreadable):
        list(Workbook(path).rows("國內廠商"))
    (tmp_path / "none.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(WorkbookUnreadable):
        Workbook(tmp_path / "none.xlsx")
    result = Importer().run(path, dry_run=False)
    assert not result.written and [p.reason for p in result.problems] == ["檔案已損毀或格式不正確，無法讀取"]


def test_a_large_shared_string_table_reads_back_exactly_from_its_file(tmp_path):
    # more texts than one block of the table's index (8,192), with an empty one, Chinese and an emoji;
    # the table lives in a temporary file, mapped and released as the sheet is read
    texts = [f"個案 {i} 雷達" for i in range(20_000)]
    texts[0], texts[9_000], texts[19_999] = "", "🛰️ 衛星", "last"
    strings = f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{t}</t></si>" for t in texts) + "</sst>"
    picks = [0, 1, 8_191, 8_192, 9_000, 19_999]
    cells = "".join(f'<row r="{n + 1}"><c r="A{n + 1}" t="s"><v>{i}</v></c></row>' for n, i in enumerate(picks))
    path = workbook_make(tmp_path / "a.xlsx", sheet=f'<worksheet xmlns="{MAIN}"><sheetData>{cells}</sheetData>'
                                                    '</worksheet>')
    with zipfile.ZipFile(path) as archive:
        data = {name: archive.read(name) for name in archive.namelist()}
    data["xl/sharedStrings.xml"] = strings.encode()  # this table instead of the small one
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in data.items():
            archive.writestr(name, content)
    workbook = Workbook(path)
    assert len(workbook.strings) == 20_000
    assert [row[0] for row in workbook.rows("甲")] == [texts[i] for i in picks]
    assert [workbook.strings[i] for i in picks] == [texts[i] for i in picks]
    with pytest.raises(IndexError):
        workbook.strings[20_000]
    workbook.close()
