"""Every lesson and test page of the real course stays within the page budget of issue #2:
at most 30 KB compressed and 5 requests for a first visit. (Sizes, not timings: deterministic.
`shared/tools/page-audit` measures the same in a real browser; figures in bench/page-weight.md.)"""

import re

import pytest

from app.course import get_course
from app.extensions import db
from tests.conftest import demo_app, drop_schema, sign_in

BUDGET_BYTES = 30 * 1024
BUDGET_REQUESTS = 5
HEADERS_PER_RESPONSE = 400  # a generous allowance for response headers on the wire


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_sqlite):
    app = demo_app(tmp_path_factory.mktemp("weight"), demo_sqlite)
    with app.app_context():
        client = app.test_client()
        learner = db.session.scalar(db.select(__import__("app.models", fromlist=["User"]).User)
                                    .where(__import__("app.models", fromlist=["User"]).User.login_code == "aigul"))
        sign_in(client, learner)
        pages = [(level.id, item.id) for level in get_course().levels
                 for item in (level.pretest, *level.lessons)]
        yield client, pages
        drop_schema()


def first_visit(client, url):
    """Bytes on the wire (brotli) and requests for a page and everything it loads."""
    page = client.get(url, headers={"Accept-Encoding": "br, gzip"})
    assert page.status_code == 200 and page.headers.get("Content-Encoding") in ("br", "gzip")
    html = client.get(url).get_data(as_text=True)
    assets = re.findall(r'<(?:link rel="stylesheet" href|script src|img src)="([^"]+)"', html)
    total, requests = len(page.data) + HEADERS_PER_RESPONSE, 1
    for asset in assets:
        response = client.get(asset, headers={"Accept-Encoding": "br, gzip"})
        total += len(response.data) + HEADERS_PER_RESPONSE
        requests += 1
        response.close()
    return total, requests


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_lesson_and_test_page_is_within_budget(site, lang):
    client, pages = site
    client.post("/language", data={"lang": lang, "csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/learn/").get_data(as_text=True)).group(1)})
    over = []
    for level_id, item_id in pages:
        size, requests = first_visit(client, f"/learn/{level_id}/{item_id}")
        if size > BUDGET_BYTES or requests > BUDGET_REQUESTS:
            over.append((item_id, size, requests))
    assert over == []


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_practice_page_is_within_budget(site, lang):
    client, _ = site
    client.post("/language", data={"lang": lang, "csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/learn/").get_data(as_text=True)).group(1)})
    urls = [f"/learn/{level.id}/{item.id}/practice/{ex.id}" for level in get_course().levels
            for item in level.lessons for ex in item.variant(lang).exercises]
    assert any(url.endswith("/practice/bank-app") for url in urls)
    assert sum(url.endswith("/practice/egov-portal") for url in urls) == 2
    over = [(url, *first_visit(client, url)) for url in urls]
    assert [o for o in over if o[1] > BUDGET_BYTES or o[2] > BUDGET_REQUESTS] == []
