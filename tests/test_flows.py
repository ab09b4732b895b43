"""The office's daily work, end to end in headless Chromium, each flow from the login page in 繁體中文.

Every test fails on a request to any host but the app's and on any console or JavaScript error.
"""
import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import func, select

from icp.demo import demo_load
from icp.extensions import db
from models import Agency, Agreement, CaseDecision, Contractor, DomesticFirm, IcpCase
from tests.browser import Watch, login, save, select2_ajax_pick, select2_choose
from tests.conftest import user_make
from tests.factories import decision_make, office_make


@pytest.fixture()
def page(browser_page):
    browser_page.set_viewport_size({"width": 1366, "height": 768})
    return browser_page


def agreement_row(page, number: str) -> dict[str, str]:
    """The cells of one agreement's row on /admin/totals/agreements/, keyed by column header."""
    headers = [h.strip() for h in page.locator("#agreement-totals thead th").all_inner_texts()]
    row = page.locator("#agreement-totals tbody tr").filter(has_text=number)
    return dict(zip(headers, [c.strip() for c in row.locator("td").all_inner_texts()]))


# 1 ------------------------------------------------------------------------------------------------------
def test_editor_logs_in_and_the_dashboard_charts_render(serve, page, tmp_path):
    def seed():
        user_make("editor", "clerk")
        demo_load()
    url, _app, _ = serve(seed)
    watch = Watch(page, url)

    login(page, url, "clerk")

    assert page.url.rstrip("/").endswith("/admin")
    page.wait_for_load_state("networkidle")
    for chart in ("#chart-years", "#chart-types"):
        svg = page.locator(f"{chart} svg, svg{chart}").first
        assert svg.count() == 1, chart
        assert page.locator(f"{chart} rect").count() > 0, chart
        title = page.locator(f"{chart} title").first.text_content()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in title), (chart, title)
    assert page.locator("#chart-years title").first.text_content().startswith("歷年實核額度")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    watch.check()


