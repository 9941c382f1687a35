"""Machine-readable open data of a plan: a long-format CSV and a JSON document (docs/api.md).

Follows the 総務省 rules for machine-readable tables: one value per cell, numbers without units (units in
their own column), Western fiscal years with the 和暦 alongside. Reads a publication (its PlanProgress).
"""

import csv
import io
import json
from decimal import Decimal

from django.utils import timezone, translation

from indicators.models import Direction
from plans.fiscal_years import wareki
from plans.spreadsheets import csv_text
from publications import document as doc
from publications import languages
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
    # The English names, "" where the plan gives none (after the value, so the columns before keep their place)
    "policy_en",
    "measure_en",
    "indicator_en",
    "unit_en",
]


def value_rows(row: IndicatorProgress) -> list[tuple[str, int, Decimal]]:
    """(kind, fiscal year, value) for the baseline, each actual, each yearly target (年度目標) and the target, in
    that order."""
    indicator = row.indicator
    rows = []
    if indicator.has_baseline:
        rows.append(("baseline", indicator.baseline_fy, indicator.baseline_value))
    rows += [("actual", fy, value) for fy, value in sorted(row.actuals.items())]
    rows += [("yearly_target", fy, value) for fy, value in indicator.interim_targets]
    if indicator.has_target:
        rows.append(("target", indicator.target_fy, indicator.target_value))
    return rows


def indicators_csv(progress: PlanProgress, rows: list[IndicatorProgress] | None = None) -> str:
    """The long-format CSV: one line per value. UTF-8 with a byte-order mark, for Excel in Japan."""
    lines = [CSV_COLUMNS]
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
            english = [
                f"Basic policy {row.policy.numeral} {row.policy.title_en}" if row.policy.title_en else "",
                f"{row.measure.code} {row.measure.title_en}" if row.measure.title_en else "",
                indicator.name_en,
                indicator.unit_en,
            ]
            lines.append([*map(csv_text, texts), fy, wareki(fy), format(value, "f"), *map(csv_text, english)])
    return _csv(lines)


def publication_meta(publication, language: str = "ja") -> dict:
    """The publication block of the JSON: which record this is, and why it was made."""
    return {
        "fy": publication.fiscal_year,
        "number": publication.number,
        "published_at": timezone.localtime(publication.published_at).isoformat(),
        "note": publication.note,
        "is_correction": publication.is_correction,
        "content_sha256": publication.content_sha256,
        "language": language,
    }


def publication_json_text(publication, language: str = "ja") -> str:
    """The JSON API's document of a publication: its stored document with the publication block first.

    Parsed without Decimals: a float prints as the shortest text that reads back the same, which is the text
    the document was stored with.
    """
    document = doc.upgraded(json.loads(publication.content))
    if language == "en":
        with translation.override("en"):
            document = languages.english_document(document)
    data = {"publication": publication_meta(publication, language)} | document
    return json.dumps(data, ensure_ascii=False, indent=2)


# --- 評価の一覧: one row per indicator, Japanese headings, with a data dictionary --------------------------

