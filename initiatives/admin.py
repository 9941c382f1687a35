"""Admin screens of the yearly entry: narratives, values, the bulk entry, publishing, Excel, history.

IndicatorValue is registered here rather than in indicators/admin.py because its screens drive the entry
workflow (initiatives/entry.py), which needs the models of all three apps.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from indicators import responsibility
from indicators.evaluation import display_value
from indicators.models import Indicator, IndicatorValue, without_trailing_zeros
from initiatives import entry, history, workbook
from initiatives.forms import PlanYearForm, ValueEntryFormSet, WorkbookUploadForm
from initiatives.models import MeasureReview, Narrative
from plans.admin import IdentityReadOnlyAdmin, NoRevertHistoryAdmin
from plans.fiscal_years import fiscal_year_label, wareki
from plans.models import Measure


class OwnOrganisationHistoryMixin:
    """django-simple-history's history pages look objects up without the admin's queryset: keep them to
    what get_queryset() lets the user see (their own organisation's, for a 入力担当)."""

    def has_view_history_or_change_history_permission(self, request, obj=None):
        if obj is not None and not self.get_queryset(request).filter(pk=obj.pk).exists():
            return False
        return super().has_view_history_or_change_history_permission(request, obj)


def measures_for(user):
    """The measures whose narratives user may write (indicators/responsibility.py)."""
    return Measure.objects.filter(responsibility.writable_measure_q(user)).distinct()


@admin.register(Narrative)
class NarrativeAdmin(OwnOrganisationHistoryMixin, NoRevertHistoryAdmin, IdentityReadOnlyAdmin):
    list_display = ["measure_code", "year_label", "section", "position", "short_text", "indicator_code"]
    list_display_links = ["short_text"]
    list_filter = ["measure__policy__plan", "fiscal_year", "section", "measure"]
    list_select_related = ["measure__policy", "indicator"]
    search_fields = ["text"]
    fields = [
        "measure",
        "indicator",
        "fiscal_year",
        "section",
        "position",
        "text",
        "text_en",
    ]
    identity_fields = ("measure", "indicator", "fiscal_year", "section")

    def get_queryset(self, request):
        return super().get_queryset(request).responsible_for(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Staff choose only among the measures and indicators they are responsible for.
        if db_field.name == "measure":
            kwargs["queryset"] = measures_for(request.user).select_related("policy")
        if db_field.name == "indicator":
            kwargs["queryset"] = Indicator.objects.responsible_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The choices above already limit the form; a crafted POST is refused here as well. A narrative about
        # one indicator belongs to that indicator's organisation, one about the whole measure to the measure's.
        allowed = Measure.objects.filter(responsibility.measure_q(request.user), pk=obj.measure_id)
        if obj.indicator_id:
            allowed = Indicator.objects.responsible_for(request.user).filter(pk=obj.indicator_id)
        if not allowed.exists():
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    @admin.display(description="内容")
    @admin.display(description="内容")
    def short_text(self, narrative):
        return narrative.text if len(narrative.text) <= 60 else narrative.text[:60] + "…"

    @admin.display(description="取組", ordering="measure")
    def measure_code(self, narrative):
        return f"取組{narrative.measure.code}"

    @admin.display(description="年度", ordering="fiscal_year")
    def year_label(self, narrative):
        return wareki(narrative.fiscal_year)

    @admin.display(description="成果指標", ordering="indicator__code")
    def indicator_code(self, narrative):
        return narrative.indicator.code if narrative.indicator_id else "（取組全体）"


@admin.register(MeasureReview)
class MeasureReviewAdmin(OwnOrganisationHistoryMixin, NoRevertHistoryAdmin, IdentityReadOnlyAdmin):
    """A measure's grade for a year: the department's 1次評価 and the review committee's 2次評価, on the plan's
    own scale (計画の「取組の評価の区分」). Drafts until a 承認者 publishes the year, as narratives are."""

    list_display = ["measure_code", "year_label", "stage", "mark"]
    list_filter = ["measure__policy__plan", "fiscal_year", "stage", "measure"]
    list_select_related = ["measure__policy"]
    fields = ["measure", "fiscal_year", "stage", "mark"]
    identity_fields = ("measure", "fiscal_year", "stage")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(responsibility.measure_q(request.user, prefix="measure__"))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "measure":
            kwargs["queryset"] = measures_for(request.user).select_related("policy")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not Measure.objects.filter(responsibility.measure_q(request.user), pk=obj.measure_id).exists():
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    @admin.display(description="取組", ordering="measure")
    def measure_code(self, review):
        return f"取組{review.measure.code}"

    @admin.display(description="年度", ordering="fiscal_year")
    def year_label(self, review):
        return wareki(review.fiscal_year)


class IndicatorValueForm(forms.ModelForm):
    """The single value form, refusing a save when a colleague changed the indicator's values meanwhile."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "fiscal_year", "value", "note", "grade_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.indicator_id:
            self.fields["expected_version"].initial = self.instance.indicator.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            indicator = Indicator.objects.get(pk=self.instance.indicator_id)
            if indicator.version != expected:
                raise forms.ValidationError(
                    "この実績値は、画面を開いた後に他の職員が変更したため保存しませんでした。"
                    f"{indicator.latest_change()} 画面を読み込み直して、変更を確かめてから入力し直してください。"
                )
        # On a change the indicator and the year are read-only (IdentityReadOnlyAdmin): take the instance's.
        indicator = cleaned.get("indicator") or (
            self.instance.indicator if self.instance.indicator_id else None
        )
        if "fiscal_year" not in cleaned and self.instance.pk:
            cleaned["fiscal_year"] = self.instance.fiscal_year
        value = cleaned.get("value")
        if indicator is not None and value is not None:
            try:
                entry.parse_value(value, indicator.unit, indicator.may_exceed_100)
            except ValidationError as error:
                self.add_error("value", error)
            if not indicator.plan.contains_fiscal_year(cleaned.get("fiscal_year") or 0):
                plan = indicator.plan
                self.add_error(
                    "fiscal_year",
                    f"年度は計画期間（{plan.start_fy}～{plan.end_fy}年度）の中で入力してください。",
                )
        return cleaned


@admin.register(IndicatorValue)
class IndicatorValueAdmin(OwnOrganisationHistoryMixin, NoRevertHistoryAdmin, IdentityReadOnlyAdmin):
    form = IndicatorValueForm
    list_display = [
        "indicator_code",
        "indicator_name",
        "year_label",
        "value_as_written",
        "short_note",
        "grade_note",
    ]
    list_display_links = ["indicator_name"]
    list_filter = ["indicator__plan", "fiscal_year", "indicator__measure__policy"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__code", "indicator__name"]
    fields = [
        "indicator",
        "fiscal_year",
        "value",
        "note",
        "grade_note",
        "expected_version",
    ]
    identity_fields = ("indicator", "fiscal_year")

    @admin.display(description="コード", ordering="indicator__code")
    def indicator_code(self, value):
        return value.indicator.code

    @admin.display(description="成果指標", ordering="indicator__name")
    def indicator_name(self, value):
        return value.indicator.name

    @admin.display(description="年度", ordering="fiscal_year")
    def year_label(self, value):
        return f"{wareki(value.fiscal_year)}（{value.fiscal_year}）"

    @admin.display(description="備考")
    def short_note(self, value):
        return value.note if len(value.note) <= 30 else value.note[:30] + "…"

    @admin.display(description="実績値", ordering="value")
    def value_as_written(self, value):
        return display_value(without_trailing_zeros(value.value), value.indicator.unit)

    change_list_template = "admin/entry/value_change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).responsible_for(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            kwargs["queryset"] = Indicator.objects.responsible_for(request.user).select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The form offers only the user's indicators, but a crafted POST is checked here as well.
        if not Indicator.objects.responsible_for(request.user).filter(pk=obj.indicator_id).exists():
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        Indicator.objects.filter(pk=obj.indicator_id).update(version=F("version") + 1)

    def history_view(self, request, object_id, extra_context=None):
        # One Japanese page shows every change of the value's indicator.
        value = get_object_or_404(self.get_queryset(request), pk=object_id)
        return redirect("admin:indicators_indicatorvalue_changes", indicator_id=value.indicator_id)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("bulk/", wrap(self.bulk_entry_view), name="indicators_indicatorvalue_bulk"),
            path("template/", wrap(self.template_view), name="indicators_indicatorvalue_template"),
            path("import/", wrap(self.import_view), name="indicators_indicatorvalue_import"),
            path(
                "changes/<int:indicator_id>/",
                wrap(self.changes_view),
                name="indicators_indicatorvalue_changes",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **extra}

    def _plan_year(self, request):
        form = PlanYearForm(request.GET or None, work=self.admin_site.year_work())
        if request.GET and form.is_valid():
            return form, form.cleaned_data["plan"], form.cleaned_data["fy"]
        return form, None, None

    def bulk_entry_view(self, request):
        """年度ごとの一括入力: every indicator the user is responsible for, last year's value beside the input."""
        if not (request.user.has_perm("indicators.change_indicatorvalue")):
            raise PermissionDenied
        chooser, plan, fy = self._plan_year(request)
        context = self._context(request, "実績値の一括入力", chooser=chooser, plan=plan, fy=fy)
        if plan is None:
            return TemplateResponse(request, "admin/entry/bulk.html", context)
        indicators = list(
            Indicator.objects.filter(plan=plan)
            .responsible_for(request.user)
            .prefetch_related("values")
            .order_by("position", "code")
        )
        initial = []
        for indicator in indicators:
            values = {v.fiscal_year: v for v in indicator.values.all()}
            current = values.get(fy)
            initial.append(
                {
                    "indicator_id": indicator.pk,
                    "version": indicator.version,
                    "value": "" if current is None else str(current.value),
                    "note": current.note if current else "",
                    "grade_note": current.grade_note if current else "",
                }
            )
        if request.method == "POST":
            formset = ValueEntryFormSet(request.POST, indicators=indicators)
            # Rows come back in the order they were sent; the units must follow the posted indicators.
            posted = [request.POST.get(f"form-{i}-indicator_id") for i in range(formset.total_form_count())]
            if posted != [str(i.pk) for i in indicators]:
                messages.error(
                    request, "入力画面の内容が変わりました。画面を読み込み直してから入力してください。"
                )
                return redirect(request.get_full_path())
            if formset.is_valid():
                entries = [
                    entry.ValueEntry(f["indicator_id"], f["value"], f["note"], f["version"], f["grade_note"])
                    for f in formset.cleaned_data
                ]
                try:
                    changed = entry.save_yearly_values(request.user, plan, fy, entries)
                except entry.EditConflict as conflict:
                    for line in conflict.args[0]:
                        messages.error(
                            request, f"保存しませんでした。{line} 画面を読み込み直して確かめてください。"
                        )
                    return redirect(request.get_full_path())
                except ValidationError as error:
                    for message in error.messages:
                        messages.error(request, message)
                    return redirect(request.get_full_path())
                messages.success(
                    request,
                    f"{fiscal_year_label(fy)}の実績値を{changed}件保存しました（下書き）。承認者が公表すると市民に表示されます。",
                )
                return redirect(request.get_full_path())
            messages.error(
                request, "入力に誤りがあります。赤字のメッセージを確かめてください。何も保存していません。"
            )
        else:
            formset = ValueEntryFormSet(initial=initial, indicators=indicators)
        rows = []
        for indicator, form in zip(indicators, formset.forms, strict=True):
            values = {v.fiscal_year: v for v in indicator.values.all()}
            previous = values.get(fy - 1)
            current = values.get(fy)
            rows.append({"indicator": indicator, "form": form, "previous": previous, "current": current})
        context |= {"formset": formset, "rows": rows}
        return TemplateResponse(request, "admin/entry/bulk.html", context)

    def template_view(self, request):
        """The Excel template of a plan and year, for the indicators the user is responsible for."""
        if not request.user.has_perm("indicators.change_indicatorvalue"):
            raise PermissionDenied
        _chooser, plan, fy = self._plan_year(request)
        if plan is None:
            messages.error(request, "計画と年度を選んでください。")
            return redirect(reverse("admin:indicators_indicatorvalue_import"))
        response = HttpResponse(
            workbook.entry_template(request.user, plan, fy),
            content_type=workbook.XLSX_CONTENT_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="{workbook.template_filename(plan, fy)}"'
        return response

    def import_view(self, request):
        """Excel での入力: upload → preview of every change with row errors → confirm → applied all at once."""
        if not request.user.has_perm("indicators.change_indicatorvalue"):
            raise PermissionDenied
        chooser, plan, fy = self._plan_year(request)
        context = self._context(request, "Excel ファイルでの入力", chooser=chooser, plan=plan, fy=fy)
        if plan is None:
            return TemplateResponse(request, "admin/entry/import.html", context)
        upload = WorkbookUploadForm()
        if request.method == "POST" and "confirm" in request.POST:
            try:
                entries = workbook.unsign_entries(request.POST.get("entries", ""), plan, fy)
                changed = entry.save_yearly_values(request.user, plan, fy, entries)
            except entry.EditConflict as conflict:
                for line in conflict.args[0]:
                    messages.error(request, f"何も保存していません。{line}")
                return redirect(request.get_full_path())
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                return redirect(request.get_full_path())
            messages.success(request, f"Excel ファイルの内容で実績値を{changed}件保存しました（下書き）。")
            return redirect(reverse("admin:indicators_indicatorvalue_bulk") + f"?plan={plan.pk}&fy={fy}")
        if request.method == "POST":
            upload = WorkbookUploadForm(request.POST, request.FILES)
            if upload.is_valid():
                try:
                    preview = workbook.read_entry_workbook(
                        upload.cleaned_data["file"].read(), request.user, plan, fy
                    )
                except ValidationError as error:
                    upload.add_error("file", error)
                else:
                    context |= {"preview": preview, "token": workbook.sign_entries(preview.entries, plan, fy)}
        context["upload"] = upload
        return TemplateResponse(request, "admin/entry/import.html", context)

    def changes_view(self, request, indicator_id):
        """Every change to one indicator, its values and its narratives: who, when, before and after."""
        indicator = get_object_or_404(Indicator.objects.responsible_for(request.user), pk=indicator_id)
        if not request.user.has_perm("indicators.view_indicatorvalue"):
            raise PermissionDenied
        context = self._context(
            request,
            f"変更履歴: {indicator.code} {indicator.name}",
            indicator=indicator,
            changes=history.indicator_history(indicator),
        )
        return TemplateResponse(request, "admin/entry/changes.html", context)
