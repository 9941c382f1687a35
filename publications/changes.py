"""What one publication changes from another of the same year: for the publish screen (what the new one will
change) and for each publication's public page (what a correction changed). Pure functions over documents."""

from dataclasses import dataclass

from django.utils import translation

from indicators.evaluation import display_percent, display_value
from publications.document import (
    CARRY_KINDS,
    REVIEW_STAGES,
    SECTION_LABELS,
    decimal,
    indicators_by_code,
    measures_by_code,
)

PLAN_FIELDS = (
    ("title", "計画名"),
    ("title_en", "計画名（英語）"),
    ("philosophy", "基本理念"),
    ("philosophy_en", "基本理念（英語）"),
    ("summary", "計画の概要"),
    ("summary_en", "計画の概要（英語）"),
)
POLICY_FIELDS = (
    ("title", "基本方針名"),
    ("title_en", "基本方針名（英語）"),
    ("description", "説明"),
    ("description_en", "説明（英語）"),
)
DIRECTIONS = {"increase": "増やす", "decrease": "減らす", "maintain": "維持する"}


@dataclass(frozen=True)
class Change:
    subject: str  # 「1-1-1 地域の課題を…」, 「取組1-1 …」 or 「計画」
    what: str  # 「令和3年度の実績値」, 「目標値」, 「評価」, 「主な取組（令和3年度）」
    before: str
    after: str
    kind: str = "changed"  # changed | added | removed
    area: str = "definition"  # definition | value | grade | narrative: what summary() counts it as


def _point(point: dict | None, unit: str) -> str:
    if point is None:
        return "（なし）"
    return f"{display_value(decimal(point['value']), unit)}（{point['fy']}年度）"


def _grade(item: dict | None) -> str:
    if item is None:
        return "（なし）"
    result = item["evaluation"]
    return f"{result['grade']['mark']} {result['grade']['label']}（達成率 {display_percent(decimal(result['achievement_rate']))}）"


def _targets(targets: dict, unit: str) -> str:
    shown = "、".join(f"{year}年度 {display_value(decimal(value), unit)}" for year, value in targets.items())
    return shown or "（なし）"


def _carry(carry: dict | None) -> str:
    if not carry:
        return "（なし）"
    kind = CARRY_KINDS.get(carry["kind"], carry["kind"])
    return f"{kind}（前の計画の {carry['from']}）" if carry["from"] else kind


def review_changes(old: dict | None, new: dict) -> list[Change]:
    """A measure's reviews (1次評価・2次評価) added, changed or removed."""
    subject = f"取組{new['code']} {new['title']}"
    before = {
        (r["fy"], r["stage"]): f"{r['mark']} {r['label']}".strip() for r in (old or {}).get("reviews", [])
    }
    after = {(r["fy"], r["stage"]): f"{r['mark']} {r['label']}".strip() for r in new["reviews"]}
    changes = []
    for key in sorted(set(before) | set(after)):
        fy, stage = key
        what = f"{REVIEW_STAGES.get(stage, stage)}（{fy}年度）"
        if before.get(key) != after.get(key):
            kind = "added" if key not in before else "removed" if key not in after else "changed"
            changes.append(
                Change(
                    subject, what, before.get(key, "（なし）"), after.get(key, "（なし）"), kind, "narrative"
                )
            )
    return changes


def indicator_changes(old: dict | None, new: dict) -> list[Change]:
    subject = f"{new['code']} {new['name']}"
    unit = new["unit"]
    if old is None:
        return [Change(subject, "成果指標", "（なし）", new["name"], "added")]
    changes = []
    for key, label in (
        ("name", "成果指標名"),
        ("name_en", "成果指標名（英語）"),
        ("unit", "単位"),
        ("unit_en", "単位（英語）"),
        ("target_rationale_en", "目標設定の考え方（英語）"),
    ):
        if old[key] != new[key]:
            changes.append(Change(subject, label, old[key], new[key]))
    if old["direction"] != new["direction"]:
        changes.append(
            Change(subject, "目指す方向", DIRECTIONS[old["direction"]], DIRECTIONS[new["direction"]])
        )
    for key, label in (("baseline", "基準値"), ("target", "目標値")):
        if old[key] != new[key]:
            changes.append(Change(subject, label, _point(old[key], old["unit"]), _point(new[key], unit)))
    if decimal(old["tolerance"]) != decimal(new["tolerance"]):
        changes.append(Change(subject, "許容幅", str(old["tolerance"]), str(new["tolerance"])))
    if old["may_exceed_100"] != new["may_exceed_100"]:
        shown = {True: "100％を超えることがある", False: "100％まで"}
        changes.append(
            Change(subject, "値の範囲", shown[old["may_exceed_100"]], shown[new["may_exceed_100"]])
        )
    if old["target_rationale"] != new["target_rationale"]:
        changes.append(Change(subject, "目標設定の考え方", old["target_rationale"], new["target_rationale"]))
    if old["carry_over"] != new["carry_over"]:
        changes.append(
            Change(subject, "前の計画からの引き継ぎ", _carry(old["carry_over"]), _carry(new["carry_over"]))
        )
    if old["interim_targets"] != new["interim_targets"]:
        changes.append(
            Change(
                subject,
                "年度目標",
                _targets(old["interim_targets"], old["unit"]),
                _targets(new["interim_targets"], unit),
            )
        )
    before, after = old["actuals"], new["actuals"]
    for year in sorted(set(before) | set(after), key=int):
        if decimal(before.get(year)) != decimal(after.get(year)):
            changes.append(
                Change(
                    subject,
                    f"{year}年度の実績値",
                    display_value(decimal(before[year]), old["unit"]) if year in before else "（なし）",
                    display_value(decimal(after[year]), unit) if year in after else "（なし）",
                    area="value",
                )
            )
    if _grade(old) != _grade(new):
        changes.append(Change(subject, "評価", _grade(old), _grade(new), area="grade"))
    return changes


