"""The final evaluation (最終評価) and the mid-term one (中間評価): plain values, no database.

Every indicator here is of our own making; the expected grades, changes and shares are worked out by hand in
the comments beside them.
"""

from decimal import Decimal as D

from indicators import final
from indicators.evaluation import Band, GradingRule, Point, evaluate

TREND = final.FinalRule()  # tolerance 5 %


def final_grade(
    direction="increase",
    baseline=(2019, 100),
    target=(2024, 200),
    actuals=None,
    fy=2024,
    rule=TREND,
    unit="人",
):
    result = evaluate(
        direction=direction,
        baseline=Point(baseline[0], D(baseline[1])) if baseline else None,
        target=Point(target[0], D(target[1])) if target else None,
        actuals={year: D(str(value)) for year, value in (actuals or {}).items()},
        fy=fy,
        rule=GradingRule(),
        unit=unit,
    )
    return final.final_evaluation(result, rule, unit)


def test_a_met_target_is_a():
    result = final_grade(actuals={2024: 210})
    assert (result.grade, result.change_percent) == (final.A, D("110.0"))  # (210 − 100) / 100
    assert result.reason == "実績値210人が目標値に達しているため「A」です。"


def test_an_improvement_beyond_the_tolerance_without_the_target_is_b():
    result = final_grade(actuals={2024: 150})
    assert (result.grade, result.change_percent) == (final.B, D("50.0"))
    assert (
        result.reason
        == "基準値100人から実績値150人への変化が+50.0％で、±5％を超えて改善しているため「B」です。"
    )


def test_a_change_within_the_tolerance_either_way_is_c():
    # +4.0 %; a decrease indicator that rose from 40 to 41.9: +4.75 % → +4.8 %, worse but within 5 %
    assert final_grade(actuals={2024: 104}).grade == final.C
    assert final_grade(actuals={2024: 105}).grade == final.C  # exactly 5.0 %: within
    assert final_grade(actuals={2024: 105.1}).grade == final.B  # 5.1 %
    rose = final_grade("decrease", (2019, 40), (2024, 30), {2024: 41.9}, unit="件")
    assert (rose.grade, rose.change_percent) == (final.C, D("4.8"))
    assert rose.reason == "基準値40件から実績値41.9件への変化が+4.8％で、±5％の範囲内のため「C」です。"


def test_a_worsening_beyond_the_tolerance_is_d():
    result = final_grade("decrease", (2019, 40), (2024, 30), {2024: 44}, unit="件")
    assert (result.grade, result.change_percent) == (final.D, D("10.0"))
    assert (
        result.reason
        == "基準値40件から実績値44件への変化が+10.0％で、±5％を超えて悪化しているため「D」です。"
    )


def test_nothing_to_compare_with_no_target_or_no_actual_is_e():
    # no baseline and one actual: the actual is its own reference
    assert final_grade(baseline=None, target=(2024, 50), actuals={2024: 45}).grade == final.E
    assert final_grade(target=None, actuals={2024: 150}).grade == final.E
    assert final_grade(actuals={}).grade == final.E
    # without a baseline, the first actual is the reference: 40 → 45 is +12.5 %
    assert final_grade(baseline=None, target=(2024, 50), actuals={2021: 40, 2024: 45}).change_percent == D(
        "12.5"
    )


def test_a_mid_term_improvement_whose_trend_misses_the_target_is_b_star():
    # At FY2022: the line through (2019, 100), (2020, 110), (2022, 120) has slope 30 / 4.667 = 6.43 and
    # reaches 110 + 6.43 × 3.667 = 133.6 → 134 人 in FY2024, short of 200
    result = final_grade(actuals={2020: 110, 2022: 120, 2024: 150}, fy=2022)
    assert (result.grade, result.change_percent) == (final.B_STAR, D("20.0"))
    assert "今の傾向が続くと2024年度に134人となり目標値に届かない見込み" in result.reason


def test_a_mid_term_improvement_on_course_for_the_target_is_b():
    # (2019, 100), (2020, 130), (2021, 160): slope 30, 250 人 in FY2024 ≥ 200
    assert final_grade(actuals={2020: 130, 2021: 160}, fy=2021).grade == final.B


def test_the_tolerance_is_the_plans_own():
    rule = final.FinalRule(tolerance_percent=D(10))
    assert final_grade(actuals={2024: 108}, rule=rule).grade == final.C  # +8.0 % within 10 %
    assert final_grade(actuals={2024: 108}).grade == final.B


def test_the_achievement_method_applies_bands_to_the_rate_against_the_final_target():
    bands = [Band(D(100), "A", "達成"), Band(D(80), "B", "概ね達成"), Band(None, "C", "未達成")]
    rule = final.FinalRule("achievement", bands=bands)
    result = final_grade(actuals={2024: 150}, rule=rule)  # 150 / 200 = 75.0 %
    assert (
        result.grade.mark == "C" and result.reason == "目標値に対する達成率が75.0％のため「C 未達成」です。"
    )
    assert final_grade(actuals={2024: 170}, rule=rule).grade.mark == "B"  # 85.0 %
    # no bands of its own: the yearly grading's bands, passed beside the rule (170 / 200 = 85.0 % → B)
    result = evaluate(
        direction="increase", baseline=None, target=Point(2024, D(200)), actuals={2024: D(170)}, fy=2024
    )
    graded = final.final_evaluation(result, final.FinalRule("achievement"), "人", bands)
    assert (graded.grade.mark, graded.grade.label) == ("B", "概ね達成")


def test_counts_and_shares_are_each_rounded_over_all_indicators():
    # 7 indicators: A 1, B 1, C 2, D 1, E 2 → 1/7 = 14.29 → 14.3 %, 2/7 = 28.57 → 28.6 %
    grades = [final.A, final.B, final.C, final.C, final.D, final.E, final.E]
    counts = {c.grade.mark: (c.count, c.share) for c in final.count_grades(grades, final.grade_scale(TREND))}
    assert counts == {
        "A": (1, D("14.3")),
        "B": (1, D("14.3")),
        "B*": (0, D("0.0")),
        "C": (2, D("28.6")),
        "D": (1, D("14.3")),
        "E": (2, D("28.6")),
    }
    assert [c.share for c in final.count_grades([], final.grade_scale(TREND))] == [None] * 6
