from django.contrib import admin

from plans.models import BasicPolicy, GradeBand, Measure, Plan


class BasicPolicyInline(admin.StackedInline):
    model = BasicPolicy
    extra = 0
    fields = ["number", "title", "description"]
    show_change_link = True


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    extra = 0
    fields = ["position", "min_rate", "mark", "label"]
    verbose_name_plural = "評価区分（「達成率の区分で評価」のとき、上から順に当てはめます）"


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["number", "title"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "period", "philosophy"]
    search_fields = ["title", "slug", "philosophy"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "philosophy", "summary"]}),
        (
            "計画期間",
            {"fields": ["start_fy", "end_fy"], "description": "西暦の年度で入力します（例: 2020）。"},
        ),
    ]
    inlines = [BasicPolicyInline]

    @admin.display(description="計画期間")
    def period(self, plan):
        return plan.period_label


@admin.register(BasicPolicy)
class BasicPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "number"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["title", "description"]
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["code_display", "title", "policy"]
    list_filter = ["policy__plan", "policy"]
    list_select_related = ["policy__plan"]
    search_fields = ["title"]
    ordering = ["policy__plan", "policy__number", "number"]

    @admin.display(description="番号", ordering="number")
    def code_display(self, measure):
        return measure.code
