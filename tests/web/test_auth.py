"""Signing in and out, registration, rate limits, CSRF, sessions."""

import re

from app.extensions import db
from app.models import Role, User
from tests.conftest import csrf_token, post, sign_in


def test_learner_signs_in_with_code_and_pin(client, make):
    learner = make.learner(code="aigul", pin="2580")
    response = post(client, "/login", {"code": " AIGUL ", "pin": "2580"})
    assert response.status_code == 302 and response.headers["Location"] == "/learn/"
    assert learner.name in client.get("/learn/").get_data(as_text=True)


def test_wrong_pin_gives_a_clear_message_in_the_users_language(client, make):
    make.learner(code="aigul", pin="2580")
    response = post(client, "/login", {"code": "aigul", "pin": "1111"})
    assert response.status_code == 401
    assert "Кіру коды немесе ПИН-код қате" in response.get_data(as_text=True)
    post(client, "/language", {"lang": "ru", "next": "/login"})
    response = post(client, "/login", {"code": "aigul", "pin": "1111"})
    assert "Неверный код входа или ПИН-код" in response.get_data(as_text=True)


def test_pin_attempts_are_limited_per_account(client, make):
    make.learner(code="aigul", pin="2580")
    for _ in range(5):
        assert post(client, "/login", {"code": "aigul", "pin": "0000"}).status_code == 401
    blocked = post(client, "/login", {"code": "aigul", "pin": "2580"})  # even the right PIN waits
    assert blocked.status_code == 429
    assert "15 минут" in blocked.get_data(as_text=True)
    make.learner(code="bolat", pin="3691")
    assert post(client, "/login", {"code": "bolat", "pin": "3691"}).status_code == 302  # others unaffected


def test_successful_sign_ins_do_not_count_against_the_limit(client, make):
    make.learner(code="aigul", pin="2580")
    for _ in range(8):
        assert post(client, "/login", {"code": "aigul", "pin": "2580"}).status_code == 302
        post(client, "/logout", page="/learn/")


