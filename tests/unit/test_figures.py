"""The programme's figures on small cases computed by hand, edge cases included."""

import pytest

from app.reports.figures import (
    LearnerFacts,
    district_residents,
    figures,
    internet_at_home,
    learning_gain,
    ratio,
)

AWARE = {"aware-1414": frozenset({0, 1}), "aware-qr": frozenset({0, 1})}


def learner(village="v1", **kwargs):
    kwargs.setdefault("active", True)
    return LearnerFacts(village_id=village, **kwargs)


def test_coverage_and_its_edge_cases():
    assert ratio(3, 10).value == pytest.approx(0.3)
    assert ratio(3, None).value is None and ratio(3, 0).value is None
    people = [learner(), learner(), learner(active=False, levels_enrolled=frozenset({"elementary"}))]
    f = figures(4, people, ["elementary"], AWARE, [])
    assert f.reached == 2  # enrolled but never came: not reached
    assert f.coverage.value == pytest.approx(0.5)
    assert f.enrolled == {"elementary": 1}
    empty = figures(None, [], ["elementary"], AWARE, [])
    assert empty.coverage.value is None and empty.reached == 0


def test_learning_gain_by_hand():
    # pre 0.4 and 0.6 (mean 0.5), post 0.7 and 0.9 (mean 0.8):
    # relative = (0.8 - 0.5) / 0.5 = 0.6 ; Hake = (0.8 - 0.5) / (1 - 0.5) = 0.6
    people = [learner(pre={"e": 0.4}, post={"e": 0.7}), learner(pre={"e": 0.6}, post={"e": 0.9}),
              learner(pre={"e": 0.2}, classes_over=frozenset({"e"})),  # drop-out: class over, no post-test
              learner(pre={"e": 0.3}),  # still in a class: not (yet) a drop-out
              learner(post={"e": 1.0})]  # post only: left out too
    g = learning_gain("e", people)
    assert (g.pairs, g.dropouts) == (2, 1)
    assert g.mean_pre == pytest.approx(0.5) and g.mean_post == pytest.approx(0.8)
    assert g.relative.value == pytest.approx(0.6) and g.hake.value == pytest.approx(0.6)
    assert g.points.value == pytest.approx(0.3) and g.relative.n == 2
    # learners' own g: (0.7 - 0.4) / 0.6 = 0.5 and (0.9 - 0.6) / 0.4 = 0.75: mean 0.625
    assert g.hake_mean.value == pytest.approx(0.625) and g.at_ceiling == 0
    assert g.meets_target is None and g.verdict == "too_few"  # two learners are too few to judge


def test_gain_with_no_post_tests_is_not_enough_data():
    over = frozenset({"e"})
    g = learning_gain("e", [learner(pre={"e": 0.5}, classes_over=over), learner(pre={"e": 0.7}, classes_over=over)])
    assert g.pairs == 0 and g.dropouts == 2
    assert g.mean_pre is None and g.relative.value is None and g.hake.value is None and g.meets_target is None
    assert g.verdict == "no_data" and g.dropout_rate.value == 1.0 and g.pre_dropouts == pytest.approx(0.6)


def test_gain_when_everyone_scored_full_marks_before():
    g = learning_gain("e", [learner(pre={"e": 1.0}, post={"e": 1.0})])
    assert g.relative.value == pytest.approx(0.0) and g.hake.value is None  # Hake undefined at 100 %
    assert g.hake_mean.value is None and g.hake_mean.n == 0 and g.at_ceiling == 1


def test_gain_when_the_pretest_mean_is_zero():
    g = learning_gain("e", [learner(pre={"e": 0.0}, post={"e": 0.5})])
    assert g.relative.value is None and g.hake.value == pytest.approx(0.5)


def test_learner_in_two_classes_counts_once():
    twice = learner(levels_enrolled=frozenset({"elementary", "intermediate"}),
                    pre={"elementary": 0.5}, post={"elementary": 0.75})
    f = figures(10, [twice], ["elementary", "intermediate"], AWARE, [])
    assert f.reached == 1 and f.coverage.value == pytest.approx(0.1)
    assert f.enrolled == {"elementary": 1, "intermediate": 1}
    assert f.finished == {"elementary": 1, "intermediate": 0}
    assert f.gains["elementary"].pairs == 1 and f.gains["intermediate"].pairs == 0


def test_internet_at_home_shares():
    people = [learner(intake={"internet-home": [0]}), learner(intake={"internet-home": [1]}),
              learner(intake={"internet-home": [1]}), learner(intake={"internet-home": [2]}),
              learner(intake={}), learner()]
    net = internet_at_home(people)
    assert net.answered == 4 and net.counts == (1, 2, 1)
    assert net.shares == pytest.approx((0.25, 0.5, 0.25))
    assert internet_at_home([]).shares == ()


def test_problems_by_category():
    f = figures(10, [], [], {}, [("connectivity", "open"), ("connectivity", "solved"), ("documents", "open")])
    assert f.problems == {"connectivity": (1, 1), "documents": (1, 0)}


def test_district_coverage_leaves_out_villages_without_residents():
    residents, counted = district_residents([("a", 100), ("b", None), ("c", 50)])
    assert residents == 150 and counted == {"a", "c"}
    people = [learner("a"), learner("b"), learner("c"), learner("c")]
    f = figures(residents, people, [], {}, [], counted_villages=counted)
    assert f.reached == 4 and f.coverage.numerator == 3 and f.coverage.value == pytest.approx(0.02)
    assert district_residents([("b", None)]) == (None, set())


