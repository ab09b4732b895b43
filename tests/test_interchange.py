"""The interchange workbook: its layout, the exact round trip of the demo office, and cell normalisation."""
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from icp.extensions import db
from icp.importer import Importer, ValueProblem, date_parse, number_parse, text_clean, value_parse
from icp.interchange import SPECS, fields_of, workbook_export
from models import AuditLog, CaseDecision, IcpCase, Meeting
from tests.factories import office_make


def export_bytes(**options) -> bytes:
    out = io.BytesIO()
    workbook_export(out, **options)
    return out.getvalue()


def cells_of(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}


def import_file(tmp_path, data: bytes, *, dry_run: bool = False, name: str = "in.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return Importer().run(path, dry_run=dry_run)


def schema_reset() -> None:
    db.session.remove()
    db.drop_all()
    db.create_all()


def test_export_has_a_sheet_per_record_table_with_labels_and_hidden_keys(app):
    office_make()
    workbook = load_workbook(io.BytesIO(export_bytes()))
    assert workbook.sheetnames == ["說明"] + [spec.sheet for spec in SPECS]
    sheet = workbook["工業合作個案"]
    headers = [c.value for c in sheet[1]]
    keys = [c.value for c in sheet[2]]
    assert sheet.row_dimensions[2].hidden
    assert "個案編號" in headers and "協議書" in headers and "承接單位" in headers
    assert "number" in keys and "agreement" in keys and "firms" in keys
    for derived in ("credit", "status", "version_id", "id", "agreement_id"):
        assert derived not in keys
    row = dict(zip(keys, [c.value for c in sheet[3]]))
    assert row["agreement"] == "ICA-100-001"
    assert row["firms"] == "04595257；22099131"  # many-to-many as natural keys
    assert isinstance(row["actual_value"], (int, float)) and row["check_forms_complete"] is True
    meetings = workbook["會議"]
    assert "工業合作推動小組會議" in [c.value for c in meetings["A"]]


def test_export_keeps_formula_looking_text_as_text(app):
    office = office_make()
    office["contractor"].name_en = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    sheet = load_workbook(io.BytesIO(export_bytes()))["國外承商"]
    cell = next(c for c in sheet[3] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.quotePrefix


def test_demo_round_trip_is_cell_for_cell_and_a_second_import_changes_nothing(app, tmp_path):
    from icp.demo import demo_load

    demo_load()
    first = export_bytes()
    schema_reset()
    result = import_file(tmp_path, first)
    assert result.problems == [] and result.written
    assert sum(c.created for c in result.counts) == sum(len(rows) - 2 for rows in list(cells_of(first).values())[1:])
    assert cells_of(export_bytes()) == cells_of(first)

    logged = db.session.scalar(select(func.count()).select_from(AuditLog))
    again = import_file(tmp_path, first, name="again.xlsx")
    assert again.problems == []
    assert sum(c.created for c in again.counts) == 0 and sum(c.updated for c in again.counts) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == logged
    # derived values are recomputed on the way in
    assert db.session.scalar(select(func.sum(IcpCase.credit))) > 0
    assert db.session.scalar(select(func.count()).select_from(CaseDecision)) == len(cells_of(first)["審議結果"]) - 2


def test_changed_cell_updates_only_that_field_and_logs_it(app, tmp_path):
    office_make()
    data = export_bytes()
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["會議"]
    keys = [c.value for c in sheet[2]]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[keys.index("title")].value == "政策指導會議")
    row[keys.index("chair")].value = "部長"
    out = io.BytesIO()
    workbook.save(out)
    result = import_file(tmp_path, out.getvalue())
    counts = {c.sheet: c for c in result.counts}
    assert counts["會議"].updated == 1 and counts["會議"].unchanged == 2
    assert sum(c.updated for c in result.counts) == 1
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "政策指導會議"))
    entry = db.session.scalars(select(AuditLog).where(AuditLog.record_type == "meeting",
                                                      AuditLog.record_id == meeting.id)
                               .order_by(AuditLog.id.desc())).first()
    assert meeting.chair == "部長" and entry.source == "import" and entry.changes == {"chair": [None, "部長"]}


