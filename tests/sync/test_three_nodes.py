"""A district and two village servers, each with its own database and key, exchanging bundles
in every order: they end with the same events, people and figures."""

from __future__ import annotations

import random
import uuid
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.course import get_course
from app.extensions import db
from app.models import Event, Role, SyncNode, User, Village
from app.progress import record
from app.reports import queries
from app.sync import exchange
from app.sync.bundle import BundleError
from app.sync.exchange import SyncError
from tests.sync.nodes import Node, apply, export, send


@pytest.fixture
def district(tmp_path):
    node = Node("district", "district", tmp_path)
    yield node
    node.close()


@pytest.fixture
def villages(tmp_path, district):
    a, b = Node("a", "village", tmp_path), Node("b", "village", tmp_path)
    with district.ctx():
        v1 = Village(name_kk="Абай", name_ru="Абай", residents=100)
        v2 = Village(name_kk="Бөген", name_ru="Боген", residents=80)
        db.session.add_all([v1, v2])
        db.session.commit()
        ids = (str(v1.id), str(v2.id))
    district.enrol(a, [ids[0]])
    district.enrol(b, [ids[1]])
    a.enrol(district)
    b.enrol(district)
    send(district, a)
    send(district, b)
    yield a, b, ids
    a.close()
    b.close()


def new_learner(node: Node, village_id: str, code: str) -> str:
    with node.ctx():
        user = User(role=Role.LEARNER, name=f"Learner {code}", login_code=code,
                    village=db.session.get(Village, uuid.UUID(village_id)))
        user.set_secret("2580")
        db.session.add(user)
        db.session.commit()
        return str(user.id)


def answer(node: Node, user_id: str, rng: random.Random, count=1):
    with node.ctx():
        user = db.session.get(User, uuid.UUID(user_id))
        course = get_course()
        lesson = course.items["alpha"]
        simple = [q for q in lesson.variant("kk").questions if q.type in ("single", "truefalse")]
        for _ in range(count):
            question = rng.choice(simple)
            record.answer_question(user, lesson, question, (rng.randrange(len(question.options)),), "kk")


def snapshot(node: Node):
    with node.ctx():
        events = sorted((str(e.id), str(e.origin), e.seq, e.lamport) for e in db.session.scalars(db.select(Event)))
        people = sorted((str(u.id), u.login_code, u.seq) for u in db.session.scalars(db.select(User)))
        return events, people


def test_learner_moves_between_village_and_district(district, villages):
    a, b, (v1, v2) = villages
    rng = random.Random(1)
    aigul = new_learner(a, v1, "aigul")
    answer(a, aigul, rng, 3)
    bolat = new_learner(b, v2, "bolat")
    answer(b, bolat, rng, 2)
    send(a, district)
    send(b, district)
    # Aigul continues at home on the district server with the same code and PIN.
    with district.ctx():
        from app.auth import accounts

        assert accounts.check_learner("aigul", "2580") is not None
    answer(district, aigul, rng, 2)
    send(district, a)
    with a.ctx():
        mine = db.session.scalars(db.select(Event).where(Event.user_id == uuid.UUID(aigul))).all()
        assert len(mine) >= 5
        assert sorted(e.lamport for e in mine) == list(range(1, len(mine) + 1))  # one order, no clock
        # Village A never receives village B's people or events.
        assert db.session.scalar(db.select(User).where(User.login_code == "bolat")) is None
    # Re-sending changes nothing.
    before = snapshot(district)
    send(a, district)
    send(b, district)
    assert snapshot(district) == before


def test_tampered_foreign_and_misaddressed_bundles_change_nothing(district, villages):
    a, b, (v1, v2) = villages
    new_learner(a, v1, "aigul")
    data = export(a, district)
    before = snapshot(district)
    with pytest.raises(BundleError):
        apply(district, data[:-10])
    with pytest.raises(BundleError):
        apply(b, data)  # addressed to the district
    with pytest.raises(BundleError) as err:
        apply(district, export(a, district, seal=False), route="file")
    assert err.value.code == BundleError.NOT_SEALED
    assert snapshot(district) == before
    # Village B pretends to speak for village A's learner.
    intruder = new_learner(b, v2, "intruder")
    with b.ctx():
        db.session.execute(db.update(User).where(User.id == uuid.UUID(intruder)).values(
            village_id=uuid.UUID(v1)))
        db.session.commit()
    with pytest.raises(SyncError) as err:
        send(b, district)
    assert err.value.code == "out_of_scope"
    assert snapshot(district) == before


