"""The arithmetic of evaluating an outcome indicator (docs/evaluation.md states every rule in Japanese).

Pure functions over plain values: nothing here imports Django. The figures and sentences shown to citizens
follow the active language through indicators/language.py (Japanese, the message ids, when none is active). `Indicator.evaluate()` gathers the numbers and calls `evaluate()`. Every figure is an exact Decimal.
The 達成率, the 進捗率 and the expected progress are rounded once, half up to one decimal (`rounded_rate`),
and that rounded figure is both the one printed and the one graded, as Japanese progress reports do:
79.95 ％ prints 80.0％ and meets an 80 ％ band.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from indicators.language import get_language, gettext, pgettext

HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.1")

# Units whose values are whole things counted (never negative; a projection is whole), and percentages (never
# negative, at most 100 unless the indicator may exceed it). Compared after NFKC (全角 ％ is %). The one list
# for entry (admin, Excel), the plan file and the projections.
COUNT_UNITS = frozenset(
    {
        "人",
        "名",
        "件",
        "回",
        "団体",
        "箇所",
        "か所",
        "カ所",
        "ヶ所",
        "ケ所",
        "所",
        "校区",
        "校",
        "世帯",
        "施設",
    }
    | {"事業所", "地区", "組", "社", "店", "戸", "台", "冊", "本", "日", "人日", "自治会", "団体数"}
)
PERCENT_UNITS = frozenset({"%", "パーセント"})


def unit_kind(unit: str) -> str:
    """ "count", "percent" or "" (any number) for an indicator's unit."""
    unit = unicodedata.normalize("NFKC", unit).strip()
    return "count" if unit in COUNT_UNITS else "percent" if unit in PERCENT_UNITS else ""


def value_problem(value: Decimal, unit: str, may_exceed_100: bool = False) -> str | None:
    """Why value cannot be a value of an indicator with this unit (in Japanese), or None."""
    kind = unit_kind(unit)
    if value < 0 and kind:
        return f"{unit.strip()}の値は0以上で入力してください。"
    if kind == "percent" and value > 100 and not may_exceed_100:
        return (
            "割合（％）は100以下で入力してください。100％を超えうる指標なら、成果指標の"
            "「100％を超えることがある」を選んでください。"
        )
    return None


# What a stored value can hold (MeasuredValueField: 14 digits, 4 of them after the point).
MAX_DECIMAL_PLACES = 4
MAX_INTEGER_DIGITS = 10


def number_problem(value: Decimal) -> str | None:
    """Why value has more digits than a stored value keeps (in Japanese), or None: never rounded silently."""
    if not value.is_finite():
        return "有限の数値を入力してください。"
    if value == 0:
        return None
    _sign, digits, exponent = value.normalize().as_tuple()
    if exponent < -MAX_DECIMAL_PLACES:
        return f"小数点以下は{MAX_DECIMAL_PLACES}桁までにしてください（{value}）。"
    if len(digits) + exponent > MAX_INTEGER_DIGITS:
        return f"整数部分は{MAX_INTEGER_DIGITS}桁までにしてください（{value}）。"
    return None


def year_problems(
    start_fy: int, end_fy: int, baseline_fy: int | None, target_fy: int | None, first_actual_fy: int | None
) -> dict[str, str]:
    """{field: why} for an indicator's years that cannot go together (in Japanese); empty if they can.

    The target falls within the plan, the baseline before the target and no later than the first actual:
    a baseline after the first actual would measure progress backwards in time.
    """
    problems = {}
    if target_fy is not None and not start_fy <= target_fy <= end_fy:
        problems["target_fy"] = (
            f"目標値の年度（{target_fy}年度）は計画期間（{start_fy}～{end_fy}年度）の中にしてください。"
        )
    elif baseline_fy is not None and target_fy is not None and baseline_fy >= target_fy:
        problems["target_fy"] = (
            f"目標値の年度（{target_fy}年度）は基準値の年度（{baseline_fy}年度）より後にしてください。"
        )
    if baseline_fy is not None and baseline_fy > end_fy:
        problems["baseline_fy"] = (
            f"基準値の年度（{baseline_fy}年度）は計画の終了年度（{end_fy}年度）以前にしてください。"
        )
    elif baseline_fy is not None and first_actual_fy is not None and baseline_fy > first_actual_fy:
        problems["baseline_fy"] = (
            f"基準値の年度（{baseline_fy}年度）は最初の実績値の年度（{first_actual_fy}年度）以前にしてください。"
        )
    return problems