# (heading, type, unit, meaning): the data dictionary (項目定義) of the evaluation CSV, in column order. The
# same list writes the CSV's heading row, the dictionary file and the table in docs/api.md (a test compares).
EVALUATION_COLUMNS = [
    ("計画ID", "文字列", "", "計画の識別子（URL の一部）"),
    ("計画名", "文字列", "", "計画の名称"),
    ("評価年度", "整数", "年度（西暦）", "この評価がどの年度の末時点のものか"),
    ("評価年度（和暦）", "文字列", "", "評価年度の和暦（例: 令和3年度）"),
    ("指標コード", "文字列", "", "成果指標の番号（基本方針-取組-指標）"),
    ("基本方針", "文字列", "", "基本方針の番号と名称"),
    ("取組", "文字列", "", "取組の番号と名称"),
    ("成果指標", "文字列", "", "成果指標の名称"),
    ("単位", "文字列", "", "値の単位（％、人、回 など）"),
    ("目指す方向", "文字列", "", "増やす・減らす・維持する"),
    ("基準値の年度", "整数", "年度（西暦）", "基準値の年度。基準値がなければ空欄"),
    ("基準値の年度（和暦）", "文字列", "", "基準値の年度の和暦。基準値がなければ空欄"),
    ("基準値", "数値", "単位の列のとおり", "計画の起点の値。なければ空欄（0 とは別です）"),
    (
        "実績値の年度",
        "整数",
        "年度（西暦）",
        "評価に使った実績値の年度（評価年度以前で最新）。実績値がなければ空欄",
    ),
    ("実績値の年度（和暦）", "文字列", "", "実績値の年度の和暦"),
    ("実績値", "数値", "単位の列のとおり", "評価に使った実績値。なければ空欄（0 とは別です）"),
    ("目標値の年度", "整数", "年度（西暦）", "目標値の年度。数値目標がなければ空欄"),
    ("目標値の年度（和暦）", "文字列", "", "目標値の年度の和暦"),
    ("目標値", "数値", "単位の列のとおり", "目標値。数値目標がなければ空欄"),
    (
        "達成率",
        "数値",
        "％",
        "実績値 ÷ 目標値（減らす指標は 目標値 ÷ 実績値）。小数第1位に四捨五入。計算できなければ空欄",
    ),
    (
        "進捗率",
        "数値",
        "％",
        "（実績値 − 基準値）÷（目標値 − 基準値）。小数第1位に四捨五入。計算できなければ空欄",
    ),
    ("評価の記号", "文字列", "", "◎ ○ △ × － など（計画の評価方法による）"),
    ("評価", "文字列", "", "達成・順調・遅れ・後退・評価対象外 など"),
    ("評価の理由", "文字列", "", "その評価になった理由の一文"),
    ("評価の補足", "文字列", "", "担当課が書いた、評価の主な理由の一文。なければ空欄"),
    ("年度目標", "数値", "単位の列のとおり", "実績値の年度の年度目標。その年度に年度目標がなければ空欄"),
    (
        "年度目標に対する達成率",
        "数値",
        "％",
        "実績値 ÷ 年度目標（減らす指標は年度目標 ÷ 実績値）。小数第1位に四捨五入。年度目標がなければ空欄",
    ),
    ("最終評価の種類", "文字列", "", "最終評価（計画の最終年度）または中間評価（それより前の年度）"),
    ("最終評価の記号", "文字列", "", "A B B* C D E など（計画の最終評価の方法による）"),
    ("最終評価", "文字列", "", "目標値に達した・改善傾向にある・変わらない・悪化している・評価困難 など"),
    (
        "基準からの変化",
        "数値",
        "％",
        "（実績値 − 基準値）÷ 基準値の絶対値。小数第1位に四捨五入。基準値がない指標は最初の実績値と比べる。比べられなければ空欄",
    ),
    ("最終評価の理由", "文字列", "", "その最終評価（中間評価）になった理由の一文"),
]


def _blank(value) -> str:
    """A cell: empty for no value, so that a missing value and 0 stay distinct."""
    return "" if value is None else format(value, "f") if isinstance(value, Decimal) else str(value)


def _csv(rows: list[list]) -> str:
    """UTF-8 with a byte-order mark (for Excel in Japan), CRLF, RFC 4180 quoting."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def evaluation_csv(progress: PlanProgress) -> str:
    """The evaluation of every indicator at the publication's year, one row each, Japanese headings.
    UTF-8 with a byte-order mark, CRLF, RFC 4180 (as indicators_csv)."""
    rows = [[heading for heading, *_ in EVALUATION_COLUMNS]]
    plan, fy = progress.plan, progress.fy
    for row in progress.indicators:
        indicator, result = row.indicator, row.evaluation
        baseline_fy = indicator.baseline_fy if indicator.has_baseline else None
        target_fy = indicator.target_fy if indicator.has_target else None
        texts = [plan.slug, plan.title]
        cells = [
            fy,
            wareki(fy),
            indicator.code,
            f"基本方針{row.policy.numeral} {row.policy.title}",
            f"{row.measure.code} {row.measure.title}",
            indicator.name,
            indicator.unit,
            Direction(indicator.direction).label,
            baseline_fy,
            wareki(baseline_fy) if baseline_fy else None,
            indicator.baseline_value if indicator.has_baseline else None,
            result.fy,
            wareki(result.fy) if result.fy else None,
            result.actual,
            target_fy,
            wareki(target_fy) if target_fy else None,
            indicator.target_value if indicator.has_target else None,
            result.achievement_rate,
            result.progress_rate,
            result.grade.mark,
            result.grade.label,
            row.reason,
            row.grade_note,
            result.yearly_target.value if result.yearly_target else None,
            result.yearly_achievement_rate,
            "最終評価" if progress.is_final else "中間評価",
            row.final_evaluation.grade.mark,
            row.final_evaluation.grade.label,
            row.final_evaluation.change_percent,
            row.final_evaluation.reason,
        ]
        rows.append([csv_text(_blank(cell)) for cell in [*texts, *cells]])
    return _csv(rows)


def evaluation_dictionary_csv() -> str:
    """The data dictionary (項目定義) of evaluation_csv, as a CSV of its own."""
    return _csv([["項目名", "型", "単位", "説明"], *(list(column) for column in EVALUATION_COLUMNS)])