def test_a_login_code_made_twice_offline_is_held_not_refused_then_mended_by_a_new_code(district, villages):
    """Two village servers made the same login code offline. The second to arrive at the district
    is kept there without a code (its work arrives and counts: nothing blocks the bundle), listed
    for the coordinator, and a new code given on the district reaches the learner's home server,
    which makes it its own change; then every server agrees."""
    from app.auth import accounts
    from app.sync.exchange import held_learners

    a, b, (v1, v2) = villages
    first = new_learner(a, v1, "asel")
    second = new_learner(b, v2, "asel")
    answer(b, second, random.Random(3), 2)
    send(a, district)
    result = send(b, district)
    assert result.events_new == 2 and result.clashes and "asel" in result.clashes[0]
    with district.ctx():
        assert [str(u.id) for u in held_learners()] == [second]
        assert db.session.get(User, uuid.UUID(first)).login_code == "asel"  # the first keeps its code
        code = accounts.new_code(db.session.get(User, uuid.UUID(second)))
        assert db.session.get(User, uuid.UUID(second)).login_code == code  # works on the district at once
    send(district, b)  # the request reaches the learner's home, which carries it out
    send(b, district)  # and its new version comes back
    for node in (district, b):
        with node.ctx():
            assert db.session.get(User, uuid.UUID(second)).login_code == code
            assert not held_learners()
    send(b, district)  # again: nothing changes
    with district.ctx():
        assert db.session.get(User, uuid.UUID(first)).login_code == "asel"


# One step of district life: (what happens, on which village's side, a seed for its choices).
STEP = st.tuples(st.sampled_from(["learner", "answer", "answer", "at_home", "bundle", "bundle", "deliver"]),
                 st.sampled_from("ab"), st.integers(0, 2**32 - 1))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=5, max_size=30))
def test_random_interleavings_converge(district, villages, steps):
    """Activity and syncs in any order (Hypothesis draws and shrinks them); bundles duplicated,
    shuffled, dropped and re-sent; then the link works for a while and every server holds the
    same events, the same figures and summaries that match its events. The servers live across
    examples: each example goes on from the last one's state, which must converge too."""
    a, b, (v1, v2) = villages
    nodes = {"a": a, "b": b}
    learners = _LEARNERS.setdefault(id(district), {"a": [], "b": []})
    in_flight: list[tuple[Node, bytes]] = []
    for kind, name, seed in steps:
        rng = random.Random(seed)
        node = nodes[name]
        if kind == "learner" or not learners[name]:
            learners[name].append(new_learner(node, v1 if name == "a" else v2, f"{name}{len(learners[name])}"))
        elif kind == "answer":
            answer(node, rng.choice(learners[name]), rng, rng.randint(1, 3))
        elif kind == "at_home":  # a learner of either village answers at home on the district server
            pool = [u for u in learners["a"] + learners["b"] if _known(district, u)]
            if pool:
                answer(district, rng.choice(pool), rng)
        elif kind == "bundle":
            sender, receiver = (node, district) if rng.random() < 0.5 else (district, node)
            in_flight.append((receiver, export(sender, receiver)))
        else:
            rng.shuffle(in_flight)
            for receiver, data in in_flight[: rng.randint(0, len(in_flight))]:
                if rng.random() < 0.2:
                    continue  # lost on the way
                apply(receiver, data)
                if rng.random() < 0.3:
                    apply(receiver, data)  # delivered twice
    # Then the link works: each village sends, then the district sends each what it lacks.
    send(a, district)
    send(b, district)
    send(district, a)
    send(district, b)
    everyone = [u for name in "ab" for u in learners[name]]
    for name, node in nodes.items():
        village_id = v1 if name == "a" else v2
        expected = _events_of(district, learners[name])
        assert _events_of(node, learners[name]) == expected, f"village {name} lacks or doubles events"
        assert _facts(node, village_id) == _facts(district, village_id), f"village {name}'s figures differ"
    assert len(_events_of(district, everyone)) == len(snapshot(district)[0])
    for node in (district, a, b):  # the summaries follow every event that arrived, on every server
        _assert_summaries_match_events(node)


