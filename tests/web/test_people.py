"""One person, one account: a learner moves to a class in another village; a coordinator finds
likely duplicates and joins them; the report counts the person once, with their pair of tests."""

from datetime import date

from app.course import get_course
from app.extensions import db
from app.models import Event, Role, TrainingClass, User
from app.progress import summaries
from app.reports.queries import learner_facts
from tests.conftest import add_event as add
from tests.conftest import post, sign_in
from tests.web.test_classes import open_class


def test_a_learner_of_another_village_moves_to_the_class_after_a_confirmation(client, make):
    north, south = make.village("Солтүстік"), make.village("Оңтүстік")
    trainer = make.staff(Role.TRAINER, [north])
    learner = make.learner(village=south, code="aigul", name="Айгүл", pin="2580")
    old = TrainingClass(village=south, level="basic", day1=date(2026, 10, 1), day2=date(2026, 10, 2), venue="x")
    old.learners.append(learner)
    db.session.add(old)
    add(learner, "test_taken", "basic-pre", 0, score=0.25)  # the pre-test, taken in the south
    db.session.commit()
    sign_in(client, trainer)
    open_class(client, north)
    cls = db.session.scalars(db.select(TrainingClass).where(TrainingClass.village_id == north.id)).one()
    page = f"/trainer/classes/{cls.id}"
    asked = post(client, f"{page}/learners", {"name": "", "code": "AIGUL"}, page=page)
    text = asked.get_data(as_text=True)
    # a login code alone shows no one's name or village: the learner, present, types their PIN
    assert asked.status_code == 200 and 'name="move" value="yes"' in text and 'name="pin"' in text
    assert "Айгүл" not in text and "Оңтүстік" not in text
    db.session.refresh(learner)
    assert learner.village_id == south.id and cls.learners == []  # nothing changed before the confirmation
    wrong = post(client, f"{page}/learners", {"name": "", "code": "aigul", "move": "yes", "pin": "1111"}, page=page)
    assert wrong.status_code == 401 and 'name="pin"' in wrong.get_data(as_text=True)
    db.session.refresh(learner)
    assert learner.village_id == south.id  # a wrong PIN moves no one
    done = post(client, f"{page}/learners", {"name": "", "code": "aigul", "move": "yes", "pin": "2580"}, page=page)
    assert done.status_code == 200
    db.session.refresh(learner)
    db.session.refresh(cls)
    assert learner.village_id == north.id and cls.learners == [learner] and learner.check_secret("2580")
    moved = db.session.scalars(db.select(Event).where(Event.kind == "moved")).one()
    assert moved.user_id == learner.id and moved.payload["from"] == str(south.id) \
        and moved.payload["to"] == str(north.id) and moved.payload["by"] == str(trainer.id)
    add(learner, "test_taken", "basic-post", 60, score=0.75)  # the post-test, in the north
    db.session.commit()
    facts = learner_facts([north.id, south.id], get_course())
    assert len(facts) == 1  # one person, counted once
    assert facts[0].village_id == str(north.id) and facts[0].pre == {"basic": 0.25} and facts[0].post == {"basic": 0.75}
    assert learner_facts([south.id], get_course()) == []  # no drop-out left behind in the south
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.role == Role.LEARNER)) == 1


def test_a_move_of_a_learner_kept_on_another_server_is_refused_with_a_message(client, make):
    import uuid

    from app.sync import stamp

    north, south = make.village("Солтүстік"), make.village("Оңтүстік")
    trainer = make.staff(Role.TRAINER, [north])
    learner = make.learner(village=south, code="faraway", name="Алыс")
    elsewhere = uuid.uuid4()
    db.session.execute(User.__table__.update().where(User.id == learner.id).values(home=elsewhere))
    db.session.commit()
    sign_in(client, trainer)
    open_class(client, north)
    cls = db.session.scalars(db.select(TrainingClass)).one()
    page = f"/trainer/classes/{cls.id}"
    refused = post(client, f"{page}/learners", {"code": "faraway", "move": "yes", "pin": "2580"}, page=page)
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, learner.id).village_id == south.id and not stamp.is_home(db.session.get(User, learner.id))
    assert db.session.scalars(db.select(Event).where(Event.kind == "moved")).all() == []