# 2 ------------------------------------------------------------------------------------------------------
def test_register_a_case_from_contractor_to_approval_and_see_the_credit_on_the_totals_page(serve, page, tmp_path):
    def seed():
        user_make("editor", "clerk")
        db.session.add(Agency(name="國防部"))
        db.session.commit()
    url, app, _ = serve(seed)
    watch = Watch(page, url)
    login(page, url, "clerk")

    page.goto(f"{url}/admin/contractor/new/")
    page.fill("#name_zh", "洛克希德馬丁公司")
    page.fill("#name_en", "Lockheed Martin")
    page.fill("#country", "US")
    save(page, "/admin/contractor/")

    page.goto(f"{url}/admin/procurement/new/")
    page.fill("#title", "F-16戰機性能提升案")
    select2_choose(page, "agency", "國防部")
    page.fill("#year", "2011")
    page.fill("#contract_value", "300000000")
    save(page, "/admin/procurement/")

    page.goto(f"{url}/admin/agreement/new/")
    page.fill("#number", "ICA-100-777")
    select2_choose(page, "procurement", "F-16戰機性能提升案")
    select2_ajax_pick(page, "contractor", "洛克", "洛克希德馬丁公司")
    page.fill("#signed_on", "2011-05-01")
    page.keyboard.press("Escape")
    select2_choose(page, "status", "已簽署")
    page.fill("#obligation", "10000000")
    select2_choose(page, "obligation_currency", "USD")
    page.fill("#deadline", "2016-05-01")
    page.keyboard.press("Escape")
    save(page, "/admin/agreement/")

    for name, ubn in (("漢翔航空工業", "04595257"), ("中山科學研究院", "22099131")):
        page.goto(f"{url}/admin/firm/new/")
        page.fill("#name", name)
        page.fill("#ubn", ubn)
        save(page, "/admin/firm/")
    page.screenshot(path=str(tmp_path / "firm-list.png"), full_page=True)

    page.goto(f"{url}/admin/case/new/")
    page.fill("#number", "C-100-777")
    page.fill("#title", "雷達模組技術移轉")
    select2_ajax_pick(page, "agreement", "ICA-100", "ICA-100-777")
    select2_ajax_pick(page, "firms", "漢翔", "漢翔航空工業")
    select2_ajax_pick(page, "firms", "22099131", "中山科學研究院")
    select2_choose(page, "case_type", "技術移轉")
    select2_choose(page, "field", "航太")
    select2_choose(page, "defense_class", "間接國防工合")
    page.fill("#actual_value", "1234567.89")
    select2_choose(page, "currency", "USD")
    page.fill("#multiplier", "3")
    for box in page.locator("input[type=checkbox][id^=check_]").all():
        box.check()
    save(page, "/admin/case/")

    page.goto(f"{url}/admin/meeting/new/")
    select2_choose(page, "kind", "工業合作推動小組會議")
    page.fill("#sequence", "7")
    page.fill("#held_on", "2011-06-15")
    page.keyboard.press("Escape")
    page.fill("#title", "100年第7次推動小組會議")
    save(page, "/admin/meeting/")

    def decide(kind: str, multiplier: str, value: str):
        page.goto(f"{url}/admin/decision/new/")
        select2_choose(page, "meeting", "100年第7次推動小組會議")
        select2_ajax_pick(page, "case", "C-100-777", "C-100-777")
        select2_choose(page, "kind", kind)
        page.fill("#approved_value", value)
        page.fill("#multiplier", multiplier)
        select2_choose(page, "currency", "USD")
        save(page, "/admin/decision/")

    decide("預核通過", "3", "1234567.89")
    page.goto(f"{url}/admin/totals/agreements/")
    row = agreement_row(page, "ICA-100-777")
    credit = Decimal("1234567.89") * 3
    assert row["工業合作額度"] == "10,000,000 USD", row
    assert row["預核額度"] == f"{credit:,.2f}", row
    assert row["實核額度"] == "0" and row["尚待履行"] == "10,000,000", row

    decide("實核通過", "3", "1234567.89")
    page.goto(f"{url}/admin/totals/agreements/")
    row = agreement_row(page, "ICA-100-777")
    assert row["實核額度"] == f"{credit:,.2f}", row
    assert row["尚待履行"] == f"{Decimal('10000000') - credit:,.2f}", row

    with app.app_context():
        case = db.session.scalars(select(IcpCase).where(IcpCase.number == "C-100-777")).one()
        assert sorted(f.ubn for f in case.firms) == ["04595257", "22099131"]
        assert case.agreement.number == "ICA-100-777" and case.case_type == "技術移轉"
        assert db.session.scalar(select(func.count()).select_from(CaseDecision)) == 2
    watch.check()


