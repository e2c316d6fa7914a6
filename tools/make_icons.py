"""Draw the web app's PNG icons from app/static/icons/icon.svg with the local Chromium.

Run: .venv/bin/python tools/make_icons.py   (needs Playwright and Debian's chromium; nothing from the internet)
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "app" / "static" / "icons"

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    svg = (ICONS / "icon.svg").read_text(encoding="utf-8")
    for size in (192, 512):
        page = browser.new_page(viewport={"width": size, "height": size})
        page.set_content(f'<style>*{{margin:0}}svg{{display:block;width:{size}px;height:{size}px}}</style>{svg}')
        page.screenshot(path=str(ICONS / f"icon-{size}.png"))
        page.close()
    browser.close()
