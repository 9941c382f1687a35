from django import forms
from django.contrib import admin

from indicators.models import Indicator, IndicatorValue


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 1
    fields = ["fiscal_year", "value"]


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "measure",
            "code",
            "position",
            "name",
            "unit",
            "direction",
            "baseline_fy",
            "baseline_value",
            "target_fy",
            "target_value",
        ]

    def clean(self):
        cleaned = super().clean()
        # The plan follows from the measure; staff pick only the measure.
        measure = cleaned.get("measure")
        if measure is not None:
            self.instance.plan = measure.policy.plan
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
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorForm
    list_display = ["code", "name", "unit", "direction", "baseline", "target", "measure"]
    list_display_links = ["code", "name"]
    list_filter = ["plan", "measure__policy", "direction"]
    list_select_related = ["measure__policy__plan"]
    search_fields = ["code", "name"]
    fieldsets = [
        (None, {"fields": ["measure", "code", "position", "name", "unit", "direction"]}),
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
                "fields": ["target_fy", "target_value"],
                "description": "数値目標がない場合は両方とも空欄にします。",
            },
        ),
    ]
    inlines = [IndicatorValueInline]

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
