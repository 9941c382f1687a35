"""Server-side charts for the public dashboards: plain data in, SVG text out.

Drawn with matplotlib's object API (`matplotlib.figure.Figure`), never pyplot, whose global figure registry is
not thread-safe in a server. Every renderer is a pure function of its arguments, so it is tested without a
request or a database; views wrap the text (`HttpResponse(svg, content_type="image/svg+xml")`) or inline it.

The SVG is made to be inlined in HTML5: no XML declaration, DOCTYPE or metadata; text drawn as paths (it
renders the same on every device, with no Japanese font needed in the browser); ids prefixed per chart, so
that several charts on one page stay valid; `role="img"` and a <title> naming the chart. The page gives each
chart a caption and a data table, so a chart may be purely visual.

Sizes are CSS pixels (one SVG unit is one pixel). The page scales a chart to its container: at the default
width of 420, a 375 px phone (343 px of content) shows the 13-14 px labels at about 11 px.

Colours come from palette.py, shared with the badges and the Excel report; a grade is never shown by colour
alone (its mark and word are written beside it). All text is near-black on white (17:1, well above 4.5:1).
"""

import hashlib
import html
import io
import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal

import matplotlib
import matplotlib_fontja  # noqa: F401  (registers IPAexGothic with matplotlib's font manager)
import redis
from django.core.cache import caches
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from indicators.evaluation import Grade, Point
from plans.fiscal_years import short_label
from publications.palette import GRID, MUTED, TEXT, grade_colour

logger = logging.getLogger(__name__)

FONT = "IPAexGothic"  # shipped by matplotlib-fontja
PX = 72  # figure dpi: one point is one SVG unit, which the page shows as one CSS pixel
NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
RC = {
    "font.family": FONT,
    "svg.fonttype": "path",
    "svg.hashsalt": "kumamoto-welfare",  # fixed, so the same data gives the same SVG (and cache entry)
    "axes.unicode_minus": True,
    "text.parse_math": False,  # a name or unit with "$" is text, never mathtext (a bad one raised an error)
    "text.color": TEXT,
    "axes.edgecolor": MUTED,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT,
}
TICK_SIZE = 14
LABEL_SIZE = 13
# A white ground keeps a label readable where a line of the chart runs through it.
CLEAR = {"boxstyle": "square,pad=0.12", "facecolor": "white", "edgecolor": "none"}

# Part of every cache key: bump it when a change to the drawing should reach charts already cached.
CHART_VERSION = "2"
CACHE_TIMEOUT = 60 * 60 * 24 * 7  # keys are content-addressed and never stale; expiry only clears dead ones

# rc_context swaps matplotlib's process-wide rcParams and restores them on exit; without the lock, two threads
# drawing at once could restore each other's settings mid-drawing.
_drawing_lock = threading.RLock()


@contextmanager
def _drawing() -> Iterator[None]:
    with _drawing_lock, matplotlib.rc_context(RC):
        yield


def number(value: Decimal) -> str:
    """5233 → "5,233"; 92.4300 → "92.43": the value as it was written, with thousands separators."""
    value = value.normalize()
    if value.as_tuple().exponent > 0:  # normalize() writes 1200 as 1.2E+3
        value = value.quantize(Decimal(1))
    return f"{value:,}".replace("-", "−")


def _tick(value: float, _position) -> str:
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "0") else text.replace("-", "−")


def _year_label(fy_labels: Mapping[int, str] | Callable[[int], str], fy: int) -> str:
    if callable(fy_labels):
        return fy_labels(fy)
    return fy_labels.get(fy) or short_label(fy)


def _years(baseline: Point | None, target: Point | None, actuals: Mapping[int, Decimal]) -> list[int]:
    """Every fiscal year from the first to the last drawn, gaps included, so that time is to scale."""
    drawn = [*actuals, *(point.fy for point in (baseline, target) if point is not None)]
    return list(range(min(drawn), max(drawn) + 1)) if drawn else []


def _value_limits(values: list[float], headroom: float) -> tuple[float, float]:
    """From zero (bars start there) to past the largest value, with room above for the labels."""
    top, bottom = max([*values, 0.0]), min([*values, 0.0])
    span = (top - bottom) or 1.0
    return bottom - (headroom * span if bottom < 0 else 0.0), top + headroom * span


