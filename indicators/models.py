from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from indicators import evaluation, final, responsibility
from plans.fiscal_years import period_problem
from plans.models import (
    FISCAL_YEAR_VALIDATORS,
    GradeStage,
    Measure,
    Organisation,
    Plan,
    fiscal_year_in_range,
)
from plans.validators import ENGLISH_HELP, multiline_text, one_line_text

CODE_VALIDATOR = RegexValidator(
    r"^[0-9A-Za-z]+(-[0-9A-Za-z]+)*$",
    "コードは半角英数字をハイフンでつないだ形（例: 1-1-1）で入力してください。",
)


def without_trailing_zeros(value: Decimal | None) -> Decimal | None:
    """92.4300 → 92.43, 100.0000 → 100: the value as it was written, without the storage scale."""
    if value is None:
        return None
    normalized = value.normalize()
    if normalized.as_tuple().exponent > 0:  # normalize() writes 100 as 1E+2
        return normalized.quantize(Decimal(1))
    return normalized


def display_name(user) -> str:
    """A staff member as Japanese names are written: family name first, else the sign-in name."""
    if user is None:
        return "不明"
    return f"{user.last_name} {user.first_name}".strip() or user.username


def _by(record) -> str:
    """「熊本 花子さんが2026年11月27日 10:15」: who made a history record, and when."""
    when = timezone.localtime(record.history_date).strftime("%Y年%-m月%-d日 %H:%M")
    return f"{display_name(record.history_user)}さんが{when}"


def _shown(value) -> str:
    return "（なし）" if value in (None, "") else str(value)


def _bands(plan: Plan, stage: str) -> list[evaluation.Band]:
    return [
        evaluation.Band(band.min_rate, band.mark, band.label)
        for band in plan.grade_bands.all()
        if band.stage == stage
    ]


def grading_rule(plan: Plan) -> evaluation.GradingRule:
    """The plan's rule for grading its indicators, as plain values for the evaluation arithmetic."""
    return evaluation.GradingRule(plan.grading_method, _bands(plan, GradeStage.YEARLY))


def final_rule(plan: Plan) -> final.FinalRule:
    """The plan's rule for its final (and mid-term) evaluation, as plain values."""
    return final.FinalRule(
        plan.final_grading_method,
        without_trailing_zeros(plan.final_tolerance_percent),
        _bands(plan, GradeStage.FINAL),
    )


def number_validator(value: Decimal) -> None:
    problem = evaluation.number_problem(value)
    if problem:
        raise ValidationError(problem, code="precision")


class MeasuredValueField(models.DecimalField):
    """A DecimalField that reads back as written (92.43, not 92.4300), whatever the database's scale.

    Its digits are checked by evaluation.number_problem, the rule and message of every door (the admin, the
    bulk entry, the Excel upload, the plan file), instead of Django's own DecimalValidator.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", evaluation.MAX_INTEGER_DIGITS + evaluation.MAX_DECIMAL_PLACES)
        kwargs.setdefault("decimal_places", evaluation.MAX_DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    @cached_property
    def validators(self):
        return [*self.default_validators, *self._validators, number_validator]

    def formfield(self, **kwargs):
        # The form reads the number; the model's validators check its digits (number_validator).
        return super().formfield(**{"max_digits": None, "decimal_places": None, **kwargs})

    def from_db_value(self, value, expression, connection):
        return without_trailing_zeros(value)


class IndicatorQuerySet(models.QuerySet):
    def with_values(self):
        """Indicators with their measure, policy and yearly values, in a fixed number of queries."""
        return self.select_related("measure__policy__plan").prefetch_related("values", "yearly_targets")

    def evaluate(
        self, fy: int, rule: "evaluation.GradingRule"
    ) -> list[tuple["Indicator", evaluation.Evaluation]]:
        return [(indicator, indicator.evaluate(fy, rule)) for indicator in self.with_values()]

    def responsible_for(self, user):
        """The indicators whose values user may see as drafts and enter (indicators/responsibility.py)."""
        return self.filter(responsibility.indicator_q(user))


class IndicatorValueQuerySet(models.QuerySet):
    def responsible_for(self, user):
        return self.filter(responsibility.indicator_q(user, prefix="indicator__"))


@dataclass
class PlanEvaluation:
    """A plan's indicators evaluated at one fiscal year, with the grade counts rolled up."""

    fy: int
    rule: evaluation.GradingRule
    results: list[tuple["Indicator", evaluation.Evaluation]]

    def counts(self, results=None) -> dict[evaluation.Grade, int]:
        grades = [result.grade for _, result in (self.results if results is None else results)]
        return evaluation.count_grades(grades, self.rule)

    def counts_by_policy(self) -> dict[int, dict[evaluation.Grade, int]]:
        """{basic policy id: grade counts}."""
        return self._counts_by(lambda indicator: indicator.measure.policy_id)

    def counts_by_measure(self) -> dict[int, dict[evaluation.Grade, int]]:
        """{measure id: grade counts}."""
        return self._counts_by(lambda indicator: indicator.measure_id)

    def _counts_by(self, key) -> dict[int, dict[evaluation.Grade, int]]:
        groups: dict[int, list] = {}
        for indicator, result in self.results:
            groups.setdefault(key(indicator), []).append((indicator, result))
        return {group: self.counts(results) for group, results in groups.items()}


