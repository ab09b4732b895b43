"""Import problems a person can fix, refused files, and the 匯入 page."""
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, inspect, select

from icp.extensions import db
from icp.importer import ImportRefused, Importer, errors_annotate, upload_check
from icp.interchange import SPECS, workbook_export
from tests.conftest import csrf_from
from tests.factories import office_make


@pytest.fixture()
def office_workbook(app) -> bytes:
    """The small test office as an interchange workbook, and an empty database to import it into.

    It empties the whole database: ask for it before a logged-in client fixture.
    """
    office_make()
    out = io.BytesIO()
    workbook_export(out)
    db.session.remove()
    db.drop_all()
    db.create_all()
    return out.getvalue()


def stored_rows() -> int:
    return sum(db.session.scalar(select(func.count()).select_from(spec.model)) for spec in SPECS)


class Edit:
    """Change cells of a workbook by sheet, the row whose `match` column holds a value, and attribute name."""

    def __init__(self, data: bytes):
        self.workbook = load_workbook(io.BytesIO(data))

    def keys(self, sheet: str) -> list[str]:
        return [c.value for c in self.workbook[sheet][2]]

    def row_of(self, sheet: str, match: str, value) -> int:
        col = self.keys(sheet).index(match)
        return next(r[0].row for r in self.workbook[sheet].iter_rows(min_row=3) if r[col].value == value)

    def set(self, sheet: str, row: int, key: str, value) -> str:
        col = self.keys(sheet).index(key) + 1
        cell = self.workbook[sheet].cell(row=row, column=col)
        cell.value = value
        return cell.column_letter

    def append(self, sheet: str, values: dict) -> int:
        keys = self.keys(sheet)
        self.workbook[sheet].append([values.get(k) for k in keys])
        return self.workbook[sheet].max_row

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.workbook.save(out)
        return out.getvalue()


