from django import forms
from django.contrib import admin
from django.db.models import F
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from indicators.models import Indicator, IndicatorValue, YearlyTarget
from plans.admin import FiscalYearFieldsMixin, NoRevertHistoryAdmin


class IndicatorValueInline(FiscalYearFieldsMixin, admin.TabularInline):
    """The indicator's values, as drafts. A value's year cannot be changed once it exists (a value moved to
    another year would be a change no reviewer sees); new years are entered on the bulk entry screen."""

    model = IndicatorValue
    extra = 0
    fields = ["fiscal_year", "value", "note", "grade_note"]
    verbose_name_plural = "実績値（下書き。新しい年度の値は「年度ごとの一括入力」で入力します）"

    def get_readonly_fields(self, request, obj=None):
        return ["fiscal_year"] if obj is not None else []

    def has_add_permission(self, request, obj=None):
        return obj is None and super().has_add_permission(request, obj)


class YearlyTargetInline(FiscalYearFieldsMixin, admin.TabularInline):
    """Targets for years before the target year (年度目標): the year's grade is measured against them."""

    model = YearlyTarget
    extra = 0
    fields = ["fiscal_year", "value"]
    verbose_name_plural = (
        "年度目標（目標年度より前の年度ごとの目標値。設定した年度は、その目標に対して評価します）"
    )


class IndicatorForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Indicator
        fields = [
            "measure",
            "organisation",
            "code",
            "position",
            "name",
            "name_en",
            "unit",
            "unit_en",
            "direction",
            "baseline_fy",
            "baseline_value",
            "target_fy",
            "target_value",
            "tolerance",
            "may_exceed_100",
            "target_rationale",
            "target_rationale_en",
            "carried_from",
            "carry_over",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        # The plan follows from the measure; staff pick only the measure.
        measure = cleaned.get("measure")
        if measure is not None:
            self.instance.plan = measure.policy.plan
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = Indicator.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != expected:
                raise forms.ValidationError(
                    "この成果指標は、画面を開いた後に他の職員が変更したため保存しませんでした。"
                    f"{self.instance.latest_change()} 画面を読み込み直して、変更を確かめてから入力し直してください。"
                )
        return cleaned

    def validate_unique(self):
        # "plan" is excluded from the form, so Django would skip the (plan, code) constraint; check it here
        # so that a duplicate code gets a message next to the field instead of a database error.
        super().validate_unique()
        if self.instance.plan_id:
            clash = Indicator.objects.filter(plan=self.instance.plan, code=self.cleaned_data.get("code"))
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("code", "この計画には同じ指標コードの成果指標がすでにあります。")


@admin.register(Indicator)
class IndicatorAdmin(FiscalYearFieldsMixin, NoRevertHistoryAdmin):
    form = IndicatorForm

    class Media:
        js = ["js/indicator-form.js"]  # 許容幅 shown only for 維持する

    list_display = ["code", "name", "unit", "direction", "baseline", "target", "measure", "organisation"]
    list_display_links = ["code", "name"]
    list_filter = ["plan", "measure__policy", "direction", "organisation"]
    list_select_related = ["measure__policy__plan", "organisation"]
    search_fields = ["code", "name"]
    readonly_fields = ["changes_link"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "measure",
                    "organisation",
                    "code",
                    "position",
                    ("name", "name_en"),
                    ("unit", "unit_en"),
                    "direction",
                ]
            },
        ),
        (
            "基準値",
            {
                "fields": ["baseline_fy", "baseline_value"],
                "description": "基準値がない場合は両方とも空欄にします。",
            },
        ),
        (
            "目標値",
            {
                "fields": ["target_fy", "target_value", "tolerance", "may_exceed_100"],
                "description": "数値目標がない場合は年度と値を空欄にします。",
            },
        ),
        (
            "前の計画からの引き継ぎ・目標設定の考え方",
            {
                "fields": ["carry_over", "carried_from", ("target_rationale", "target_rationale_en")],
                "description": "前の計画がある計画の指標は、継続・見直し（前の計画の指標コードも）・新規のいずれかにします。",
            },
        ),
        ("変更履歴", {"fields": ["changes_link", "expected_version"]}),
    ]
    inlines = [YearlyTargetInline, IndicatorValueInline]

    def get_queryset(self, request):
        return super().get_queryset(request).responsible_for(request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            # Every save moves the version on, so that a form opened before it is refused (see IndicatorForm).
            Indicator.objects.filter(pk=obj.pk).update(version=F("version") + 1)

    def history_view(self, request, object_id, extra_context=None):
        # One Japanese page shows the indicator's own changes with those of its values and narratives.
        return redirect("admin:indicators_indicatorvalue_changes", indicator_id=object_id)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        if obj is not None and not self.get_queryset(request).filter(pk=obj.pk).exists():
            return False
        return super().has_view_history_or_change_history_permission(request, obj)

    @admin.display(description="基準値")
    def baseline(self, indicator):
        if not indicator.has_baseline:
            return "なし"
        return f"{indicator.baseline_value}{indicator.unit}（{indicator.baseline_fy}年度）"

    @admin.display(description="目標値")
    def target(self, indicator):
        if not indicator.has_target:
            return "なし"
        return f"{indicator.target_value}{indicator.unit}（{indicator.target_fy}年度）"

    @admin.display(description="変更履歴")
    def changes_link(self, indicator):
        if not indicator.pk:
            return "－"
        url = reverse("admin:indicators_indicatorvalue_changes", args=[indicator.pk])
        return format_html('<a href="{}">値・取組内容を含むすべての変更履歴を見る</a>', url)
