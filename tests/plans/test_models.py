import pytest

from plans.models import BasicPolicy, Measure, Plan
from tests.factories import make_measure, make_plan, make_policy, violates_constraint


@pytest.mark.django_db
def test_the_database_refuses_a_plan_that_ends_before_it_starts():
    assert violates_constraint(lambda: Plan.objects.create(slug="p", title="t", start_fy=2024, end_fy=2020))


@pytest.mark.django_db
@pytest.mark.parametrize("start_fy", [1949, 2101])
def test_the_database_refuses_fiscal_years_outside_the_sane_range(start_fy):
    assert violates_constraint(
        lambda: Plan.objects.create(slug="p", title="t", start_fy=start_fy, end_fy=2101)
    )


@pytest.mark.django_db
def test_the_database_refuses_two_policies_with_the_same_number_in_one_plan():
    plan = make_plan()
    make_policy(plan, number=1)

    assert violates_constraint(lambda: BasicPolicy.objects.create(plan=plan, number=1, title="重複"))


@pytest.mark.django_db
def test_policies_of_different_plans_may_share_a_number():
    make_policy(make_plan(slug="a"), number=1)

    assert not violates_constraint(lambda: make_policy(make_plan(slug="b"), number=1))


@pytest.mark.django_db
def test_the_database_refuses_two_measures_with_the_same_number_in_one_policy():
    policy = make_policy(make_plan())
    make_measure(policy, number=2)

    assert violates_constraint(lambda: Measure.objects.create(policy=policy, number=2, title="重複"))


@pytest.mark.django_db
def test_the_database_refuses_policy_number_zero():
    plan = make_plan()

    assert violates_constraint(lambda: BasicPolicy.objects.create(plan=plan, number=0, title="零"))


@pytest.mark.django_db
def test_a_plan_states_its_period_in_the_japanese_calendar_and_western_years():
    plan = make_plan(start_fy=2020, end_fy=2024)

    assert plan.period_label == "令和2年度（2020年度）～令和6年度（2024年度）"
    assert list(plan.fiscal_years) == [2020, 2021, 2022, 2023, 2024]


@pytest.mark.django_db
def test_policies_are_numbered_in_roman_numerals_and_measures_by_policy_and_number():
    policy = make_policy(make_plan(), number=3, title="多様な主体の連携・協働の推進")
    measure = make_measure(policy, number=2)

    assert str(policy) == "基本方針Ⅲ 多様な主体の連携・協働の推進"
    assert measure.code == "3-2"
