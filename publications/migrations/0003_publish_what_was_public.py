"""What citizens saw before publications existed (the published_value and published_text columns) becomes
the first publication of each plan year, so that a running site keeps showing the same figures.

Built with the historical models and publications.document.compose(), which reads only fields.
"""

import hashlib
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

from indicators import evaluation
from publications import document as doc

NOTE = "初回公表（公表の記録を導入する前に公開していた内容）"


def publish_what_was_public(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    GradeBand = apps.get_model("plans", "GradeBand")
    BasicPolicy = apps.get_model("plans", "BasicPolicy")
    Measure = apps.get_model("plans", "Measure")
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    Narrative = apps.get_model("initiatives", "Narrative")
    Publication = apps.get_model("publications", "Publication")
    ArtifactBuild = apps.get_model("publications", "ArtifactBuild")
    for plan in Plan.objects.all():
        bands = [
            evaluation.Band(band.min_rate, band.mark, band.label)
            for band in GradeBand.objects.filter(plan=plan).order_by("position")
        ]
        rule = evaluation.GradingRule(plan.grading_method, bands)
        values = list(
            IndicatorValue.objects.filter(indicator__plan=plan, published_value__isnull=False).select_related(
                "indicator"
            )
        )
        narratives = list(
            Narrative.objects.filter(measure__policy__plan=plan).exclude(published_text="").select_related(
                "indicator"
            )
        )
        actuals: dict[str, dict[int, Decimal]] = {}
        for value in values:
            actuals.setdefault(value.indicator.code, {})[value.fiscal_year] = value.published_value
        policies = []
        for policy in BasicPolicy.objects.filter(plan=plan).order_by("number"):
            policy_rows = doc.PolicyRows(policy)
            for measure in Measure.objects.filter(policy=policy).order_by("number"):
                measure_rows = doc.MeasureRows(measure)
                measure_rows.indicators = list(Indicator.objects.filter(measure=measure).order_by("position", "code"))
                measure_rows.narratives = [
                    (n.fiscal_year, n.section, n.position, n.indicator.code if n.indicator_id else None, n.published_text)
                    for n in narratives
                    if n.measure_id == measure.pk
                ]
                policy_rows.measures.append(measure_rows)
            policies.append(policy_rows)
        years = {v.fiscal_year for v in values} | {n.fiscal_year for n in narratives}
        for fy in sorted(year for year in years if plan.start_fy <= year <= plan.end_fy):
            text = doc.dumps(doc.compose(plan, rule, policies, actuals, fy))
            times = [v.published_at for v in values if v.fiscal_year == fy and v.published_at]
            times += [n.published_at for n in narratives if n.fiscal_year == fy and n.published_at]
            publication = Publication.objects.create(
                plan=plan,
                fiscal_year=fy,
                number=1,
                published_at=max(times, default=None) or timezone.now(),
                publisher="（公表の記録を導入する前の公開）",
                note=NOTE,
                content=text,
                content_sha256=hashlib.sha256(text.encode()).hexdigest(),
            )
            ArtifactBuild.objects.create(publication=publication)


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0002_refuse_changes_in_the_database"),
        ("plans", "0002_roles"),
        ("indicators", "0001_initial"),
        ("initiatives", "0001_initial"),
    ]

    operations = [migrations.RunPython(publish_what_was_public, migrations.RunPython.noop)]