def test_a_coordinator_sees_likely_duplicates_and_joins_them_after_confirming(app, client, make):
    north, south = make.village("Солтүстік"), make.village("Оңтүстік")
    first = make.learner(village=south, name="Айгүл Сейтқызы", code="aigul1")
    second = make.learner(village=north, name="айгул  сейткызы", code="aigul2")  # typed the Russian way
    make.learner(village=north, name="Болат", code="bolat")
    add(first, "test_taken", "basic-pre", 0, score=0.5)  # pre-test on the first account
    add(second, "test_taken", "basic-post", 60, score=1.0)  # post-test on the second
    db.session.commit()
    assert len(learner_facts([north.id, south.id], get_course())) == 3  # counted twice before the join
    coordinator = make.staff(Role.COORDINATOR, username="akimat")
    sign_in(client, coordinator)
    page = client.get("/district/duplicates").get_data(as_text=True)
    assert "aigul1" in page and "aigul2" in page and "bolat" not in page
    confirm = client.get(f"/district/duplicates/confirm?keep={second.id}&drop={first.id}")
    assert confirm.status_code == 200 and 'name="drop"' in confirm.get_data(as_text=True)
    assert client.get(f"/district/duplicates/confirm?keep={second.id}&drop={second.id}").status_code == 404
    events_before = db.session.scalar(db.select(db.func.count(Event.id)))
    done = post(client, "/district/duplicates/merge", {"keep": str(second.id), "drop": str(first.id)},
                page="/district/duplicates")
    assert done.status_code == 302
    merged = db.session.scalars(db.select(Event).where(Event.kind == "merged")).one()
    assert merged.user_id == first.id and merged.payload["into"] == str(second.id)
    assert db.session.scalar(db.select(db.func.count(Event.id))) == events_before + 1  # nothing rewritten
    facts = learner_facts([north.id, south.id], get_course())
    assert len(facts) == 2  # the person once (and Bolat)
    kept = next(f for f in facts if f.pre)
    assert kept.village_id == str(north.id) and kept.pre == {"basic": 0.5} and kept.post == {"basic": 1.0}
    north_only = learner_facts([north.id], get_course())  # the village report follows the link too
    assert [f.pre for f in north_only if f.post] == [{"basic": 0.5}]
    assert learner_facts([south.id], get_course()) == []
    assert "aigul1" not in client.get("/district/duplicates").get_data(as_text=True)
    again = post(client, "/district/duplicates/merge", {"keep": str(first.id), "drop": str(second.id)},
                 page="/district/duplicates")
    assert again.status_code == 302 and len(db.session.scalars(db.select(Event).where(Event.kind == "merged")).all()) == 1


def test_the_kept_account_shows_the_joined_accounts_history(app, make):
    from app.people import merge
    from app.progress import derive, record

    village = make.village("Ауыл")
    coordinator = make.staff(Role.COORDINATOR, username="akimat")
    first, second = make.learner(village=village, name="Ару"), make.learner(village=village, name="Ару")
    add(first, "test_taken", "basic-pre", 0, score=0.5)
    db.session.commit()
    keep, drops = merge(str(second.id), [str(first.id)], coordinator, [village])
    assert keep == second and drops == [first]
    level = get_course().level("basic")
    progress = derive.level_progress(level, record.events_of(second), second.id)
    assert progress.pretest is not None and progress.pretest.score == 0.5  # no second pre-test to take
    assert merge(str(first.id), [str(second.id)], coordinator, [village]) == (None, [])  # no loop


def test_a_joined_account_says_which_login_code_to_use(app, client, make):
    from app.people import merge

    village = make.village("Ауыл")
    coordinator = make.staff(Role.COORDINATOR, username="akimat")
    first = make.learner(village=village, name="Ару", code="aru1")
    second = make.learner(village=village, name="Ару", code="aru2")
    sign_in(client, first)
    assert client.get("/learn/").status_code == 200
    merge(str(second.id), [str(first.id)], coordinator, [village])
    page = client.get("/learn/")
    assert page.status_code == 403 and "aru2" in page.get_data(as_text=True) and "кіру кодымен" in page.get_data(as_text=True)


