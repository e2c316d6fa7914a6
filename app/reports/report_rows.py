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

import sqlalchemy as sa
from sqlalchemy import bindparam, delete, func, insert, select

from ..content.model import Course
from ..models import ProgressItem, ReportLearner, ReportLevel, User
from ..progress.summary import SURVEY, TEST
from .person_facts import PersonFacts, Plan, plan_of, report_row

UNUSABLE = "unusable"  # the basis of a row that could not be made (more knowledge items than bits)

_DELETE_LEVELS = delete(ReportLevel).where(ReportLevel.user_id.in_(bindparam("users", expanding=True)))
_DELETE_LEARNERS = delete(ReportLearner).where(ReportLearner.user_id.in_(bindparam("users", expanding=True)))
# One writer at a time per learner: the sync import and the learner's own request can both
# remake a learner's rows, each from the summaries it sees; the second waits for the first to
# commit and then reads what it wrote (PostgreSQL; SQLite has one writer at a time anyway).
_LOCK_LEARNERS = (select(User.id).where(User.id.in_(bindparam("users", expanding=True))).order_by(User.id)
                  .with_for_update())


def write(connection, user_ids: Sequence[uuid.UUID], course: Course, tables: tuple | None = None) -> int:
    """Make these learners' report rows anew from their summaries (any rows they had go).
    Returns the learners with rows. `tables`: (learner, level) tables to insert into, if not
    the models' (a migration's, with the columns the database has then)."""
    if not user_ids:
        return 0
    users = sorted(set(user_ids))
    connection.execute(_LOCK_LEARNERS, {"users": users})
    connection.execute(_DELETE_LEVELS, {"users": users})
    connection.execute(_DELETE_LEARNERS, {"users": users})
    plan = plan_of(course)
    learners, levels = [], []
    for user_id, person in _people(connection, users, plan).items():
        if not plan.usable:  # kept, marked: counted learner by learner, and known to need remaking
            learners.append({"user_id": user_id, "basis": UNUSABLE, "both": False, "paired": 0, "knew": 0,
                             "knows": 0, "unaware": 0, "learned": 0})
            continue
        level_rows, survey = report_row(person, plan.items)
        learners.append({"user_id": user_id, "basis": plan.basis, "intake_from": survey.intake_from,
                         "exit_from": survey.exit_from, "both": survey.both, "internet": survey.internet,
                         "paired": survey.paired, "knew": survey.knew, "knows": survey.knows,
                         "unaware": survey.unaware, "learned": survey.learned})
        levels += [{"user_id": user_id, "level": r.level, "pre": r.pre, "post": r.post, "pre_form": r.pre_form,
                    "post_form": r.post_form, "pre_on": r.pre_on} for r in level_rows]
    for table, rows in zip(tables or (ReportLearner.__table__, ReportLevel.__table__), (learners, levels), strict=True):
        if rows:
            if tables:  # only the columns the table has
                rows = [{k: v for k, v in row.items() if k in table.c} for row in rows]
            connection.execute(insert(table), rows)
    return len(learners)


def _people(connection, users: list, plan: Plan) -> dict:
    """A PersonFacts per learner with a test or survey summary (each account on its own: the
    district figures read villages with joined accounts learner by learner)."""
    people: dict = {}

    def of(user_id):
        if user_id not in people:
            people[user_id] = PersonFacts(plan.role_of)
        return people[user_id]

    if plan.role_of:
        for user_id, item_id, score, role, lamport, taken_at in connection.execute(
                select(ProgressItem.user_id, ProgressItem.item_id, ProgressItem.score, ProgressItem.role,
                       ProgressItem.counted_lamport, ProgressItem.taken_at)
                .where(ProgressItem.user_id.in_(users), ProgressItem.item_id.in_(list(plan.role_of)),
                       ProgressItem.score.is_not(None))):
            of(user_id).test(item_id, score, role, lamport, taken_at)
    detail = ProgressItem.detail
    for survey_id in plan.surveys:  # only the parts of the detail that are used (queries.learner_facts)
        mine = "first_own" if survey_id == "intake" else "latest_own"
        for user_id, own_order, own_answers, paper_order, paper_answers in connection.execute(
                select(ProgressItem.user_id, detail[f"{mine}_order"], detail[mine], detail["latest_paper_order"],
                       detail["latest_paper"])
                .where(ProgressItem.user_id.in_(users), ProgressItem.item_id == survey_id)):
            of(user_id).survey(survey_id, own_order, own_answers, paper_order, paper_answers)
    return people


def out_of_date(connection, course: Course) -> int:
    """Learners whose rows were made with other content (a new edition of the tests or of the
    knowledge questions) or other rules: their villages are counted learner by learner until
    the rebuild."""
    made_with = plan_of(course).basis
    return connection.scalar(select(func.count()).select_from(ReportLearner).where(ReportLearner.basis != made_with))


def rebuild(connection, course: Course, batch: int = 2000) -> int:
    """Every learner's report rows anew from the summaries, a few learners at a time. Returns
    the learners with rows. Into the columns the tables have (migration 0013 runs this on the
    tables it made, whatever the models have become since)."""
    inspector = sa.inspect(connection)
    tables = []
    for model in (ReportLearner, ReportLevel):
        present = {c["name"] for c in inspector.get_columns(model.__tablename__)}
        tables.append(sa.table(model.__tablename__, *[sa.column(c.name, c.type) for c in model.__table__.columns
                                                       if c.name in present]))
    connection.execute(delete(tables[1]))
    connection.execute(delete(tables[0]))
    users = list(connection.scalars(select(ProgressItem.user_id).where(
        ProgressItem.kind.in_((TEST, SURVEY))).distinct()))
    return sum(write(connection, users[start:start + batch], course, tuple(tables))
               for start in range(0, len(users), batch))
