"""The publication document: one plan at the end of one fiscal year, as citizens see it.

A publication stores this document (JSON text, `SCHEMA_VERSION`) and every public output renders it: the
pages, the charts, the CSV, the JSON API and the Excel report. It holds the plan's definitions (policies,
measures, indicators, units, directions, baselines, targets, the grading rule), every actual and narrative up
to the year, and the evaluation computed when it was built, so a publication reads the same for ever.

`compose()` builds it from rows that only need their fields (the real models, or the historical models of a
data migration); `working_document()` gathers the working data (the drafts) and composes it; `load()` turns a
document back into the `PlanProgress` the templates and exports read.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext_lazy

from indicators import evaluation, final
from plans.fiscal_years import fiscal_year_label, plan_status

SCHEMA_VERSION = 1
RATE_PLACES = Decimal("0.0001")
ROMAN_NUMERALS = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
# The narrative sections in the order a measure's year reads (initiatives.models.Narrative.Section).
SECTIONS = ("initiatives", "issues", "committee", "summary")
SECTION_LABELS = {
    "initiatives": gettext_lazy("主な取組"),
    "issues": gettext_lazy("課題・改善事項・方針"),
    "committee": gettext_lazy("推進委員会の意見"),
    "summary": gettext_lazy("総括"),
}
NOTE_MARK = "※"
# How an indicator carries on from its predecessor's (indicators.models.CarryOver, which a test compares).
CARRY_KINDS = {
    "continued": gettext_lazy("継続"),
    "revised": gettext_lazy("見直し"),
    "new": gettext_lazy("新規"),
}


def numeral(number: int) -> str:
    """Ⅰ, Ⅱ, Ⅲ … as the plan document numbers its basic policies."""
    return ROMAN_NUMERALS[number - 1] if 1 <= number <= len(ROMAN_NUMERALS) else str(number)


def number(value: Decimal | None, places: Decimal | None = None) -> int | float | None:
    """A Decimal as a JSON number: an integer when whole, else a float with the written digits."""
    if value is None:
        return None
    if places is not None:
        value = value.quantize(places)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def english(row, name: str) -> str:
    """The English text of a row's field `name` ("" where it has none; the models of a data migration may
    be older than the English fields)."""
    return getattr(row, f"{name}_en", "") or ""


# --- Composing ------------------------------------------------------------------------------------------


def evaluation_json(result: evaluation.Evaluation, reason: str, note: str = "") -> dict:
    projection = result.projection
    return {
        "fy": result.fy,
        "actual": number(result.actual),
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
        "reason": reason,
        "note": note,  # 評価の補足 that staff wrote for the year of the actual graded
        "yearly_target": {"fy": result.yearly_target.fy, "value": number(result.yearly_target.value)}
        if result.yearly_target
        else None,
        "yearly_achievement_rate": number(result.yearly_achievement_rate, RATE_PLACES),
    }


def final_json(result: final.FinalEvaluation) -> dict:
    return {
        "grade": {"mark": result.grade.mark, "label": result.grade.label},
        "change_percent": number(result.change_percent, RATE_PLACES),
        "reason": result.reason,
    }


def final_counts_json(grades: list[evaluation.Grade], scale: list[evaluation.Grade]) -> list[dict]:
    return [
        {
            "mark": c.grade.mark,
            "label": c.grade.label,
            "count": c.count,
            "share": number(c.share, RATE_PLACES),
        }
        for c in final.count_grades(grades, scale)
    ]


def indicator_json(
    indicator,
    actuals: dict[int, Decimal],
    fy: int,
    rule: evaluation.GradingRule,
    grade_notes: dict[int, str] | None = None,
    interim_targets: dict[int, Decimal] | None = None,
    final_rule: final.FinalRule | None = None,
) -> dict:
    """One indicator (a row with the Indicator fields) with its actuals and 評価の補足 up to fy, its yearly
    targets, evaluated at fy, and its final (or mid-term) grade under final_rule."""
    baseline = (
        evaluation.Point(indicator.baseline_fy, indicator.baseline_value)
        if indicator.baseline_value is not None
        else None
    )
    target = (
        evaluation.Point(indicator.target_fy, indicator.target_value)
        if indicator.target_value is not None
        else None
    )
    shown = {year: value for year, value in sorted(actuals.items()) if year <= fy}
    # getattr: the data migration that made the first publications composes with the models of its time
    may_exceed_100 = getattr(indicator, "may_exceed_100", False)
    result = evaluation.evaluate(
        direction=indicator.direction,
        baseline=baseline,
        target=target,
        actuals=shown,
        fy=fy,
        tolerance=indicator.tolerance,
        rule=rule,
        unit=indicator.unit,
        may_exceed_100=may_exceed_100,
        yearly_targets=interim_targets,
    )
    reason = evaluation.explanation(result, indicator.unit, indicator.direction, rule)
    overall = final.final_evaluation(result, final_rule or final.FinalRule(), indicator.unit, rule.bands)
    notes = {year: text for year, text in sorted((grade_notes or {}).items()) if year in shown and text}
    return {
        "code": indicator.code,
        "name": indicator.name,
        "name_en": english(indicator, "name"),
        "unit": indicator.unit,
        "unit_en": english(indicator, "unit"),
        "direction": indicator.direction,
        "tolerance": number(indicator.tolerance) or 0,
        "may_exceed_100": may_exceed_100,
        "baseline": {"fy": baseline.fy, "value": number(baseline.value)} if baseline else None,
        "target": {"fy": target.fy, "value": number(target.value)} if target else None,
        "interim_targets": {
            str(year): number(value) for year, value in sorted((interim_targets or {}).items())
        },
        "actuals": {str(year): number(value) for year, value in shown.items()},
        "grade_notes": {str(year): text for year, text in notes.items()},
        "evaluation": evaluation_json(
            result, reason, notes.get(result.fy, "") if result.actual is not None else ""
        ),
        "final_evaluation": final_json(overall),
    }


def carry_over_json(indicator, predecessor_items: dict[str, dict]) -> dict | None:
    """How an indicator carries on from the predecessor's (None where it does not say): its kind, the code
    it came from, and what the predecessor's last publication showed of it (name, unit, target, values)."""
    kind = getattr(indicator, "carry_over", "")
    if not kind:
        return None
    code = getattr(indicator, "carried_from", "") or None
    before = predecessor_items.get(code) if code else None
    return {
        "kind": kind,
        "from": code,
        "predecessor": {
            "name": before["name"],
            "name_en": before.get("name_en", ""),
            "unit": before["unit"],
            "unit_en": before.get("unit_en", ""),
            "target": before["target"],
            "baseline": before["baseline"],
            "actuals": before["actuals"],
        }
        if before
        else None,
    }


