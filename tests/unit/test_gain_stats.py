"""Intervals, rounding and attrition, each on a case small enough to compute by hand."""

import dataclasses
import random
from datetime import date
from decimal import Decimal

import pytest

from app.reports.figures import DROPOUT_DAYS, LearnerFacts, learning_gain
from app.reports.stats import (
    PairSums,
    gain_estimates,
    half_up,
    judge,
    normal_interval,
    percent,
    percentile_interval,
    ratio_interval,
)

TODAY = date(2026, 12, 6)


def learner(**kwargs):
    return LearnerFacts(village_id="v", active=True, **kwargs)


def test_rounding_is_decimal_half_up():
    assert half_up(0.4875, 3) == Decimal("0.488")  # round(0.4875, 3) gives 0.487
    assert round(0.4875, 3) == 0.487  # (the reason for half_up)
    assert percent(0.8125) == Decimal("81.3")  # round(81.25, 1) gives 81.2
    assert percent(0.30000000000000004) == Decimal("30.0") and percent(None) is None
    assert half_up(-0.125, 2) == Decimal("-0.13")  # half away from zero
    assert half_up(0.1 + 0.2, 1) == Decimal("0.3")


def test_normal_interval_by_hand():
    # values 0 and 0.5: mean 0.25, sd = √0.125, se = √(0.125 / 2) = 0.25, ± 1.96 × 0.25
    low, high = normal_interval([0.0, 0.5])
    assert low == pytest.approx(0.25 - 1.959964 * 0.25) and high == pytest.approx(0.25 + 1.959964 * 0.25)
    assert normal_interval([0.3]) is None


def test_ratio_interval_by_hand():
    # y 0.6, 0.8; x 0.4, 0.6: R = 1.4 / 1.0 = 1.4; y − R·x = 0.04, −0.04; sd = √0.0032;
    # se = √(0.0032 / 2) / mean(x) = 0.04 / 0.5 = 0.08
    low, high = ratio_interval([0.6, 0.8], [0.4, 0.6])
    assert low == pytest.approx(1.4 - 1.959964 * 0.08) and high == pytest.approx(1.4 + 1.959964 * 0.08)
    assert ratio_interval([0.5, 0.5], [0.0, 0.0]) is None


def test_percentile_interval_takes_the_25th_and_976th_of_1000():
    low, high = percentile_interval(list(range(1000, 0, -1)))  # 1..1000, any order
    assert (low, high) == (25, 976)


def test_bootstrap_of_two_learners_by_hand():
    # Two learners, a = (0.5, 1.0) and b = (0.5, 0.5). A resample is aa, ab, ba or bb, each with
    # chance 1/4, so 1,000 resamples hold far more than 25 of aa and of bb: the percentile
    # interval runs from bb's value to aa's. points: bb 0, aa 0.5; relative: 0 .. 1;
    # Hake (and learners' g): 0 .. 1.
    est = gain_estimates([(0.5, 1.0), (0.5, 0.5)])
    assert est["points"].value == pytest.approx(0.25) and est["points"].method == "bootstrap"
    assert (est["points"].low, est["points"].high) == (pytest.approx(0.0), pytest.approx(0.5))
    assert (est["relative"].low, est["relative"].high) == (pytest.approx(0.0), pytest.approx(1.0))
    assert (est["hake"].low, est["hake"].high) == (pytest.approx(0.0), pytest.approx(1.0))
    assert est["hake_mean"].value == pytest.approx(0.5) and est["hake_mean"].n == 2


def test_bootstrap_is_fixed_by_its_seed_whatever_the_order():
    rng = random.Random(3)
    pairs = [(rng.randrange(11) / 10, rng.randrange(11) / 10) for _ in range(40)]
    first = gain_estimates(pairs)
    assert gain_estimates(list(reversed(pairs))) == first  # the database's order does not matter
    assert gain_estimates(pairs, seed=1) != first  # (the seed does)


def test_analytic_interval_above_the_bootstrap_limit_agrees_with_the_bootstrap():
    rng = random.Random(5)
    pairs = [(p, min(1.0, p + rng.randrange(6) / 10)) for p in (rng.randrange(10) / 10 for _ in range(100))]
    boot, normal = gain_estimates(pairs), gain_estimates(pairs, max_n=99)
    assert (boot["relative"].method, normal["relative"].method) == ("bootstrap", "normal")
    for name in ("points", "relative", "hake", "hake_mean"):
        assert boot[name].value == pytest.approx(normal[name].value)
        assert boot[name].low == pytest.approx(normal[name].low, abs=0.03)
        assert boot[name].high == pytest.approx(normal[name].high, abs=0.03)


