"""On the district, a village server's learner can learn and switch language; what only their
home server may change is refused with a clear page, and nothing changes."""

from __future__ import annotations

import re
import uuid

import pytest

from app.auth import accounts
from app.extensions import db
from app.models import Role, User, Village
from tests.conftest import post, sign_in, translated
from tests.sync.nodes import district_and_village, send
from tests.sync.test_three_nodes import new_learner


@pytest.fixture
def servers(tmp_path):
    with district_and_village(tmp_path, ("dtrainer", "Trainer", Role.TRAINER)) as (district, village, place_id):
        learner_id = new_learner(village, place_id, "aigul")
        send(village, district)
        yield district, village, learner_id


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


def test_a_new_pin_given_at_the_district_works_there_now_and_reaches_the_village(servers):
    """A learner of a village forgot the PIN at home: the district's trainer gives a new one. It
    works on the district at once; the village server makes it its own change at the next sync,
    and that version comes back, so both servers hold one record again."""
    district, village, learner_id = servers
    with district.ctx():
        trainer = district.app.test_client()
        sign_in(trainer, db.session.scalar(db.select(User).where(User.username == "dtrainer")))
        page = f"/trainer/learner/{learner_id}"
        response = post(trainer, f"{page}/pin", {}, page=page)
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        pin = re.search(r"aigul · (\d{4})", text).group(1)
        assert translated("This learner was registered on a village server. The new PIN works here now, "
                          "and at the village centre after its next sync.") in text
        assert accounts.check_learner("aigul", pin) is not None  # at home, now
    with village.ctx():
        assert accounts.check_learner("aigul", pin) is None  # the village has not heard yet
    send(district, village)
    with village.ctx():
        assert accounts.check_learner("aigul", pin) is not None
    send(village, district)
    send(district, village)  # the request, sent again, changes nothing more
    records = []
    for node in (district, village):
        with node.ctx():
            user = db.session.get(User, uuid.UUID(learner_id))
            records.append((user.secret_hash, user.seq, str(user.home)))
    assert records[0] == records[1]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_new_sheets_for_a_village_class_are_refused_on_the_district_with_a_reason(servers, lang):
    from datetime import date

    from app.models import TrainingClass

    district, village, learner_id = servers
    with village.ctx():
        place = db.session.scalar(db.select(Village))
        cls = TrainingClass(village=place, level="basic", day1=date(2026, 12, 1), day2=date(2026, 12, 2), venue="Клуб")
        cls.learners = [db.session.get(User, uuid.UUID(learner_id))]
        db.session.add(cls)
        db.session.commit()
        class_id = str(cls.id)
    send(village, district)
    with district.ctx():
        old_hash = db.session.get(User, uuid.UUID(learner_id)).secret_hash
        trainer_client = district.app.test_client()
        sign_in(trainer_client, db.session.scalar(db.select(User).where(User.username == "dtrainer")))
        post(trainer_client, "/language", {"lang": lang}, page="/trainer/")
        page = f"/trainer/classes/{class_id}"
        response = post(trainer_client, f"{page}/cards", {"learner": learner_id, "pins": "new", "confirm": "yes"}, page=page)
        assert response.status_code == 409
        assert translated("This is changed on another server", lang) in response.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(User, uuid.UUID(learner_id)).secret_hash == old_hash
