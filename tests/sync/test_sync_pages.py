"""The sync page: a trainer saves to a stick at the village, the coordinator loads it at the
district; bad files are refused in the user's language; roles see only what is theirs."""

from __future__ import annotations

import io
import re

import pytest

from app.extensions import db
from app.models import Event, Role
from tests.conftest import post, translated
from tests.sync.nodes import Node, district_and_village
from tests.sync.test_three_nodes import answer, new_learner


@pytest.fixture
def servers(tmp_path):
    with district_and_village(tmp_path, ("akimat", "Coordinator", Role.COORDINATOR),
                              ("dtrainer", "Trainer at the district", Role.TRAINER)) as nodes:
        yield nodes


def signed_in(node: Node, username: str):
    client = node.app.test_client()
    response = post(client, "/staff/login", {"username": username, "password": "correct-horse-1"}, page="/staff/login")
    assert response.status_code == 302
    return client


def test_stick_from_village_to_district_through_the_pages(servers):
    import random

    district, village, place_id = servers
    learner = new_learner(village, place_id, "aigul")
    answer(village, learner, random.Random(5), 3)
    trainer = signed_in(village, "dtrainer")  # the trainer came with the district's records
    page = trainer.get("/sync/").get_data(as_text=True)
    with village.ctx():
        assert translated("Save to USB stick") in page and translated("Sync now") in page
    peer = re.search(r'name="peer" value="([^"]+)"', page).group(1)
    response = post(trainer, "/sync/export", {"peer": peer}, page="/sync/")
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith('.auyl"')
    stick = response.data
    coordinator = signed_in(district, "akimat")
    loaded = post(coordinator, "/sync/import", {"file": (io.BytesIO(stick), "abai.auyl")}, page="/sync/",
                  content_type="multipart/form-data", follow_redirects=True)
    assert loaded.status_code == 200
    assert "3" in loaded.get_data(as_text=True)
    with district.ctx():
        assert db.session.scalar(db.select(db.func.count(Event.id))) == 3
    table = coordinator.get("/sync/").get_data(as_text=True)
    with district.ctx():
        assert "village" in table and translated("USB stick") in table
    # the district report's internet section: the village's data came by stick
    report = coordinator.get("/reports/district").get_data(as_text=True)
    with district.ctx():
        section = report[report.index(translated("Internet at the village centres")):]
        assert "Абай" in section and "village" in section and translated("USB stick") in section.split("</table>")[0]
    # … and the same in the XLSX, on its own sheet
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(coordinator.get("/reports/district.xlsx?lang=kk").data))
    with district.ctx():
        rows = list(book[translated("Internet at centres")[:31]].iter_rows(values_only=True))
        assert rows[1][1] == "Абай" and rows[1][2] == "village" and rows[1][4] == translated("USB stick")
    # a server with no village servers has no such section
    village_report = signed_in(village, "dtrainer").get(f"/reports/village/{place_id}").get_data(as_text=True)
    with village.ctx():
        assert translated("Internet at the village centres") not in village_report


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_bad_file_is_refused_in_the_users_language(servers, lang):
    district, village, _ = servers
    coordinator = signed_in(district, "akimat")
    post(coordinator, "/language", {"lang": lang}, page="/sync/")
    response = post(coordinator, "/sync/import", {"file": (io.BytesIO(b"name,village\n"), "list.csv")}, page="/sync/",
                    content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    with district.ctx():
        assert translated("This file is not a sync file.", lang) in page
        assert translated("Nothing was loaded.", lang) in page
        assert translated("This file is not a sync file.", lang) != "This file is not a sync file."


def test_only_coordinators_handle_bundles_on_the_district(servers):
    district, _, _ = servers
    trainer = signed_in(district, "dtrainer")
    assert trainer.get("/sync/").status_code == 403
    anonymous = district.app.test_client()
    assert anonymous.get("/sync/").status_code == 302  # to sign-in
    assert anonymous.post("/sync/api/exchange", data=b"junk").status_code == 400


def test_trainers_cannot_enrol_a_server(servers):
    _, village, _ = servers
    trainer = signed_in(village, "dtrainer")
    response = post(trainer, "/sync/enrol", {"node_id": "x", "public_key": "y", "role": "district", "name": "evil"},
                    page="/sync/")
    assert response.status_code == 403


def test_a_bundle_larger_than_the_sites_form_limit_still_loads(servers):
    """The site refuses uploads over MAX_CONTENT_LENGTH; a sync file has its own, larger limit."""
    import random

    district, village, place_id = servers
    learner = new_learner(village, place_id, "aigul")
    answer(village, learner, random.Random(6), 12)
    trainer = signed_in(village, "dtrainer")
    page = trainer.get("/sync/").get_data(as_text=True)
    peer = re.search(r'name="peer" value="([^"]+)"', page).group(1)
    stick = post(trainer, "/sync/export", {"peer": peer}, page="/sync/").data
    district.app.config["MAX_CONTENT_LENGTH"] = len(stick) // 2
    coordinator = signed_in(district, "akimat")
    loaded = post(coordinator, "/sync/import", {"file": (io.BytesIO(stick), "abai.auyl")}, page="/sync/",
                  content_type="multipart/form-data")
    assert loaded.status_code == 302
    with district.ctx():
        assert db.session.scalar(db.select(db.func.count(Event.id))) >= 12
    # the rest of the site keeps its limit
    too_big = post(coordinator, "/district/villages/import", {"file": (io.BytesIO(b"x" * len(stick)), "v.csv")},
                   page="/sync/", content_type="multipart/form-data")
    assert too_big.status_code == 413


def test_the_held_learners_list_shows_only_the_trainers_own_villages(client, make):
    """Learners kept without a login code (a clash at sync) are listed on the sync page: a
    trainer sees those of their own villages, never another village's people."""
    from app.models import User
    from tests.conftest import sign_in

    mine, other = make.village("Менің ауылым"), make.village("Басқа ауыл")
    trainer = make.staff(Role.TRAINER, [mine])
    here, there = make.learner(village=mine, name="Held Here"), make.learner(village=other, name="Held There")
    db.session.execute(User.__table__.update().where(User.id.in_([here.id, there.id])).values(login_code=None))
    db.session.commit()
    sign_in(client, trainer)
    page = client.get("/sync/").get_data(as_text=True)
    assert "Held Here" in page and "Held There" not in page
