"""Yearly targets (年度目標): a year that has one is graded against it, under both methods.

The indicator of these tests: 人, to increase, baseline 100 (FY2019), target 200 (FY2024), yearly targets
150 (FY2021, stricter than the straight line's 140) and 155 (FY2022, looser than its 160). Every expected
figure is worked out by hand in the comment beside it.
"""

from decimal import Decimal as D

import pytest

from indicators.evaluation import (
    BEHIND,
    ON_TRACK,
    Band,
    Grade,
    GradingRule,
    Point,
    evaluate,
    explanation,
    yearly_target_year_problem,
)

ACTUALS = {2020: D(120), 2021: D(145), 2022: D(157), 2023: D(170)}
TARGETS = {2021: D(150), 2022: D(155)}
BANDS = GradingRule(
    "achievement", [Band(D(100), "◎", "達成"), Band(D(80), "○", "概ね達成"), Band(None, "△", "未達成")]
)


PACE = GradingRule()


def graded(fy, rule=PACE, yearly=TARGETS, direction="increase", **kw):
    values = {
        "baseline": Point(2019, D(100)),
        "target": Point(2024, D(200)),
        "actuals": ACTUALS,
        "unit": "人",
    } | kw
    return evaluate(direction=direction, fy=fy, rule=rule, yearly_targets=yearly, **values)


def test_a_year_without_a_yearly_target_is_paced_by_the_straight_line():
    # FY2020: progress (120−100)/(200−100) = 20.0 %, expected (2020−2019)/(2024−2019) = 20.0 %: on track
    result = graded(2020)
    assert result.yearly_target is None and result.yearly_achievement_rate is None
    assert (result.progress_rate, result.expected_progress, result.grade) == (D("20.0"), D("20.0"), ON_TRACK)


def test_a_year_behind_its_stricter_yearly_target_is_behind_though_ahead_of_the_straight_line():
    # FY2021: the line expects 40 % (140 人) and 145 人 is 45 %, but the year's target is 150 人
    result = graded(2021)
    assert result.yearly_target == Point(2021, D(150))
    assert result.yearly_achievement_rate == D("96.7")  # 145 / 150 = 96.66…
    assert result.expected_progress == D("50.0")  # (150 − 100) / (200 − 100)
    assert result.grade == BEHIND
    assert graded(2021, yearly={}).grade == ON_TRACK  # the same year, without its yearly target
    assert explanation(result, "人", "increase", GradingRule()) == (
        "実績値145人が2021年度の目標値150人に届いていないため「遅れ」です。"
    )


def test_a_year_that_reaches_its_looser_yearly_target_is_on_track_though_behind_the_straight_line():
    # FY2022: 157 人 is 57 % against the line's 60 %, but reaches the year's target of 155 人
    result = graded(2022)
    assert result.yearly_achievement_rate == D("101.3")  # 157 / 155 = 101.29…
    assert result.grade == ON_TRACK
    assert graded(2022, yearly={}).grade == BEHIND
    assert explanation(result, "人", "increase", GradingRule()) == (
        "実績値157人が2022年度の目標値155人に達しているため「順調」です。"
    )


def test_the_band_method_grades_a_year_with_a_yearly_target_by_the_rate_against_it():
    # FY2021: 96.7 % of the year's 150 → ○ (against the final 200 it would be 72.5 % → △)
    # FY2022: 101.3 % of 155 → ◎ (78.5 % → △); FY2023 has no yearly target: 170 / 200 = 85.0 % → ○
    assert graded(2021, BANDS).grade == Grade("○", "概ね達成")
    assert graded(2021, BANDS, yearly={}).grade == Grade("△", "未達成")
    assert graded(2022, BANDS).grade == Grade("◎", "達成")
    result = graded(2023, BANDS)
    assert (result.yearly_target, result.achievement_rate, result.grade) == (
        None,
        D("85.0"),
        Grade("○", "概ね達成"),
    )
    assert explanation(graded(2021, BANDS), "人", "increase", BANDS) == (
        "2021年度の目標値150人に対する達成率が96.7％で、80％以上のため「概ね達成」です。"
    )


def test_a_yearly_target_of_a_decrease_indicator_is_met_by_coming_down_to_it():
    # 件, baseline 50, target 20 in FY2024, FY2022's target 35; the actual 34 reaches it:
    # 達成率 35 / 34 = 102.94… → 102.9 %; the line would expect 60 % and 34 is (34−50)/(20−50) = 53.3 %
    kw = {
        "baseline": Point(2019, D(50)),
        "target": Point(2024, D(20)),
        "actuals": {2022: D(34)},
        "unit": "件",
    }
    result = graded(2022, yearly={2022: D(35)}, direction="decrease", **kw)
    assert (result.yearly_achievement_rate, result.grade) == (D("102.9"), ON_TRACK)
    assert graded(2022, yearly={}, direction="decrease", **kw).grade == BEHIND
    assert graded(2022, yearly={2022: D(33)}, direction="decrease", **kw).grade == BEHIND


def test_the_year_graded_is_that_of_the_actual_used():
    # Asked at FY2022 with no FY2022 actual, the FY2021 actual is graded against FY2021's target
    result = graded(2022, actuals={2020: D(120), 2021: D(151)})
    assert (result.fy, result.yearly_target, result.grade) == (2021, Point(2021, D(150)), ON_TRACK)


@pytest.mark.parametrize(
    ("fy", "message"),
    [
        (2019, "年度目標の年度（2019年度）は計画期間（2020～2024年度）の中にしてください。"),
        (
            2024,
            "年度目標の年度（2024年度）は目標値の年度（2024年度）より前にしてください。目標年度の目標は目標値です。",
        ),
    ],
)
def test_a_yearly_target_must_fall_in_the_plan_before_the_target_year(fy, message):
    assert yearly_target_year_problem(2020, 2024, 2018, 2024, fy) == message


def test_a_yearly_target_must_come_after_the_baseline_year_and_needs_a_final_target():
    assert yearly_target_year_problem(2020, 2024, 2021, 2024, 2021) == (
        "年度目標の年度（2021年度）は基準値の年度（2021年度）より後にしてください。"
    )
    assert yearly_target_year_problem(2020, 2024, None, None, 2022) == (
        "目標値（最終の目標）がない成果指標には年度目標を設定できません。"
    )
    assert yearly_target_year_problem(2020, 2024, 2018, 2024, 2023) is None
