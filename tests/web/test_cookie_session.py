"""The session cookie is re-signed only when the session changed or its signature is old
(app/auth/cookie_session.py), and a kept (already verified) cookie still ends after the idle time."""

import time

from tests.conftest import post, sign_in


def _sets_cookie(response) -> bool:
    return any(h.startswith("session=") for h in response.headers.getlist("Set-Cookie"))


def test_an_unchanged_fresh_session_is_not_signed_again(app, client, make):
    sign_in(client, make.learner())
    client.get("/learn/")  # the page's forms put the CSRF token in the session: the cookie changes once
    response = client.get("/learn/")
    assert response.status_code == 200 and not _sets_cookie(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_changed_session_is_signed_and_set(app, client, make):
    sign_in(client, make.learner())
    client.get("/learn/")
    response = post(client, "/language", {"lang": "ru", "next": "/learn/"}, page="/learn/")
    assert _sets_cookie(response)
    assert 'lang="ru"' in client.get("/learn/").get_data(as_text=True)


def test_an_older_signature_is_renewed_so_the_idle_time_slides(app, client, make, monkeypatch):
    sign_in(client, make.learner())
    client.get("/learn/")
    now = time.time()
    later = now + app.config["SESSION_REFRESH_SECONDS"] + 1
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get("/learn/")
    assert response.status_code == 200 and _sets_cookie(response)
    # The renewed cookie counts from `later`: still signed in an idle time after the first one.
    idle = app.permanent_session_lifetime.total_seconds()
    monkeypatch.setattr(time, "time", lambda: now + idle + 5)
    assert client.get("/learn/").status_code == 200


def test_a_kept_cookie_still_ends_after_the_idle_time(app, client, make, monkeypatch):
    sign_in(client, make.learner())
    client.get("/learn/")
    assert client.get("/learn/").status_code == 200  # this cookie is now verified and kept
    idle = app.permanent_session_lifetime.total_seconds()
    later = time.time() + idle + 2
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get("/learn/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_changed_cookie_is_refused_even_when_the_real_one_is_kept(app, client, make):
    sign_in(client, make.learner())
    client.get("/learn/")
    assert client.get("/learn/").status_code == 200
    value = client.get_cookie("session").value
    client.set_cookie("session", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    response = client.get("/learn/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_cookie_signed_with_another_key_is_refused(app, client, make):
    sign_in(client, make.learner())
    client.get("/learn/")
    assert client.get("/learn/").status_code == 200
    app.secret_key = app.config["SECRET_KEY"] = "another-secret-key"
    response = client.get("/learn/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
