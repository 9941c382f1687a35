"""Server-side charts for the public pages and the reports: plain data in, SVG text out.

Each chart is laid out here by plain arithmetic - where every bar, line and label goes - and written out by a
template (templates/charts/chart.svg), with no plotting library: a chart takes well under a millisecond, the
same data gives the same bytes, and every renderer is a pure function of its arguments, tested without a
request or a database. Views wrap the text (`HttpResponse(svg, content_type="image/svg+xml")`).

Layout rules, so that nothing collides:
- every label sits in its own place: a value above its bar (or below, if negative) and above the 目安 mark of
  that year; the year and its word (基準, 見込み, 目標) under the axis; the legend and the unit above the plot;
- a label that would not fit beside its neighbours is left out (the page's table gives every value), never
  drawn over them; the baseline, the latest actual, the projection and the target always keep theirs;
- the value axis starts at zero and stops at a round number just past the largest value; a percentage that
  cannot exceed 100 stops at 100.

Sizes are CSS pixels in a viewBox (one unit is one pixel at the chart's natural width, WIDTH). The page scales a
chart to its container; at 375 px a chart is about 343 px wide, and FONT_SIZE keeps its text above 12 px.
The text is real text (the reader's own Japanese font), which screen readers and search can read; each chart
has a <title>, and the page gives it a caption and a data table.

Colours come from palette.py, shared with the badges and the Excel report; a grade is never shown by colour
alone (its mark and word are written beside it). All text is near-black on white (17:1, well above 4.5:1).
"""

import hashlib
import logging
import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from decimal import Decimal

import redis
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language, gettext, pgettext

from indicators.evaluation import Grade, Point, unit_kind
from plans.fiscal_years import short_label
from publications import languages
from publications.palette import EARLIER, GRID, MUTED, TEXT, WHITE, grade_colour

logger = logging.getLogger(__name__)

WIDTH = 400
FONT_SIZE = 15  # ×343/400 ≈ 12.9 CSS px on a 375 px phone
SMALL = 14  # the unit and the words under the years: 12.0 px there
LINE = FONT_SIZE + 5
MIN_BAR = 3
FONT_FAMILY = "Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif"

# Part of every cache key: bump it when a change to the drawing should reach charts already cached.
CHART_VERSION = "8"
CACHE_TIMEOUT = 60 * 60 * 24 * 7  # keys are content-addressed and never stale; expiry only clears dead ones


def number(value: Decimal) -> str:
    """5233 → "5,233"; 92.4300 → "92.43": the value as it was written, with thousands separators."""
    value = value.normalize()
    if value.as_tuple().exponent > 0:  # normalize() writes 1200 as 1.2E+3
        value = value.quantize(Decimal(1))
    return f"{value:,}".replace("-", "−")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """How wide a text is drawn, near enough to keep labels apart: a full-width character is one em, the rest
    (digits, Latin letters, punctuation) about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in text)


# --- The shapes a chart is made of ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str = TEXT
    dash: str = ""


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 1
    dash: str = ""


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # the baseline of the text
    text: str
    anchor: str = "middle"  # start | middle | end
    size: float = FONT_SIZE
    fill: str = TEXT
    bold: bool = False

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom), estimated as a browser measures it (a Japanese font's ascent and
        descent): for keeping labels apart, and for the tests."""
        width = text_width(self.text, self.size)
        left = self.x - {"start": 0, "middle": width / 2, "end": width}[self.anchor]
        return (left, self.y - 1.1 * self.size, left + width, self.y + 0.35 * self.size)

    @property
    def ground(self) -> tuple[str, str, str, str]:
        """(x, y, width, height) of the white ground under the label, its box and 1.5 units around: the light
        grid may run behind a label, and this keeps the label legible where it does (in every renderer, which a
        stroked halo is not: WeasyPrint paints a halo over the text and takes seconds to draw one)."""
        left, top, right, bottom = self.box
        return tuple(f"{v:.1f}" for v in (left - 1.5, top - 1.5, right - left + 3, bottom - top + 3))


@dataclass(frozen=True)
class Chart:
    title: str
    width: float
    height: float
    rects: tuple[Rect, ...] = ()
    lines: tuple[Line, ...] = ()
    labels: tuple[Label, ...] = ()

    def svg(self) -> str:
        return render_to_string("charts/chart.svg", {"chart": self, "font_family": FONT_FAMILY})


