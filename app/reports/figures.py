"""The programme's figures, computed from plain data: no Flask, no database.

The rules are the methodology printed in the report (`templates/reports/report.html`):

- **Reached**: a learner of the village who attended a class day or did anything in a lesson,
  test or survey. Each person counts once, whatever the number of classes.
- **Coverage** = reached / adult residents entered for the village (target: at least 50 %).
  No residents entered: "not enough data". For the district, only villages with residents
  entered count, on both sides of the ratio.
- **Coverage** is flagged (not judged) where the residents entered are fewer than the
  learners reached.
- **Learning gain**, per level, only over learners who took **both** the pre-test and the
  post-test (first attempts; a second try never counts), the *completers*:
  - points = mean post − mean pre (0.25 is 25 percentage points);
  - relative gain = (mean post − mean pre) / mean pre (the charter's target: at least +30 %);
  - Hake's g of the means = (mean post − mean pre) / (1 − mean pre), the share of the possible
    progress that was made;
  - mean of learners' g = the mean of (post − pre) / (1 − pre) over completers whose pre-test
    was below 100 % (those at 100 % had nothing left to gain: left out and counted apart).
  Each with a 95 % interval (`stats.py`: bootstrap up to 100 learners, analytic above) and n.
  A mean pre-test of 0 % (relative gain) or of 100 % (Hake) makes that ratio undefined.
- A target counts as met (✓) only when its interval's lower bound reaches it, and only on at
  least MIN_TO_JUDGE (20) learners: fewer is "too few to judge". (Awareness, as it stands: its
  point value, on at least MIN_FOR_TARGET (5) learners.)
- **Attrition**, per level: *drop-outs* took the pre-test, not the post-test, and their time is
  over: their class of that level has ended, or, for a learner with no class of that level
  (self-registered), DROPOUT_DAYS (30) days have passed since the pre-test, counted to the
  report's date. The others without a post-test are still learning. Drop-out rate = drop-outs /
  (completers + drop-outs); the drop-outs' mean pre-test beside the completers'; the mean
  pre-test of everyone who took it; and the all-enrolled change: the points gain over
  completers and drop-outs, a drop-out counted as no change.
- **Awareness** is measured as knowledge: each item is a short question with one right answer
  (and "not sure"), asked alike in the intake and the exit survey. Per item, only over learners
  who answered it in **both** surveys: share right before and after; change in percentage
  points (after − before); the share of the previously unaware (wrong or "not sure" before) who
  answer right after; and the charter's relative change (after − before) / before (target
  +50 %). **Overall**: every (learner, item) pair of answers counted together (so items weigh by
  the number of pairs), the same four figures. Which answers: the learner's own (the intake's
  first, the exit's latest); a trainer's typed-in paper form only for a learner with no own
  answers to that survey (counted and shown). An intake answered after the learner's first
  post-test is not "before" and is left out.
- **Forms**: the two test forms of a level are given in both orders (derive.form_order). For
  each form, its mean score as pre-test and as post-test; the forms behave as parallel when,
  both as pre-test and as post-test, the 95 % interval (Welch, normal approximation) of the
  difference of their means lies within ±PARALLEL_MARGIN; they differ when an interval excludes
  0; else (or with fewer than MIN_PER_FORM learners in a cell) it is not yet clear.
- **Internet at home**: the intake survey's answers, as shares of those who answered.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .stats import BOOTSTRAP_MAX_N, Estimate, PairSums, Verdict, gain_estimates, judge

COVERAGE_TARGET = 0.5
GAIN_TARGET = 0.3
AWARENESS_TARGET = 0.5
MIN_PAIRS = 1  # fewer paired learners than this: "not enough data"
MIN_FOR_TARGET = 5  # awareness: fewer than this, figures are shown but no target is called met
DROPOUT_DAYS = 30  # a learner with no class of a level is a drop-out this long after its pre-test
PARALLEL_MARGIN = 0.10  # forms are parallel when their means differ by less than 10 percentage points
MIN_PER_FORM = 10  # fewer learners per form and role: too few to judge the forms
INTERNET_QUESTION, INTERNET_OPTIONS = "internet-home", 3  # none / mobile only / fixed line


@dataclass(frozen=True)
class LearnerFacts:
    """What the figures need to know about one learner."""

    village_id: str
    levels_enrolled: frozenset = frozenset()
    classes_over: frozenset = frozenset()  # levels whose class (for this learner) has ended
    active: bool = False
    pre: Mapping[str, float] = field(default_factory=dict)  # level id -> first pre-test score 0..1
    post: Mapping[str, float] = field(default_factory=dict)  # level id -> first post-test score
    pre_on: Mapping[str, date] = field(default_factory=dict)  # level id -> date of the first pre-test
    intake: Mapping[str, Any] | None = None  # survey answers: question id -> [option, …] or text
    exit: Mapping[str, Any] | None = None
    # Where the survey answers used come from: "own" (the learner) or "paper" (a trainer typed
    # in the paper form; used only when the learner has no own answers). None: no answers.
    intake_source: str | None = None
    exit_source: str | None = None
    # Which form ("A" or "B") the learner took as pre-test and as post-test, per level.
    pre_form: Mapping[str, str] = field(default_factory=dict)
    post_form: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Ratio:
    value: float | None  # None: not enough data
    numerator: float
    denominator: float

    @property
    def known(self) -> bool:
        return self.value is not None


def ratio(numerator: float, denominator: float | None) -> Ratio:
    if not denominator:
        return Ratio(None, numerator, denominator or 0)
    return Ratio(numerator / denominator, numerator, denominator)


@dataclass(frozen=True)
class Gain:
    """One level's test results over a group of learners (see the module docstring)."""

    level: str
    pairs: int  # completers: learners with both tests
    dropouts: int  # pre-test taken, no post-test, and their time is over (DROPOUT rule)
    mean_pre: float | None  # completers' mean pre-test score
    mean_post: float | None
    points: Estimate = Estimate(None)  # mean post − mean pre (0.25: 25 percentage points)
    relative: Estimate = Estimate(None)  # (mean post − mean pre) / mean pre
    hake: Estimate = Estimate(None)  # Hake's g of the means: (mean post − mean pre) / (1 − mean pre)
    hake_mean: Estimate = Estimate(None)  # mean of learners' own g, learners at 100 % before left out
    at_ceiling: int = 0  # completers with 100 % before: left out of the mean of g
    started: int = 0  # took the pre-test: completers, drop-outs and those still learning
    pre_dropouts: float | None = None  # drop-outs' mean pre-test score
    pre_started: float | None = None  # everyone who took the pre-test: their mean pre-test score
    points_all: float | None = None  # mean change over completers and drop-outs, a drop-out counted as 0
    post_only: int = 0  # took the post-test without the pre-test: out of every gain figure

    @property
    def still_learning(self) -> int:
        return self.started - self.pairs - self.dropouts

    @property
    def dropout_rate(self) -> Ratio:
        """Drop-outs ÷ (completers + drop-outs): those still learning are not counted either way."""
        return ratio(self.dropouts, self.pairs + self.dropouts)

    @property
    def verdict(self) -> Verdict:
        """The charter's target (+30 %) on the relative gain, judged on its interval."""
        return judge(self.relative, GAIN_TARGET)

    @property
    def meets_target(self) -> bool | None:
        return {Verdict.MET: True, Verdict.NOT_MET: False}.get(self.verdict)