def test_one_learner_has_no_interval_and_no_verdict():
    est = gain_estimates([(0.4, 0.8)])
    assert est["relative"].value == pytest.approx(1.0) and est["relative"].low is None
    assert judge(est["relative"], 0.3, min_n=1) == "no_data"


def test_pre_test_at_100_percent_is_left_out_of_learners_g_only():
    # pre 1.0 -> 1.0 (no room: out of the mean of g), 0.5 -> 0.75 (g 0.5), 0.0 -> 0.5 (g 0.5)
    g = learning_gain("e", [learner(pre={"e": 1.0}, post={"e": 1.0}), learner(pre={"e": 0.5}, post={"e": 0.75}),
                            learner(pre={"e": 0.0}, post={"e": 0.5})])
    assert g.pairs == 3 and g.at_ceiling == 1
    assert g.hake_mean.value == pytest.approx(0.5) and g.hake_mean.n == 2
    # of the means: pre 0.5, post 0.75: Hake 0.5, relative 0.5, points 0.25, all over 3
    assert g.hake.value == pytest.approx(0.5) and g.relative.value == pytest.approx(0.5) and g.hake.n == 3


def test_attrition_by_hand():
    over, e = frozenset({"e"}), frozenset({"e"})
    people = [
        learner(pre={"e": 0.4}, post={"e": 0.8}, levels_enrolled=e),  # completer +0.4
        learner(pre={"e": 0.6}, post={"e": 0.8}, levels_enrolled=e),  # completer +0.2
        learner(pre={"e": 0.2}, levels_enrolled=e, classes_over=over),  # drop-out: class over
        learner(pre={"e": 0.5}, levels_enrolled=e),  # class still on: still learning
        # self-registered (no class): a drop-out once DROPOUT_DAYS have passed since the pre-test
        learner(pre={"e": 0.3}, pre_on={"e": date(2026, 11, 6)}),  # 30 days: drop-out
        learner(pre={"e": 0.9}, pre_on={"e": date(2026, 11, 7)}),  # 29 days: still learning
        learner(post={"e": 0.9}),  # post-test only: in no gain figure
    ]
    assert DROPOUT_DAYS == 30
    g = learning_gain("e", people, as_of=TODAY)
    assert (g.pairs, g.dropouts, g.still_learning, g.started, g.post_only) == (2, 2, 2, 6, 1)
    assert g.dropout_rate.value == pytest.approx(0.5)  # 2 of (2 completers + 2 drop-outs)
    assert g.mean_pre == pytest.approx(0.5) and g.pre_dropouts == pytest.approx(0.25)  # (0.2 + 0.3) / 2
    assert g.pre_started == pytest.approx((0.4 + 0.6 + 0.2 + 0.5 + 0.3 + 0.9) / 6)
    assert g.points_all == pytest.approx((0.4 + 0.2 + 0 + 0) / 4)  # a drop-out counts as no change
    # without a date to count from, a learner with no class is never a drop-out
    assert learning_gain("e", people).dropouts == 1



def test_analytic_intervals_from_the_sums_alone_equal_those_from_the_pairs():
    """The database adds up a large village's sums (app/reports/aggregates.py): the intervals
    made from them are those made from the pairs, and sums of parts add up to the whole's."""
    rng = random.Random(3)
    pairs = [(rng.choice([0.0, 1.0, rng.random()]), rng.random()) for _ in range(150)]
    whole = PairSums.of(pairs)
    assert dataclasses.astuple(PairSums.of(pairs[:40]) + PairSums.of(pairs[40:])) == pytest.approx(dataclasses.astuple(whole))
    assert whole.n - whole.ng == sum(1 for p, _ in pairs if p == 1.0)  # at 100 % before: no g
    from_pairs, from_sums = gain_estimates(pairs), gain_estimates(None, sums=whole)
    for name, estimate in from_pairs.items():
        assert estimate.method == from_sums[name].method == "normal"
        for field in ("value", "low", "high"):
            assert getattr(from_sums[name], field) == pytest.approx(getattr(estimate, field), rel=1e-12)
    with pytest.raises(ValueError):  # up to the bootstrap's limit the pairs themselves are needed
        gain_estimates(None, sums=PairSums.of(pairs[:100]))
