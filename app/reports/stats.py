"""Intervals and rounding for the report's figures: pure Python (no numpy), no Flask.

- **Rounding** is decimal, half away from zero ("half up"), as a person rounds by hand:
  the value is first written with 12 decimals, which sheds the binary noise of floats
  (0.4875 is stored as 0.48749999…), then rounded. Python's `round()` and Babel's default
  (half to even, on the binary value) give 0.487 where 0.488 is right.
- **95 % intervals**: for up to `BOOTSTRAP_MAX_N` (100) learners, a percentile bootstrap:
  `RESAMPLES` resamples of the learners with replacement, drawn by `random.Random(SEED)` (as
  random bytes, see `_resampled_sums`) from the learners sorted by their scores (so the
  interval depends only on the scores, never on the order the database returns them); the
  interval runs from the 25th to the 976th of the 1,000 sorted resample values. A resample
  where a ratio is undefined (everyone drawn at 0 % or at 100 % before) is left out of that
  ratio's values; if more than 5 % are, no interval. Above `BOOTSTRAP_MAX_N` learners, where
  the bootstrap costs time and the normal approximation is sound (at 100 learners the two
  agree within about 0.01 for g and 0.03 for the relative gain), an analytic interval: mean ±
  1.96 standard errors for a mean, and the delta method for a ratio of two means. One
  learner: no interval.
"""

from __future__ import annotations

import enum
import functools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from decimal import ROUND_HALF_UP, Decimal

Z95 = 1.959963984540054  # the normal distribution's 97.5th percentile
SEED = 20261206
RESAMPLES = 1000
BOOTSTRAP_MAX_N = 100  # more learners than this: an analytic interval (see the docstring)
MIN_TO_JUDGE = 20  # fewer learners than this: "too few to judge" a target
MIN_DEFINED = 0.95  # share of resamples where a ratio must be defined (see the docstring)


def half_up(value: float, places: int) -> Decimal:
    """`value` rounded to `places` decimals, half away from zero, as an exact decimal."""
    return Decimal(f"{value:.12f}").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(value: float | None, places: int = 1) -> Decimal | None:
    """A share as a percentage rounded half up (0.8125 -> 81.3): what the page, XLSX and CSV show."""
    return None if value is None else half_up(value * 100, places)


@dataclass(frozen=True)
class Estimate:
    """A figure with its 95 % interval (`low`, `high`: None when there is none) over `n` learners."""

    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0
    method: str = ""  # "bootstrap", "normal" or "" (no interval)

    @property
    def known(self) -> bool:
        return self.value is not None


class Verdict(enum.StrEnum):
    MET = "met"  # the whole interval is at or above the target
    NOT_MET = "not_met"  # the whole interval is below the target
    UNCLEAR = "unclear"  # the interval holds the target: cannot tell yet
    TOO_FEW = "too_few"  # fewer than MIN_TO_JUDGE learners
    NO_DATA = "no_data"


def judge(estimate: Estimate, target: float, min_n: int = MIN_TO_JUDGE) -> Verdict:
    """A target is met only when the interval's lower bound reaches it (a ✓ that a careful
    evaluator cannot argue away by chance alone), not met when the upper bound is below it."""
    if estimate.value is None:
        return Verdict.NO_DATA
    if estimate.n < min_n:
        return Verdict.TOO_FEW
    if estimate.low is None or estimate.high is None:
        return Verdict.NO_DATA
    if estimate.low >= target - 1e-12:
        return Verdict.MET
    if estimate.high < target - 1e-12:
        return Verdict.NOT_MET
    return Verdict.UNCLEAR


def normal_interval(values: Sequence[float]) -> tuple[float, float] | None:
    """Mean ± 1.96 standard errors (sample standard deviation, n − 1)."""
    return mean_interval(len(values), sum(values), sum(x * x for x in values))


def mean_interval(n: int, total: float, squares: float) -> tuple[float, float] | None:
    """`normal_interval` from the sums alone: n, Σx and Σx² (sums add up across villages, so
    the database can make them: app/reports/aggregates.py)."""
    if n < 2:
        return None
    mean = total / n
    se = math.sqrt(max(squares - n * mean * mean, 0.0) / (n - 1) / n)
    return mean - Z95 * se, mean + Z95 * se


def ratio_interval(ys: Sequence[float], xs: Sequence[float]) -> tuple[float, float] | None:
    """Delta method for R = mean(y) / mean(x): se = sd(y − R·x) / (√n · mean(x))."""
    return ratio_interval_of(len(xs), sum(xs), sum(ys), sum(x * x for x in xs), sum(y * y for y in ys),
                             sum(x * y for x, y in zip(xs, ys, strict=True)))