def run(tmp_path, data: bytes, *, dry_run=False, name="in.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    upload_check(path)
    return Importer().run(path, dry_run=dry_run), path


def broken(data: bytes) -> tuple[bytes, set]:
    """One error of each kind, in records nothing else refers to; returns the workbook and the expected positions."""
    edit, expected = Edit(data), set()
    row = edit.row_of("分組委員", "name", "委員6")
    expected.add(("分組委員", row, edit.set("分組委員", row, "kind", "路人")))  # not a choice
    row = edit.row_of("會議", "title", "政策指導會議")
    expected.add(("會議", row, edit.set("會議", row, "held_on", "100/13/1")))  # no such date
    row = edit.row_of("會議", "title", "100年第1次推動小組會議")
    expected.add(("會議", row, edit.set("會議", row, "title", "  ")))  # required, blank
    row = edit.row_of("會議", "title", "航太產業分組委員會議")
    expected.add(("會議", row, edit.set("會議", row, "minutes_approved_on", "2011-01-01")))  # before held_on
    row = edit.append("國內廠商", {"name": "新廠商", "ubn": "12345678", "is_defense_supplier": False,
                                   "in_capability_db": False})
    expected.add(("國內廠商", row, edit.keys("國內廠商").index("ubn") and "B"))  # checksum fails
    row = edit.row_of("工業合作個案", "number", "C-100-001")
    expected.add(("工業合作個案", row, edit.set("工業合作個案", row, "multiplier", "兩倍")))  # not a number
    expected.add(("工業合作個案", row, edit.set("工業合作個案", row, "firms", "04595257；99999999")))  # unknown link
    expected.add(("工業合作個案", row, edit.set("工業合作個案", row, "check_forms_complete", "也許")))  # not yes/no
    first = edit.row_of("工業合作協議書", "number", "ICA-100-001")
    sheet = edit.workbook["工業合作協議書"]
    row = edit.append("工業合作協議書", dict(zip(edit.keys("工業合作協議書"), [c.value for c in sheet[first]])))
    expected.add(("工業合作協議書", row, "A"))  # the same agreement twice
    return edit.bytes(), expected


def test_one_error_of_each_kind_is_reported_where_it_is_and_nothing_is_stored(app, tmp_path, office_workbook):
    data, expected = broken(office_workbook)
    result, path = run(tmp_path, data)
    assert {(p.sheet, p.row, p.column) for p in result.problems} == expected
    assert len(result.problems) == len(expected)
    assert not result.written and stored_rows() == 0
    reasons = {(p.sheet, p.header): p for p in result.problems}
    assert "不是有效的選項" in reasons[("分組委員", "委員類別")].reason
    assert reasons[("分組委員", "委員類別")].value == "路人"
    assert reasons[("會議", "開會日期")].reason == "沒有這個日期"
    assert reasons[("會議", "會議名稱")].reason == "此欄為必填"
    assert "不可早於" in reasons[("會議", "紀錄核定日期")].reason
    assert "統一編號" in reasons[("國內廠商", "統一編號")].reason
    assert reasons[("工業合作個案", "乘數")].reason == "應填數字"
    assert "找不到" in reasons[("工業合作個案", "承接單位")].reason
    assert "是" in reasons[("工業合作個案", "申請書及計畫書依格式填列")].reason
    assert "重複" in reasons[("工業合作協議書", "協議書編號")].reason
    counts = {c.sheet: c for c in result.counts}
    assert counts["會議"].rejected == 3 and counts["工業合作個案"].rejected == 1

    marked = load_workbook(io.BytesIO(errors_annotate(path, result.problems)))
    assert marked.sheetnames[0] == "匯入錯誤" and marked["匯入錯誤"].max_row == len(expected) + 1
    for sheet, row, column in expected:
        cell = marked[sheet][f"{column}{row}"]
        assert cell.comment is not None and cell.fill.start_color.rgb.endswith("FFC7CE"), (sheet, row, column)


def test_a_corrected_workbook_imports_completely(app, tmp_path, office_workbook):
    data, _expected = broken(office_workbook)
    assert not run(tmp_path, data)[0].written
    result, _path = run(tmp_path, office_workbook, name="fixed.xlsx")
    assert result.ok and result.written
    assert stored_rows() == sum(c.created for c in result.counts) > 0


def test_a_row_referring_to_a_rejected_row_says_so(app, tmp_path, office_workbook):
    edit = Edit(office_workbook)
    edit.set("工業合作協議書", edit.row_of("工業合作協議書", "number", "ICA-100-001"), "obligation", "很多")
    result, _path = run(tmp_path, edit.bytes())
    case_problem = next(p for p in result.problems if p.sheet == "工業合作個案")
    assert "工業合作協議書" in case_problem.reason and "有錯誤" in case_problem.reason


def test_headers_alone_are_enough_and_blank_rows_are_skipped(app, tmp_path, office_workbook):
    edit = Edit(office_workbook)
    for spec in SPECS:
        edit.workbook[spec.sheet].delete_rows(2)  # no machine-key row: columns found by their Chinese header
    edit.workbook["採購建案單位"].insert_rows(3, 2)  # blank rows in the middle
    result, _path = run(tmp_path, edit.bytes())
    assert result.ok and result.written, result.problems


def test_merged_header_cells_and_a_title_row_are_read(app, tmp_path, office_workbook):
    """A sheet laid out by hand: a merged title row, a group header merged over two columns with their
    headers under it, every other header merged down over two rows; the machine-key row removed."""
    from openpyxl.utils import get_column_letter

    edit = Edit(office_workbook)
    sheet = edit.workbook["工業合作個案"]
    keys = edit.keys("工業合作個案")
    sheet.delete_rows(2)
    sheet.insert_rows(1, 2)
    last = get_column_letter(sheet.max_column)
    sheet["A1"] = "工業合作個案清單"
    sheet.merge_cells(f"A1:{last}1")
    sheet["A2"] = "個案"
    sheet.merge_cells("A2:B2")  # 個案 over 個案編號 and 個案名稱 (row 3)
    for col in range(3, sheet.max_column + 1):
        letter = get_column_letter(col)
        sheet[f"{letter}2"], sheet[f"{letter}3"] = sheet[f"{letter}3"].value, None
        sheet.merge_cells(f"{letter}2:{letter}3")
    row = next(r[0].row for r in sheet.iter_rows(min_row=4) if r[0].value == "C-100-001")
    letter = get_column_letter(keys.index("multiplier") + 1)
    sheet[f"{letter}{row}"] = "兩倍"
    result, _path = run(tmp_path, edit.bytes())
    assert [(p.sheet, p.row, p.column, p.header) for p in result.problems] == [
        ("工業合作個案", row, letter, "乘數")] and not result.written
    sheet[f"{letter}{row}"] = 2
    result, _path = run(tmp_path, edit.bytes(), name="fixed.xlsx")
    assert result.ok and result.written, result.problems
    cases = next(c for c in result.counts if c.sheet == "工業合作個案")
    assert cases.created == sheet.max_row - 3 > 0
    assert not any("不是匯入欄位" in note for note in result.notes)


def test_progress_is_reported_per_sheet_up_to_its_rows(app, tmp_path, office_workbook):
    path = tmp_path / "office.xlsx"
    path.write_bytes(office_workbook)
    seen: dict[str, list] = {}
    result = Importer(progress=lambda sheet, done, total: seen.setdefault(sheet, []).append((done, total))).run(
        path, dry_run=True)
    assert result.ok and set(seen) == {c.sheet for c in result.counts}
    for count in result.counts:
        reports = seen[count.sheet]
        assert reports[0][0] == 0 and reports[-1][0] == reports[-1][1] >= count.created


def test_cli_import_without_a_terminal_prints_each_sheet_once(app, tmp_path, office_workbook):
    path = tmp_path / "office.xlsx"
    path.write_bytes(office_workbook)
    result = app.test_cli_runner().invoke(args=["icp", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run: nothing written" in result.output
    lines = result.output.splitlines()
    for spec in SPECS:  # its bar's label once, and its line in the counts table
        assert sum(line.split("\t")[0].strip() == spec.sheet for line in lines) == 2
    assert "\r" not in result.output


# Refused files ------------------------------------------------------------------------------------------
def test_too_large_a_file_is_refused(app, tmp_path, office_workbook):
    app.config["IMPORT_MAX_BYTES"] = 1000
    path = tmp_path / "big.xlsx"
    path.write_bytes(office_workbook)
    with pytest.raises(ImportRefused, match="過大"):
        upload_check(path)


@pytest.mark.parametrize("content", [b"name,ubn\n", b"PK\x03\x04 not really a zip", b""])
def test_a_file_that_is_not_an_xlsx_is_refused_whatever_its_name(app, tmp_path, content):
    path = tmp_path / "data.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match="不是 Excel"):
        upload_check(path)


def test_a_zip_without_a_workbook_part_is_refused(app, tmp_path):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ImportRefused, match="不是 Excel"):
        upload_check(path)


def test_a_zip_bomb_is_refused_from_its_directory(app, tmp_path, office_workbook):
    app.config["IMPORT_MAX_UNZIPPED_BYTES"] = 5 * 1024 * 1024
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(office_workbook)) as original:
            for item in original.infolist():
                archive.writestr(item, original.read(item))
        with archive.open("xl/media/padding.xml", "w") as part:
            for _ in range(8):
                part.write(b"\0" * (1024 * 1024))
    assert path.stat().st_size < 100_000  # small on disk, 8 MB unpacked
    with pytest.raises(ImportRefused, match="解壓縮後過大"):
        upload_check(path)


def test_xml_entity_tricks_are_refused(app, tmp_path, office_workbook):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    path = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(office_workbook)) as original:
            for item in original.infolist():
                data = original.read(item)
                if item.filename == "xl/workbook.xml":
                    data = data.replace(b"?>", b"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", 1)
                archive.writestr(item, data)
        archive.writestr("xl/sharedStrings2.xml", laughs)
    with pytest.raises(ImportRefused, match="DTD"):
        upload_check(path)