def evaluate_plan(plan: Plan, fy: int) -> PlanEvaluation:
    """Every indicator of the plan at the end of fiscal year fy, in a fixed number of queries."""
    rule = grading_rule(plan)
    return PlanEvaluation(fy, rule, Indicator.objects.filter(plan=plan).evaluate(fy, rule))


class Direction(models.TextChoices):
    INCREASE = "increase", "増やす"
    DECREASE = "decrease", "減らす"
    MAINTAIN = "maintain", "維持する"


class CarryOver(models.TextChoices):
    """How an indicator of a plan relates to its predecessor's (指標の引き継ぎ)."""

    CONTINUED = "continued", "継続"
    REVISED = "revised", "見直し"
    NEW = "new", "新規"


class Indicator(models.Model):
    Direction = Direction
    CarryOver = CarryOver

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name="計画")
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="indicators", verbose_name="取組"
    )
    code = models.CharField(
        "指標コード",
        max_length=20,
        validators=[CODE_VALIDATOR],
        help_text="計画の中で一意な番号（例: 1-1-1）",
    )
    position = models.PositiveSmallIntegerField("表示順", default=0)
    name = models.CharField("成果指標", max_length=300, validators=[one_line_text])
    name_en = models.CharField(
        "成果指標（英語）", max_length=600, blank=True, validators=[one_line_text], help_text=ENGLISH_HELP
    )
    unit = models.CharField(
        "単位", max_length=20, validators=[one_line_text], help_text="％、人、回、箇所、校区、件、団体 など"
    )
    unit_en = models.CharField(
        "単位（英語）",
        max_length=40,
        blank=True,
        validators=[one_line_text],
        help_text="%、people、times など。" + ENGLISH_HELP,
    )
    direction = models.CharField("目指す方向", max_length=10, choices=Direction.choices)
    baseline_fy = models.PositiveSmallIntegerField(
        "基準値の年度", null=True, blank=True, validators=FISCAL_YEAR_VALIDATORS
    )
    baseline_value = MeasuredValueField("基準値", null=True, blank=True)
    target_fy = models.PositiveSmallIntegerField(
        "目標値の年度", null=True, blank=True, validators=FISCAL_YEAR_VALIDATORS
    )
    target_value = MeasuredValueField("目標値", null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name="担当組織",
        help_text="空欄のときは取組の担当組織です。",
    )
    version = models.PositiveIntegerField(
        "版",
        default=0,
        editable=False,
        help_text="値を保存するたびに1増えます。同時に編集した人の変更を上書きしないために使います。",
    )
    tolerance = MeasuredValueField(
        "許容幅",
        default=Decimal(0),
        help_text="「維持する」指標で、目標値からこの幅の中にあれば達成率 100％ とします。",
    )

    may_exceed_100 = models.BooleanField(
        "100％を超えることがある",
        default=False,
        help_text="単位が％で、100％を超える値がありうる指標（前年比など）のときに選びます。",
    )

    carried_from = models.CharField(
        "前の計画の指標コード",
        max_length=20,
        blank=True,
        validators=[CODE_VALIDATOR],
        help_text="前の計画から引き継いだ指標なら、前の計画での指標コード（例: 1-1-1）。",
    )
    carry_over = models.CharField(
        "引き継ぎの区分",
        max_length=10,
        choices=CarryOver.choices,
        blank=True,
        help_text="前の計画がある計画の指標: 継続（そのまま）、見直し（指標・目標値を変更）、新規。",
    )
    target_rationale = models.TextField(
        "目標設定の考え方",
        blank=True,
        validators=[multiline_text],
        help_text="目標値をどう決めたか（例: 前計画の最終年度の実績値から、毎年2％の増加を目指す）。",
    )
    target_rationale_en = models.TextField(
        "目標設定の考え方（英語）", blank=True, validators=[multiline_text], help_text=ENGLISH_HELP
    )

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="成果指標の変更履歴")

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = "成果指標"
        verbose_name_plural = "成果指標"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="one_indicator_code_per_plan",
                violation_error_message="この計画には同じ指標コードの成果指標がすでにあります。",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["increase", "decrease", "maintain"]),
                name="indicator_direction_valid",
                violation_error_message="目指す方向は「増やす」「減らす」「維持する」のいずれかです。",
            ),
            models.CheckConstraint(
                condition=Q(baseline_fy__isnull=True, baseline_value__isnull=True)
                | (
                    Q(baseline_fy__isnull=False, baseline_value__isnull=False)
                    & fiscal_year_in_range("baseline_fy")
                ),
                name="indicator_baseline_complete",
                violation_error_message="基準値は年度と値の両方を入力するか、両方を空欄（基準値なし）にしてください。",
            ),
            models.CheckConstraint(
                condition=Q(carry_over__in=["", *CarryOver.values]),
                name="indicator_carry_over_valid",
                violation_error_message="引き継ぎの区分は「継続」「見直し」「新規」のいずれかです。",
            ),
            models.CheckConstraint(
                condition=Q(carry_over="new", carried_from="")
                | Q(carry_over__in=["continued", "revised"], carried_from__gt="")
                | Q(carry_over="", carried_from=""),
                name="indicator_carried_from_matches_carry_over",
                violation_error_message="「継続」「見直し」の指標には前の計画の指標コードを、「新規」の指標には書かないでください。",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0),
                name="indicator_tolerance_not_negative",
                violation_error_message="許容幅は0以上にしてください。",
            ),
            models.CheckConstraint(
                condition=Q(target_fy__isnull=True, target_value__isnull=True)
                | (
                    Q(target_fy__isnull=False, target_value__isnull=False) & fiscal_year_in_range("target_fy")
                ),
                name="indicator_target_complete",
                violation_error_message="目標値は年度と値の両方を入力するか、両方を空欄（目標値なし）にしてください。",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        # The plan is stored beside the measure so that the database can keep codes unique per plan;
        # the two must agree.
        if self.measure_id and self.plan_id and self.measure.policy.plan_id != self.plan_id:
            raise ValidationError({"measure": "この取組は選択した計画のものではありません。"})
        problems = {
            name: problem
            for name in ("baseline_value", "target_value")
            if getattr(self, name) is not None
            and (problem := evaluation.value_problem(getattr(self, name), self.unit, self.may_exceed_100))
        }
        if self.plan_id:  # the rule every door applies to an indicator's years
            actual_years = list(self.values.values_list("fiscal_year", flat=True)) if self.pk else []
            years = evaluation.year_problems(
                self.plan.start_fy,
                self.plan.end_fy,
                self.baseline_fy,
                self.target_fy,
                min(actual_years, default=None),
            )
            problems = {**years, **problems}
            if self.pk and "target_fy" not in problems:  # the yearly targets must still fit the years
                for fy in self.yearly_targets.values_list("fiscal_year", flat=True):
                    problem = evaluation.yearly_target_year_problem(
                        self.plan.start_fy, self.plan.end_fy, self.baseline_fy, self.target_fy, fy
                    )
                    if problem:
                        problems["target_fy"] = f"{fy}年度の年度目標と合いません: {problem}"
                        break
            if problem := self.plan.organisation_problem(self.organisation):
                problems["organisation"] = problem
            if problem := carry_over_problem(self.plan, self.carried_from, self.carry_over):
                problems["carried_from" if self.carried_from else "carry_over"] = problem
        if problems:  # the rule every door applies to the values of this unit
            raise ValidationError(problems)

    @property
    def has_baseline(self) -> bool:
        return self.baseline_value is not None

    @property
    def has_target(self) -> bool:
        return self.target_value is not None

    def actuals(self) -> dict[int, Decimal]:
        """{fiscal year: actual value} as entered (the working data: drafts until a year is published).

        Reads prefetched values when there are any.
        """
        return {value.fiscal_year: value.value for value in self.values.all()}

    def interim_targets(self) -> dict[int, Decimal]:
        """{fiscal year: 年度目標} of the years before the target year that have one, in year order (YearlyTarget's
        ordering; reads prefetched rows)."""
        return {row.fiscal_year: row.value for row in self.yearly_targets.all()}

    def grade_notes(self) -> dict[int, str]:
        """{fiscal year: 評価の補足} of the years that have one (reads prefetched values too)."""
        return {value.fiscal_year: value.grade_note for value in self.values.all() if value.grade_note}

    def latest_value_change(self) -> str:
        """Who last changed this indicator's values, when, and what: for the message of a refused save."""
        record = (
            IndicatorValue.history.filter(indicator_id=self.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            .first()
        )
        if record is None:
            return "他の職員が変更しました。"
        previous = record.prev_record
        before = evaluation.display_value(previous.value, self.unit) if previous else "（なし）"
        after = (
            evaluation.display_value(record.value, self.unit) if record.history_type != "-" else "（削除）"
        )
        return f"{_by(record)}に{record.fiscal_year}年度の値を {before} → {after} に変更しました。"

    def latest_change(self) -> str:
        """The latest recorded change to this indicator or its values, said for a refused save."""
        own = self.history.select_related("history_user").order_by("-history_date", "-history_id").first()
        values = IndicatorValue.history.filter(indicator_id=self.pk).order_by("-history_date").first()
        if own is None or own.prev_record is None or (values and values.history_date > own.history_date):
            return self.latest_value_change()
        changes = [c for c in own.diff_against(own.prev_record).changes if c.field != "version"]
        described = "、".join(
            f"{Indicator._meta.get_field(c.field).verbose_name}を {_shown(c.old)} → {_shown(c.new)}"
            for c in changes
        )
        return f"{_by(own)}に{described or '成果指標'}に変更しました。"

    def evaluate(self, fy: int, rule: evaluation.GradingRule | None = None) -> evaluation.Evaluation:
        """The indicator as it stood at the end of fiscal year fy, graded by rule (the plan's, by default).

        Pages that evaluate many indicators pass the plan's rule once, so that it is not read again per row.
        """
        rule = rule or grading_rule(self.plan)
        return evaluation.evaluate(
            direction=self.direction,
            baseline=evaluation.Point(self.baseline_fy, self.baseline_value) if self.has_baseline else None,
            target=evaluation.Point(self.target_fy, self.target_value) if self.has_target else None,
            actuals=self.actuals(),
            fy=fy,
            tolerance=self.tolerance,
            rule=rule,
            unit=self.unit,
            may_exceed_100=self.may_exceed_100,
            yearly_targets=self.interim_targets(),
        )


def carry_over_problem(plan: Plan, carried_from: str, carry_over: str) -> str | None:
    """Why an indicator of plan cannot carry over like this (in Japanese), or None. Continued and revised
    indicators name an indicator of the plan's predecessor; new ones name none; without a predecessor, nothing."""
    if plan.predecessor_id is None:
        if carried_from or carry_over:
            return "前の計画がない計画の指標には、引き継ぎの区分や前の計画の指標コードを設定できません。"
        return None
    if carry_over in (CarryOver.CONTINUED, CarryOver.REVISED) and not carried_from:
        return f"「{CarryOver(carry_over).label}」の指標には、前の計画の指標コードを入力してください。"
    if carry_over in ("", CarryOver.NEW) and carried_from:
        return "前の計画の指標コードを入力したときは、引き継ぎの区分を「継続」か「見直し」にしてください。"
    if carried_from and not plan.predecessor.indicators.filter(code=carried_from).exists():
        return f"前の計画（{plan.predecessor.title}）に指標コード「{carried_from}」の成果指標はありません。"
    return None


class YearlyTarget(models.Model):
    """A target the plan sets for one year before the indicator's target year (年度目標): the pace of the
    plan, year by year (所沢市 sets one for every year). The final target stays on the indicator."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="yearly_targets", verbose_name="成果指標"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度", validators=FISCAL_YEAR_VALIDATORS)
    value = MeasuredValueField("年度目標")

    class Meta:
        ordering = ["indicator", "fiscal_year"]
        verbose_name = "年度目標"
        verbose_name_plural = "年度目標（目標年度より前の各年度の目標値）"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"],
                name="one_yearly_target_per_indicator_year",
                violation_error_message="この成果指標には同じ年度の年度目標がすでにあります。",
            ),
            models.CheckConstraint(
                condition=fiscal_year_in_range("fiscal_year"),
                name="yearly_target_fiscal_year_in_range",
                violation_error_message="年度が範囲外です。",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.fiscal_year}年度の目標: {self.value}"

    def clean(self):
        if self.fiscal_year is None or not hasattr(self, "indicator"):
            return  # the field's own errors say what is missing
        indicator = self.indicator
        problems = {}
        if problem := evaluation.yearly_target_year_problem(
            indicator.plan.start_fy,
            indicator.plan.end_fy,
            indicator.baseline_fy,
            indicator.target_fy,
            self.fiscal_year,
        ):
            problems["fiscal_year"] = problem
        if self.value is not None and (
            problem := evaluation.value_problem(self.value, indicator.unit, indicator.may_exceed_100)
        ):
            problems["value"] = problem
        if problems:
            raise ValidationError(problems)


GRADE_NOTE_LENGTH = 100  # one short sentence beside the grade on a card


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name="成果指標"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度", validators=FISCAL_YEAR_VALIDATORS)
    value = MeasuredValueField("実績値")
    note = models.CharField("備考", max_length=500, blank=True, validators=[multiline_text])
    grade_note = models.CharField(
        "評価の補足",
        max_length=GRADE_NOTE_LENGTH,
        blank=True,
        validators=[one_line_text],
        help_text="この年度の評価の主な理由を一文で（例: 新型コロナウイルス感染症の拡大で活動を中止したため。）。"
        "公開ページと報告書で、評価の理由と並べて示します。",
    )
    history = HistoricalRecords(verbose_name="実績値の変更履歴")

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "fiscal_year"]
        permissions = [
            ("publish_indicatorvalue", "計画の年度を公表できる（実績値・取組内容など）"),
            ("view_all_organisations", "すべての組織の下書きを閲覧できる"),
        ]
        verbose_name = "実績値"
        verbose_name_plural = "実績値"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"],
                name="one_value_per_indicator_year",
                violation_error_message="この成果指標には同じ年度の実績値がすでにあります。",
            ),
            models.CheckConstraint(
                condition=fiscal_year_in_range("fiscal_year"),
                name="value_fiscal_year_in_range",
                violation_error_message="年度が範囲外です。",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.fiscal_year}年度: {self.value}"

    def clean(self):
        if self.fiscal_year is None or not hasattr(self, "indicator"):
            return  # the field's own errors say what is missing
        problem = actual_year_problem(self.indicator, self.fiscal_year)
        if problem:
            raise ValidationError({"fiscal_year": problem})


def actual_year_problem(indicator: Indicator, fy: int) -> str | None:
    """Why indicator cannot have an actual for fiscal year fy (in Japanese), or None: the year lies in its plan
    and no earlier than its baseline (the plan file's rule, evaluation.year_problems, seen from the value)."""
    plan = indicator.plan
    problem = period_problem(fy, plan.start_fy, plan.end_fy)
    if problem:
        return problem
    if indicator.baseline_fy is not None and fy < indicator.baseline_fy:
        return evaluation.year_problems(plan.start_fy, plan.end_fy, indicator.baseline_fy, None, fy)[
            "baseline_fy"
        ]
    return None
