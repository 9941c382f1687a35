"""Display filters for the public pages: numbers, percentages, fiscal years and grades."""

from django import template

from indicators import evaluation
from plans import fiscal_years
from publications import minicharts, palette

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
    """2021 → "令和3年度（2021年度）"."""
    return fiscal_years.fiscal_year_label(fy) if fy else "－"


@register.filter
def wareki(fy):
    return fiscal_years.wareki(fy) if fy else "－"


@register.filter
def short_year(fy):
    return fiscal_years.short_label(fy) if fy else "－"


@register.filter
def grade_colour(grade, keys):
    """The palette name of a grade under the plan's rule, for its CSS class (keys from evaluation.grade_keys,
    whose order is the plan's scale)."""
    return palette.grade_colour_name(grade, list(keys))


@register.inclusion_tag("includes/mini_chart.svg")
def mini_chart(row, keys):
    """A card's mini chart, inline: the bars of the row's baseline, actuals and target (minicharts.py)."""
    chart = minicharts.indicator_mini_chart(row.indicator, row.evaluation.grade, list(keys), row.actuals)
    return {"chart": chart, "standalone": False}