_LEARNERS: dict = {}  # per district node (one per test run): the learners made so far


def _assert_summaries_match_events(node: Node) -> None:
    from app.progress import summaries, summary

    with node.ctx():
        for user in db.session.scalars(db.select(User).where(User.role == "learner")):
            events = record.events_of(user)
            kept = summaries.of_learner(user.id)
            assert kept == {item: summary.summarise(item, events) for item in {e.item_id for e in events}}


def _events_of(node: Node, user_ids) -> list:
    with node.ctx():
        return sorted((str(e.id), str(e.origin), e.seq, e.lamport) for e in db.session.scalars(
            db.select(Event).where(Event.user_id.in_([uuid.UUID(u) for u in user_ids]))))


def _facts(node: Node, village_id: str) -> list:
    with node.ctx():
        return sorted(repr(f) for f in queries.learner_facts([uuid.UUID(village_id)], get_course()))


def _known(node: Node, user_id: str) -> bool:
    with node.ctx():
        return db.session.get(User, uuid.UUID(user_id)) is not None


def test_a_wrong_clock_on_a_village_pc_does_not_reorder_a_learners_work(district, villages):
    """Begun at home on the district server, finished at the village centre whose PC thinks it
    is a year earlier: both servers see one attempt, in the order it happened."""
    from datetime import UTC, datetime, timedelta

    from app.progress import derive

    a, _, (v1, _) = villages
    learner = new_learner(a, v1, "aigul")
    send(a, district)

    def answer_all(node, questions, at):
        with node.ctx():
            user = db.session.get(User, uuid.UUID(learner))
            lesson = get_course().items["alpha"]
            for q in questions:
                record.answer_question(user, lesson, q, q.correct_indexes[:1] if q.type in ("single", "truefalse")
                                       else _right(q), "kk", at=at)

    with district.ctx():
        questions = list(get_course().items["alpha"].variant("kk").questions)
    now = datetime.now(UTC)
    answer_all(district, questions[:1], now)
    send(district, a)
    answer_all(a, questions[1:], now - timedelta(days=365))
    send(a, district)

    def progress(node):
        with node.ctx():
            user = db.session.get(User, uuid.UUID(learner))
            lesson = get_course().items["alpha"]
            p = derive.lesson_progress("alpha", record.events_of(user, ["alpha"]), lesson.question_ids, 80)
            return p.status, p.best_score, p.attempts, p.open_attempt

    assert progress(a) == progress(district)
    status, best, finished, still_open = progress(district)
    assert finished == 1 and not still_open  # one attempt, begun at home and finished at the village


def _right(question):
    """The right answer to an order or match question (its key)."""
    return tuple(question.correct_indexes) or (0,)


def test_classes_attendance_and_problems_travel_from_their_village(district, villages):
    from datetime import date

    from app.models import Attendance, ProblemCategory, TrainingClass, VillageProblem
    from app.sync.stamp import NotHomeError
    from app.trainer import classes

    a, _, (v1, _) = villages
    learners = [new_learner(a, v1, code) for code in ("aigul", "bolat")]
    with a.ctx():
        village = db.session.get(Village, uuid.UUID(v1))
        cls = TrainingClass(village=village, level="basic", day1=date(2026, 12, 1), day2=date(2026, 12, 2), venue="Клуб")
        cls.learners = [db.session.get(User, uuid.UUID(u)) for u in learners]
        db.session.add(cls)
        db.session.add(VillageProblem(village=village, category=ProblemCategory.CONNECTIVITY, found_on=date(2026, 12, 1),
                                      description="Интернет жоқ"))
        db.session.commit()
        class_id = cls.id
        classes.set_attendance(cls, {(learners[0], 1), (learners[1], 1)})
    send(a, district)

    def attendance(node):
        with node.ctx():
            return sorted((str(r.user_id), r.day) for r in db.session.scalars(
                db.select(Attendance).where(Attendance.class_id == class_id)))

    assert attendance(district) == sorted([(learners[0], 1), (learners[1], 1)])
    with a.ctx():
        classes.set_attendance(db.session.get(TrainingClass, class_id), {(learners[0], 1), (learners[0], 2)})
    send(a, district)
    send(a, district)  # twice: nothing changes
    assert attendance(district) == attendance(a) == sorted([(learners[0], 1), (learners[0], 2)])
    with district.ctx():
        assert len(db.session.get(TrainingClass, class_id).learners) == 2
        assert db.session.scalar(db.select(VillageProblem.description)) == "Интернет жоқ"
        cls = db.session.get(TrainingClass, class_id)
        cls.venue = "Elsewhere"
        with pytest.raises(NotHomeError):  # only the village server changes its class
            db.session.commit()
        db.session.rollback()


