"""Mastery counts the practice (issue #15 item 4): a lesson with exercises is mastered when its
questions reach the pass mark and each exercise has an attempt at the pass mark without a
critical mistake; until then the pages say what is left. And one move per step: two identical
posts that pass the check at once store one move."""

import datetime
import re

import pytest

from app.extensions import db
from app.models import Event, Role, TrainingClass
from app.progress import record
from app.progress.kinds import exercise_item
from tests.conftest import DATABASE_URL, post, sign_in, translated
from tests.practice_content import graded_answer, practice_app

LESSON = "/learn/basic/beta"


def practice_page(exercise_id: str) -> str:
    return f"{LESSON}/practice/{exercise_id}"


@pytest.fixture
def app(tmp_path):
    yield from practice_app(tmp_path)


def lesson_of(app, lesson_id="beta"):
    from app.course import get_course

    return get_course().items[lesson_id]


def answer_all(app, learner, right: bool, lesson_id="beta"):
    """Every question of the lesson, all right or all wrong (one finished attempt)."""
    lesson = lesson_of(app, lesson_id)
    for question in lesson.variant("kk").questions:
        record.answer_question(learner, lesson, question, graded_answer(question, right), "kk")


def form_of(page: str) -> dict:
    return dict(re.findall(r'name="(attempt|step|screen)" value="([^"]*)"', page))


def play(client, exercise_id: str, moves: list[str]) -> None:
    url = practice_page(exercise_id)
    page = client.get(url + "?new=1").get_data(as_text=True)  # a new attempt, after a finished one
    for move in moves:
        assert post(client, url, {**form_of(page), "move": move}, page=url).status_code == 302
        page = client.get(url).get_data(as_text=True)


def lesson_state(client) -> str:
    page = client.get(LESSON).get_data(as_text=True)
    return page.split('id="state"')[1].split("</div>")[0]


def test_questions_passed_leave_the_practice_then_mastered(app, make):
    learner = make.learner()
    client = app.test_client()
    sign_in(client, learner)
    client.get(LESSON)
    answer_all(app, learner, right=True)
    left = translated("Do the practice to master this lesson: %(mark)d %% right, and no dangerous mistake.", mark=80)
    state = lesson_state(client)
    assert translated("Done, do the practice to master") in state and left in state
    assert translated("Well done!") not in state
    assert translated("Done, do the practice to master") in client.get("/learn/basic/").get_data(as_text=True)

    play(client, "inbox", ["delete", "safe"])  # one exercise right; the other still to do
    play(client, "calls", ["tell-code", "safe"])  # the other with a dangerous mistake: does not count
    assert left in lesson_state(client)

    play(client, "calls", ["delete", "safe"])
    state = lesson_state(client)
    assert translated("Mastered") in state and translated("Well done!") in state and left not in state
    level_page = client.get("/learn/basic/").get_data(as_text=True)
    assert translated("Done, do the practice to master") not in level_page


def test_practice_alone_does_not_master_and_wrong_answers_say_both(app, make):
    learner = make.learner(language="ru")
    client = app.test_client()
    sign_in(client, learner)
    client.get(LESSON)
    answer_all(app, learner, right=False)
    play(client, "inbox", ["delete", "safe"])
    state = lesson_state(client)
    assert translated("Done, repeat to master", "ru") in state
    assert translated("To master it, answer the questions again: %(mark)d %% is needed.", "ru", mark=80) in state
    assert translated("Do the practice to master this lesson: %(mark)d %% right, and no dangerous mistake.", "ru",
                      mark=80) in state  # "calls" is still to do
    play(client, "calls", ["delete", "safe"])
    state = lesson_state(client)
    assert translated("Do the practice to master this lesson: %(mark)d %% right, and no dangerous mistake.", "ru",
                      mark=80) not in state and translated("Mastered", "ru") not in state


def test_a_lesson_without_practice_is_mastered_on_its_questions(app, make):
    learner = make.learner()
    client = app.test_client()
    sign_in(client, learner)
    client.get("/learn/basic/alpha")
    answer_all(app, learner, right=True, lesson_id="alpha")
    page = client.get("/learn/basic/alpha").get_data(as_text=True)
    assert translated("Well done!") in page and translated("Done, do the practice to master") not in page


def test_class_grid_counts_the_practice(app, make):
    village = make.village("Солтүстік")
    trainer = make.staff(Role.TRAINER, [village])
    practice_left = make.learner(village=village, name="Жаттығу Қалды")
    below = make.learner(village=village, name="Төмен Балл")
    done = make.learner(village=village, name="Бәрі Дайын")
    cls = TrainingClass(village=village, level="basic", day1=datetime.date(2026, 11, 30),
                        day2=datetime.date(2026, 12, 1), venue="x", trainer_id=trainer.id)
    cls.learners.extend([practice_left, below, done])
    db.session.add(cls)
    db.session.commit()
    answer_all(app, practice_left, right=True)
    answer_all(app, below, right=False)
    answer_all(app, done, right=True)
    browser = app.test_client()
    sign_in(browser, done)
    play(browser, "inbox", ["delete", "safe"])
    play(browser, "calls", ["delete", "safe"])
    staff = app.test_client()
    sign_in(staff, trainer)
    page = staff.get(f"/trainer/classes/{cls.id}").get_data(as_text=True)
    rows = {name: page.split(name)[1].split("</tr>")[0] for name in ("Жаттығу Қалды", "Төмен Балл", "Бәрі Дайын")}
    assert 'class="cell mastered"' in rows["Бәрі Дайын"] and 'class="cell mastered"' not in rows["Жаттығу Қалды"]
    below_mark = translated("Below the pass mark in lessons: %(list)s", list="2")
    assert below_mark in rows["Төмен Балл"] and below_mark not in rows["Жаттығу Қалды"]  # only the practice left
    home = staff.get("/trainer/").get_data(as_text=True)
    mastered = {name: home.split(name)[1].split("</tr>")[0] for name in ("Жаттығу Қалды", "Бәрі Дайын")}
    assert translated("%(num)d of %(total)d", num=1, total=2) in mastered["Бәрі Дайын"]
    assert translated("%(num)d of %(total)d", num=0, total=2) in mastered["Жаттығу Қалды"]


