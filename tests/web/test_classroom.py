"""A class session on a shared computer: name tiles, PIN, "I'm done", closing the session."""

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
    post(trainer_browser, f"/trainer/classes/{cls.id}/cards", {"learner": str(aigul.id)},
         page=f"/trainer/classes/{cls.id}")
    assert phone.get("/learn/").status_code == 302
