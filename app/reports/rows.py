"""The report rows (`report_learner`, `report_level`): each learner's facts for the district
figures, decided once from their progress summaries by the report's rules (person_facts.py),
so the district figures are a few sums over narrow rows (aggregates.py).

A projection of the summaries, which are a projection of the events: written only by the one
writer of progress (`summaries.refresh`, after a test or survey event, in its transaction) and
by the sync import through it, rebuilt by `flask progress rebuild`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import bindparam, delete, func, insert, select

from ..content.model import Course
from ..models import ProgressItem, ReportLearner, ReportLevel
from ..progress.summary import SURVEY, TEST
from .person_facts import MAX_ITEMS, PersonFacts, awareness_items, basis, report_row, test_roles

_DELETE_LEVELS = delete(ReportLevel).where(ReportLevel.user_id.in_(bindparam("users", expanding=True)))
_DELETE_LEARNERS = delete(ReportLearner).where(ReportLearner.user_id.in_(bindparam("users", expanding=True)))


def usable(course: Course) -> bool:
    """Whether the rows can hold this course's awareness items (a bit each)."""
    return len(awareness_items(course)) <= MAX_ITEMS


def write(connection, user_ids: Sequence[uuid.UUID], course: Course) -> int:
    """Make these learners' report rows anew from their summaries (any rows they had go).
    Returns the learners with rows."""
    if not user_ids:
        return 0
    users = list(user_ids)
    connection.execute(_DELETE_LEVELS, {"users": users})
    connection.execute(_DELETE_LEARNERS, {"users": users})
    if not usable(course):
        return 0
    role_of, items = test_roles(course), awareness_items(course)
    made_with = basis(role_of, items, course.surveys)
    people = _people(connection, users, course, role_of)
    learners, levels = [], []
    for user_id, person in people.items():
        level_rows, survey = report_row(person, items)
        learners.append({"user_id": user_id, "basis": made_with, "intake_from": survey.intake_from,
                         "exit_from": survey.exit_from, "both": survey.both, "internet": survey.internet,
                         "paired": survey.paired, "knew": survey.knew, "knows": survey.knows,
                         "unaware": survey.unaware, "learned": survey.learned})
        levels += [{"user_id": user_id, "level": r.level, "pre": r.pre, "post": r.post, "pre_form": r.pre_form,
                    "post_form": r.post_form, "pre_on": r.pre_on} for r in level_rows]
    if learners:
        connection.execute(insert(ReportLearner), learners)
    if levels:
        connection.execute(insert(ReportLevel), levels)
    return len(learners)


def _people(connection, users: list, course: Course, role_of: dict) -> dict:
    """A PersonFacts per learner with a test or survey summary (each account on its own: the
    district figures read villages with joined accounts learner by learner)."""
    people: dict = {}

    def of(user_id):
        if user_id not in people:
            people[user_id] = PersonFacts(role_of)
        return people[user_id]

    if role_of:
        for user_id, item_id, score, role, lamport, taken_at in connection.execute(
                select(ProgressItem.user_id, ProgressItem.item_id, ProgressItem.score, ProgressItem.role,
                       ProgressItem.counted_lamport, ProgressItem.taken_at)
                .where(ProgressItem.user_id.in_(users), ProgressItem.item_id.in_(list(role_of)),
                       ProgressItem.score.is_not(None))):
            of(user_id).test(item_id, score, role, lamport, taken_at)
    detail = ProgressItem.detail
    for survey_id in course.surveys:  # only the parts of the detail that are used (queries.learner_facts)
        mine = "first_own" if survey_id == "intake" else "latest_own"
        for user_id, own_order, own_answers, paper_order, paper_answers in connection.execute(
                select(ProgressItem.user_id, detail[f"{mine}_order"], detail[mine], detail["latest_paper_order"],
                       detail["latest_paper"])
                .where(ProgressItem.user_id.in_(users), ProgressItem.item_id == survey_id)):
            of(user_id).survey(survey_id, own_order, own_answers, paper_order, paper_answers)
    return people


def out_of_date(connection, course: Course) -> int:
    """Learners whose rows were made with other content (a new edition of the tests or of the
    knowledge questions): their villages are counted learner by learner until the rebuild."""
    made_with = basis(test_roles(course), awareness_items(course), course.surveys)
    return connection.scalar(select(func.count()).select_from(ReportLearner).where(ReportLearner.basis != made_with))


def rebuild(connection, course: Course, batch: int = 2000) -> int:
    """Every learner's report rows anew from the summaries, a few learners at a time. Returns
    the learners with rows."""
    connection.execute(delete(ReportLevel))
    connection.execute(delete(ReportLearner))
    users = list(connection.scalars(select(ProgressItem.user_id).where(
        ProgressItem.kind.in_((TEST, SURVEY))).distinct()))
    return sum(write(connection, users[start:start + batch], course) for start in range(0, len(users), batch))
