"""The programme's figures, computed from plain data: no Flask, no database.

The rules are the methodology printed in the report (`templates/reports/report.html`):

- **Reached**: a learner of the village who attended a class day or did anything in a lesson,
  test or survey. Each person counts once, whatever the number of classes.
- **Coverage** = reached / adult residents entered for the village (target: at least 50 %).
  No residents entered: "not enough data". For the district, only villages with residents
  entered count, on both sides of the ratio.
- **Learning gain**, per level, only over learners who took **both** the pre-test and the
  post-test (first attempts). Relative gain = (mean post − mean pre) / mean pre (the charter's
  target: at least +30 %); Hake's normalised gain = (mean post − mean pre) / (1 − mean pre).
  Learners with a pre-test but no post-test after their class of that level has ended are
  counted apart as drop-outs (during the class they are still learning). A mean pre-test of
  0 % (relative gain) or of 100 % (Hake) makes that ratio undefined: "not enough data".
- A target counts as met (✓) only on at least MIN_FOR_TARGET learners: fewer is too few to say.
- **Awareness**, per item, only over learners who answered the item in **both** surveys:
  share "aware" before and after; relative change = (after − before) / before (target +50 %).
- **Internet at home**: the intake survey's answers, as shares of those who answered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

COVERAGE_TARGET = 0.5
GAIN_TARGET = 0.3
AWARENESS_TARGET = 0.5
MIN_PAIRS = 1  # fewer paired learners than this: "not enough data"
MIN_FOR_TARGET = 5  # fewer than this: figures are shown, but no target is called met
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
    intake: Mapping[str, Any] | None = None  # survey answers: question id -> [option, …] or text
    exit: Mapping[str, Any] | None = None


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
    level: str
    pairs: int  # learners with both tests
    dropouts: int  # pre-test taken, post-test not (yet)
    mean_pre: float | None
    mean_post: float | None
    relative: float | None  # (post - pre) / pre
    hake: float | None  # (post - pre) / (1 - pre)

    @property
    def meets_target(self) -> bool | None:
        if self.relative is None or self.pairs < MIN_FOR_TARGET:
            return None
        return self.relative >= GAIN_TARGET - 1e-9


def learning_gain(level: str, learners: Iterable[LearnerFacts]) -> Gain:
    pre_scores, post_scores, dropouts = [], [], 0
    for learner in learners:
        if level in learner.pre and level in learner.post:
            pre_scores.append(learner.pre[level])
            post_scores.append(learner.post[level])
        elif level in learner.pre and level in learner.classes_over:
            dropouts += 1
    if len(pre_scores) < MIN_PAIRS:
        return Gain(level, len(pre_scores), dropouts, None, None, None, None)
    mean_pre = sum(pre_scores) / len(pre_scores)
    mean_post = sum(post_scores) / len(post_scores)
    relative = (mean_post - mean_pre) / mean_pre if mean_pre > 0 else None
    hake = (mean_post - mean_pre) / (1 - mean_pre) if mean_pre < 1 else None
    return Gain(level, len(pre_scores), dropouts, mean_pre, mean_post, relative, hake)


@dataclass(frozen=True)
class AwarenessRow:
    item: str  # question id, "aware-…"
    pairs: int
    before: float | None  # share aware at intake
    after: float | None
    relative: float | None  # (after - before) / before

    @property
    def meets_target(self) -> bool | None:
        if self.relative is None or self.pairs < MIN_FOR_TARGET:
            return None
        return self.relative >= AWARENESS_TARGET - 1e-9


def awareness(items: Mapping[str, frozenset], learners: Iterable[LearnerFacts]) -> list[AwarenessRow]:
    """`items` maps each awareness question id to the option indexes that count as aware."""
    learners = [lr for lr in learners if lr.intake and lr.exit]
    rows = []
    for item, aware_options in items.items():
        before = after = pairs = 0
        for learner in learners:
            a, b = (learner.intake or {}).get(item), (learner.exit or {}).get(item)
            if not a or not b:
                continue
            pairs += 1
            before += any(o in aware_options for o in a)
            after += any(o in aware_options for o in b)
        if pairs < MIN_PAIRS:
            rows.append(AwarenessRow(item, pairs, None, None, None))
            continue
        share_before, share_after = before / pairs, after / pairs
        relative = (share_after - share_before) / share_before if share_before > 0 else None
        rows.append(AwarenessRow(item, pairs, share_before, share_after, relative))
    return rows


def overall_awareness(rows: Sequence[AwarenessRow]) -> AwarenessRow:
    """All items together: the mean of the item shares, over items with data."""
    known = [(r.before, r.after, r.pairs) for r in rows if r.before is not None and r.after is not None]
    if not known:
        return AwarenessRow("all", 0, None, None, None)
    before = sum(b for b, _, _ in known) / len(known)
    after = sum(a for _, a, _ in known) / len(known)
    return AwarenessRow("all", min(p for _, _, p in known), before, after,
                        (after - before) / before if before > 0 else None)


@dataclass(frozen=True)
class Internet:
    answered: int
    counts: tuple  # per option of `internet-home`: none, mobile only, fixed line

    @property
    def shares(self) -> tuple:
        return tuple(c / self.answered for c in self.counts) if self.answered else ()


def internet_at_home(learners: Iterable[LearnerFacts]) -> Internet:
    counts: Counter[int] = Counter()
    answered = 0
    for learner in learners:
        answer = (learner.intake or {}).get(INTERNET_QUESTION)
        if isinstance(answer, list) and answer and 0 <= answer[0] < INTERNET_OPTIONS:
            counts[answer[0]] += 1
            answered += 1
    return Internet(answered, tuple(counts[i] for i in range(INTERNET_OPTIONS)))


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


def figures(residents: int | None, learners: Sequence[LearnerFacts], levels: Sequence[str],
            awareness_items: Mapping[str, frozenset], problems: Iterable[tuple[str, str]],
            counted_villages: set | None = None) -> Figures:
    """All figures for one group of learners (a village, or the district).

    `problems` holds (category, status) pairs. For the district, `counted_villages` names the
    villages whose residents are entered: coverage compares only their learners with them.
    """
    reached = sum(1 for lr in learners if lr.active)
    in_coverage = sum(1 for lr in learners if lr.active and
                      (counted_villages is None or lr.village_id in counted_villages))
    rows = awareness(awareness_items, learners)
    by_category: dict[str, list[int]] = {}
    for category, status in problems:
        entry = by_category.setdefault(category, [0, 0])
        entry[1 if status == "solved" else 0] += 1
    return Figures(
        residents=residents,
        reached=reached,
        coverage=ratio(in_coverage, residents),
        enrolled={lv: sum(lv in lr.levels_enrolled for lr in learners) for lv in levels},
        finished={lv: sum(lv in lr.post for lr in learners) for lv in levels},
        gains={lv: learning_gain(lv, learners) for lv in levels},
        awareness=rows,
        awareness_all=overall_awareness(rows),
        internet=internet_at_home(learners),
        problems={k: tuple(v) for k, v in sorted(by_category.items())},
    )


def district_residents(villages: Iterable[tuple[str, int | None]]) -> tuple[int | None, set]:
    """The residents of the villages that have a figure entered, and those villages' ids.

    Villages without a figure are left out of the district's coverage (and the report says
    how many), rather than making the whole district "not enough data".
    """
    counted = {vid: n for vid, n in villages if n}
    return (sum(counted.values()) if counted else None), set(counted)