def predecessor_json(predecessor: dict | None, carried: set[str]) -> tuple[dict | None, list[dict]]:
    """The predecessor (its last publication's document) as the successor's document names it, and its
    indicators that no indicator of the successor carries on (廃止)."""
    if predecessor is None:
        return None, []
    named = {
        "slug": predecessor["slug"],
        "title": predecessor["title"],
        "title_en": predecessor.get("title_en", ""),
        "start_fy": predecessor["start_fy"],
        "end_fy": predecessor["end_fy"],
        "fy": predecessor["fy"],
    }
    retired = [
        {
            "code": item["code"],
            "name": item["name"],
            "name_en": item.get("name_en", ""),
            "unit": item["unit"],
            "unit_en": item.get("unit_en", ""),
        }
        for item in indicators_by_code(predecessor).values()
        if item["code"] not in carried
    ]
    return named, retired


def grading_json(rule: evaluation.GradingRule) -> dict:
    return {
        "method": rule.method,
        "bands": [
            {"min_rate": number(band.min), "mark": band.mark, "label": band.label} for band in rule.bands
        ],
    }


def final_grading_json(rule: final.FinalRule) -> dict:
    return {
        "method": rule.method,
        "tolerance_percent": number(rule.tolerance_percent),
        "bands": [
            {"min_rate": number(band.min), "mark": band.mark, "label": band.label} for band in rule.bands
        ],
    }


def counts_json(grades: list[evaluation.Grade], rule: evaluation.GradingRule) -> list[dict]:
    return [
        {"mark": grade.mark, "label": grade.label, "count": count}
        for grade, count in evaluation.count_grades(grades, rule).items()
    ]