# The 匯入 page ------------------------------------------------------------------------------------------
@pytest.fixture()
def import_dir(app, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    app.config["IMPORT_IN_BACKGROUND"] = False  # the thread path has its own test, on a file database
    return tmp_path / "imports"


def upload(client, data: bytes, name: str = "office.xlsx"):
    page = client.get("/admin/import/")
    return client.post("/admin/import/", data={"csrf_token": csrf_from(page.text),
                                               "workbook": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_viewers_may_not_import(app, viewer, import_dir):
    assert viewer.get("/admin/import/").status_code == 403
    assert viewer.get("/admin/import/template.xlsx").status_code == 403
    assert viewer.post("/admin/import/commit", data={"token": "x" * 43}).status_code == 403


def test_editor_dry_runs_then_commits_once(app, office_workbook, editor, import_dir):
    page = upload(editor, office_workbook)
    assert page.status_code == 200 and "試匯入無誤" in page.text and stored_rows() == 0
    assert 'src="/static/import/import.js"' in page.text and "js-once" in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    form = {"csrf_token": csrf_from(page.text), "token": token}
    done = editor.post("/admin/import/commit", data=form, follow_redirects=True)
    assert "已匯入" in done.text and stored_rows() > 0
    stored = stored_rows()
    again = editor.post("/admin/import/commit", data=form, follow_redirects=True)
    assert "未重複匯入" in again.text and stored_rows() == stored


def test_page_lists_problems_and_offers_the_marked_copy(app, office_workbook, editor, import_dir):
    data, expected = broken(office_workbook)
    page = upload(editor, data)
    assert f"發現 {len(expected)} 個錯誤" in page.text and "確認匯入" not in page.text
    assert "沒有這個日期" in page.text and "100/13/1" in page.text
    link = re.search(r'href="(/admin/import/errors/[^"]+\.xlsx)"', page.text).group(1)
    marked = load_workbook(io.BytesIO(editor.get(link).data))
    assert marked["匯入錯誤"].max_row == len(expected) + 1
    assert stored_rows() == 0


def test_the_page_refuses_a_file_that_is_not_a_workbook(app, editor, import_dir):
    page = upload(editor, b"just text", "fake.xlsx")
    assert "不是 Excel 活頁簿" in page.text and stored_rows() == 0
    assert list(import_dir.iterdir()) == []


def test_the_page_refuses_a_file_above_the_limit(app, office_workbook, editor, import_dir):
    app.config["IMPORT_MAX_BYTES"] = 1000
    page = upload(editor, office_workbook)
    assert "檔案過大" in page.text and stored_rows() == 0


def test_another_session_cannot_use_the_token_or_marked_copy(app, office_workbook, editor, admin, import_dir):
    page = upload(editor, office_workbook)
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    admin_page = admin.get("/admin/import/")
    response = admin.post("/admin/import/commit", data={"csrf_token": csrf_from(admin_page.text), "token": token})
    assert response.status_code == 404 and stored_rows() == 0
    assert admin.get(f"/admin/import/errors/{token}.xlsx").status_code == 404


def test_the_template_downloads(app, editor, import_dir):
    response = editor.get("/admin/import/template.xlsx")
    assert response.status_code == 200
    assert "說明" in load_workbook(io.BytesIO(response.data)).sheetnames


def test_a_confirmed_import_runs_in_the_background_reports_progress_and_is_the_uploaders(app, tmp_path,
                                                                                         office_workbook):
    import time

    from app import create_app
    from models import AuditLog
    from tests.conftest import RequestIsolatedClient, login, user_make

    threaded = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'threaded.db'}",
                           "IMPORT_DIR": str(tmp_path / "imports"), "IMPORT_IN_BACKGROUND": True})
    threaded.test_client_class = RequestIsolatedClient
    with threaded.app_context():
        db.create_all()
        editor_id = user_make("editor", username="editor-user").id
        client = threaded.test_client()
        login(client, "editor-user")
        page = upload(client, office_workbook)
        token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
        form = {"csrf_token": csrf_from(page.text), "token": token}
        started = db.session.scalar(select(func.max(AuditLog.at)))
        response = client.post("/admin/import/commit", data=form)
        assert response.status_code == 302 and response.location.endswith(f"/admin/import/run/{token}")
        states = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = client.get(f"/admin/import/status/{token}").get_json()
            states.append(status["state"])
            if status["state"] != "running":
                break
            assert "message" in status
            time.sleep(0.05)
        assert states[-1] == "done"
        again = client.post("/admin/import/commit", data=form, follow_redirects=True)
        assert "未重複匯入" in again.text
        result = client.get(f"/admin/import/run/{token}")
        assert "已匯入" in result.text and 'id="import-counts"' in result.text
        db.session.remove()
        assert stored_rows() > 0
        logged = db.session.execute(select(AuditLog.user_id, AuditLog.username, AuditLog.source)
                                    .where(AuditLog.at > started)).all()
        assert logged and set(logged) == {(editor_id, "editor-user", "import")}
        assert client.get(f"/admin/import/status/{'x' * 43}").status_code == 404
        db.session.remove()
        db.engine.dispose()


