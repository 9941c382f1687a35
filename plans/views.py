"""Public pages and downloads of a plan. Thin views: fetch, call a helper, render."""

import functools
import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django_tables2 import RequestConfig

from indicators import charts
from indicators.evaluation import explanation, grade_keys, grade_scale
from indicators.exports import XLSX_CONTENT_TYPE, build_report
from indicators.models import Indicator, grading_rule
from indicators.tables import IndicatorTable, filter_rows, indicator_rows, offered_filters
from plans import opendata
from plans.fiscal_years import fiscal_year_label
from plans.models import Plan
from plans.progress import plan_progress


class BadRequest(Exception):
    """A request the page cannot answer, with a message for the citizen who sent it."""


def bad_request(request, message: str, api: bool = False):
    if api:
        return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "errors/bad_request.html", {"message": message}, status=400)


def selected_fiscal_year(request, plan: Plan) -> int:
    """?fy=2021 within the plan's period; by default the latest year with actuals."""
    text = request.GET.get("fy", "").strip()
    if not text:
        return plan.default_fiscal_year()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise BadRequest(f"年度は西暦4桁で指定してください（例: ?fy={plan.start_fy}）。")
    fy = int(text)
    if not plan.contains_fiscal_year(fy):
        raise BadRequest(f"{fy}年度はこの計画の期間（{plan.start_fy}～{plan.end_fy}年度）の外です。")
    return fy


def preview_user(request):
    """The staff member asking to preview drafts (?preview=1) on the public pages, or None."""
    user = request.user
    wanted = request.GET.get("preview") == "1" and user.is_authenticated and user.is_staff
    return user if wanted and user.has_perm("indicators.view_indicatorvalue") else None


def plan_and_year(view):
    """For views of one plan at one fiscal year: the plan of the URL's slug (404 if none) and the ?fy= year
    (400 with a message for citizens if it is not one of the plan's years)."""

    @functools.wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        plan = get_object_or_404(Plan, slug=slug)
        try:
            fy = selected_fiscal_year(request, plan)
        except BadRequest as error:
            return bad_request(request, str(error))
        return view(request, plan, fy, *args, **kwargs)

    return wrapper


def plan_page_context(plan: Plan, fy: int, preview: bool = False) -> dict:
    return {
        "plan": plan,
        "fy": fy,
        "fy_label": fiscal_year_label(fy),
        "fy_choices": [(year, fiscal_year_label(year)) for year in plan.fiscal_years],
        "preview": preview,
        "keep_params": [("preview", "1")] if preview else [],
        "query": f"fy={fy}&preview=1" if preview else f"fy={fy}",
        "report_url": reverse("plans:report", args=[plan.slug]) + f"?fy={fy}",
    }


def home(request):
    plans = list(Plan.objects.all())
    if len(plans) == 1:
        return plan_detail(request, plans[0].slug)
    return render(request, "plans/list.html", {"plans": plans})


@plan_and_year
def plan_detail(request, plan, fy):
    progress = plan_progress(plan, fy, preview_for=preview_user(request))
    context = plan_page_context(plan, fy, progress.preview) | {
        "progress": progress,
        "keys": grade_keys(progress.rule),
    }
    return render(request, "plans/detail.html", context)


@plan_and_year
def policy_detail(request, plan, fy, number):
    progress = plan_progress(plan, fy, policy_number=number, preview_for=preview_user(request))
    if not progress.policies:
        return render(request, "errors/not_found.html", {"message": "この基本方針はありません。"}, status=404)
    context = plan_page_context(plan, fy, progress.preview) | {
        "progress": progress,
        "policy": progress.policies[0],
        "keys": grade_keys(progress.rule),
    }
    return render(request, "plans/policy.html", context)


def find_indicator(progress, code):
    return next((row for row in progress.indicators if row.indicator.code == code), None)


@plan_and_year
def indicator_detail(request, plan, fy, code):
    progress = plan_progress(plan, fy, preview_for=preview_user(request))
    row = find_indicator(progress, code)
    if row is None:
        return render(request, "errors/not_found.html", {"message": "この成果指標はありません。"}, status=404)
    measure = next(m for p in progress.policies for m in p.measures if m.measure.pk == row.measure.pk)
    indicator = row.indicator
    context = plan_page_context(plan, fy, progress.preview) | {
        "progress": progress,
        "last_updated": indicator.last_published(),
        "row": row,
        "indicator": indicator,
        "result": row.evaluation,
        "explanation": explanation(row.evaluation, indicator.unit, indicator.direction, progress.rule),
        "keys": grade_keys(progress.rule),
        "values": [
            {"kind": kind, "fy": year, "label": fiscal_year_label(year), "value": value}
            for kind, year, value in opendata.value_rows(row)
            if kind != "actual" or year <= fy
        ],
        "chart_caption": chart_caption(row),
        "narratives": measure.narratives_about(indicator),
    }
    return render(request, "plans/indicator.html", context)