# 3 ------------------------------------------------------------------------------------------------------
def test_bad_unified_business_number_and_negative_amounts_are_refused_in_chinese_and_nothing_is_stored(serve, page):
    def seed():
        user_make("editor", "clerk")
        db.session.add(Contractor(name_zh="雷神公司", name_en="Raytheon", country="US"))
        db.session.commit()
    url, app, _ = serve(seed)
    watch = Watch(page, url)
    login(page, url, "clerk")
    page.goto(f"{url}/admin/firm/")  # an editor has the create control a viewer must not (flow 4)
    assert page.locator("a[href*='/admin/firm/new']").count() > 0

    page.goto(f"{url}/admin/firm/new/")
    page.fill("#name", "測試工業")
    page.fill("#ubn", "12345678")
    page.fill("#paid_in_capital", "-5000000")
    page.click("input[type=submit][value='儲存']")
    page.wait_for_load_state()
    assert "/admin/firm/new/" in page.url
    assert "統一編號須為 8 位數字且通過檢查碼驗證" in feedback(page, "ubn")
    assert "不可小於 0" in feedback(page, "paid_in_capital")

    page.goto(f"{url}/admin/agreement/new/")
    page.fill("#number", "ICA-100-888")
    select2_ajax_pick(page, "contractor", "雷神", "雷神公司")
    page.fill("#obligation", "-10000000")
    page.click("input[type=submit][value='儲存']")
    page.wait_for_load_state()
    assert "/admin/agreement/new/" in page.url
    assert re.search(r"不可小於 0|必須大於 0", feedback(page, "obligation")), feedback(page, "obligation")

    # a good form whose CSRF token was taken out of the page (a forged cross-site post) is refused too
    page.goto(f"{url}/admin/firm/new/")
    page.fill("#name", "測試工業")
    page.fill("#ubn", "04595257")
    token = page.locator("form:has(#ubn) input[name=csrf_token]")
    assert token.count() == 1
    token.evaluate("input => input.remove()")
    page.click("input[type=submit][value='儲存']")
    page.wait_for_load_state()
    assert "/admin/firm/new/" in page.url
    assert "安全憑證無效（CSRF 憑證不存在。）" in " ".join(page.locator(".alert").all_inner_texts())

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DomesticFirm)) == 0
        assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0
    watch.check()


def feedback(page, field_id: str) -> str:
    """The error text shown next to a form field."""
    return " ".join(page.locator(f".form-group:has(#{field_id}) .invalid-feedback").all_inner_texts())


# 4 ------------------------------------------------------------------------------------------------------
VIEWER_LISTS = ("contractor", "firm", "procurement", "agreement", "case", "meeting", "decision")


def test_viewer_sees_no_edit_controls_and_a_direct_edit_is_refused(serve, page, tmp_path):
    def seed():
        user_make("viewer", "reader")
        return {name: record.id for name, record in office_make().items() if name in ("contractor", "case")}
    url, app, ids = serve(seed)
    watch = Watch(page, url)
    login(page, url, "reader")

    for endpoint in VIEWER_LISTS:
        page.goto(f"{url}/admin/{endpoint}/")
        assert page.locator("table").count() > 0, endpoint
        controls = page.locator(f"a[href*='/admin/{endpoint}/new'], a[href*='/admin/{endpoint}/edit'], "
                                f"form[action*='/admin/{endpoint}/delete'], a[href*='/admin/{endpoint}/delete']")
        assert controls.count() == 0, (endpoint, [c.evaluate("e => e.outerHTML") for c in controls.all()])
        for name in ("新增", "編輯", "刪除"):
            assert page.get_by_role("link", name=name, exact=True).count() == 0, (endpoint, name)
            assert page.get_by_role("button", name=name, exact=True).count() == 0, (endpoint, name)
        assert page.locator("input[type=checkbox][name=rowid]").count() == 0, endpoint  # no bulk actions
        if endpoint == "case":
            page.screenshot(path=str(tmp_path / "case-list.png"), full_page=True)

    page.goto(f"{url}/admin/contractor/details/?id={ids['contractor']}")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for endpoint, data in (("contractor", {"name_zh": "改名公司", "name_en": "Renamed", "country": "US"}),
                           ("case", {"title": "改名個案"})):
        response = page.request.post(f"{url}/admin/{endpoint}/edit/?id={ids[endpoint]}",
                                     form={**data, "csrf_token": token}, max_redirects=0)
        assert response.status == 403, (endpoint, response.status)
    for path in ("/admin/contractor/new/", f"/admin/contractor/edit/?id={ids['contractor']}"):
        assert page.request.get(f"{url}{path}", max_redirects=0).status == 403, path
    response = page.request.post(f"{url}/admin/contractor/delete/", form={"id": str(ids["contractor"]),
                                                                          "csrf_token": token}, max_redirects=0)
    assert response.status == 403

    with app.app_context():
        assert db.session.get(Contractor, ids["contractor"]).name_zh == "雷神公司"
        assert db.session.get(IcpCase, ids["case"]).title == "雷達模組技術移轉"
    watch.check(allowed_errors=())


