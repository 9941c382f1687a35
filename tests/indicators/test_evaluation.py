"""The evaluation arithmetic on its own: plain values in, plain values out, no database."""

from decimal import Decimal as D

import pytest

from indicators.evaluation import (
    ACHIEVED,
    BEHIND,
    NOT_EVALUATED,
    ON_TRACK,
    REGRESSED,
    Band,
    Grade,
    GradingRule,
    Point,
    achievement_rate,
    bounded_projection,
    count_grades,
    display_percent,
    evaluate,
    explanation,
    linear_projection,
    progress_rate,
)

FUKUOKA_BANDS = GradingRule(
    "achievement",
    [
        Band(D(100), "◎", "順調"),
        Band(D(90), "○", "概ね順調"),
        Band(D(80), "△", "やや遅れている"),
        Band(None, "×", "遅れている"),
    ],
)


def run(direction="increase", baseline=(2018, "50"), target=(2024, "100"), actuals=None, fy=2021, **kw):
    return evaluate(
        direction=direction,
        baseline=Point(baseline[0], D(baseline[1])) if baseline else None,
        target=Point(target[0], D(target[1])) if target else None,
        actuals={year: D(value) for year, value in (actuals or {}).items()},
        fy=fy,
        **kw,
    )


def test_achievement_rate_is_actual_over_target_for_increase_indicators():
    assert achievement_rate(D("45"), D("60"), "increase") == D("75")


def test_achievement_rate_inverts_for_lower_is_better_indicators():
    # 60 / 80: the actual must come down to 60
    assert achievement_rate(D("80"), D("60"), "decrease") == D("75")


def test_achievement_rate_of_a_maintain_indicator_is_100_within_tolerance():
    assert achievement_rate(D("99.6"), D("100"), "maintain", D("0.5")) == D("100")


def test_achievement_rate_of_a_maintain_indicator_outside_tolerance_is_actual_over_target():
    assert achievement_rate(D("98"), D("100"), "maintain", D("0.5")) == D("98")


def test_achievement_rate_is_undefined_for_a_zero_actual_when_lower_is_better():
    assert achievement_rate(D("0"), D("5"), "decrease") is None


def test_achievement_rate_is_zero_for_a_zero_actual_when_higher_is_better():
    assert achievement_rate(D("0"), D("70"), "increase") == D("0")


def test_progress_rate_from_a_zero_baseline():
    assert progress_rate(D("5"), D("0"), D("10")) == D("50")


def test_progress_rate_is_undefined_when_the_target_equals_the_reference():
    assert progress_rate(D("48"), D("50"), D("50")) is None


def test_progress_toward_a_lower_target_counts_positive():
    # from 100 down to 60; at 80 half the way is covered
    result = run(direction="decrease", baseline=(2018, "100"), target=(2024, "60"), actuals={2021: "80"})

    assert result.progress_rate == D("50")
    assert result.change == "improved"
    assert result.grade == ON_TRACK  # 50 ≥ (2021-2018)/(2024-2018) = 50


def test_negative_progress_is_a_regression():
    result = run(actuals={2021: "40"})

    assert result.progress_rate == D("-20")  # (40-50)/(100-50)
    assert result.grade == REGRESSED


def test_an_improvement_slower_than_the_calendar_is_behind():
    result = run(actuals={2021: "60"})

    assert result.progress_rate == D("20")
    assert result.expected_progress == D("50")
    assert result.grade == BEHIND


def test_the_reference_year_of_an_indicator_without_a_baseline_is_not_graded():
    result = run(baseline=None, actuals={2020: "30"}, fy=2020)

    assert result.grade == NOT_EVALUATED
    assert explanation(result, "％", "increase", GradingRule()) == "起点の年度のため評価しません。"


def test_an_unchanged_value_a_year_after_the_reference_is_behind():
    result = run(baseline=None, actuals={2020: "30", 2021: "30"}, fy=2021)

    assert result.progress_rate == D("0")
    assert result.expected_progress == D("25.0")  # 1 of the 4 years from 2020 to 2024
    assert result.change == "unchanged"
    assert result.grade == BEHIND


def test_a_target_already_exceeded_is_achieved_with_a_rate_over_100():
    result = run(actuals={2020: "130"})

    assert result.achievement_rate == D("130")
    assert result.grade == ACHIEVED


