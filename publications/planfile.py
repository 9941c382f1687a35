"""The plan file: one YAML document that defines a whole plan (docs/plan-file.md).

Reading is in two steps so that nothing is written unless the whole file is good: `parse_plan()` checks
the text and returns plain data (no database), `save_plan()` writes that data in one transaction.
`dump_plan()` writes a stored plan back in the same format, deterministically.

This module needs the models of all three apps, so only management commands import it.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from indicators.evaluation import number_problem, value_problem, year_problems, yearly_target_year_problem
from indicators.final import DEFAULT_TOLERANCE
from indicators.models import CarryOver, Indicator, IndicatorValue, YearlyTarget, without_trailing_zeros
from initiatives.models import MeasureReview, Narrative
from plans import fiscal_years
from plans.grading import bands_problem
from plans.models import (
    MAX_FISCAL_YEAR,
    MIN_FISCAL_YEAR,
    BasicPolicy,
    FinalGradingMethod,
    GradeBand,
    GradeStage,
    GradingMethod,
    Measure,
    Organisation,
    Plan,
    PlanOrganisation,
    ReviewMark,
)
from publications.document import SECTIONS

SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")
CODE_PATTERN = re.compile(r"^[0-9A-Za-z]+(-[0-9A-Za-z]+)*$")
DIRECTIONS = ("increase", "decrease", "maintain")
MAX_PLAN_FILE_BYTES = 2 * 1024 * 1024  # the Kumamoto plan is about 30 KB; a 20 MB one took 17 s and 275 MB
# The English texts a file may give beside the Japanese ones, by the model whose fields they fill.
ENGLISH_KEYS = {
    Plan: ("title_en", "philosophy_en", "summary_en"),
    BasicPolicy: ("title_en", "description_en"),
    Measure: ("title_en",),
    Indicator: ("name_en", "unit_en", "target_rationale_en"),
}


class PlanFileError(Exception):
    """A problem in a plan file, with the place it was found: file, line and key path."""

    def __init__(self, message: str, path: str = "", line: int | None = None, source: str = ""):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.source = source

    def __str__(self) -> str:
        place = self.source or "計画ファイル"
        if self.line is not None:
            place += f" {self.line}行目"
        if self.path:
            place += f"（{self.path}）"
        return f"{place}: {self.message}"


# --- Plain data, as read from a file -------------------------------------------------------------------


@dataclass
class ValueData:
    fy: int
    value: Decimal


@dataclass
class NarrativeData:
    fy: int
    section: str
    indicator: str | None
    text: str
    text_en: str = ""


@dataclass
class IndicatorData:
    code: str
    name: str
    unit: str
    direction: str
    baseline: ValueData | None
    target: ValueData | None
    actuals: dict[int, Decimal]
    tolerance: Decimal = Decimal(0)
    may_exceed_100: bool = False
    grade_notes: dict[int, str] = field(default_factory=dict)  # 評価の補足 of years with an actual
    organisation: str | None = None  # None: the measure's organisation is responsible
    interim_targets: dict[int, Decimal] = field(default_factory=dict)  # 年度目標 before the target year
    carried_from: str = ""  # the predecessor's code of a continued or revised indicator
    carry_over: str = ""  # continued | revised | new ("" where the plan has no predecessor)
    target_rationale: str = ""  # 目標設定の考え方
    # The English texts (…_en), "" where there is none: the English pages then show the Japanese.
    name_en: str = ""
    unit_en: str = ""
    target_rationale_en: str = ""


@dataclass
class MeasureData:
    number: int
    title: str
    organisation: str | None = None  # the name of the organisation responsible (one of the plan's)
    title_en: str = ""
    indicators: list[IndicatorData] = field(default_factory=list)
    narratives: list[NarrativeData] = field(default_factory=list)


@dataclass
class PolicyData:
    number: int
    title: str
    description: str
    measures: list[MeasureData] = field(default_factory=list)
    title_en: str = ""
    description_en: str = ""


@dataclass
class ReviewData:
    fy: int
    measure: str  # the measure's code: "1-2"
    stage: int  # 1: 1次評価（担当課）, 2: 2次評価（推進委員会）
    mark: str


@dataclass
class BandData:
    min: Decimal | None
    mark: str
    label: str


@dataclass
class PlanData:
    slug: str
    title: str
    philosophy: str
    summary: str
    start_fy: int
    end_fy: int
    policies: list[PolicyData] = field(default_factory=list)
    grading_method: str = GradingMethod.PACE
    bands: list[BandData] = field(default_factory=list)
    organisations: list[str] = field(
        default_factory=list
    )  # who makes the plan (熊本市, 熊本市社会福祉協議会)
    final_method: str = FinalGradingMethod.TREND
    final_tolerance: Decimal = DEFAULT_TOLERANCE
    final_bands: list[BandData] = field(default_factory=list)  # none: the final evaluation uses `bands`
    predecessor: str = ""  # the slug of the plan this one carries on from
    review_scale: list[tuple[str, str]] = field(default_factory=list)  # (mark, label) of measure reviews
    reviews: list[ReviewData] = field(default_factory=list)
    title_en: str = ""
    philosophy_en: str = ""
    summary_en: str = ""
    organisation_names_en: dict[str, str] = field(default_factory=dict)  # {name: English name} given


@dataclass
class _Scope:
    """What a part of the file is read against: the plan's period, its codes so far and its organisations."""

    start_fy: int
    end_fy: int
    organisations: list[str]
    plan_codes: set[str] = field(default_factory=set)
    predecessor: str = ""

    def organisation(self, node: "_Node") -> str | None:
        """An `organisation:` key: the name of one of the plan's organisations, or none."""
        if node.value is None:
            return None
        name = node.text(Organisation, "name")
        if name not in self.organisations:
            named = "、".join(self.organisations) or "なし"
            raise node.error(
                f"担当組織「{name}」は計画の organisations にありません（書かれている組織: {named}）。"
            )
        return name


