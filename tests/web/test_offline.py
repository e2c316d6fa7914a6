"""Learners at home on phones (issue #13), server side: manifest, service worker, what is saved
for offline use, and the outbox of answers given offline (each stored once, by its id)."""

import json
import re
import uuid

import pytest

from app.extensions import db
from app.models import Event
from tests.conftest import CSRF_RE, post, sign_in, translated

LESSON = "/learn/basic/alpha"


@pytest.fixture
def learner_client(client, make):
    learner = make.learner()
    sign_in(client, learner)
    client.learner = learner
    return client


def send(client, entry: dict, learner=None):
    """POST one outbox entry as static/offline.js does (JSON, the token in a header)."""
    status = client.get("/learn/outbox").get_json()
    body = {"learner": learner or status["learner"], "lang": "kk", "question": "", **entry}
    return client.post("/learn/outbox", data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRFToken": status["csrf"]})


def events(kind=None):
    query = db.select(Event)
    if kind:
        query = query.where(Event.kind == kind)
    return db.session.scalars(query).all()


def answer_entry(question="who", choice="1", entry_id=None):
    return {"id": entry_id or str(uuid.uuid4()), "kind": "answer", "level": "basic", "item": "alpha",
            "question": question, "fields": {"choice": [choice]}}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_manifest_in_the_visitors_language(client, lang):
    post(client, "/language", {"lang": lang, "next": "/"})
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["lang"] == lang and manifest["start_url"] == "/learn/"
    assert manifest["description"] == translated(
        "Digital skills lessons for the villages of Aral district, in Kazakh and Russian.", lang)
    assert {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as got:
            assert got.status_code == 200


def test_service_worker_is_served_from_the_root_and_loads_nothing_from_outside(client):
    with client.get("/sw.js") as response:
        assert response.status_code == 200 and "no-cache" in response.headers["Cache-Control"]
        source = response.get_data(as_text=True)
    assert "http" not in source.replace("https://", "") and "importScripts" not in source


def test_outbox_stores_a_resent_answer_once(learner_client):
    entry = answer_entry()
    first = send(learner_client, entry)
    again = send(learner_client, entry)  # the acknowledgement was lost: the phone sends it again
    assert first.get_json()["status"] == "stored" and again.get_json()["status"] == "duplicate"
    stored = events("answer")
    assert len(stored) == 1 and stored[0].client_id == uuid.UUID(entry["id"])
    assert stored[0].payload == {"answer": [1], "correct": True}  # graded here, not on the phone


def test_an_answer_to_a_question_that_is_gone_is_refused_and_the_rest_goes_through(learner_client):
    gone = send(learner_client, answer_entry(question="no-such-question"))
    assert gone.status_code == 200 and gone.get_json()["status"] == "refused"
    assert gone.get_json()["message"] == translated(
        "An answer saved on this phone was for a question that is no longer in the lesson. It was not saved.")
    assert send(learner_client, answer_entry(question="who", choice="0")).get_json()["status"] == "stored"
    assert [(e.question_id, e.payload["correct"]) for e in events("answer")] == [("who", False)]


def test_an_answer_of_another_learner_is_kept_on_the_phone(learner_client, make):
    other = make.learner()
    response = send(learner_client, answer_entry(), learner=str(other.id))
    assert response.status_code == 409 and events("answer") == []


def test_outbox_refuses_what_our_script_does_not_send(learner_client):
    status = learner_client.get("/learn/outbox").get_json()
    for body in ({"learner": status["learner"], "id": "x", "kind": "answer", "fields": {}},
                 {"learner": status["learner"], "id": str(uuid.uuid4()), "kind": "answer", "level": "basic",
                  "item": "alpha", "question": "who", "fields": {"choice": [{"a": 1}]}}):
        response = learner_client.post("/learn/outbox", data=json.dumps(body), content_type="application/json",
                                       headers={"X-CSRFToken": status["csrf"]})
        assert response.status_code == 400 and response.get_json()["status"] == "refused"
    bad = send(learner_client, answer_entry(choice="7"))
    assert bad.get_json()["status"] == "refused" and events() == []


def test_outbox_needs_the_form_token_and_a_signed_in_learner(client, make):
    assert client.post("/learn/outbox", json=answer_entry()).status_code in (302, 400, 401)
    sign_in(client, make.learner())
    assert client.post("/learn/outbox", json=answer_entry()).status_code == 400  # no CSRF token
    assert events() == []


def test_a_test_answered_offline_is_graded_by_the_server_once(learner_client):
    entry = {"id": str(uuid.uuid4()), "kind": "test", "level": "basic", "item": "basic-pre",
             "fields": {"p-1:choice": ["1"], "p-2:choice": ["1"]}}
    receipt = send(learner_client, entry).get_json()
    assert receipt["status"] == "stored" and receipt["result"] == "/learn/basic/basic-pre"
    assert send(learner_client, entry).get_json()["status"] == "duplicate"
    taken = events("test_taken")
    assert len(taken) == 1 and taken[0].payload["results"] == {"p-1": True, "p-2": False}
    second = send(learner_client, {**entry, "id": str(uuid.uuid4())}).get_json()
    assert second["status"] == "refused" and len(events("test_taken")) == 1  # only the first try counts


def test_an_incomplete_test_from_the_phone_is_refused(learner_client):
    entry = {"id": str(uuid.uuid4()), "kind": "test", "level": "basic", "item": "basic-pre",
             "fields": {"p-1:choice": ["1"]}}
    assert send(learner_client, entry).get_json()["status"] == "refused" and events() == []


def test_the_saved_feedback_is_for_lessons_only(learner_client):
    key = learner_client.get("/learn/offline/basic/alpha/key").get_json()
    assert key["questions"]["who"]["correct"] == [1]
    assert learner_client.get("/learn/offline/basic/basic-pre/key").status_code == 404  # test keys stay here
    pack = learner_client.get("/learn/offline/basic/pack").get_json()
    assert "/learn/offline/basic/basic-pre/key" not in pack["keys"]
    assert "/learn/basic/basic-pre" in pack["pages"] and LESSON in pack["pages"] and pack["bytes"] > 0


def test_saving_a_page_is_not_a_visit_and_a_test_comes_whole(learner_client):
    saving = {"X-Offline-Save": "1"}
    assert learner_client.get(LESSON, headers=saving).status_code == 200
    assert events() == []  # the lessons stay "not started"
    page = learner_client.get("/learn/basic/basic-pre", headers=saving).get_data(as_text=True)
    assert 'name="p-1:choice"' in page and 'name="p-2:choice"' in page and 'value="finish"' in page
    assert "correct" not in page


def test_a_learners_page_carries_the_outbox_in_their_language(learner_client):
    page = learner_client.get("/learn/basic/").get_data(as_text=True)
    assert 'id="outbox"' in page and f'data-learner="{learner_client.learner.id}"' in page
    assert 'id="offline-save"' in page and "offline.js" in page and '<script src="/static/offline.js' not in page
    text = json.loads(re.search(r'id="offline-text">(.*?)</script>', page).group(1))
    assert set(text["waiting"]) == {"one", "other"} and "{n}" in text["waiting"]["other"]
    assert CSRF_RE.search(page)



def test_the_outbox_texts_kept_per_language_follow_the_page(learner_client):
    """The texts' JSON is made once per language (learn/offline.py): a Russian page after a Kazakh
    one gets the Russian texts (three plural forms), and the Kazakh page its own again."""
    def texts():
        page = learner_client.get("/learn/basic/").get_data(as_text=True)
        return json.loads(re.search(r'id="offline-text">(.*?)</script>', page).group(1))

    kazakh = texts()
    post(learner_client, "/language", {"lang": "ru", "next": "/learn/"}, page="/learn/")
    russian = texts()
    assert set(russian["waiting"]) == {"one", "few", "many"} and set(kazakh["waiting"]) == {"one", "other"}
    assert russian["sent"] == translated("All your answers are sent.", "ru") != kazakh["sent"]
    post(learner_client, "/language", {"lang": "kk", "next": "/learn/"}, page="/learn/")
    assert texts() == kazakh

def test_two_sends_of_one_answer_at_once_store_it_once(learner_client, monkeypatch):
    """Both requests looked before either stored: the database's unique (learner, id) decides."""
    from app.progress import outbox, record

    entry = answer_entry()
    assert send(learner_client, entry).get_json()["status"] == "stored"
    monkeypatch.setattr(record, "client_answer_known", lambda user, client_id: False)
    assert send(learner_client, entry).get_json()["status"] == outbox.DUPLICATE
    assert len(events("answer")) == 1


def test_answers_queued_under_an_account_joined_since_still_arrive(client, make):
    """The phone kept answers given under an account that a coordinator has joined to another
    since: the outbox still takes them (stored under that account, which the kept one follows),
    while the account's pages say which login code to use."""
    from app.models import Role
    from app.people import merge

    village = make.village("Ауыл")
    kept, duplicate = make.learner(village=village, name="Ару"), make.learner(village=village, name="Ару")
    sign_in(client, duplicate)
    merge(str(kept.id), [str(duplicate.id)], make.staff(Role.COORDINATOR, username="akimat"), [village])
    assert client.get("/learn/").status_code == 403
    assert send(client, answer_entry()).get_json()["status"] == "stored"
    assert [e.user_id for e in events("answer")] == [duplicate.id]