def test_a_village_list_made_on_a_village_server_is_refused_by_name(district, villages):
    """Villages get their ids from the district; a village server that made its own list (e.g. by
    running the demo) is told so, and nothing is applied."""
    a, _, _ = villages
    with a.ctx():
        db.session.add(Village(name_kk="Жаңа", name_ru="Жана", residents=10))
        db.session.commit()
    before = snapshot(district)
    with pytest.raises(SyncError) as err:
        send(a, district)
    assert err.value.code == "village_made_locally"
    assert snapshot(district) == before


def _rounds(village: Node, district: Node, limit: int, most: int = 20) -> int:
    """What `flask sync now` does, without HTTP: rounds of at most `limit` events each way,
    until neither side had a full round. Returns the number of rounds."""
    for n in range(1, most + 1):
        with village.ctx():
            up, _, sent = exchange.export_for(db.session.get(SyncNode, uuid.UUID(district.id)), seal=True, limit=limit)
        with district.ctx():
            exchange.apply(up, route="network")
            down, _, got = exchange.export_for(db.session.get(SyncNode, uuid.UUID(village.id)), seal=True, limit=limit)
        with village.ctx():
            exchange.apply(down, route="network")
        if sent < limit and got < limit:
            return n
    raise AssertionError(f"still not level after {most} rounds")


def test_rounds_end_when_both_sides_have_more_than_a_round(district, villages):
    """A village offline for weeks while its learners also answered at home: both sides have
    more than one round to send. Each round moves new events; the rounds end."""
    a, _, (v1, _) = villages
    rng = random.Random(7)
    learner = new_learner(a, v1, "aigul")
    send(a, district)
    answer(a, learner, rng, 8)
    answer(district, learner, rng, 8)
    rounds = _rounds(a, district, limit=3)
    assert rounds <= 8
    assert _events_of(a, [learner]) == _events_of(district, [learner])


def test_a_village_server_cannot_speak_for_another_village(district, villages):
    """A bundle signed by village A that claims to cover village B's events up to a huge number
    must not stop the district from asking B for them."""
    from app.sync import bundle as bundle_format
    from app.sync.identity import decode_key

    a, b, (_, v2) = villages
    with a.ctx():
        from app.sync.node import this_node

        key = this_node().signing_key
    head = bundle_format.Header(sender=a.id, receiver=district.id, schema=_schema_of(a),
                                upto={"events": {b.id: 10**6}, "records": {b.id: 10**6}})
    forged = bundle_format.write(head, [], key, seal_to=decode_key(district.key))
    apply(district, forged)
    bolat = new_learner(b, v2, "bolat")
    answer(b, bolat, random.Random(2), 2)
    send(b, district)
    assert len(_events_of(district, [bolat])) >= 2


def _schema_of(node: Node) -> str:
    with node.ctx():
        return exchange._schema_head()


