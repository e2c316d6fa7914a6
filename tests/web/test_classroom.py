"""A class session on a shared computer: name tiles, PIN, "I'm done", closing the session."""

import re
from datetime import date

import pytest

from app.extensions import db
from app.models import Role, TrainingClass
from tests.conftest import post, sign_in


@pytest.fixture
def classroom(app, make):
    village = make.village("Абай")
    trainer = make.staff(Role.TRAINER, [village])
    cls = TrainingClass(village=village, level="basic", day1=date(2026, 11, 30), day2=date(2026, 12, 1),
                        venue="Мектеп", trainer_id=trainer.id)
    aigul = make.learner(village=village, name="Айгүл Тест", pin="2580")
    bolat = make.learner(village=village, name="Болат Тест", pin="3691")
    outsider = make.learner(village=village, name="Басқа Адам")
    cls.learners.extend([aigul, bolat])
    db.session.add(cls)
    db.session.commit()
    pc = app.test_client()  # the village-centre computer
    sign_in(pc, trainer)
    response = post(pc, f"/trainer/classes/{cls.id}/session/open", page=f"/trainer/classes/{cls.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/class/"
    return {"pc": pc, "cls": cls, "aigul": aigul, "bolat": bolat, "outsider": outsider, "trainer": trainer}


def test_trainer_is_signed_out_and_the_computer_shows_the_class_names(classroom):
    pc = classroom["pc"]
    assert pc.get("/trainer/").status_code == 302  # the trainer's own session ended on this computer
    text = pc.get("/class/").get_data(as_text=True)
    assert "Айгүл Тест" in text and "Болат Тест" in text and "Басқа Адам" not in text


def test_names_are_not_shown_on_other_computers(app, classroom):
    elsewhere = app.test_client()
    text = elsewhere.get("/class/").get_data(as_text=True)
    assert "Айгүл Тест" not in text
    assert elsewhere.get(f"/class/{classroom['aigul'].id}").status_code == 302


def test_tile_and_pin_sign_in_then_im_done_returns_to_the_tiles(classroom):
    pc, aigul = classroom["pc"], classroom["aigul"]
    wrong = post(pc, f"/class/{aigul.id}", {"pin": "0000"}, page=f"/class/{aigul.id}")
    assert wrong.status_code == 401
    right = post(pc, f"/class/{aigul.id}", {"pin": "2580"}, page=f"/class/{aigul.id}")
    assert right.status_code == 302 and right.headers["Location"] == "/learn/"
    assert "Айгүл Тест" in pc.get("/learn/").get_data(as_text=True)
    done = post(pc, "/logout", page="/learn/")
    assert done.headers["Location"] == "/class/"
    assert "Болат Тест" in pc.get("/class/").get_data(as_text=True)


def test_a_learner_outside_the_class_has_no_tile(classroom):
    pc = classroom["pc"]
    assert pc.get(f"/class/{classroom['outsider'].id}").status_code == 404
    assert pc.get("/class/not-a-uuid").status_code == 404


def test_tile_pins_are_rate_limited(classroom):
    pc, bolat = classroom["pc"], classroom["bolat"]
    for _ in range(5):
        post(pc, f"/class/{bolat.id}", {"pin": "0000"}, page=f"/class/{bolat.id}")
    assert post(pc, f"/class/{bolat.id}", {"pin": "3691"}, page=f"/class/{bolat.id}").status_code == 429


def test_closing_the_session_signs_learners_out_and_hides_the_names(app, classroom):
    pc, aigul, cls = classroom["pc"], classroom["aigul"], classroom["cls"]
    post(pc, f"/class/{aigul.id}", {"pin": "2580"}, page=f"/class/{aigul.id}")
    trainer_phone = app.test_client()
    sign_in(trainer_phone, classroom["trainer"])
    post(trainer_phone, f"/trainer/classes/{cls.id}/session/close", page=f"/trainer/classes/{cls.id}")
    response = pc.get("/learn/")
    assert response.status_code == 302 and response.headers["Location"] == "/class/"
    closed = pc.get("/class/").get_data(as_text=True)
    assert "Айгүл Тест" not in closed and "Болат Тест" not in closed


def test_tile_pin_tries_add_up_however_the_id_is_spelt_and_with_the_sign_in_form(app, classroom):
    pc, bolat = classroom["pc"], classroom["bolat"]
    spellings = [str(bolat.id).upper(), "{" + str(bolat.id) + "}", bolat.id.hex]
    for spelling in spellings:
        assert post(pc, f"/class/{spelling}", {"pin": "0000"}, page="/class/").status_code == 401
    other = app.test_client()
    for _ in range(2):
        post(other, "/login", {"code": bolat.login_code, "pin": "0000"})
    assert post(pc, f"/class/{bolat.id}", {"pin": "3691"}, page="/class/").status_code == 429


def test_tiles_are_not_cached_and_leave_out_deactivated_learners(classroom):
    pc, bolat = classroom["pc"], classroom["bolat"]
    bolat.active = False
    db.session.commit()
    response = pc.get("/class/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Болат Тест" not in response.get_data(as_text=True)
    assert pc.get(f"/class/{bolat.id}").status_code == 404


def test_tiles_are_in_kazakh_order_and_same_names_are_told_apart(make, classroom):
    pc, cls = classroom["pc"], classroom["cls"]
    village = cls.village
    # Ә comes after А in Kazakh (a plain code-point sort puts it after Я); two "Асан Т." learners
    twins = [make.learner(village=village, name="Асан Т.", code=code) for code in ("asan1", "asan2")]
    aset = make.learner(village=village, name="Әсет Тест")
    cls.learners.extend([*twins, aset])
    db.session.commit()
    text = pc.get("/class/").get_data(as_text=True)
    order = [text.index(name) for name in ("Айгүл Тест", "Асан Т.", "Әсет Тест", "Болат Тест")]
    assert order == sorted(order)
    assert "asan1" in text and "asan2" in text  # the twins' tiles differ
    assert "learner" not in text.split("tiles")[1].split("</ul>")[0]  # other codes stay off the tiles


def test_every_page_of_the_class_computer_leads_back_to_the_tiles(classroom):
    pc, bolat = classroom["pc"], classroom["bolat"]
    for _ in range(5):
        post(pc, f"/class/{bolat.id}", {"pin": "0000"}, page=f"/class/{bolat.id}")
    locked = post(pc, f"/class/{bolat.id}", {"pin": "3691"}, page=f"/class/{bolat.id}")
    assert locked.status_code == 429
    text = locked.get_data(as_text=True)
    assert 'class="brand" href="/class/"' in text  # the logo
    assert 'class="button big" href="/class/"' in text  # the lock page's button
    assert 'class="brand" href="/class/"' in pc.get("/no-such-page").get_data(as_text=True)


def test_the_trainer_can_reach_close_from_the_tiles(classroom):
    pc, cls = classroom["pc"], classroom["cls"]
    text = pc.get("/class/").get_data(as_text=True)
    door = f"/staff/login?next=/trainer/classes/{cls.id}"
    assert door in text
    response = post(pc, door, {"username": classroom["trainer"].username, "password": "correct-horse-1"},
                    page="/staff/login")
    assert response.headers["Location"] == f"/trainer/classes/{cls.id}"
    assert "/session/close" in pc.get(response.headers["Location"]).get_data(as_text=True)


def test_im_done_is_at_the_end_of_a_lesson_in_a_class_session(app, classroom):
    pc, aigul = classroom["pc"], classroom["aigul"]
    post(pc, f"/class/{aigul.id}", {"pin": "2580"}, page=f"/class/{aigul.id}")
    text = pc.get("/learn/basic/alpha").get_data(as_text=True)
    assert text.count('action="/logout"') == 2  # the header's and the one after the lesson
    assert 'class="done-here"' in text
    home = app.test_client()  # at home, a learner signs out from the header only
    sign_in(home, classroom["bolat"], pin="3691")
    assert 'class="done-here"' not in home.get("/learn/basic/alpha").get_data(as_text=True)


def test_the_trainer_tells_twins_apart_too(make, classroom):
    cls = classroom["cls"]
    twins = [make.learner(village=cls.village, name="Асан Т.", code=code) for code in ("asan1", "asan2")]
    cls.learners.extend(twins)
    db.session.commit()
    trainer = classroom["pc"].application.test_client()
    sign_in(trainer, classroom["trainer"])
    text = trainer.get(f"/trainer/classes/{cls.id}").get_data(as_text=True)
    assert text.count('<span class="twin">asan1</span>') == 3  # the grid, attendance and the sheets list
    assert "learner" not in "".join(re.findall(r'<span class="twin">([^<]*)</span>', text))


def test_a_signed_in_learner_is_not_sent_to_the_tiles_by_the_logo(classroom):
    pc, aigul = classroom["pc"], classroom["aigul"]
    post(pc, f"/class/{aigul.id}", {"pin": "2580"}, page=f"/class/{aigul.id}")
    # the tiles would leave her signed in for the next person: she leaves with "I'm done"
    assert 'class="brand" href="/"' in pc.get("/learn/").get_data(as_text=True)


def _signed_in_copy(app, pc):
    copy = app.test_client()
    copy.set_cookie("session", pc.get_cookie("session").value)
    return copy


def test_im_done_ends_the_session_even_for_a_copied_cookie(app, classroom):
    pc, aigul = classroom["pc"], classroom["aigul"]
    post(pc, f"/class/{aigul.id}", {"pin": "2580"}, page=f"/class/{aigul.id}")
    copy = _signed_in_copy(app, pc)
    assert copy.get("/learn/").status_code == 200
    post(pc, "/logout", page="/learn/")  # "I'm done"
    assert copy.get("/learn/").status_code == 302


def test_closing_the_class_session_ends_the_learners_sessions_for_good(app, classroom):
    from app.models import LoginSession

    pc, aigul, cls = classroom["pc"], classroom["aigul"], classroom["cls"]
    post(pc, f"/class/{aigul.id}", {"pin": "2580"}, page=f"/class/{aigul.id}")
    trainer_browser = app.test_client()
    sign_in(trainer_browser, classroom["trainer"])
    post(trainer_browser, f"/trainer/classes/{cls.id}/session/close", page=f"/trainer/classes/{cls.id}")
    db.session.rollback()
    ended = db.session.scalars(db.select(LoginSession).where(LoginSession.user_id == aigul.id)).one()
    assert ended.ended_at is not None and ended.class_session_id is not None
    assert pc.get("/learn/").status_code == 302


def test_new_cards_end_the_sessions_of_those_learners(app, classroom):
    pc, aigul, cls = classroom["pc"], classroom["aigul"], classroom["cls"]
    post(pc, f"/class/{aigul.id}", {"pin": "2580"}, page=f"/class/{aigul.id}")
    phone = app.test_client()  # the same learner at home
    sign_in(phone, aigul)
    trainer_browser = app.test_client()
    sign_in(trainer_browser, classroom["trainer"])
    post(trainer_browser, f"/trainer/classes/{cls.id}/cards", {"learner": str(aigul.id), "pins": "new", "confirm": "yes"},
         page=f"/trainer/classes/{cls.id}")
    assert phone.get("/learn/").status_code == 302
