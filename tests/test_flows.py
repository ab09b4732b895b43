"""The office's daily work, end to end in headless Chromium, each flow from the login page in 繁體中文.

Every test fails on a request to any host but the app's and on any console or JavaScript error.
"""
import pytest
from icp.demo import demo_load
from tests.browser import Watch, login
from tests.conftest import user_make


@pytest.fixture()
def page(browser_page):
    browser_page.set_viewport_size({"width": 1366, "height": 768})
    return browser_page


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
