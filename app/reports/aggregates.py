"""The figures' tallies of many villages made by the database: a few GROUP BY queries fill each
village's `figures.Tally` with counts and sums, so the district report never reads its 100,000
learners one by one into Python (bench/report-scale.md).

The rules are those of `queries.learner_facts` and `figures.Tally.add`, which stay the
reference: tests/test_report_aggregates.py checks that both give the same figures on random
activity. What a plain GROUP BY cannot follow, a person whose accounts were joined (app/people.py),
is left to that Python path: `queries.report_data` sends such villages there.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from sqlalchemy import Date, and_, case, cast, func, literal, not_, or_, select
from sqlalchemy.orm import aliased

from ..content.model import Course
from ..extensions import db
from ..models import Attendance, ProgressItem, ProgressLearner, Role, TrainingClass, User, class_learners
from . import figures
from .figures import DROPOUT_DAYS, INTERNET_OPTIONS, INTERNET_QUESTION, Sums, Tally
from .stats import PairSums

G_CEILING = 1 - 1e-9  # a pre-test at or above this has no g (stats.learner_g)


def village_tallies(village_ids: Sequence[uuid.UUID], course: Course, items: Mapping[str, frozenset],
                    today: date) -> dict[str, Tally]:
    """A `Tally` per village (keyed by the village id as text), as `Tally.add_all` would make it
    from `learner_facts` of villages where no accounts were joined."""
    levels = [lv.id for lv in course.levels]
    tallies = {str(v): Tally(levels, items, today) for v in village_ids}
    if not village_ids:
        return tallies
    _reached(tallies, village_ids)
    _enrolled(tallies, village_ids, levels)
    _tests(tallies, village_ids, course, today)
    if "intake" in course.surveys or "exit" in course.surveys:
        _surveys(tallies, village_ids, course, items, _test_rows(village_ids, course, numbered=False))
    return tallies


NONE = "!"  # `_option` of a question not answered


def _option(answers, question: str):
    """The text after "question=" in a survey's answers (`summary.answers_key`), enough of it to
    tell the options apart (up to 4 characters: "1;…", "0,2;", "?;…"), or NONE: one search of
    the text, made to always find something by a sentinel at its end."""
    mark = f";{question}="
    text = answers.op("||")(literal(mark + NONE))
    find = func.instr if db.session.get_bind().dialect.name == "sqlite" else func.strpos
    return func.substr(text, find(text, mark) + len(mark), 4)


def _one_of(option, right: frozenset):
    """A single option given, and it is one of `right` (figures._knows)."""
    if not right:
        return literal(False)
    return or_(*[func.substr(option, 1, len(str(r)) + 1) == f"{r};" for r in sorted(right)])


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


def test_roles(course: Course) -> dict[str, tuple[str, str, str]]:
    """Test id -> (level, its role before counterbalancing, its form)."""
    role_of = {}
    for level in course.levels:
        if level.pretest:
            role_of[level.pretest.id] = (level.id, "pre", "A")
        if level.posttest:
            role_of[level.posttest.id] = (level.id, "post", "B")
    return role_of


def _test_rows(village_ids, course: Course, numbered: bool = True):
    """Every test result of these villages' learners with its level, role and form, and if
    `numbered`, its number within (learner, level, role) by Lamport step: 1 is the one that counts."""
    role_of = test_roles(course)
    if not role_of:
        return None
    item = ProgressItem.item_id
    level = case({t: lv for t, (lv, _, _) in role_of.items()}, value=item)
    which = case((ProgressItem.role.in_(("pre", "post")), ProgressItem.role),
                 else_=case({t: r for t, (_, r, _) in role_of.items()}, value=item))
    form = case({t: f for t, (_, _, f) in role_of.items()}, value=item)
    lamport = func.coalesce(ProgressItem.counted_lamport, 0)
    nth = [func.row_number().over(partition_by=(ProgressItem.user_id, level, which),
                                  order_by=(lamport, form)).label("nth")] if numbered else []
    return (select(ProgressItem.user_id, User.village_id, level.label("level"), which.label("which"),
                   form.label("form"), ProgressItem.score, lamport.label("lamport"), ProgressItem.taken_at, *nth)
            .join(User, User.id == ProgressItem.user_id)
            .where(_learners_of(village_ids), item.in_(list(role_of)), ProgressItem.score.is_not(None))
            .subquery())


def _day(column):
    """The date of a timestamp, as the report's Python path takes it (`.date()`)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.date(column)
    return cast(column, Date)


