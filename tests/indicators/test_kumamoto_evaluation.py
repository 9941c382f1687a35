"""The ten Kumamoto indicators evaluated at FY2020 and FY2021 by the default rule.

Every expected figure was worked out by hand from the seed (baseline, actual, target), e.g. 1-1-1 at FY2021:
達成率 92.43 / 100 = 92.43％; 進捗率 (92.43 − 95.1) / (100 − 95.1) = −2.67 / 4.9 = −54.49％;
expected pace (2021 − 2018) / (2024 − 2018) = 50％; worse than the baseline → × 後退.
"""

from decimal import Decimal

import pytest

from indicators.evaluation import display_percent
from indicators.models import Indicator, evaluate_plan

# code: (達成率, 進捗率, expected pace, grade mark) — rates rounded by hand to one decimal.
FY2020 = {
    "1-1-1": ("91.8", "-67.3", "33.3", "×"),  # 91.8/100; -3.3/4.9; 2/6
    "1-1-2": ("1.1", "-16.8", "33.3", "×"),  # 7/640 = 1.09375; -91/542; 2/6
    "1-2-1": ("0.0", "-191.7", "33.3", "×"),  # 0/70; -46/24
    "2-1-1": ("98.7", "92.5", "33.3", "○"),  # 847/858; 136/147 ≥ 2/6
    "2-1-2": ("71.1", "0.0", "0.0", "－"),  # no baseline: FY2020 is its reference year, not graded
    "2-2-1": ("21.1", "16.7", "20.0", "△"),  # 20/95; 15/90 < 1/5
    "3-1-1": ("436.1", "663.3", "33.3", "◎"),  # 5233/1200; 4749/716; target met
    "3-1-2": ("25.6", "1.4", "33.3", "△"),  # 100/390; 4/294 < 2/6
    "3-2-1": ("48.6", "0.4", "33.3", "△"),  # 24.3/50; 0.1/25.8 < 2/6
    "3-3-1": ("87.9", "-4.4", "33.3", "×"),  # 1367/1555; -8/180
}
FY2021 = {
    "1-1-1": ("92.4", "-54.5", "50.0", "×"),  # 92.43/100; -2.67/4.9; 3/6
    "1-1-2": ("1.7", "-16.1", "50.0", "×"),  # 11/640 = 1.71875; -87/542
    "1-2-1": ("1.4", "-187.5", "50.0", "×"),  # 1/70; -45/24
    "2-1-1": ("82.5", "-2.0", "50.0", "×"),  # 708/858; -3/147
    "2-1-2": ("45.9", "-87.2", "25.0", "×"),  # 45.9/100; (45.9-71.1)/(100-71.1) = -25.2/28.9; 1/4
    "2-2-1": ("45.3", "42.2", "40.0", "○"),  # 43/95; 38/90 ≥ 2/5
    "3-1-1": ("324.5", "476.3", "50.0", "◎"),  # 3894/1200; 3410/716
    "3-1-2": ("69.0", "58.8", "50.0", "○"),  # 269/390 = 68.97; 173/294 ≥ 3/6
    "3-2-1": ("46.2", "-4.3", "50.0", "×"),  # 23.1/50; -1.1/25.8
    "3-3-1": ("87.1", "-11.7", "50.0", "×"),  # 1354/1555; -21/180
}
LABELS = {"◎": "達成", "○": "順調", "△": "遅れ", "×": "後退", "－": "評価対象外"}


@pytest.mark.parametrize(("fy", "expected"), [(2020, FY2020), (2021, FY2021)])
def test_each_kumamoto_indicator_gets_the_hand_worked_rates_and_grade(kumamoto_plan, fy, expected):
    results = {indicator.code: result for indicator, result in evaluate_plan(kumamoto_plan, fy).results}

    assert set(results) == set(expected)
    for code, (achievement, progress, pace, mark) in expected.items():
        result = results[code]
        assert result.fy == fy, code
        assert display_percent(result.achievement_rate) == f"{achievement}％", code
        assert display_percent(result.progress_rate) == f"{progress}％", code
        assert display_percent(result.expected_progress) == f"{pace}％", code
        assert (result.grade.mark, result.grade.label) == (mark, LABELS[mark]), code


