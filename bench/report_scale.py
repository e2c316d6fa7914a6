"""How long the akimat's district report takes on a large district, and how much memory.

Run:  .venv/bin/python bench/report_scale.py [--db URL] [--villages 20] [--learners 500] [--pure 100000]
      (default: a SQLite file in a temporary folder; e.g. --db postgresql+psycopg://postgres@127.0.0.1/auyl_bench)
      --pure N also times the figures alone (no database) over N learners held in memory, in villages
      of 100 (every village at the bootstrap's limit: its worst case) and of 2,500, wall time only
      (tracemalloc slows its many small integers down 25-fold); --pure 0 skips it, --no-db runs it alone.
Writes the figures to stdout; the results are kept in bench/report-scale.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app import create_app  # noqa: E402
from app.course import get_course  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Attendance, Event, TrainingClass, User, Village, class_learners  # noqa: E402
from app.progress import record  # noqa: E402
from app.reports.figures import LearnerFacts, figures  # noqa: E402
from app.reports.queries import report_data  # noqa: E402
from app.reports.stats import BOOTSTRAP_MAX_N  # noqa: E402
from app.sync import stamp  # noqa: E402
from app.sync.node import this_node_id  # noqa: E402


def fill(villages: int, learners: int) -> int:
    rng = random.Random(1)
    course = get_course()
    level = course.level("elementary")
    secret = generate_password_hash("1357")
    t0 = datetime(2026, 10, 1, 9, tzinfo=UTC)
    events = 0
    me = this_node_id()
    numbers = _numbers(me)
    for v in range(villages):
        village = Village(name_kk=f"Ауыл {v}", name_ru=f"Село {v}", residents=learners * 2)
        db.session.add(village)
        db.session.flush()
        cls = TrainingClass(village_id=village.id, level="elementary", day1=date(2026, 10, 1), day2=date(2026, 10, 2),
                            venue="x")
        db.session.add(cls)
        db.session.flush()
        users = [{"id": uuid.uuid4(), "role": "learner", "name": f"L{v}-{i}", "login_code": f"b{v}x{i}",
                  "secret_hash": secret, "village_id": village.id, "language": "kk", "created_at": t0, "active": True,
                  "home": me, "seq": next(numbers)}
                 for i in range(learners)]
        db.session.execute(insert(User), users)
        db.session.execute(insert(class_learners), [{"class_id": cls.id, "user_id": u["id"]} for u in users])
        db.session.execute(insert(Attendance), [{"id": uuid.uuid4(), "class_id": cls.id, "user_id": u["id"], "day": 1}
                                                for u in users])
        rows = []
        for u in users:
            minute = 0

            def ev(kind, item, payload, question=None):
                nonlocal minute
                minute += 1
                # the stamps the one writer gives (app/sync/stamp.py), made here in bulk
                rows.append({"id": uuid.uuid4(), "user_id": u["id"], "kind": kind, "item_id": item,
                             "question_id": question, "lang": "kk", "payload": payload,
                             "created_at": t0 + timedelta(minutes=minute),
                             "origin": me, "seq": next(numbers), "lamport": minute})

            ev("survey_answered", "intake", {"answers": {"internet-home": [rng.randrange(3)],
                                                          "aware-1414": [rng.randrange(3)]}})
            ev("test_taken", level.pretest.id, {"score": rng.random()})
            for lesson in level.lessons[:3]:
                for qid in lesson.question_ids:
                    ev("answer", lesson.id, {"answer": [0], "correct": rng.random() < 0.7}, qid)
            ev("test_taken", level.posttest.id, {"score": rng.random()})
            ev("survey_answered", "exit", {"answers": {"aware-1414": [rng.randrange(3)]}})
        db.session.execute(insert(Event), rows)
        events += len(rows)
        db.session.commit()
    return events


def _numbers(me):
    """This server's change numbers, shared with the ORM's stamps: take them from the counter and
    move the counter past each one (bulk inserts bypass the listeners that would do it)."""
    while True:
        yield from stamp.reserve_seqs(db.session.connection(), me, 10_000)


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

    timed(f"figures alone: {villages} villages x {per_village}", run, memory=False)
    timed("  again (villages' bootstraps kept)", run, memory=False)


def timed(label, fn, memory=True):
    """Wall time of one run, then the peak of Python memory in a second run (tracemalloc slows
    Python down, so the two are measured apart)."""
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    if not memory:
        print(f"{label:<45} {seconds:7.2f} s")
        return result
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<45} {seconds:7.2f} s   peak {peak / 2**20:6.1f} MiB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--villages", type=int, default=20)
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--pure", type=int, default=100_000)
    parser.add_argument("--no-db", action="store_true")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    # The app's own factory and the real course: no test code (pytest need not be installed).
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}, "SECRET_KEY": "bench",
                      "NODE_DIR": tempfile.mkdtemp(prefix="auyl-bench-node-")})
    with app.app_context():
        if args.no_db:
            _pure(args.pure, get_course())
            return
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        events = fill(args.villages, args.learners)
        print(f"{'load the data':<45} {time.perf_counter() - start:7.2f} s")
        print(f"{args.villages} villages x {args.learners} learners = {args.villages * args.learners} learners, "
              f"{events} events; database: {db.engine.url.get_backend_name()}")
        villages = db.session.scalars(db.select(Village)).all()
        course = get_course()
        timed("district figures (report_data, all villages)", lambda: report_data(villages, course))
        timed("one village's figures", lambda: report_data(villages[:1], course))
        ids = [u for u in db.session.scalars(db.select(User.id).where(User.village_id == villages[0].id))]
        timed("one class's events for the grid", lambda: record.events_by_user(ids))
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
        _pure(args.pure, course)


def _pure(learners: int, course) -> None:
    if learners:
        levels = [lv.id for lv in course.levels]
        print(f"{learners} learners in memory, {len(levels)} levels; bootstrap up to {BOOTSTRAP_MAX_N} learners")
        for size in (BOOTSTRAP_MAX_N, 2500):
            pure_figures(learners, size, levels)


if __name__ == "__main__":
    main()