# 5 ------------------------------------------------------------------------------------------------------
def test_switch_the_language_to_english_and_back(serve, page):
    def seed():
        user_make("editor", "clerk")
        db.session.add(Contractor(name_zh="雷神公司", name_en="Raytheon", country="US"))
        db.session.commit()
    url, _app, _ = serve(seed)
    watch = Watch(page, url)
    login(page, url, "clerk")
    page.goto(f"{url}/admin/contractor/")

    def header_texts() -> str:
        return " ".join(page.locator("table thead th").all_inner_texts())

    assert "國外承商" in page.title() and "中文名稱" in header_texts()
    assert page.locator("#lang-menu").inner_text().strip() == "語言"

    page.click("#lang-menu")
    with page.expect_navigation():
        page.click(".dropdown-menu a.dropdown-item:text-is('English')")
    page.wait_for_url("**/admin/contractor/**")
    assert page.locator("#lang-menu").inner_text().strip() == "Language"
    assert "Foreign contractor" in page.title() and "國外承商" not in page.title()
    assert "Chinese name" in header_texts() and "中文名稱" not in header_texts()
    assert page.get_by_role("button", name="Log out").count() == 1
    assert page.locator("td", has_text="雷神公司").count() == 1  # data is not translated
    page.goto(f"{url}/admin/firm/")  # the choice holds on the next page
    assert page.locator("#lang-menu").inner_text().strip() == "Language"

    page.click("#lang-menu")
    with page.expect_navigation():
        page.click(".dropdown-menu a.dropdown-item:text-is('繁體中文')")
    assert page.locator("#lang-menu").inner_text().strip() == "語言"
    assert page.get_by_role("button", name="登出").count() == 1
    page.goto(f"{url}/admin/contractor/")
    assert "國外承商" in page.title() and "中文名稱" in header_texts()
    watch.check()


# 6 ------------------------------------------------------------------------------------------------------
def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def row_index(rows: list[list], text: str) -> int:
    """The first row holding a cell equal to `text`."""
    return next(i for i, row in enumerate(rows) if text in row)


def test_export_a_filtered_case_list_and_the_2011_annual_report(serve, page, tmp_path):
    def seed():
        user_make("editor", "clerk")
        demo_load()
    url, app, _ = serve(seed)
    watch = Watch(page, url)
    login(page, url, "clerk")

    page.goto(f"{url}/admin/case/")
    page.fill("input[name=search]", "ICA-091-004")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "search=ICA-091-004" in page.url
    with app.app_context():
        expected = set(db.session.scalars(select(IcpCase.number).join(Agreement)
                                          .where(Agreement.number == "ICA-091-004")))
    assert len(expected) == 8
    assert page.locator("table tbody tr").count() == len(expected)
    with page.expect_download() as download_info:
        page.click("a:text-is('匯出 Excel')")
    cases_file = tmp_path / "cases.xlsx"
    download_info.value.save_as(cases_file)

    rows = sheet_rows(openpyxl.load_workbook(cases_file).worksheets[0])
    top = row_index(rows, "個案編號")
    header = rows[top]
    for label in ("個案編號", "個案名稱", "協議書", "執行方式", "實際價值", "乘數"):
        assert any(label in str(cell) for cell in header if cell), (label, header)
    body = [row for row in rows[top + 1:] if any(cell is not None for cell in row)]
    number_at = header.index("個案編號")
    assert {row[number_at] for row in body} == expected  # the filtered rows only

    page.goto(f"{url}/admin/reports/")
    page.select_option("#year-select", "2011")
    with page.expect_navigation():
        page.click("text=切換")
    annual = page.locator("#download-annual")
    assert "100年度年報" in annual.inner_text()
    page.screenshot(path=str(tmp_path / "reports.png"), full_page=True)
    with page.expect_download() as download_info:
        annual.click()
    download = download_info.value
    assert download.suggested_filename.endswith("100年度年報.xlsx"), download.suggested_filename
    report_file = tmp_path / "annual.xlsx"
    download.save_as(report_file)

    workbook = openpyxl.load_workbook(report_file)
    assert "經費運用情形" in workbook.sheetnames, workbook.sheetnames
    budget = sheet_rows(workbook["經費運用情形"])
    line = budget[row_index(budget, "委辦費")]
    figures = [cell for cell in line if isinstance(cell, (int, float))]
    assert figures[:4] == [34310, pytest.approx(34160.496), pytest.approx(149.504), 0], line
    watch.check()