def test_the_progress_page_polls_with_external_script(app, office_workbook, editor, import_dir):
    from views.importer import status_write

    page = upload(editor, office_workbook)
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    status_write(import_dir / f"{token}.status.json", {"state": "running", "sheet": "購案", "done": 200, "total": 800})
    running = editor.get(f"/admin/import/run/{token}")
    assert 'id="import-progress"' in running.text and f"/admin/import/status/{token}" in running.text
    assert "<script>" not in running.text and 'src="/static/import/import.js"' in running.text
    assert editor.get(f"/admin/import/status/{token}").get_json()["percent"] == 25


def test_a_unique_value_taken_in_the_workbook_or_the_database_is_refused_like_the_form_does(app, tmp_path,
                                                                                            office_workbook):
    from datetime import date

    sheet = "自製能量評估"
    first = {"requesting_unit": "國防部軍備局", "item": "無人機酬載", "requested_on": date(2011, 2, 1),
             "report_number": "R-100-01"}
    edit = Edit(office_workbook)
    edit.append(sheet, first)
    row = edit.append(sheet, {**first, "item": "另一項目"})  # another record, the same 報告文號
    result, _path = run(tmp_path, edit.bytes())
    assert [(p.sheet, p.row, p.reason) for p in result.problems] == [(sheet, row, "已有相同「報告文號」的紀錄")]
    assert stored_rows() == 0
    edit = Edit(office_workbook)
    edit.append(sheet, first)
    assert run(tmp_path, edit.bytes(), name="first.xlsx")[0].written
    edit = Edit(office_workbook)
    edit.append(sheet, {**first, "item": "另一項目"})
    result, _path = run(tmp_path, edit.bytes(), name="again.xlsx")
    assert [(p.sheet, p.reason) for p in result.problems] == [(sheet, "已有相同「報告文號」的紀錄")]


