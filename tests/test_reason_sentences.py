"""The grade reason sentences in both languages: whole sentences from the catalogue, the figures filled in.

The Japanese is what every publication stores, so it must read exactly as it always has; the English pages
build the same sentences again from a publication's stored numbers. Every expected sentence is worked out by
hand in the comments beside it.
"""

from decimal import Decimal as D

import pytest
from django.utils import translation

from indicators import evaluation, final
from indicators.evaluation import Band, GradingRule, Point
from publications import document

BANDS = [Band(D(100), "◎", "達成"), Band(D(80), "○", "概ね達成"), Band(None, "△", "未達成")]
PACE = GradingRule()
BY_ACHIEVEMENT = GradingRule("achievement", BANDS)
ENGLISH_UNITS = {"人": "people", "件": "cases", "％": None}


def evaluated(
    direction="increase",
    baseline=(2019, 100),
    target=(2024, 200),
    actuals=None,
    fy=2024,
    rule=PACE,
    unit="人",
    yearly_targets=None,
):
    return evaluation.evaluate(
        direction=direction,
        baseline=Point(baseline[0], D(str(baseline[1]))) if baseline else None,
        target=Point(target[0], D(str(target[1]))) if target else None,
        actuals={year: D(str(value)) for year, value in (actuals or {}).items()},
        fy=fy,
        rule=rule,
        unit=unit,
        yearly_targets={year: D(str(value)) for year, value in (yearly_targets or {}).items()},
    )