def _indicator_figure(
    *,
    unit: str,
    baseline: Point | None,
    target: Point | None,
    actuals: Mapping[int, Decimal],
    grade: Grade,
    fy_labels: Mapping[int, str] | Callable[[int], str] = short_label,
    expected_line: bool = True,
    grade_scale: Sequence[Grade] | None = None,
    width: int = 420,
    height: int = 300,
) -> Figure:
    """The indicator chart as a Figure, for `indicator_chart` and for tests that inspect its axes."""
    with _drawing():
        fig = Figure(figsize=(width / PX, height / PX), dpi=PX, layout="constrained")
        ax = fig.add_subplot()
        years = _years(baseline, target, actuals)
        if not years:
            _no_data(ax, "値がまだありません")
            return fig

        colour = grade_colour(grade, grade_scale)
        values = {fy: float(value) for fy, value in sorted(actuals.items())}
        handles = []
        if values:
            ax.bar(
                list(values), list(values.values()), width=0.6, color=colour, edgecolor=TEXT, linewidth=0.6
            )
            for fy, value in values.items():
                below = value < 0
                ax.annotate(
                    number(actuals[fy]),
                    (fy, value),
                    xytext=(0, -3 if below else 3),
                    textcoords="offset points",
                    ha="center",
                    va="top" if below else "bottom",
                    fontsize=LABEL_SIZE,
                    bbox=CLEAR,
                    zorder=5,
                )
            handles.append(
                Patch(
                    facecolor=colour,
                    edgecolor=TEXT,
                    linewidth=0.6,
                    label=f"実績（{grade.mark} {grade.label}）",
                )
            )
        else:
            _no_data(ax, "実績値はまだありません")

        reference = baseline or (Point(min(actuals), actuals[min(actuals)]) if actuals else None)
        if expected_line and target is not None and reference is not None and reference.fy < target.fy:
            ax.plot(
                [reference.fy, target.fy],
                [float(reference.value), float(target.value)],
                color=MUTED,
                linestyle=(0, (1, 2)),
                linewidth=2,
                zorder=3,
            )
            handles.append(
                Line2D([], [], color=MUTED, linestyle=(0, (1, 2)), linewidth=2, label="目安（期間の経過）")
            )

        if baseline is not None:
            ax.plot(
                [baseline.fy],
                [float(baseline.value)],
                marker="D",
                markersize=9,
                markerfacecolor="white",
                markeredgecolor=TEXT,
                markeredgewidth=1.5,
                linestyle="none",
                zorder=4,
            )
            if baseline.fy not in actuals:  # otherwise the bar's own label gives the value
                ax.annotate(
                    f"基準 {number(baseline.value)}",
                    (baseline.fy, float(baseline.value)),
                    xytext=(0, 8),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=LABEL_SIZE,
                    bbox=CLEAR,
                    zorder=5,
                )
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="D",
                    markersize=8,
                    markerfacecolor="white",
                    markeredgecolor=TEXT,
                    markeredgewidth=1.5,
                    linestyle="none",
                    label="基準値",
                )
            )

        left, right = years[0] - 0.6, years[-1] + 0.6
        if target is not None:
            goal = float(target.value)
            ax.plot(
                [left, target.fy], [goal, goal], color=TEXT, linestyle=(0, (6, 3)), linewidth=1.5, zorder=3
            )
            # Above the line, unless the expected pace comes down to it from above.
            above = reference is None or reference.value <= target.value
            ax.annotate(
                f"目標 {number(target.value)}{unit}",
                (target.fy + 0.45, goal),
                xytext=(0, 4 if above else -4),
                textcoords="offset points",
                ha="right",
                va="bottom" if above else "top",
                fontsize=LABEL_SIZE,
                bbox=CLEAR,
                zorder=5,
            )
            handles.append(Line2D([], [], color=TEXT, linestyle=(0, (6, 3)), linewidth=1.5, label="目標"))

        drawn = [*values.values(), *(float(p.value) for p in (baseline, target) if p is not None)]
        ax.set_ylim(*_value_limits(drawn, headroom=0.2))
        ax.set_xlim(left, right)
        step = -(-len(years) // 8)  # at most eight year labels, so that they never run into each other
        ax.xaxis.set_major_locator(FixedLocator(years[::step]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda fy, _: _year_label(fy_labels, round(fy))))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.yaxis.set_major_formatter(FuncFormatter(_tick))
        ax.tick_params(labelsize=TICK_SIZE, length=0)
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        ax.axhline(0, color=MUTED, linewidth=1, clip_on=False)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.annotate(
            f"（{unit}）",
            (0, 1),
            xycoords="axes fraction",
            xytext=(0, 10),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=LABEL_SIZE,
        )
        fig.legend(
            handles=handles,
            loc="outside upper center",
            ncols=2,
            frameon=False,
            fontsize=LABEL_SIZE,
            handlelength=2.4,
            columnspacing=1.4,
        )
    return fig


def indicator_chart(
    *,
    name: str,
    unit: str,
    baseline: Point | None,
    target: Point | None,
    actuals: Mapping[int, Decimal],
    grade: Grade,
    fy_labels: Mapping[int, str] | Callable[[int], str] = short_label,
    expected_line: bool = True,
    grade_scale: Sequence[Grade] | None = None,
    title: str | None = None,
    width: int = 420,
    height: int = 300,
) -> str:
    """The indicator page's chart: actuals as bars in the grade's colour, each labelled with its value; the
    baseline as a hollow diamond; the target as a dashed line up to its year, labelled "目標 1,200件"; and,
    with `expected_line`, the expected pace as a dotted line from the baseline (or the first actual) to the
    target. The y axis runs from zero past every value and the target; years are labelled H30, R1, ...
    """
    figure = _indicator_figure(
        unit=unit,
        baseline=baseline,
        target=target,
        actuals=actuals,
        grade=grade,
        fy_labels=fy_labels,
        expected_line=expected_line,
        grade_scale=grade_scale,
        width=width,
        height=height,
    )
    return _svg(figure, title or f"{name}の実績値と目標値")


def _grade_figure(counts: Mapping[Grade, int], *, width: int = 420, row_height: int = 36) -> Figure:
    grades = list(counts)
    with _drawing():
        fig = Figure(figsize=(width / PX, (row_height * len(grades) + 16) / PX), dpi=PX, layout="constrained")
        ax = fig.add_subplot()
        rows = list(range(len(grades)))
        ax.barh(
            rows,
            [counts[grade] for grade in grades],
            height=0.62,
            color=[grade_colour(grade, grades) for grade in grades],
            edgecolor=TEXT,
            linewidth=0.6,
        )
        for row, grade in zip(rows, grades, strict=True):
            ax.annotate(
                str(counts[grade]),
                (counts[grade], row),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=TICK_SIZE,
            )
        ax.set_yticks(rows, [f"{grade.mark} {grade.label}" for grade in grades])
        ax.set_ylim(len(grades) - 0.5, -0.5)  # best first, at the top
        ax.set_xlim(0, max([*counts.values(), 1]) * 1.15)
        ax.xaxis.set_major_locator(NullLocator())
        ax.tick_params(labelsize=TICK_SIZE, length=0)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
    return fig


def grade_summary_chart(counts: Mapping[Grade, int], title: str, *, width: int = 420) -> str:
    """How many indicators have each grade, one horizontal bar per grade in the order given (best first, as
    `evaluation.count_grades` returns them), each labelled with its mark, word and count."""
    return _svg(_grade_figure(counts, width=width), title)


def _no_data(ax: Axes, message: str) -> None:
    ax.text(
        0.5,
        0.5,
        message,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=LABEL_SIZE,
        bbox={"boxstyle": "square,pad=0.3", "facecolor": "white", "edgecolor": "none"},
        zorder=5,
    )


_XML_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
# matplotlib's `<style>*{stroke-linejoin: round; stroke-linecap: butt}</style>` would restyle every SVG
# element of the page it is inlined in; the same two properties are set on the root instead, and inherit.
_GLOBAL_STYLE = re.compile(r"<defs>\s*<style[^>]*>[^<]*</style>\s*</defs>\s*")
_ROOT = re.compile(r"<svg\b([^>]*)>")
_SIZE_IN_POINTS = re.compile(r'\b(width|height)="([0-9.]+)pt"')
_ID = re.compile(r'\bid="')
_REFERENCE = re.compile(r'(href="#|url\(#)')


def _svg(figure: Figure, title: str) -> str:
    """The figure as SVG text to inline in HTML5, named by `title`."""
    buffer = io.StringIO()
    with _drawing():
        figure.savefig(buffer, format="svg", metadata=NO_METADATA)
    svg = _XML_PROLOGUE.sub("", buffer.getvalue(), count=1)
    svg = _COMMENT.sub("", svg)
    svg = _GLOBAL_STYLE.sub("", svg, count=1)
    # Ids such as "figure_1" or a glyph's "IPAexGothic-30" recur in every chart; two charts on one page would
    # repeat them. A prefix from the chart's own content keeps them unique, and the same for the same chart.
    prefix = "c" + hashlib.sha256(svg.encode()).hexdigest()[:10] + "-"
    svg = _ID.sub(f'id="{prefix}', svg)
    svg = _REFERENCE.sub(lambda match: match[1] + prefix, svg)

    def root(match: re.Match) -> str:
        attributes = _SIZE_IN_POINTS.sub(r'\1="\2"', match[1])
        label = html.escape(title, quote=True)
        return (
            f'<svg{attributes} role="img" aria-label="{label}" stroke-linejoin="round" stroke-linecap="butt">'
            f"<title>{html.escape(title, quote=False)}</title>"
        )

    return _ROOT.sub(root, svg, count=1).strip() + "\n"


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
    indicator, result, scale: Sequence[Grade], fy: int, *, actuals: Mapping | None = None
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
    }
    data |= {"name": indicator.name, "unit": indicator.unit}
    return cached_chart("indicator", data, lambda: indicator_chart(**data))


def grade_summary_svg(counts: Mapping[Grade, int], title: str) -> str:
    data = {"counts": dict(counts), "title": title}
    return cached_chart("grades", data, lambda: grade_summary_chart(data["counts"], title))