def is_dropout(learner: LearnerFacts, level: str, as_of: date | None) -> bool:
    """Pre-test taken, post-test not, and the time for it is over: the learner's class of that
    level has ended, or (no class of that level: self-registered) DROPOUT_DAYS have passed since
    the pre-test, counted to `as_of` (the report's date; None: self-registered never count)."""
    if level not in learner.pre or level in learner.post:
        return False
    if level in learner.classes_over:
        return True
    if level in learner.levels_enrolled:
        return False  # their class is still on
    taken = learner.pre_on.get(level)
    return as_of is not None and taken is not None and (as_of - taken).days >= DROPOUT_DAYS


def learning_gain(level: str, learners: Iterable[LearnerFacts], as_of: date | None = None) -> Gain:
    return Tally((level,), {}, as_of).add_all(learners).gain(level)


def _gain(level: str, pairs: list | None, sums: PairSums, dropped: Sums, started: Sums, post_only: int) -> Gain:
    """`pairs`: the (pre, post) pairs themselves, up to BOOTSTRAP_MAX_N (the bootstrap needs them);
    above, None, and the intervals come from `sums`."""
    counted = Gain(level, sums.n, dropped.n, None, None, started=started.n, pre_dropouts=dropped.mean,
                   pre_started=started.mean, post_only=post_only)
    if sums.n < MIN_PAIRS:
        return counted
    est = gain_estimates(pairs, sums=sums, max_n=BOOTSTRAP_MAX_N)
    return replace(counted, mean_pre=sums.sp / sums.n, mean_post=sums.sq / sums.n,
                   points=est["points"], relative=est["relative"], hake=est["hake"], hake_mean=est["hake_mean"],
                   at_ceiling=sums.n - sums.ng, points_all=(sums.sq - sums.sp) / (sums.n + dropped.n))