# (case, evaluate() arguments, the English, the Japanese) for the yearly grade's reason
YEARLY = [
    (
        "no actual yet",
        {"actuals": {}},
        "There is no actual yet as of the end of this year, so it is not assessed.",
        "この年度末までの実績値がまだないため、評価の対象外です。",
    ),
    (
        "the starting year",  # no baseline: the first actual is the reference, and FY2020 is that year
        {"baseline": None, "actuals": {2020: 5}, "fy": 2020},
        "This year is the starting point, so it is not assessed.",
        "起点の年度のため評価しません。",
    ),
    (
        "achieved",  # 5,233 ≥ 5,000
        {"baseline": (2019, 4000), "target": (2024, 5000), "actuals": {2024: 5233}},
        "The actual, 5,233 people, has reached the target, so the grade is “Achieved”.",
        "実績値5,233人が目標値に達しているため「達成」です。",
    ),
    (
        "fallen below the baseline",  # higher is better: 100 → 90
        {"actuals": {2022: 90}, "fy": 2022},
        "The actual, 90 people, has fallen below the baseline, 100 people, so the grade is “Declined”.",
        "実績値90人が基準値100人より下がっているため「後退」です。",
    ),
    (
        "risen above the baseline",  # lower is better: 40 → 44
        {
            "direction": "decrease",
            "baseline": (2019, 40),
            "target": (2024, 30),
            "actuals": {2022: 44},
            "fy": 2022,
        }
        | {"unit": "件"},
        "The actual, 44 cases, has risen above the baseline, 40 cases, so the grade is “Declined”.",
        "実績値44件が基準値40件より上がっているため「後退」です。",
    ),
    (
        "further from the target to maintain",  # 98 is 2 from 100; 11 is 89 from it
        {
            "direction": "maintain",
            "baseline": (2019, 98),
            "target": (2024, 100),
            "actuals": {2022: 11},
            "fy": 2022,
        },
        "The actual, 11 people, is further from the target than the baseline, 98 people, so the grade is “Declined”.",
        "実績値11人が基準値98人よりも目標値から離れているため「後退」です。",
    ),
    (
        "unchanged",  # 100 → 100
        {"actuals": {2022: 100}, "fy": 2022},
        "The actual, 100 people, has not changed from the baseline, 100 people, so the grade is “Behind”.",
        "実績値100人が基準値100人から変わっていないため「遅れ」です。",
    ),
    (
        "on pace",  # progress (170 − 100) / (200 − 100) = 70.0 %; time (2022 − 2019) / (2024 − 2019) = 60.0 %
        {"actuals": {2022: 170}, "fy": 2022},
        "The progress from the baseline to the target, 70.0%, is at or above the expected pace for the time "
        "passed, 60.0%, so the grade is “On track”.",
        "基準値から目標値までの進捗率70.0％が、期間の経過に応じた目安60.0％以上のため「順調」です。",
    ),
    (
        "behind the pace from the first actual",  # from (2020, 100): 20 / 100 = 20.0 %; time 2 / 4 = 50.0 %
        {"baseline": None, "actuals": {2020: 100, 2022: 120}, "fy": 2022},
        "The progress from the first actual to the target, 20.0%, is below the expected pace for the time "
        "passed, 50.0%, so the grade is “Behind”.",
        "最初の実績値から目標値までの進捗率20.0％が、期間の経過に応じた目安50.0％に届いていないため「遅れ」です。",
    ),
    (
        "the year's own target reached",  # 115 ≥ FY2022's 115
        {"actuals": {2022: 115}, "fy": 2022, "yearly_targets": {2022: 115}},
        "The actual, 115 people, has reached the FY2022 target of 115 people, so the grade is “On track”.",
        "実績値115人が2022年度の目標値115人に達しているため「順調」です。",
    ),
    (
        "the year's own target missed",  # 105 < FY2022's 115
        {"actuals": {2022: 105}, "fy": 2022, "yearly_targets": {2022: 115}},
        "The actual, 105 people, has not reached the FY2022 target of 115 people, so the grade is “Behind”.",
        "実績値105人が2022年度の目標値115人に届いていないため「遅れ」です。",
    ),
    (
        "a band of the plan's",  # 46.2 / 50 = 92.4 % ≥ 80: the plan's ○ 概ね達成 keeps its label
        {
            "baseline": None,
            "target": (2024, 50),
            "actuals": {2024: 46.2},
            "rule": BY_ACHIEVEMENT,
            "unit": "％",
        },
        "The achievement rate is 92.4%, which is 80% or more, so the grade is “概ね達成”.",
        "達成率が92.4％で、80％以上のため「概ね達成」です。",
    ),
    (
        "the lowest band against the year's own target",  # 30 / FY2022's 40 = 75.0 %, short of 80
        {
            "baseline": None,
            "target": (2024, 50),
            "actuals": {2022: 30},
            "fy": 2022,
            "yearly_targets": {2022: 40},
        }
        | {"rule": BY_ACHIEVEMENT, "unit": "％"},
        "The achievement rate against the FY2022 target of 40% is 75.0%, which reaches no other band, so the "
        "grade is “未達成”.",
        "2022年度の目標値40％に対する達成率が75.0％で、ほかの区分に届かないため「未達成」です。",
    ),
    (
        "a band named like a built-in grade",  # 52 / 50 = 104.0 % ≥ 100: ◎ 達成 is the built-in Achieved
        {"baseline": None, "target": (2024, 50), "actuals": {2024: 52}, "rule": BY_ACHIEVEMENT, "unit": "％"},
        "The achievement rate is 104.0%, which is 100% or more, so the grade is “Achieved”.",
        "達成率が104.0％で、100％以上のため「達成」です。",
    ),
]

TREND = final.FinalRule()  # tolerance 5 %
FINAL_BANDS = [Band(D(100), "A", "達成"), Band(D(80), "B", "概ね達成"), Band(None, "C", "未達成")]