def narrative_changes(old: dict | None, new: dict) -> list[Change]:
    """Narratives added, changed (same year, section and position, other text) or removed."""
    subject = f"取組{new['code']} {new['title']}"
    before = {(n["fy"], n["section"], n["position"]): n for n in (old or {}).get("narratives", [])}
    after = {(n["fy"], n["section"], n["position"]): n for n in new["narratives"]}
    changes = []
    for key in sorted(set(before) | set(after)):
        fy, section, _ = key
        what = f"{SECTION_LABELS.get(section, section)}（{fy}年度）"
        if key not in before:
            changes.append(Change(subject, what, "", after[key]["text"], "added", "narrative"))
        elif key not in after:
            changes.append(Change(subject, what, before[key]["text"], "", "removed", "narrative"))
        elif before[key]["text"] != after[key]["text"] or before[key]["indicator"] != after[key]["indicator"]:
            changes.append(Change(subject, what, before[key]["text"], after[key]["text"], area="narrative"))
        elif before[key]["text_en"] != after[key]["text_en"]:
            changes.append(
                Change(
                    subject,
                    f"{what}（英語）",
                    before[key]["text_en"],
                    after[key]["text_en"],
                    area="narrative",
                )
            )
    return changes


@translation.override("ja")  # staff read the changes in Japanese, whatever page asks for them
def changes_between(old: dict | None, new: dict) -> list[Change]:
    """Everything new changes from old (None: the first publication of the year, which changes nothing to
    compare with, so the list is empty)."""
    if old is None:
        return []
    changes = [
        Change("計画", label, old[key], new[key])
        for key, label in PLAN_FIELDS
        if old.get(key) != new.get(key)
    ]
    if old["organisations"] != new["organisations"]:
        before, after = ("・".join(doc["organisations"]) or "（なし）" for doc in (old, new))
        changes.append(Change("計画", "計画を策定する組織", before, after))
    if old["grading"] != new["grading"]:
        changes.append(Change("計画", "評価の方法", _grading(old["grading"]), _grading(new["grading"])))
    if old["final_grading"] != new["final_grading"]:
        changes.append(
            Change(
                "計画",
                "最終評価の方法",
                _final_grading(old["final_grading"]),
                _final_grading(new["final_grading"]),
            )
        )
    if old["review_scale"] != new["review_scale"]:
        before, after = (
            "、".join(f"{m['mark']} {m['label']}" for m in d["review_scale"]) or "（なし）"
            for d in (old, new)
        )
        changes.append(Change("計画", "取組の評価の区分", before, after))
    old_policies = {policy["number"]: policy for policy in old["policies"]}
    for policy in new["policies"]:
        before = old_policies.get(policy["number"])
        for key, label in POLICY_FIELDS if before else ():
            if before[key] != policy[key]:
                changes.append(Change(f"基本方針{policy['numeral']}", label, before[key], policy[key]))
    old_indicators, new_indicators = indicators_by_code(old), indicators_by_code(new)
    old_measures, new_measures = measures_by_code(old), measures_by_code(new)
    for code, measure in new_measures.items():
        for key, label in (("title", "取組名"), ("title_en", "取組名（英語）")):
            if code in old_measures and old_measures[code][key] != measure[key]:
                changes.append(Change(f"取組{code}", label, old_measures[code][key], measure[key]))
        for item in measure["indicators"]:
            changes += indicator_changes(old_indicators.get(item["code"]), item)
        changes += narrative_changes(old_measures.get(code), measure)
        changes += review_changes(old_measures.get(code), measure)
    for code, item in old_indicators.items():
        if code not in new_indicators:
            changes.append(Change(f"{code} {item['name']}", "成果指標", item["name"], "（なし）", "removed"))
    for code, measure in old_measures.items():
        if code not in new_measures:
            changes.append(
                Change(f"取組{code} {measure['title']}", "取組", measure["title"], "（なし）", "removed")
            )
    return changes


def _grading(grading: dict) -> str:
    if grading["method"] == "pace":
        return "進捗ペース"
    bands = "、".join(
        f"{b['mark']}{b['label']}" + (f" {b['min_rate']}％以上" if b["min_rate"] is not None else "")
        for b in grading["bands"]
    )
    return f"達成率の区分（{bands}）"


def _final_grading(grading: dict) -> str:
    if grading["method"] == "trend":
        return f"基準値からの変化（±{grading['tolerance_percent']}％）"
    return _grading(grading)


def summary(changes: list[Change]) -> str:
    """「実績値 2件、取組内容 1件」: a short count for lists and the feed."""
    values = sum(1 for c in changes if c.area == "value")
    narratives = sum(1 for c in changes if c.area == "narrative")
    others = sum(1 for c in changes if c.area == "definition")
    parts = []
    if values:
        parts.append(f"実績値 {values}件")
    if narratives:
        parts.append(f"取組内容 {narratives}件")
    if others:
        parts.append(f"その他 {others}件")
    return "、".join(parts) or "変更なし"