def test_two_pre_approvals_that_together_over_commit_an_agreement_are_refused(app, tmp_path, office_workbook):
    # each alone fits the 60,000,000 obligation; the second takes the agreement to 80,000,000 (same chunk)
    edit = Edit(office_workbook)
    rows = [edit.append("審議結果", {"case": "C-100-001", "meeting": "工業合作推動小組會議@2011-03-17",
                                     "kind": "預核通過", "approved_value": 40_000_000, "multiplier": 1,
                                     "currency": "USD"}) for _ in range(2)]
    result, _path = run(tmp_path, edit.bytes())
    assert not result.written
    assert [(p.sheet, p.row) for p in result.problems] == [("審議結果", rows[1])], result.problems
    assert "超過其工業合作額度" in result.problems[0].reason


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def test_imported_records_are_stored_and_logged_as_the_orm_writes_them(app, tmp_path, office_workbook):
    # The import writes new records set-based: every record must hold its defaults, links and derived
    # values, and its history must replay to exactly what is stored, as for a record saved through a form.
    from icp.credits import credit_compute
    from icp.ledger import case_status_of
    from models import AuditLog, CaseDecision, IcpCase

    edit = Edit(office_workbook)
    for kind, value, multiplier in (("預核通過", 20_000_000, 1), ("實核通過", 1_000_000, 2)):
        edit.append("審議結果", {"case": "C-100-001", "meeting": "工業合作推動小組會議@2011-03-17", "kind": kind,
                                 "approved_value": value, "multiplier": multiplier, "currency": "USD"})
    result, _path = run(tmp_path, edit.bytes())
    assert result.ok and result.written
    records = 0
    for spec in SPECS:
        mapper = inspect(spec.model)
        for record in db.session.scalars(select(spec.model)):
            records += 1
            entries = db.session.scalars(select(AuditLog).where(
                AuditLog.record_type == spec.model.__tablename__, AuditLog.record_id == record.id)
                .order_by(AuditLog.id)).all()
            assert entries and entries[0].action == "create", (spec.sheet, record.id)
            assert {e.source for e in entries} == {"import"} and entries[-1].version == record.version_id
            assert entries[-1].record_label == str(record)
            replayed = {}
            for entry in entries:
                replayed.update({k: new for k, (_old, new) in entry.changes.items()})
            stored = {attr.key: _plain(getattr(record, attr.key)) for attr in mapper.column_attrs
                      if attr.key != "version_id"}
            stored.update({rel.key: sorted(item.id for item in getattr(record, rel.key))
                           for rel in mapper.relationships if rel.secondary is not None})
            assert {k: v for k, v in replayed.items() if v not in (None, [])} == \
                {k: v for k, v in stored.items() if v not in (None, [])}, (spec.sheet, record.id)
    assert records == stored_rows() == sum(c.created for c in result.counts)
    case = db.session.scalar(select(IcpCase))
    assert case.credit == credit_compute(value=case.actual_value, multiplier=case.multiplier)
    assert case.status == case_status_of(case.decisions) == "實核通過" and case.version_id == 2
    assert sorted(d.credits for d in db.session.scalars(select(CaseDecision))) == [Decimal("2000000.00"),
                                                                                     Decimal("20000000.00")]


