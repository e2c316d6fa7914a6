"""District scale: the akimat's figures, a village's, a class grid and a learner's level page,
on a large district, with their time and memory budgets (issue #10).

Run:  .venv/bin/python bench/report_scale.py [--db URL] [--villages 200] [--learners 500] [--pure N] [--no-db] [--compare]
                                             [--keep] [--reuse [--rebuild-rows]]
      (default: a SQLite file in a temporary folder, 100,000 learners and about 5.3 M events;
       e.g. --db postgresql+psycopg://postgres@127.0.0.1/auyl_bench)
      --compare also times the district figures made learner by learner in Python (the reference the
      database path is tested against) and checks that both agree;
      --pure N also times the figures alone (no database) over N learners held in memory, in villages
      of 100 (every village at the bootstrap's limit: its worst case) and of 2,500; --no-db runs only that;
      --keep leaves the data in the database and --reuse times it again without loading (a load of
      100,000 learners takes 10–30 minutes).
Writes the figures to stdout; the results are kept in bench/report-scale.md.

The data is written in bulk (plain INSERTs of many rows), with the stamps the one writer gives
(origin, seq, lamport) and the progress summaries computed by the same pure function the one
writer uses (`app.progress.summary.summarise`), so loading stays quick.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app import create_app  # noqa: E402
from app.auth import login_sessions  # noqa: E402
from app.course import get_course  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Attendance,
    Event,
    ProgressItem,
    ProgressLearner,
    TrainingClass,
    User,
    Village,
    class_learners,
)
from app.progress import class_view, summaries  # noqa: E402
from app.progress.derive import EventView  # noqa: E402
from app.progress.summary import summarise  # noqa: E402
from app.reports import report_rows  # noqa: E402
from app.reports.figures import LearnerFacts, figures  # noqa: E402
from app.reports.queries import report_data  # noqa: E402
from app.reports.stats import BOOTSTRAP_MAX_N  # noqa: E402
from app.sync import stamp  # noqa: E402
from app.sync.node import this_node_id  # noqa: E402

T0 = datetime(2026, 10, 1, 9, tzinfo=UTC)
BUDGETS = {  # seconds (issue #10): (SQLite, PostgreSQL)
    "district": (2.0, 1.0), "village": (0.150, 0.150), "grid": (0.050, 0.050), "level page": (0.010, 0.010),
}
MEMORY_BUDGET_MIB = 100


class History:
    """One learner's events, stamped as the one writer stamps them, with their summaries."""

    def __init__(self, user_id, me, numbers):
        self.user_id, self.me, self.numbers = user_id, me, numbers
        self.rows: list[dict] = []
        self.lamport = 0

    def add(self, kind, item, payload, question=None):
        self.lamport += 1
        self.rows.append({"id": uuid.uuid4(), "user_id": self.user_id, "kind": kind, "item_id": item,
                          "question_id": question, "lang": "kk", "payload": payload,
                          "created_at": T0 + timedelta(minutes=self.lamport),
                          "origin": self.me, "seq": next(self.numbers), "lamport": self.lamport})

    def summary_rows(self) -> tuple[list[dict], dict]:
        by_item = defaultdict(list)
        for r in self.rows:
            by_item[r["item_id"]].append(EventView(kind=r["kind"], item_id=r["item_id"], created_at=r["created_at"],
                                                   question_id=r["question_id"], payload=r["payload"],
                                                   lamport=r["lamport"], origin=str(r["origin"]), seq=r["seq"]))
        items = [summaries._row(self.user_id, summarise(item, events)) for item, events in by_item.items()]
        return items, {"user_id": self.user_id, "events": len(self.rows)}


# The real surveys' questions (content/surveys): what the answers the figures read look like.
KNOWLEDGE = ["know-egov-certificates", "know-digital-documents", "know-ecp-online", "know-1414",
             "know-phone-transfer", "know-return-14", "know-stop-credit", "know-safe-account", "know-droppers",
             "know-qoldau"]
INTAKE = ["internet-home", "internet-quality", "devices", "services-used", *KNOWLEDGE]
EXIT = [*KNOWLEDGE, "satisfaction", "hard"]


