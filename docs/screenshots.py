"""Regenerate the README's pictures from the demo data: the dashboard, the case list, the meeting grid and the
report page at 1366×768 in headless Chromium, and sheets of the downloaded annual workbook as LibreOffice
prints them.

    .venv/bin/python docs/screenshots.py

Needs /usr/bin/chromium and fonts-noto-cjk; for the printed sheets also `soffice` and `pdftoppm`
(apt-get install libreoffice-calc-nogui poppler-utils), skipped when missing. Writes docs/dashboard.png,
docs/case-list.png, docs/meeting-grid.png, docs/report-page.png, docs/report-preview-3.png and
docs/report-sheet-*.png (pages of the PDF: one per sheet while each sheet fits one page).
"""
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from icp.demo import demo_load  # noqa: E402
from icp.extensions import db  # noqa: E402
from models import User  # noqa: E402

DOCS = ROOT / "docs"
PASSWORD = "screenshot-password"
SHEET_PAGES = {1: "report-sheet-1.png", 3: "report-sheet-3.png", 4: "report-sheet-4.png"}  # 表1, 會議審議結果, 額度運用統計


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.sqlite", "SECRET_KEY": "screenshots",
                          "ATTACHMENT_DIR": f"{tmp}/files"})
        with app.app_context():
            db.create_all()
            demo_load()
            user = User(username="clerk", role="editor", display_name="承辦人", active=True)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        workbook = Path(tmp) / "annual.xlsx"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
                page = browser.new_page(locale="zh-TW", viewport={"width": 1366, "height": 768})
                page.goto(f"{base}/login")
                page.fill("#username", "clerk")
                page.fill("#password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url("**/admin/")
                page.wait_for_load_state("networkidle")  # the charts
                page.screenshot(path=str(DOCS / "dashboard.png"))
                page.goto(f"{base}/admin/case/")
                page.screenshot(path=str(DOCS / "case-list.png"))
                page.goto(f"{base}/admin/grid/?table=decision")
                page.locator("#meeting-grid .tabulator-row").first.wait_for()
                page.locator("#meeting-grid .tabulator-row").nth(1) \
                    .locator('.tabulator-cell[tabulator-field="approved_value"]').click()  # a selected cell
                page.evaluate("window.scrollTo(0, 0)")  # focusing the cell scrolled the page
                page.screenshot(path=str(DOCS / "meeting-grid.png"))
                page.goto(f"{base}/admin/reports/?year=2011&kind=annual")
                page.screenshot(path=str(DOCS / "report-page.png"))
                page.locator("#sheet-3").screenshot(path=str(DOCS / "report-preview-3.png"))  # grouped headers
                workbook.write_bytes(page.request.get(f"{base}/admin/reports/annual.xlsx?year=2011").body())
                browser.close()
        finally:
            server.shutdown()
        written = ["dashboard.png", "case-list.png", "meeting-grid.png", "report-page.png", "report-preview-3.png"]
        if not (shutil.which("soffice") and shutil.which("pdftoppm")):
            print("written:", ", ".join(written), "(no soffice/pdftoppm: the printed sheets are left as they are)")
            return
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(workbook)],
                       check=True, capture_output=True, timeout=300)
        for number, name in SHEET_PAGES.items():
            stem = Path(tmp) / f"page-{number}"
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(number), "-l", str(number),
                            str(workbook.with_suffix(".pdf")), str(stem)], check=True)
            (DOCS / name).write_bytes(stem.with_suffix(".png").read_bytes())
    print("written:", ", ".join([*written, *SHEET_PAGES.values()]))


if __name__ == "__main__":
    main()