def test_pin_attempts_are_limited_per_address(app, make):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    client = app.test_client()
    for n in range(3):
        assert post(client, "/login", {"code": f"nobody{n}", "pin": "1234"}).status_code == 401
    assert post(client, "/login", {"code": "someone-else", "pin": "1234"}).status_code == 429
    other = app.test_client()
    response = other.post("/login", data={"code": "x", "pin": "1234", "csrf_token": csrf_token(other)},
                          environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 401  # another address is not blocked


def test_staff_sign_in(client, make):
    trainer = make.staff(Role.TRAINER)
    assert post(client, "/staff/login", {"username": trainer.username, "password": "wrong-password"},
                page="/staff/login").status_code == 401
    response = sign_in(client, trainer)
    assert response.headers["Location"] == "/trainer/"


def test_learner_cannot_use_the_staff_form_and_staff_cannot_use_the_pin_form(client, make):
    learner = make.learner(code="aigul", pin="2580")
    assert post(client, "/staff/login", {"username": learner.login_code, "password": "2580"},
                page="/staff/login").status_code == 401


def test_form_without_csrf_token_is_refused_and_nothing_happens(client, make):
    make.learner(code="aigul", pin="2580")
    response = client.post("/login", data={"code": "aigul", "pin": "2580"})
    assert response.status_code == 400
    assert "Ештеңе сақталған жоқ" in response.get_data(as_text=True)
    assert client.get("/learn/").status_code == 302  # still signed out


def test_next_only_redirects_within_the_site(client, make):
    make.learner(code="aigul", pin="2580")
    response = post(client, "/login?next=https://evil.example/x", {"code": "aigul", "pin": "2580"})
    assert response.headers["Location"] == "/learn/"
    post(client, "/logout", page="/learn/")
    response = post(client, "/login?next=/learn/progress", {"code": "aigul", "pin": "2580"})
    assert response.headers["Location"] == "/learn/progress"


def test_sign_out_ends_the_session(client, make):
    learner = make.learner()
    sign_in(client, learner)
    response = post(client, "/logout", page="/learn/")
    assert response.status_code == 302
    assert client.get("/learn/").status_code == 302


def test_self_registration(client, make):
    village = make.village("Абай")
    response = post(client, "/register", {"name": "  Сәуле  Демо ", "village": str(village.id), "code": "",
                                          "pin": "4827", "pin_again": "4827", "consent": "yes"}, page="/register")
    assert response.status_code == 302 and response.headers["Location"] == "/learn/welcome"
    response = client.get("/learn/welcome")  # a GET: reloading it is harmless
    user = db.session.scalar(db.select(User).where(User.name == "Сәуле Демо"))
    assert user.role == Role.LEARNER and user.village_id == village.id
    assert len(user.login_code) == 6 and user.login_code.isdigit()
    assert user.login_code in response.get_data(as_text=True)
    assert user.secret_hash != "4827" and user.check_secret("4827")


def test_registration_errors_keep_what_was_typed(client, make):
    make.learner(code="taken")
    village = make.village("Абай")
    response = post(client, "/register", {"name": "Болат", "village": str(village.id), "code": "Taken",
                                          "pin": "1234", "pin_again": "1234"}, page="/register")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Бұл кіру коды бос емес" in text
    assert "Бұл ПИН-кодты табу тым оңай" in text
    assert "Келісу үшін белгі қойыңыз" in text
    assert 'value="Болат"' in text
    assert db.session.scalar(db.select(User).where(User.name == "Болат")) is None


def test_registration_rejects_an_unknown_village(client):
    response = post(client, "/register", {"name": "Болат", "village": "not-a-uuid", "pin": "4827",
                                          "pin_again": "4827", "consent": "yes"}, page="/register")
    assert response.status_code == 400 and "Ауылыңызды тізімнен таңдаңыз" in response.get_data(as_text=True)


def test_trainer_resets_a_pin(client, make):
    village = make.village()
    learner = make.learner(village=village, pin="2580")
    trainer = make.staff(Role.TRAINER, [village])
    sign_in(client, trainer)
    response = post(client, f"/trainer/learner/{learner.id}/pin", page=f"/trainer/learner/{learner.id}")
    assert response.status_code == 200
    shown = re.search(rf"{learner.login_code} · (\d{{4}})", response.get_data(as_text=True)).group(1)
    db.session.refresh(learner)
    assert not learner.check_secret("2580") and learner.check_secret(shown)


def test_trainer_gives_a_new_login_code_and_the_learner_signs_in_with_it(client, make):
    village = make.village()
    learner = make.learner(village=village, code="aigul", pin="2580")
    trainer = make.staff(Role.TRAINER, [village])
    sign_in(client, trainer)
    response = post(client, f"/trainer/learner/{learner.id}/code", page=f"/trainer/learner/{learner.id}")
    assert response.status_code == 200
    code = re.search(r'class="code-card">(\d{6})<', response.get_data(as_text=True)).group(1)
    db.session.refresh(learner)
    assert learner.login_code == code != "aigul" and learner.check_secret("2580")  # the PIN stays
    other = client.application.test_client()
    sign_in(other, learner)
    assert other.get("/learn/").status_code == 200


def test_language_choice_is_remembered_for_the_account(client, make):
    learner = make.learner()
    sign_in(client, learner)
    post(client, "/language", {"lang": "ru", "next": "/learn/"}, page="/learn/")
    db.session.refresh(learner)
    assert learner.language == "ru"
    post(client, "/logout", page="/learn/")
    other = client.application.test_client()
    sign_in(other, learner)
    assert 'lang="ru"' in other.get("/learn/").get_data(as_text=True)


def test_language_switch_rejects_unknown_language_and_foreign_next(client):
    response = post(client, "/language", {"lang": "xx", "next": "//evil.example/"}, page="/")
    assert response.headers["Location"] == "/"
    assert '<html lang="kk">' in client.get("/").get_data(as_text=True)


def test_language_chosen_on_the_sign_in_page_is_kept_but_a_previous_users_is_not(app, make):
    aigul, bolat = make.learner(code="aigul", language="kk"), make.learner(code="bolat", language="kk")
    shared = app.test_client()
    post(shared, "/language", {"lang": "ru", "next": "/login"})
    sign_in(shared, aigul)
    db.session.refresh(aigul)
    assert aigul.language == "ru"
    post(shared, "/logout", page="/learn/")
    sign_in(shared, bolat)  # the next person at the same computer
    db.session.refresh(bolat)
    assert bolat.language == "kk"
    assert '<html lang="kk">' in shared.get("/learn/").get_data(as_text=True)


def test_staff_limit_cannot_be_dodged_with_an_extra_field(client, make):
    trainer = make.staff(Role.TRAINER, username="aidana")
    for n in range(5):
        response = post(client, "/staff/login", {"username": "aidana", "password": "wrong-password",
                                                 "code": f"random{n}"}, page="/staff/login")
        assert response.status_code == 401
    blocked = post(client, "/staff/login", {"username": "aidana", "password": "correct-horse-1", "code": "x"},
                   page="/staff/login")
    assert blocked.status_code == 429
    assert trainer.check_secret("correct-horse-1")


def test_a_learner_code_like_a_staff_username_does_not_lock_the_staff_account(client, make):
    make.staff(Role.COORDINATOR, username="akimat")
    make.learner(code="akimat")
    for _ in range(5):
        post(client, "/login", {"code": "akimat", "pin": "0000"})
    response = post(client, "/staff/login", {"username": "akimat", "password": "correct-horse-1"},
                    page="/staff/login")
    assert response.status_code == 302


def test_a_new_pin_ends_sessions_signed_in_with_the_old_one(app, client, make):
    village = make.village()
    learner = make.learner(village=village, pin="2580")
    sign_in(client, learner)
    assert client.get("/learn/").status_code == 200
    trainer_browser = app.test_client()
    sign_in(trainer_browser, make.staff(Role.TRAINER, [village]))
    post(trainer_browser, f"/trainer/learner/{learner.id}/pin", page=f"/trainer/learner/{learner.id}")
    response = client.get("/learn/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_signing_out_after_the_session_expired_is_not_an_error(app, make):
    client = app.test_client()
    sign_in(client, make.learner())
    token = csrf_token(client, "/learn/")
    client.delete_cookie("session")  # what the server sees once the idle time has passed
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_an_old_session_cookie_is_refused_after_the_idle_time(app, make):
    client = app.test_client()
    sign_in(client, make.learner())
    assert client.get("/learn/").status_code == 200
    app.permanent_session_lifetime = __import__("datetime").timedelta(seconds=-1)  # as if 15 minutes passed
    response = client.get("/learn/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_behind_a_trusted_proxy_the_address_limit_counts_each_persons_address():
    """The district server sits behind Caddy: every request reaches the app from 127.0.0.1."""
    from tests.conftest import create_schema, drop_schema, make_app

    for proxies, other_address_refused in ((1, False), (0, True)):
        app = make_app(TRUSTED_PROXIES=proxies, LOGIN_LIMIT_PER_ADDRESS="2 per 15 minutes")
        with app.app_context():
            create_schema()
            client = app.test_client()

            def wrong_pin(address, code, client=client):
                return post(client, "/login", {"code": code, "pin": "0000"},
                            headers={"X-Forwarded-For": address}).status_code

            assert [wrong_pin("203.0.113.5", f"someone{i}") for i in range(3)] == [401, 401, 429]
            assert wrong_pin("198.51.100.7", "someone9") == (429 if other_address_refused else 401)
            drop_schema()


def test_registration_tells_every_pin_problem_at_once(client, make):
    village = make.village("Абай")
    response = post(client, "/register", {"name": "Болат", "village": str(village.id), "pin": "1234",
                                          "pin_again": "4827", "consent": "yes"}, page="/register")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="pin-error"' in text and 'id="pin_again-error"' in text  # weak, and not the same: both now
    assert 'novalidate' in text  # the browser does not stop at the first empty field


def test_the_pin_rules_are_shown_before_typing(client):
    text = client.get("/register").get_data(as_text=True)
    assert 'id="pin-help"' in text and "1234" in text
    start = client.get("/").get_data(as_text=True)
    assert 'class="button big secondary" href="/register"' in start


def _copied_cookie_works(app, client) -> bool:
    """Does a copy of `client`'s session cookie (taken now) still sign someone in elsewhere?"""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy.get("/learn/").status_code == 200


def test_a_session_cookie_copied_before_sign_out_is_worthless_after_it(app, client, make):
    sign_in(client, make.learner())
    stolen = client.get_cookie("session").value  # read off a shared PC or a plain-HTTP network
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/learn/").status_code == 200  # the copy works while the session is open
    post(client, "/logout", page="/learn/")
    response = thief.get("/learn/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    from app.models import LoginSession

    assert db.session.scalars(db.select(LoginSession)).one().ended_at is not None


def test_the_cookie_carries_a_random_session_id_not_the_user_id(app, client, make):
    learner = make.learner()
    sign_in(client, learner)
    with client.session_transaction() as session:
        kept = session["_user_id"]
    assert str(learner.id) not in kept and len(kept) >= 40
    with client.session_transaction() as session:
        session["_user_id"] = "made-up"  # (needs the secret key to sign, but still: unknown ids are no one)
    assert client.get("/learn/").status_code == 302


def test_a_new_pin_ends_even_a_copied_session(app, client, make):
    village = make.village()
    learner = make.learner(village=village)
    sign_in(client, learner)
    assert _copied_cookie_works(app, client)
    trainer_browser = app.test_client()
    sign_in(trainer_browser, make.staff(Role.TRAINER, [village]))
    post(trainer_browser, f"/trainer/learner/{learner.id}/pin", page=f"/trainer/learner/{learner.id}")
    assert not _copied_cookie_works(app, client)