def chart_caption(row) -> str:
    indicator = row.indicator
    parts = ["棒は各年度の実績値"]
    if indicator.has_baseline:
        parts.append("ひし形は基準値")
    if indicator.has_target:
        parts.append("破線は目標値、点線は期間の経過に応じた目安（基準から目標まで一定の割合で進んだ場合）")
    return "、".join(parts) + "です。数値は下の表のとおりです。"


@plan_and_year
def indicator_chart(request, plan, fy, code, mini=False):
    indicator = get_object_or_404(Indicator.objects.with_values(), plan=plan, code=code)
    user = preview_user(request)
    drafts = user is not None and Indicator.objects.responsible_for(user).filter(pk=indicator.pk).exists()
    rule = grading_rule(plan)
    result = indicator.evaluate(fy, rule, drafts)
    svg = charts.indicator_svg(
        indicator, result, grade_scale(rule), fy, mini=mini, actuals=indicator.actuals(drafts)
    )
    response = svg_response(svg)
    if drafts:
        response["Cache-Control"] = "private, no-store"
    return response


@plan_and_year
def grade_chart(request, plan, fy):
    progress = plan_progress(plan, fy)
    return svg_response(
        charts.grade_summary_svg(progress.counts, f"成果指標の評価の内訳（{fiscal_year_label(fy)}末時点）")
    )


def svg_response(svg: str) -> HttpResponse:
    response = HttpResponse(svg.encode("utf-8"), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@plan_and_year
def indicator_list(request, plan, fy):
    progress = plan_progress(plan, fy, preview_for=preview_user(request))
    keys = grade_keys(progress.rule)
    rows = indicator_rows(progress, keys)
    filters = {name: request.GET.get(name, "") for name in ("policy", "measure", "grade")}
    try:
        rows = filter_rows(rows, filters, offered_filters(progress, keys))
    except ValueError:
        return bad_request(request, "絞り込みの条件は一覧から選んでください。")
    table = IndicatorTable(rows)
    RequestConfig(request, paginate=False).configure(table)
    context = plan_page_context(plan, fy, progress.preview) | {
        "progress": progress,
        "table": table,
        "filters": filters,
        "grade_choices": [(key, f"{grade.mark} {grade.label}") for grade, (key, _) in keys.items()],
    }
    return render(request, "plans/indicator_list.html", context)


@plan_and_year
def report_xlsx(request, plan, fy):
    response = HttpResponse(build_report(plan, fy), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-{fy}.xlsx"'
    return response


def plan_csv(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    progress = plan_progress(plan, plan.end_fy)
    return csv_response(opendata.indicators_csv(progress), f"{plan.slug}.csv")


def indicator_csv(request, slug, code):
    plan = get_object_or_404(Plan, slug=slug)
    progress = plan_progress(plan, plan.end_fy)
    row = find_indicator(progress, code)
    if row is None:
        return render(request, "errors/not_found.html", {"message": "この成果指標はありません。"}, status=404)
    return csv_response(opendata.indicators_csv(progress, [row]), f"{plan.slug}-{code}.csv")


def csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def api_plans(request):
    plans = [
        {
            "slug": plan.slug,
            "title": plan.title,
            "start_fy": plan.start_fy,
            "end_fy": plan.end_fy,
            "url": request.build_absolute_uri(reverse("plans:api_plan", args=[plan.slug])),
        }
        for plan in Plan.objects.all()
    ]
    return json_response({"plans": plans})


def api_plan(request, slug):
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        return JsonResponse(
            {"error": "この計画はありません。"}, status=404, json_dumps_params={"ensure_ascii": False}
        )
    try:
        fy = selected_fiscal_year(request, plan)
    except BadRequest as error:
        return bad_request(request, str(error), api=True)
    return json_response(opendata.plan_json(plan_progress(plan, fy)))


def json_response(data) -> HttpResponse:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return HttpResponse(text.encode("utf-8"), content_type="application/json; charset=utf-8")