def ratio_interval_of(n: int, sx: float, sy: float, sxx: float, syy: float, sxy: float) -> tuple[float, float] | None:
    """`ratio_interval` from the sums alone: Σ(y − R·x)² = Σy² − 2R·Σxy + R²·Σx²."""
    if n < 2 or sx <= 0:
        return None
    r = sy / sx
    spread = max(syy - 2 * r * sxy + r * r * sxx, 0.0)
    se = math.sqrt(spread / (n - 1) / n) / (sx / n)
    return r - Z95 * se, r + Z95 * se


@dataclass(frozen=True)
class PairSums:
    """What the gain figures need of a group's (pre, post) pairs, as sums that add up: n, Σpre,
    Σpost, Σpre², Σpost², Σpre·post, and over the learners with a g (below 100 % before) their
    number, Σg and Σg². Above BOOTSTRAP_MAX_N learners the analytic intervals need only these."""

    n: int = 0
    sp: float = 0.0
    sq: float = 0.0
    spp: float = 0.0
    sqq: float = 0.0
    spq: float = 0.0
    ng: int = 0
    sg: float = 0.0
    sgg: float = 0.0

    @classmethod
    def of(cls, pairs: Sequence[tuple[float, float]]) -> PairSums:
        gs = [g for g in (learner_g(p, q) for p, q in pairs) if g is not None]
        return cls(len(pairs), sum(p for p, _ in pairs), sum(q for _, q in pairs), sum(p * p for p, _ in pairs),
                   sum(q * q for _, q in pairs), sum(p * q for p, q in pairs), len(gs), sum(gs),
                   sum(g * g for g in gs))

    def __add__(self, other: PairSums) -> PairSums:
        return PairSums(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def percentile_interval(values: list[float]) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of bootstrap values: with 1,000 values, the 25th and 976th."""
    values = sorted(values)
    k = max(1, int(len(values) * 0.025 + 0.5))
    return values[k - 1], values[len(values) - k]


# One resample's statistic from the sums over it: (n, Σpre, Σpost, Σg, learners with a g).
Statistic = Callable[[int, float, float, float, int], float | None]

STATISTICS: dict[str, Statistic] = {
    "points": lambda n, sp, sq, sg, ng: (sq - sp) / n,
    "relative": lambda n, sp, sq, sg, ng: (sq - sp) / sp if sp > 0 else None,
    "hake": lambda n, sp, sq, sg, ng: (sq - sp) / (n - sp) if n - sp > 1e-9 else None,
    "hake_mean": lambda n, sp, sq, sg, ng: sg / ng if ng else None,
}


def learner_g(pre: float, post: float) -> float | None:
    """One learner's Hake gain; None at 100 % before (no room left: left out of the mean of g)."""
    return (post - pre) / (1 - pre) if pre < 1 - 1e-9 else None


FIXED = 1 << 32  # fixed-point scale of the resampled sums: scores to 2⁻³² (display needs 10⁻³)
FIELD = 96  # bits per packed field: room for n ≤ 256 sums of g as low as −2²⁴


def _resampled_sums(pre, post, g_values, g_counts, rng: random.Random, resamples: int):
    """(n, Σpre, Σpost, Σg, learners with a g) of each resample of the n learners (n ≤ 256).

    Fast in pure Python: a resample's learner numbers are random bytes, kept only below the
    largest multiple of n (so each number is equally likely) and taken modulo n, both done by
    `bytes.translate`; each learner's four values are packed, in fixed point, into one integer,
    so one `sum` adds all four at once."""
    n = len(pre)
    if n > 256:
        raise ValueError("the byte-drawn bootstrap takes at most 256 learners")
    offset = max([0.0] + [-g for g in g_values])  # g can be below 0: shift it to stay positive
    packed = [round(p * FIXED) | round(q * FIXED) << FIELD
              | (round((g + offset) * FIXED) if c else 0) << 2 * FIELD | c << 3 * FIELD
              for p, q, g, c in zip(pre, post, g_values, g_counts, strict=True)]
    limit = 256 - 256 % n
    modulo = bytes(b % n if b < limit else 0 for b in range(256))
    rejected = bytes(range(limit, 256))
    mask = (1 << FIELD) - 1
    for _ in range(resamples):
        picks = b""
        while len(picks) < n:
            picks += rng.randbytes(n + n // 2).translate(modulo, rejected)
        total = sum(map(packed.__getitem__, picks[:n]))
        with_g = total >> 3 * FIELD
        yield (n, (total & mask) / FIXED, (total >> FIELD & mask) / FIXED,
               ((total >> 2 * FIELD & mask) / FIXED) - offset * with_g, with_g)


def gain_estimates(pairs: Sequence[tuple[float, float]] | None, seed: int = SEED, resamples: int = RESAMPLES,
                   max_n: int = BOOTSTRAP_MAX_N, sums: PairSums | None = None) -> dict[str, Estimate]:
    """Points, relative gain, Hake's g of the means and the mean of learners' g, each with its
    95 % interval, from (pre, post) pairs of scores 0..1. The same scores give the same result,
    so a village's bootstrap is kept (LRU) for the report's next view, file or language.

    Above `max_n` learners only the sums are needed: `sums` may then stand for the pairs
    (`pairs` None), as the database adds them up for a large village (aggregates.py)."""
    if pairs is None:
        if sums is None or sums.n <= max_n:
            raise ValueError("the pairs themselves are needed up to max_n learners (the bootstrap)")
        return _normal_estimates(sums)
    ordered = tuple(sorted(pairs))
    if len(ordered) <= max_n:
        return dict(_bootstrapped(ordered, seed, resamples, max_n))
    return _normal_estimates(PairSums.of(ordered))


def _normal_estimates(m: PairSums) -> dict[str, Estimate]:
    """The four figures with analytic intervals (mean ± 1.96 se; the delta method for ratios)."""
    n = m.n
    values = {name: stat(n, m.sp, m.sq, m.sg, m.ng) for name, stat in STATISTICS.items()}
    relative = ratio_interval_of(n, m.sp, m.sq, m.spp, m.sqq, m.spq)
    # hake = 1 − mean(1−post)/mean(1−pre): the same ratio on the complements, from the same sums
    rest = ratio_interval_of(n, n - m.sp, n - m.sq, n - 2 * m.sp + m.spp, n - 2 * m.sq + m.sqq,
                             n - m.sp - m.sq + m.spq)
    intervals = {
        "points": mean_interval(n, m.sq - m.sp, m.sqq - 2 * m.spq + m.spp),
        "hake_mean": mean_interval(m.ng, m.sg, m.sgg),
        "relative": None if relative is None else (relative[0] - 1, relative[1] - 1),
        "hake": None if rest is None else (1 - rest[1], 1 - rest[0]),
    }
    estimates = {}
    for name in STATISTICS:
        low, high = intervals[name] or (None, None)
        estimates[name] = Estimate(values[name], low, high, n=m.ng if name == "hake_mean" else n,
                                   method="normal" if intervals[name] else "")
    return estimates


@functools.lru_cache(maxsize=4096)  # at most 4,096 × 100 pairs
def _bootstrapped(pairs: tuple[tuple[float, float], ...], seed: int, resamples: int,
                  max_n: int) -> dict[str, Estimate]:
    return _gain_estimates(pairs, seed, resamples, max_n)


def _gain_estimates(pairs: Sequence[tuple[float, float]], seed: int, resamples: int,
                    max_n: int) -> dict[str, Estimate]:
    n = len(pairs)
    pre = [p for p, _ in pairs]
    post = [q for _, q in pairs]
    gs = [learner_g(p, q) for p, q in pairs]
    g_values = [g or 0.0 for g in gs]
    g_counts = [0 if g is None else 1 for g in gs]
    with_g = [g for g in gs if g is not None]
    sums = (n, sum(pre), sum(post), sum(g_values), sum(g_counts))
    values = {name: (stat(*sums) if n else None) for name, stat in STATISTICS.items()}
    sizes = {name: (len(with_g) if name == "hake_mean" else n) for name in STATISTICS}
    intervals: dict[str, tuple[float, float] | None] = dict.fromkeys(STATISTICS)
    method = ""
    if 2 <= n <= max_n:
        method = "bootstrap"
        drawn: dict[str, list] = {name: [] for name in STATISTICS}
        for resample in _resampled_sums(pre, post, g_values, g_counts, random.Random(seed), resamples):
            for name, stat in STATISTICS.items():
                drawn[name].append(stat(*resample))
        for name, found in drawn.items():
            defined = [v for v in found if v is not None]
            if values[name] is not None and len(defined) >= MIN_DEFINED * resamples:
                intervals[name] = percentile_interval(defined)
    estimates = {}
    for name in STATISTICS:
        low, high = intervals[name] or (None, None)
        estimates[name] = Estimate(values[name], low, high, n=sizes[name], method=method if intervals[name] else "")
    return estimates