@dataclass(frozen=True)
class AwarenessRow:
    item: str  # question id, "know-…", or "all"
    pairs: int  # learners (per item) or (learner, item) pairs (overall) with an answer in both surveys
    before: float | None  # share right at intake
    after: float | None  # share right at exit
    relative: float | None  # (after - before) / before: the charter's measure
    unaware: int = 0  # pairs not right before (wrong or "not sure")
    learned: int = 0  # of those, right after
    learners: int = 0  # distinct learners behind the row
    right_before: int = 0  # pairs right at intake
    right_after: int = 0

    @property
    def change_pp(self) -> float | None:
        """The change as a share (0.12 = 12 percentage points)."""
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def newly_known(self) -> float | None:
        """The share of the previously unaware who now know."""
        return self.learned / self.unaware if self.unaware else None

    @property
    def meets_target(self) -> bool | None:
        if self.relative is None or self.pairs < MIN_FOR_TARGET:
            return None
        return self.relative >= AWARENESS_TARGET - 1e-9


def internet_option(intake: Mapping[str, Any]) -> int | None:
    """Internet at home: the first option chosen, if it is one of the INTERNET_OPTIONS."""
    answer = intake.get(INTERNET_QUESTION)
    if isinstance(answer, list) and answer and type(answer[0]) is int and 0 <= answer[0] < INTERNET_OPTIONS:
        return answer[0]
    return None


def knows(answer, right: frozenset) -> bool:
    """A single option chosen, and it is one of the right ones."""
    return isinstance(answer, list) and len(answer) == 1 and answer[0] in right


def _row(item: str, pairs: int, before: int, after: int, unaware: int, learned: int, learners: int) -> AwarenessRow:
    if pairs < MIN_PAIRS:
        return AwarenessRow(item, pairs, None, None, None, learners=learners)
    share_before, share_after = before / pairs, after / pairs
    relative = (share_after - share_before) / share_before if share_before > 0 else None
    return AwarenessRow(item, pairs, share_before, share_after, relative, unaware, learned, learners, before, after)


def awareness(items: Mapping[str, frozenset], learners: Iterable[LearnerFacts]) -> list[AwarenessRow]:
    """`items` maps each knowledge question id to its right option(s)."""
    return Tally((), items).add_all(learners).awareness()


def overall_awareness(rows: Sequence[AwarenessRow], learners: int = 0) -> AwarenessRow:
    """All items together: every (learner, item) pair of answers counts once."""
    known = [r for r in rows if r.before is not None]
    pairs = sum(r.pairs for r in known)
    return _row("all", pairs, sum(r.right_before for r in known), sum(r.right_after for r in known),
                sum(r.unaware for r in known),
                sum(r.learned for r in known), learners)