def test_rates_are_rounded_once_to_one_decimal_and_kept_so(kumamoto_plan):
    results = {indicator.code: result for indicator, result in evaluate_plan(kumamoto_plan, 2021).results}

    assert results["1-1-1"].achievement_rate == Decimal("92.4")  # 92.43
    assert results["1-1-2"].achievement_rate == Decimal("1.7")  # 11/640 = 1.71875
    assert results["3-1-1"].achievement_rate == Decimal("324.5")
    assert results["1-2-1"].progress_rate == Decimal("-187.5")
    assert results["2-2-1"].progress_rate == Decimal("42.2")  # 38/90 = 42.22…
    assert results["2-2-1"].expected_progress == Decimal("40.0")


def test_an_indicator_without_a_baseline_is_measured_from_its_first_actual(kumamoto_plan):
    result = Indicator.objects.get(code="2-1-2").evaluate(2021)

    assert not result.reference_is_baseline
    assert (result.reference.fy, result.reference.value) == (2020, Decimal("71.1"))


@pytest.mark.parametrize(
    ("fy", "counts"),
    [(2020, {"◎": 1, "○": 1, "△": 3, "×": 4, "－": 1}), (2021, {"◎": 1, "○": 2, "△": 0, "×": 7, "－": 0})],
)
def test_the_whole_plan_rolls_up_to_the_hand_counted_grades(kumamoto_plan, fy, counts):
    result = evaluate_plan(kumamoto_plan, fy)

    assert {grade.mark: count for grade, count in result.counts().items()} == counts


def test_grades_roll_up_per_basic_policy_and_per_measure(kumamoto_plan):
    result = evaluate_plan(kumamoto_plan, 2021)
    policies = {p.number: p.pk for p in kumamoto_plan.policies.all()}

    by_policy = {
        number: {g.mark: c for g, c in result.counts_by_policy()[pk].items() if c}
        for number, pk in policies.items()
    }
    # Ⅰ: 1-1-1 ×, 1-1-2 ×, 1-2-1 ×; Ⅱ: 2-1-1 ×, 2-1-2 ×, 2-2-1 ○; Ⅲ: 3-1-1 ◎, 3-1-2 ○, 3-2-1 ×, 3-3-1 ×
    assert by_policy == {1: {"×": 3}, 2: {"×": 2, "○": 1}, 3: {"◎": 1, "○": 1, "×": 2}}
    measure_3_1 = Indicator.objects.get(code="3-1-1").measure_id
    assert {g.mark: c for g, c in result.counts_by_measure()[measure_3_1].items() if c} == {"◎": 1, "○": 1}


def test_a_plan_evaluation_runs_a_fixed_number_of_queries(kumamoto_plan, django_assert_num_queries):
    # the plan's grade bands, the indicators with measure and policy, their values, their yearly targets
    with django_assert_num_queries(4):
        evaluate_plan(kumamoto_plan, 2021)


def test_projection_follows_the_least_squares_line_through_baseline_and_actuals(kumamoto_plan):
    # 2-2-1: (2019, 5), (2020, 20), (2021, 43): slope 19 a year through the mean (2020, 68/3);
    # in 2024: 68/3 + 19 × 4 = 98.67, and 校区 are counted whole: 99 ≥ 95.
    result = Indicator.objects.get(code="2-2-1").evaluate(2021)

    assert result.projection.fy == 2024
    assert result.projection.value == Decimal("99")
    assert result.projection.meets_target


@pytest.mark.parametrize(
    ("code", "projected"),
    [
        # 1-1-2 (人): (2018, 98), (2020, 7), (2021, 11): slope −31.36 a year, −97.2 in 2024; no fewer than 0 people
        ("1-1-2", Decimal("0")),
        # 2-1-1 (箇所): (2018, 711), (2020, 847), (2021, 708): slope 8.86, 793.7 in 2024; places are whole
        ("2-1-1", Decimal("794")),
        # 2-1-2 (％): (2020, 71.1), (2021, 45.9): −25.2 a year, −29.7 in 2024; no share below 0
        ("2-1-2", Decimal("0.0")),
    ],
)
def test_kumamoto_projections_are_values_the_unit_allows(kumamoto_plan, code, projected):
    assert Indicator.objects.get(code=code).evaluate(2021).projection.value == projected


def test_no_kumamoto_projection_is_negative_fractional_for_counts_or_over_100_percent(kumamoto_plan):
    for indicator in Indicator.objects.all():
        for fy in (2020, 2021):
            projection = indicator.evaluate(fy).projection
            if projection is None:
                continue
            assert projection.value >= 0, (indicator.code, fy)
            if indicator.unit == "％":
                assert projection.value <= 100, (indicator.code, fy)
            else:
                assert projection.value == projection.value.to_integral_value(), (indicator.code, fy)
