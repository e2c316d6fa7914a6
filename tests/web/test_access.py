"""Who may see what: learners, trainers (own villages only), coordinators, visitors."""

import uuid

import pytest

from app.extensions import db
from app.models import Role
from tests.conftest import post, sign_in


@pytest.fixture
def district(make):
    north, south = make.village("Солтүстік"), make.village("Оңтүстік")
    return {
        "north": north, "south": south,
        "aigul": make.learner(village=north, name="Айгүл Тест"),
        "bolat": make.learner(village=south, name="Болат Тест"),
        "trainer": make.staff(Role.TRAINER, [north]),
        "coordinator": make.staff(Role.COORDINATOR),
    }


STAFF_PAGES = ["/trainer/", "/district/"]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_learner_cannot_reach_staff_pages(client, district, url):
    sign_in(client, district["aigul"])
    response = client.get(url)
    assert response.status_code == 403
    assert "Бұл бет сіздің есептік жазбаңызға арналмаған" in response.get_data(as_text=True)


def test_learner_cannot_reach_another_learners_progress(client, district):
    sign_in(client, district["aigul"])
    assert client.get(f"/trainer/learner/{district['bolat'].id}").status_code == 403
    assert post(client, f"/trainer/learner/{district['bolat'].id}/pin", page="/learn/").status_code == 403


def test_staff_cannot_use_learner_pages(client, district):
    sign_in(client, district["trainer"])
    assert client.get("/learn/").status_code == 403


def test_trainer_sees_only_their_villages_learners(client, district):
    sign_in(client, district["trainer"])
    text = client.get("/trainer/").get_data(as_text=True)
    assert "Айгүл Тест" in text and "Болат Тест" not in text
    assert client.get(f"/trainer/learner/{district['aigul'].id}").status_code == 200


@pytest.mark.parametrize("make_url", [
    lambda d: f"/trainer/learner/{d['bolat'].id}",
    lambda d: f"/trainer/learner/{uuid.uuid4()}",
    lambda d: "/trainer/learner/not-an-id",
    lambda d: f"/trainer/learner/{d['trainer'].id}",
])
def test_trainer_gets_404_for_learners_elsewhere_or_guessed_ids(client, district, make_url):
    sign_in(client, district["trainer"])
    assert client.get(make_url(district)).status_code == 404


def test_trainer_cannot_reset_a_pin_in_another_village(client, district):
    sign_in(client, district["trainer"])
    bolat = district["bolat"]
    response = post(client, f"/trainer/learner/{bolat.id}/pin", page="/trainer/")
    assert response.status_code == 404
    assert bolat.check_secret("2580")
    code = bolat.login_code
    assert post(client, f"/trainer/learner/{bolat.id}/code", page="/trainer/").status_code == 404
    db.session.refresh(bolat)
    assert bolat.login_code == code


def test_trainer_cannot_reach_the_district_page(client, district):
    sign_in(client, district["trainer"])
    assert client.get("/district/").status_code == 403


def test_coordinator_sees_the_whole_district(client, district):
    sign_in(client, district["coordinator"])
    text = client.get("/district/").get_data(as_text=True)
    assert "Солтүстік" in text and "Оңтүстік" in text
    trainer_view = client.get("/trainer/").get_data(as_text=True)
    assert "Айгүл Тест" in trainer_view and "Болат Тест" in trainer_view


@pytest.mark.parametrize("url", ["/", "/login", "/register", "/staff/login", "/learn/", "/trainer/", "/district/"])
def test_no_learner_name_is_shown_to_visitors(client, district, url):
    response = client.get(url, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Айгүл Тест" not in text and "Болат Тест" not in text