def test_a_target_is_judged_on_the_interval_and_on_enough_learners():
    # every learner 0.5 -> 0.7 (+40 %): no spread, so the interval is the point itself
    twenty = [learner(pre={"e": 0.5}, post={"e": 0.7}) for _ in range(20)]
    g = learning_gain("e", twenty)
    assert (g.relative.low, g.relative.high) == (pytest.approx(0.4), pytest.approx(0.4))
    assert g.verdict == "met" and g.meets_target is True
    assert learning_gain("e", twenty[:19]).verdict == "too_few"
    weak = [learner(pre={"e": 0.5}, post={"e": 0.6}) for _ in range(20)]  # +20 %
    assert learning_gain("e", weak).verdict == "not_met" and learning_gain("e", weak).meets_target is False
    # half 0.5 -> 0.5, half 0.5 -> 0.9: +40 % on average, but the interval holds +30 %
    mixed = [learner(pre={"e": 0.5}, post={"e": 0.5 if i % 2 else 0.9}) for i in range(20)]
    g = learning_gain("e", mixed)
    assert g.relative.value == pytest.approx(0.4) and g.relative.low < 0.3 < g.relative.high
    assert g.verdict == "unclear" and g.meets_target is None


def _random_learners(rng, n, villages=("v1", "v2", "v3")):
    from datetime import date
    people = []
    for _ in range(n):
        pre = {lv: rng.randrange(11) / 10 for lv in ("e", "i") if rng.random() < 0.7}
        post = {lv: rng.randrange(11) / 10 for lv in ("e", "i") if rng.random() < 0.5}
        answers = [None, [0], [1], [0, 1], []]
        people.append(learner(
            village=rng.choice(villages), active=rng.random() < 0.9,
            levels_enrolled=frozenset(lv for lv in ("e", "i") if rng.random() < 0.5),
            classes_over=frozenset(lv for lv in ("e", "i") if rng.random() < 0.3),
            pre=pre, post=post, pre_on={lv: date(2026, 10, rng.randrange(1, 29)) for lv in pre},
            pre_form={lv: rng.choice("AB") for lv in pre}, post_form={lv: rng.choice("AB") for lv in post},
            intake={k: v for k, v in {"aware-1414": rng.choice(answers), "aware-qr": rng.choice(answers),
                                      "internet-home": rng.choice([None, [0], [1], [2], [7]])}.items() if v is not None},
            exit={k: v for k, v in {"aware-1414": rng.choice(answers), "aware-qr": rng.choice(answers)}.items()
                  if v is not None} or None,
            intake_source=rng.choice([None, "own", "paper"]), exit_source=rng.choice([None, "own", "paper"])))
    return people


@pytest.mark.parametrize("seed", range(5))
def test_village_tallies_merged_give_the_district_figures(seed):
    """The district report adds up its villages' tallies instead of holding every learner: the
    result must be the figures computed over all the learners at once (random learners, both
    the bootstrap and the analytic intervals)."""
    import random
    from datetime import date

    from app.reports.figures import Tally
    rng = random.Random(seed)
    people = _random_learners(rng, 60 if seed % 2 else 400)
    levels, today = ["e", "i"], date(2026, 12, 6)
    whole = figures(1000, people, levels, AWARE, [("net", "open")], counted_villages={"v1", "v3"}, as_of=today)
    district = Tally(levels, AWARE, today)
    for village in ("v3", "v1", "v2"):  # not in the learners' order
        district.merge(Tally(levels, AWARE, today).add_all(p for p in people if p.village_id == village))
    merged = district.figures(1000, [("net", "open")], counted_villages={"v1", "v3"})
    assert merged.reached == whole.reached and merged.coverage == whole.coverage
    assert merged.enrolled == whole.enrolled and merged.finished == whole.finished
    assert merged.awareness == whole.awareness and merged.awareness_all == whole.awareness_all
    assert merged.internet == whole.internet and merged.survey_sources == whole.survey_sources
    assert merged.problems == whole.problems
    for lv in levels:
        a, b = merged.gains[lv], whole.gains[lv]
        assert (a.pairs, a.dropouts, a.started, a.post_only, a.at_ceiling) == \
            (b.pairs, b.dropouts, b.started, b.post_only, b.at_ceiling)
        for name in ("mean_pre", "mean_post", "pre_dropouts", "pre_started", "points_all"):
            assert getattr(a, name) == pytest.approx(getattr(b, name))
        for name in ("points", "relative", "hake", "hake_mean"):
            x, y = getattr(a, name), getattr(b, name)
            assert (x.n, x.method) == (y.n, y.method)
            assert (x.value, x.low, x.high) == pytest.approx((y.value, y.low, y.high), nan_ok=True)
        assert merged.forms[lv].verdict == whole.forms[lv].verdict
        assert merged.forms[lv].cells.keys() == whole.forms[lv].cells.keys()
        for key, cell in whole.forms[lv].cells.items():
            assert merged.forms[lv].cells[key].n == cell.n
            assert merged.forms[lv].cells[key].mean == pytest.approx(cell.mean)