def test_a_zero_actual_meeting_a_lower_is_better_target_is_achieved():
    result = run(direction="decrease", baseline=(2018, "12"), target=(2024, "0"), actuals={2021: "0"})

    assert result.achievement_rate is None
    assert result.grade == ACHIEVED


def test_a_target_equal_to_the_baseline_is_graded_by_whether_it_holds():
    held = run(baseline=(2018, "50"), target=(2024, "50"), actuals={2021: "50"})
    slipped = run(baseline=(2018, "50"), target=(2024, "50"), actuals={2021: "48"})

    assert held.grade == ACHIEVED
    assert slipped.progress_rate is None
    assert slipped.grade == REGRESSED


def test_a_maintain_indicator_inside_its_tolerance_is_achieved():
    result = run(
        direction="maintain",
        baseline=(2018, "100"),
        target=(2024, "100"),
        actuals={2021: "99.7"},
        tolerance=D("0.5"),
    )

    assert result.achievement_rate == D("100")
    assert result.grade == ACHIEVED


def test_a_maintain_indicator_drifting_away_from_its_target_is_a_regression():
    result = run(direction="maintain", baseline=(2018, "100"), target=(2024, "100"), actuals={2021: "97"})

    assert result.change == "worse"
    assert result.grade == REGRESSED


def test_without_a_baseline_the_earliest_actual_is_the_reference():
    result = run(baseline=None, target=(2024, "100"), actuals={2020: "71.1", 2021: "45.9"})

    assert result.reference == Point(2020, D("71.1"))
    assert not result.reference_is_baseline
    assert result.expected_progress == D("25")  # (2021-2020)/(2024-2020)


def test_without_a_target_the_indicator_is_not_evaluated():
    result = run(target=None, actuals={2021: "60"})

    assert result.grade == NOT_EVALUATED
    assert result.achievement_rate is None
    assert result.change == "improved"


def test_without_any_actual_the_indicator_is_not_evaluated():
    result = run(actuals={})

    assert result.grade == NOT_EVALUATED
    assert result.fy is None


def test_an_evaluation_year_before_the_first_actual_is_not_evaluated():
    result = run(actuals={2022: "80"}, fy=2021)

    assert result.grade == NOT_EVALUATED
    assert result.actual is None


def test_the_latest_actual_at_or_before_the_year_is_used_and_its_year_reported():
    result = run(actuals={2020: "60", 2022: "90"}, fy=2021)

    assert (result.fy, result.actual) == (2020, D("60"))
    assert result.expected_progress == D("33.3")  # 2 of the 6 years, 33.33… rounded


def test_a_projection_needs_two_years():
    assert linear_projection([Point(2020, D("5"))], 2024) is None


def test_a_projection_through_two_points_is_the_straight_line():
    # 10 in 2020, 20 in 2021: 60 in 2025
    assert linear_projection([Point(2020, D("10")), Point(2021, D("20"))], 2025) == D("60")


def test_a_projection_says_whether_the_trend_meets_the_target():
    short = run(baseline=(2020, "10"), target=(2024, "100"), actuals={2021: "20"})
    enough = run(baseline=(2020, "10"), target=(2024, "50"), actuals={2021: "20"})

    assert short.projection.value == D("50")
    assert not short.projection.meets_target
    assert enough.projection.meets_target


@pytest.mark.parametrize(
    ("actual", "mark"),
    [("100", "◎"), ("95", "○"), ("90", "○"), ("89.94", "△"), ("80", "△"), ("79.9", "×"), ("0", "×")],
)
def test_achievement_bands_grade_by_the_first_band_whose_minimum_is_met(actual, mark):
    result = run(target=(2024, "100"), actuals={2021: actual}, rule=FUKUOKA_BANDS)

    assert result.grade.mark == mark


def test_achievement_bands_still_leave_an_indicator_without_a_target_unevaluated():
    assert run(target=None, actuals={2021: "90"}, rule=FUKUOKA_BANDS).grade == NOT_EVALUATED


def test_grade_counts_cover_the_whole_scale_in_order_including_zeros():
    counts = count_grades([REGRESSED, ACHIEVED, REGRESSED], GradingRule())

    assert list(counts.items()) == [
        (ACHIEVED, 1),
        (ON_TRACK, 0),
        (BEHIND, 0),
        (REGRESSED, 2),
        (NOT_EVALUATED, 0),
    ]


