"""Machine-readable open data of a plan: a long-format CSV and a JSON document (docs/api.md).

Follows the 総務省 rules for machine-readable tables: one value per cell, numbers without units (units in
their own column), Western fiscal years with the 和暦 alongside. Reads the plan through `plan_progress()`.
"""

import csv
import io
from decimal import Decimal

from indicators.evaluation import Evaluation
from indicators.models import Indicator
from plans.fiscal_years import wareki
from plans.progress import IndicatorProgress, PlanProgress

CSV_COLUMNS = [
    "plan",
    "code",
    "policy",
    "measure",
    "indicator",
    "unit",
    "direction",
    "kind",
    "fiscal_year",
    "wareki",
    "value",
]
RATE_PLACES = Decimal("0.0001")


def value_rows(row: IndicatorProgress) -> list[tuple[str, int, Decimal]]:
    """(kind, fiscal year, value) for the baseline, each actual and the target, in that order."""
    indicator = row.indicator
    rows = []
    if indicator.has_baseline:
        rows.append(("baseline", indicator.baseline_fy, indicator.baseline_value))
    rows += [("actual", fy, value) for fy, value in sorted(row.actuals.items())]
    if indicator.has_target:
        rows.append(("target", indicator.target_fy, indicator.target_value))
    return rows


def indicators_csv(progress: PlanProgress, rows: list[IndicatorProgress] | None = None) -> str:
    """The long-format CSV: one line per value. UTF-8 with a byte-order mark, for Excel in Japan."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in progress.indicators if rows is None else rows:
        indicator = row.indicator
        for kind, fy, value in value_rows(row):
            writer.writerow(
                [
                    progress.plan.slug,
                    indicator.code,
                    f"基本方針{row.policy.numeral} {row.policy.title}",
                    f"{row.measure.code} {row.measure.title}",
                    indicator.name,
                    indicator.unit,
                    indicator.direction,
                    kind,
                    fy,
                    wareki(fy),
                    format(value, "f"),
                ]
            )
    return buffer.getvalue()


def number(value: Decimal | None, places: Decimal | None = None) -> int | float | None:
    """A Decimal as a JSON number: an integer when whole, else a float with the written digits."""
    if value is None:
        return None
    if places is not None:
        value = value.quantize(places)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def evaluation_json(result: Evaluation) -> dict:
    projection = result.projection
    return {
        "fy": result.fy,
        "achievement_rate": number(result.achievement_rate, RATE_PLACES),
        "progress_rate": number(result.progress_rate, RATE_PLACES),
        "expected_progress": number(result.expected_progress, RATE_PLACES),
        "reference": {
            "fy": result.reference.fy,
            "value": number(result.reference.value),
            "is_baseline": result.reference_is_baseline,
        }
        if result.reference
        else None,
        "change": result.change,
        "target_met": result.target_met,
        "projection": {
            "fy": projection.fy,
            "value": number(projection.value, RATE_PLACES),
            "meets_target": projection.meets_target,
        }
        if projection
        else None,
        "grade": {"mark": result.grade.mark, "label": result.grade.label},
    }


def indicator_json(row: IndicatorProgress) -> dict:
    indicator: Indicator = row.indicator
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "baseline": {"fy": indicator.baseline_fy, "value": number(indicator.baseline_value)}
        if indicator.has_baseline
        else None,
        "target": {"fy": indicator.target_fy, "value": number(indicator.target_value)}
        if indicator.has_target
        else None,
        "actuals": {str(fy): number(value) for fy, value in sorted(row.actuals.items())},
        "evaluation": evaluation_json(row.evaluation),
    }


def plan_json(progress: PlanProgress, base_url: str = "") -> dict:
    plan = progress.plan
    return {
        "slug": plan.slug,
        "title": plan.title,
        "philosophy": plan.philosophy,
        "summary": plan.summary,
        "start_fy": plan.start_fy,
        "end_fy": plan.end_fy,
        "fy": progress.fy,
        "grade_counts": [
            {"mark": grade.mark, "label": grade.label, "count": count}
            for grade, count in progress.counts.items()
        ],
        "policies": [
            {
                "number": policy.policy.number,
                "title": policy.policy.title,
                "description": policy.policy.description,
                "measures": [
                    {
                        "number": measure.measure.number,
                        "title": measure.measure.title,
                        "indicators": [indicator_json(row) for row in measure.indicators],
                        "narratives": [
                            {
                                "fy": narrative.fiscal_year,
                                "section": narrative.section,
                                "indicator": narrative.indicator.code if narrative.indicator_id else None,
                                "text": narrative.published_text,
                            }
                            for narrative in measure.narratives
                        ],
                    }
                    for measure in policy.measures
                ],
            }
            for policy in progress.policies
        ],
    }
