"""Read what the figures need from the database, in a few grouped queries (no per-learner loop
of queries: the district server holds tens of thousands of learners)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from ..content.model import Course
from ..extensions import db
from ..models import Attendance, Event, Role, TrainingClass, User, Village, VillageProblem, class_learners
from ..models.events import EventKind
from .figures import Figures, LearnerFacts, district_residents, figures

SURVEY_EVENT = EventKind.SURVEY_ANSWERED


def awareness_items(course: Course) -> dict[str, frozenset]:
    """Awareness question ids and the options that count as aware, from the intake survey."""
    intake = course.surveys.get("intake")
    if intake is None:
        return {}
    return {q.id: frozenset(q.correct_indexes) for q in intake.variant("kk").questions if q.id.startswith("aware-")}


def learner_facts(village_ids: Sequence[uuid.UUID], course: Course, today: date | None = None) -> list[LearnerFacts]:
    """One `LearnerFacts` per learner of these villages (`today` decides which classes have ended)."""
    today = today or date.today()
    learners = db.session.execute(
        select(User.id, User.village_id).where(User.role == Role.LEARNER, User.village_id.in_(village_ids))
    ).all()
    ids = [lid for lid, _ in learners]
    if not ids:
        return []
    # Join on the village instead of a long IN (…ids…) list: fast on SQLite and PostgreSQL alike.
    of_villages = User.village_id.in_(village_ids)
    active = set(db.session.scalars(select(Event.user_id).join(User, User.id == Event.user_id)
                                    .where(of_villages).distinct()))
    active |= set(db.session.scalars(select(Attendance.user_id).join(User, User.id == Attendance.user_id)
                                     .where(of_villages).distinct()))
    enrolled: dict = defaultdict(set)
    over: dict = defaultdict(set)
    for user_id, level, day2 in db.session.execute(
        select(class_learners.c.user_id, TrainingClass.level, TrainingClass.day2)
        .join(TrainingClass, TrainingClass.id == class_learners.c.class_id)
        .join(User, User.id == class_learners.c.user_id).where(of_villages)
    ):
        enrolled[user_id].add(level)
        if day2 < today:
            over[user_id].add(level)
    role_of = {}  # test id -> (level, "pre" | "post")
    for level in course.levels:
        if level.pretest:
            role_of[level.pretest.id] = (level.id, "pre")
        if level.posttest:
            role_of[level.posttest.id] = (level.id, "post")
    tests: dict = defaultdict(lambda: {"pre": {}, "post": {}, "pre_on": {}})
    surveys: dict = defaultdict(dict)
    rows = db.session.execute(
        select(Event.user_id, Event.kind, Event.item_id, Event.payload, Event.created_at)
        .join(User, User.id == Event.user_id)
        .where(of_villages, Event.kind.in_([EventKind.TEST_TAKEN, SURVEY_EVENT]))
        .order_by(Event.user_id, Event.lamport, Event.origin, Event.seq)
    )
    for user_id, kind, item_id, payload, created_at in rows:
        if kind == "test_taken" and item_id in role_of:
            level, which = role_of[item_id]
            if level not in tests[user_id][which]:  # the first counts
                tests[user_id][which][level] = float(payload.get("score", 0))
                if which == "pre":  # the date the server that recorded it gave it (drop-out rule)
                    tests[user_id]["pre_on"][level] = created_at.date()
        elif kind == SURVEY_EVENT:
            answers = payload.get("answers", {})
            if item_id == "intake" and not payload.get("entered_by"):
                # the learner's own first answers are the "before" (a later visit is not before)
                surveys[user_id].setdefault(item_id, answers)
            else:
                surveys[user_id][item_id] = answers  # a trainer's typed-in form corrects; exit: the latest
    return [
        LearnerFacts(village_id=str(village_id), levels_enrolled=frozenset(enrolled[lid]),
                     classes_over=frozenset(over[lid]), active=lid in active,
                     pre=tests[lid]["pre"], post=tests[lid]["post"], pre_on=tests[lid]["pre_on"],
                     intake=surveys[lid].get("intake"), exit=surveys[lid].get("exit"))
        for lid, village_id in learners
    ]


def problems_of(village_ids: Sequence[uuid.UUID]) -> dict[str, list[tuple[str, str]]]:
    found = defaultdict(list)
    for village_id, category, status in db.session.execute(
        select(VillageProblem.village_id, VillageProblem.category, VillageProblem.status)
        .where(VillageProblem.village_id.in_(village_ids))
    ):
        found[str(village_id)].append((category, status))
    return found


def report_data(villages: Sequence[Village], course: Course,
                today: date | None = None) -> tuple[list[tuple[Village, Figures]], Figures]:
    """Figures per village and for all of them together, as of `today` (the report's date)."""
    today = today or date.today()
    ids = [v.id for v in villages]
    facts = learner_facts(ids, course, today)
    problems = problems_of(ids)
    levels = [lv.id for lv in course.levels]
    items = awareness_items(course)
    by_village = defaultdict(list)
    for lf in facts:
        by_village[lf.village_id].append(lf)
    per_village = [(v, figures(v.residents, by_village[str(v.id)], levels, items, problems[str(v.id)], as_of=today))
                   for v in villages]
    residents, counted = district_residents((str(v.id), v.residents) for v in villages)
    all_problems = [p for v in villages for p in problems[str(v.id)]]
    total = figures(residents, facts, levels, items, all_problems, counted_villages=counted, as_of=today)
    return per_village, total


def learner_counts(village_ids: Sequence[uuid.UUID]) -> dict:
    return dict(db.session.execute(
        select(User.village_id, func.count(User.id)).where(User.role == Role.LEARNER, User.village_id.in_(village_ids))
        .group_by(User.village_id)
    ).all())