def test_grade_counts_follow_a_plans_own_bands():
    counts = count_grades([Grade("○", "概ね順調"), NOT_EVALUATED], FUKUOKA_BANDS)

    assert [(g.mark, n) for g, n in counts.items()] == [("◎", 0), ("○", 1), ("△", 0), ("×", 0), ("－", 1)]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(D("92.43"), "92.4％"), (D("1.05"), "1.1％"), (D("-54.4898"), "-54.5％"), (None, "－")],
)
def test_percentages_are_shown_to_one_decimal_rounded_half_up(value, shown):
    assert display_percent(value) == shown


# Boundaries: the 達成率 is rounded half up to one decimal once, and that figure is printed and graded.
# Increase: actual ÷ 100 × 100 is the actual itself. Decrease: 10000 is the actual, the target t gives t ÷ 10000.
BOUNDARIES = [
    ("79.94", "79.9％", "×"),
    ("79.95", "80.0％", "△"),
    ("89.99", "90.0％", "○"),
    ("99.95", "100.0％", "◎"),
    ("100", "100.0％", "◎"),
]


@pytest.mark.parametrize(("actual", "printed", "mark"), BOUNDARIES)
def test_an_increase_indicator_is_graded_by_the_rate_as_printed(actual, printed, mark):
    result = run(target=(2024, "100"), actuals={2021: actual}, rule=FUKUOKA_BANDS)

    assert display_percent(result.achievement_rate) == printed
    assert result.grade.mark == mark


@pytest.mark.parametrize(("rate", "printed", "mark"), BOUNDARIES)
def test_a_decrease_indicator_is_graded_by_the_rate_as_printed(rate, printed, mark):
    target = str(D(rate) * 100)  # target ÷ 10000 × 100 = rate
    result = run(
        direction="decrease", baseline=(2018, "20000"), target=(2024, target), actuals={2021: "10000"},
        rule=FUKUOKA_BANDS,
    )  # fmt: skip

    assert display_percent(result.achievement_rate) == printed
    assert result.grade.mark == mark


def test_the_reason_sentence_names_the_rounded_rate_and_the_band_it_meets():
    result = run(target=(2024, "100"), actuals={2021: "79.95"}, rule=FUKUOKA_BANDS)

    assert (
        explanation(result, "％", "increase", FUKUOKA_BANDS)
        == "達成率が80.0％で、80％以上のため「やや遅れている」です。"
    )


@pytest.mark.parametrize(("actual", "grade"), [("3325", ON_TRACK), ("3324", BEHIND)])
def test_the_default_rule_compares_the_rounded_progress_with_the_rounded_pace(actual, grade):
    # From 0 (FY2021) to 10000 (FY2024): FY2022 is 1 of 3 years, 33.33… → 33.3; 3325 is 33.25 → 33.3, 3324 → 33.2
    result = run(baseline=(2021, "0"), target=(2024, "10000"), actuals={2022: actual}, fy=2022)

    assert result.expected_progress == D("33.3")
    assert result.grade == grade


@pytest.mark.parametrize(
    ("value", "unit", "may_exceed", "bounded"),
    [
        (D("-97.2"), "人", False, D("0")),
        (D("793.7"), "箇所", False, D("794")),
        (D("793.5"), "校区", False, D("794")),
        (D("-29.7"), "％", False, D("0.0")),
        (D("120.46"), "％", False, D("100.0")),
        (D("120.46"), "％", True, D("120.5")),
        (D("-3.25"), "円", False, D("-3.25")),
    ],
)
def test_a_projection_stays_within_what_its_unit_allows(value, unit, may_exceed, bounded):
    assert bounded_projection(value, unit, may_exceed) == bounded


def test_a_falling_count_is_projected_to_zero_not_below_and_judged_so():
    # 300, 200, 100 people in 2020–2022: the line reaches −100 in 2024, which a count cannot be
    result = run(
        direction="decrease", baseline=(2020, "300"), target=(2024, "0"), actuals={2021: "200", 2022: "100"},
        fy=2022, unit="人",
    )  # fmt: skip

    assert result.projection.value == D("0")
    assert result.projection.meets_target