def survey_answers(questions: list[str], rng: random.Random) -> dict:
    """One answer per question (options 0–2; "not sure" included), as a learner's form sends."""
    return {q: [rng.randrange(3)] for q in questions}


def learn(history: History, level, rng: random.Random, rounds: int = 0) -> None:
    """A learner's path through a level: intake, pre-test, some lessons (2 to all 7: about 54
    events in all; some answers wrong first), post-test, exit; `rounds` > 0 takes every lesson
    that many times (a learner with many events). A learner in three stops before the post-test
    (a drop-out once their class is over): the figures' drop-out rule is then asked of them."""
    lessons = level.lessons if rounds else level.lessons[:rng.randint(2, len(level.lessons))]
    history.add("survey_answered", "intake", {"answers": survey_answers(INTAKE, rng)})
    history.add("test_taken", level.pretest.id, {"score": round(rng.random(), 4), "correct": 3, "total": 10})
    for _ in range(rounds or 1):
        for lesson in lessons:
            history.add("lesson_opened", lesson.id, {})
            right = 0
            for qid in lesson.question_ids:
                ok = rng.random() < 0.7
                right += ok
                history.add("answer", lesson.id, {"answer": [0], "correct": ok}, qid)
                if not ok:
                    history.add("answer", lesson.id, {"answer": [1], "correct": True}, qid)
            total = len(lesson.question_ids)
            history.add("lesson_finished", lesson.id, {"score": round(right / total, 4), "correct": right, "total": total})
    if not rounds and rng.random() < 1 / 3:
        return
    history.add("test_taken", level.posttest.id, {"score": round(rng.random(), 4), "correct": 6, "total": 10})
    history.add("survey_answered", "exit", {"answers": survey_answers(EXIT, rng)})


def fill(villages: int, learners: int) -> tuple[int, list]:
    rng = random.Random(1)
    level = get_course().level("elementary")
    secret = generate_password_hash("1357")
    me = this_node_id()
    numbers = _numbers(me)
    events, class_ids = 0, []
    for v in range(villages):
        village = Village(name_kk=f"Ауыл {v}", name_ru=f"Село {v}", residents=learners * 2)
        db.session.add(village)
        db.session.flush()
        users = [{"id": uuid.uuid4(), "role": "learner", "name": f"L{v}-{i}", "login_code": f"b{v}x{i}",
                  "secret_hash": secret, "village_id": village.id, "language": "kk", "created_at": T0, "active": True,
                  "home": me, "seq": next(numbers)}
                 for i in range(learners)]
        db.session.execute(insert(User), users)
        for start in range(0, learners, 40):  # classes of 40, as the trainers run them
            cls = TrainingClass(village_id=village.id, level="elementary", day1=date(2026, 10, 1),
                                day2=date(2026, 10, 2), venue="x")
            db.session.add(cls)
            db.session.flush()
            class_ids.append(cls.id)
            members = users[start:start + 40]
            db.session.execute(insert(class_learners), [{"class_id": cls.id, "user_id": u["id"]} for u in members])
            db.session.execute(insert(Attendance), [{"id": uuid.uuid4(), "class_id": cls.id, "user_id": u["id"],
                                                     "day": 1} for u in members])
        rows, items, people = [], [], []
        for u in users:
            history = History(u["id"], me, numbers)
            learn(history, level, rng)
            rows += history.rows
            found, person = history.summary_rows()
            items += found
            people.append(person)
        _bulk(Event, rows)
        _bulk(ProgressItem, items)
        _bulk(ProgressLearner, people)
        report_rows.write(db.session.connection(), [u["id"] for u in users], get_course())  # as the one writer
        events += len(rows)
        db.session.commit()
    return events, class_ids