def _facts(village_ids, course: Course, today: date):
    """One row per learner and level with a test: first pre- and post-test scores and forms,
    whether the learner dropped out (figures.is_dropout) and their g (stats.learner_g), computed
    once per row (MATERIALIZED: else the database recomputes them in every sum that uses them)."""
    tests = _test_rows(village_ids, course)
    if tests is None:
        return None
    firsts = select(tests).where(tests.c.nth == 1).subquery()
    is_pre, is_post = firsts.c.which == "pre", firsts.c.which == "post"
    per = (select(firsts.c.user_id, firsts.c.village_id, firsts.c.level,
                  func.max(case((is_pre, firsts.c.score))).label("pre"),
                  func.max(case((is_post, firsts.c.score))).label("post"),
                  func.max(case((is_pre, firsts.c.form))).label("pre_form"),
                  func.max(case((is_post, firsts.c.form))).label("post_form"),
                  func.max(case((is_pre, firsts.c.taken_at))).label("pre_on"))
           .group_by(firsts.c.user_id, firsts.c.village_id, firsts.c.level).subquery())
    classes = (select(class_learners.c.user_id, TrainingClass.level,
                      func.max(case((TrainingClass.day2 < today, 1), else_=0)).label("over"))
               .join(TrainingClass, TrainingClass.id == class_learners.c.class_id)
               .join(User, User.id == class_learners.c.user_id).where(_learners_of(village_ids))
               .group_by(class_learners.c.user_id, TrainingClass.level).subquery())
    pre, post = per.c.pre, per.c.post
    both = and_(pre.is_not(None), post.is_not(None))
    # The drop-out rule: their class of the level is over, or they have none and DROPOUT_DAYS
    # have passed since the pre-test.
    dropout = and_(pre.is_not(None), post.is_(None), or_(
        classes.c.over == 1,
        and_(classes.c.user_id.is_(None), _day(per.c.pre_on) <= literal(today - timedelta(days=DROPOUT_DAYS), Date))))
    return (select(per.c.village_id, per.c.level, pre, post, per.c.pre_form, per.c.post_form,
                   case((dropout, 1), else_=0).label("dropout"),
                   case((and_(both, pre < G_CEILING), (post - pre) / (1 - pre))).label("g"))
            .select_from(per)
            .outerjoin(classes, and_(classes.c.user_id == per.c.user_id, classes.c.level == per.c.level))
            .cte("facts").prefix_with("MATERIALIZED"))


def _tests(tallies: dict, village_ids, course: Course, today: date) -> None:
    facts = _facts(village_ids, course, today)
    if facts is None:
        return
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
        facts = _facts(list(small), course, today)
        for village, level, p, q in db.session.execute(
                select(facts.c.village_id, facts.c.level, facts.c.pre, facts.c.post)
                .where(facts.c.pre.is_not(None), facts.c.post.is_not(None))):
            if level in small[village]:
                tallies[str(village)].pairs[level].append((p, q))


