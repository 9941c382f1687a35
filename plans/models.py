from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from plans import fiscal_years
from plans.validators import ENGLISH_HELP, multiline_text, one_line_text

# A sane range for any fiscal year the system stores: baselines reach back a few years before a plan,
# targets a few years beyond it; anything outside is a typing error.
MIN_FISCAL_YEAR = fiscal_years.MIN_FISCAL_YEAR
MAX_FISCAL_YEAR = fiscal_years.MAX_FISCAL_YEAR
FISCAL_YEAR_VALIDATORS = [MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)]

ROMAN_NUMERALS = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"


def fiscal_year_in_range(field: str) -> Q:
    return Q(**{f"{field}__gte": MIN_FISCAL_YEAR, f"{field}__lte": MAX_FISCAL_YEAR})


class Organisation(models.Model):
    """A body responsible for measures and indicators: 熊本市 (or one of its departments) or 熊本市社会福祉協議会.

    Staff members of an organisation enter the values and narratives of its indicators and measures only.
    """

    name = models.CharField("組織名", max_length=100, unique=True, validators=[one_line_text])
    name_en = models.CharField(
        "組織名（英語）", max_length=200, blank=True, validators=[one_line_text], help_text=ENGLISH_HELP
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organisations", verbose_name="所属する職員"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "担当組織"
        verbose_name_plural = "担当組織"

    def __str__(self):
        return self.name


class GradingMethod(models.TextChoices):
    PACE = "pace", "進捗ペースで評価（達成・順調・遅れ・後退）"
    ACHIEVEMENT = "achievement", "達成率の区分で評価"


class FinalGradingMethod(models.TextChoices):
    TREND = "trend", "基準値からの変化で評価（A 達成・B 改善・C 変化なし・D 悪化・E 評価困難）"
    ACHIEVEMENT = "achievement", "達成率の区分で評価"


class Plan(models.Model):
    slug = models.SlugField("識別子", max_length=80, unique=True, help_text="URL に使う半角英数字とハイフン")
    title = models.CharField("計画名", max_length=200, validators=[one_line_text])
    title_en = models.CharField(
        "計画名（英語）", max_length=400, blank=True, validators=[one_line_text], help_text=ENGLISH_HELP
    )
    philosophy = models.CharField("基本理念", max_length=300, blank=True, validators=[one_line_text])
    philosophy_en = models.CharField(
        "基本理念（英語）", max_length=600, blank=True, validators=[one_line_text], help_text=ENGLISH_HELP
    )
    summary = models.TextField("計画の概要", blank=True, validators=[multiline_text])
    summary_en = models.TextField(
        "計画の概要（英語）", blank=True, validators=[multiline_text], help_text=ENGLISH_HELP
    )
    start_fy = models.PositiveSmallIntegerField("計画期間（開始年度）", validators=FISCAL_YEAR_VALIDATORS)
    end_fy = models.PositiveSmallIntegerField("計画期間（終了年度）", validators=FISCAL_YEAR_VALIDATORS)
    grading_method = models.CharField(
        "評価の方法",
        max_length=20,
        choices=GradingMethod.choices,
        default=GradingMethod.PACE,
        help_text="「達成率の区分」を選んだときは、下の評価区分を上から順に当てはめます。",
    )

    final_grading_method = models.CharField(
        "最終評価の方法",
        max_length=20,
        choices=FinalGradingMethod.choices,
        default=FinalGradingMethod.TREND,
        help_text="計画の最終年度（と中間評価）に各成果指標を評価する方法です。",
    )
    final_tolerance_percent = models.DecimalField(
        "変化なしとみなす幅（％）",
        max_digits=5,
        decimal_places=2,
        default=Decimal(5),
        help_text="基準値からの変化が基準値のこの割合以内なら「C 変わらない」とします（基準値からの変化で評価するとき）。",
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name="前の計画",
        help_text="この計画が引き継ぐ計画（例: 第５次計画の前の計画は第４次計画）。",
    )

    class Meta:
        ordering = ["-start_fy", "slug"]
        verbose_name = "計画"
        verbose_name_plural = "計画"
        constraints = [
            models.CheckConstraint(
                condition=fiscal_year_in_range("start_fy") & fiscal_year_in_range("end_fy"),
                name="plan_years_in_range",
                violation_error_message=f"年度は{MIN_FISCAL_YEAR}～{MAX_FISCAL_YEAR}の範囲で入力してください。",
            ),
            models.CheckConstraint(
                condition=Q(start_fy__lte=F("end_fy")),
                name="plan_starts_before_it_ends",
                violation_error_message="計画期間の終了年度は開始年度以降にしてください。",
            ),
            models.CheckConstraint(
                condition=Q(grading_method__in=GradingMethod.values),
                name="plan_grading_method_valid",
                violation_error_message="評価の方法が正しくありません。",
            ),
            models.CheckConstraint(
                condition=Q(final_grading_method__in=FinalGradingMethod.values),
                name="plan_final_grading_method_valid",
                violation_error_message="最終評価の方法が正しくありません。",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("pk")),
                name="plan_not_its_own_predecessor",
                violation_error_message="計画は自分自身を前の計画にできません。",
            ),
            models.CheckConstraint(
                condition=Q(final_tolerance_percent__gte=0, final_tolerance_percent__lte=100),
                name="plan_final_tolerance_in_range",
                violation_error_message="変化なしとみなす幅は0～100％にしてください。",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if problem := self.predecessor_problem():
            raise ValidationError({"predecessor": problem})
        if self.pk and self.start_fy and self.end_fy and self.start_fy <= self.end_fy:
            outside = self.rows_outside_period()
            if outside:
                listed = "、".join(outside[:10]) + ("など" if len(outside) > 10 else "")
                raise ValidationError(
                    f"計画期間を{self.start_fy}～{self.end_fy}年度にすると、{listed}が期間の外になります。"
                    "先にそれらの年度を直してください。"
                )

    def predecessor_problem(self) -> str | None:
        """Why the plan cannot follow its predecessor (in Japanese), or None: the predecessor ends before this
        plan starts, so the chain runs forward in time and never back to itself."""
        before = self.predecessor
        if before is None:
            return None
        if self.pk and before.pk == self.pk:
            return "計画は自分自身を前の計画にできません。"
        if self.start_fy and before.end_fy >= self.start_fy:
            return (
                f"前の計画（{before.title}）は{before.end_fy}年度までの計画です。この計画の開始年度"
                f"（{self.start_fy}年度）は、それより後にしてください。"
            )
        return None

    def rows_outside_period(self) -> list[str]:
        """What this plan holds outside its (new) period: the target years, baseline years, actuals and
        narratives that the rules of indicators and narratives keep within it (evaluation.year_problems)."""
        start, end = self.start_fy, self.end_fy
        indicators = self.indicators.all()
        outside = [
            f"成果指標 {code} の目標値の年度"
            for code in indicators.exclude(target_fy__isnull=True)
            .exclude(target_fy__gte=start, target_fy__lte=end)
            .values_list("code", flat=True)
        ]
        outside += [
            f"成果指標 {code} の基準値の年度"
            for code in indicators.filter(baseline_fy__gt=end).values_list("code", flat=True)
        ]
        outside += [
            f"成果指標 {code} の実績値"
            for code in indicators.filter(Q(values__fiscal_year__lt=start) | Q(values__fiscal_year__gt=end))
            .distinct()
            .values_list("code", flat=True)
        ]
        narratives = Q(measures__narratives__fiscal_year__lt=start) | Q(
            measures__narratives__fiscal_year__gt=end
        )
        if self.policies.filter(narratives).exists():
            outside.append("取組内容")
        return outside

    @property
    def fiscal_years(self) -> range:
        return range(self.start_fy, self.end_fy + 1)

    def organisation_names(self) -> list[str]:
        """The organisations that make the plan, in the plan's order."""
        return list(self.makers.values_list("organisation__name", flat=True))

    def organisation_names_en(self) -> list[str]:
        """Their English names, in the same order ("" where one has none)."""
        return list(self.makers.values_list("organisation__name_en", flat=True))

    def organisation_problem(self, organisation: "Organisation | None") -> str | None:
        """Why organisation cannot be responsible for a measure or indicator of this plan, or None: once the
        plan names the organisations that make it, responsibility goes to one of them."""
        names = self.organisation_names()
        if organisation is None or not names or organisation.name in names:
            return None
        return f"「{organisation.name}」はこの計画を策定する組織（{'、'.join(names)}）ではありません。"

    @property
    def period_label(self) -> str:
        """計画期間 as the plan document writes it: 令和2年度（2020年度）～令和6年度（2024年度）."""
        start = fiscal_years.fiscal_year_label(self.start_fy)
        end = fiscal_years.fiscal_year_label(self.end_fy)
        return f"{start}～{end}"

    def contains_fiscal_year(self, fy: int) -> bool:
        return self.start_fy <= fy <= self.end_fy

    def default_fiscal_year(self) -> int:
        """The year a page shows when none is asked for: the latest with actuals, else the first year."""
        return self.latest_actual_fy() or self.start_fy

    def latest_actual_fy(self) -> int | None:
        """The latest fiscal year within the plan for which any indicator has an actual."""
        return self.indicators.filter(
            values__fiscal_year__gte=self.start_fy, values__fiscal_year__lte=self.end_fy
        ).aggregate(latest=models.Max("values__fiscal_year"))["latest"]


class PlanOrganisation(models.Model):
    """An organisation that makes the plan, in the order the plan names them (熊本市, then 熊本市社会福祉協議会)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="makers", verbose_name="計画")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="plans_made", verbose_name="組織"
    )
    position = models.PositiveSmallIntegerField("順番")

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "計画を策定する組織"
        verbose_name_plural = "計画を策定する組織"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation"],
                name="one_plan_organisation_each",
                violation_error_message="この組織はすでにこの計画の策定組織です。",
            ),
            models.UniqueConstraint(
                fields=["plan", "position"],
                name="one_plan_organisation_per_position",
                violation_error_message="同じ順番の策定組織がすでにあります。",
            ),
        ]

    def __str__(self):
        return self.organisation.name


class GradeStage(models.TextChoices):
    YEARLY = "yearly", "毎年度の評価"
    FINAL = "final", "最終評価"


class GradeBand(models.Model):
    """One band of a plan's achievement-rate rule: 達成率 at least min_rate gets this mark and label. The
    yearly grading's bands, or the final evaluation's own (when it has none, it uses the yearly ones)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="grade_bands", verbose_name="計画")
    stage = models.CharField("評価", max_length=10, choices=GradeStage.choices, default=GradeStage.YEARLY)
    position = models.PositiveSmallIntegerField("順番")
    min_rate = models.DecimalField(
        "達成率の下限（％）",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="空欄にすると、それより上の区分に当てはまらないすべての指標がこの区分になります。",
    )
    mark = models.CharField("記号", max_length=4, validators=[one_line_text])
    label = models.CharField("評価", max_length=40, validators=[one_line_text])

    class Meta:
        ordering = ["plan", "stage", "position"]
        verbose_name = "評価区分"
        verbose_name_plural = "評価区分"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "stage", "position"],
                name="one_grade_band_per_stage_position",
                violation_error_message="同じ順番の評価区分がすでにあります。",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=GradeStage.values),
                name="grade_band_stage_valid",
                violation_error_message="評価区分の種類が正しくありません。",
            ),
        ]

    def __str__(self):
        return f"{self.mark} {self.label}"