# --- YAML that remembers where each value stood, keeps numbers exact and refuses duplicate keys ---------


class _Mapping(dict):
    line: int
    lines: dict


class _Sequence(list):
    line: int
    lines: list


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if isinstance(key, _Mapping | _Sequence):
            raise PlanFileError("キーに使えない値です。", line=line)
        if key in mapping:
            raise PlanFileError(f"キー「{key}」が2回書かれています。", line=line)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = value_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _Sequence:
    sequence = _Sequence(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal | str:
    # YAML would read 92.43 as a binary float; the plan's numbers must stay exactly as written.
    text = loader.construct_scalar(node)
    try:
        return Decimal(text.replace("_", ""))
    except InvalidOperation:
        return text


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


# --- Checking ------------------------------------------------------------------------------------------


@dataclass
class _Node:
    """A value of the file with its key path and line, and checks that raise PlanFileError at that place."""

    value: Any
    path: str
    line: int | None

    def error(self, message: str) -> PlanFileError:
        return PlanFileError(message, path=self.path, line=self.line)

    def _child(self, key, value, line) -> "_Node":
        path = f"{self.path}[{key}]" if isinstance(key, int) and isinstance(self.value, list) else None
        if path is None:
            path = f"{self.path}.{key}" if self.path else str(key)
        return _Node(value, path, line)

    def mapping(self, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, "_Node"]:
        if not isinstance(self.value, dict):
            raise self.error(f"キーと値の組（{', '.join(required)} など）を書いてください。")
        unknown = [key for key in self.value if key not in required + optional]
        if unknown:
            key = unknown[0]
            allowed = "、".join(required + optional)
            raise PlanFileError(
                f"知らないキー「{key}」があります（使えるキー: {allowed}）。",
                path=self._child(key, None, None).path,
                line=self.value.lines.get(key, self.line),
            )
        missing = [key for key in required if key not in self.value]
        if missing:
            raise self.error(f"キー「{missing[0]}」がありません。")
        return {key: self._child(key, value, self.value.lines.get(key)) for key, value in self.value.items()}

    def optional(self, children: dict[str, "_Node"], key: str, default: Any = None) -> "_Node":
        return children.get(key) or _Node(default, self._child(key, None, None).path, self.line)

    def sequence(self) -> list["_Node"]:
        if self.value is None:
            return []
        if not isinstance(self.value, list):
            raise self.error("「- 」で始まる項目の並びを書いてください。")
        return [self._child(index, item, self.value.lines[index]) for index, item in enumerate(self.value)]

    def string(self, max_length: int, allow_blank: bool = False) -> str:
        if self.value is None and allow_blank:
            return ""
        if not isinstance(self.value, str):
            raise self.error(f"文字列を書いてください（書かれているのは {_show(self.value)}）。")
        text = self.value.strip()
        if not text and not allow_blank:
            raise self.error("空欄にはできません。")
        if max_length and len(text) > max_length:
            raise self.error(f"{max_length}文字以内にしてください（{len(text)}文字あります）。")
        return text

    def text(self, model, name: str) -> str:
        """A text for model's field `name`, checked by the field's own validators (length, control
        characters): the same rules and Japanese messages as the admin's forms."""
        model_field = model._meta.get_field(name)
        text = self.string(0, allow_blank=model_field.blank)
        try:
            model_field.run_validators(text)
        except ValidationError as error:
            raise self.error("".join(error.messages)) from None
        return text

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error(f"true か false を書いてください（書かれているのは {_show(self.value)}）。")
        return self.value

    def validated(self, model, name: str):
        """A text or number for model's field `name`, checked by the field's own validators: the same rules
        and Japanese messages as the admin's forms."""
        model_field = model._meta.get_field(name)
        value = self.decimal() if isinstance(model_field, models.DecimalField) else self.string(0)
        try:
            model_field.run_validators(value)
        except ValidationError as error:
            raise self.error("".join(error.messages)) from None
        return value

    def number(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 1:
            raise self.error(f"1以上の整数を書いてください（書かれているのは {_show(self.value)}）。")
        return self.value

    def decimal(self) -> Decimal:
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise self.error(
                f"数値を書いてください（書かれているのは {_show(value)}）。単位は unit に書きます。"
            )
        value = Decimal(value)
        if not value.is_finite():
            raise self.error(f"有限の数値を書いてください（書かれているのは {_show(self.value)}）。")
        value = without_trailing_zeros(value)
        problem = number_problem(value)  # the rule and message of the admin's value fields
        if problem:
            raise self.error(problem)
        return value

    def fiscal_year(self, first: int = MIN_FISCAL_YEAR, last: int = MAX_FISCAL_YEAR, what: str = "") -> int:
        fy = _fiscal_year(self.value)
        if fy is None:
            raise self.error(
                f"年度として読み取れません（書かれているのは {_show(self.value)}。例: 2021、R3）。"
            )
        if not first <= fy <= last:
            where = what or f"{first}～{last}年度"
            raise self.error(f"{fy}年度は{where}の範囲外です。")
        return fy


def _fiscal_year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return fiscal_years.parse_fiscal_year(value)
        except ValueError:
            return None
    return None


def _show(value: Any) -> str:
    if value is None:
        return "空欄"
    if isinstance(value, dict):
        return "キーと値の組"
    if isinstance(value, list):
        return "項目の並び"
    text = str(value)
    return f"「{text[:40]}…」" if len(text) > 40 else f"「{text}」"


def _plan_period(start_fy: int, end_fy: int) -> str:
    return f"計画期間（{start_fy}～{end_fy}年度）"


def _read_value(node: _Node, first: int, last: int, what: str) -> ValueData | None:
    if node.value is None:
        return None
    children = node.mapping(required=("fy", "value"))
    return ValueData(children["fy"].fiscal_year(first, last, what), children["value"].decimal())


def _read_indicator(node: _Node, scope: _Scope) -> IndicatorData:
    start_fy, end_fy = scope.start_fy, scope.end_fy
    keys = node.mapping(
        required=("code", "name", "unit", "direction"),
        optional=(
            "baseline",
            "target",
            "actuals",
            "grade_notes",
            "tolerance",
            "may_exceed_100",
            "organisation",
            "interim_targets",
            "carried_from",
            "carry_over",
            "target_rationale",
            *ENGLISH_KEYS[Indicator],
        ),
    )
    code = keys["code"].text(Indicator, "code")
    if not CODE_PATTERN.match(code):
        raise keys["code"].error(
            f'指標コード「{code}」は半角英数字をハイフンでつないだ形（例: "1-1-1"）にしてください。'
        )
    direction = keys["direction"].string(20)
    if direction not in DIRECTIONS:
        raise keys["direction"].error(
            f"direction は increase（増やす）、decrease（減らす）、maintain（維持する）のいずれかです（「{direction}」）。"
        )
    period = _plan_period(start_fy, end_fy)
    actuals_node = node.optional(keys, "actuals", {})
    if actuals_node.value is not None and not isinstance(actuals_node.value, dict):
        raise actuals_node.error("年度: 値 の組を書いてください（例: {2020: 91.8, 2021: 92.43}）。")
    actuals: dict[int, Decimal] = {}
    values: list[tuple[_Node, Decimal]] = []  # every value with the place it was written
    for fy_key, value in (actuals_node.value or {}).items():
        line = actuals_node.value.lines.get(fy_key, actuals_node.line)
        child = _Node(value, f"{actuals_node.path}.{fy_key}", line)
        fy = _Node(fy_key, child.path, line).fiscal_year(start_fy, end_fy, period)
        if fy in actuals:
            raise child.error(f"{fy}年度の実績値が2回書かれています。")
        actuals[fy] = child.decimal()
        values.append((child, actuals[fy]))
    grade_notes = _read_grade_notes(node.optional(keys, "grade_notes", {}), actuals, start_fy, end_fy, period)
    unit = keys["unit"].text(Indicator, "unit")
    may_exceed_100 = node.optional(keys, "may_exceed_100", False).boolean()
    baseline_node, target_node = node.optional(keys, "baseline"), node.optional(keys, "target")
    baseline = _read_value(baseline_node, MIN_FISCAL_YEAR, MAX_FISCAL_YEAR, "")
    target = _read_value(target_node, MIN_FISCAL_YEAR, MAX_FISCAL_YEAR, "")
    problems = year_problems(  # the admin's rule for an indicator's years
        start_fy,
        end_fy,
        baseline.fy if baseline else None,
        target.fy if target else None,
        min(actuals, default=None),
    )
    for name, value_node in [("target_fy", target_node), ("baseline_fy", baseline_node)]:
        if name in problems:
            raise value_node.error(problems[name])
    for value_node, value in [(baseline_node, baseline), (target_node, target)]:
        if value is not None:
            values.append((value_node, value.value))
    interim_targets = _read_interim_targets(
        node.optional(keys, "interim_targets", {}), scope, baseline, target, values
    )
    for value_node, value in values:  # the admin's rule for values of this unit (value_problem)
        problem = value_problem(value, unit, may_exceed_100)
        if problem:
            raise value_node.error(problem)
    return IndicatorData(
        code=code,
        name=keys["name"].text(Indicator, "name"),
        unit=unit,
        direction=direction,
        baseline=baseline,
        target=target,
        actuals=dict(sorted(actuals.items())),
        tolerance=_read_tolerance(node.optional(keys, "tolerance", 0)),
        may_exceed_100=may_exceed_100,
        grade_notes=grade_notes,
        organisation=scope.organisation(node.optional(keys, "organisation")),
        interim_targets=interim_targets,
        **_read_carry_over(node, keys, scope),
        **_read_english(node, keys, Indicator),
    )


def _read_carry_over(node: _Node, keys: dict[str, _Node], scope: _Scope) -> dict:
    """carried_from, carry_over and target_rationale of an indicator (the admin's rule, carry_over_problem,
    as far as it can be checked without the database; save_plan checks the predecessor's codes)."""
    carry_over = node.optional(keys, "carry_over", "").string(10, allow_blank=True)
    if carry_over and carry_over not in CarryOver.values:
        raise keys["carry_over"].error(
            f"carry_over は continued（継続）、revised（見直し）、new（新規）のいずれかです（「{carry_over}」）。"
        )
    carried = node.optional(keys, "carried_from")
    carried_from = "" if carried.value is None else carried.text(Indicator, "carried_from")
    if (carry_over or carried_from) and not scope.predecessor:
        raise (keys.get("carry_over") or carried).error(
            "carried_from・carry_over は、計画に predecessor（前の計画）を書いたときだけ使えます。"
        )
    if carry_over in (CarryOver.CONTINUED, CarryOver.REVISED) and not carried_from:
        raise keys["carry_over"].error(
            f"carry_over: {carry_over} の指標には carried_from（前の計画の指標コード）を書いてください。"
        )
    if carried_from and carry_over not in (CarryOver.CONTINUED, CarryOver.REVISED):
        raise carried.error("carried_from を書いた指標の carry_over は continued か revised にしてください。")
    return {
        "carried_from": carried_from,
        "carry_over": carry_over,
        "target_rationale": node.optional(keys, "target_rationale").text(Indicator, "target_rationale"),
    }


def _read_interim_targets(
    targets_node: _Node,
    scope: _Scope,
    baseline: ValueData | None,
    target: ValueData | None,
    values: list[tuple[_Node, Decimal]],
) -> dict[int, Decimal]:
    """{fy: 年度目標}: a target for years after the baseline's and before the target's, within the plan (the
    admin's rule, evaluation.yearly_target_year_problem); each value joins `values` for the unit's check."""
    if targets_node.value is not None and not isinstance(targets_node.value, dict):
        raise targets_node.error("年度: 目標値 の組を書いてください（例: {2021: 30, 2022: 40}）。")
    targets: dict[int, Decimal] = {}
    for fy_key, value in (targets_node.value or {}).items():
        line = targets_node.value.lines.get(fy_key, targets_node.line)
        child = _Node(value, f"{targets_node.path}.{fy_key}", line)
        fy = _Node(fy_key, child.path, line).fiscal_year()
        if fy in targets:
            raise child.error(f"{fy}年度の年度目標が2回書かれています。")
        problem = yearly_target_year_problem(
            scope.start_fy,
            scope.end_fy,
            baseline.fy if baseline else None,
            target.fy if target else None,
            fy,
        )
        if problem:
            raise child.error(problem)
        targets[fy] = child.decimal()
        values.append((child, targets[fy]))
    return dict(sorted(targets.items()))


def _read_grade_notes(
    notes_node: _Node, actuals: dict[int, Decimal], start_fy: int, end_fy: int, period: str
) -> dict[int, str]:
    """{fy: 評価の補足}: one short sentence per year that has an actual."""
    if notes_node.value is not None and not isinstance(notes_node.value, dict):
        raise notes_node.error(
            "年度: 文 の組を書いてください（例: {2020: 新型コロナウイルス感染症の拡大で研修会を中止したため。}）。"
        )
    notes: dict[int, str] = {}
    for fy_key, text in (notes_node.value or {}).items():
        line = notes_node.value.lines.get(fy_key, notes_node.line)
        child = _Node(text, f"{notes_node.path}.{fy_key}", line)
        fy = _Node(fy_key, child.path, line).fiscal_year(start_fy, end_fy, period)
        if fy in notes:
            raise child.error(f"{fy}年度の評価の補足が2回書かれています。")
        if fy not in actuals:
            raise child.error(f"{fy}年度の評価の補足がありますが、その年度の実績値（actuals）がありません。")
        notes[fy] = child.text(IndicatorValue, "grade_note")
    return dict(sorted(notes.items()))


def _read_tolerance(node: _Node) -> Decimal:
    tolerance = node.decimal()
    if tolerance < 0:
        raise node.error(f"tolerance（許容幅）は0以上にしてください（{tolerance}）。")
    return tolerance


def _read_grading(node: _Node) -> tuple[str, list[BandData]]:
    if node.value is None:
        return GradingMethod.PACE, []
    keys = node.mapping(required=("method",), optional=("bands",))
    method = keys["method"].string(20)
    if method not in GradingMethod.values:
        raise keys["method"].error(
            f"method は pace（進捗ペース）か achievement（達成率の区分）です（「{method}」）。"
        )
    return method, _read_bands(node, keys, method)


def _read_final_grading(node: _Node, yearly_bands: list[BandData]) -> tuple[str, Decimal, list[BandData]]:
    """final_grading: {method: trend, tolerance_percent: 5} or {method: achievement, bands: [...]} (no
    bands: the grading's bands)."""
    if node.value is None:
        return FinalGradingMethod.TREND, DEFAULT_TOLERANCE, []
    keys = node.mapping(required=("method",), optional=("tolerance_percent", "bands"))
    method = keys["method"].string(20)
    if method not in FinalGradingMethod.values:
        raise keys["method"].error(
            f"method は trend（基準値からの変化）か achievement（達成率の区分）です（「{method}」）。"
        )
    tolerance_node = node.optional(keys, "tolerance_percent", DEFAULT_TOLERANCE)
    tolerance = tolerance_node.validated(Plan, "final_tolerance_percent")
    if not 0 <= tolerance <= 100:
        raise tolerance_node.error(f"tolerance_percent は0～100にしてください（{tolerance}）。")
    bands = _read_bands(node, keys, "")
    if method == FinalGradingMethod.ACHIEVEMENT and not bands and not yearly_bands:
        raise keys["method"].error(
            "最終評価を達成率の区分で行うには、bands を書くか、grading に評価区分を書いてください。"
        )
    return method, tolerance, bands


def _read_bands(node: _Node, keys: dict[str, _Node], method: str) -> list[BandData]:
    bands_node = node.optional(keys, "bands", [])
    band_nodes = bands_node.sequence()
    bands, mark_nodes = [], []
    for band_node in band_nodes:
        band_keys = band_node.mapping(required=("min", "mark", "label"))
        minimum = (
            None if band_keys["min"].value is None else band_keys["min"].validated(GradeBand, "min_rate")
        )
        mark = band_keys["mark"].text(GradeBand, "mark")
        bands.append(BandData(minimum, mark, band_keys["label"].text(GradeBand, "label")))
        mark_nodes.append(band_keys["mark"])
    problem = bands_problem(method, [(band.min, band.mark) for band in bands])  # the admin's rule
    if problem is None:
        return bands
    if problem.index is not None:
        place = mark_nodes[problem.index] if problem.field == "mark" else band_nodes[problem.index]
    else:
        place = bands_node if bands else keys["method"]
    raise place.error(problem.message)


def _read_narrative(node: _Node, scope: _Scope, codes: set[str]) -> NarrativeData:
    keys = node.mapping(required=("fy", "section", "text"), optional=("indicator", "text_en"))
    section = keys["section"].string(20)
    if section not in SECTIONS:
        raise keys["section"].error(
            "section は initiatives（主な取組）、issues（課題・改善事項・方針）、committee（推進委員会の意見）、"
            f"summary（総括）のいずれかです（「{section}」）。"
        )
    indicator_node = node.optional(keys, "indicator")
    indicator = None
    if indicator_node.value is not None:
        indicator = indicator_node.text(Indicator, "code")
        if indicator not in codes:
            raise indicator_node.error(f"この取組には指標コード「{indicator}」の成果指標がありません。")
    return NarrativeData(
        fy=keys["fy"].fiscal_year(scope.start_fy, scope.end_fy, _plan_period(scope.start_fy, scope.end_fy)),
        section=section,
        indicator=indicator,
        text=keys["text"].validated(Narrative, "text"),
        text_en=node.optional(keys, "text_en").text(Narrative, "text_en"),
    )


def _read_measure(node: _Node, scope: _Scope) -> MeasureData:
    keys = node.mapping(
        required=("number", "title"),
        optional=("organisation", "indicators", "narratives", *ENGLISH_KEYS[Measure]),
    )
    measure = MeasureData(
        number=keys["number"].number(),
        title=keys["title"].text(Measure, "title"),
        organisation=scope.organisation(node.optional(keys, "organisation")),
        **_read_english(node, keys, Measure),
    )
    for indicator_node in node.optional(keys, "indicators", []).sequence():
        indicator = _read_indicator(indicator_node, scope)
        if indicator.code in scope.plan_codes:
            raise indicator_node.error(f"指標コード「{indicator.code}」が計画の中で2回使われています。")
        scope.plan_codes.add(indicator.code)
        measure.indicators.append(indicator)
    codes = {indicator.code for indicator in measure.indicators}
    for narrative_node in node.optional(keys, "narratives", []).sequence():
        measure.narratives.append(_read_narrative(narrative_node, scope, codes))
    return measure


def _read_policy(node: _Node, scope: _Scope) -> PolicyData:
    keys = node.mapping(
        required=("number", "title"), optional=("description", "measures", *ENGLISH_KEYS[BasicPolicy])
    )
    policy = PolicyData(
        number=keys["number"].number(),
        title=keys["title"].text(BasicPolicy, "title"),
        description=node.optional(keys, "description").text(BasicPolicy, "description"),
        **_read_english(node, keys, BasicPolicy),
    )
    for measure_node in node.optional(keys, "measures", []).sequence():
        measure = _read_measure(measure_node, scope)
        if any(other.number == measure.number for other in policy.measures):
            raise measure_node.error(f"取組の番号 {measure.number} がこの基本方針の中で2回使われています。")
        policy.measures.append(measure)
    return policy


def parse_plan(text: str, source: str = "") -> PlanData:
    """Check a plan file's text and return its data; raise PlanFileError naming the first problem."""
    try:
        document = yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except PlanFileError as error:
        error.source = source
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise PlanFileError(
            f"YAML として読み取れません（{error.problem or error}）。", line=line, source=source
        ) from None
    except yaml.YAMLError as error:
        raise PlanFileError(f"YAML として読み取れません（{error}）。", source=source) from None
    if document is None:
        raise PlanFileError("ファイルが空です。", source=source)
    try:
        return _read_plan(_Node(document, "", getattr(document, "line", 1)))
    except PlanFileError as error:
        error.source = source
        raise


def _read_plan(root: _Node) -> PlanData:
    keys = root.mapping(
        required=("slug", "title", "start_fy", "end_fy"),
        optional=(
            "philosophy",
            "summary",
            "organisations",
            "predecessor",
            "grading",
            "final_grading",
            "review_scale",
            "policies",
            "measure_reviews",
            *ENGLISH_KEYS[Plan],
        ),
    )
    slug = keys["slug"].text(Plan, "slug")
    if not SLUG_PATTERN.match(slug):
        raise keys["slug"].error(f"slug は半角英数字・ハイフン・下線だけで書いてください（「{slug}」）。")
    start_fy = keys["start_fy"].fiscal_year()
    end_fy = keys["end_fy"].fiscal_year()
    if end_fy < start_fy:
        raise keys["end_fy"].error(f"終了年度（{end_fy}）が開始年度（{start_fy}）より前です。")
    plan = PlanData(
        slug=slug,
        title=keys["title"].text(Plan, "title"),
        philosophy=root.optional(keys, "philosophy").text(Plan, "philosophy"),
        summary=root.optional(keys, "summary").text(Plan, "summary"),
        start_fy=start_fy,
        end_fy=end_fy,
        **_read_english(root, keys, Plan),
    )
    plan.organisations, plan.organisation_names_en = _read_organisations(
        root.optional(keys, "organisations", [])
    )
    plan.grading_method, plan.bands = _read_grading(root.optional(keys, "grading"))
    plan.final_method, plan.final_tolerance, plan.final_bands = _read_final_grading(
        root.optional(keys, "final_grading"), plan.bands
    )
    predecessor = root.optional(keys, "predecessor")
    plan.predecessor = "" if predecessor.value is None else predecessor.text(Plan, "slug")
    if plan.predecessor == slug:
        raise predecessor.error("計画は自分自身を前の計画にできません。")
    scope = _Scope(start_fy, end_fy, plan.organisations, predecessor=plan.predecessor)
    for policy_node in root.optional(keys, "policies", []).sequence():
        policy = _read_policy(policy_node, scope)
        if any(other.number == policy.number for other in plan.policies):
            raise policy_node.error(f"基本方針の番号 {policy.number} が2回使われています。")
        plan.policies.append(policy)
    plan.review_scale = _read_review_scale(root.optional(keys, "review_scale", []))
    plan.reviews = _read_reviews(root.optional(keys, "measure_reviews", []), plan)
    return plan


def _read_review_scale(node: _Node) -> list[tuple[str, str]]:
    """review_scale: [{mark: A, label: 順調}, …]: the marks a measure's review may take, best first."""
    scale = []
    for child in node.sequence():
        keys = child.mapping(required=("mark", "label"))
        mark = keys["mark"].text(ReviewMark, "mark")
        if any(mark == other for other, _ in scale):
            raise keys["mark"].error(f"記号「{mark}」が review_scale に2回書かれています。")
        scale.append((mark, keys["label"].text(ReviewMark, "label")))
    return scale


def _read_reviews(node: _Node, plan: PlanData) -> list[ReviewData]:
    """measure_reviews: [{fy: 2021, measure: 1-1, stage: 2, mark: A}, …] (the admin's rules)."""
    measures = {f"{p.number}-{m.number}" for p in plan.policies for m in p.measures}
    marks = [mark for mark, _ in plan.review_scale]
    reviews, seen = [], set()
    for child in node.sequence():
        keys = child.mapping(required=("fy", "measure", "stage", "mark"))
        fy = keys["fy"].fiscal_year(plan.start_fy, plan.end_fy, _plan_period(plan.start_fy, plan.end_fy))
        code = str(keys["measure"].value).strip() if keys["measure"].value is not None else ""
        if code not in measures:
            raise keys["measure"].error(
                f"取組「{code}」はこの計画にありません（例: 1-2 は基本方針1の取組2）。"
            )
        stage = keys["stage"].value
        if stage not in (1, 2) or isinstance(stage, bool):
            raise keys["stage"].error(f"stage は 1（1次評価）か 2（2次評価）です（{_show(stage)}）。")
        mark = keys["mark"].string(4)
        if mark not in marks:
            listed = "、".join(marks) or "なし"
            raise keys["mark"].error(
                f"記号「{mark}」は review_scale にありません（書かれている記号: {listed}）。"
            )
        if (fy, code, stage) in seen:
            raise child.error(f"取組{code}の{fy}年度の{stage}次評価が2回書かれています。")
        seen.add((fy, code, stage))
        reviews.append(ReviewData(fy, code, stage, mark))
    return reviews


def _read_organisations(node: _Node) -> tuple[list[str], dict[str, str]]:
    """organisations: [熊本市, {name: 熊本市社会福祉協議会, name_en: …}, …]: the names, and the English names
    given (an organisation is shared by the plans that name it: a file that gives none leaves its English)."""
    names, english = [], {}
    for child in node.sequence():
        if isinstance(child.value, dict):
            keys = child.mapping(required=("name",), optional=("name_en",))
            name = keys["name"].text(Organisation, "name")
            english[name] = child.optional(keys, "name_en").text(Organisation, "name_en")
        else:
            name = child.text(Organisation, "name")
        if name in names:
            raise child.error(f"組織「{name}」が2回書かれています。")
        names.append(name)
    return names, english


def _read_english(node: _Node, keys: dict[str, _Node], model) -> dict[str, str]:
    """The English texts of a plan, policy, measure or indicator ({field: text}; "" where not written),
    each checked by its field's validators as the admin checks it."""
    return {name: node.optional(keys, name).text(model, name) for name in ENGLISH_KEYS[model]}


def read_plan_file(path: str | Path) -> PlanData:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_FILE_BYTES and not path.is_dir():
            raise PlanFileError(
                f"ファイルが大きすぎます（{size / 1024 / 1024:.1f} MB）。計画ファイルは"
                f"{MAX_PLAN_FILE_BYTES // 1024 // 1024} MB までです。",
                source=str(path),
            )
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise PlanFileError("ファイルが見つかりません。", source=str(path)) from None
    except IsADirectoryError:
        raise PlanFileError("フォルダではなくファイルを指定してください。", source=str(path)) from None
    except UnicodeDecodeError:
        raise PlanFileError(
            "文字コードが UTF-8 ではありません。UTF-8 で保存してください。", source=str(path)
        ) from None
    return parse_plan(text, source=str(path))


# --- Writing to the database ---------------------------------------------------------------------------


@transaction.atomic
def save_plan(data: PlanData) -> tuple[Plan, bool]:
    """Create or update the plan with data's slug so that it holds exactly what data says.

    Policies, measures and indicators are matched by number and code and updated in place (their ids,
    and so links to them, survive); what the file no longer has is deleted. Returns (plan, created).
    """
    predecessor = _predecessor_of(data)
    plan, created = Plan.objects.update_or_create(
        slug=data.slug,
        defaults={
            "title": data.title,
            "title_en": data.title_en,
            "philosophy": data.philosophy,
            "philosophy_en": data.philosophy_en,
            "summary": data.summary,
            "summary_en": data.summary_en,
            "start_fy": data.start_fy,
            "end_fy": data.end_fy,
            "grading_method": data.grading_method,
            "final_grading_method": data.final_method,
            "final_tolerance_percent": data.final_tolerance,
            "predecessor": predecessor,
        },
    )
    organisations = {name: Organisation.objects.get_or_create(name=name)[0] for name in data.organisations}
    for name, english in data.organisation_names_en.items():
        Organisation.objects.filter(name=name).update(name_en=english)
    plan.makers.all().delete()
    PlanOrganisation.objects.bulk_create(
        PlanOrganisation(plan=plan, organisation=organisations[name], position=position)
        for position, name in enumerate(data.organisations, start=1)
    )
    plan.grade_bands.all().delete()
    GradeBand.objects.bulk_create(
        GradeBand(
            plan=plan, stage=stage, position=position, min_rate=band.min, mark=band.mark, label=band.label
        )
        for stage, bands in [(GradeStage.YEARLY, data.bands), (GradeStage.FINAL, data.final_bands)]
        for position, band in enumerate(bands, start=1)
    )
    plan.review_marks.all().delete()
    ReviewMark.objects.bulk_create(
        ReviewMark(plan=plan, position=position, mark=mark, label=label)
        for position, (mark, label) in enumerate(data.review_scale, start=1)
    )
    reviews: dict[str, list[ReviewData]] = {}
    for review in data.reviews:
        reviews.setdefault(review.measure, []).append(review)
    position = 0
    for policy_data in data.policies:
        policy, _ = BasicPolicy.objects.update_or_create(
            plan=plan,
            number=policy_data.number,
            defaults={
                "title": policy_data.title,
                "title_en": policy_data.title_en,
                "description": policy_data.description,
                "description_en": policy_data.description_en,
            },
        )
        for measure_data in policy_data.measures:
            measure, _ = Measure.objects.update_or_create(
                policy=policy,
                number=measure_data.number,
                defaults={
                    "title": measure_data.title,
                    "title_en": measure_data.title_en,
                    "organisation": organisations.get(measure_data.organisation),
                },
            )
            indicators = {}
            for indicator_data in measure_data.indicators:
                position += 1
                indicators[indicator_data.code] = _save_indicator(
                    plan, measure, indicator_data, position, organisations.get(indicator_data.organisation)
                )
            measure.narratives.all().delete()
            # With their history, as a save in the admin writes it: the first edit then shows old → new.
            bulk_create_with_history(
                list(_narratives(measure, indicators, measure_data.narratives)), Narrative
            )
            measure.reviews.all().delete()
            bulk_create_with_history(
                [
                    MeasureReview(measure=measure, fiscal_year=r.fy, stage=r.stage, mark=r.mark)
                    for r in reviews.get(f"{policy_data.number}-{measure_data.number}", [])
                ],
                MeasureReview,
            )
        policy.measures.exclude(number__in=[m.number for m in policy_data.measures]).delete()
    plan.policies.exclude(number__in=[p.number for p in data.policies]).delete()
    codes = [i.code for p in data.policies for m in p.measures for i in m.indicators]
    plan.indicators.exclude(code__in=codes).delete()
    return plan, created


def _predecessor_of(data: PlanData) -> Plan | None:
    """The plan data's predecessor, checked against the database before anything is written: it exists,
    ends before this plan starts, and has every indicator the file carries over."""
    if not data.predecessor:
        return None
    predecessor = Plan.objects.filter(slug=data.predecessor).first()
    if predecessor is None:
        raise PlanFileError(
            f"前の計画「{data.predecessor}」がありません。前の計画の計画ファイルを先に読み込んでください。",
            path="predecessor",
        )
    if predecessor.end_fy >= data.start_fy:
        raise PlanFileError(
            f"前の計画（{predecessor.title}）は{predecessor.end_fy}年度までの計画です。start_fy はそれより後にしてください。",
            path="start_fy",
        )
    codes = set(predecessor.indicators.values_list("code", flat=True))
    for policy in data.policies:
        for measure in policy.measures:
            for indicator in measure.indicators:
                if indicator.carried_from and indicator.carried_from not in codes:
                    raise PlanFileError(
                        f"前の計画（{predecessor.title}）に指標コード「{indicator.carried_from}」の成果指標はありません"
                        f"（指標 {indicator.code} の carried_from）。"
                    )
    return predecessor


def _save_indicator(
    plan: Plan, measure: Measure, data: IndicatorData, position: int, organisation: Organisation | None
) -> Indicator:
    indicator, _ = Indicator.objects.update_or_create(
        plan=plan,
        code=data.code,
        defaults={
            "measure": measure,
            "position": position,
            "name": data.name,
            "name_en": data.name_en,
            "unit": data.unit,
            "unit_en": data.unit_en,
            "direction": data.direction,
            "baseline_fy": data.baseline.fy if data.baseline else None,
            "baseline_value": data.baseline.value if data.baseline else None,
            "target_fy": data.target.fy if data.target else None,
            "target_value": data.target.value if data.target else None,
            "tolerance": data.tolerance,
            "may_exceed_100": data.may_exceed_100,
            "organisation": organisation,
            "carried_from": data.carried_from,
            "carry_over": data.carry_over,
            "target_rationale": data.target_rationale,
            "target_rationale_en": data.target_rationale_en,
        },
    )
    indicator.yearly_targets.all().delete()
    YearlyTarget.objects.bulk_create(
        YearlyTarget(indicator=indicator, fiscal_year=fy, value=value)
        for fy, value in data.interim_targets.items()
    )
    indicator.values.exclude(fiscal_year__in=list(data.actuals)).delete()
    for fy, value in data.actuals.items():
        # Working data only: citizens see it once the year is published (import_plan --publish).
        IndicatorValue.objects.update_or_create(
            indicator=indicator,
            fiscal_year=fy,
            defaults={"value": value, "grade_note": data.grade_notes.get(fy, "")},
        )
    return indicator


def _narratives(measure: Measure, indicators: dict[str, Indicator], entries: list[NarrativeData]):
    positions: dict[tuple[int, str], int] = {}
    for entry in entries:
        key = (entry.fy, entry.section)
        positions[key] = positions.get(key, 0) + 1
        yield Narrative(
            measure=measure,
            indicator=indicators.get(entry.indicator) if entry.indicator else None,
            fiscal_year=entry.fy,
            section=entry.section,
            position=positions[key],
            text=entry.text,
            text_en=entry.text_en,
        )


def import_plan_file(path: str | Path) -> tuple[Plan, bool]:
    """Read, check and save a plan file; on any problem raise PlanFileError and write nothing."""
    data = read_plan_file(path)
    try:
        return save_plan(data)
    except PlanFileError as error:  # the predecessor's checks, against the database: nothing was written
        error.source = str(path)
        raise
    except DatabaseError as error:  # a constraint the checks above missed: the transaction rolled back
        raise PlanFileError(f"データベースに保存できませんでした（{error}）。", source=str(path)) from None


# --- Writing a plan file -------------------------------------------------------------------------------


class _Flow(dict):
    """A mapping written on one line: {fy: 2018, value: 95.1}."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def _represent_decimal(dumper: _Dumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = (
        "tag:yaml.org,2002:int"
        if value == value.to_integral_value() and "." not in text
        else "tag:yaml.org,2002:float"
    )
    return dumper.represent_scalar(tag, text)


def _represent_str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    _Flow,
    lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True),
)
_Dumper.add_representer(
    dict,
    lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=False),
)


def plan_document(plan: Plan) -> dict:
    """The plan as the plain structure of its file, keys in the documented order."""
    policies = plan.policies.prefetch_related(
        "measures__organisation",
        "measures__indicators__values",
        "measures__indicators__yearly_targets",
        "measures__indicators__organisation",
        "measures__narratives__indicator",
    )
    return {
        "slug": plan.slug,
        "title": plan.title,
        **_english(plan, "title"),
        "philosophy": plan.philosophy,
        **_english(plan, "philosophy"),
        "summary": plan.summary,
        **_english(plan, "summary"),
        "start_fy": plan.start_fy,
        "end_fy": plan.end_fy,
        **({"organisations": names} if (names := _organisations_of(plan)) else {}),
        **({"predecessor": plan.predecessor.slug} if plan.predecessor_id else {}),
        **_grading_document(plan),
        **_final_grading_document(plan),
        **(
            {"review_scale": [_Flow(mark=m.mark, label=m.label) for m in plan.review_marks.all()]}
            if plan.review_marks.exists()
            else {}
        ),
        "policies": [
            {
                "number": policy.number,
                "title": policy.title,
                **_english(policy, "title"),
                "description": policy.description,
                **_english(policy, "description"),
                "measures": [_measure_document(measure) for measure in policy.measures.all()],
            }
            for policy in policies
        ],
        **({"measure_reviews": reviews} if (reviews := _reviews_document(plan)) else {}),
    }


def _reviews_document(plan: Plan) -> list[_Flow]:
    reviews = MeasureReview.objects.filter(measure__policy__plan=plan).select_related("measure__policy")
    ordered = sorted(
        reviews, key=lambda r: (r.fiscal_year, r.measure.policy.number, r.measure.number, r.stage)
    )
    return [_Flow(fy=r.fiscal_year, measure=r.measure.code, stage=r.stage, mark=r.mark) for r in ordered]


def _organisations_of(plan: Plan) -> list:
    """The plan's organisations, then any other organisation made responsible before the plan named its own
    (the file's measures and indicators may name only organisations it lists): a name, or {name, name_en}
    for an organisation with an English name."""
    names = plan.organisation_names()
    assigned = Organisation.objects.filter(
        Q(measures__policy__plan=plan) | Q(indicators__plan=plan)
    ).values_list("name", flat=True)
    english = dict(Organisation.objects.exclude(name_en="").values_list("name", "name_en"))
    return [
        _Flow(name=name, name_en=english[name]) if name in english else name
        for name in names + sorted(set(assigned) - set(names))
    ]


def _english(row, name: str) -> dict:
    """{name_en: text} where the row has an English text for its field `name`; nothing where it has none."""
    text = getattr(row, f"{name}_en")
    return {f"{name}_en": text} if text else {}


def _bands_document(plan: Plan, stage: str) -> list[_Flow]:
    return [
        _Flow(min=without_trailing_zeros(band.min_rate), mark=band.mark, label=band.label)
        for band in plan.grade_bands.filter(stage=stage)
    ]


def _grading_document(plan: Plan) -> dict:
    """The grading key, written only when the plan does not simply use the default rule."""
    bands = _bands_document(plan, GradeStage.YEARLY)
    if plan.grading_method == GradingMethod.PACE and not bands:
        return {}
    return {"grading": {"method": plan.grading_method, "bands": bands}}


def _final_grading_document(plan: Plan) -> dict:
    """The final_grading key, written only when the plan does not simply use the default rule."""
    bands = _bands_document(plan, GradeStage.FINAL)
    tolerance = without_trailing_zeros(plan.final_tolerance_percent)
    if plan.final_grading_method == FinalGradingMethod.TREND and tolerance == DEFAULT_TOLERANCE and not bands:
        return {}
    document = {"method": plan.final_grading_method}
    if plan.final_grading_method == FinalGradingMethod.TREND or tolerance != DEFAULT_TOLERANCE:
        document["tolerance_percent"] = tolerance
    if bands:
        document["bands"] = bands
    return {"final_grading": document}


def _measure_document(measure: Measure) -> dict:
    order = {section: index for index, section in enumerate(SECTIONS)}
    # The plan file is the working data (drafts included): what the admin holds, import_plan reads back.
    narratives = sorted(measure.narratives.all(), key=lambda n: (n.fiscal_year, order[n.section], n.position))
    return {
        "number": measure.number,
        "title": measure.title,
        **_english(measure, "title"),
        **({"organisation": measure.organisation.name} if measure.organisation else {}),
        "indicators": [_indicator_document(indicator) for indicator in measure.indicators.all()],
        "narratives": [
            _Flow(
                fy=narrative.fiscal_year,
                section=narrative.section,
                indicator=narrative.indicator.code if narrative.indicator else None,
                text=narrative.text,
                **_english(narrative, "text"),
            )
            for narrative in narratives
        ],
    }


def _indicator_document(indicator: Indicator) -> dict:
    return {
        "code": indicator.code,
        "name": indicator.name,
        **_english(indicator, "name"),
        "unit": indicator.unit,
        **_english(indicator, "unit"),
        "direction": indicator.direction,
        "baseline": _Flow(fy=indicator.baseline_fy, value=indicator.baseline_value)
        if indicator.has_baseline
        else None,
        "target": _Flow(fy=indicator.target_fy, value=indicator.target_value)
        if indicator.has_target
        else None,
        **({"interim_targets": _Flow(targets)} if (targets := indicator.interim_targets()) else {}),
        "actuals": _Flow(sorted(indicator.actuals().items())),
        **({"grade_notes": _Flow(sorted(notes.items()))} if (notes := indicator.grade_notes()) else {}),
        **({"tolerance": indicator.tolerance} if indicator.tolerance else {}),
        **({"may_exceed_100": True} if indicator.may_exceed_100 else {}),
        **({"organisation": indicator.organisation.name} if indicator.organisation else {}),
        **({"carried_from": indicator.carried_from} if indicator.carried_from else {}),
        **({"carry_over": indicator.carry_over} if indicator.carry_over else {}),
        **({"target_rationale": indicator.target_rationale} if indicator.target_rationale else {}),
        **_english(indicator, "target_rationale"),
    }


def dump_plan(plan: Plan) -> str:
    """The plan file for plan: the same text for the same data, every time."""
    return yaml.dump(
        plan_document(plan), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2
    )