def test_the_trainers_grid_and_class_follow_the_joined_accounts(app, make):
    """The trainer's grid (summaries of a village) and a class (summaries of its learners) show
    the kept account with the history of the accounts joined to it, as its own page does."""
    from app.people import merge

    village = make.village("Ауыл")
    coordinator = make.staff(Role.COORDINATOR, username="akimat")
    first, second = make.learner(village=village, name="Ару"), make.learner(village=village, name="Ару")
    add(first, "test_taken", "basic-pre", 0, score=0.5)  # the pre-test on the account later joined
    db.session.commit()
    merge(str(second.id), [str(first.id)], coordinator, [village])
    assert "basic-pre" in summaries.of_person(second)
    assert "basic-pre" in summaries.of_villages([village.id])[second.id]
    assert "basic-pre" in summaries.of_learners([second.id], get_course().level("basic").item_ids)[second.id]


def test_a_drop_listed_twice_is_joined_once(app, make):
    from app.people import merge

    village = make.village("Ауыл")
    coordinator = make.staff(Role.COORDINATOR, username="akimat")
    first, second = make.learner(village=village, name="Ару"), make.learner(village=village, name="Ару")
    keep, drops = merge(str(second.id), [str(first.id), str(first.id).upper()], coordinator, [village])
    assert keep == second and drops == [first]  # the page then says "1 account was joined"
    assert len(db.session.scalars(db.select(Event).where(Event.kind == "merged")).all()) == 1


def test_a_move_or_a_join_alone_does_not_count_the_person_as_reached(app, make):
    """"Reached" means the person did something (a lesson, test or survey) or came to a class
    day: the account's own history (moved, merged) is not taking part."""
    from app.people import merge, move

    north, south = make.village("Солтүстік"), make.village("Оңтүстік")
    coordinator = make.staff(Role.COORDINATOR, username="akimat")
    moved = make.learner(village=south, name="Болат")
    first, second = make.learner(village=north, name="Ару"), make.learner(village=north, name="Ару")
    move(moved, north, coordinator)
    merge(str(second.id), [str(first.id)], coordinator, [north])
    db.session.commit()
    facts = learner_facts([north.id, south.id], get_course())
    assert len(facts) == 2 and not any(f.active for f in facts)
    add(second, "test_taken", "basic-pre", 0, score=0.5)
    db.session.commit()
    assert sum(f.active for f in learner_facts([north.id, south.id], get_course())) == 1


def test_two_servers_joining_each_way_leave_one_account_usable(app, client, make):
    """Two servers joined X into Y and Y into X before they met: the links keep the first (by
    origin and number, as everywhere) and drop the loop; Y, the kept one, still opens its pages."""
    from app.people import merge_links
    from app.progress import record

    village = make.village("Ауыл")
    coordinator = make.staff(Role.COORDINATOR, username="akimat")
    x = make.learner(village=village, name="Ару", code="arux")
    y = make.learner(village=village, name="Ару", code="aruy")
    record.record_merge(x, y, coordinator)
    record.record_merge(y, x, coordinator)  # as another server would have, before the sync
    db.session.commit()
    assert merge_links() == {x.id: y.id}
    sign_in(client, y)
    assert client.get("/learn/").status_code == 200
    assert record.merged_into(x) == y


def test_after_a_join_the_kept_accounts_new_steps_come_after_the_joined_history(app, make):
    """One person, one history, in one order (lamport, origin, seq): the kept account's next
    event must sort after the events of the account joined to it, else its new lesson attempt
    would sort inside the old one."""
    from app.people import merge
    from app.progress import record

    village = make.village("Ауыл")
    coordinator = make.staff(Role.COORDINATOR, username="akimat")
    first, second = make.learner(village=village, name="Ару"), make.learner(village=village, name="Ару")
    for minute in range(5):
        add(first, "lesson_opened", f"lesson-{minute}", minute)
    db.session.commit()
    merge(str(second.id), [str(first.id)], coordinator, [village])
    level = get_course().level("basic")
    record.open_lesson(second, level.lessons[0], "kk")
    history = record.events_of(second)
    assert history[-1].kind == "lesson_opened" and history[-1].item_id == level.lessons[0].id