def yearly_target_year_problem(
    start_fy: int, end_fy: int, baseline_fy: int | None, target_fy: int | None, fy: int
) -> str | None:
    """Why an indicator cannot have a yearly target (年度目標) for fy (in Japanese), or None: the year lies in
    the plan, after the baseline year and before the target year (whose target is the indicator's own)."""
    if target_fy is None:
        return "目標値（最終の目標）がない成果指標には年度目標を設定できません。"
    if not start_fy <= fy <= end_fy:
        return f"年度目標の年度（{fy}年度）は計画期間（{start_fy}～{end_fy}年度）の中にしてください。"
    if fy >= target_fy:
        return f"年度目標の年度（{fy}年度）は目標値の年度（{target_fy}年度）より前にしてください。目標年度の目標は目標値です。"
    if baseline_fy is not None and fy <= baseline_fy:
        return f"年度目標の年度（{fy}年度）は基準値の年度（{baseline_fy}年度）より後にしてください。"
    return None


INCREASE, DECREASE, MAINTAIN = "increase", "decrease", "maintain"
PACE, ACHIEVEMENT = "pace", "achievement"

IMPROVED, WORSE, UNCHANGED = "improved", "worse", "unchanged"


@dataclass(frozen=True)
class Point:
    fy: int
    value: Decimal


@dataclass(frozen=True)
class Grade:
    mark: str
    label: str


@dataclass(frozen=True)
class Band:
    """An achievement-rate band: an indicator whose 達成率 is at least `min` gets this grade (None: any)."""

    min: Decimal | None
    mark: str
    label: str


@dataclass(frozen=True)
class GradingRule:
    """How a plan grades its indicators: "pace" (the default rule) or "achievement" with bands."""

    method: str = "pace"
    bands: list[Band] = field(default_factory=list)


NOT_EVALUATED = Grade("－", "評価対象外")
ACHIEVED = Grade("◎", "達成")
REGRESSED = Grade("×", "後退")
ON_TRACK = Grade("○", "順調")
BEHIND = Grade("△", "遅れ")
PACE_GRADES = (ACHIEVED, ON_TRACK, BEHIND, REGRESSED, NOT_EVALUATED)
# The same grades in English, for the English pages: the marks stay, the words change.
ENGLISH_WORDS = {
    ACHIEVED: "Achieved",
    ON_TRACK: "On track",
    BEHIND: "Behind",
    REGRESSED: "Declined",
    NOT_EVALUATED: "Not assessed",
}


@dataclass(frozen=True)
class Projection:
    """Where the linear trend of the values reaches in the target year, and whether that meets the target."""

    fy: int
    value: Decimal
    meets_target: bool


@dataclass(frozen=True)
class Evaluation:
    fy: int | None  # the year of the actual used: the latest at or before the year asked for
    actual: Decimal | None
    reference: Point | None  # the baseline, or the earliest actual when there is none
    reference_is_baseline: bool
    achievement_rate: Decimal | None
    progress_rate: Decimal | None
    expected_progress: Decimal | None
    change: str | None  # improved | worse | unchanged, against the reference, direction-aware
    target_met: bool | None
    projection: Projection | None
    grade: Grade
    # The year's own target (年度目標) when the plan sets one for the year of the actual graded, and the
    # actual's 達成率 against it; the pace and band rules then grade against it (see evaluate()).
    yearly_target: Point | None = None
    yearly_achievement_rate: Decimal | None = None


