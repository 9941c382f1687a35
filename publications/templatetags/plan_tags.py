"""Display filters for the public pages: numbers, percentages, fiscal years and grades."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from indicators import evaluation, final
from plans import fiscal_years
from publications import minicharts, palette
from publications.document import CARRY_KINDS

register = template.Library()


@register.filter
def with_unit(value, unit=""):
    """92.43 with "％" → "92.43％"; 5233 with "件" → "5,233件"; None → "－"."""
    return evaluation.display_value(value, unit)


@register.filter
def percent(value):
    return evaluation.display_percent(value)


@register.filter
def fiscal_year(fy):
    """2021 → "令和3年度（2021年度）" (English: "FY2021 (Reiwa 3)")."""
    return fiscal_years.fiscal_year_label(fy, get_language()) if fy else "－"


@register.filter
def wareki(fy):
    return fiscal_years.wareki(fy, get_language()) if fy else "－"


@register.filter
def short_year(fy):
    return fiscal_years.short_label(fy, get_language()) if fy else "－"


@register.filter
def grade_colour(grade, keys):
    """The palette name of a grade under the plan's rule, for its CSS class (keys from evaluation.grade_keys,
    whose order is the plan's scale)."""
    return palette.grade_colour_name(grade, list(keys))


@register.simple_tag
def language_url(request, language: str) -> str:
    """The address of this page in another language, with the query the page was drawn from (request.GET:
    on a public page only the recognised parameters, so that nothing else is echoed into a kept page)."""
    path = request.path + (f"?{request.GET.urlencode()}" if request.GET else "")
    return request.build_absolute_uri(translate_url(path, language))


@register.filter
def grade_word(grade):
    """A grade's word in the page's language: 達成 / Achieved. A plan's own band keeps its label (the plan
    names it) until the plan gives an English one."""
    if get_language() == "en":
        return evaluation.ENGLISH_WORDS.get(grade) or final.ENGLISH_WORDS.get(grade) or grade.label
    return grade.label


@register.filter
def carry_kind(kind):
    """continued → 継続, revised → 見直し, new → 新規."""
    return CARRY_KINDS.get(kind, kind)


@register.filter
def summaries_of(measure, fy):
    """The 総括 of a measure (MeasureProgress) for the year fy."""
    return measure.summaries(fy)


@register.filter
def pair(first, second):
    """[first, second]: two values to loop over in a template."""
    return [first, second]


@register.filter
def final_colour(grade, scale):
    """The palette name of a final-evaluation grade on the plan's final scale, for its CSS class."""
    return palette.final_colour_name(grade, list(scale))


@register.filter
def signed_percent(value):
    """+12.5％ / −3.0％ / ±0.0％; None → "－"."""
    return "－" if value is None else final.signed_percent(value)


@register.simple_tag
def mini_chart(row, keys):
    """A card's mini chart, inline: the bars of the row's baseline, actuals and target (minicharts.py)."""
    return inline_mini_chart(
        row.indicator, row.evaluation.grade, tuple(keys), tuple(sorted(row.actuals.items()))
    )


@lru_cache(maxsize=4096)
def inline_mini_chart(indicator, grade, scale: tuple, actuals: tuple) -> str:
    """The inline SVG of a mini chart, drawn once per process for the same chart: a page of a plan of 1,000
    indicators drawn without the page cache would otherwise render the chart's template 1,000 times. The
    arguments are the chart's whole content (a publication's IndicatorView, the grade, the scale, the actuals),
    so the same arguments always give the same chart; about 3 KB each."""
    chart = minicharts.indicator_mini_chart(indicator, grade, list(scale), dict(actuals))
    return mark_safe(render_to_string("includes/mini_chart.svg", {"chart": chart, "standalone": False}))