def test_a_reimport_raising_a_pre_approval_between_new_ones_checks_them_all_together(app, tmp_path,
                                                                                   office_workbook):
    # stored: 30,000,000 pre-approved of the 60,000,000 obligation. The re-import adds 5,000,000 at a new
    # meeting, raises the stored one to 50,000,000 (an update), then adds 10,000,000: the last row takes the
    # agreement to 65,000,000 and is refused (the running total must take in the update between them).
    row = {"case": "C-100-001", "meeting": "工業合作推動小組會議@2011-03-17", "kind": "預核通過",
           "approved_value": 30_000_000, "multiplier": 1, "currency": "USD"}
    later = {**row, "meeting": "工業合作推動小組會議@2011-06-01"}

    def workbook(*rows) -> tuple[bytes, list[int]]:
        edit = Edit(office_workbook)
        edit.append("會議", {"kind": "工業合作推動小組會議", "sequence": 2, "held_on": date(2011, 6, 1),
                              "title": "100年第2次推動小組會議"})
        numbers = [edit.append("審議結果", r) for r in rows]
        return edit.bytes(), numbers

    assert run(tmp_path, workbook(row)[0], name="first.xlsx")[0].written
    unraised, _rows = workbook({**later, "approved_value": 5_000_000}, row, {**later, "approved_value": 10_000_000})
    assert run(tmp_path, unraised, name="unraised.xlsx", dry_run=True)[0].ok  # 45,000,000: fits
    data, rows = workbook({**later, "approved_value": 5_000_000}, {**row, "approved_value": 50_000_000},
                          {**later, "approved_value": 10_000_000})
    result, _path = run(tmp_path, data, name="raised.xlsx")
    assert [(p.sheet, p.row) for p in result.problems] == [("審議結果", rows[2])], result.problems
    assert "65,000,000.00" in result.problems[0].reason and not result.written


def test_a_multiplier_outside_a_rule_of_the_same_workbook_is_refused(app, tmp_path, office_workbook):
    # the rule sheet comes before the cases: its rows are written, then read once for the cases sheet
    edit = Edit(office_workbook)
    edit.append("乘數標準", {"case_type": "技術移轉", "min_multiplier": 1, "max_multiplier": 3,
                              "effective_from": date(2011, 1, 1)})
    row = edit.row_of("工業合作個案", "number", "C-100-001")
    column = edit.set("工業合作個案", row, "multiplier", 4)
    edit.set("工業合作個案", row, "submitted_on", date(2011, 5, 1))
    result, _path = run(tmp_path, edit.bytes())
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("工業合作個案", row, column)], result.problems
    assert "乘數須介於 1 與 3 之間" in result.problems[0].reason and not result.written
    edit.set("工業合作個案", row, "multiplier", 3)
    assert run(tmp_path, edit.bytes(), name="fits.xlsx")[0].written


