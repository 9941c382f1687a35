"""The files of a publication, built once when it is published: every chart, the CSVs, the JSON, the Excel
report and the PDF report, stored through Django's storage API and served as they are (no citizen request draws a chart or
builds a workbook).

`build_artifacts` is a background task (django-tasks: the immediate backend in development and tests, the
database backend and its `db_worker` in production). Its progress and any failure are recorded on the
publication's ArtifactBuild, which the 承認者 sees in the admin and can retry.
"""

import logging
import traceback

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext
from django_tasks import task

from plans.fiscal_years import fiscal_year_label
from publications import charts, minicharts, opendata, progress
from publications.exports import build_report
from publications.models import ArtifactBuild, Publication
from publications.report_pdf import build_pdf, publisher_of

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".svg": "image/svg+xml; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
}


def chart_name(code: str, mini: bool = False) -> str:
    return f"charts/{code}{'-mini' if mini else ''}.svg"


GRADES_CHART = "charts/grades.svg"
CSV_FILE, JSON_FILE, REPORT_FILE = "data.csv", "data.json", "report.xlsx"
EVALUATION_FILE = "evaluation.csv"
ENGLISH_FOLDER = "en/"
REPORT_PDF_FILE = "report.pdf"


def grade_chart_title(fy: int) -> str:
    return gettext("成果指標の評価の内訳（%(year)s末時点）") % {"year": fiscal_year_label(fy, get_language())}


def english(name: str) -> str:
    """The name of the English version of a file (charts/1-1-1.svg → en/charts/1-1-1.svg)."""
    return f"{ENGLISH_FOLDER}{name}"


def in_language(language: str, make):
    """make(), worded in language."""

    def build():
        with translation.override(language):
            return make()

    return build


def files_of(publication: Publication):
    """(name, build()) for every file of the publication: build() returns its bytes. The Japanese files,
    then the English versions of those with words in them (charts, reports) under en/: the same publication,
    the same figures."""
    document = publication.document()
    with translation.override("ja"):
        shown = progress.load(document)
    with translation.override("en"):
        shown_in_english = progress.load(document)  # the reasons worded in English
    for name, make in japanese_files(publication, shown):
        yield name, in_language("ja", make)
    for name, make in chart_files(shown_in_english):
        yield english(name), in_language("en", make)
    yield (
        english(REPORT_FILE),
        in_language("en", lambda: build_report(shown_in_english, publication.published_at.date())),
    )
    yield (
        english(REPORT_PDF_FILE),
        in_language("en", lambda: build_pdf(shown_in_english, publisher_of(publication))),
    )


def chart_files(shown):
    """(name, build()) for the charts of a PlanProgress, worded in the language active when built."""
    scale = shown.grade_scale
    for row in shown.indicators:
        yield (
            chart_name(row.indicator.code),
            lambda row=row: charts.row_svg(row, shown).encode(),
        )
        yield (
            chart_name(row.indicator.code, mini=True),
            lambda row=row: minicharts.mini_svg(
                minicharts.indicator_mini_chart(
                    row.indicator, row.evaluation.grade, scale, row.actuals, shown.fy
                )
            ).encode(),
        )
    yield GRADES_CHART, lambda: charts.grade_summary_svg(shown.counts, grade_chart_title(shown.fy)).encode()


def japanese_files(publication: Publication, shown):
    yield from chart_files(shown)
    yield CSV_FILE, lambda: opendata.indicators_csv(shown).encode()
    yield EVALUATION_FILE, lambda: opendata.evaluation_csv(shown).encode()
    yield JSON_FILE, lambda: opendata.publication_json_text(publication).encode()
    yield REPORT_FILE, lambda: build_report(shown, publication.published_at.date())
    yield REPORT_PDF_FILE, lambda: build_pdf(shown, publisher_of(publication))


def store(path: str, data: bytes) -> None:
    if default_storage.exists(path):  # a retried build: the content of a path never changes
        default_storage.delete(path)
    default_storage.save(path, ContentFile(data))


def run_build(build: ArtifactBuild) -> None:
    """Build and store every file of the build's publication, recording progress; raises on failure."""
    publication = build.publication
    files = list(files_of(publication))
    ArtifactBuild.objects.filter(pk=build.pk).update(
        status=ArtifactBuild.Status.RUNNING,
        started_at=timezone.now(),
        total_files=len(files),
        done_files=0,
        error="",
    )
    for done, (name, make) in enumerate(files, start=1):
        store(publication.storage_path(name), make())
        if done % 50 == 0:
            ArtifactBuild.objects.filter(pk=build.pk).update(done_files=done)
    ArtifactBuild.objects.filter(pk=build.pk).update(
        status=ArtifactBuild.Status.DONE, done_files=len(files), finished_at=timezone.now()
    )


@task()
def build_artifacts(build_id: int) -> None:
    build = ArtifactBuild.objects.select_related("publication__plan").get(pk=build_id)
    try:
        run_build(build)
    except Exception as error:
        logger.exception("Building the files of publication %s failed.", build.publication_id)
        ArtifactBuild.objects.filter(pk=build.pk).update(
            status=ArtifactBuild.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}\n\n{traceback.format_exc(limit=5)}",
        )
        raise


def build_missing(publication: Publication) -> list[str]:
    """Build the files a publication lacks (those added to the system after it was published, such as the PDF
    report); returns their names. Files it has are left as they are: their content never changes."""
    built = []
    for name, make in files_of(publication):
        path = publication.storage_path(name)
        if not default_storage.exists(path):
            store(path, make())
            built.append(name)
    return built


def retry(build: ArtifactBuild) -> None:
    """Build a failed (or stuck) publication's files again; the publication itself is not touched."""
    ArtifactBuild.objects.filter(pk=build.pk).update(status=ArtifactBuild.Status.PENDING, error="")
    transaction.on_commit(lambda: build_artifacts.enqueue(build.pk))


def open_file(publication: Publication, name: str) -> bytes | None:
    """The stored bytes of one of the publication's files, or None while it is not built."""
    path = publication.storage_path(name)
    try:
        with default_storage.open(path, "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        return None