def test_a_server_given_more_villages_receives_what_they_already_had(district, villages, tmp_path):
    a, b, (v1, v2) = villages
    bolat = new_learner(b, v2, "bolat")
    answer(b, bolat, random.Random(4), 3)
    send(b, district)
    send(district, a)  # a serves v1 only: nothing of bolat
    assert _events_of(a, [bolat]) == []
    with district.ctx():
        from app.sync import peers

        peers.enrol(a.id, "village", a.key, "a", [v1, v2])
    send(district, a)
    assert _events_of(a, [bolat]) == _events_of(district, [bolat]) != []


def test_a_server_restored_from_an_old_backup_is_stopped_with_a_reason(district, villages):
    a, _, (v1, _) = villages
    learner = new_learner(a, v1, "aigul")
    answer(a, learner, random.Random(9), 3)
    send(a, district)
    send(district, a)
    with a.ctx():  # the PC is restored from a backup made before those answers
        from app.models import SyncCounter
        from app.sync.node import this_node_id

        db.session.execute(db.delete(Event))
        db.session.get(SyncCounter, this_node_id()).last_seq = 2
        db.session.commit()
    with pytest.raises(SyncError) as err:
        send(district, a)
    assert err.value.code == "restored_backup"


def test_venue_facts_travel_from_their_village_and_a_double_entry_converges(district, villages):
    """A village server's venue facts reach the district (the report shows them there); if the
    district and a village server each entered the village's venue before they met, both keep
    the same one afterwards."""
    from app.models import Venue

    a, b, (v1, v2) = villages

    def enter(node, village_id, place, computers):
        with node.ctx():
            db.session.add(Venue(village_id=uuid.UUID(village_id), place=place, computers=computers))
            db.session.commit()

    def venues(node, village_id):
        with node.ctx():
            return [(str(v.id), v.place, v.computers) for v in db.session.scalars(
                db.select(Venue).where(Venue.village_id == uuid.UUID(village_id)))]

    enter(a, v1, "Клуб", 6)
    send(a, district)
    send(a, district)  # twice: nothing changes
    assert venues(district, v1) == venues(a, v1) and venues(a, v1)[0][1:] == ("Клуб", 6)

    enter(district, v2, "Мектеп", 2)  # the district enters one for village 2 before hearing from it
    enter(b, v2, "Кітапхана", 4)
    for _ in range(2):
        send(b, district)
        send(district, b)
    assert len(venues(b, v2)) == 1 and venues(b, v2) == venues(district, v2)


def test_a_residents_figure_travels_with_its_source_date_and_adults_flag(district, villages):
    a, _, ids = villages
    with district.ctx():
        village = db.session.get(Village, uuid.UUID(ids[0]))
        village.residents, village.residents_source = 900, "Статистика"
        village.residents_on, village.residents_adults = date(2026, 1, 1), True
        db.session.commit()
    send(district, a)
    with a.ctx():
        got = db.session.get(Village, uuid.UUID(ids[0]))
        assert (got.residents, got.residents_source, got.residents_on, got.residents_adults) == \
            (900, "Статистика", date(2026, 1, 1), True)


def test_made_login_codes_never_clash_between_servers(district, villages):
    """Each village has a code prefix from the district; a village server makes codes with it,
    the district with 9: codes made offline on different servers cannot be the same."""
    from app.auth import accounts
    from app.sync.exchange import held_learners

    a, b, (v1, v2) = villages
    made: dict[str, list[str]] = {}
    for name, node, village_id in (("a", a, v1), ("b", b, v2), ("district", district, v1)):
        with node.ctx():
            village = db.session.get(Village, uuid.UUID(village_id))
            made[name] = [accounts.new_learner(f"{name} {i}", village, pin="4827").login_code for i in range(30)]
            db.session.commit()
            prefix = village.code_prefix
        expected = "9" if name == "district" else f"{prefix:02d}"
        assert prefix is not None and all(code.startswith(expected) for code in made[name]), (name, made[name][:3])
    assert made["a"][0][:2] != made["b"][0][:2]  # the two villages' prefixes differ
    for node in (a, b):
        send(node, district)
        send(district, node)
    with district.ctx():
        assert not held_learners()
        codes = set(db.session.scalars(db.select(User.login_code).where(User.role == Role.LEARNER)))
        assert set(made["a"]) | set(made["b"]) | set(made["district"]) <= codes
