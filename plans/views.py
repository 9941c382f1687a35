from django.shortcuts import get_object_or_404, render

from plans.models import Plan


def home(request):
    plans = list(Plan.objects.all())
    if len(plans) == 1:
        return plan_detail(request, plans[0].slug)
    return render(request, "plans/list.html", {"plans": plans})


def plan_detail(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    policies = plan.policies.prefetch_related("measures__indicators__values")
    return render(request, "plans/detail.html", {"plan": plan, "policies": policies})
