"""Starting the next plan (次期計画) from one that is ending: its structure copied as a draft, each indicator
carried on (継続) from its predecessor with the last published actual as its baseline (現状値).

How Japanese municipalities carry a plan's indicators into the next (docs/plan-file.md, 「次期計画」):
福岡市 takes each carried indicator's last actual as its new 現状値 and writes a new target with its
目標設定の考え方; 練馬区 classifies each indicator as changed, revised or kept. Staff then set the new targets
and rationales, mark indicators 見直し or drop them, and add new ones, in the admin or the plan file.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from indicators.models import CarryOver, Indicator
from plans.fiscal_years import MAX_FISCAL_YEAR
from plans.models import BasicPolicy, GradeBand, Measure, Plan, PlanOrganisation, ReviewMark
from publications import document as doc
from publications.models import Publication


class SuccessorError(Exception):
    """Why a successor cannot be started, in Japanese for the staff member who asked."""


@dataclass(frozen=True)
class Started:
    plan: Plan
    indicators: int
    with_baseline: int  # indicators whose baseline is the predecessor's last published actual


def successor_problem(plan: Plan, slug: str, start_fy: int, end_fy: int) -> str | None:
    if Plan.objects.filter(slug=slug).exists():
        return f"識別子「{slug}」の計画はすでにあります。別の識別子にしてください。"
    if start_fy <= plan.end_fy:
        return f"次期計画の開始年度は、{plan.title}の終了年度（{plan.end_fy}年度）より後にしてください。"
    if end_fy < start_fy:
        return "次期計画の終了年度は開始年度以降にしてください。"
    if end_fy > MAX_FISCAL_YEAR:
        return f"年度は{MAX_FISCAL_YEAR}年度までです。"
    return None


def last_published_actuals(plan: Plan) -> dict[str, tuple[int, Decimal]]:
    """{indicator code: (fiscal year, value)} of each indicator's latest actual that citizens see."""
    latest = Publication.objects.current(plan)
    if latest is None:
        return {}
    found = {}
    for code, item in doc.indicators_by_code(latest.document()).items():
        actuals = doc.actuals_of(item)
        if actuals:
            year = max(actuals)
            found[code] = (year, actuals[year])
    return found


@transaction.atomic
def start_successor(plan: Plan, slug: str, start_fy: int, end_fy: int, title: str = "") -> Started:
    """Create the draft successor of plan; raise SuccessorError (and write nothing) when it cannot be."""
    if problem := successor_problem(plan, slug, start_fy, end_fy):
        raise SuccessorError(problem)
    successor = Plan.objects.create(
        slug=slug,
        title=title or f"{plan.title}（次期計画）",
        philosophy=plan.philosophy,
        summary=plan.summary,
        start_fy=start_fy,
        end_fy=end_fy,
        grading_method=plan.grading_method,
        final_grading_method=plan.final_grading_method,
        final_tolerance_percent=plan.final_tolerance_percent,
        predecessor=plan,
    )
    PlanOrganisation.objects.bulk_create(
        PlanOrganisation(plan=successor, organisation_id=maker.organisation_id, position=maker.position)
        for maker in plan.makers.all()
    )
    GradeBand.objects.bulk_create(
        GradeBand(
            plan=successor,
            stage=b.stage,
            position=b.position,
            min_rate=b.min_rate,
            mark=b.mark,
            label=b.label,
        )
        for b in plan.grade_bands.all()
    )
    ReviewMark.objects.bulk_create(
        ReviewMark(plan=successor, position=m.position, mark=m.mark, label=m.label)
        for m in plan.review_marks.all()
    )
    current = last_published_actuals(plan)
    count = with_baseline = 0
    for policy in plan.policies.prefetch_related("measures__indicators"):
        new_policy = BasicPolicy.objects.create(
            plan=successor, number=policy.number, title=policy.title, description=policy.description
        )
        for measure in policy.measures.all():
            new_measure = Measure.objects.create(
                policy=new_policy,
                number=measure.number,
                title=measure.title,
                organisation=measure.organisation,
            )
            for indicator in measure.indicators.all():
                baseline = current.get(indicator.code)
                Indicator.objects.create(
                    plan=successor,
                    measure=new_measure,
                    code=indicator.code,
                    position=indicator.position,
                    name=indicator.name,
                    unit=indicator.unit,
                    direction=indicator.direction,
                    tolerance=indicator.tolerance,
                    may_exceed_100=indicator.may_exceed_100,
                    organisation=indicator.organisation,
                    baseline_fy=baseline[0] if baseline else None,
                    baseline_value=baseline[1] if baseline else None,
                    carried_from=indicator.code,
                    carry_over=CarryOver.CONTINUED,
                )
                count += 1
                with_baseline += baseline is not None
    return Started(successor, count, with_baseline)