def test_two_identical_posts_at_once_store_one_move(app, make, monkeypatch):
    """Both requests read the attempt before either wrote (a double click on a busy server): the
    check passes for both, and the move's id (learner, attempt, step) lets the database keep one."""
    learner = make.learner()
    client = app.test_client()
    sign_in(client, learner)
    url = practice_page("inbox")
    fields = form_of(client.get(url).get_data(as_text=True))
    lesson = lesson_of(app)
    stale = record.exercise_state(learner, lesson, lesson.exercise("inbox", "kk"))  # what both requests read
    assert post(client, url, {**fields, "move": "delete"}, page=url).status_code == 302
    monkeypatch.setattr(record, "exercise_state", lambda *args: stale)
    refused = translated("This move is not on the screen you are on (an old or changed page). "
                         "Nothing was saved. Open the exercise again.")
    for move in ("delete", "safe"):  # the same button again, or another one in the same step
        response = post(client, url, {**fields, "move": move}, page=url)
        assert response.status_code == 400 and refused in response.get_data(as_text=True)
    monkeypatch.undo()
    moves = db.session.scalars(db.select(Event).where(Event.item_id == exercise_item("beta", "inbox"))).all()
    assert [(e.kind, e.payload["step"], e.payload["move"]) for e in moves] == [("exercise_move", 0, "delete")]
    assert moves[0].id == record.move_event_id(learner.id, fields["attempt"], 0)
    # the attempt goes on from the stored move
    fields = form_of(client.get(url).get_data(as_text=True))
    assert fields["step"] == "1"
    assert post(client, url, {**fields, "move": "safe"}, page=url).status_code == 302
    kinds = db.session.scalars(db.select(Event.kind).where(Event.item_id == exercise_item("beta", "inbox"))).all()
    assert sorted(kinds) == ["exercise_done", "exercise_move", "exercise_move"]


@pytest.mark.skipif(not DATABASE_URL or not DATABASE_URL.startswith("postgresql"),
                    reason="two connections at once need PostgreSQL (TEST_DATABASE_URL)")
def test_two_requests_at_once_on_postgresql_store_one_move(app, make):
    """The same step posted by two threads, each in its own connection, both past the check
    before either writes (a barrier holds them there): one stores the move, the other is refused."""
    import threading

    learner = make.learner()
    lesson = lesson_of(app)
    exercise = lesson.exercise("inbox", "kk")
    attempt, learner_id = "ab" * 16, learner.id
    both_read = threading.Barrier(2, timeout=30)
    real_state = record.exercise_state
    outcomes: list = []

    def read_then_wait(*args):
        found = real_state(*args)
        both_read.wait()
        return found

    def post_move(move: str) -> None:
        with app.app_context():
            from app.content.exercise import InvalidMove
            from app.models import User

            try:
                record.exercise_move(db.session.get(User, learner_id), lesson, exercise, attempt, 0, "code", move, "kk")
                outcomes.append("stored")
            except InvalidMove:
                outcomes.append("refused")
            finally:
                db.session.remove()

    record.exercise_state = read_then_wait
    try:
        threads = [threading.Thread(target=post_move, args=(m,)) for m in ("delete", "safe")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        record.exercise_state = real_state
    assert sorted(outcomes) == ["refused", "stored"]
    db.session.expire_all()
    moves = db.session.scalars(db.select(Event).where(Event.item_id == exercise_item("beta", "inbox"))).all()
    assert len(moves) == 1 and moves[0].id == record.move_event_id(learner_id, attempt, 0)


def test_class_grid_says_what_is_left_when_only_the_practice_is(app, make):
    """The grid's cell tells the trainer what the learner's own page says: 'do the practice' when
    the questions passed and the practice is left, 'repeat' when the questions are below the mark."""
    village = make.village("Оңтүстік")
    trainer = make.staff(Role.TRAINER, [village])
    practice_left = make.learner(village=village, name="Жаттығу Қалды")
    below = make.learner(village=village, name="Төмен Балл")
    cls = TrainingClass(village=village, level="basic", day1=datetime.date(2026, 11, 30),
                        day2=datetime.date(2026, 12, 1), venue="x", trainer_id=trainer.id)
    cls.learners.extend([practice_left, below])
    db.session.add(cls)
    db.session.commit()
    answer_all(app, practice_left, right=True)
    answer_all(app, below, right=False)
    staff = app.test_client()
    sign_in(staff, trainer)
    page = staff.get(f"/trainer/classes/{cls.id}").get_data(as_text=True)
    rows = {name: page.split(name)[1].split("</tr>")[0] for name in ("Жаттығу Қалды", "Төмен Балл")}
    practice, repeat = translated("Done, do the practice to master"), translated("Done, repeat to master")
    assert practice in rows["Жаттығу Қалды"] and repeat not in rows["Жаттығу Қалды"]
    assert repeat in rows["Төмен Балл"] and practice not in rows["Төмен Балл"]