# 7 ------------------------------------------------------------------------------------------------------
def test_meeting_grid_keyboard_edits_a_pasted_column_and_a_stale_edit_from_a_second_browser(serve, page, tmp_path):
    def seed():
        user_make("editor", "clerk")
        user_make("editor", "clerk2")
        office = office_make()
        for value in ("1000000", "2000000", "3000000"):
            decision_make(office, approved_value=Decimal(value))
    url, app, _ = serve(seed)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    other = page.context.browser.new_context(locale="zh-TW", viewport={"width": 1366, "height": 768})
    second = other.new_page()
    first_watch, second_watch = Watch(page, url), Watch(second, url)
    login(page, url, "clerk")
    login(second, url, "clerk2")

    def cell(p, row: int, field: str):
        return p.locator(".tabulator-row").nth(row).locator(f'.tabulator-cell[tabulator-field="{field}"]')

    def saved(p, text: str):
        try:
            p.locator("#grid-status.grid-status-ok", has_text=text).wait_for(timeout=5000)
        except PlaywrightTimeout:
            raise AssertionError(f"not saved, expected {text!r}: {p.inner_text('#grid-status')!r}") from None

    for p in (page, second):  # both open the grid before either edits
        p.goto(f"{url}/admin/grid/?table=decision")
        cell(p, 2, "note").wait_for()

    # three cells by keyboard alone: a key typed on a selected cell starts editing it, like a spreadsheet;
    # Enter saves and moves down, Tab saves and moves right
    cell(page, 0, "approved_value").click()
    page.keyboard.type("1500000")
    page.keyboard.press("Enter")
    saved(page, "1,500,000")
    page.keyboard.type("2500000")  # the selection moved down a row
    page.keyboard.press("Tab")
    saved(page, "2,500,000")
    page.keyboard.type("3")  # …and then right, into 核定乘數
    page.keyboard.press("Enter")
    saved(page, "核定乘數 → 3")
    assert cell(page, 1, "credits").inner_text() == "7,500,000.00"  # the server's new credit, shown at once

    # a column copied from Excel, pasted from the first selected cell down
    cell(page, 0, "conditions").click()
    page.evaluate("text => navigator.clipboard.writeText(text)", "須於5年內履行\r\n須提交進度報告\r\n無\r\n")
    page.keyboard.press("Control+V")
    saved(page, "已貼上並儲存 3 格")

    expected = [(Decimal(1500000), Decimal(2), "須於5年內履行"), (Decimal(2500000), Decimal(3), "須提交進度報告"),
                (Decimal(3000000), Decimal(2), "無")]
    with app.app_context():
        decisions = db.session.scalars(select(CaseDecision).order_by(CaseDecision.id)).all()
        assert [(d.approved_value, d.multiplier, d.conditions) for d in decisions] == expected
        assert decisions[1].credits == Decimal("7500000")
    page.reload()
    cell(page, 2, "conditions").wait_for()
    shown = [(cell(page, row, "approved_value").inner_text(), cell(page, row, "multiplier").inner_text(),
              cell(page, row, "conditions").inner_text()) for row in range(3)]
    assert shown == [("1,500,000.00", "2.000", "須於5年內履行"), ("2,500,000.00", "3.000", "須提交進度報告"),
                     ("3,000,000.00", "2.000", "無")], shown
    page.screenshot(path=str(tmp_path / "grid.png"), full_page=True)

    # the second browser still shows the old first row: its edit of the same cell is refused, not saved over
    cell(second, 0, "approved_value").click()
    second.keyboard.type("999")
    second.keyboard.press("Enter")
    second.locator("#grid-status.grid-status-error").wait_for()
    status = second.inner_text("#grid-status")
    assert "已被他人修改" in status and "clerk" in status and "1500000" in status, status
    assert second.locator(".tabulator-cell.grid-cell-error").count() == 1
    assert second.locator("#grid-stale").is_visible()

    with app.app_context():
        assert db.session.scalars(select(CaseDecision).order_by(CaseDecision.id)).first().approved_value == 1500000
    first_watch.check()
    # the refused save is the only complaint: the browser logs the 409 answer itself
    second_watch.check(allowed_errors=("/admin/grid/cell",))
    assert [where.rsplit("/", 2)[-2:] for _kind, _text, where in second_watch.errors] == [["grid", "cell"]]
    other.close()