@dataclass
class MeasureRows:
    """What compose() needs of one measure: the measure row, its indicator rows and its narratives."""

    measure: object
    indicators: list = field(default_factory=list)  # rows with the Indicator fields, in display order
    # (fiscal_year, section, position, indicator code, text, English text): the English may be left off
    narratives: list = field(default_factory=list)
    reviews: list = field(default_factory=list)  # (fiscal_year, stage, mark): 1次評価 and 2次評価


@dataclass
class PolicyRows:
    policy: object
    measures: list[MeasureRows] = field(default_factory=list)


@translation.override(
    "ja"
)  # a document is worded in Japanese, whatever page asks for it (a preview in English)
def compose(
    plan,
    rule: evaluation.GradingRule,
    policies: list[PolicyRows],
    actuals: dict[str, dict[int, Decimal]],
    fy: int,
    grade_notes: dict[str, dict[int, str]] | None = None,
    organisations: list[str] | None = None,
    interim_targets: dict[str, dict[int, Decimal]] | None = None,
    final_rule: final.FinalRule | None = None,
    review_scale: list[tuple[str, str]] | None = None,
    predecessor: dict | None = None,
    organisations_en: list[str] | None = None,
) -> dict:
    """The document of plan at the end of fiscal year fy. `actuals` is {indicator code: {fy: value}},
    `grade_notes` {indicator code: {fy: 評価の補足}} and `interim_targets` {indicator code: {fy: 年度目標}};
    `organisations` names who makes the plan; `final_rule` grades the final evaluation (a mid-term one
    before the plan's last year); `review_scale` [(mark, label)] is the scale of the measures' reviews;
    `predecessor` is the document of the predecessor's last publication (None: no predecessor, or none yet);
    `organisations_en` the English names of `organisations` ("" where one has none).
    Nothing after fy goes in (no actual, no narrative, no review)."""
    labels = dict(review_scale or [])
    predecessor_items = indicators_by_code(predecessor)
    carried: set[str] = set()
    final_rule = final_rule or final.FinalRule()
    final_scale = final.grade_scale(final_rule, rule.bands)
    grades, final_grades = [], []
    policy_documents = []
    for policy_rows in policies:
        policy = policy_rows.policy
        measure_documents, policy_final = [], []
        for measure_rows in policy_rows.measures:
            measure = measure_rows.measure
            indicators = [
                indicator_json(
                    indicator,
                    actuals.get(indicator.code, {}),
                    fy,
                    rule,
                    (grade_notes or {}).get(indicator.code),
                    (interim_targets or {}).get(indicator.code),
                    final_rule,
                )
                for indicator in measure_rows.indicators
            ]
            for indicator, item in zip(measure_rows.indicators, indicators, strict=True):
                item["target_rationale"] = getattr(indicator, "target_rationale", "")
                item["target_rationale_en"] = english(indicator, "target_rationale")
                item["carry_over"] = carry_over_json(indicator, predecessor_items)
                if item["carry_over"] and item["carry_over"]["from"]:
                    carried.add(item["carry_over"]["from"])
            grades += [evaluation.Grade(**item["evaluation"]["grade"]) for item in indicators]
            policy_final += [evaluation.Grade(**item["final_evaluation"]["grade"]) for item in indicators]
            order = {section: index for index, section in enumerate(SECTIONS)}
            narratives = sorted(
                (item for item in measure_rows.narratives if item[0] <= fy),
                key=lambda item: (item[0], order.get(item[1], 9), item[2]),
            )
            measure_documents.append(
                {
                    "number": measure.number,
                    "code": f"{policy.number}-{measure.number}",
                    "title": measure.title,
                    "title_en": english(measure, "title"),
                    "indicators": indicators,
                    "narratives": [
                        {
                            "fy": year,
                            "section": section,
                            "position": position,
                            "indicator": code,
                            "text": text,
                            "text_en": translated[0] if translated else "",
                        }
                        for year, section, position, code, text, *translated in narratives
                    ],
                    "reviews": [
                        {"fy": year, "stage": stage, "mark": mark, "label": labels.get(mark, "")}
                        for year, stage, mark in sorted(measure_rows.reviews)
                        if year <= fy
                    ],
                }
            )
        policy_documents.append(
            {
                "number": policy.number,
                "numeral": numeral(policy.number),
                "title": policy.title,
                "title_en": english(policy, "title"),
                "description": policy.description,
                "description_en": english(policy, "description"),
                "final_counts": final_counts_json(policy_final, final_scale),
                "measures": measure_documents,
            }
        )
        final_grades += policy_final
    named, retired = predecessor_json(predecessor, carried)
    return {
        "schema_version": SCHEMA_VERSION,
        "slug": plan.slug,
        "title": plan.title,
        "title_en": english(plan, "title"),
        "philosophy": plan.philosophy,
        "philosophy_en": english(plan, "philosophy"),
        "summary": plan.summary,
        "summary_en": english(plan, "summary"),
        "start_fy": plan.start_fy,
        "end_fy": plan.end_fy,
        "organisations": list(organisations or []),
        "organisations_en": list(organisations_en or [""] * len(organisations or [])),
        "fy": fy,
        "grading": grading_json(rule),
        "grade_counts": counts_json(grades, rule),
        "final_grading": final_grading_json(final_rule),
        "final_stage": "final" if fy >= plan.end_fy else "midterm",
        "final_counts": final_counts_json(final_grades, final_scale),
        "review_scale": [{"mark": mark, "label": label} for mark, label in review_scale or []],
        "predecessor": named,
        "retired_indicators": retired,
        "policies": policy_documents,
    }