# (case, evaluate() arguments, the final rule, the English, the Japanese) for the final grade's reason
FINAL = [
    (
        "no actual",
        {"actuals": {}},
        TREND,
        "There is no actual, so it cannot be assessed.",
        "実績値がないため、評価困難です。",
    ),
    (
        "a",  # 210 ≥ 200
        {"actuals": {2024: 210}},
        TREND,
        "The actual, 210 people, has reached the target, so the grade is “A”.",
        "実績値210人が目標値に達しているため「A」です。",
    ),
    (
        "b",  # (150 − 100) / 100 = +50.0 %
        {"actuals": {2024: 150}},
        TREND,
        "The change from the baseline, 100 people, to the actual, 150 people, is +50.0%, better by more than "
        "±5%, so the grade is “B”.",
        "基準値100人から実績値150人への変化が+50.0％で、±5％を超えて改善しているため「B」です。",
    ),
    (
        "b star",  # +20.0 %; the line through 2019–2022 reaches 134 in FY2024 (test_final_evaluation.py)
        {"actuals": {2020: 110, 2022: 120}, "fy": 2022},
        TREND,
        "The change from the baseline, 100 people, to the actual, 120 people, is +20.0%, better by more than "
        "±5%, but at the present trend it would be 134 people in FY2024, short of the target, so the grade "
        "is “B*”.",
        "基準値100人から実績値120人への変化が+20.0％で、±5％を超えて改善していますが、今の傾向が続くと"
        "2024年度に134人となり目標値に届かない見込みのため「B*」です。",
    ),
    (
        "c",  # lower is better: (41.9 − 40) / 40 = +4.75 → +4.8 %, within 5
        {"direction": "decrease", "baseline": (2019, 40), "target": (2024, 30), "actuals": {2024: 41.9}}
        | {"unit": "件"},
        TREND,
        "The change from the baseline, 40 cases, to the actual, 41.9 cases, is +4.8%, within ±5%, so the grade "
        "is “C”.",
        "基準値40件から実績値41.9件への変化が+4.8％で、±5％の範囲内のため「C」です。",
    ),
    (
        "c within the plan's own tolerance",  # +2.0 % within 2.50, which is written 2.5
        {"actuals": {2024: 102}},
        final.FinalRule(tolerance_percent=D("2.50")),
        "The change from the baseline, 100 people, to the actual, 102 people, is +2.0%, within ±2.5%, so the "
        "grade is “C”.",
        "基準値100人から実績値102人への変化が+2.0％で、±2.5％の範囲内のため「C」です。",
    ),
    (
        "d",  # lower is better: (44 − 40) / 40 = +10.0 %
        {"direction": "decrease", "baseline": (2019, 40), "target": (2024, 30), "actuals": {2024: 44}}
        | {"unit": "件"},
        TREND,
        "The change from the baseline, 40 cases, to the actual, 44 cases, is +10.0%, worse by more than ±5%, so "
        "the grade is “D”.",
        "基準値40件から実績値44件への変化が+10.0％で、±5％を超えて悪化しているため「D」です。",
    ),
    (
        "d from a zero baseline",  # lower is better: 0 → 3 is worse, and a change from 0 has no percentage
        {"direction": "decrease", "baseline": (2019, 0), "target": (2024, 0), "actuals": {2024: 3}}
        | {"unit": "件"},
        TREND,
        "From the baseline, 0 cases, to the actual, 3 cases, it is worse by more than ±5%, so the grade is “D”.",
        "基準値0件から実績値3件で、±5％を超えて悪化しているため「D」です。",
    ),
    (
        "e with nothing to compare with",  # no baseline and one actual: the actual is its own reference
        {"baseline": None, "target": (2024, 50), "actuals": {2024: 45}},
        TREND,
        "There is no baseline (or actual of an earlier year) to compare with, so it cannot be assessed.",
        "比べられる基準値（または前の年度の実績値）がないため、評価困難です。",
    ),
    (
        "a band of the plan's",  # 150 / 200 = 75.0 %: C 未達成 keeps its label
        {"actuals": {2024: 150}},
        final.FinalRule("achievement", bands=FINAL_BANDS),
        "The achievement rate against the target is 75.0%, so the grade is “C 未達成”.",
        "目標値に対する達成率が75.0％のため「C 未達成」です。",
    ),
    (
        "e when no band takes it",  # 75.0 % reaches neither band: E, the built-in Cannot be assessed
        {"actuals": {2024: 150}},
        final.FinalRule("achievement", bands=FINAL_BANDS[:2]),
        "The achievement rate against the target is 75.0%, so the grade is “E Cannot be assessed”.",
        "目標値に対する達成率が75.0％のため「E 評価困難」です。",
    ),
]


def yearly_reason(arguments: dict, display_unit: str | None = None) -> str:
    arguments = {"unit": "人", "rule": PACE, "direction": "increase"} | arguments
    result = evaluated(**arguments)
    return evaluation.explanation(
        result, arguments["unit"], arguments["direction"], arguments["rule"], display_unit=display_unit
    )


def final_reasons(arguments: dict, rule: final.FinalRule, display_unit: str | None = None) -> tuple[str, str]:
    """The reason final_evaluation() gives, and the one final_reason() builds again from its grade."""
    unit = arguments.get("unit", "人")
    result = evaluated(**arguments)
    graded = final.final_evaluation(result, rule, unit)
    return graded.reason, final.final_reason(result, graded.grade, rule, unit, display_unit=display_unit)


