"""The coverage planner's arithmetic (app/reports/coverage.py), on cases computed by hand."""

import pytest

from app.reports.coverage import Plan, furthest_first, people_for_target, plan


def test_a_village_computed_by_hand():
    # 1,001 adults: 50 % is 500.5, so 501 people; 180 reached, 321 to go; two classes of 12 seats.
    p = plan(1001, 180, 24)
    assert (p.target, p.to_reach, p.short_after) == (501, 321, 297)
    assert p.share_of_target == pytest.approx(180 / 501)


@pytest.mark.parametrize(("residents", "target"), [(1, 1), (2, 1), (3, 2), (400, 200), (401, 201), (12345, 6173)])
def test_target_is_the_smallest_whole_half_or_more(residents, target):
    assert people_for_target(residents) == target


def test_met_target_and_enough_seats_never_go_below_zero():
    p = plan(100, 70, 30)
    assert (p.target, p.to_reach, p.short_after, p.share_of_target) == (50, 0, 0, 1.0)
    q = plan(100, 40, 30)  # 10 to reach, 30 seats: nobody short
    assert (q.to_reach, q.short_after) == (10, 0)


@pytest.mark.parametrize("residents", [None, 0])
def test_no_residents_entered_has_no_target(residents):
    p = plan(residents, 12, 10)
    assert (p.target, p.to_reach, p.short_after, p.share_of_target) == (None, None, None, None)


@pytest.mark.parametrize(("residents", "reached", "seats"), [(-1, 0, 0), (10, -1, 0), (10, 0, -5)])
def test_negative_numbers_are_refused(residents, reached, seats):
    with pytest.raises(ValueError):
        plan(residents, reached, seats)


def test_furthest_from_the_target_first_and_unknown_last():
    rows = [("unknown", plan(None, 5, 0)), ("met", plan(100, 60, 0)), ("half-way", plan(200, 50, 12)),
            ("nobody", plan(300, 0, 24)), ("small-nobody", plan(10, 0, 0))]
    order = [name for name, _ in furthest_first(rows)]
    # share of target: nobody 0 (150 to reach) before small-nobody 0 (5 to reach), half-way 0.5, met 1.0
    assert order == ["nobody", "small-nobody", "half-way", "met", "unknown"]
    assert isinstance(rows[0][1], Plan)
