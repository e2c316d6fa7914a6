"""The figures' tallies of many villages made by the database: a few GROUP BY queries over the
report rows (`report_learner`, `report_level`: each learner's facts already decided by the one
writer, app/reports/rows.py) fill each village's `figures.Tally` with counts and sums, so the
district report never reads its 100,000 learners one by one into Python (bench/report-scale.md).

The rules are those of `person_facts.py` (which tests and answers count, decided when the rows
are written) and `figures.Tally.add` (what counts, here in SQL), which stay the reference:
tests/test_report_aggregates.py checks that both give the same figures on random activity. What
a plain GROUP BY cannot follow, a person whose accounts were joined (app/people.py), is left to
the Python path, and so are villages whose rows were made with other content (`basis`) until
`flask progress rebuild`: `queries.report_data` sends such villages there.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from sqlalchemy import BigInteger, Date, and_, case, exists, func, literal, or_, select

from ..content.model import Course
from ..extensions import db
from ..models import Attendance, ProgressLearner, ReportLearner, ReportLevel, Role, TrainingClass, User, class_learners
from . import figures
from .figures import DROPOUT_DAYS, INTERNET_OPTIONS, Sums, Tally
from .person_facts import plan_of
from .stats import PairSums

G_CEILING = 1 - 1e-9  # a pre-test at or above this has no g (stats.learner_g)


def village_tallies(village_ids: Sequence[uuid.UUID], course: Course, items: Mapping[str, frozenset],
                    today: date) -> tuple[dict[str, Tally], set]:
    """A `Tally` per village (keyed by the village id as text), as `Tally.add_all` would make it
    from `learner_facts` of villages where no accounts were joined; and the villages whose report
    rows were made with other content (their tallies are not to be used)."""
    levels = [lv.id for lv in course.levels]
    tallies = {str(v): Tally(levels, items, today) for v in village_ids}
    if not village_ids:
        return tallies, set()
    plan = plan_of(course)
    if not plan.usable:
        return {}, set(village_ids)
    _reached(tallies, village_ids)
    _enrolled(tallies, village_ids, levels)
    _tests(tallies, village_ids, today)
    stale = _surveys(tallies, village_ids, plan.basis, len(items))
    return tallies, stale


def _learners_of(village_ids):
    return and_(User.role == Role.LEARNER, User.village_id.in_(village_ids))


def _reached(tallies: dict, village_ids) -> None:
    """Reached: did anything (a progress summary) or attended a class day."""
    did = select(ProgressLearner.user_id).where(ProgressLearner.user_id == User.id).exists()
    came = select(Attendance.id).where(Attendance.user_id == User.id).exists()
    for village_id, n in db.session.execute(
            select(User.village_id, func.count()).where(_learners_of(village_ids), or_(did, came))
            .group_by(User.village_id)):
        tallies[str(village_id)].reached[str(village_id)] = n


def _enrolled(tallies: dict, village_ids, levels: list[str]) -> None:
    for village_id, level, n in db.session.execute(
            select(User.village_id, TrainingClass.level, func.count(func.distinct(User.id)))
            .join(class_learners, class_learners.c.user_id == User.id)
            .join(TrainingClass, TrainingClass.id == class_learners.c.class_id)
            .where(_learners_of(village_ids), TrainingClass.level.in_(levels))
            .group_by(User.village_id, TrainingClass.level)):
        tallies[str(village_id)].enrolled[level] = n


def _day(value: date):
    return literal(value, Date)


def _facts(village_ids, today: date):
    """One row per learner and level with a test: its first pre- and post-test scores and forms,
    whether the learner dropped out (figures.is_dropout) and their g (stats.learner_g), computed
    once per row (MATERIALIZED: else the database recomputes them in every sum that uses them)."""
    r = ReportLevel
    pre, post = r.pre, r.post
    both = and_(pre.is_not(None), post.is_not(None))
    classes = (select(class_learners.c.user_id).join(TrainingClass, TrainingClass.id == class_learners.c.class_id)
               .where(class_learners.c.user_id == r.user_id, TrainingClass.level == r.level))
    # The drop-out rule: their class of the level is over, or they have none and DROPOUT_DAYS
    # have passed since the pre-test. Asked only of those with a pre-test and no post-test.
    over = exists(classes.where(TrainingClass.day2 < _day(today)))
    self_registered = and_(~exists(classes), r.pre_on <= _day(today - timedelta(days=DROPOUT_DAYS)))
    dropout = case((and_(pre.is_not(None), post.is_(None)), case((or_(over, self_registered), 1), else_=0)),
                   else_=0)
    return (select(User.village_id, r.level, pre, post, r.pre_form, r.post_form, dropout.label("dropout"),
                   case((and_(both, pre < G_CEILING), (post - pre) / (1 - pre))).label("g"))
            .join(User, User.id == r.user_id).where(_learners_of(village_ids))
            .cte("facts").prefix_with("MATERIALIZED"))


def _tests(tallies: dict, village_ids, today: date) -> None:
    facts = _facts(village_ids, today)
    pre, post = facts.c.pre, facts.c.post
    both = and_(pre.is_not(None), post.is_not(None))

    def sums(when, x):
        return [func.count(case((when, 1))), func.sum(case((when, x))), func.sum(case((when, x * x)))]

    columns = [*sums(pre.is_not(None), pre), func.count(post),
               func.count(case((and_(post.is_not(None), pre.is_(None)), 1))),
               *sums(both, pre), func.sum(case((both, post))), func.sum(case((both, post * post))),
               func.sum(case((both, pre * post))), *sums(facts.c.g.is_not(None), facts.c.g),
               *sums(facts.c.dropout == 1, pre)]
    cells = [(f, r) for f in "AB" for r in ("pre", "post")]
    for f, r in cells:
        score, form = (pre, facts.c.pre_form) if r == "pre" else (post, facts.c.post_form)
        columns += sums(and_(score.is_not(None), form == f), score)
    small: dict = {}
    for row in db.session.execute(select(facts.c.village_id, facts.c.level, *columns)
                                  .group_by(facts.c.village_id, facts.c.level)):
        village, level, *x = row
        x = [v or 0 for v in x]
        tally = tallies[str(village)]
        if level not in tally.pair_sums:
            continue
        tally.started[level] = Sums(x[0], x[1], x[2])
        tally.finished[level], tally.post_only[level] = x[3], x[4]
        pairs = PairSums(n=x[5], sp=x[6], sq=x[8], spp=x[7], sqq=x[9], spq=x[10], ng=x[11], sg=x[12], sgg=x[13])
        tally.pair_sums[level] = pairs
        few = pairs.n <= figures.BOOTSTRAP_MAX_N  # the tally's own limit (tests lower it)
        tally.pairs[level] = [] if few else None
        if few and pairs.n:
            small.setdefault(village, set()).add(level)
        tally.dropped[level] = Sums(x[14], x[15], x[16])
        for k, (f, r) in enumerate(cells):
            tally.scores[(level, f, r)] = Sums(*x[17 + 3 * k:20 + 3 * k])
    if small:  # the bootstrap resamples the pairs themselves: read them where it needs them
        facts = _facts(list(small), today)
        for village, level, p, q in db.session.execute(
                select(facts.c.village_id, facts.c.level, facts.c.pre, facts.c.post)
                .where(facts.c.pre.is_not(None), facts.c.post.is_not(None))):
            if level in small[village]:
                tallies[str(village)].pairs[level].append((p, q))


def _surveys(tallies: dict, village_ids, made_with: str, n_items: int) -> set:
    """Awareness, internet at home and where the answers came from, by the rules of
    `figures.Tally.add`, from the answers' bit masks (`ReportLearner`). Returns the villages
    with rows made on another basis (other content)."""
    r = ReportLearner

    def bit(mask, k: int):  # learners with bit k of the mask set
        return func.count(func.nullif(mask.op("&")(literal(1 << k, BigInteger)), 0))

    columns = [func.count(case((r.both.is_(True), 1)))]
    for k in range(n_items):  # as the five counts of `Tally.known`
        columns += [bit(r.paired, k), bit(r.knew, k), bit(r.knows, k), bit(r.unaware, k), bit(r.learned, k)]
    columns += [func.count(case((r.internet == option, 1))) for option in range(INTERNET_OPTIONS)]
    columns += [func.count(case((r.intake_from == source, 1))) for source in ("own", "paper")]
    columns += [func.count(case((r.exit_from == source, 1))) for source in ("own", "paper")]
    columns.append(func.count(case((r.basis != made_with, 1))))
    stale = set()
    for village, *x in db.session.execute(select(User.village_id, *columns).join(User, User.id == r.user_id)
                                          .where(_learners_of(village_ids)).group_by(User.village_id)):
        if x[-1]:
            stale.add(village)
            continue
        tally = tallies[str(village)]
        tally.both_surveys = x[0]
        for k, item in enumerate(tally.items):
            tally.known[item] = list(x[1 + 5 * k:6 + 5 * k])
        rest = x[1 + 5 * n_items:]
        tally.internet_counts = list(rest[:INTERNET_OPTIONS])
        own_a, paper_a, own_b, paper_b = rest[INTERNET_OPTIONS:INTERNET_OPTIONS + 4]
        tally.sources.update({("intake", "own"): own_a, ("intake", "paper"): paper_a,
                              ("exit", "own"): own_b, ("exit", "paper"): paper_b})
    return stale