class ReviewMark(models.Model):
    """One mark of the plan's own scale for the review of a measure (取組の評価: 相模原市's 1次評価 by the
    department and 2次評価 by the review committee), best first."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="review_marks", verbose_name="計画")
    position = models.PositiveSmallIntegerField("順番")
    mark = models.CharField("記号", max_length=4, validators=[one_line_text])
    label = models.CharField("意味", max_length=40, validators=[one_line_text])

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "取組の評価の区分"
        verbose_name_plural = "取組の評価の区分（1次評価・2次評価に使う記号）"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"],
                name="one_review_mark_per_position",
                violation_error_message="同じ順番の区分がすでにあります。",
            ),
            models.UniqueConstraint(
                fields=["plan", "mark"],
                name="one_review_mark_each",
                violation_error_message="この記号はすでにこの計画の取組の評価の区分にあります。",
            ),
        ]

    def __str__(self):
        return f"{self.mark} {self.label}"


class BasicPolicy(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="policies", verbose_name="計画")
    number = models.PositiveSmallIntegerField("番号", validators=[MinValueValidator(1)])
    title = models.CharField("基本方針", max_length=200, validators=[one_line_text])
    title_en = models.CharField(
        "基本方針（英語）", max_length=400, blank=True, validators=[one_line_text], help_text=ENGLISH_HELP
    )
    description = models.TextField("説明", blank=True, validators=[multiline_text])
    description_en = models.TextField(
        "説明（英語）", blank=True, validators=[multiline_text], help_text=ENGLISH_HELP
    )

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = "基本方針"
        verbose_name_plural = "基本方針"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="one_policy_number_per_plan",
                violation_error_message="この計画には同じ番号の基本方針がすでにあります。",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="policy_number_positive",
                violation_error_message="番号は1以上にしてください。",
            ),
        ]

    def __str__(self):
        return f"基本方針{self.numeral} {self.title}"

    @property
    def numeral(self) -> str:
        """Ⅰ, Ⅱ, Ⅲ … as the plan document numbers its basic policies."""
        if 1 <= self.number <= len(ROMAN_NUMERALS):
            return ROMAN_NUMERALS[self.number - 1]
        return str(self.number)


class Measure(models.Model):
    policy = models.ForeignKey(
        BasicPolicy, on_delete=models.CASCADE, related_name="measures", verbose_name="基本方針"
    )
    number = models.PositiveSmallIntegerField("番号", validators=[MinValueValidator(1)])
    title = models.CharField("取組", max_length=200, validators=[one_line_text])
    title_en = models.CharField(
        "取組（英語）", max_length=400, blank=True, validators=[one_line_text], help_text=ENGLISH_HELP
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name="担当組織",
        help_text="この取組の取組内容（主な取組・課題）を入力する組織です。",
    )

    class Meta:
        ordering = ["policy__plan", "policy__number", "number"]
        verbose_name = "取組"
        verbose_name_plural = "取組"
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"],
                name="one_measure_number_per_policy",
                violation_error_message="この基本方針には同じ番号の取組がすでにあります。",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="measure_number_positive",
                violation_error_message="番号は1以上にしてください。",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        if self.policy_id and (problem := self.policy.plan.organisation_problem(self.organisation)):
            raise ValidationError({"organisation": problem})

    @property
    def code(self) -> str:
        """ "1-2": basic policy 1, measure 2 (the prefix of its indicators' codes)."""
        return f"{self.policy.number}-{self.number}"
