"""The final evaluation (最終評価) of a plan's indicators, and the mid-term one (中間評価) at an earlier year.

Pure functions over the yearly `evaluation.Evaluation` of each indicator: nothing here imports Django but
its translation functions (the reason sentences follow the active language, as in `evaluation`).
docs/evaluation.md states every rule in Japanese. Two methods, chosen per plan (`final_grading:` in the plan
file):

- `trend` (the default, as 健康日本21 grades its targets): A the target is met; B improved from the
  reference (the baseline, else the first actual) by more than the tolerance, target not met; B* the same,
  at a year before the target year, where the trend of the values misses the target in the target year;
  C within the tolerance of the reference; D worse by more than the tolerance; E no grade can be given
  (no actual, no target, or nothing to compare the actual with).
- `achievement`: the plan's achievement-rate bands, applied to the 達成率 against the final target.

The change from the reference is a percentage of the reference (+12.5％), rounded once, half up to one
decimal, and that rounded figure is both the one printed and the one compared with the tolerance.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from indicators import evaluation
from indicators.evaluation import (
    HUNDRED,
    IMPROVED,
    WORSE,
    Band,
    Evaluation,
    Grade,
    Point,
    band_grade,
    display_percent,
    display_value,
    grade_word,
    reference_name,
    rounded_rate,
)
from indicators.language import gettext, gettext_noop, pgettext

TREND, ACHIEVEMENT = "trend", "achievement"
METHODS = (TREND, ACHIEVEMENT)
DEFAULT_TOLERANCE = Decimal(5)

A = Grade("A", "目標値に達した")
B = Grade("B", "改善傾向にある")
B_STAR = Grade("B*", "改善傾向にあるが、目標年度までの達成が危ぶまれる")
C = Grade("C", "変わらない")
D = Grade("D", "悪化している")
E = Grade("E", "評価困難")
TREND_GRADES = (A, B, B_STAR, C, D, E)
# The same grades in English (健康日本21's A–E as English reports of it word them).
ENGLISH_WORDS = {
    A: "Target reached",
    B: "Improving",
    B_STAR: "Improving, but the target year is at risk",
    C: "No change",
    D: "Worse",
    E: "Cannot be assessed",
}


@dataclass(frozen=True)
class FinalRule:
    """How a plan's final evaluation grades: `trend` with a tolerance in percent of the reference, or
    `achievement` with bands (none given: the bands of the plan's yearly grading)."""

    method: str = TREND
    tolerance_percent: Decimal = DEFAULT_TOLERANCE
    bands: list[Band] = field(default_factory=list)


@dataclass(frozen=True)
class FinalEvaluation:
    grade: Grade
    change_percent: Decimal | None  # the actual's change from the reference, in percent of the reference
    reason: str


def change_percent(reference: Decimal, actual: Decimal) -> Decimal | None:
    """(actual − reference) ÷ |reference| in percent, rounded to one decimal; None from a zero reference."""
    if reference == 0:
        return None
    return rounded_rate((actual - reference) / abs(reference) * HUNDRED)


def signed_percent(value: Decimal) -> str:
    """+12.5％, −3.0％, ±0.0％: a change, with its sign."""
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{display_percent(abs(value))}"


def grade_scale(rule: FinalRule, yearly_bands: list[Band] = ()) -> list[Grade]:
    """Every grade the final rule can give, best first, E last: the rows of the counts."""
    if rule.method == ACHIEVEMENT:
        return [Grade(band.mark, band.label) for band in (rule.bands or list(yearly_bands))] + [E]
    return list(TREND_GRADES)


def final_evaluation(
    result: Evaluation, rule: FinalRule, unit: str = "", yearly_bands: list[Band] = ()
) -> FinalEvaluation:
    """The final (or, before the target year, mid-term) grade of an indicator from its yearly evaluation at
    the year evaluated, with the reason in one plain sentence (`final_reason`). Better and worse are the
    yearly evaluation's, in the indicator's own direction (for `maintain`, closer to the target)."""
    if result.actual is None or result.target_met is None:
        grade, change = E, None
    elif rule.method == ACHIEVEMENT:
        grade = band_grade(result.achievement_rate, result.target_met, rule.bands or list(yearly_bands))
        grade = E if grade.mark == "－" else grade  # no band takes it
        change = final_change(result)
    elif result.target_met:
        grade, change = A, final_change(result)
    elif compared_reference(result) is None:
        grade, change = E, None
    else:
        change = final_change(result)
        within = change is not None and abs(change) <= rule.tolerance_percent
        if result.change not in (IMPROVED, WORSE) or within:
            grade = C
        elif result.change == WORSE:
            grade = D
        elif misses_target_year(result):
            grade = B_STAR
        else:
            grade = B
    return FinalEvaluation(grade, change, final_reason(result, grade, rule, unit))


def compared_reference(result: Evaluation) -> Point | None:
    """The reference the actual is compared with: none when the actual graded is the reference itself."""
    return result.reference if result.reference and result.reference.fy != result.fy else None


def final_change(result: Evaluation) -> Decimal | None:
    """The actual's change from the reference, in percent of the reference (None: nothing to compare)."""
    reference = compared_reference(result)
    return change_percent(reference.value, result.actual) if reference and result.actual is not None else None


def misses_target_year(result: Evaluation) -> bool:
    """Before the target year, whether the trend of the values misses the target in the target year."""
    projection = result.projection
    return projection is not None and result.fy < projection.fy and not projection.meets_target


def final_reason(
    result: Evaluation, grade: Grade, rule: FinalRule, unit: str = "", *, display_unit: str | None = None
) -> str:
    """The reason for a final (or mid-term) grade in one plain sentence, in the active language (Japanese
    when none is): the grade `final_evaluation` gave the yearly evaluation `result` under `rule`, so that a
    stored evaluation and grade give the same sentence again. `display_unit` is the unit the values are
    shown with (the English pages pass the indicator's English unit); None: `unit`; "": no unit."""
    if result.actual is None:
        return gettext("実績値がないため、評価困難です。")
    if result.target_met is None:
        return gettext("数値の目標値がないため、評価困難です。")
    if rule.method == ACHIEVEMENT:
        word = grade_word(grade, ENGLISH_WORDS | evaluation.ENGLISH_WORDS)
        quoted = pgettext("a grade quoted with its mark in a sentence", "「%(mark)s %(grade)s」") % {
            "mark": grade.mark,
            "grade": word,
        }
        return gettext("目標値に対する達成率が%(rate)sのため%(grade)sです。") % {
            "rate": display_percent(result.achievement_rate),
            "grade": quoted,
        }
    shown = unit if display_unit is None else display_unit
    actual = display_value(result.actual, shown)
    if grade.mark == A.mark:
        return gettext("実績値%(actual)sが目標値に達しているため「A」です。") % {"actual": actual}
    reference = compared_reference(result)
    if grade.mark == E.mark or reference is None:
        return gettext("比べられる基準値（または前の年度の実績値）がないため、評価困難です。")
    change = final_change(result)
    figures = {
        "origin": reference_name(result),
        "before": display_value(reference.value, shown),
        "actual": actual,
        "change": signed_percent(change) if change is not None else "",
        "tolerance": f"{rule.tolerance_percent.normalize():f}",
    }
    if grade.mark == B_STAR.mark:
        figures |= {"fy": result.projection.fy, "projected": display_value(result.projection.value, shown)}
    return gettext(TREND_REASONS[grade.mark, change is not None]) % figures


# The reasons for the trend grades B to D, by (mark, whether the change has a percentage: none from a zero
# reference). Whole sentences, so that a language can order the figures as it needs; translated when used.
TREND_REASONS = {
    (B.mark, True): gettext_noop(
        "%(origin)s%(before)sから実績値%(actual)sへの変化が%(change)sで、±%(tolerance)s％を超えて改善している"
        "ため「B」です。"
    ),
    (B.mark, False): gettext_noop(
        "%(origin)s%(before)sから実績値%(actual)sで、±%(tolerance)s％を超えて改善しているため「B」です。"
    ),
    (B_STAR.mark, True): gettext_noop(
        "%(origin)s%(before)sから実績値%(actual)sへの変化が%(change)sで、±%(tolerance)s％を超えて改善して"
        "いますが、今の傾向が続くと%(fy)s年度に%(projected)sとなり目標値に届かない見込みのため「B*」です。"
    ),
    (B_STAR.mark, False): gettext_noop(
        "%(origin)s%(before)sから実績値%(actual)sで、±%(tolerance)s％を超えて改善していますが、今の傾向が"
        "続くと%(fy)s年度に%(projected)sとなり目標値に届かない見込みのため「B*」です。"
    ),
    (C.mark, True): gettext_noop(
        "%(origin)s%(before)sから実績値%(actual)sへの変化が%(change)sで、±%(tolerance)s％の範囲内のため「C」です。"
    ),
    (C.mark, False): gettext_noop(
        "%(origin)s%(before)sから実績値%(actual)sで、±%(tolerance)s％の範囲内のため「C」です。"
    ),
    (D.mark, True): gettext_noop(
        "%(origin)s%(before)sから実績値%(actual)sへの変化が%(change)sで、±%(tolerance)s％を超えて悪化している"
        "ため「D」です。"
    ),
    (D.mark, False): gettext_noop(
        "%(origin)s%(before)sから実績値%(actual)sで、±%(tolerance)s％を超えて悪化しているため「D」です。"
    ),
}


@dataclass(frozen=True)
class GradeCount:
    grade: Grade
    count: int
    share: Decimal | None  # percent of all indicators counted, one decimal; None when there are none


def count_grades(grades: list[Grade], scale: list[Grade]) -> list[GradeCount]:
    """How many indicators got each grade of the scale (zeros included) and their share of the whole, as
    「A 49件（60.5％）」: shares are each rounded on their own, so they need not add up to exactly 100."""
    total = len(grades)
    counts = dict.fromkeys(scale, 0)
    for grade in grades:
        counts[grade] = counts.get(grade, 0) + 1
    return [
        GradeCount(grade, count, rounded_rate(Decimal(count) / total * HUNDRED) if total else None)
        for grade, count in counts.items()
    ]
