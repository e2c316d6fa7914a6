"""Read what the figures need from the database, in a few grouped queries (no per-learner loop
of queries: the district server holds tens of thousands of learners)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, or_, select

from ..content.model import KNOWLEDGE_PREFIX, Course
from ..extensions import db
from ..models import Attendance, Event, Role, TrainingClass, User, Village, VillageProblem, class_learners
from ..models.events import EventKind
from ..people import merge_links
from .figures import Figures, LearnerFacts, district_residents, figures

SURVEY_EVENT = EventKind.SURVEY_ANSWERED


def awareness_items(course: Course) -> dict[str, frozenset]:
    """Knowledge question ids and their right option, from the intake survey."""
    intake = course.surveys.get("intake")
    if intake is None:
        return {}
    return {q.id: frozenset(q.correct_indexes) for q in intake.variant("kk").questions
            if q.id.startswith(KNOWLEDGE_PREFIX)}


def learner_facts(village_ids: Sequence[uuid.UUID], course: Course, today: date | None = None) -> list[LearnerFacts]:
    """One `LearnerFacts` per learner of these villages (`today` decides which classes have ended)."""
    today = today or date.today()
    # One person, one account (app/people.py): a joined account counts as the account it was
    # merged into, wherever that one is; its own row is left out.
    person = merge_links()
    learners = [(lid, vid) for lid, vid in db.session.execute(
        select(User.id, User.village_id).where(User.role == Role.LEARNER, User.village_id.in_(village_ids))
    ).all() if lid not in person]
    ids = [lid for lid, _ in learners]
    if not ids:
        return []
    kept = set(ids)
    joined = [dup for dup, keep in person.items() if keep in kept]
    # Join on the village instead of a long IN (…ids…) list: fast on SQLite and PostgreSQL alike.
    of_villages = or_(User.village_id.in_(village_ids), User.id.in_(joined)) if joined else \
        User.village_id.in_(village_ids)
    active = {person.get(u, u) for u in db.session.scalars(select(Event.user_id).join(User, User.id == Event.user_id)
                                                           .where(of_villages).distinct())}
    active |= {person.get(u, u) for u in db.session.scalars(
        select(Attendance.user_id).join(User, User.id == Attendance.user_id).where(of_villages).distinct())}
    enrolled: dict = defaultdict(set)
    over: dict = defaultdict(set)
    for user_id, level, day2 in db.session.execute(
        select(class_learners.c.user_id, TrainingClass.level, TrainingClass.day2)
        .join(TrainingClass, TrainingClass.id == class_learners.c.class_id)
        .join(User, User.id == class_learners.c.user_id).where(of_villages)
    ):
        user_id = person.get(user_id, user_id)
        enrolled[user_id].add(level)
        if day2 < today:
            over[user_id].add(level)
    role_of = {}  # test id -> (level, role before counterbalancing, form)
    for level in course.levels:
        if level.pretest:
            role_of[level.pretest.id] = (level.id, "pre", "A")
        if level.posttest:
            role_of[level.posttest.id] = (level.id, "post", "B")
    tests: dict = defaultdict(lambda: {"pre": {}, "post": {}})
    forms: dict = defaultdict(lambda: {"pre": {}, "post": {}})
    own: dict = defaultdict(dict)  # the learner's own survey answers
    paper: dict = defaultdict(dict)  # a trainer's typed-in paper form: kept beside, never over them
    after_post: set = set()  # learners seen with a post-test: a later intake is not "before"
    rows = db.session.execute(
        select(Event.user_id, Event.kind, Event.item_id, Event.payload).join(User, User.id == Event.user_id)
        .where(of_villages, Event.kind.in_([EventKind.TEST_TAKEN, SURVEY_EVENT]))
        .order_by(Event.lamport, Event.origin, Event.seq)  # a person's events in order, joined accounts too
    )
    for user_id, kind, item_id, payload in rows:
        user_id = person.get(user_id, user_id)
        if kind == "test_taken" and item_id in role_of:
            level, which, form = role_of[item_id]
            which = payload.get("role") if payload.get("role") in ("pre", "post") else which  # counterbalanced
            if level not in tests[user_id][which]:  # the first of each role counts
                tests[user_id][which][level] = float(payload.get("score", 0))
                forms[user_id][which][level] = form
            if which == "post":
                after_post.add(user_id)
        elif kind == SURVEY_EVENT:
            answers = payload.get("answers", {})
            found = paper if payload.get("entered_by") else own
            if item_id == "intake" and found is own:
                # the learner's own first answers are the "before"; after a post-test they are not
                if user_id not in after_post:
                    own[user_id].setdefault(item_id, answers)
            else:
                found[user_id][item_id] = answers  # the latest

    def used(lid, survey_id):
        if survey_id in own[lid]:
            return own[lid][survey_id], "own"
        if survey_id in paper[lid]:
            return paper[lid][survey_id], "paper"
        return None, None

    facts = []
    for lid, village_id in learners:
        intake, intake_source = used(lid, "intake")
        exit_answers, exit_source = used(lid, "exit")
        facts.append(LearnerFacts(
            village_id=str(village_id), levels_enrolled=frozenset(enrolled[lid]), classes_over=frozenset(over[lid]),
            active=lid in active, pre=tests[lid]["pre"], post=tests[lid]["post"],
            intake=intake, exit=exit_answers, intake_source=intake_source, exit_source=exit_source,
            pre_form=forms[lid]["pre"], post_form=forms[lid]["post"]))
    return facts


def problems_of(village_ids: Sequence[uuid.UUID]) -> dict[str, list[tuple[str, str]]]:
    found = defaultdict(list)
    for village_id, category, status in db.session.execute(
        select(VillageProblem.village_id, VillageProblem.category, VillageProblem.status)
        .where(VillageProblem.village_id.in_(village_ids))
    ):
        found[str(village_id)].append((category, status))
    return found


def report_data(villages: Sequence[Village], course: Course) -> tuple[list[tuple[Village, Figures]], Figures]:
    """Figures per village and for all of them together."""
    ids = [v.id for v in villages]
    facts = learner_facts(ids, course)
    problems = problems_of(ids)
    levels = [lv.id for lv in course.levels]
    items = awareness_items(course)
    by_village = defaultdict(list)
    for lf in facts:
        by_village[lf.village_id].append(lf)
    per_village = [(v, figures(v.residents, by_village[str(v.id)], levels, items, problems[str(v.id)]))
                   for v in villages]
    residents, counted = district_residents((str(v.id), v.residents) for v in villages)
    all_problems = [p for v in villages for p in problems[str(v.id)]]
    total = figures(residents, facts, levels, items, all_problems, counted_villages=counted)
    return per_village, total


def learner_counts(village_ids: Sequence[uuid.UUID]) -> dict:
    return dict(db.session.execute(
        select(User.village_id, func.count(User.id)).where(User.role == Role.LEARNER, User.village_id.in_(village_ids))
        .group_by(User.village_id)
    ).all())