def test_dry_run_writes_nothing(app, tmp_path):
    office_make()
    data = export_bytes()
    schema_reset()
    result = import_file(tmp_path, data, dry_run=True)
    assert result.ok and not result.written and sum(c.created for c in result.counts) > 0
    assert db.session.scalar(select(func.count()).select_from(IcpCase)) == 0


def test_template_has_one_example_row_per_sheet_and_a_readme(app):
    cells = cells_of(export_bytes(template=True))
    assert "說明" in cells and any("比對鍵" in str(v) for row in cells["說明"] for v in row)
    for spec in SPECS:
        assert len(cells[spec.sheet]) == 3, spec.sheet  # header, keys, one example
    case = dict(zip(cells["工業合作個案"][1], cells["工業合作個案"][2]))
    assert case["agreement"] == dict(zip(cells["工業合作協議書"][1], cells["工業合作協議書"][2]))["number"]


def _field(model, key):
    return next(f for f in fields_of(model) if f.key == key)


@pytest.mark.parametrize("raw, expected", [
    (1234, Decimal(1234)),
    (1234.5, Decimal("1234.5")),
    ("1,234,567", Decimal(1234567)),
    ("１２３，４５６", Decimal(123456)),  # full-width digits and comma
    ("2.11億", Decimal(211_000_000)),
    ("35萬", Decimal(350_000)),
    ("１．５億美元點", Decimal(150_000_000)),
    ("1,000美元點", Decimal(1000)),
    ("NT$ 2,500", Decimal(2500)),
    (" 42 ", Decimal(42)),
    ("-3.5", Decimal("-3.5")),
])
def test_number_normalisation(raw, expected):
    assert number_parse(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "1.2.3", "億", True, "12 apples"])
def test_number_refusals(app, raw):
    with pytest.raises(ValueProblem):
        number_parse(raw)


@pytest.mark.parametrize("raw, expected", [
    ("2011-03-17", date(2011, 3, 17)),
    ("2011/3/17", date(2011, 3, 17)),
    ("100/3/17", date(2011, 3, 17)),
    ("100.03.17", date(2011, 3, 17)),
    ("100年3月17日", date(2011, 3, 17)),
    ("民國100年3月17日", date(2011, 3, 17)),
    ("１００／３／１７", date(2011, 3, 17)),
    ("2011年3月17日", date(2011, 3, 17)),
    (40619, date(2011, 3, 17)),  # Excel serial date
    ("40619", date(2011, 3, 17)),
    (40619.0, date(2011, 3, 17)),
    ("2011-03-17 00:00:00", date(2011, 3, 17)),
])
def test_date_normalisation(raw, expected):
    assert date_parse(raw) == expected


@pytest.mark.parametrize("raw", ["100/13/1", "2011-02-30", "明天", 0, 3.5])
def test_date_refusals(app, raw):
    with pytest.raises(ValueProblem):
        date_parse(raw)


@pytest.mark.parametrize("model, key, raw, expected", [
    (Meeting, "title", "  推動小組會議\u3000 ", "推動小組會議"),  # trailing (full-width) spaces
    (Meeting, "title", "   ", None),
    (Meeting, "sequence", "３", 3),
    (IcpCase, "check_forms_complete", "是", True),
    (IcpCase, "check_forms_complete", "否", False),
    (IcpCase, "check_forms_complete", "TRUE", True),
    (IcpCase, "multiplier", "1.5", Decimal("1.500")),
    (IcpCase, "case_type", " 技術移轉 ", "技術移轉"),
])
def test_cell_normalisation(app, model, key, raw, expected):
    assert value_parse(_field(model, key), raw) == expected


def test_firm_number_typed_as_a_number_keeps_its_leading_zero(app):
    from models import DomesticFirm

    assert value_parse(_field(DomesticFirm, "ubn"), 4595257) == "04595257"
    assert text_clean(2011.0) == "2011"
