"""A practice exercise played offline on a phone (issue #15 on the design of issue #13), server
side: what the saved lesson carries to play it (the same markup and feedback as the page online),
and the whole attempt arriving through the outbox, replayed through the online check: the same
events, result and mastery as online; sent twice, stored once; forged or changed, a 400 and
nothing stored."""

import json
import re
import uuid

import pytest

from app.extensions import db
from app.models import Event
from app.progress.kinds import exercise_item
from tests.conftest import app_with_schema, post, sign_in, translated
from tests.practice_content import graded_answer, practice_app

PRACTICE = "/learn/basic/beta/practice/inbox"
KEY = "/learn/offline/basic/beta/key"
RIGHT = [["code", "delete"], ["notice", "safe"]]
DANGEROUS = [["code", "tell-code"], ["notice", "delete"]]


@pytest.fixture
def app(tmp_path):
    yield from practice_app(tmp_path)


def signed_in(app, make):
    client = app.test_client()
    learner = make.learner()
    sign_in(client, learner)
    return client, learner


def send(client, moves, entry_id=None, exercise="inbox", **extra):
    """POST one queued attempt as static/offline.js does (JSON, the token in a header)."""
    status = client.get("/learn/outbox").get_json()
    body = {"id": entry_id or str(uuid.uuid4()), "learner": status["learner"], "lang": "kk", "kind": "exercise",
            "level": "basic", "item": "beta", "question": exercise, "fields": {}, "moves": moves, **extra}
    return client.post("/learn/outbox", data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRFToken": status["csrf"]})


def play_online(client, moves, url=PRACTICE):
    page = client.get(url).get_data(as_text=True)
    for _, move in moves:
        form = dict(re.findall(r'name="(attempt|step|screen)" value="([^"]*)"', page))
        assert post(client, url, {**form, "move": move}, page=url).status_code == 302
        page = client.get(url).get_data(as_text=True)
    return page


def answer_all(app, learner, right: bool):
    from app.course import get_course
    from app.progress import record

    lesson = get_course().items["beta"]
    for question in lesson.variant("kk").questions:
        record.answer_question(learner, lesson, question, graded_answer(question, right), "kk")


def events_of(learner):
    return list(db.session.scalars(db.select(Event).where(Event.user_id == learner.id).order_by(Event.seq)))


def stored_attempt(learner):
    """What an attempt left: its moves and its result, without the attempt's own id."""
    kept = [e for e in events_of(learner) if e.item_id == exercise_item("beta", "inbox")]
    return [(e.kind, {k: v for k, v in e.payload.items() if k != "attempt"}) for e in kept]


def lesson_state(client) -> str:
    return client.get("/learn/basic/beta").get_data(as_text=True).split('id="state"')[1].split("</div>")[0]


def test_the_saved_lesson_carries_its_practice_as_the_page_shows_it(app, make):
    client, _ = signed_in(app, make)
    assert PRACTICE in client.get("/learn/offline/basic/pack").get_json()["pages"]  # saved with the level
    key = client.get(KEY).get_json()["exercises"]["inbox"]
    online = client.get(PRACTICE).get_data(as_text=True)
    first = key["screens"][0]
    assert [s["id"] for s in key["screens"]] == ["code", "notice"]
    attempt = re.compile(r'name="(attempt|csrf_token)" value="[^"]*"')  # this page's own (the token is timed)
    section = re.search(r'<section[^>]*id="screen".*?</section>', online, re.S).group(0)
    assert attempt.sub("", first["html"]) == attempt.sub("", section)  # the same screen, word for word
    assert first["moves"]["tell-code"]["mark"] == "critical" and first["moves"]["delete"]["flag"]
    page = play_online(client, [["code", "tell-code"]])  # the feedback the page shows online ...
    feedback = re.search(r'<div class="fb ex-fb.*?</div>', page, re.S).group(0)
    assert first["moves"]["tell-code"]["feedback"] == feedback  # ... is the one saved for offline
    assert "Never." in feedback and translated("Dangerous mistake!") in feedback
    assert "9000004" in key["result"]["critical"] and key["slots"]["critical"] == 9000004
    assert translated("Well done! You passed the practice.") in key["result"]["passed"]
    assert key["pass_mark"] == app.extensions["auyl_course"].level("basic").pass_mark  # offline.js says "passed" at it


@pytest.mark.parametrize("moves", [RIGHT, DANGEROUS], ids=["right", "dangerous"])
def test_an_attempt_played_offline_is_stored_as_the_same_attempt_online(app, make, moves):
    online_client, online = signed_in(app, make)
    online_client.get("/learn/basic/beta")
    answer_all(app, online, right=True)
    play_online(online_client, moves)
    client, learner = signed_in(app, make)
    client.get("/learn/basic/beta")
    answer_all(app, learner, right=True)
    entry_id = str(uuid.uuid4())
    response = send(client, moves, entry_id)
    assert response.status_code == 200 and response.get_json()["status"] == "stored"
    assert stored_attempt(learner) == stored_attempt(online)  # the same moves, marks and result
    done = [e for e in events_of(learner) if e.kind == "exercise_done"]
    assert len(done) == 1 and done[0].client_id == uuid.UUID(entry_id)
    assert done[0].payload["passed"] == (moves == RIGHT) and done[0].payload["critical"] == (moves != RIGHT)
    # Mastery: the other exercise of the lesson done right, online for one and offline for the other.
    play_online(online_client, RIGHT, url="/learn/basic/beta/practice/calls")
    assert send(client, RIGHT, exercise="calls").get_json()["status"] == "stored"
    state = lesson_state(client)
    assert state == lesson_state(online_client)  # what the lesson page says: the same
    assert (translated("Mastered") in state) == (moves == RIGHT)


def test_an_attempt_sent_twice_is_stored_once(app, make):
    client, learner = signed_in(app, make)
    entry_id = str(uuid.uuid4())
    assert send(client, RIGHT, entry_id).get_json()["status"] == "stored"
    before = len(events_of(learner))
    again = send(client, RIGHT, entry_id)  # the acknowledgement was lost: the phone sends it again
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert len(events_of(learner)) == before
    # A second attempt (a new id made on the phone) is a second attempt.
    assert send(client, DANGEROUS).get_json()["status"] == "stored"
    assert [e.kind for e in events_of(learner)].count("exercise_done") == 2


@pytest.mark.parametrize("moves", [
    [["code", "delete"], ["notice", "open-link"]],  # not a move of that screen
    [["notice", "safe"], ["code", "delete"]],  # the screens in another order
    [["code", "delete"]],  # not finished
    [["code", "delete"], ["notice", "safe"], ["notice", "safe"]],  # a screen too many
], ids=["no-such-move", "order", "short", "long"])
def test_a_forged_attempt_is_refused_and_nothing_is_stored(app, make, moves):
    client, learner = signed_in(app, make)
    client.get("/learn/basic/beta")
    before = events_of(learner)
    response = send(client, moves)
    assert response.status_code == 400 and response.get_json()["status"] == "refused"
    assert response.get_json()["message"] == translated(
        "A practice done on this phone does not fit the exercise as it is now. It was not saved. "
        "Open the practice and do it again.")
    assert events_of(learner) == before  # not even the moves that did fit


@pytest.mark.parametrize("extra", [{"moves": "code:delete"}, {"moves": [["code"]]}, {"moves": [["code", 1]]},
                                   {"moves": []}, {"question": "no-such-exercise"}, {"item": "alpha"}])
def test_an_attempt_not_made_by_our_script_is_refused(app, make, extra):
    client, learner = signed_in(app, make)
    before = len(events_of(learner))
    response = send(client, extra.get("moves", RIGHT), **{k: v for k, v in extra.items() if k != "moves"})
    assert response.status_code == 400 and response.get_json()["status"] == "refused"
    assert len(events_of(learner)) == before


def test_an_attempt_sent_twice_at_once_is_stored_once(app, make, monkeypatch):
    """The second send passes the first look-up before the first is stored (two requests at once):
    its first move's id is taken (`record.move_event_id`), so it stores nothing and says duplicate."""
    from app.progress import record

    client, learner = signed_in(app, make)
    entry_id = str(uuid.uuid4())
    assert send(client, RIGHT, entry_id).get_json()["status"] == "stored"
    before = len(events_of(learner))
    known = record.client_answer_known
    calls = []

    def not_yet_the_first_time(user, client_id):
        calls.append(client_id)
        return False if len(calls) == 1 else known(user, client_id)

    monkeypatch.setattr(record, "client_answer_known", not_yet_the_first_time)
    again = send(client, RIGHT, entry_id)
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate" and len(calls) == 2
    assert len(events_of(learner)) == before


@pytest.fixture
def real_app():
    from tests.conftest import REAL_CONTENT

    yield from app_with_schema(REAL_CONTENT)


def egov_moves(exercise, attempt: str, **slip) -> list:
    """The right move of every screen, with what it asks to type (the SMS code of this attempt)."""
    from app.content.exercise import RIGHT

    moves = []
    for step, screen in enumerate(exercise.screens):
        typed = {name: value or exercise.code_at(step, attempt) for name, value in screen.fields if name != "chat"}
        typed.update({k: v for k, v in slip.items() if k in typed})
        moves.append([screen.id, next(m.id for m in screen.moves if m.mark == RIGHT), typed])
    return moves


def test_an_egov_attempt_played_offline_replays_what_was_typed(real_app, make):
    """The eGov portal: the IIN, password and search word typed, and the SMS code of the attempt
    (made on the phone from the entry's id, as the server makes it), checked again here."""
    from app.course import get_course

    client, learner = signed_in(real_app, make)
    key = client.get("/learn/offline/elementary/egov-certificate/key").get_json()["exercises"]["egov-portal"]
    sign = next(s for s in key["screens"] if s["id"] == "sign")
    assert key["code_slot"] in sign["html"] and sign["code_from"] == "sign" and "code" in sign["slips"]
    assert 'aria-invalid="true"' in sign["slips"]["code"]
    exercise = get_course().items["egov-certificate"].exercise("egov-portal", "kk")
    entry_id = uuid.uuid4()

    def send_egov(moves, entry=entry_id):
        status = client.get("/learn/outbox").get_json()
        body = {"id": str(entry), "learner": status["learner"], "lang": "kk", "kind": "exercise",
                "level": "elementary", "item": "egov-certificate", "question": "egov-portal", "fields": {},
                "moves": moves}
        return client.post("/learn/outbox", data=json.dumps(body), content_type="application/json",
                           headers={"X-CSRFToken": status["csrf"]})

    wrong_code = send_egov(egov_moves(exercise, uuid.uuid4().hex))  # the code of another attempt
    assert wrong_code.status_code == 400 and events_of(learner) == []
    typo = send_egov(egov_moves(exercise, entry_id.hex, password="demo-1235"))
    assert typo.status_code == 400 and events_of(learner) == []
    right = send_egov(egov_moves(exercise, entry_id.hex))
    assert right.status_code == 200 and right.get_json()["status"] == "stored"
    done = [e for e in events_of(learner) if e.kind == "exercise_done"]
    assert len(done) == 1 and done[0].payload["passed"] and done[0].payload["right"] == len(exercise.screens)
    assert "demo-1234" not in json.dumps([e.payload for e in events_of(learner)])  # what was typed is not kept


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_practice_of_the_course_is_saved_whole_for_offline(real_app, make, lang):
    """Each exercise of the real course, in each language, cut into all its parts (a screen that
    could not be cut would leave the exercise out of the key: offline, it would need the network)."""
    from app.course import get_course

    client, _ = signed_in(real_app, make)
    post(client, "/language", {"lang": lang, "next": "/learn/"}, page="/learn/")
    seen = 0
    for level in get_course().levels:
        for lesson in level.lessons:
            exercises = lesson.variant(lang).exercises
            if not exercises:
                continue
            key = client.get(f"/learn/offline/{level.id}/{lesson.id}/key").get_json()
            assert key["lang"] == lang and set(key["exercises"]) == {ex.id for ex in exercises}
            for ex in exercises:
                saved = key["exercises"][ex.id]
                assert [s["id"] for s in saved["screens"]] == [s.id for s in ex.screens]
                for screen, part in zip(ex.screens, saved["screens"], strict=True):
                    assert part["html"].startswith("<section") and set(part["moves"]) == {m.id for m in screen.moves}
                    assert all(m["feedback"] and m["review"].startswith("<li") for m in part["moves"].values())
                    assert set(part["slips"]) == {name for name, _ in screen.fields if name != "chat"}
                seen += 1
    assert seen >= 5  # the inbox, the bank app and the eGov portal, at both levels


def test_a_long_search_typed_offline_is_cut_as_online_not_refused(real_app, make):
    """The page's form keeps the first 200 characters of each field (learn/pages.typed_fields):
    a long search typed offline is checked the same way, not refused whole with a message about a
    question no longer in the lesson (the phone checks the whole text, so it queued the attempt)."""
    from app.course import get_course

    client, learner = signed_in(real_app, make)
    exercise = get_course().items["egov-certificate"].exercise("egov-portal", "kk")
    entry_id = uuid.uuid4()
    wanted = dict(next(s for s in exercise.screens if s.id == "search").fields)["query"]
    status = client.get("/learn/outbox").get_json()
    body = {"id": str(entry_id), "learner": status["learner"], "lang": "kk", "kind": "exercise",
            "level": "elementary", "item": "egov-certificate", "question": "egov-portal", "fields": {},
            "moves": egov_moves(exercise, entry_id.hex, query=wanted + " туралы" * 40)}
    response = client.post("/learn/outbox", data=json.dumps(body), content_type="application/json",
                           headers={"X-CSRFToken": status["csrf"]})
    assert response.status_code == 200 and response.get_json()["status"] == "stored"
    assert len([e for e in events_of(learner) if e.kind == "exercise_done"]) == 1
