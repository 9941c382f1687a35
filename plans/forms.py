"""Form fields shared by the admin screens of every app."""

from django import forms
from django.core.exceptions import ValidationError

from plans.fiscal_years import requested_fiscal_year

FISCAL_YEAR_HELP = "西暦（2022）でも和暦（R4、令和4年度）でも入力できます。"
# The model fields that hold a fiscal year, in every app.
FISCAL_YEAR_FIELDS = frozenset({"fiscal_year", "baseline_fy", "target_fy", "start_fy", "end_fy"})


class FiscalYearField(forms.IntegerField):
    """A fiscal year as staff write it: 2022, R4, 令和4年度 or 令和4年度（2022年度）, as the plan file reads it."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", FISCAL_YEAR_HELP)
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "text", "size": 14}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return requested_fiscal_year(str(value))
        except ValueError:
            raise ValidationError(
                f"「{value}」は年度として読み取れません。2022、R4、令和4年度 のように入力してください。",
                code="invalid",
            ) from None


def fiscal_year_formfield(db_field, **kwargs):
    """The form field for a model field, a FiscalYearField for the fiscal years (ModelAdmin.formfield_for_dbfield)."""
    if db_field.name not in FISCAL_YEAR_FIELDS:
        return None
    help_text = FISCAL_YEAR_HELP + (f" {db_field.help_text}" if db_field.help_text else "")
    return db_field.formfield(form_class=FiscalYearField, help_text=help_text, **kwargs)
