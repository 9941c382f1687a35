"""Forms of the staff screens: choosing a plan and year, the yearly bulk entry, the Excel upload."""

from django import forms
from django.core.exceptions import ValidationError

from indicators.models import GRADE_NOTE_LENGTH
from initiatives.entry import parse_value
from plans.fiscal_years import fiscal_year_label
from plans.models import Plan
from plans.validators import multiline_text, one_line_text

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class PlanYearForm(forms.Form):
    """The plan and year of the entry and publish screens.

    work maps a plan's pk to where its work is (an object with fy, the year to open at, and draft_years); the
    admin site gives it, since the drafts are known only above this app. The form opens at the first plan with
    drafts waiting and at that plan's year, and marks each year that has drafts.
    """

    plan = forms.ModelChoiceField(Plan.objects.all(), label="計画", empty_label=None)
    fy = forms.TypedChoiceField(label="年度", coerce=int, choices=[])

    def __init__(self, *args, work: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        plans = list(Plan.objects.all())
        work = work or {}
        years = sorted({fy for plan in plans for fy in plan.fiscal_years})
        with_drafts = {fy for item in work.values() for fy in item.draft_years}
        self.fields["fy"].choices = [
            (fy, fiscal_year_label(fy) + (" ― 下書きあり" if fy in with_drafts else "")) for fy in years
        ]
        self.drafts_waiting = [
            (plan, [fiscal_year_label(fy) for fy in work[plan.pk].draft_years])
            for plan in plans
            if plan.pk in work and work[plan.pk].draft_years
        ]
        opening = next((plan for plan, _years in self.drafts_waiting), plans[0] if plans else None)
        if opening is not None and opening.pk in work:
            self.initial.setdefault("plan", opening.pk)
            self.initial.setdefault("fy", work[opening.pk].fy)

    def clean(self):
        cleaned = super().clean()
        plan, fy = cleaned.get("plan"), cleaned.get("fy")
        if plan and fy and not plan.contains_fiscal_year(fy):
            self.add_error("fy", f"{fy}年度は計画期間（{plan.start_fy}～{plan.end_fy}年度）の外です。")
        return cleaned


class ValueEntryForm(forms.Form):
    """One indicator's row of the bulk entry screen."""

    indicator_id = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.CharField(label="実績値", required=False, max_length=40)
    note = forms.CharField(label="備考", required=False, max_length=500, validators=[multiline_text])
    grade_note = forms.CharField(
        label="評価の補足", required=False, max_length=GRADE_NOTE_LENGTH, validators=[one_line_text]
    )

    def __init__(self, *args, unit: str = "", may_exceed_100: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit, self.may_exceed_100 = unit, may_exceed_100

    def clean_value(self):
        text = self.cleaned_data["value"].strip()
        if not text:
            return None
        return parse_value(text, self.unit, self.may_exceed_100)


class BaseValueEntryFormSet(forms.BaseFormSet):
    def __init__(self, *args, indicators: list, **kwargs):
        self.indicators = indicators  # one per row, in the order sent
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        if index is None or index >= len(self.indicators):
            return {}
        indicator = self.indicators[index]
        return {"unit": indicator.unit, "may_exceed_100": indicator.may_exceed_100}

    def clean(self):
        ids = [form.cleaned_data.get("indicator_id") for form in self.forms if form.cleaned_data]
        if len(ids) != len(set(ids)):
            raise ValidationError("同じ成果指標が2回送信されました。画面を読み込み直してください。")


ValueEntryFormSet = forms.formset_factory(
    ValueEntryForm, formset=BaseValueEntryFormSet, extra=0, max_num=2000, validate_max=True
)


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label="入力用 Excel ファイル（.xlsx）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise ValidationError("ファイルが空です。")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"ファイルが大きすぎます（{upload.size:,} バイト）。{MAX_UPLOAD_BYTES // 1024 // 1024} MB"
                f"（{MAX_UPLOAD_BYTES:,} バイト）までのファイルにしてください。"
            )
        return upload
