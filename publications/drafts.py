"""The would-be publication of a plan year, built from the working data (every value, narrative, name,
target and grading rule staff have entered: all of it drafts until a 承認者 publishes).

Publishing stores this document; the staff preview renders it through the same code as a publication.
"""

from types import SimpleNamespace

from django.db.models import Prefetch

from indicators import responsibility
from indicators.models import Indicator, final_rule, grading_rule
from initiatives.models import Narrative
from plans.models import Measure, Plan
from publications import document as doc
from publications.models import Publication


def _policies(plan: Plan):
    return plan.policies.prefetch_related(
        Prefetch("measures", queryset=Measure.objects.order_by("number")),
        Prefetch(
            "measures__indicators",
            queryset=Indicator.objects.order_by("position", "code").prefetch_related(
                "values", "yearly_targets"
            ),
        ),
        Prefetch("measures__narratives", queryset=Narrative.objects.select_related("indicator")),
        "measures__reviews",
    )


def _row_from_document(item: dict) -> SimpleNamespace:
    """An indicator of a publication, with the fields compose() reads of an Indicator."""
    view = doc.indicator_view(item)
    return SimpleNamespace(**{name: getattr(view, name) for name in view.__dataclass_fields__})


def _narrative_tuple(narrative: Narrative) -> tuple:
    code = narrative.indicator.code if narrative.indicator_id else None
    return (
        narrative.fiscal_year,
        narrative.section,
        narrative.position,
        code,
        narrative.text,
        narrative.text_en,
    )


def working_document(plan: Plan, fy: int, preview_for=None, base: dict | None = None) -> dict:
    """The document of plan at fy from the working data, in a fixed number of queries.

    With preview_for (a staff member who may not see every organisation's drafts), the indicators and
    narratives of other organisations are shown as `base` (the publication citizens see) has them.
    """
    everything = preview_for is None or responsibility.sees_every_organisation(preview_for)
    visible_indicators = visible_narratives = visible_measures = None
    if not everything:
        visible_measures = set(
            Measure.objects.filter(responsibility.measure_q(preview_for), policy__plan=plan).values_list(
                "pk", flat=True
            )
        )
        visible_indicators = set(
            Indicator.objects.filter(plan=plan).responsible_for(preview_for).values_list("pk", flat=True)
        )
        visible_narratives = set(
            Narrative.objects.filter(measure__policy__plan=plan)
            .responsible_for(preview_for)
            .values_list("pk", flat=True)
        )
    base_indicators = doc.indicators_by_code(base)
    base_measures = doc.measures_by_code(base)

    policies, actuals, grade_notes, targets = [], {}, {}, {}
    for policy in _policies(plan):
        policy_rows = doc.PolicyRows(policy)
        for measure in policy.measures.all():
            code = f"{policy.number}-{measure.number}"
            measure_rows = doc.MeasureRows(measure)
            hidden_codes = set()
            for indicator in measure.indicators.all():
                if visible_indicators is None or indicator.pk in visible_indicators:
                    measure_rows.indicators.append(indicator)
                    actuals[indicator.code] = {v.fiscal_year: v.value for v in indicator.values.all()}
                    grade_notes[indicator.code] = {
                        v.fiscal_year: v.grade_note for v in indicator.values.all()
                    }
                    targets[indicator.code] = indicator.interim_targets()
                    continue
                hidden_codes.add(indicator.code)
                published = base_indicators.get(indicator.code)
                if published is not None:
                    measure_rows.indicators.append(_row_from_document(published))
                    actuals[indicator.code] = doc.actuals_of(published)
                    grade_notes[indicator.code] = doc.grade_notes_of(published)
                    targets[indicator.code] = doc.interim_targets_of(published)
            for narrative in measure.narratives.all():
                if visible_narratives is None or narrative.pk in visible_narratives:
                    measure_rows.narratives.append(_narrative_tuple(narrative))
            if visible_measures is None or measure.pk in visible_measures:
                measure_rows.reviews = [(r.fiscal_year, r.stage, r.mark) for r in measure.reviews.all()]
            else:  # another organisation's measure: its reviews as citizens see them
                measure_rows.reviews = [
                    (r["fy"], r["stage"], r["mark"]) for r in base_measures.get(code, {}).get("reviews", [])
                ]
            if visible_narratives is not None:
                measure_visible = measure.pk in visible_measures
                for item in base_measures.get(code, {}).get("narratives", []):
                    foreign = item["indicator"] in hidden_codes if item["indicator"] else not measure_visible
                    if foreign:
                        measure_rows.narratives.append(
                            (
                                item["fy"],
                                item["section"],
                                item["position"],
                                item["indicator"],
                                item["text"],
                                item["text_en"],
                            )
                        )
            policy_rows.measures.append(measure_rows)
        policies.append(policy_rows)
    return doc.compose(
        plan,
        grading_rule(plan),
        policies,
        actuals,
        fy,
        grade_notes,
        plan.organisation_names(),
        interim_targets=targets,
        organisations_en=plan.organisation_names_en(),
        final_rule=final_rule(plan),
        review_scale=list(plan.review_marks.values_list("mark", "label")),
        predecessor=predecessor_document(plan),
    )


def predecessor_document(plan: Plan) -> dict | None:
    """The document of the predecessor's last published year as citizens see it, or None."""
    if plan.predecessor_id is None:
        return None
    latest = Publication.objects.current(plan.predecessor)
    return latest.document() if latest else None
