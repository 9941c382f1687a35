"""Display filters for the public pages: numbers, percentages, fiscal years and grades."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from indicators import evaluation, final
from plans import fiscal_years
from publications import languages, minicharts, palette
from publications.document import CARRY_KINDS

register = template.Library()


@register.filter
def text_of(item, name):
    """An item's text `name` in the page's language (languages.text_of)."""
    return languages.text_of(item, name)


@register.filter
def staff_text(item, name):
    """A text staff wrote in Japanese only (a publication's note, who published it): on the English pages
    marked as Japanese; "－" where there is none."""
    text = getattr(item, name, "") or ""
    if not text:
        return "－"
    return text if languages.in_japanese() else languages.marked_japanese(text)


@register.filter
def plain_text_of(item, name):
    return languages.plain_text_of(item, name)


@register.filter
def japanese_only(item, name="text"):
    return languages.japanese_only(item, name)


@register.filter
def any_japanese_only(items):
    """Whether an English page shows the Japanese of some of the items' texts (narratives)."""
    return any(languages.japanese_only(item) for item in items)


@register.filter
def with_unit(value, unit=""):
    """92.43 with "％" → "92.43％"; 5233 with "件" → "5,233件"; None → "－". The unit may be given as the
    indicator: the page's language then chooses its unit (languages.value_with_unit)."""
    if isinstance(unit, str):
        return evaluation.display_value(value, unit)
    return languages.value_with_unit(value, unit)


@register.filter
def chart_name(indicator):
    """What a chart (and its alt text) calls an indicator in the page's language (languages.chart_name)."""
    return languages.chart_name(indicator)


@register.filter
def unit_of(indicator):
    """An indicator's unit in the page's language, as text_of gives it."""
    return text_of(indicator, "unit")


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


@register.filter(expects_localtime=True)
def long_date(value):
    """A date as a reader of the page writes it: 2026年12月2日 / 2 December 2026."""
    return date_format(value, "j F Y" if languages.in_english() else "Y年n月j日") if value else "－"


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
def in_brackets(text):
    """（text） on a Japanese page, " (text)" on an English one (a no-break space: it also opens a
    span of its own, such as a share beside its count, which drops an ordinary leading space)."""
    return f"\u00a0({text})" if languages.in_english() else f"（{text}）"


@register.filter
def grade_word(grade):
    return languages.grade_word(grade)


@register.filter
def carry_kind(kind):
    """continued → 継続, revised → 見直し, new → 新規 (English: Continued, Revised, New)."""
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
        row.indicator, row.evaluation.grade, tuple(keys), tuple(sorted(row.actuals.items())), get_language()
    )


@lru_cache(maxsize=4096)
def inline_mini_chart(indicator, grade, scale: tuple, actuals: tuple, language: str | None = None) -> str:
    """The inline SVG of a mini chart, drawn once per process for the same chart: a page of a plan of 1,000
    indicators drawn without the page cache would otherwise render the chart's template 1,000 times. The
    arguments are the chart's whole content (a publication's IndicatorView, the grade, the scale, the actuals),
    so the same arguments always give the same chart (the language is among them: it words the chart); about
    3 KB each."""
    chart = minicharts.indicator_mini_chart(indicator, grade, list(scale), dict(actuals))
    return mark_safe(render_to_string("includes/mini_chart.svg", {"chart": chart, "standalone": False}))
