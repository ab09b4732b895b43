"""Regenerate the README's 報表 pictures from the demo data: the report page in headless Chromium, and sheets
of the downloaded annual workbook as LibreOffice prints them.

    .venv/bin/python docs/screenshots.py

Needs /usr/bin/chromium, and `soffice` and `pdftoppm` (apt-get install libreoffice-calc-nogui poppler-utils
fonts-noto-cjk) for the printed sheets. Writes docs/report-page.png, docs/report-preview-3.png and
docs/report-sheet-*.png (pages of the PDF: one per sheet while each sheet fits one page).
"""
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
            user = User(username="clerk", role="viewer", display_name="承辦人", active=True)
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
                page = browser.new_page(locale="zh-TW", viewport={"width": 1280, "height": 1100})
                page.goto(f"{base}/login")
                page.fill("#username", "clerk")
                page.fill("#password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url("**/admin/")
                page.goto(f"{base}/admin/reports/?year=2011&kind=annual")
                page.screenshot(path=str(DOCS / "report-page.png"))
                page.locator("#sheet-3").screenshot(path=str(DOCS / "report-preview-3.png"))  # grouped headers
                workbook.write_bytes(page.request.get(f"{base}/admin/reports/annual.xlsx?year=2011").body())
                browser.close()
        finally:
            server.shutdown()
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(workbook)],
                       check=True, capture_output=True, timeout=300)
        for number, name in SHEET_PAGES.items():
            stem = Path(tmp) / f"page-{number}"
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(number), "-l", str(number),
                            str(workbook.with_suffix(".pdf")), str(stem)], check=True)
            (DOCS / name).write_bytes(stem.with_suffix(".png").read_bytes())
    print("written:", ", ".join(["report-page.png", "report-preview-3.png", *SHEET_PAGES.values()]))


if __name__ == "__main__":
    main()
