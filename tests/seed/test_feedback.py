"""Visit feedback and staff training."""

from __future__ import annotations


def test_scores_skew_high_with_problems_named_when_low(small):
    fb = small["feedback"]
    assert fb["score"].between(1, 5).all()
    assert fb["score"].mean() > 4.0
    low = fb["score"] <= 3
    assert fb.loc[low, "problem_category"].notna().all()
    assert fb.loc[~low, "problem_category"].isna().all()
    assert 0.003 < fb["is_complaint"].mean() < 0.05
    assert (fb.loc[fb["is_complaint"], "score"] <= 3).all()


def test_feedback_comes_after_a_visit(small):
    fb, customers = small["feedback"], small["customers"].set_index("customer_id")
    first_visit = customers.loc[fb["customer_id"], "first_visit_on"].to_numpy()
    assert (fb["submitted_at"].to_numpy() >= first_visit).all()


def test_clinics_differ_in_satisfaction(default):
    fb = default["feedback"]
    by_clinic = fb.groupby("clinic_id")["score"].mean()
    assert by_clinic.max() - by_clinic.min() > 0.2


def test_training_hours_per_staff_per_month(small):
    training, clinics = small["staff_training"], small["clinics"].set_index("clinic_id")
    monthly = training.groupby(["clinic_id", training["date"].dt.to_period("M")])["hours"].sum()
    per_head = monthly / clinics["staff"].reindex(monthly.index.get_level_values(0)).to_numpy()
    assert 1 < per_head.median() < 12
    assert (training["date"].dt.day_of_week < 5).all()
