"""A whole plan as it stood at the end of one fiscal year, read from a publication's document.

The dashboards, the Excel report and the open data all read a plan through `load()`: the structure, each
indicator with its actuals and its evaluation as computed at publication, the narratives and the grade
roll-ups. In a staff preview the document is built from the drafts and `base` (the publication citizens see)
marks what the drafts change.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from indicators import evaluation, final
from publications import document as doc
from publications import languages


@dataclass
class IndicatorProgress:
    indicator: doc.IndicatorView
    evaluation: evaluation.Evaluation
    measure: doc.MeasureView
    policy: doc.PolicyView
    actuals: dict  # {fiscal year: value}, up to the document's year
    draft_years: frozenset = frozenset()  # years whose actual differs from what citizens see (preview only)
    definition_changed: bool = False  # name, unit, baseline or target differs from what citizens see
    reason: str = ""  # the grade's reason as computed at publication (on an English page, worded in English)
    grade_note: str = ""  # 評価の補足 of the year graded, as staff wrote it
    # the final (or mid-term) grade, as computed at publication
    final_evaluation: final.FinalEvaluation | None = None
    carry: dict | None = None  # how it carries on from the predecessor's indicator (document.carry_over_json)
    chart_url: str = ""
    mini_chart_url: str = ""

    @property
    def is_draft(self) -> bool:
        return bool(self.draft_years) or self.definition_changed

    def earlier_values(self) -> dict[int, Decimal]:
        """The predecessor's baseline and actuals of a carried indicator, {fy: value}, as its last
        publication showed them; empty for any other indicator."""
        before = (self.carry or {}).get("predecessor")
        if not before:
            return {}
        values = {int(fy): doc.decimal(value) for fy, value in before["actuals"].items()}
        if before["baseline"]:
            values.setdefault(before["baseline"]["fy"], doc.decimal(before["baseline"]["value"]))
        return dict(sorted(values.items()))


@dataclass
class MeasureProgress:
    measure: doc.MeasureView
    indicators: list[IndicatorProgress]
    narratives: list[doc.NarrativeView]
    counts: dict[evaluation.Grade, int]
    reviews: list[doc.ReviewView] = field(default_factory=list)

    def narratives_about(self, indicator) -> list[doc.NarrativeView]:
        """The entries on this indicator and those on the measure as a whole (tied to no indicator)."""
        return [n for n in self.narratives if n.indicator_code in (None, indicator.code)]

    def reviews_by_year(self) -> list[tuple[int, doc.ReviewView | None, doc.ReviewView | None]]:
        """(fiscal year, 1次評価, 2次評価) for each year that has a review, side by side as 相模原市 shows them."""
        years = sorted({review.fiscal_year for review in self.reviews})
        found = {(review.fiscal_year, review.stage): review for review in self.reviews}
        return [(year, found.get((year, 1)), found.get((year, 2))) for year in years]

    def summaries(self, fy: int) -> list[doc.NarrativeView]:
        """The 総括 of the year fy."""
        return [n for n in self.narratives if n.section == "summary" and n.fiscal_year == fy]


@dataclass
class PolicyProgress:
    policy: doc.PolicyView
    measures: list[MeasureProgress]
    counts: dict[evaluation.Grade, int]
    final_counts: list[final.GradeCount] = field(default_factory=list)

    @property
    def indicators(self) -> list[IndicatorProgress]:
        return [row for measure in self.measures for row in measure.indicators]

    @property
    def final_counts_given(self) -> list[final.GradeCount]:
        """The grades of the final scale that some indicator of the policy got."""
        return [count for count in self.final_counts if count.count]


@dataclass
class PlanProgress:
    plan: doc.PlanView
    fy: int
    rule: evaluation.GradingRule
    preview: bool = False
    policies: list[PolicyProgress] = field(default_factory=list)
    counts: dict[evaluation.Grade, int] = field(default_factory=dict)
    grade_chart_url: str = ""
    document: dict = field(default_factory=dict, repr=False)
    final_rule: final.FinalRule = field(default_factory=final.FinalRule)
    final_stage: str = "midterm"  # "final" at the plan's last year, else the evaluation is 中間評価
    predecessor: dict | None = (
        None  # {slug, title, start_fy, end_fy, fy} of the plan this one carries on from
    )
    retired: list[dict] = field(default_factory=list)  # the predecessor's indicators not carried on: 廃止
    final_counts: list[final.GradeCount] = field(default_factory=list)

    @property
    def is_final(self) -> bool:
        return self.final_stage == "final"

    @property
    def final_scale(self) -> list[evaluation.Grade]:
        return [count.grade for count in self.final_counts]

    def final_count_rows(self) -> list[tuple[final.GradeCount, list[final.GradeCount]]]:
        """For each grade of the final scale: the plan's count and share, then each basic policy's."""
        return [
            (count, [policy.final_counts[index] for policy in self.policies])
            for index, count in enumerate(self.final_counts)
        ]

    @property
    def indicators(self) -> list[IndicatorProgress]:
        return [row for policy in self.policies for row in policy.indicators]

    @property
    def grade_scale(self) -> list[evaluation.Grade]:
        return evaluation.grade_scale(self.rule)

    def find(self, code: str) -> IndicatorProgress | None:
        return next((row for row in self.indicators if row.indicator.code == code), None)

    def measure_of(self, row: IndicatorProgress) -> MeasureProgress:
        return next(m for p in self.policies for m in p.measures if m.measure.code == row.measure.code)

    def only_policy(self, number: int) -> "PlanProgress":
        """The same plan with one basic policy (none if it has no such policy)."""
        return replace(self, policies=[p for p in self.policies if p.policy.number == number])


DEFINITION_KEYS = (
    "name",
    "unit",
    "direction",
    "tolerance",
    "may_exceed_100",
    "baseline",
    "target",
    "interim_targets",
    "carry_over",
    "target_rationale",
    "name_en",
    "unit_en",
    "target_rationale_en",
)


def load(document: dict, base: dict | None = None, preview: bool = False) -> PlanProgress:
    """The PlanProgress of a document. With preview, `base` (what citizens see for the year, or None) marks
    each actual, definition and narrative that the document changes."""
    rule = doc.rule_of(document)
    base_indicators = doc.indicators_by_code(base)
    base_measures = doc.measures_by_code(base)
    base_narratives = {
        code: {doc.narrative_key(item) for item in measure["narratives"]}
        for code, measure in base_measures.items()
    }
    progress = PlanProgress(
        plan=doc.plan_view(document),
        fy=document["fy"],
        rule=rule,
        preview=preview,
        document=document,
        final_rule=doc.final_rule_of(document),
        final_stage=document["final_stage"],
        final_counts=doc.final_counts_of(document["final_counts"]),
        predecessor=document["predecessor"],
        retired=document["retired_indicators"],
    )
    for policy_data in document["policies"]:
        policy = doc.PolicyView(
            policy_data["number"],
            policy_data["numeral"],
            policy_data["title"],
            policy_data["description"],
            policy_data["title_en"],
            policy_data["description_en"],
        )
        measures = []
        for measure_data in policy_data["measures"]:
            measure = doc.MeasureView(
                measure_data["number"],
                measure_data["code"],
                measure_data["title"],
                policy,
                measure_data["title_en"],
            )
            rows = []
            for item in measure_data["indicators"]:
                actuals = doc.actuals_of(item)
                row = IndicatorProgress(
                    doc.indicator_view(item), doc.evaluation_of(item["evaluation"]), measure, policy, actuals
                )
                row.reason, final_reason = languages.reasons(item, rule, progress.final_rule)
                row.grade_note = item["evaluation"]["note"]
                row.final_evaluation = replace(doc.final_of(item["final_evaluation"]), reason=final_reason)
                row.carry = item["carry_over"]
                if preview:
                    before = base_indicators.get(item["code"])
                    old = doc.actuals_of(before) if before else {}
                    old_notes = doc.grade_notes_of(before) if before else {}
                    notes = doc.grade_notes_of(item)
                    row.draft_years = frozenset(
                        y for y, v in actuals.items() if old.get(y) != v or old_notes.get(y) != notes.get(y)
                    )
                    row.definition_changed = before is None or any(
                        before[key] != item[key] for key in DEFINITION_KEYS
                    )
                rows.append(row)
            seen = base_narratives.get(measure.code, set())
            narratives = [
                doc.NarrativeView(
                    item["fy"],
                    item["section"],
                    item["position"],
                    item["indicator"],
                    item["text"],
                    is_draft=preview and doc.narrative_key(item) not in seen,
                    text_en=item["text_en"],
                )
                for item in measure_data["narratives"]
            ]
            counts = evaluation.count_grades([row.evaluation.grade for row in rows], rule)
            seen_reviews = {
                (r["fy"], r["stage"], r["mark"])
                for r in base_measures.get(measure.code, {}).get("reviews", [])
            }
            reviews = [
                doc.ReviewView(
                    r["fy"],
                    r["stage"],
                    r["mark"],
                    r["label"],
                    is_draft=preview and (r["fy"], r["stage"], r["mark"]) not in seen_reviews,
                )
                for r in measure_data["reviews"]
            ]
            measures.append(MeasureProgress(measure, rows, narratives, counts, reviews))
        policy_rows = [row for measure in measures for row in measure.indicators]
        counts = evaluation.count_grades([row.evaluation.grade for row in policy_rows], rule)
        progress.policies.append(
            PolicyProgress(policy, measures, counts, doc.final_counts_of(policy_data["final_counts"]))
        )
    progress.counts = evaluation.count_grades([row.evaluation.grade for row in progress.indicators], rule)
    return progress
