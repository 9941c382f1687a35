from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from indicators import responsibility
from indicators.models import Indicator
from plans.fiscal_years import period_problem, wareki
from plans.models import FISCAL_YEAR_VALIDATORS, Measure, fiscal_year_in_range
from plans.validators import ENGLISH_HELP, multiline_text

NOTE_MARK = "※"


MAX_NARRATIVE_LENGTH = 2000  # a bullet of the progress report; a spreadsheet cell holds at most 32,767
NARRATIVE_LENGTH = MaxLengthValidator(
    MAX_NARRATIVE_LENGTH,
    message=f"取組内容は1項目{MAX_NARRATIVE_LENGTH:,}文字以内にしてください（%(show_value)d文字あります）。",
)
MAX_ENGLISH_LENGTH = 3 * MAX_NARRATIVE_LENGTH  # English runs to about three letters for each Japanese one
ENGLISH_LENGTH = MaxLengthValidator(
    MAX_ENGLISH_LENGTH,
    message=f"取組内容（英語）は1項目{MAX_ENGLISH_LENGTH:,}文字以内にしてください（%(show_value)d文字あります）。",
)


class NarrativeQuerySet(models.QuerySet):
    def responsible_for(self, user):
        """The narratives user may see as drafts and enter (indicators/responsibility.py)."""
        return self.filter(responsibility.narrative_q(user))


class Narrative(models.Model):
    """One bullet of a measure's yearly report: 主な取組 or 課題・改善事項・方針, the review committee's opinion
    (推進委員会の意見, the external review) or the summing-up (総括) of the final or mid-term evaluation."""

    class Section(models.TextChoices):
        INITIATIVES = "initiatives", "主な取組"
        ISSUES = "issues", "課題・改善事項・方針"
        COMMITTEE = "committee", "推進委員会の意見"
        SUMMARY = "summary", "総括"

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="narratives", verbose_name="取組"
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="narratives",
        verbose_name="成果指標",
        help_text="特定の成果指標についての記述であれば選択してください（取組全体についてなら空欄）。",
    )
    fiscal_year = models.PositiveSmallIntegerField("年度", validators=FISCAL_YEAR_VALIDATORS)
    section = models.CharField("区分", max_length=20, choices=Section.choices)
    position = models.PositiveSmallIntegerField("順番", default=1)
    text = models.TextField(
        "内容",
        help_text=f"1項目ずつ、{MAX_NARRATIVE_LENGTH:,}文字以内で入力します。注記は「※」で始めます。",
        validators=[NARRATIVE_LENGTH, multiline_text],
    )
    text_en = models.TextField(
        "内容（英語）",
        blank=True,
        help_text=f"{MAX_ENGLISH_LENGTH:,}文字以内。" + ENGLISH_HELP,
        validators=[ENGLISH_LENGTH, multiline_text],
    )
    history = HistoricalRecords(verbose_name="取組内容の変更履歴")

    objects = NarrativeQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "fiscal_year", "section", "position"]
        verbose_name = "取組内容"
        verbose_name_plural = "取組内容（主な取組・課題・改善事項・方針）"
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "fiscal_year", "section", "position"],
                name="one_narrative_per_position",
                violation_error_message="同じ取組・年度・区分に同じ順番の項目がすでにあります。",
            ),
            models.CheckConstraint(
                condition=fiscal_year_in_range("fiscal_year"),
                name="narrative_fiscal_year_in_range",
                violation_error_message="年度が範囲外です。",
            ),
            models.CheckConstraint(
                condition=Q(section__in=["initiatives", "issues", "committee", "summary"]),
                name="narrative_section_valid",
                violation_error_message="区分は「主な取組」「課題・改善事項・方針」「推進委員会の意見」「総括」のいずれかです。",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="narrative_text_not_empty",
                violation_error_message="内容を入力してください。",
            ),
        ]

    def __str__(self):
        return f"取組{self.measure.code} {wareki(self.fiscal_year)}の{self.get_section_display()}（{self.position}番目）"

    def clean(self):
        if self.indicator_id and self.measure_id and self.indicator.measure_id != self.measure_id:
            raise ValidationError({"indicator": "この成果指標は選択した取組のものではありません。"})
        if self.measure_id and self.fiscal_year:
            plan = self.measure.policy.plan
            problem = period_problem(self.fiscal_year, plan.start_fy, plan.end_fy)
            if problem:  # the plan file's rule: a narrative belongs to a year of its plan
                raise ValidationError({"fiscal_year": problem})

    @property
    def is_note(self) -> bool:
        """A ※ note qualifies the bullets before it rather than reporting an initiative of its own."""
        return self.text.startswith(NOTE_MARK)


class ReviewStage(models.IntegerChoices):
    DEPARTMENT = 1, "1次評価（担当課）"
    COMMITTEE = 2, "2次評価（推進委員会）"


def review_mark_problem(plan, mark: str) -> str | None:
    """Why mark cannot grade a measure of plan (in Japanese), or None: it is one of the plan's review marks."""
    marks = list(plan.review_marks.values_list("mark", flat=True))
    if mark in marks:
        return None
    if not marks:
        return "この計画には取組の評価の区分がありません。先に計画の「取組の評価の区分」を設定してください。"
    return f"記号「{mark}」はこの計画の取組の評価の区分（{'、'.join(marks)}）にありません。"


class MeasureReview(models.Model):
    """A measure's grade for one fiscal year at one stage of review: the department's (1次評価) or the review
    committee's (2次評価), on the plan's own scale (plans.models.ReviewMark)."""

    Stage = ReviewStage

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="reviews", verbose_name="取組"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度", validators=FISCAL_YEAR_VALIDATORS)
    stage = models.PositiveSmallIntegerField("評価の段階", choices=ReviewStage.choices)
    mark = models.CharField("評価", max_length=4)
    history = HistoricalRecords(verbose_name="取組の評価の変更履歴")

    class Meta:
        ordering = ["measure", "fiscal_year", "stage"]
        verbose_name = "取組の評価（1次・2次）"
        verbose_name_plural = "取組の評価（1次評価・推進委員会の2次評価）"
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "fiscal_year", "stage"],
                name="one_review_per_measure_year_stage",
                violation_error_message="この取組のこの年度・段階の評価はすでにあります。",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=ReviewStage.values),
                name="measure_review_stage_valid",
                violation_error_message="評価の段階は1次評価か2次評価です。",
            ),
            models.CheckConstraint(
                condition=fiscal_year_in_range("fiscal_year"),
                name="measure_review_fiscal_year_in_range",
                violation_error_message="年度が範囲外です。",
            ),
        ]

    def __str__(self):
        return f"取組{self.measure.code} {wareki(self.fiscal_year)}の{self.get_stage_display()}: {self.mark}"

    def clean(self):
        if not self.measure_id or not self.fiscal_year:
            return
        plan = self.measure.policy.plan
        problems = {}
        if problem := period_problem(self.fiscal_year, plan.start_fy, plan.end_fy):
            problems["fiscal_year"] = problem
        if self.mark and (problem := review_mark_problem(plan, self.mark)):
            problems["mark"] = problem
        if problems:
            raise ValidationError(problems)