def test_import_a_small_workbook_read_its_error_fix_it_and_import_it(serve, page, tmp_path):
    def seed():
        user_make("editor", "clerk")
    url, app, _ = serve(seed)
    app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    watch = Watch(page, url)
    login(page, url, "clerk")
    page.goto(f"{url}/admin/import/")
    with page.expect_download() as download_info:
        page.click("#import-template")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    workbook = openpyxl.load_workbook(template)
    for sheet in workbook.worksheets:  # keep the two header rows only: a small workbook
        if sheet.max_row > 2:
            sheet.delete_rows(3, sheet.max_row - 2)
    firms = workbook["國內廠商"]
    keys = [cell.value for cell in firms[2]]

    def firm_row(name: str, ubn: str) -> list:
        return [{"name": name, "ubn": ubn}.get(key) for key in keys]
    firms.append(firm_row("漢翔航空工業", "04595257"))
    firms.append(firm_row("中山科學研究院", "22099131"))
    firms.append(firm_row("統編有誤工業", "12345678"))
    broken_file = tmp_path / "廠商.xlsx"
    workbook.save(broken_file)

    page.set_input_files("input[name=workbook]", str(broken_file))
    with page.expect_navigation():
        page.click("#import-upload button[type=submit]")
    outcome = page.locator("#import-outcome").inner_text()
    assert "發現 1 個錯誤，未寫入任何資料" in outcome, outcome
    problem = [c.strip() for c in page.locator("#import-problems tbody tr").first.locator("td").all_inner_texts()]
    assert problem[0] == "國內廠商" and problem[1] == "5" and problem[4] == "12345678", problem
    assert "統一編號" in problem[3] + problem[5], problem
    assert page.locator("#import-commit").count() == 0

    firms.cell(row=5, column=keys.index("ubn") + 1, value="12345675")
    fixed_file = tmp_path / "廠商-修正.xlsx"
    workbook.save(fixed_file)
    page.set_input_files("input[name=workbook]", str(fixed_file))
    with page.expect_navigation():
        page.click("#import-upload button[type=submit]")
    assert "試匯入無誤" in page.locator("#import-outcome").inner_text()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DomesticFirm)) == 0  # a dry run writes nothing
    page.click("#import-commit button[type=submit]")
    page.locator("#import-outcome", has_text="已匯入").wait_for()
    counts = [c.strip() for c in page.locator("#import-counts tbody tr", has_text="國內廠商").locator("td")
              .all_inner_texts()]
    assert counts[1] == "3", counts

    with app.app_context():
        stored = dict(db.session.execute(select(DomesticFirm.ubn, DomesticFirm.name)).all())
        assert stored == {"04595257": "漢翔航空工業", "22099131": "中山科學研究院", "12345675": "統編有誤工業"}
    watch.check()
