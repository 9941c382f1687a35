from decimal import Decimal

import pytest

from indicators.models import Indicator, IndicatorValue, without_trailing_zeros
from tests.factories import make_indicator, make_measure, make_plan, make_policy, violates_constraint


@pytest.fixture
def measure(db):
    return make_measure(make_policy(make_plan()))


def indicator_fields(measure, **overrides):
    fields = {
        "plan": measure.policy.plan,
        "measure": measure,
        "code": "1-1-1",
        "name": "指標",
        "unit": "％",
        "direction": "increase",
    }
    return fields | overrides


def test_the_database_refuses_a_baseline_year_without_a_value(measure):
    assert violates_constraint(
        lambda: Indicator.objects.create(**indicator_fields(measure, baseline_fy=2018))
    )


def test_the_database_refuses_a_target_value_without_a_year(measure):
    assert violates_constraint(
        lambda: Indicator.objects.create(**indicator_fields(measure, target_value=Decimal("100")))
    )


def test_an_indicator_may_have_no_baseline_and_no_target(measure):
    assert not violates_constraint(lambda: Indicator.objects.create(**indicator_fields(measure)))


def test_the_database_refuses_an_unknown_direction(measure):
    assert violates_constraint(
        lambda: Indicator.objects.create(**indicator_fields(measure, direction="sideways"))
    )


def test_the_database_refuses_two_indicators_with_the_same_code_in_one_plan(measure):
    make_indicator(measure, code="1-1-1")
    other_measure = make_measure(measure.policy, number=2)

    assert violates_constraint(lambda: make_indicator(other_measure, code="1-1-1"))


def test_the_database_refuses_two_actuals_for_the_same_year(measure):
    indicator = make_indicator(measure, actuals={2020: "91.8"})

    assert violates_constraint(
        lambda: IndicatorValue.objects.create(indicator=indicator, fiscal_year=2020, value=Decimal("92"))
    )


def test_the_database_refuses_an_actual_in_an_absurd_year(measure):
    indicator = make_indicator(measure)

    assert violates_constraint(
        lambda: IndicatorValue.objects.create(indicator=indicator, fiscal_year=20201, value=Decimal("1"))
    )


def test_values_read_back_from_the_database_as_written(measure):
    make_indicator(
        measure, baseline=(2018, "95.1"), target=(2024, "100"), actuals={2020: "91.8", 2021: "92.43"}
    )

    indicator = Indicator.objects.get()

    assert [str(v) for v in (indicator.baseline_value, indicator.target_value)] == ["95.1", "100"]
    assert [str(v.value) for v in indicator.values.all()] == ["91.8", "92.43"]


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("92.4300", "92.43"),
        ("100.0000", "100"),
        ("5233", "5233"),
        ("0.0000", "0"),
        ("0.0500", "0.05"),
        ("-1.50", "-1.5"),
    ],
)
def test_without_trailing_zeros_drops_only_the_storage_scale(stored, written):
    assert str(without_trailing_zeros(Decimal(stored))) == written
