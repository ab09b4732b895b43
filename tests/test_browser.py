"""The screens in a real browser (headless Chromium): log in, create a record, find it in the list."""
import pytest

from icp.demo import demo_load
from tests.conftest import PASSWORD, user_make

@pytest.fixture()
def live_url(serve):
    def seed():
        user_make("editor", "clerk")
        demo_load()
    return serve(seed)[0]


@pytest.fixture()
def page(browser_page):
    return browser_page


def test_editor_logs_in_creates_a_contractor_and_finds_it(live_url, page, tmp_path):
    page.goto(f"{live_url}/admin/contractor/")
    assert "/login" in page.url  # anonymous: sent to the login page
    page.fill("#username", "clerk")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/contractor/")
    assert "國外承商" in page.title()

    page.goto(f"{live_url}/admin/contractor/new/")
    page.fill("#name_zh", "洛克希德馬丁公司")
    page.fill("#name_en", "Lockheed Martin")
    page.fill("#country", "US")
    page.click("input[type=submit][value='儲存']")
    page.wait_for_url("**/admin/contractor/")
    assert page.locator("td", has_text="洛克希德馬丁公司").is_visible()
    page.screenshot(path=str(tmp_path / "contractor-list.png"), full_page=True)


def test_a_bad_unified_business_number_is_shown_next_to_the_field(live_url, page):
    page.goto(f"{live_url}/login")
    page.fill("#username", "clerk")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"{live_url}/admin/firm/new/")
    page.fill("#name", "測試工業")
    page.fill("#ubn", "12345678")
    page.click("input[type=submit][value='儲存']")
    error = page.locator("#ubn ~ .invalid-feedback, #ubn + .invalid-feedback, .form-group:has(#ubn) .invalid-feedback")
    assert "統一編號須為 8 位數字且通過檢查碼驗證" in error.first.inner_text()


def test_dashboard_renders_with_demo_data_and_nothing_leaves_the_machine(live_url, page, tmp_path):
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_url}/login")
    page.fill("#username", "clerk")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    page.select_option("#year-select", "2011")
    page.click("text=切換")
    page.wait_for_load_state("networkidle")
    assert page.locator("#key-figures").inner_text().count("美元點") == 3
    assert page.locator("#chart-years title").first.text_content().startswith("歷年實核額度")
    assert page.locator("#chart-years rect").count() > 3
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert requests and all(url.startswith(live_url) for url in requests), \
        [url for url in requests if not url.startswith(live_url)]
    assert errors == []
