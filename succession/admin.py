"""The plan's admin with the action that starts its successor (次期計画). The plan's admin lives on the
plans floor, which cannot reach the publications the successor's baselines come from; this floor adds it."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from plans.admin import PlanAdmin
from plans.models import Plan
from succession.forms import SuccessorForm
from succession.successor import SuccessorError, start_successor


@admin.action(description="選んだ計画の次期計画を作る（構成と指標を引き継いだ下書き）", permissions=["add"])
def start_successor_action(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, "次期計画を作る計画を1つだけ選んでください。", messages.ERROR)
        return None
    plan = queryset.get()
    form = SuccessorForm(request.POST if "apply" in request.POST else None, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        try:
            started = start_successor(plan, data["slug"], data["start_fy"], data["end_fy"], data["title"])
        except SuccessorError as error:
            form.add_error(None, str(error))
        else:
            modeladmin.message_user(
                request,
                f"次期計画「{started.plan.title}」を作りました。成果指標 {started.indicators}件を「継続」として引き継ぎ、"
                f"うち{started.with_baseline}件の基準値を前の計画で最後に公表した実績値にしました。"
                "各指標の目標値と目標設定の考え方を設定してください。",
                messages.SUCCESS,
            )
            return redirect(reverse("admin:plans_plan_change", args=[started.plan.pk]))
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{plan.title}の次期計画を作る",
        "plan": plan,
        "form": form,
        "opts": modeladmin.model._meta,
        "action": "start_successor_action",
    }
    return TemplateResponse(request, "admin/succession/start_successor.html", context)


class SuccessionPlanAdmin(PlanAdmin):
    actions = [start_successor_action]


admin.site.unregister(Plan)
admin.site.register(Plan, SuccessionPlanAdmin)