def dumps(document: dict) -> str:
    """The stored text of a document: the same text for the same document, every time."""
    return json.dumps(document, ensure_ascii=False, indent=2)


# --- Reading back ---------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def parse(text: str) -> dict:
    """The document of a stored text, numbers as exact Decimals. Publications never change, so one parse per
    process serves every later request for the same text (the cache holds the text itself as its key).
    Keys added to the schema since are filled in with what older publications meant by their absence."""
    return upgraded(json.loads(text, parse_float=Decimal))


def upgraded(document: dict) -> dict:
    """A stored document with the keys added to the schema since filled in, as older publications meant by
    their absence (numbers as Decimals or as floats: both read back the same)."""
    document.setdefault("organisations", [])  # publications before the plan named its organisations
    for key in ("title_en", "philosophy_en", "summary_en"):  # publications before the English texts
        document.setdefault(key, "")
    document.setdefault("organisations_en", [""] * len(document["organisations"]))
    document.setdefault("review_scale", [])  # publications before the measures' reviews had none
    document.setdefault("predecessor", None)  # publications before plans had predecessors
    document.setdefault("retired_indicators", [])
    if document["predecessor"]:
        document["predecessor"].setdefault("title_en", "")
    for item in document["retired_indicators"]:
        item.setdefault("name_en", "")
        item.setdefault("unit_en", "")
    for policy in document["policies"]:
        policy.setdefault("title_en", "")
        policy.setdefault("description_en", "")
    for measure in measures_by_code(document).values():
        measure.setdefault("reviews", [])
        measure.setdefault("title_en", "")
        for narrative in measure.get("narratives", []):
            narrative.setdefault("text_en", "")
    for item in indicators_by_code(document).values():
        item.setdefault("may_exceed_100", False)  # publications before the field: 100 was the limit
        item.setdefault("grade_notes", {})  # publications before 評価の補足 had none
        item.setdefault("interim_targets", {})  # publications before 年度目標 had none
        item.setdefault("carry_over", None)
        item.setdefault("target_rationale", "")
        for key in ("name_en", "unit_en", "target_rationale_en"):
            item.setdefault(key, "")
        if item["carry_over"] and item["carry_over"]["predecessor"]:
            item["carry_over"]["predecessor"].setdefault("name_en", "")
            item["carry_over"]["predecessor"].setdefault("unit_en", "")
        item["evaluation"].setdefault("note", "")
        item["evaluation"].setdefault("yearly_target", None)
        item["evaluation"].setdefault("yearly_achievement_rate", None)
    if "final_counts" not in document:
        add_final_evaluation(document)
    return document


