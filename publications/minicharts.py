"""The small chart on each indicator card: a bar per year, drawn as SVG from a template, no matplotlib.

The bars are the baseline (light grey, 「基準」 and its year under it), each actual up to the year shown (in
the grade's colour, the year under it) and the target (white, outlined, 「目標」 and its year), each with its
number above it. The words under the bars explain them, so the page needs no separate legend. A value too
small to see beside the others still gets a bar of MIN_BAR units and its number, so that 11 against 640
reads as "11", not as a flat line. The text is real text of CSS pixel sizes (FONT_SIZE in a viewBox as wide
as the card), so it stays at least 12 px on a 375 px phone.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext, pgettext

from indicators.evaluation import Grade, Point
from publications import languages, palette
from publications.charts import chart_year, number

WIDTH, HEIGHT = 300, 118
TOP, BOTTOM = 24, 80  # the bars' area: numbers above it, years below
FONT_SIZE = 13
MIN_BAR = 3
MAX_BAR_WIDTH = 34
MAX_LABELLED = 8  # with more bars, only the baseline, the last actual and the target carry their numbers


@dataclass(frozen=True)
class Bar:
    kind: str  # "baseline" | "actual" | "target"
    word: str  # 「基準」, 「目標」 or "", under the year
    year: str  # "H30", "R3"
    value: str  # "5,233", or "" when not labelled
    x: float  # the bar's left edge
    width: float
    y: float  # the bar's top edge
    height: float
    fill: str
    value_y: float

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class MiniChart:
    id: str
    title: str  # the chart in words, for screen readers
    bars: tuple[Bar, ...]
    zero_y: float
    width: int = WIDTH
    height: int = HEIGHT
    font_size: int = FONT_SIZE
    year_y: float = BOTTOM + 17
    word_y: float = BOTTOM + 34
    ink: str = palette.TEXT
    muted: str = palette.MUTED


def mini_chart(
    *,
    code: str,
    name: str,
    unit: str,
    baseline: Point | None,
    target: Point | None,
    actuals: Mapping[int, Decimal],
    grade: Grade,
    grade_scale: Sequence[Grade] | None = None,
) -> MiniChart:
    """The geometry of an indicator's mini chart: pure arithmetic, drawn by includes/mini_chart.svg."""
    items = []  # (kind, word, fy, value)
    if baseline is not None:
        items.append(("baseline", pgettext("a word under a bar", "基準"), baseline.fy, baseline.value))
    items += [("actual", "", fy, value) for fy, value in sorted(actuals.items())]
    if target is not None:
        items.append(("target", pgettext("a word under a bar", "目標"), target.fy, target.value))
    values = [float(value) for *_, value in items]
    high, low = max([0.0, *values]), min([0.0, *values])
    span = (high - low) or 1.0
    zero_y = TOP + (high / span) * (BOTTOM - TOP)
    slot = WIDTH / max(len(items), 1)
    bar_width = min(slot * 0.62, MAX_BAR_WIDTH)
    last_actual = max((i for i, item in enumerate(items) if item[0] == "actual"), default=None)
    fills = {
        "baseline": palette.GRID,
        "actual": palette.grade_colour(grade, grade_scale),
        "target": palette.WHITE,
    }
    bars = []
    for index, (kind, word, fy, value) in enumerate(items):
        length = abs(float(value)) / span * (BOTTOM - TOP)
        if value != 0:
            length = max(length, MIN_BAR)
        top = zero_y - length if value >= 0 else zero_y
        labelled = len(items) <= MAX_LABELLED or kind != "actual" or index == last_actual
        bars.append(
            Bar(
                kind=kind,
                word=word,
                year=chart_year(fy),
                value=number(value) if labelled else "",
                x=round(index * slot + (slot - bar_width) / 2, 1),
                width=round(bar_width, 1),
                y=round(top, 1),
                height=round(length, 1),
                fill=fills[kind],
                value_y=round(top - 5 if value >= 0 else top + length + FONT_SIZE, 1),
            )
        )
    return MiniChart(
        id=f"mini-{code}", title=_in_words(name, unit, items), bars=tuple(bars), zero_y=round(zero_y, 1)
    )


def _in_words(name: str, unit: str, items) -> str:
    words = {"baseline": gettext("基準値"), "target": gettext("目標値")}
    with_word = pgettext("a value in the words of a chart", "%(word)s（%(year)s）%(value)s")
    parts = [
        pgettext("a value in the words of a chart", "%(year)s %(value)s")
        % {"year": chart_year(fy), "value": languages.spaced(number(value), unit)}
        if kind == "actual"
        else with_word
        % {"word": words[kind], "year": chart_year(fy), "value": languages.spaced(number(value), unit)}
        for kind, _, fy, value in items
    ]
    if not parts:
        return gettext("%(name)sの推移: 値はまだありません") % {"name": name}
    return gettext("%(name)sの推移: %(values)s") % {
        "name": name,
        "values": pgettext("list separator", "、").join(parts),
    }


def indicator_mini_chart(
    indicator, grade: Grade, scale: Sequence[Grade], actuals: Mapping[int, Decimal], fy: int | None = None
) -> MiniChart:
    """The mini chart of an indicator (an IndicatorView of a publication) as it stood at the end of fy (None:
    every actual given, as a publication's rows hold those up to its year)."""
    return mini_chart(
        code=indicator.code,
        name=languages.chart_name(indicator),
        unit=languages.chart_unit(indicator),
        baseline=Point(indicator.baseline_fy, indicator.baseline_value) if indicator.has_baseline else None,
        target=Point(indicator.target_fy, indicator.target_value) if indicator.has_target else None,
        actuals={year: value for year, value in actuals.items() if fy is None or year <= fy},
        grade=grade,
        grade_scale=scale,
    )


def mini_svg(chart: MiniChart) -> str:
    """The chart as a standalone SVG file (the card includes the same template inline)."""
    return render_to_string("includes/mini_chart.svg", {"chart": chart, "standalone": True})