@pytest.mark.parametrize(("arguments", "english"), [case[1:3] for case in YEARLY], ids=[c[0] for c in YEARLY])
def test_the_yearly_reason_reads_in_english_with_the_figures_filled_in(arguments, english):
    with translation.override("en"):
        assert yearly_reason(arguments, ENGLISH_UNITS[arguments.get("unit", "人")]) == english


@pytest.mark.parametrize(
    ("arguments", "japanese"), [(c[1], c[3]) for c in YEARLY], ids=[c[0] for c in YEARLY]
)
def test_the_yearly_reason_reads_in_japanese_as_it_always_has(arguments, japanese):
    with translation.override("ja"):
        assert yearly_reason(arguments) == japanese


@pytest.mark.parametrize(("arguments", "rule", "english"), [c[1:4] for c in FINAL], ids=[c[0] for c in FINAL])
def test_the_final_reason_reads_in_english_with_the_figures_filled_in(arguments, rule, english):
    with translation.override("en"):
        _, rebuilt = final_reasons(arguments, rule, ENGLISH_UNITS[arguments.get("unit", "人")])
    assert rebuilt == english


@pytest.mark.parametrize(
    ("arguments", "rule", "japanese"), [(c[1], c[2], c[4]) for c in FINAL], ids=[c[0] for c in FINAL]
)
def test_the_final_reason_reads_in_japanese_as_it_always_has_and_is_rebuilt_the_same(
    arguments, rule, japanese
):
    with translation.override("ja"):
        assert final_reasons(arguments, rule) == (japanese, japanese)


def test_with_no_language_active_the_reasons_and_figures_are_japanese():
    with translation.override(None):  # deactivated: get_language() is None
        assert yearly_reason({"actuals": {2022: 90}, "fy": 2022}) == (
            "実績値90人が基準値100人より下がっているため「後退」です。"
        )
        assert evaluation.display_value(D("5233"), "件") == "5,233件"
        assert evaluation.display_percent(D("92.43")) == "92.4％"


def test_english_figures_put_a_space_before_a_word_unit_and_none_before_a_percent_sign():
    with translation.override("en"):
        assert evaluation.display_value(D("5233"), "people") == "5,233 people"
        assert evaluation.display_value(D("92.43"), "％") == "92.43%"
        assert evaluation.display_value(D("92.43"), "%") == "92.43%"
        assert evaluation.display_value(D("12"), "") == "12"
        assert evaluation.display_value(None, "people") == "－"
        assert evaluation.display_percent(D("92.43")) == "92.4%"
        assert final.signed_percent(D("-3")) == "−3.0%"
    with translation.override("ja"):
        assert evaluation.display_value(D("5233"), "件") == "5,233件"
        assert evaluation.display_value(D("92.43"), "％") == "92.43％"
        assert evaluation.display_percent(D("92.43")) == "92.4％"


def test_without_an_english_unit_the_english_reason_shows_the_indicators_own_unit():
    with translation.override("en"):
        assert yearly_reason({"actuals": {2022: 90}, "fy": 2022}) == (
            "The actual, 90 人, has fallen below the baseline, 100 人, so the grade is “Declined”."
        )


def test_every_kumamoto_reason_is_built_again_exactly_from_its_publication(kumamoto_plan):
    publications = list(kumamoto_plan.publications.order_by("fiscal_year"))
    assert [p.fiscal_year for p in publications] == [2020, 2021]
    with translation.override("ja"):
        for publication in publications:
            stored = publication.document()
            rule, final_rule = document.rule_of(stored), document.final_rule_of(stored)
            items = document.indicators_by_code(stored)
            assert len(items) == 10  # the plan's ten indicators
            for code, item in items.items():
                result = document.evaluation_of(item["evaluation"])
                grade = document.final_of(item["final_evaluation"]).grade
                where = (publication.fiscal_year, code)
                reason = evaluation.explanation(result, item["unit"], item["direction"], rule)
                assert reason == item["evaluation"]["reason"], where
                reason = final.final_reason(result, grade, final_rule, item["unit"])
                assert reason == item["final_evaluation"]["reason"], where