def heavy_learner(village_id, events: int = 2000) -> User:
    """A learner with about `events` events of their own (the level page's budget)."""
    rng = random.Random(2)
    me = this_node_id()
    numbers = _numbers(me)
    user = User(role="learner", name="Heavy", login_code="heavy1", village_id=village_id, language="kk")
    user.set_secret("1357")
    db.session.add(user)
    db.session.flush()
    history = History(user.id, me, numbers)
    level = get_course().level("elementary")
    per_round = sum(len(lesson.question_ids) * 1.3 + 2 for lesson in level.lessons)
    learn(history, level, rng, rounds=max(1, round(events / per_round)))
    _bulk(Event, history.rows)
    found, person = history.summary_rows()
    _bulk(ProgressItem, found)
    _bulk(ProgressLearner, [person])
    report_rows.write(db.session.connection(), [user.id], get_course())
    db.session.commit()
    print(f"heavy learner: {len(history.rows)} events of their own")
    return user


def _bulk(model, rows: list[dict]) -> None:
    """Rows written as one executemany of the table's INSERT (Core, not the ORM's bulk path,
    which sends thousands of statements and made the load take 18 minutes for 5.9 M events)."""
    if rows:
        db.session.connection().execute(insert(model.__table__), rows)


def _analyze(backend: str) -> None:
    """The planner's statistics of the loaded tables, as autovacuum would gather them in time
    (committed: ANALYZE in a transaction rolled back leaves none, and PostgreSQL then plans a
    village's queries as if it had 3 learners)."""
    if backend == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def _close(a, b) -> bool:
    """The district's headline figures agree (the test suite compares every field)."""
    da, db_ = a[1], b[1]
    return da.reached == db_.reached and all(
        ga.pairs == gb.pairs and abs((ga.relative.value or 0) - (gb.relative.value or 0)) < 1e-9
        for ga, gb in zip(da.gains.values(), db_.gains.values(), strict=True)) and \
        da.awareness_all.pairs == db_.awareness_all.pairs


def _numbers(me):
    """This server's change numbers, shared with the ORM's stamps: take them from the counter and
    move the counter past each one (bulk inserts bypass the listeners that would do it)."""
    while True:
        yield from stamp.reserve_seqs(db.session.connection(), me, 10_000)


def timed(label, fn, budget: float | None = None, repeat: int = 1, memory: bool = False):
    """The best wall time of `repeat` runs (after one warm-up run when repeating), then the peak
    of Python memory in one more run (tracemalloc slows Python down, so the two are apart)."""
    if repeat > 1:
        fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    peak = ""
    if memory:
        tracemalloc.start()
        fn()
        mib = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        peak = f"   peak {mib:6.1f} MiB (budget {MEMORY_BUDGET_MIB})"
    verdict = "" if budget is None else ("   ok" if best <= budget else f"   OVER budget {budget * 1000:.0f} ms")
    print(f"{label:<48} {best * 1000:9.1f} ms{verdict}{peak}")


