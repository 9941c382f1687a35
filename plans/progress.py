"""A whole plan as it stood at the end of one fiscal year: structure, evaluations, narratives, roll-ups.

The dashboards, the Excel report and the open data all read a plan through `plan_progress()`, which runs a
fixed number of queries however many indicators the plan has. It needs the models of all three apps, so
only views, exports and management commands import it.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from indicators import evaluation
from indicators.models import Indicator, grading_rule
from initiatives.models import Narrative
from plans.models import BasicPolicy, Measure, Plan


@dataclass
class IndicatorProgress:
    indicator: Indicator
    evaluation: evaluation.Evaluation
    measure: Measure
    policy: BasicPolicy
    actuals: dict  # {fiscal year: value}: the published values, or the drafts in a preview


@dataclass
class MeasureProgress:
    measure: Measure
    indicators: list[IndicatorProgress]
    narratives: list[Narrative]  # the published ones (shown with published_text), or all in a preview
    counts: dict[evaluation.Grade, int]

    def narratives_about(self, indicator: Indicator) -> list[Narrative]:
        """The entries on this indicator and those on the measure as a whole (tied to no indicator)."""
        return [n for n in self.narratives if n.indicator_id in (None, indicator.pk)]


@dataclass
class PolicyProgress:
    policy: BasicPolicy
    measures: list[MeasureProgress]
    counts: dict[evaluation.Grade, int]

    @property
    def indicators(self) -> list[IndicatorProgress]:
        return [row for measure in self.measures for row in measure.indicators]


@dataclass
class PlanProgress:
    plan: Plan
    fy: int
    rule: evaluation.GradingRule
    preview: bool = False
    draft_narratives: set[int] = field(default_factory=set)  # shown as drafts in a preview
    policies: list[PolicyProgress] = field(default_factory=list)
    counts: dict[evaluation.Grade, int] = field(default_factory=dict)

    @property
    def indicators(self) -> list[IndicatorProgress]:
        return [row for policy in self.policies for row in policy.indicators]

    @property
    def grade_scale(self) -> list[evaluation.Grade]:
        return evaluation.grade_scale(self.rule)


def plan_progress(plan: Plan, fy: int, policy_number: int | None = None, preview_for=None) -> PlanProgress:
    """The plan (or one of its basic policies) at the end of fiscal year fy, as citizens see it.

    With preview_for (a staff user), the drafts that user may see (values and narratives entered but not yet
    published: their own organisation's, or all for 承認者 and 閲覧) are shown in place of the published ones.
    """
    preview = preview_for is not None
    draft_indicators, draft_narratives = set(), set()
    if preview:
        draft_indicators = set(
            Indicator.objects.filter(plan=plan).responsible_for(preview_for).values_list("pk", flat=True)
        )
        draft_narratives = set(
            Narrative.objects.filter(measure__policy__plan=plan)
            .responsible_for(preview_for)
            .values_list("pk", flat=True)
        )
    rule = grading_rule(plan)
    policies = plan.policies.prefetch_related(
        Prefetch("measures", queryset=Measure.objects.order_by("number")),
        Prefetch(
            "measures__indicators",
            queryset=Indicator.objects.order_by("position", "code").prefetch_related("values"),
        ),
        Prefetch(
            "measures__narratives",
            queryset=Narrative.objects.select_related("indicator").order_by(
                "fiscal_year", "section", "position"
            ),
        ),
    )
    if policy_number is not None:
        policies = policies.filter(number=policy_number)
    progress = PlanProgress(plan=plan, fy=fy, rule=rule, preview=preview)
    progress.draft_narratives = draft_narratives
    for policy in policies:
        measures = []
        for measure in policy.measures.all():
            rows = [
                IndicatorProgress(
                    indicator,
                    indicator.evaluate(fy, rule, indicator.pk in draft_indicators),
                    measure,
                    policy,
                    indicator.actuals(indicator.pk in draft_indicators),
                )
                for indicator in measure.indicators.all()
            ]
            counts = evaluation.count_grades([row.evaluation.grade for row in rows], rule)
            narratives = [n for n in measure.narratives.all() if n.pk in draft_narratives or n.published_text]
            measures.append(MeasureProgress(measure, rows, narratives, counts))
        policy_rows = [row for measure in measures for row in measure.indicators]
        counts = evaluation.count_grades([row.evaluation.grade for row in policy_rows], rule)
        progress.policies.append(PolicyProgress(policy, measures, counts))
    progress.counts = evaluation.count_grades([row.evaluation.grade for row in progress.indicators], rule)
    return progress
