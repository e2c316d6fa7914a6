"""A real server (waitress) on the real course, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import DATABASE_URL, REAL_CONTENT, drop_schema, load_demo, make_app, serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium not found: browser tests skipped (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path, demo_sqlite):
    """The demo data on the real content, served by waitress on a free local port."""
    from waitress import create_server

    url = DATABASE_URL or f"sqlite:///{tmp_path / 'browser.sqlite'}"
    app = make_app(REAL_CONTENT, SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={},
                   CLASS_GRID_REFRESH_SECONDS=2)
    if demo_sqlite:
        shutil.copyfile(demo_sqlite, tmp_path / "browser.sqlite")
    else:
        load_demo(app)  # PostgreSQL: a fresh demo in the test database for each test
    with serving(create_server(app, host="127.0.0.1", port=0, threads=4)) as server:
        app.base_url = f"http://127.0.0.1:{server.effective_port}"
        yield app
    with app.app_context():
        drop_schema()
