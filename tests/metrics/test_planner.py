"""The private-traffic formula both ways, with the playbook's worked example."""

import math

import pytest

from dashboard.metrics.planner import (
    PLAYBOOK_EXAMPLE,
    PlannerInputs,
    actual_inputs,
    followers_needed,
    revenue,
    whole_followers,
)


def test_playbook_worked_example():
    # 7,200 followers × 50% = 3,600 customers; 10% repeat, 10% referral, ¥100 → ¥432,000.
    inputs = PlannerInputs(7_200, 0.5, 0.1, 0.1, 100.0)
    result = revenue(inputs)
    assert result.customers == pytest.approx(3_600)
    assert result.purchases_per_customer == pytest.approx(1.2)
    assert result.value == pytest.approx(432_000)
    assert revenue(PLAYBOOK_EXAMPLE).value == pytest.approx(432_000)


def test_backwards_from_the_example_target():
    needed = followers_needed(432_000, PlannerInputs(None, 0.5, 0.1, 0.1, 100.0))
    assert needed.value == pytest.approx(7_200)
    assert needed.customers == pytest.approx(3_600)
    assert whole_followers(needed.value) == 7_200


@pytest.mark.parametrize(
    ("followers", "arrival", "repeat", "referral", "ticket"),
    [(1_000, 0.3, 0.05, 0.0, 850.0), (12_345, 0.18, 0.25, 0.07, 3_200.0), (1, 1.0, 0.0, 0.0, 1.0)],
)
def test_forwards_and_backwards_are_inverse(followers, arrival, repeat, referral, ticket):
    inputs = PlannerInputs(followers, arrival, repeat, referral, ticket)
    forward = revenue(inputs)
    assert forward.value == pytest.approx(followers * arrival * (1 + repeat + referral) * ticket)
    back = followers_needed(forward.value, inputs)
    assert back.value == pytest.approx(followers)


def test_a_target_above_the_current_plan_needs_more_followers_rounded_up():
    inputs = PlannerInputs(None, 0.5, 0.1, 0.1, 100.0)
    needed = followers_needed(500_000, inputs)
    expected = 500_000 / (0.5 * 1.2 * 100)
    assert needed.value == pytest.approx(expected)
    assert whole_followers(needed.value) == math.ceil(expected)
    assert whole_followers(None) is None


def test_zero_arrival_or_ticket_is_unreachable_not_infinite():
    for inputs in (
        PlannerInputs(None, 0.0, 0.1, 0.1, 100.0),
        PlannerInputs(None, 0.5, 0.1, 0.1, 0),
    ):
        result = followers_needed(10_000, inputs)
        assert result.value is None
        assert result.reason == "unreachable"
    assert followers_needed(0, PlannerInputs(None, 0.0, 0.1, 0.1, 100.0)).value == 0.0


def test_missing_or_negative_inputs_give_a_reason():
    assert revenue(PlannerInputs(7_200, None, 0.1, 0.1, 100.0)).reason == "missing_input"
    assert revenue(PlannerInputs(7_200, 0.5, -0.1, 0.1, 100.0)).reason == "negative_input"
    assert revenue(PlannerInputs(7_200, 0.5, 0.1, 0.1, float("nan"))).reason == "missing_input"
    assert followers_needed(None, PLAYBOOK_EXAMPLE).reason == "missing_input"
    assert followers_needed(-5, PLAYBOOK_EXAMPLE).reason == "negative_input"


def test_actual_inputs_from_counts():
    got = actual_inputs(
        followers=200, arrived=50, customers=40, repeaters=6, referred=2, orders=60, revenue=90_000
    )
    assert got.arrival_rate == pytest.approx(0.25)
    assert got.repeat_rate == pytest.approx(0.15)
    assert got.referral_rate == pytest.approx(0.05)
    assert got.ticket == pytest.approx(1_500)
    empty = actual_inputs(0, 0, 0, 0, 0, 0, 0.0)
    assert empty.arrival_rate is None and empty.ticket is None and empty.repeat_rate is None
    assert revenue(empty).value is None