def pure_figures(learners: int, per_village: int, levels: list[str]) -> None:
    """Every village's figures and the district's, from LearnerFacts in memory: what the 95 %
    intervals cost (a bootstrap per village and level up to BOOTSTRAP_MAX_N learners)."""
    rng = random.Random(2)
    villages = max(1, learners // per_village)
    facts = []
    for i in range(learners):
        pre = {lv: rng.randrange(21) / 20 for lv in levels[: 1 + i % 2]}
        post = {lv: min(1.0, s + rng.randrange(9) / 20) for lv, s in pre.items()}
        facts.append(LearnerFacts(village_id=str(i % villages), levels_enrolled=frozenset(pre), active=True,
                                  pre=pre, post=post))
    by_village: dict[str, list] = {}
    for lf in facts:
        by_village.setdefault(lf.village_id, []).append(lf)

    def run():
        for group in by_village.values():
            figures(len(group) * 2, group, levels, {}, [])
        figures(learners * 2, facts, levels, {}, [])

    timed(f"figures alone: {villages} villages x {per_village}", run)
    timed("  again (villages' bootstraps kept)", run)


def _pure(learners: int, course) -> None:
    if learners:
        levels = [lv.id for lv in course.levels]
        print(f"{learners} learners in memory, {len(levels)} levels; bootstrap up to {BOOTSTRAP_MAX_N} learners")
        for size in (BOOTSTRAP_MAX_N, 2500):
            pure_figures(learners, size, levels)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--villages", type=int, default=200)
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--pure", type=int, default=100_000)
    parser.add_argument("--no-db", action="store_true")
    parser.add_argument("--keep", action="store_true",
                        help="leave the data in the database at the end (for --reuse)")
    parser.add_argument("--reuse", action="store_true",
                        help="time the data a run with --keep left in --db instead of loading it again")
    parser.add_argument("--rebuild-rows", action="store_true",
                        help="with --reuse: make the report rows from the summaries first (and time it)")
    parser.add_argument("--compare", action="store_true",
                        help="also time the learner-by-learner Python path on the same data (the reference)")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    # The app's own factory and the real course: no test code (pytest need not be installed).
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}, "SECRET_KEY": "bench",
                      "NODE_DIR": tempfile.mkdtemp(prefix="auyl-bench-node-"), "WTF_CSRF_ENABLED": False})
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    budget = {name: pair[0 if backend == "sqlite" else 1] for name, pair in BUDGETS.items()}
    with app.app_context():
        if args.no_db:
            _pure(args.pure, get_course())
            return
        start = time.perf_counter()
        if args.reuse:
            events = db.session.scalar(db.select(db.func.count()).select_from(Event))
            class_ids = list(db.session.scalars(db.select(TrainingClass.id).order_by(TrainingClass.day1, TrainingClass.id)))
            villages = db.session.scalars(db.select(Village)).all()
            heavy = db.session.scalars(db.select(User).filter_by(login_code="heavy1")).one()
            if args.rebuild_rows:  # data loaded before the report rows: as migration 0013 makes them
                db.create_all()
                made = report_rows.rebuild(db.session.connection(), get_course())
                db.session.commit()
                _analyze(backend)
                print(f"{'report rows made from the summaries':<48} {time.perf_counter() - start:9.1f} s ({made} learners)")
            args.learners = db.session.scalar(db.select(db.func.count()).select_from(User).where(
                User.village_id == villages[1].id))
            args.villages = len(villages)
        else:
            db.drop_all()
            db.create_all()
            events, class_ids = fill(args.villages, args.learners)
            villages = db.session.scalars(db.select(Village)).all()
            heavy = heavy_learner(villages[0].id)
            _analyze(backend)
            print(f"{'load the data':<48} {time.perf_counter() - start:9.1f} s")
        print(f"{args.villages} villages x {args.learners} learners = {args.villages * args.learners} learners, "
              f"{events} events; database: {backend}")
        course = get_course()
        level = course.level("elementary")
        timed("district figures (report_data, all villages)", lambda: report_data(villages, course),
              budget["district"], memory=True)
        if args.compare:
            found: list = []
            timed("district figures, learner by learner in Python", lambda: found.append(report_data(
                villages, course, in_sql=False)))
            assert _close(found[0], report_data(villages, course)), "the two paths disagree"
        timed(f"one village's figures ({args.learners} learners)", lambda: report_data(villages[1:2], course),
              budget["village"], repeat=5)

        def grid():
            cls = db.session.get(TrainingClass, class_ids[len(class_ids) // 2])
            learners = list(cls.learners)
            found = summaries.of_learners([lr.id for lr in learners], level.item_ids)
            return class_view.class_rows(level, learners, found), class_view.hardest_questions(level, found)

        timed("a class grid of 40 learners (rows, help, hardest)", grid, budget["grid"], repeat=5)
        # The whole signed-in request (session, login session, user, summaries, template), in-process.
        client = app.test_client()
        signed_in = login_sessions.begin(heavy).id
        db.session.commit()
        with client.session_transaction() as cookie:
            cookie["_user_id"], cookie["_fresh"] = signed_in, True

        def level_page():
            response = client.get("/learn/elementary/")
            assert response.status_code == 200 and "Heavy" not in response.text[:0], response.status_code

        timed("a learner's level page (2,000 events of their own)", level_page, budget["level page"], repeat=20)
        db.session.remove()
        if not args.keep:
            db.drop_all()
        db.engine.dispose()
        _pure(args.pure, course)


if __name__ == "__main__":
    main()