def _surveys(tallies: dict, village_ids, course: Course, items: Mapping[str, frozenset], tests) -> None:
    """Awareness, internet at home and where the answers came from, by the rules of
    `queries.learner_facts` (which answers) and `figures.Tally.add` (what counts)."""
    intake, exit_ = aliased(ProgressItem), aliased(ProgressItem)
    joins = [] if tests is None else [
        select(tests.c.user_id, func.min(tests.c.lamport).label("at")).where(tests.c.which == "post")
        .group_by(tests.c.user_id).subquery()]
    first_post = joins[0].c.at if joins else None
    # The learner's own first intake counts as "before" only if it came before their first post-test.
    own_before = and_(intake.answers_first.is_not(None), intake.answers_first_lamport < func.coalesce(
        first_post, intake.answers_first_lamport + 1)) if first_post is not None else intake.answers_first.is_not(None)
    query = (select(User.village_id,
                    case((own_before, intake.answers_first), else_=intake.answers_paper).label("a"),
                    case((own_before, "own"), (intake.answers_paper.is_not(None), "paper")).label("a_from"),
                    func.coalesce(exit_.answers_latest, exit_.answers_paper).label("b"),
                    case((exit_.answers_latest.is_not(None), "own"),
                         (exit_.answers_paper.is_not(None), "paper")).label("b_from"))
             # (a survey the course no longer has is not read, as learner_facts reads only the course's)
             .outerjoin(intake, and_(intake.user_id == User.id, intake.item_id == "intake",
                                     literal("intake" in course.surveys)))
             .outerjoin(exit_, and_(exit_.user_id == User.id, exit_.item_id == "exit", literal("exit" in course.surveys))))
    if joins:
        query = query.outerjoin(joins[0], joins[0].c.user_id == User.id)
    found = query.where(_learners_of(village_ids)).cte("found").prefix_with("MATERIALIZED")
    a, b = found.c.a, found.c.b
    # Each question's options read out of the text once per learner (MATERIALIZED): "1;…" is a
    # single option 1, "1,2;…" two, "?…" an answer that is not options, "!" none.
    answers = select(found.c.village_id, found.c.a_from, found.c.b_from,
                     case((and_(a.is_not(None), a != "", b.is_not(None), b != ""), 1), else_=0).label("both"),
                     _option(a, INTERNET_QUESTION).label("net"),
                     *[_option(a, item).label(f"a{k}") for k, item in enumerate(items)],
                     *[_option(b, item).label(f"b{k}") for k, item in enumerate(items)],
                     ).cte("answers").prefix_with("MATERIALIZED")
    both = answers.c.both == 1
    columns = [func.count(case((both, 1)))]
    for k, right in enumerate(items.values()):
        before, after = answers.c[f"a{k}"], answers.c[f"b{k}"]
        pair = and_(both, before != NONE, after != NONE)
        knew = _one_of(before, right)
        knows = _one_of(after, right)
        columns += [func.count(case((pair, 1))), func.count(case((and_(pair, knew), 1))),
                    func.count(case((and_(pair, knows), 1))), func.count(case((and_(pair, not_(knew)), 1))),
                    func.count(case((and_(pair, not_(knew), knows), 1)))]
    for option in range(INTERNET_OPTIONS):  # the first option chosen, as `Tally.add` reads it
        columns.append(func.count(case((or_(func.substr(answers.c.net, 1, len(str(option)) + 1) == f"{option};",
                                            func.substr(answers.c.net, 1, len(str(option)) + 1) == f"{option},"), 1))))
    columns += [func.count(case((answers.c.a_from == source, 1))) for source in ("own", "paper")]
    columns += [func.count(case((answers.c.b_from == source, 1))) for source in ("own", "paper")]
    for village, *x in db.session.execute(select(answers.c.village_id, *columns).group_by(answers.c.village_id)):
        tally = tallies[str(village)]
        tally.both_surveys = x[0]
        for k, item in enumerate(items):
            tally.known[item] = list(x[1 + 5 * k:6 + 5 * k])
        rest = x[1 + 5 * len(items):]
        tally.internet_counts = list(rest[:INTERNET_OPTIONS])
        own_a, paper_a, own_b, paper_b = rest[INTERNET_OPTIONS:]
        tally.sources.update({("intake", "own"): own_a, ("intake", "paper"): paper_a,
                              ("exit", "own"): own_b, ("exit", "paper"): paper_b})
