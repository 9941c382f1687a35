"""The publication (公表): what citizens see of one plan at the end of one fiscal year, as a record.

A publication is created by publishing (publications.publishing.publish) and never changed: save() of an
existing one, delete(), and the queryset's update() and delete() refuse, and so does the database (triggers
made by migration 0002, on SQLite and PostgreSQL). A correction is a new publication of the same year with
the next number and its reason in `note`; the older one stays readable at its own URL.

The content is the JSON text of publications.document, stored as text rather than in a JSONField so that it
is served byte for byte as it was published on every database (PostgreSQL's jsonb reorders keys) and its
SHA-256 identifies it.
"""

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language, gettext

from plans.fiscal_years import fiscal_year_label
from plans.models import FISCAL_YEAR_VALIDATORS, Plan, fiscal_year_in_range
from publications import document

IMMUTABLE_MESSAGE = (
    "公表は記録として残すため、変更も削除もできません。訂正するときは、理由を添えて公表し直してください。"
)
FIRST_NOTE = "初回公表"


class ImmutableRecord(Exception):
    """A write to a publication, which is a record: refused, with the message above."""


class PublicationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecord(IMMUTABLE_MESSAGE)

    def delete(self):
        raise ImmutableRecord(IMMUTABLE_MESSAGE)

    def current(self, plan, fy: int | None = None):
        """What citizens see for plan at fy (the latest number), or for its latest published year; or None."""
        found = self.filter(plan=plan)
        if fy is not None:
            found = found.filter(fiscal_year=fy)
        return found.order_by("-fiscal_year", "-number").first()

    def latest_per_plan(self):
        """The newest publication of each plan that has one (for the list of plans)."""
        latest = self.order_by().values("plan_id").annotate(latest=models.Max("id")).values("latest")
        return self.filter(pk__in=models.Subquery(latest)).select_related("plan")

    def with_last_year_published(self):
        """The publications of plans' last years: a plan that has one has its final evaluation."""
        return self.filter(fiscal_year=models.F("plan__end_fy"))

    def current_ids(self, slug: str) -> dict[int, int]:
        """{fiscal year: id of the publication citizens see for it} for the plan of slug."""
        return {fy: pk for fy, (pk, _) in self.current_versions(slug).items() if fy != SUCCESSOR}

    def current_versions(self, slug: str) -> dict[int, tuple[int, str]]:
        """{fiscal year: (id, content SHA-256)} of the publications citizens see for the plan of slug, and
        under SUCCESSOR (id, slug) of a published plan that names it as its predecessor (the one made last,
        where there are several).

        The one lookup every public request makes, so it is one plain indexed query (the plan by its unique
        slug, its publications by the (plan, year, number) index) written once, rather than built by the ORM
        on every request, which took as long again as running it. A plan has a few publications a year.
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(current_versions_sql(), [slug, slug])
            rows = cursor.fetchall()
        versions: dict[int, tuple[int, int, str]] = {}
        for fy, number, pk, digest in rows:
            if fy not in versions or number > versions[fy][0]:
                versions[fy] = (number, pk, digest)
        return {fy: (pk, digest) for fy, (_, pk, digest) in sorted(versions.items())}


class Publication(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="publications", verbose_name="計画")
    fiscal_year = models.PositiveSmallIntegerField("年度", validators=FISCAL_YEAR_VALIDATORS)
    number = models.PositiveSmallIntegerField(
        "版", help_text="同じ年度の何回目の公表か（訂正のたびに1増えます）"
    )
    published_at = models.DateTimeField("公表日時")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="公表した承認者",
    )
    publisher = models.CharField("公表した人", max_length=200, help_text="公表した時点の氏名と組織")
    organisation = models.CharField("組織", max_length=300, blank=True)
    note = models.CharField("備考（訂正の理由）", max_length=500)
    content = models.TextField("公表内容（JSON）")
    content_sha256 = models.CharField("公表内容のハッシュ値", max_length=64)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-fiscal_year", "-number"]
        verbose_name = "公表"
        verbose_name_plural = "公表・訂正の履歴"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year", "number"],
                name="one_publication_number_per_year",
                violation_error_message="この年度には同じ版の公表がすでにあります。",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1) & fiscal_year_in_range("fiscal_year"),
                name="publication_number_and_year_valid",
                violation_error_message="版は1以上、年度は範囲内にしてください。",
            ),
            models.CheckConstraint(
                condition=~Q(note=""),
                name="publication_note_given",
                violation_error_message="備考を入力してください。",
            ),
        ]

    def __str__(self):
        return f"{self.plan.title} {fiscal_year_label(self.fiscal_year)} 第{self.number}版"

    def save(self, *args, **kwargs):
        # The one place an override is right: it forbids an effect rather than hiding one.
        if not self._state.adding:
            raise ImmutableRecord(IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("public:publication", args=[self.plan.slug, self.key])

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(IMMUTABLE_MESSAGE)

    @property
    def key(self) -> str:
        """ "2021-2": the year and the number, as the publication's URL and its files name it."""
        return f"{self.fiscal_year}-{self.number}"

    @property
    def is_correction(self) -> bool:
        return self.number > 1

    @property
    def label(self) -> str:
        year = fiscal_year_label(self.fiscal_year, get_language())
        return gettext("%(year)s 第%(number)s版") % {"year": year, "number": self.number}

    def document(self) -> dict:
        return document.parse(self.content)

    def storage_path(self, name: str) -> str:
        """Where a file built from this publication (a chart, the CSV, the Excel report) is stored."""
        return f"publications/{self.plan_id}/{self.key}-{self.content_sha256[:12]}/{name}"


class ArtifactBuild(models.Model):
    """The building of a publication's files (charts, CSV, JSON, Excel), in a background task.

    The 承認者 sees its state in the admin and may retry a failed build; the publication itself is untouched.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待機中"
        RUNNING = "running", "作成中"
        DONE = "done", "完了"
        FAILED = "failed", "失敗"

    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="build", verbose_name="公表"
    )
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.PENDING)
    done_files = models.PositiveIntegerField("作成済みのファイル", default=0)
    total_files = models.PositiveIntegerField("ファイルの数", default=0)
    error = models.TextField("エラー", blank=True)
    started_at = models.DateTimeField("開始", null=True, blank=True)
    finished_at = models.DateTimeField("終了", null=True, blank=True)

    class Meta:
        verbose_name = "公表ファイルの作成"
        verbose_name_plural = "公表ファイルの作成"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done", "failed"]),
                name="artifact_build_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.publication}: {self.get_status_display()}"


SUCCESSOR = 0  # the "fiscal year" of current_versions' entry for a published successor (years are 1950+)


def current_versions_sql() -> str:
    """The SQL of PublicationQuerySet.current_versions, with the tables as the models name them: the plan's
    publications, and (fiscal year SUCCESSOR) each plan that names it as predecessor and has a publication."""
    publication, plan = Publication._meta.db_table, Plan._meta.db_table
    return (
        f'SELECT p.fiscal_year, p.number, p.id, p.content_sha256 FROM "{publication}" p'
        f' JOIN "{plan}" pl ON pl.id = p.plan_id WHERE pl.slug = %s'
        f' UNION ALL SELECT {SUCCESSOR}, s.id, s.id, s.slug FROM "{plan}" s'
        f' JOIN "{plan}" pl ON pl.id = s.predecessor_id WHERE pl.slug = %s'
        f' AND EXISTS (SELECT 1 FROM "{publication}" q WHERE q.plan_id = s.id)'
    )