def _r(value: float) -> float:
    return round(value, 1)


# --- The value axis ---------------------------------------------------------------------------------------


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values from at or below `low` to at or above `high`, about `count` steps: 0, 300, 600, …"""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step + 1e-9) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(tick, 10) for tick in ticks]


def tick_label(value: float) -> str:
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "0") else text.replace("-", "−")


def value_ticks(values: Sequence[float], unit: str, may_exceed_100: bool) -> list[float]:
    low, high = min([0.0, *values]), max([0.0, *values])
    ticks = nice_ticks(low, high)
    if unit_kind(unit) == "percent" and not may_exceed_100 and high <= 100 and ticks[-1] > 100:
        ticks = [tick for tick in ticks if tick < 100] + [100.0]  # a rate stops at 100 ％, not 120
    return ticks


# --- An indicator's chart ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    fy: int
    kind: str  # earlier | baseline | actual | empty | projection | target
    value: Decimal | None
    word: str = ""  # 基準, 見込み, 目標


def chart_year(fy: int) -> str:
    """A year under the axis: "R3" (Japanese), "2021" (English: narrower than "FY2021")."""
    return str(fy) if get_language() == "en" else short_label(fy)


def _slots(baseline, target, actuals, projection, earlier=None) -> list[Slot]:
    """One slot per fiscal year from the first drawn to the target's (time to scale), then the target.
    `earlier` are the predecessor plan's values of years before this plan's first."""
    earlier = earlier or {}
    years = [*actuals, *earlier, *(p.fy for p in (baseline, target) if p is not None)]
    if not years:
        return []
    slots = []
    for fy in range(min(years), max(years) + 1):
        if fy in earlier and fy not in actuals and not (baseline is not None and fy == baseline.fy):
            slots.append(Slot(fy, "earlier", earlier[fy]))
        elif fy in actuals:
            slots.append(Slot(fy, "actual", actuals[fy]))
        elif baseline is not None and fy == baseline.fy:
            slots.append(Slot(fy, "baseline", baseline.value, pgettext("a word under a bar", "基準")))
        elif projection is not None and fy == projection.fy:
            slots.append(Slot(fy, "projection", projection.value, pgettext("a word under a bar", "見込み")))
        else:
            slots.append(Slot(fy, "empty", None))
    if target is not None:
        slots.append(Slot(target.fy, "target", target.value, pgettext("a word under a bar", "目標")))
    return slots


def _expected(reference: Point | None, target: Point | None, fy: int) -> float | None:
    """The value at fy on the straight line from the reference to the target (the 目安 of the pace method)."""
    if reference is None or target is None or target.fy <= reference.fy or not reference.fy < fy <= target.fy:
        return None
    share = (fy - reference.fy) / (target.fy - reference.fy)
    return float(reference.value) + (float(target.value) - float(reference.value)) * share


def indicator_chart(
    *,
    name: str,
    unit: str,
    baseline: Point | None,
    target: Point | None,
    actuals: Mapping[int, Decimal],
    grade: Grade,
    projection: Point | None = None,
    expected_line: bool = True,
    may_exceed_100: bool = False,
    grade_scale: Sequence[Grade] | None = None,
    title: str | None = None,
    fy_labels: Callable[[int], str] | None = None,
    yearly_targets: Mapping[int, Decimal] | None = None,
    earlier: Mapping[int, Decimal] | None = None,
    boundary_fy: int | None = None,
    language: str | None = None,
) -> str:
    """The indicator page's chart as SVG text (see `indicator_layout`), worded in `language` (None: the
    active one)."""
    with translation.override(language or get_language()):
        return indicator_layout(
            yearly_targets=yearly_targets,
            earlier=earlier,
            boundary_fy=boundary_fy,
            name=name,
            unit=unit,
            baseline=baseline,
            target=target,
            actuals=actuals,
            grade=grade,
            projection=projection,
            expected_line=expected_line,
            may_exceed_100=may_exceed_100,
            grade_scale=grade_scale,
            title=title,
            fy_labels=fy_labels,
        ).svg()


def apart(
    candidates: Sequence[tuple[float, Label]], fixed: Sequence[Label] = (), gap: float = 2
) -> list[Label]:
    """The labels that keep clear of each other and of the `fixed` ones (the axis), taken by rank (lowest
    first): one that would touch a label already taken is left out. They come back in the order given."""
    taken: list[tuple[int, Label]] = [(-1, label) for label in fixed]
    for index, (_rank, label) in sorted(enumerate(candidates), key=lambda item: (item[1][0], item[0])):
        left, top, right, bottom = label.box
        if all(
            left >= other.box[2] + gap
            or right + gap <= other.box[0]
            or top >= other.box[3]
            or bottom <= other.box[1]
            for _, other in taken
        ):
            taken.append((index, label))
    return [label for index, label in sorted(taken, key=lambda item: item[0]) if index >= 0]


def indicator_layout(
    *,
    name: str,
    unit: str,
    baseline: Point | None,
    target: Point | None,
    actuals: Mapping[int, Decimal],
    grade: Grade,
    projection: Point | None = None,
    expected_line: bool = True,
    may_exceed_100: bool = False,
    grade_scale: Sequence[Grade] | None = None,
    title: str | None = None,
    fy_labels: Callable[[int], str] | None = None,
    yearly_targets: Mapping[int, Decimal] | None = None,
    earlier: Mapping[int, Decimal] | None = None,
    boundary_fy: int | None = None,
) -> Chart:
    """Bars for the baseline (light grey), each year's actual (the grade's colour), the projection to the
    target year (dashed outline, 「見込み」) and the target (white, 「目標」), each with its value above it; with
    `expected_line`, a mark across each actual's bar where the expected pace (目安) puts that year. Years run
    from the first drawn to the target's, empty years included, so that time is to scale. `yearly_targets`
    (年度目標) draw as steps across their years, and take the place of the 目安 mark there. `earlier` (the
    predecessor plan's baseline and actuals, for a carried indicator) draw as dark grey bars before a dashed
    line at `boundary_fy`, the first year of this plan."""
    actuals = dict(sorted(actuals.items()))
    reference = baseline or (Point(min(actuals), actuals[min(actuals)]) if actuals else None)
    earlier = {fy: value for fy, value in (earlier or {}).items() if boundary_fy is None or fy < boundary_fy}
    slots = _slots(baseline, target, actuals, projection, earlier)
    steps = {
        fy: float(value)
        for fy, value in sorted((yearly_targets or {}).items())
        if target is not None and fy < target.fy and any(s.fy == fy for s in slots)
    }
    expected = {
        slot.fy: value
        for slot in slots
        if expected_line
        and slot.kind == "actual"
        and slot.fy not in steps
        and (value := _expected(reference, target, slot.fy)) is not None
    }
    colour = grade_colour(grade, grade_scale)
    legend = []
    if actuals:
        word = f"{grade.mark} {languages.grade_word(grade)}"
        legend.append(("bar", colour, pgettext("chart legend", "実績（%(grade)s）") % {"grade": word}))
    if expected:
        legend.append(("mark", MUTED, pgettext("chart legend", "目安（期間の経過）")))
    if steps:
        legend.append(("mark", TEXT, pgettext("chart legend", "年度目標")))
    if any(slot.kind == "earlier" for slot in slots):
        legend.append(("bar", EARLIER, pgettext("chart legend", "前の計画の値")))

    rects, lines, labels = [], [], []
    x, y = 0.0, 8.0  # the legend, left to right, wrapping
    for kind, fill, text in legend:
        item = 20 + text_width(text)
        if x and x + item > WIDTH:
            x, y = 0.0, y + LINE
        if kind == "bar":
            rects.append(Rect(_r(x), _r(y + 3), 14, FONT_SIZE - 4, fill))
        else:
            lines.append(
                Line(_r(x), _r(y + FONT_SIZE / 2 + 2), _r(x + 16), _r(y + FONT_SIZE / 2 + 2), fill, 3)
            )
        labels.append(Label(_r(x + 20), _r(y + FONT_SIZE), text, "start"))
        x += item + 16
    top = y + (LINE if legend else 0) + LINE  # below the legend, the unit above the axis
    labels.append(
        Label(0, _r(top - 4), pgettext("a chart's unit", "（%(unit)s）") % {"unit": unit}, "start", SMALL)
    )
    plot_top = top + 14
    plot_bottom = plot_top + 180
    height = plot_bottom + 2 * LINE + 8
    values = (
        [float(s.value) for s in slots if s.value is not None]
        + list(expected.values())
        + list(steps.values())
    )
    ticks = value_ticks(values, unit, may_exceed_100)
    if ticks[0] < 0:  # room under the lowest bar for its label, above the years
        ticks.insert(0, ticks[0] - (ticks[1] - ticks[0]))
    low, high = ticks[0], ticks[-1]

    def y_of(value: float) -> float:
        return plot_bottom - (value - low) / (high - low) * (plot_bottom - plot_top)

    axis_width = max(text_width(tick_label(t)) for t in ticks) + 8
    left, right = axis_width, WIDTH - 4

    for tick in ticks:
        y = _r(y_of(tick))
        lines.append(Line(_r(left), y, _r(right), y, GRID if tick else MUTED, 1))
        labels.append(Label(_r(left - 6), _r(y + FONT_SIZE * 0.35), tick_label(tick), "end"))

    if not slots or not actuals:
        message = gettext("値がまだありません") if not slots else gettext("実績値はまだありません")
        labels.append(Label(_r((left + right) / 2), _r((plot_top + plot_bottom) / 2), message))
    if slots:
        # An empty year takes half a slot: time stays roughly to scale, and the bars keep room for labels.
        weights = [0.5 if slot.kind == "empty" else 1.0 for slot in slots]
        slot_width = (right - left) / sum(weights)
        bar_width = min(slot_width * 0.62, 40)
        starts = [left + slot_width * sum(weights[:i]) for i in range(len(slots))]
        key = {i for i, s in enumerate(slots) if s.kind in ("baseline", "projection", "target")}
        actual_indices = [i for i, s in enumerate(slots) if s.kind == "actual"]
        if actual_indices:
            key.add(actual_indices[-1])
        crowded = any(text_width(number(s.value)) > slot_width - 4 for s in slots if s.value is not None)
        fills = {"earlier": EARLIER, "baseline": GRID, "actual": colour, "projection": WHITE, "target": WHITE}
        zero_y = y_of(0.0)
        # Which label keeps its place when two would touch: the latest actual, the target, the baseline and the
        # projection first, then the other years from the left.
        ranks = {i: rank for rank, i in enumerate(actual_indices[-1:])}
        for kind in ("target", "baseline", "projection"):
            ranks |= {i: len(ranks) for i, s in enumerate(slots) if s.kind == kind and i not in ranks}
        candidates: list[tuple[float, Label]] = []
        for index, slot in enumerate(slots):
            centre = starts[index] + slot_width * weights[index] / 2
            rank = ranks.get(index, 10 + index)
            year = (fy_labels or chart_year)(slot.fy)
            candidates.append((rank, Label(_r(centre), _r(plot_bottom + LINE), year)))
            if slot.word:
                candidates.append(
                    (
                        rank,
                        Label(_r(centre), _r(plot_bottom + 2 * LINE + 2), slot.word, size=SMALL, fill=MUTED),
                    )
                )
            if slot.value is None:
                continue
            value = float(slot.value)
            bar_top, bar_bottom = sorted((y_of(value), zero_y))
            if value and bar_bottom - bar_top < MIN_BAR:  # a value tiny beside the others stays visible
                bar_top, bar_bottom = (zero_y - MIN_BAR, zero_y) if value > 0 else (zero_y, zero_y + MIN_BAR)
            rects.append(
                Rect(
                    _r(centre - bar_width / 2),
                    _r(bar_top),
                    _r(bar_width),
                    _r(max(bar_bottom - bar_top, 0)),
                    fills[slot.kind],
                    dash="4 3" if slot.kind == "projection" else "",
                )
            )
            mark = expected.get(slot.fy)
            if mark is not None:
                mark_y = _r(y_of(mark))
                ends = (_r(centre - bar_width / 2 - 5), _r(centre + bar_width / 2 + 5))
                for stroke, width in (
                    (WHITE, 5),
                    (MUTED, 3),
                ):  # a white edge keeps the mark apart from the bar
                    lines.append(Line(ends[0], mark_y, ends[1], mark_y, stroke, width))
            if crowded and index not in key:
                continue
            if value >= 0:
                above = min(bar_top, y_of(mark) - 3 if mark is not None else bar_top)
                label = Label(_r(centre), _r(above - 9), number(slot.value), bold=slot.kind == "actual")
            else:
                below = max(bar_bottom, y_of(mark) + 3 if mark is not None else bar_bottom)
                label = Label(_r(centre), _r(below + FONT_SIZE + 5), number(slot.value), bold=True)
            candidates.append((rank, label))
        first_own = next(
            (i for i, s in enumerate(slots) if boundary_fy is not None and s.fy >= boundary_fy), None
        )
        if first_own and earlier:  # the line between the predecessor's years and this plan's
            x = _r(starts[first_own] - 1)
            lines.append(Line(x, _r(plot_top - 6), x, _r(plot_bottom), TEXT, 1.5, "5 3"))
            labels.append(Label(_r(x + 4), _r(plot_top + 4), gettext("この計画"), "start", SMALL, fill=MUTED))
        previous = None  # the steps of the yearly targets, joined where their years are next to each other
        for index, slot in enumerate(slots):
            if slot.fy not in steps or slot.kind not in ("actual", "empty"):
                continue
            step_y = _r(y_of(steps[slot.fy]))
            x1, x2 = _r(starts[index] + 2), _r(starts[index] + slot_width * weights[index] - 2)
            if previous is not None and previous[0] == index - 1:
                lines.append(Line(previous[1], previous[2], x1, previous[2], TEXT, 2, "3 2"))
                lines.append(Line(x1, previous[2], x1, step_y, TEXT, 2, "3 2"))
            for stroke, width in ((WHITE, 5), (TEXT, 2.5)):
                lines.append(Line(x1, step_y, x2, step_y, stroke, width))
            previous = (index, x2, step_y)
        labels += apart(candidates, fixed=labels)
    return Chart(
        title=title or gettext("%(name)sの実績値と目標値") % {"name": name},
        width=WIDTH,
        height=_r(height),
        rects=tuple(rects),
        lines=tuple(lines),
        labels=tuple(labels),
    )


# --- The grade counts -----------------------------------------------------------------------------------


def grade_summary_layout(counts: Mapping[Grade, int], title: str) -> Chart:
    """One horizontal bar per grade in the order given (best first), each labelled with its mark, word and
    count: 「◎ 達成 ▇▇ 1」."""
    grades = list(counts)
    row = 34
    names = [f"{grade.mark} {languages.grade_word(grade)}" for grade in grades]
    label_width = max([text_width(name) for name in names] + [0]) + 10
    longest = max([*counts.values(), 1])
    count_width = text_width(str(longest)) + 8
    bar_space = WIDTH - label_width - count_width - 4
    rects, labels = [], []
    for index, (grade, name) in enumerate(zip(grades, names, strict=True)):
        y = 6 + index * row
        labels.append(Label(_r(label_width - 10), _r(y + row / 2 + FONT_SIZE * 0.35), name, "end"))
        length = counts[grade] / longest * bar_space
        if counts[grade]:
            rects.append(Rect(_r(label_width), _r(y + 5), _r(length), row - 10, grade_colour(grade, grades)))
        labels.append(
            Label(
                _r(label_width + length + 6), _r(y + row / 2 + FONT_SIZE * 0.35), str(counts[grade]), "start"
            )
        )
    height = 12 + row * len(grades)
    lines = (Line(_r(label_width), 6, _r(label_width), _r(height - 6), MUTED, 1),)
    return Chart(title, WIDTH, height, tuple(rects), lines, tuple(labels))


def grade_summary_chart(counts: Mapping[Grade, int], title: str) -> str:
    return grade_summary_layout(counts, title).svg()


# --- Caching -------------------------------------------------------------------------------------------


def _canonical(value: object) -> str:
    """A repr that is the same for equal data in every process: dicts sorted, functions by name.

    Anything whose repr could hold a memory address (an object without a repr of its own, a lambda) is
    refused rather than allowed to give a key that differs on each request.
    """
    if value is None or isinstance(value, bool | int | float | str | Decimal | date):
        return repr(value)
    if is_dataclass(value) and not isinstance(value, type):
        inner = ", ".join(f"{f.name}={_canonical(getattr(value, f.name))}" for f in fields(value))
        return f"{type(value).__qualname__}({inner})"
    if isinstance(value, Mapping):
        items = sorted(f"{_canonical(k)}: {_canonical(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        opening, closing = "[]" if isinstance(value, list) else "()"
        return opening + ", ".join(map(_canonical, value)) + closing
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(map(_canonical, value))) + "}"
    if callable(value) and "<" not in getattr(value, "__qualname__", "<"):
        return f"{value.__module__}.{value.__qualname__}"
    raise TypeError(f"a chart cannot be cached on a {type(value).__name__}: pass plain values")


def cache_key(kind: str, data: object) -> str:
    """The content address of a chart: SHA-256 of the chart version, its kind and its data."""
    digest = hashlib.sha256(f"{CHART_VERSION}\0{kind}\0{_canonical(data)}".encode()).hexdigest()
    return f"chart:{digest}"


def cached_chart(kind: str, data: object, render: Callable[[], str]) -> str:
    """The chart `render()` draws, from Django's cache when the same chart was drawn before.

    The key is content-addressed: a SHA-256 of `kind` ("indicator", "mini", "grades", ...) and of a canonical
    repr of `data`, which must be everything the chart is drawn from - every value, the baseline, the target,
    the grade, the labels, the title and the size - normally the very arguments the renderer receives:

        chart = dict(name=..., unit=..., baseline=..., target=..., actuals=..., grade=..., title=...)
        svg = cached_chart("indicator", chart, lambda: indicator_chart(**chart))

    So a changed value, target or grading gives a new key and shows on the next request, with nothing to
    invalidate, and unchanged data is drawn once (per cache). Entries for data that changed are left to expire.
    `data` may hold None, numbers, Decimals, strings, dates, dataclasses (Point, Grade), dicts, lists, tuples,
    sets and named functions; anything else raises TypeError. CHART_VERSION is part of the key, so that a
    change to the drawing itself is shipped by bumping it.
    """
    key = cache_key(kind, data)
    try:
        svg = caches["charts"].get(key)
    except redis.RedisError:  # the cache is down: draw the chart, as on a miss, rather than fail the image
        logger.warning("The chart cache does not answer; drawing a %s chart.", kind)
        return render()
    if svg is None:
        svg = render()
        try:
            caches["charts"].set(key, svg, CACHE_TIMEOUT)
        except redis.RedisError:
            logger.warning("The chart cache does not answer; a %s chart is not stored.", kind)
    return svg


def indicator_svg(
    indicator,
    result,
    scale: Sequence[Grade],
    fy: int,
    *,
    actuals: Mapping | None = None,
    earlier: Mapping[int, Decimal] | None = None,
    boundary_fy: int | None = None,
) -> str:
    """The chart of one indicator as it stood at the end of fiscal year fy, from the cache when drawn before.

    `indicator` is an Indicator (its values prefetched), `result` its Evaluation at fy, `scale` the plan's
    grade scale (for the colour of custom grades); `actuals` the values to draw (the published ones by default,
    the drafts in a staff preview).
    """
    actuals = indicator.actuals() if actuals is None else actuals
    data = {
        "baseline": Point(indicator.baseline_fy, indicator.baseline_value)
        if indicator.has_baseline
        else None,
        "target": Point(indicator.target_fy, indicator.target_value) if indicator.has_target else None,
        "actuals": {year: value for year, value in actuals.items() if year <= fy},
        "grade": result.grade,
        "grade_scale": list(scale),
        "projection": Point(result.projection.fy, result.projection.value) if result.projection else None,
        "may_exceed_100": getattr(indicator, "may_exceed_100", False),
        "yearly_targets": dict(getattr(indicator, "interim_targets", ())),
        "earlier": dict(earlier or {}),
        "boundary_fy": boundary_fy,
    }
    data |= {
        "name": languages.chart_name(indicator),
        "unit": languages.chart_unit(indicator),
        "language": get_language(),  # the words of the chart
    }
    return cached_chart("indicator", data, lambda: indicator_chart(**data))


def row_svg(row, progress) -> str:
    """The chart of a row of a PlanProgress (publications.progress), with the predecessor's values when the
    indicator carries on from one."""
    earlier = row.earlier_values()
    return indicator_svg(
        row.indicator,
        row.evaluation,
        progress.grade_scale,
        progress.fy,
        actuals=row.actuals,
        earlier=earlier,
        boundary_fy=progress.plan.start_fy if earlier else None,
    )


def grade_summary_svg(counts: Mapping[Grade, int], title: str) -> str:
    data = {"counts": dict(counts), "title": title, "language": get_language()}  # the grades' words
    return cached_chart("grades", data, lambda: grade_summary_chart(data["counts"], title))