def rounded_rate(value: Decimal | None) -> Decimal | None:
    """A percentage rounded half up to one decimal: the figure printed and graded."""
    return None if value is None else value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def bounded_projection(value: Decimal, unit: str, may_exceed_100: bool = False) -> Decimal:
    """A projected value as the unit allows it: counts whole and not negative, percentages within 0–100
    (or from 0 up, when the indicator may exceed 100) to one decimal; other units as projected."""
    kind = unit_kind(unit)
    if kind == "count":
        return max(value, Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if kind == "percent":
        value = max(value, Decimal(0))
        if not may_exceed_100:
            value = min(value, HUNDRED)
        return value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    return value


def achievement_rate(
    actual: Decimal, target: Decimal, direction: str, tolerance: Decimal = Decimal(0)
) -> Decimal | None:
    """達成率 in percent: actual/target, target/actual when lower is better (「b/a又はa/b」).

    For `maintain`, 100 when the actual is within tolerance of the target, else actual/target.
    None where the division is undefined (a zero divisor).
    """
    if direction == MAINTAIN and abs(actual - target) <= tolerance:
        return HUNDRED
    numerator, denominator = (target, actual) if direction == DECREASE else (actual, target)
    if denominator == 0:
        return None
    return numerator / denominator * HUNDRED


def progress_rate(actual: Decimal, reference: Decimal, target: Decimal) -> Decimal | None:
    """進捗率 in percent: the share of the way from the reference to the target covered by the actual."""
    if target == reference:
        return None
    return (actual - reference) / (target - reference) * HUNDRED


def expected_progress(fy: int, reference_fy: int, target_fy: int) -> Decimal | None:
    """The share of the time from the reference year to the target year that has passed at fy, in percent."""
    if target_fy == reference_fy:
        return None
    return Decimal(fy - reference_fy) / Decimal(target_fy - reference_fy) * HUNDRED


def meets_target(value: Decimal, target: Decimal, direction: str, tolerance: Decimal = Decimal(0)) -> bool:
    if direction == DECREASE:
        return value <= target
    if direction == MAINTAIN:
        return abs(value - target) <= tolerance
    return value >= target


def change_from(reference: Decimal, actual: Decimal, direction: str, target: Decimal | None = None) -> str:
    """improved / worse / unchanged, in the indicator's own direction.

    For `maintain`, better means closer to the target (or to the reference, when there is no target).
    """
    if direction == MAINTAIN:
        anchor = target if target is not None else reference
        before, after = abs(reference - anchor), abs(actual - anchor)
        return IMPROVED if after < before else WORSE if after > before else UNCHANGED
    if actual == reference:
        return UNCHANGED
    better = actual > reference if direction == INCREASE else actual < reference
    return IMPROVED if better else WORSE


def linear_projection(points: list[Point], fy: int) -> Decimal | None:
    """The least-squares line through points, read at fy; None with fewer than two distinct years."""
    if len({p.fy for p in points}) < 2:
        return None
    n = Decimal(len(points))
    mean_x = sum(Decimal(p.fy) for p in points) / n
    mean_y = sum(p.value for p in points) / n
    sxx = sum((Decimal(p.fy) - mean_x) ** 2 for p in points)
    sxy = sum((Decimal(p.fy) - mean_x) * (p.value - mean_y) for p in points)
    slope = sxy / sxx
    return mean_y + slope * (Decimal(fy) - mean_x)


def latest_actual(actuals: dict[int, Decimal], fy: int) -> Point | None:
    years = [year for year in actuals if year <= fy]
    if not years:
        return None
    year = max(years)
    return Point(year, actuals[year])


def on_pace(change: str, progress: Decimal | None, expected: Decimal | None) -> bool:
    """Improved, and at least as far along as the time passed (the straight line to the target)."""
    return change == IMPROVED and progress is not None and (expected is None or progress >= expected)


def pace_grade(target_met: bool, change: str, paced: bool) -> Grade:
    """The default rule: the first that holds of 達成, 後退, 順調 (on pace: see evaluate()), else 遅れ."""
    if target_met:
        return ACHIEVED
    if change == WORSE:
        return REGRESSED
    if paced:
        return ON_TRACK
    return BEHIND


def band_grade(rate: Decimal | None, target_met: bool, bands: list[Band]) -> Grade:
    """The first band whose minimum the 達成率 meets; a met target with an undefined rate takes the first."""
    for band in bands:
        if band.min is None or (rate is not None and rate >= band.min) or (rate is None and target_met):
            return Grade(band.mark, band.label)
    return NOT_EVALUATED


def evaluate(
    *,
    direction: str,
    baseline: Point | None,
    target: Point | None,
    actuals: dict[int, Decimal],
    fy: int,
    tolerance: Decimal = Decimal(0),
    rule: GradingRule = GradingRule(),
    unit: str = "",
    may_exceed_100: bool = False,
    yearly_targets: dict[int, Decimal] | None = None,
) -> Evaluation:
    """Everything about one indicator as it stood at the end of fiscal year fy (rates rounded, see above).

    `yearly_targets` ({fy: value}, 年度目標) are targets the plan sets for years before the target year. When
    the year of the actual graded has one, the band rule grades the actual's 達成率 against it, and the pace
    rule takes it as the expected value in place of the straight line: 順調 once the actual reaches it.
    """
    current = latest_actual(actuals, fy)
    if baseline is not None:
        reference, reference_is_baseline = baseline, True
    elif actuals:
        first = min(actuals)
        reference, reference_is_baseline = Point(first, actuals[first]), False
    else:
        reference, reference_is_baseline = None, False
    if reference is not None and current is not None and reference.fy > current.fy:
        reference = None  # an actual before the baseline year has nothing to be compared with

    if current is None or target is None:
        return Evaluation(
            fy=current.fy if current else None,
            actual=current.value if current else None,
            reference=reference,
            reference_is_baseline=reference_is_baseline,
            achievement_rate=rounded_rate(achievement_rate(current.value, target.value, direction, tolerance))
            if current and target
            else None,
            progress_rate=None,
            expected_progress=None,
            change=change_from(reference.value, current.value, direction) if current and reference else None,
            target_met=None,
            projection=None,
            grade=NOT_EVALUATED,
        )

    rate = rounded_rate(achievement_rate(current.value, target.value, direction, tolerance))
    met = meets_target(current.value, target.value, direction, tolerance)
    yearly_value = (yearly_targets or {}).get(current.fy) if current.fy != target.fy else None
    yearly = Point(current.fy, yearly_value) if yearly_value is not None else None
    yearly_rate = (
        rounded_rate(achievement_rate(current.value, yearly.value, direction, tolerance)) if yearly else None
    )
    progress = expected = change = None
    if reference is not None:
        progress = rounded_rate(progress_rate(current.value, reference.value, target.value))
        if yearly is not None:  # the share of the way that the year's target stands for
            expected = rounded_rate(progress_rate(yearly.value, reference.value, target.value))
        else:
            expected = rounded_rate(expected_progress(current.fy, reference.fy, target.fy))
        change = change_from(reference.value, current.value, direction, target.value)

    points = ([baseline] if baseline is not None else []) + [
        Point(year, value) for year, value in sorted(actuals.items()) if year <= current.fy
    ]
    projected = linear_projection(points, target.fy)
    projection = None
    if projected is not None:
        projected = bounded_projection(projected, unit, may_exceed_100)
        projection = Projection(
            target.fy, projected, meets_target(projected, target.value, direction, tolerance)
        )

    if rule.method == ACHIEVEMENT and yearly is not None:
        yearly_met = meets_target(current.value, yearly.value, direction, tolerance)
        grade = band_grade(yearly_rate, yearly_met, rule.bands)
    elif rule.method == ACHIEVEMENT:
        grade = band_grade(rate, met, rule.bands)
    elif at_reference_year(reference, current):
        grade = NOT_EVALUATED  # the year everything is measured from shows no progress of its own
    else:
        if yearly is not None:  # reached the year's own target (compared unrounded, as the target is)
            paced = meets_target(current.value, yearly.value, direction, tolerance)
        else:
            paced = on_pace(change or UNCHANGED, progress, expected)
        grade = pace_grade(met, change or UNCHANGED, paced)
    return Evaluation(
        fy=current.fy,
        actual=current.value,
        reference=reference,
        reference_is_baseline=reference_is_baseline,
        achievement_rate=rate,
        progress_rate=progress,
        expected_progress=expected,
        change=change,
        target_met=met,
        projection=projection,
        grade=grade,
        yearly_target=yearly,
        yearly_achievement_rate=yearly_rate,
    )


def at_reference_year(reference: Point | None, current: Point) -> bool:
    """Whether the actual graded is the reference itself: the first actual of an indicator with no baseline
    (or an actual of the baseline year)."""
    return reference is not None and reference.fy == current.fy


def grade_scale(rule: GradingRule) -> list[Grade]:
    """Every grade the rule can give, best first, 評価対象外 last: the columns of a roll-up."""
    if rule.method == ACHIEVEMENT:
        return [Grade(band.mark, band.label) for band in rule.bands] + [NOT_EVALUATED]
    return list(PACE_GRADES)


def count_grades(grades: list[Grade], rule: GradingRule) -> dict[Grade, int]:
    """{grade: how many}, over the rule's whole scale (zeros included), in the scale's order."""
    counts = dict.fromkeys(grade_scale(rule), 0)
    for grade in grades:
        counts[grade] = counts.get(grade, 0) + 1
    return counts


def in_english() -> bool:
    """Whether the active language is English; with none active (translations deactivated), Japanese."""
    return (get_language() or "").split("-")[0] == "en"


def display_percent(value: Decimal | None) -> str:
    """92.43 → "92.4％" (English: "92.4%"); None → "－". One decimal, rounded half up as people round by hand."""
    if value is None:
        return "－"
    return f"{rounded_rate(value)}{'%' if in_english() else '％'}"


def display_value(value: Decimal | None, unit: str = "") -> str:
    """5233 → "5,233件", 92.43 → "92.43％": as written, with thousands separators and the unit. In English
    the unit follows a space ("5,233 people") and a percentage takes "%" ("92.43%")."""
    if value is None:
        return "－"
    if not in_english():
        return f"{value:,}{unit}"
    unit = unit.strip()
    if unit_kind(unit) == "percent":
        return f"{value:,}%"
    return f"{value:,} {unit}" if unit else f"{value:,}"


def grade_word(grade: Grade, english_words: dict[Grade, str] = ENGLISH_WORDS) -> str:
    """A grade's word in the active language: 達成 / Achieved. A plan's own band keeps its label."""
    return english_words.get(grade, grade.label) if in_english() else grade.label


PACE_KEYS = {ACHIEVED: "achieved", ON_TRACK: "on-track", BEHIND: "behind", REGRESSED: "regressed"}


def grade_keys(rule: GradingRule) -> dict[Grade, tuple[str, int]]:
    """{grade: (CSS-safe key, rank)}: rank 0 is the best grade; 評価対象外 ranks last."""
    keys = {}
    for rank, grade in enumerate(grade_scale(rule)):
        if grade == NOT_EVALUATED:
            key = "none"
        elif rule.method == ACHIEVEMENT:
            key = f"band-{rank + 1}"
        else:
            key = PACE_KEYS[grade]
        keys[grade] = (key, rank)
    return keys


def band_of(grade: Grade, rule: GradingRule) -> Band | None:
    return next((b for b in rule.bands if b.mark == grade.mark and b.label == grade.label), None)


def quoted_grade(word: str) -> str:
    """「達成」: a grade's word as a sentence quotes it (English: “Achieved”)."""
    return pgettext("a grade quoted in a sentence", "「%(grade)s」") % {"grade": word}


def reference_name(result: Evaluation) -> str:
    """What the actual is compared with, as a sentence names it: 基準値, or 最初の実績値 with no baseline."""
    if result.reference_is_baseline:
        return pgettext("what a sentence compares the actual with", "基準値")
    return pgettext("what a sentence compares the actual with", "最初の実績値")


def yearly_target_phrase(point: Point, unit: str) -> str:
    """「2022年度の目標値115人」 (English: "the FY2022 target of 115 people")."""
    return gettext("%(fy)s年度の目標値%(value)s") % {
        "fy": point.fy,
        "value": display_value(point.value, unit),
    }


def explanation(
    result: Evaluation, unit: str, direction: str, rule: GradingRule, *, display_unit: str | None = None
) -> str:
    """One plain sentence on how the grade was reached, for citizens, in the active language (Japanese when
    none is). `display_unit` is the unit the values are shown with (the English pages pass the indicator's
    English unit); None: `unit`; "": no unit."""
    if result.actual is None:
        return gettext("この年度末までの実績値がまだないため、評価の対象外です。")
    if result.target_met is None:
        return gettext("数値の目標値がないため、評価の対象外です。")
    shown = unit if display_unit is None else display_unit
    figures = {"actual": display_value(result.actual, shown), "grade": quoted_grade(grade_word(result.grade))}
    yearly = result.yearly_target
    band = band_of(result.grade, rule)
    if band is not None and band.min is not None:
        figures["minimum"] = f"{band.min:,}"
    if rule.method == ACHIEVEMENT and yearly is not None:
        figures |= {
            "rate": display_percent(result.yearly_achievement_rate),
            "goal": yearly_target_phrase(yearly, shown),
        }
        if result.yearly_achievement_rate is None:
            return gettext("実績値%(actual)sが%(goal)sを満たしているため%(grade)sです。") % figures
        if "minimum" in figures:
            return (
                gettext("%(goal)sに対する達成率が%(rate)sで、%(minimum)s％以上のため%(grade)sです。")
                % figures
            )
        return (
            gettext("%(goal)sに対する達成率が%(rate)sで、ほかの区分に届かないため%(grade)sです。") % figures
        )
    if rule.method == ACHIEVEMENT:
        figures["rate"] = display_percent(result.achievement_rate)
        if result.achievement_rate is None:
            return gettext("実績値%(actual)sが目標を満たしているため%(grade)sです。") % figures
        if "minimum" in figures:
            return gettext("達成率が%(rate)sで、%(minimum)s％以上のため%(grade)sです。") % figures
        return gettext("達成率が%(rate)sで、ほかの区分に届かないため%(grade)sです。") % figures
    if result.grade == NOT_EVALUATED and result.reference and result.reference.fy == result.fy:
        return gettext("起点の年度のため評価しません。")
    if result.grade == ACHIEVED:
        return gettext("実績値%(actual)sが目標値に達しているため%(grade)sです。") % figures
    figures |= {
        "origin": reference_name(result),
        "reference": display_value(result.reference.value, shown) if result.reference else "－",
    }
    if result.grade == REGRESSED:
        if direction == MAINTAIN:
            return (
                gettext(
                    "実績値%(actual)sが%(origin)s%(reference)sよりも目標値から離れているため%(grade)sです。"
                )
                % figures
            )
        if direction == DECREASE:
            figures["moved"] = pgettext("the actual against what it is compared with", "上がって")
        else:
            figures["moved"] = pgettext("the actual against what it is compared with", "下がって")
        return (
            gettext("実績値%(actual)sが%(origin)s%(reference)sより%(moved)sいるため%(grade)sです。") % figures
        )
    if result.change == UNCHANGED:
        return (
            gettext("実績値%(actual)sが%(origin)s%(reference)sから変わっていないため%(grade)sです。")
            % figures
        )
    if yearly is not None:
        figures["goal"] = yearly_target_phrase(yearly, shown)
        if result.grade == ON_TRACK:
            return gettext("実績値%(actual)sが%(goal)sに達しているため%(grade)sです。") % figures
        return gettext("実績値%(actual)sが%(goal)sに届いていないため%(grade)sです。") % figures
    figures |= {
        "progress": display_percent(result.progress_rate),
        "expected": display_percent(result.expected_progress),
    }
    if result.grade == ON_TRACK:
        return (
            gettext(
                "%(origin)sから目標値までの進捗率%(progress)sが、期間の経過に応じた目安%(expected)s以上のため"
                "%(grade)sです。"
            )
            % figures
        )
    return (
        gettext(
            "%(origin)sから目標値までの進捗率%(progress)sが、期間の経過に応じた目安%(expected)sに届いていないため"
            "%(grade)sです。"
        )
        % figures
    )
