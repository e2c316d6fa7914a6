"""Read what the figures need from the database, in a few grouped queries (no per-learner loop
of queries: the district server holds tens of thousands of learners)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import String, cast, func, or_, select, type_coerce

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
from ..people import merge_links
from .aggregates import village_tallies
from .figures import Figures, LearnerFacts, Tally, district_residents
from .person_facts import PersonFacts, awareness_items, test_roles

SURVEY_EVENT = EventKind.SURVEY_ANSWERED
FEW_LEARNERS = 5000  # up to this many learners, the summaries are read by their ids
VILLAGES_AT_ONCE = 500  # villages whose tallies one set of aggregate queries makes
# More learners than this: the database makes the tallies. A few hundred are quick either way;
# a village of 500 in a district of 100,000 took 66 ms by the database on SQLite (274 ms learner
# by learner in the previous session's run, both under load) and 1.5 s learner by learner on
# PostgreSQL (bench/report-scale.md).
SQL_FROM = 200


def learner_facts(village_ids: Sequence[uuid.UUID], course: Course, today: date | None = None) -> list[LearnerFacts]:
    """One `LearnerFacts` per person of these villages (`today` decides which classes have ended),
    from the progress summaries, never from the events.

    One person, one account (app/people.py): an account joined to another counts as the account
    it was merged into, wherever that one is; its own row is left out.
    """
    today = today or date.today()
    # Ids as the database's own text, not UUID objects: building 100,000s of UUIDs costs more
    # than the queries (bench/report-scale.md). They are only keys within this function.
    key = _key_of()
    person = {key(dup): key(keep) for dup, keep in merge_links().items()}
    learners = [(lid, vid) for lid, vid in db.session.execute(
        select(_text(User.id), _text(User.village_id)).where(User.role == Role.LEARNER, User.village_id.in_(village_ids))
    ).all() if lid not in person]
    if not learners:
        return []
    village_text = {raw: str(uuid.UUID(raw)) for raw in {v for _, v in learners}}
    kept = {lid for lid, _ in learners}
    joined = [uuid.UUID(dup) for dup, keep in person.items() if keep in kept]
    # A few villages: their learners' ids, so that each summary is found by its key. The whole
    # district: a join on the village instead of a list of 100,000 ids (a scan is the plan then).
    of_villages = or_(User.village_id.in_(village_ids), User.id.in_(joined)) if joined else \
        User.village_id.in_(village_ids)
    few = [uuid.UUID(lid) for lid in kept] + joined if len(kept) <= FEW_LEARNERS else None

    def scoped(query, user_column):
        if few is not None:
            return query.where(user_column.in_(few))
        return query.join(User, User.id == user_column).where(of_villages)

    # Reached: did anything (a progress summary exists) or attended a class day.
    active = {person.get(u, u) for u in db.session.scalars(
        scoped(select(_text(ProgressLearner.user_id)), ProgressLearner.user_id))}
    active |= {person.get(u, u) for u in db.session.scalars(
        scoped(select(_text(Attendance.user_id)), Attendance.user_id).distinct())}
    enrolled: dict = defaultdict(set)
    over: dict = defaultdict(set)
    for user_id, level, day2 in db.session.execute(
        scoped(select(_text(class_learners.c.user_id), TrainingClass.level, TrainingClass.day2)
               .join(TrainingClass, TrainingClass.id == class_learners.c.class_id), class_learners.c.user_id)
    ):
        user_id = person.get(user_id, user_id)
        enrolled[user_id].add(level)
        if day2 < today:
            over[user_id].add(level)
    role_of = test_roles(course)
    people: dict = defaultdict(lambda: PersonFacts(role_of))  # the rules: person_facts.py
    # Tests: each form's first result, with the role recorded with it (counterbalanced forms) and
    # its Lamport step. Columns only: no JSON is read for tests.
    for user_id, item_id, score, role, lamport, taken_at in db.session.execute(
        scoped(select(_text(ProgressItem.user_id), ProgressItem.item_id, ProgressItem.score, ProgressItem.role,
                      ProgressItem.counted_lamport, ProgressItem.taken_at), ProgressItem.user_id)
        .where(ProgressItem.item_id.in_(list(role_of)), ProgressItem.score.is_not(None))
    ):
        people[person.get(user_id, user_id)].test(item_id, score, role, lamport, taken_at)
    # Surveys: the learner's own answers and a trainer's typed-in paper form, kept side by side.
    # Only the parts of each summary's detail that are used are read (the database cuts them out):
    # parsing the whole JSON of every survey was most of the district report's time.
    detail = ProgressItem.detail
    for survey_id in course.surveys:
        mine = "first_own" if survey_id == "intake" else "latest_own"
        for user_id, own_order, own_answers, paper_order, paper_answers in db.session.execute(
            scoped(select(_text(ProgressItem.user_id), detail[f"{mine}_order"], detail[mine],
                          detail["latest_paper_order"], detail["latest_paper"]), ProgressItem.user_id)
            .where(ProgressItem.item_id == survey_id)
        ):
            people[person.get(user_id, user_id)].survey(survey_id, own_order, own_answers, paper_order, paper_answers)

    facts = []
    nobody = PersonFacts(role_of)
    for lid, village_id in learners:
        found = people.get(lid, nobody)
        tests = found.tests()
        intake, intake_source = found.answers("intake")
        exit_answers, exit_source = found.answers("exit")
        facts.append(LearnerFacts(
            village_id=village_text[village_id], levels_enrolled=frozenset(enrolled[lid]),
            classes_over=frozenset(over[lid]), active=lid in active, pre=tests["pre"], post=tests["post"],
            pre_on=tests["pre_on"], intake=intake, exit=exit_answers, intake_source=intake_source,
            exit_source=exit_source, pre_form=tests["pre_form"], post_form=tests["post_form"]))
    return facts


def _key_of():
    """How `_text` shows a UUID in this database: a function from UUID to that text."""
    if db.session.get_bind().dialect.name == "sqlite":
        return lambda u: u.hex
    return str


def _text(column):
    """A UUID column read as text (the same text for the same id in one query)."""
    return type_coerce(column, String) if db.session.get_bind().dialect.name == "sqlite" else cast(column, String)


def problems_of(village_ids: Sequence[uuid.UUID]) -> dict[str, list[tuple[str, str]]]:
    found = defaultdict(list)
    for village_id, category, status in db.session.execute(
        select(VillageProblem.village_id, VillageProblem.category, VillageProblem.status)
        .where(VillageProblem.village_id.in_(village_ids))
    ):
        found[str(village_id)].append((category, status))
    return found


def report_data(villages: Sequence[Village], course: Course, today: date | None = None,
                in_sql: bool | None = None) -> tuple[list[tuple[Village, Figures]], Figures]:
    """Figures per village and for all of them together, as of `today` (the report's date).

    Each village's figures come from its `Tally`, which is then added to the district's, so the
    whole district's learners are never held at once (bench/report-scale.md). The database makes
    the tallies (aggregates.py) when the villages hold more than SQL_FROM learners (a small
    village is as quick learner by learner), except for villages where accounts were joined (a
    person there spans accounts) and villages whose report rows were made with other content
    (rows.py; until `flask progress rebuild`). `in_sql` True or False forces one path for every village (the
    tests compare them). The rest are read a group at a time (up to FEW_LEARNERS learners, their
    summaries read by their keys), learner by learner."""
    today = today or date.today()
    ids = [v.id for v in villages]
    counts = learner_counts(ids)
    if in_sql is None:
        in_sql = sum(counts.values()) > SQL_FROM
    problems = problems_of(ids)
    levels = [lv.id for lv in course.levels]
    items = awareness_items(course)
    by_learner = _villages_with_joined_accounts() if in_sql else set(ids)
    tallies: dict[str, Tally] = {}
    in_database = [v for v in ids if v not in by_learner]
    for start in range(0, len(in_database), VILLAGES_AT_ONCE):
        made, stale = village_tallies(in_database[start:start + VILLAGES_AT_ONCE], course, items, today)
        tallies.update(made)
        by_learner |= stale  # rows made with other content: until rebuilt, learner by learner
    for group in _groups([v for v in villages if v.id in by_learner], counts):
        by_village = defaultdict(list)
        for lf in learner_facts([v.id for v in group], course, today):
            by_village[lf.village_id].append(lf)
        for v in group:
            tallies[str(v.id)] = Tally(levels, items, today).add_all(by_village.pop(str(v.id), []))
    district = Tally(levels, items, today)
    per_village = []
    for v in villages:
        tally = tallies[str(v.id)]
        per_village.append((v, tally.figures(v.residents, problems[str(v.id)])))
        district.merge(tally)
    residents, counted = district_residents((str(v.id), v.residents) for v in villages)
    all_problems = [p for v in villages for p in problems[str(v.id)]]
    return per_village, district.figures(residents, all_problems, counted_villages=counted)


def _villages_with_joined_accounts() -> set:
    """The villages of every account joined to another or kept with others joined to it."""
    accounts = {u for pair in merge_links().items() for u in pair}
    if not accounts:
        return set()
    return set(db.session.scalars(select(User.village_id).where(User.id.in_(accounts)).distinct()))


def _groups(villages: Sequence[Village], learners: dict) -> list[list[Village]]:
    """The villages in their order, cut into groups of up to FEW_LEARNERS learners (a larger
    village is a group of its own)."""
    groups: list[list[Village]] = [[]]
    size = 0
    for v in villages:
        n = learners.get(v.id, 0)
        if groups[-1] and size + n > FEW_LEARNERS:
            groups.append([])
            size = 0
        groups[-1].append(v)
        size += n
    return groups


def learner_counts(village_ids: Sequence[uuid.UUID]) -> dict:
    return dict(db.session.execute(
        select(User.village_id, func.count(User.id)).where(User.role == Role.LEARNER, User.village_id.in_(village_ids))
        .group_by(User.village_id)
    ).all())
