from copy import copy

from axes.utils import reset as reset_sign_in_failures
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import construct_instance
from simple_history.admin import SimpleHistoryAdmin

from plans.forms import fiscal_year_formfield
from plans.grading import bands_problem
from plans.models import (
    BasicPolicy,
    GradeBand,
    GradeStage,
    Measure,
    Organisation,
    Plan,
    PlanOrganisation,
    ReviewMark,
)


class NoRevertHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin without its "revert" form.

    Its history_form_view saves a POST after checking only the view permission, so a 閲覧 user could change
    data through it. The history stays readable (GET); any other method is refused.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("変更履歴から元に戻すことはできません。")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ConstraintsCheckedForm(forms.ModelForm):
    """A change form that checks all of the model's constraints, read-only fields included."""

    def clean(self):
        cleaned = super().clean()
        candidate = construct_instance(self, copy(self.instance))
        try:
            candidate.validate_constraints()
        except ValidationError as error:
            self.add_error(None, error.messages)
        return cleaned


class FiscalYearFieldsMixin:
    """For a ModelAdmin or an inline: fiscal years typed as staff write them (2022, R4, 令和4年度), as the plan
    file reads them."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return fiscal_year_formfield(db_field, **kwargs) or super().formfield_for_dbfield(
            db_field, request, **kwargs
        )


class IdentityReadOnlyAdmin(FiscalYearFieldsMixin, admin.ModelAdmin):
    """Fields that say what a row is (its plan, indicator, year, section) cannot be changed once it exists:
    a row moved to another year or indicator would be a change no reviewer sees. Delete and re-create
    instead."""

    identity_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [name for name in self.identity_fields if name not in fields]
        return fields

    def get_form(self, request, obj=None, **kwargs):
        # Django checks a model's constraints only over the fields of the form, so read-only identity fields
        # would take the (plan, number) or (measure, year, section, position) rules with them: the clash would
        # reach the database as a 500. The form checks every constraint of the row as it would be saved.
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (ConstraintsCheckedForm, form), {}) if obj is not None else form


class PlanOrganisationInline(admin.TabularInline):
    model = PlanOrganisation
    extra = 0
    fields = ["position", "organisation"]
    verbose_name = "策定組織"
    verbose_name_plural = "計画を策定する組織（表紙・報告書に載せる順）"


class BasicPolicyInline(admin.StackedInline):
    model = BasicPolicy
    extra = 0
    fields = ["number", ("title", "title_en"), ("description", "description_en")]
    show_change_link = True


class GradeBandFormSet(forms.BaseInlineFormSet):
    """One stage's bands (the yearly grading's or the final evaluation's), checked together by the plan
    file's rule (plans.grading.bands_problem)."""

    stage = GradeStage.YEARLY

    def get_queryset(self):
        return super().get_queryset().filter(stage=self.stage)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.stage = self.stage  # before validation, so that the unique check sees the stage
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = sorted(
            (
                form.cleaned_data
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ),
            key=lambda band: band["position"],
        )
        # The final evaluation may leave its bands empty: it then uses the yearly grading's.
        method = self.instance.grading_method if self.stage == GradeStage.YEARLY else ""
        problem = bands_problem(method, [(band["min_rate"], band["mark"]) for band in kept])
        if problem:
            raise ValidationError(problem.message)


class FinalGradeBandFormSet(GradeBandFormSet):
    stage = GradeStage.FINAL


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    formset = GradeBandFormSet
    extra = 0
    fields = ["position", "min_rate", "mark", "label"]
    verbose_name_plural = "評価区分（「達成率の区分で評価」のとき、上から順に当てはめます）"


class FinalGradeBandInline(GradeBandInline):
    formset = FinalGradeBandFormSet
    verbose_name_plural = (
        "最終評価の評価区分（最終評価を「達成率の区分で評価」するとき。空欄なら上の評価区分を使います）"
    )


class ReviewMarkInline(admin.TabularInline):
    model = ReviewMark
    extra = 0
    fields = ["position", "mark", "label"]
    verbose_name_plural = "取組の評価の区分（取組ごとの1次評価・推進委員会の2次評価に使う記号。よい順に）"


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["number", "title", "title_en", "organisation"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(IdentityReadOnlyAdmin):
    list_display = ["title", "slug", "period", "philosophy", "grading_method"]
    search_fields = ["title", "slug", "philosophy"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title", "title_en"),
                    "slug",
                    ("philosophy", "philosophy_en"),
                    ("summary", "summary_en"),
                ]
            },
        ),
        (
            "計画期間",
            {"fields": ["start_fy", "end_fy"], "description": "西暦の年度で入力します（例: 2020）。"},
        ),
        (
            "前の計画",
            {"fields": ["predecessor"], "description": "この計画が引き継ぐ計画（次期計画のとき）。"},
        ),
        ("評価", {"fields": ["grading_method"]}),
        (
            "最終評価・中間評価",
            {
                "fields": ["final_grading_method", "final_tolerance_percent"],
                "description": "計画の最終年度の評価（途中の年度では中間評価）の方法です。",
            },
        ),
    ]
    inlines = [
        PlanOrganisationInline,
        GradeBandInline,
        FinalGradeBandInline,
        ReviewMarkInline,
        BasicPolicyInline,
    ]
    identity_fields = ("slug",)  # the plan's public URLs and its publications' files are named by it

    @admin.display(description="計画期間")
    def period(self, plan):
        return plan.period_label


@admin.register(BasicPolicy)
class BasicPolicyAdmin(IdentityReadOnlyAdmin):
    list_display = ["__str__", "plan", "number"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["title", "description"]
    inlines = [MeasureInline]
    identity_fields = ("plan",)


@admin.register(Measure)
class MeasureAdmin(IdentityReadOnlyAdmin):
    list_display = ["code_display", "title", "policy", "organisation"]
    list_filter = ["policy__plan", "policy", "organisation"]
    list_select_related = ["policy__plan", "organisation"]
    search_fields = ["title"]
    ordering = ["policy__plan", "policy__number", "number"]
    identity_fields = ("policy",)

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


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    """Django's user admin, with the unlock for an account that failed sign-in too often (docs/deploy.md)."""

    actions = ["lift_sign_in_lockout"]

    @admin.action(description="選択された利用者のサインインの制限を解除する", permissions=["change"])
    def lift_sign_in_lockout(self, request, queryset):
        usernames = list(queryset.values_list(get_user_model().USERNAME_FIELD, flat=True))
        for username in usernames:
            reset_sign_in_failures(username=username)
        self.message_user(request, f"{len(usernames)}人のサインインの制限を解除しました。", messages.SUCCESS)