@translation.override("ja")  # as compose(): the stored words are Japanese (parse() keeps what this gives)
def add_final_evaluation(document: dict) -> None:
    """Grade a publication made before the final evaluation existed by the default final rule, from the
    evaluation it stored: the same figures, so the same grades every time it is read."""
    rule = final.FinalRule()
    scale = final.grade_scale(rule)
    every = []
    for policy in document["policies"]:
        grades = []
        for measure in policy["measures"]:
            for item in measure["indicators"]:
                result = final.final_evaluation(evaluation_of(item["evaluation"]), rule, item["unit"])
                item["final_evaluation"] = final_json(result)
                grades.append(result.grade)
        policy["final_counts"] = final_counts_json(grades, scale)
        every += grades
    document["final_grading"] = final_grading_json(rule)
    document["final_stage"] = "final" if document["fy"] >= document["end_fy"] else "midterm"
    document["final_counts"] = final_counts_json(every, scale)


def final_rule_of(document: dict) -> final.FinalRule:
    grading = document["final_grading"]
    return final.FinalRule(
        grading["method"],
        decimal(grading["tolerance_percent"]),
        [
            evaluation.Band(decimal(band["min_rate"]), band["mark"], band["label"])
            for band in grading["bands"]
        ],
    )


def final_of(data: dict) -> final.FinalEvaluation:
    return final.FinalEvaluation(
        evaluation.Grade(**data["grade"]), decimal(data["change_percent"]), data["reason"]
    )


def final_counts_of(items: list[dict]) -> list[final.GradeCount]:
    return [
        final.GradeCount(evaluation.Grade(item["mark"], item["label"]), item["count"], decimal(item["share"]))
        for item in items
    ]


def rule_of(document: dict) -> evaluation.GradingRule:
    grading = document["grading"]
    return evaluation.GradingRule(
        grading["method"],
        [
            evaluation.Band(decimal(band["min_rate"]), band["mark"], band["label"])
            for band in grading["bands"]
        ],
    )


def evaluation_of(data: dict) -> evaluation.Evaluation:
    reference, projection = data["reference"], data["projection"]
    return evaluation.Evaluation(
        fy=data["fy"],
        actual=decimal(data["actual"]),
        reference=evaluation.Point(reference["fy"], decimal(reference["value"])) if reference else None,
        reference_is_baseline=bool(reference and reference["is_baseline"]),
        achievement_rate=decimal(data["achievement_rate"]),
        progress_rate=decimal(data["progress_rate"]),
        expected_progress=decimal(data["expected_progress"]),
        change=data["change"],
        target_met=data["target_met"],
        projection=evaluation.Projection(
            projection["fy"], decimal(projection["value"]), projection["meets_target"]
        )
        if projection
        else None,
        grade=evaluation.Grade(**data["grade"]),
        yearly_target=evaluation.Point(data["yearly_target"]["fy"], decimal(data["yearly_target"]["value"]))
        if data.get("yearly_target")
        else None,
        yearly_achievement_rate=decimal(data.get("yearly_achievement_rate")),
    )


@dataclass(frozen=True)
class PlanView:
    slug: str
    title: str
    philosophy: str
    summary: str
    start_fy: int
    end_fy: int
    organisations: tuple[str, ...] = ()
    title_en: str = ""
    philosophy_en: str = ""
    summary_en: str = ""
    organisations_en: tuple[str, ...] = ()

    @property
    def fiscal_years(self) -> range:
        return range(self.start_fy, self.end_fy + 1)

    @property
    def period_label(self) -> str:
        return f"{fiscal_year_label(self.start_fy)}～{fiscal_year_label(self.end_fy)}"

    def contains_fiscal_year(self, fy: int) -> bool:
        return self.start_fy <= fy <= self.end_fy

    def status(self, today_fy: int) -> str:
        """ongoing, ended or upcoming (plans.fiscal_years.plan_status) in fiscal year today_fy."""
        return plan_status(self.start_fy, self.end_fy, today_fy)


@dataclass(frozen=True)
class PolicyView:
    number: int
    numeral: str
    title: str
    description: str
    title_en: str = ""
    description_en: str = ""

    @property
    def pk(self) -> int:
        return self.number


@dataclass(frozen=True)
class MeasureView:
    number: int
    code: str
    title: str
    policy: PolicyView
    title_en: str = ""

    @property
    def pk(self) -> str:
        return self.code


