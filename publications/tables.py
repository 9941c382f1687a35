"""The sortable table of all indicators (django-tables2), over rows prepared from a publication."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext_lazy

from indicators.evaluation import display_percent
from plans.fiscal_years import short_label
from publications import languages, palette


class DecimalColumn(tables.Column):
    """Numbers sort as numbers (django-tables2 sorts list data in Python) and show with thousands separators."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        kwargs.setdefault("default", "－")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return f"{value:,}"


class PercentColumn(DecimalColumn):
    def render(self, value):
        return display_percent(value)


class IndicatorTable(tables.Table):
    code = tables.Column(pgettext_lazy("indicator code", "コード"), attrs={"td": {"class": "nowrap"}})
    name = tables.Column(gettext_lazy("成果指標"))
    policy = tables.Column(gettext_lazy("基本方針"), accessor="policy_label", order_by=("policy_number",))
    baseline = DecimalColumn(gettext_lazy("基準値"))
    actual = DecimalColumn(gettext_lazy("実績値"))
    target = DecimalColumn(gettext_lazy("目標値"))
    unit = tables.Column(gettext_lazy("単位"), accessor="unit_html", orderable=False)
    achievement = PercentColumn(gettext_lazy("達成率"))
    progress = PercentColumn(gettext_lazy("進捗率"))
    grade = tables.Column(gettext_lazy("評価"), order_by=("grade_order",))

    class Meta:
        template_name = "django_tables2/table.html"
        attrs = {"class": "data-table"}
        empty_text = gettext_lazy("条件に合う成果指標はありません。")
        orderable = True

    def render_name(self, value, record):
        url = reverse("public:indicator", args=[record["slug"], record["code"]])
        return format_html('<a href="{}?fy={}">{}</a>', url, record["fy"], record["name_html"])

    def render_grade(self, value, record):
        return format_html(
            '<span class="grade grade-colour-{}">{} {}</span>', record["grade_colour"], record["mark"], value
        )

    def render_actual(self, value, record):
        if record["actual_fy"] != record["fy"]:
            year = short_label(record["actual_fy"], get_language())
            shown = gettext("（%(year)s）") % {"year": year}
            return format_html("{}<br><small>{}</small>", f"{value:,}", shown)
        return f"{value:,}"


SORTABLE = {
    f"{sign}{name}"
    for name in ("code", "name", "policy", "baseline", "actual", "target", "achievement", "progress", "grade")
    for sign in ("", "-")
}  # the ?sort= values the table accepts (any other is ignored, as django-tables2 ignores it)
# The orders offered beside the filters, for screens too narrow for the table's clickable headings.
SORT_CHOICES = [
    ("", gettext_lazy("計画の順（指標コード）")),
    ("-achievement", gettext_lazy("達成率の高い順")),
    ("achievement", gettext_lazy("達成率の低い順")),
    ("-progress", gettext_lazy("進捗率の高い順")),
    ("progress", gettext_lazy("進捗率の低い順")),
    ("grade", gettext_lazy("評価の良い順")),
    ("-grade", gettext_lazy("評価の悪い順")),
    ("name", gettext_lazy("成果指標の名前の順")),
]


def indicator_rows(progress, grade_keys: dict) -> list[dict]:
    """Plain rows for IndicatorTable, in the page's language; grade_keys maps a Grade to a CSS-safe key and
    its order. `name` is the text that sorts, `name_html` the one shown (languages.text_of)."""
    rows = []
    for row in progress.indicators:
        indicator, result = row.indicator, row.evaluation
        key, order = grade_keys[result.grade]
        rows.append(
            {
                "slug": progress.plan.slug,
                "fy": progress.fy,
                "code": indicator.code,
                "name": languages.plain_text_of(indicator, "name"),
                "name_html": languages.text_of(indicator, "name"),
                "policy_number": row.policy.number,
                "policy_label": format_html(
                    "{} {}", row.policy.numeral, languages.text_of(row.policy, "title")
                ),
                "measure_id": row.measure.pk,
                "baseline": indicator.baseline_value,
                "actual": result.actual,
                "actual_fy": result.fy,
                "target": indicator.target_value,
                "unit": indicator.unit,
                "unit_en": indicator.unit_en,
                "unit_html": languages.text_of(indicator, "unit"),
                "achievement": result.achievement_rate,
                "progress": result.progress_rate,
                "grade": languages.grade_word(result.grade),
                "mark": result.grade.mark,
                "grade_key": key,
                "grade_colour": palette.grade_colour_name(result.grade, list(grade_keys)),
                "grade_order": order,
            }
        )
    return rows


def offered_filters(progress, grade_keys: dict) -> dict[str, set[str]]:
    """The values each filter of the table offers: basic policy numbers, measure ids, grade keys."""
    return {
        "policy": {str(p.policy.number) for p in progress.policies},
        "measure": {str(m.measure.pk) for p in progress.policies for m in p.measures},
        "grade": {key for key, _ in grade_keys.values()},
    }


def filter_rows(rows: list[dict], filters: dict[str, str], offered: dict[str, set[str]]) -> list[dict]:
    """The rows that match every filter given; ValueError for a filter value the table does not offer."""
    for name, value in filters.items():
        if value and value not in offered[name]:
            raise ValueError(name)
    fields = {"policy": "policy_number", "measure": "measure_id", "grade": "grade_key"}
    return [
        row
        for row in rows
        if all(not value or str(row[fields[name]]) == value for name, value in filters.items())
    ]
