"""Machine-readable open data of a plan: a long-format CSV and a JSON document (docs/api.md).

Follows the 総務省 rules for machine-readable tables: one value per cell, numbers without units (units in
their own column), Western fiscal years with the 和暦 alongside. Reads a publication (its PlanProgress).
"""

import csv
import io
import json
from decimal import Decimal

from django.utils import timezone

from plans.fiscal_years import wareki
from plans.spreadsheets import csv_text
from publications.progress import IndicatorProgress, PlanProgress

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
            texts = [
                progress.plan.slug,
                indicator.code,
                f"基本方針{row.policy.numeral} {row.policy.title}",
                f"{row.measure.code} {row.measure.title}",
                indicator.name,
                indicator.unit,
                indicator.direction,
                kind,
            ]
            writer.writerow([*map(csv_text, texts), fy, wareki(fy), format(value, "f")])
    return buffer.getvalue()


def publication_meta(publication) -> dict:
    """The publication block of the JSON: which record this is, and why it was made."""
    return {
        "fy": publication.fiscal_year,
        "number": publication.number,
        "published_at": timezone.localtime(publication.published_at).isoformat(),
        "note": publication.note,
        "is_correction": publication.is_correction,
        "content_sha256": publication.content_sha256,
    }


def publication_json_text(publication) -> str:
    """The JSON API's document of a publication: its stored document with the publication block first.

    Parsed without Decimals: a float prints as the shortest text that reads back the same, which is the text
    the document was stored with.
    """
    data = {"publication": publication_meta(publication)} | json.loads(publication.content)
    return json.dumps(data, ensure_ascii=False, indent=2)
