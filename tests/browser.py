"""Helpers for end-to-end browser flows: a watch on every request and error, logging in, select2 look-ups."""
from playwright.sync_api import Page

from tests.conftest import PASSWORD


class Watch:
    """Records every request URL and every console error / page error of a page.

    `allowed_errors` lists substrings of console-error locations (URL paths) that a test provokes on purpose,
    e.g. the 400 answer of a refused grid save; anything else fails `check()`.
    """

    def __init__(self, page: Page, base_url: str):
        self.base_url = base_url
        self.requests: list[str] = []
        self.errors: list[tuple[str, str, str]] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda msg: self.errors.append(("console", msg.text, msg.location.get("url", "")))
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(("pageerror", str(exc), "")))

    def check(self, allowed_errors: tuple[str, ...] = ()) -> None:
        foreign = [url for url in self.requests if not (url.startswith(self.base_url + "/") or url == self.base_url)
                   and not url.startswith(("data:", "blob:", "about:"))]
        assert self.requests, "no request was seen"
        assert foreign == [], f"requests left the machine: {foreign}"
        unexpected = [e for e in self.errors if not any(allowed in e[2] for allowed in allowed_errors)]
        assert unexpected == [], f"console / JavaScript errors: {unexpected}"


def login(page: Page, url: str, username: str, password: str = PASSWORD, landing: str = "**/admin/") -> None:
    """From the login page (in Traditional Chinese) to `landing`."""
    page.goto(f"{url}/login")
    assert page.locator("html").get_attribute("lang").startswith("zh-Hant"), \
        page.locator("html").get_attribute("lang")
    assert "登入" in page.content()
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(landing)


def select2_ajax_pick(page: Page, field_id: str, search: str, result_text: str) -> None:
    """Type into a select2 AJAX look-up's search box and pick the result holding `result_text`."""
    page.click(f"#s2id_{field_id}")
    box = page.locator(f"#s2id_{field_id} input.select2-input:visible, .select2-drop-active input.select2-input:visible")
    box.first.fill(search)
    page.locator(".select2-drop-active .select2-result-label", has_text=result_text).first.click()
    page.locator(f"#s2id_{field_id}", has_text=result_text).wait_for()


def select2_choose(page: Page, field_id: str, label: str) -> None:
    """Pick an option of a plain (non-AJAX) select2 by its visible label."""
    page.click(f"#s2id_{field_id}")
    page.locator(".select2-drop-active .select2-result-label", has_text=label).first.click()
    page.locator(f"#s2id_{field_id}", has_text=label).wait_for()


def save(page: Page, list_path: str) -> None:
    """Press 儲存 and expect to land on the list; otherwise fail with the form's messages."""
    with page.expect_navigation():
        page.click("input[type=submit][value='儲存']")
    if not page.url.split("?")[0].endswith(list_path):
        messages = page.locator(".invalid-feedback, .alert").all_inner_texts()
        raise AssertionError(f"not saved ({page.url}): {messages}")