@dataclass(frozen=True)
class SurveySources:
    """How many learners' survey answers used come from their own hand or a paper form."""

    intake_own: int = 0
    intake_paper: int = 0
    exit_own: int = 0
    exit_paper: int = 0


def survey_sources(learners: Iterable[LearnerFacts]) -> SurveySources:
    return Tally((), {}).add_all(learners).survey_sources()


@dataclass(frozen=True)
class FormCell:
    n: int
    mean: float | None
    sd: float | None  # sample standard deviation (n − 1)


@dataclass(frozen=True)
class FormComparison:
    """The two test forms of a level, each as pre-test and as post-test."""

    level: str
    cells: dict  # ("A" | "B", "pre" | "post") -> FormCell
    differences: dict  # "pre" | "post" -> (A − B, low, high) or None
    verdict: str  # "parallel", "differ", "unclear", "too_few"
    min_n: int = MIN_PER_FORM


@dataclass
class Sums:
    """n, Σx and Σx² of some scores: their mean and standard deviation, in a form that adds up."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0

    def add(self, x: float) -> None:
        self.n += 1
        self.total += x
        self.squares += x * x

    def merge(self, other: Sums) -> None:
        self.n += other.n
        self.total += other.total
        self.squares += other.squares

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def sd(self) -> float | None:
        """The sample standard deviation (n − 1)."""
        if self.n < 2:
            return None
        return math.sqrt(max(self.squares - self.total * self.total / self.n, 0.0) / (self.n - 1))


def _cell(scores: Sums) -> FormCell:
    return FormCell(scores.n, scores.mean, scores.sd)


def compare_forms(level: str, learners: Iterable[LearnerFacts]) -> FormComparison:
    """Mean score of each form as pre-test and as post-test, and whether they behave as parallel
    (rule in the module's docstring). Every first attempt counts, paired or not."""
    return Tally((level,), {}).add_all(learners).forms(level)


def _compare_forms(level: str, scores: Mapping[tuple, Sums]) -> FormComparison:
    cells = {key: _cell(v) for key, v in scores.items()}
    differences: dict = {}
    verdicts = []
    for role in ("pre", "post"):
        a, b = cells[("A", role)], cells[("B", role)]
        if min(a.n, b.n) < max(MIN_PER_FORM, 2) or a.mean is None or b.mean is None:
            differences[role] = None
            verdicts.append("too_few")
            continue
        diff = a.mean - b.mean
        se = math.sqrt((a.sd or 0) ** 2 / a.n + (b.sd or 0) ** 2 / b.n)
        low, high = diff - 1.96 * se, diff + 1.96 * se
        differences[role] = (diff, low, high)
        if low > 0 or high < 0:
            verdicts.append("differ")
        elif -PARALLEL_MARGIN < low and high < PARALLEL_MARGIN:
            verdicts.append("parallel")
        else:
            verdicts.append("unclear")
    verdict = next((v for v in ("differ", "too_few", "unclear") if v in verdicts), "parallel")
    return FormComparison(level, cells, differences, verdict)


@dataclass(frozen=True)
class Internet:
    answered: int
    counts: tuple  # per option of `internet-home`: none, mobile only, fixed line

    @property
    def shares(self) -> tuple:
        return tuple(c / self.answered for c in self.counts) if self.answered else ()


def internet_at_home(learners: Iterable[LearnerFacts]) -> Internet:
    return Tally((), {}).add_all(learners).internet()


@dataclass(frozen=True)
class Figures:
    """Every figure for one village, or for the district (then `residents` is the sum)."""

    residents: int | None
    reached: int
    coverage: Ratio
    enrolled: dict  # level -> learners in a class of that level
    finished: dict  # level -> learners who took that level's post-test
    gains: dict  # level -> Gain
    awareness: list
    awareness_all: AwarenessRow
    internet: Internet
    problems: dict  # category -> (open, solved)
    forms: dict = field(default_factory=dict)  # level -> FormComparison
    survey_sources: SurveySources = SurveySources()

    @property
    def residents_too_few(self) -> bool:
        """Fewer residents than learners reached (coverage over 100 %): the figure needs checking."""
        return self.coverage.known and self.coverage.numerator > self.coverage.denominator


def figures(residents: int | None, learners: Sequence[LearnerFacts], levels: Sequence[str],
            awareness_items: Mapping[str, frozenset], problems: Iterable[tuple[str, str]],
            counted_villages: set | None = None, as_of: date | None = None) -> Figures:
    """All figures for one group of learners (a village, or the district).

    `problems` holds (category, status) pairs. For the district, `counted_villages` names the
    villages whose residents are entered: coverage compares only their learners with them.
    `as_of` is the report's date, for the drop-out rule of learners with no class.
    """
    tally = Tally(tuple(levels), awareness_items, as_of).add_all(learners)
    return tally.figures(residents, problems, counted_villages)


class Tally:
    """What the figures of a group of learners are made of, gathered learner by learner, in a form
    that adds up: `merge` two groups' tallies and you have the tally of both. The district report
    so makes each village's figures and the district's in one pass, without holding the whole
    district's learners at once (bench/report-scale.md). Counts are counts, scores are kept as
    their sums (`Sums`, `PairSums`), and the (pre, post) pairs themselves only up to
    BOOTSTRAP_MAX_N (the bootstrap resamples them; above, the analytic intervals need only the
    sums). The database can so fill a tally as well: app/reports/aggregates.py."""

    def __init__(self, levels: Sequence[str], items: Mapping[str, frozenset], as_of: date | None = None):
        self.levels, self.items, self.as_of = tuple(levels), items, as_of
        self.reached: Counter[str] = Counter()  # village id -> learners reached
        self.enrolled: Counter[str] = Counter()  # level -> learners in a class of it
        self.finished: Counter[str] = Counter()  # level -> learners with its post-test
        # completers' (pre, post): their sums, and the pairs while they are few enough to bootstrap
        self.pair_sums: dict[str, PairSums] = {lv: PairSums() for lv in self.levels}
        self.pairs: dict[str, list | None] = {lv: [] for lv in self.levels}
        self.dropped: dict[str, Sums] = {lv: Sums() for lv in self.levels}  # drop-outs' pre-test scores
        self.started: dict[str, Sums] = {lv: Sums() for lv in self.levels}  # every pre-test score
        self.post_only: Counter[str] = Counter()
        self.scores: dict[tuple, Sums] = {(lv, f, r): Sums() for lv in self.levels for f in "AB"
                                          for r in ("pre", "post")}
        # per knowledge item: [pairs, right before, right after, not right before, of those right after]
        self.known: dict[str, list] = {item: [0, 0, 0, 0, 0] for item in items}
        self.both_surveys = 0  # learners with answers to both surveys
        self.internet_counts = [0] * INTERNET_OPTIONS
        self.sources: Counter[tuple] = Counter()

    def add(self, learner: LearnerFacts) -> None:
        if learner.active:
            self.reached[learner.village_id] += 1
        for lv in self.levels:
            enrolled, pre, post = lv in learner.levels_enrolled, learner.pre.get(lv), learner.post.get(lv)
            self.enrolled[lv] += enrolled
            if post is not None:
                self.finished[lv] += 1
            if pre is not None:
                self.started[lv].add(pre)
                if post is not None:
                    self.add_pairs(lv, [(pre, post)], PairSums.of([(pre, post)]))
                elif is_dropout(learner, lv, self.as_of):
                    self.dropped[lv].add(pre)
            elif post is not None:
                self.post_only[lv] += 1
            for role, score, form in (("pre", pre, learner.pre_form.get(lv)), ("post", post, learner.post_form.get(lv))):
                if score is not None and form in ("A", "B"):
                    self.scores[(lv, form, role)].add(score)
        intake, exit_answers = learner.intake or {}, learner.exit or {}
        if intake and exit_answers:
            self.both_surveys += 1
            for item, right in self.items.items():
                a, b = intake.get(item), exit_answers.get(item)
                if not a or not b:
                    continue
                knew, knows_now = knows(a, right), knows(b, right)
                row = self.known[item]
                row[0] += 1
                row[1] += knew
                row[2] += knows_now
                if not knew:
                    row[3] += 1
                    row[4] += knows_now
        option = internet_option(intake)
        if option is not None:
            self.internet_counts[option] += 1
        self.sources[("intake", learner.intake_source)] += 1
        self.sources[("exit", learner.exit_source)] += 1

    def add_pairs(self, level: str, pairs: list | None, sums: PairSums) -> None:
        """Add completers: their sums, and their pairs (None: more than the bootstrap takes)."""
        self.pair_sums[level] += sums
        kept = self.pairs[level]
        self.pairs[level] = (kept + pairs if kept is not None and pairs is not None
                             and self.pair_sums[level].n <= BOOTSTRAP_MAX_N else None)

    def add_all(self, learners: Iterable[LearnerFacts]) -> Tally:
        for learner in learners:
            self.add(learner)
        return self

    def merge(self, other: Tally) -> Tally:
        """Add another group's tally (same levels, items and date) to this one."""
        for name in ("reached", "enrolled", "finished", "post_only", "sources"):
            counts: Counter = getattr(self, name)
            counts.update(getattr(other, name))
        for level in self.levels:
            self.add_pairs(level, other.pairs[level], other.pair_sums[level])
        for name in ("dropped", "started", "scores"):
            sums: dict[Any, Sums] = getattr(self, name)
            for key, found in getattr(other, name).items():
                sums[key].merge(found)
        for item, row in other.known.items():
            self.known[item] = [x + y for x, y in zip(self.known[item], row, strict=True)]
        self.both_surveys += other.both_surveys
        self.internet_counts = [x + y for x, y in zip(self.internet_counts, other.internet_counts, strict=True)]
        return self

    def gain(self, level: str) -> Gain:
        return _gain(level, self.pairs[level], self.pair_sums[level], self.dropped[level], self.started[level],
                     self.post_only[level])

    def awareness(self) -> list[AwarenessRow]:
        return [_row(item, row[0], row[1], row[2], row[3], row[4], row[0]) for item, row in self.known.items()]

    def forms(self, level: str) -> FormComparison:
        return _compare_forms(level, {(f, r): self.scores[(level, f, r)] for f in "AB" for r in ("pre", "post")})

    def internet(self) -> Internet:
        return Internet(sum(self.internet_counts), tuple(self.internet_counts))

    def survey_sources(self) -> SurveySources:
        found = self.sources
        return SurveySources(found[("intake", "own")], found[("intake", "paper")],
                             found[("exit", "own")], found[("exit", "paper")])

    def figures(self, residents: int | None, problems: Iterable[tuple[str, str]],
                counted_villages: set | None = None) -> Figures:
        """The group's figures (see `figures`)."""
        in_coverage = sum(n for village, n in self.reached.items()
                          if counted_villages is None or village in counted_villages)
        rows = self.awareness()
        by_category: dict[str, list[int]] = {}
        for category, status in problems:
            entry = by_category.setdefault(category, [0, 0])
            entry[1 if status == "solved" else 0] += 1
        return Figures(
            residents=residents,
            reached=sum(self.reached.values()),
            coverage=ratio(in_coverage, residents),
            enrolled={lv: self.enrolled[lv] for lv in self.levels},
            finished={lv: self.finished[lv] for lv in self.levels},
            gains={lv: self.gain(lv) for lv in self.levels},
            awareness=rows,
            awareness_all=overall_awareness(rows, self.both_surveys),
            internet=self.internet(),
            problems={k: tuple(v) for k, v in sorted(by_category.items())},
            forms={lv: self.forms(lv) for lv in self.levels},
            survey_sources=self.survey_sources(),
        )


def district_residents(villages: Iterable[tuple[str, int | None]]) -> tuple[int | None, set]:
    """The residents of the villages that have a figure entered, and those villages' ids.

    Villages without a figure are left out of the district's coverage (and the report says
    how many), rather than making the whole district "not enough data".
    """
    counted = {vid: n for vid, n in villages if n}
    return (sum(counted.values()) if counted else None), set(counted)