@pytest.fixture()
def tiny_chunks(monkeypatch):
    """Rows validated two at a time and nothing remembered from one chunk to the next: what a large file does
    at every chunk boundary (the keys of earlier chunks are asked of the database and the scratch counts)."""
    import icp.importer

    monkeypatch.setattr(icp.importer, "FLUSH_EVERY", 2)
    monkeypatch.setattr(icp.importer, "KEYS_HELD", 0)
    monkeypatch.setattr(icp.importer, "REFERENCES_HELD", 0)


def test_keys_are_matched_across_chunks_as_within_one(app, tmp_path, office_workbook, tiny_chunks):
    edit = Edit(office_workbook)
    trip = {"plan_name": "國際合作考察", "topic": "航太供應鏈", "obtained_on": date(2011, 9, 1)}
    rule = {"case_type": "技術移轉", "min_multiplier": 1, "max_multiplier": 3, "effective_from": date(2011, 1, 1)}
    edit.append("出國報告", trip)
    edit.append("出國報告", trip)  # the same key twice: allowed in this sheet, matched in order
    edit.append("乘數標準", rule)  # its 國防類別 blank: a key with a blank part
    first = edit.bytes()
    result, _path = run(tmp_path, first, name="first.xlsx")
    assert result.written, result.problems
    created = {c.sheet: c.created for c in result.counts}
    assert created["出國報告"] == 2 and created["乘數標準"] == 1

    again, _path = run(tmp_path, first, name="again.xlsx")
    assert again.ok and sum(c.created + c.updated for c in again.counts) == 0, again.counts

    edit = Edit(first)
    edit.append("出國報告", trip)  # a third: the stored two are matched, this one is new
    row = edit.row_of("工業合作協議書", "number", "ICA-100-001")
    sheet = edit.workbook["工業合作協議書"]
    duplicate = edit.append("工業合作協議書", dict(zip(edit.keys("工業合作協議書"), [c.value for c in sheet[row]])))
    result, _path = run(tmp_path, edit.bytes(), name="third.xlsx", dry_run=True)
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("工業合作協議書", duplicate, "A")]
    assert "與本工作表前面的列重複" in result.problems[0].reason
    counts = {c.sheet: c for c in result.counts}
    assert (counts["出國報告"].created, counts["出國報告"].unchanged) == (1, 2)
    assert counts["乘數標準"].unchanged == 1 and counts["乘數標準"].created == 0


def test_case_statuses_are_settled_once_when_their_decisions_span_chunks(app, tmp_path, office_workbook, tiny_chunks,
                                                                         monkeypatch):
    # With one row per chunk, a case's decisions fall in different chunks; its status is recomputed once,
    # at the end of the sheet, from every decision written, and logged as one update.
    import icp.importer
    from icp.ledger import case_status_of
    from models import AuditLog, IcpCase

    monkeypatch.setattr(icp.importer, "FLUSH_EVERY", 1)

    edit = Edit(office_workbook)
    edit.append("會議", {"kind": "工業合作推動小組會議", "sequence": 2, "held_on": date(2011, 6, 1),
                          "title": "100年第2次推動小組會議"})
    edit.append("審議結果", {"case": "C-100-001", "meeting": "工業合作推動小組會議@2011-06-01", "kind": "再協商"})
    edit.append("審議結果", {"case": "C-100-001", "meeting": "工業合作推動小組會議@2011-06-01", "kind": "展延"})
    result, _path = run(tmp_path, edit.bytes())
    assert result.written, result.problems
    cases = db.session.scalars(select(IcpCase)).all()
    assert max(len(case.decisions) for case in cases) >= 2
    for case in cases:
        assert case.status == case_status_of(case.decisions), case.number
        updates = db.session.scalars(select(AuditLog).where(AuditLog.record_type == "icp_case",
                                                            AuditLog.record_id == case.id,
                                                            AuditLog.action == "update")).all()
        assert len(updates) == (1 if case.decisions else 0), case.number
        if updates:
            assert updates[0].changes["status"][1] == case.status
            assert case.version_id == 2