@dataclass(frozen=True)
class IndicatorView:
    code: str
    name: str
    unit: str
    direction: str
    tolerance: Decimal
    may_exceed_100: bool
    baseline_fy: int | None
    baseline_value: Decimal | None
    target_fy: int | None
    target_value: Decimal | None
    interim_targets: tuple[tuple[int, Decimal], ...] = ()  # ((fy, 年度目標), …) in year order
    carried_from: str = ""
    carry_over: str = ""
    target_rationale: str = ""
    name_en: str = ""
    unit_en: str = ""
    target_rationale_en: str = ""

    @property
    def pk(self) -> str:
        return self.code

    @property
    def yearly_targets(self) -> dict[int, Decimal]:
        return dict(self.interim_targets)

    @property
    def has_baseline(self) -> bool:
        return self.baseline_value is not None

    @property
    def has_target(self) -> bool:
        return self.target_value is not None


@dataclass(frozen=True)
class NarrativeView:
    fiscal_year: int
    section: str
    position: int
    indicator_code: str | None
    text: str
    is_draft: bool = False
    text_en: str = ""

    @property
    def indicator_id(self) -> str | None:
        return self.indicator_code

    @property
    def is_note(self) -> bool:
        """A ※ note qualifies the bullets before it rather than reporting an initiative of its own."""
        return self.text.startswith(NOTE_MARK)

    def get_section_display(self) -> str:
        return SECTION_LABELS.get(self.section, self.section)


REVIEW_STAGES = {1: gettext_lazy("1次評価（担当課）"), 2: gettext_lazy("2次評価（推進委員会）")}


@dataclass(frozen=True)
class ReviewView:
    """A measure's grade for a year at one stage of review (initiatives.models.MeasureReview)."""

    fiscal_year: int
    stage: int
    mark: str
    label: str
    is_draft: bool = False

    @property
    def stage_label(self) -> str:
        return REVIEW_STAGES.get(self.stage, str(self.stage))


def plan_view(document: dict) -> PlanView:
    return PlanView(
        document["slug"],
        document["title"],
        document["philosophy"],
        document["summary"],
        document["start_fy"],
        document["end_fy"],
        tuple(document["organisations"]),
        document["title_en"],
        document["philosophy_en"],
        document["summary_en"],
        tuple(document["organisations_en"]),
    )


def indicator_view(data: dict) -> IndicatorView:
    baseline, target = data["baseline"], data["target"]
    return IndicatorView(
        code=data["code"],
        name=data["name"],
        unit=data["unit"],
        direction=data["direction"],
        tolerance=decimal(data["tolerance"]),
        may_exceed_100=data["may_exceed_100"],
        baseline_fy=baseline["fy"] if baseline else None,
        baseline_value=decimal(baseline["value"]) if baseline else None,
        target_fy=target["fy"] if target else None,
        target_value=decimal(target["value"]) if target else None,
        interim_targets=tuple(sorted(interim_targets_of(data).items())),
        carried_from=(data["carry_over"] or {}).get("from") or "",
        carry_over=(data["carry_over"] or {}).get("kind", ""),
        target_rationale=data["target_rationale"],
        name_en=data["name_en"],
        unit_en=data["unit_en"],
        target_rationale_en=data["target_rationale_en"],
    )


def actuals_of(data: dict) -> dict[int, Decimal]:
    return {int(year): decimal(value) for year, value in data["actuals"].items()}


def interim_targets_of(data: dict) -> dict[int, Decimal]:
    return {int(year): decimal(value) for year, value in data["interim_targets"].items()}


def grade_notes_of(data: dict) -> dict[int, str]:
    return {int(year): text for year, text in data["grade_notes"].items()}


def measures_by_code(document: dict | None) -> dict[str, dict]:
    """{measure code: measure} of a document (None: no measures)."""
    return {m["code"]: m for p in (document or {}).get("policies", []) for m in p["measures"]}


def indicators_by_code(document: dict | None) -> dict[str, dict]:
    """{indicator code: indicator} of a document (None: no indicators)."""
    return {item["code"]: item for m in measures_by_code(document).values() for item in m["indicators"]}


def narrative_key(item: dict) -> tuple:
    return (item["fy"], item["section"], item["indicator"], item["text"], item["text_en"])
