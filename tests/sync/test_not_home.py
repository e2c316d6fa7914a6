"""On the district, a village server's learner can learn and switch language; what only their
home server may change is refused with a clear page, and nothing changes."""

from __future__ import annotations

import uuid

import pytest

from app.auth import accounts
from app.extensions import db
from app.models import Role, User, Village
from tests.conftest import post, sign_in, translated
from tests.sync.nodes import Node
from tests.sync.test_three_nodes import new_learner, send


@pytest.fixture
def servers(tmp_path):
    district, village = Node("district", "district", tmp_path), Node("village", "village", tmp_path)
    with district.ctx():
        place = Village(name_kk="Абай", name_ru="Абай", residents=100)
        db.session.add(place)
        db.session.commit()
        place_id = str(place.id)
        accounts.create_staff("dtrainer", "Trainer", Role.TRAINER, "correct-horse-1", [place.id])
    district.enrol(village, [place_id])
    village.enrol(district)
    send(district, village)
    learner_id = new_learner(village, place_id, "aigul")
    send(village, district)
    yield district, village, learner_id
    district.close()
    village.close()


def test_a_village_learner_at_home_switches_language_without_changing_the_record(servers):
    district, _, learner_id = servers
    with district.ctx():
        learner = db.session.get(User, uuid.UUID(learner_id))
        before = (learner.language, learner.seq)
        phone = district.app.test_client()
        sign_in(phone, learner)
        response = post(phone, "/language", {"lang": "ru"}, page="/learn/", follow_redirects=True)
        assert response.status_code == 200
        assert '<html lang="ru"' in phone.get("/learn/").get_data(as_text=True)
        db.session.expire_all()
        learner = db.session.get(User, uuid.UUID(learner_id))
        assert (learner.language, learner.seq) == before


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_new_pin_for_a_village_learner_is_refused_on_the_district_with_a_reason(servers, lang):
    district, _, learner_id = servers
    with district.ctx():
        learner = db.session.get(User, uuid.UUID(learner_id))
        old_hash = learner.secret_hash
        trainer_client = district.app.test_client()
        sign_in(trainer_client, db.session.scalar(db.select(User).where(User.username == "dtrainer")))
        post(trainer_client, "/language", {"lang": lang}, page="/trainer/")
        page = f"/trainer/learner/{learner_id}"
        response = post(trainer_client, f"{page}/pin", {}, page=page)
        assert response.status_code == 409
        text = response.get_data(as_text=True)
        assert translated("This is changed on another server", lang) in text
        db.session.expire_all()
        assert db.session.get(User, uuid.UUID(learner_id)).secret_hash == old_hash
