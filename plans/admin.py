from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponse

from kumamoto_welfare.cache import clear_public_pages
from plans.models import BasicPolicy, GradeBand, Measure, Organisation, Plan


class ClearsPublicPagesOnDelete:
    """For admins of data that may be published: a delete makes the cached public pages stale."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        clear_public_pages()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        clear_public_pages()


class PublicDataAdmin(ClearsPublicPagesOnDelete, admin.ModelAdmin):
    """The admin of data citizens see at once (the plan, its structure, targets): every save or delete makes
    the cached public pages stale, so the change shows on the next request."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        clear_public_pages()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        clear_public_pages()


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
    fields = ["number", "title", "organisation"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(PublicDataAdmin):
    list_display = ["title", "slug", "period", "philosophy", "grading_method"]
    search_fields = ["title", "slug", "philosophy"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "philosophy", "summary"]}),
        (
            "計画期間",
            {"fields": ["start_fy", "end_fy"], "description": "西暦の年度で入力します（例: 2020）。"},
        ),
        ("評価", {"fields": ["grading_method"]}),
    ]
    inlines = [GradeBandInline, BasicPolicyInline]
    actions = ["download_report"]

    @admin.display(description="計画期間")
    def period(self, plan):
        return plan.period_label

    @admin.action(description="Excel 報告書をダウンロード（実績値がある最新の年度）")
    def download_report(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "報告書を出力する計画を1つだけ選んでください。", messages.WARNING)
            return None
        plan = queryset.get()
        fy = plan.default_fiscal_year()
        # The report is a whole-plan feature that sits above the models this admin belongs to.
        from indicators.exports import XLSX_CONTENT_TYPE, build_report

        response = HttpResponse(build_report(plan, fy), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}-{fy}.xlsx"'
        return response


@admin.register(BasicPolicy)
class BasicPolicyAdmin(PublicDataAdmin):
    list_display = ["__str__", "plan", "number"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["title", "description"]
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(PublicDataAdmin):
    list_display = ["code_display", "title", "policy", "organisation"]
    list_filter = ["policy__plan", "policy", "organisation"]
    list_select_related = ["policy__plan", "organisation"]
    search_fields = ["title"]
    ordering = ["policy__plan", "policy__number", "number"]

    @admin.display(description="番号", ordering="number")
    def code_display(self, measure):
        return measure.code


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(members_count=Count("members"))

    @admin.display(description="職員数", ordering="members_count")
    def member_count(self, organisation):
        return organisation.members_count
