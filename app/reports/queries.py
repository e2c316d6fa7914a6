"""Read what the figures need from the database, in a few grouped queries (no per-learner loop
of queries: the district server holds tens of thousands of learners)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import String, cast, func, select, type_coerce

from ..content.model import Course
from ..extensions import db
from ..models import (
    Attendance,
    ProgressItem,
    ProgressLearner,
    Role,
    TrainingClass,
    User,
    Village,
    VillageProblem,
    class_learners,
)
from ..models.events import EventKind
from ..progress import summary
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
    # Ids as the database's own text, not UUID objects: building 100,000s of UUIDs costs more
    # than the queries (bench/report-scale.md). They are only keys within this function.
    learners = db.session.execute(
        select(_text(User.id), _text(User.village_id)).where(User.role == Role.LEARNER, User.village_id.in_(village_ids))
    ).all()
    if not learners:
        return []
    village_text = {raw: str(uuid.UUID(raw)) for raw in {v for _, v in learners}}
    # Join on the village instead of a long IN (…ids…) list: fast on SQLite and PostgreSQL alike.
    of_villages = User.village_id.in_(village_ids)
    # Reached: did anything (a progress summary exists) or attended a class day.
    active = set(db.session.scalars(select(_text(ProgressLearner.user_id)).join(User, User.id == ProgressLearner.user_id)
                                    .where(of_villages)))
    active |= set(db.session.scalars(select(_text(Attendance.user_id)).join(User, User.id == Attendance.user_id)
                                     .where(of_villages).distinct()))
    enrolled: dict = defaultdict(set)
    over: dict = defaultdict(set)
    for user_id, level, day2 in db.session.execute(
        select(_text(class_learners.c.user_id), TrainingClass.level, TrainingClass.day2)
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
    tests: dict = defaultdict(lambda: {"pre": {}, "post": {}})
    surveys: dict = defaultdict(dict)
    # Tests and surveys from the progress summaries (kept from the events by the one writer):
    # the tests' counted scores from a column, only the surveys' answers from JSON.
    for user_id, item_id, score in db.session.execute(
        select(_text(ProgressItem.user_id), ProgressItem.item_id, ProgressItem.score).join(User, User.id == ProgressItem.user_id)
        .where(of_villages, ProgressItem.item_id.in_(list(role_of)), ProgressItem.score.is_not(None))
    ):
        level, which = role_of[item_id]
        tests[user_id][which][level] = float(score)  # the first counts (the summary keeps it)
    for user_id, item_id, detail in db.session.execute(
        select(_text(ProgressItem.user_id), ProgressItem.item_id, ProgressItem.detail).join(User, User.id == ProgressItem.user_id)
        .where(of_villages, ProgressItem.kind == summary.SURVEY)
    ):
        answers = _counted_survey(item_id, detail or {})
        if answers is not None:
            surveys[user_id][item_id] = answers
    return [
        LearnerFacts(village_id=village_text[village_id], levels_enrolled=frozenset(enrolled[lid]),
                     classes_over=frozenset(over[lid]), active=lid in active,
                     pre=tests[lid]["pre"], post=tests[lid]["post"],
                     intake=surveys[lid].get("intake"), exit=surveys[lid].get("exit"))
        for lid, village_id in learners
    ]


def _text(column):
    """A UUID column read as text (the same text for the same id in one query)."""
    return type_coerce(column, String) if db.session.get_bind().dialect.name == "sqlite" else cast(column, String)


def _counted_survey(survey_id: str, detail: dict):
    """Intake: the learner's own first answers are the "before" (a later visit is not before),
    unless a trainer typed in a paper form, which corrects them. Exit: the latest answers."""
    if survey_id == "intake":
        return detail.get("latest_paper") or detail.get("first_own")
    return detail.get("latest")


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
