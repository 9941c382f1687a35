from pathlib import Path

import pytest
from django.conf import settings

KUMAMOTO_PLAN_FILE = Path(settings.BASE_DIR) / "fixtures" / "kumamoto_4th_plan.yaml"


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path_factory):
    """Publications' files go to a folder of the test run's, never into the checkout."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True, scope="session")
def reports_built_once_per_content():
    """A PDF report takes about a second to build and an Excel one a fraction of it, and hundreds of tests
    publish the same Kumamoto years, each in Japanese and in English: publishing builds each report once per
    document, publisher (or date) and language, and reuses its bytes. Only the publishing path is cached; the
    tests of the reports call report_pdf.build_pdf and exports.build_report themselves."""
    from django.utils.translation import get_language

    from publications import artifacts

    original_pdf, original_report, built = artifacts.build_pdf, artifacts.build_report, {}

    def build_pdf_once(progress, publisher, draft=False):
        key = ("pdf", repr(progress.document), publisher, draft, get_language())
        if key not in built:
            built[key] = original_pdf(progress, publisher, draft)
        return built[key]

    def build_report_once(progress, exported_on):
        key = ("xlsx", repr(progress.document), exported_on, get_language())
        if key not in built:
            built[key] = original_report(progress, exported_on)
        return built[key]

    artifacts.build_pdf, artifacts.build_report = build_pdf_once, build_report_once
    yield
    artifacts.build_pdf, artifacts.build_report = original_pdf, original_report


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with an empty page cache: a rolled-back test's publication ids come back in the
    next test, and its cached pages must not."""
    from django.core.cache import caches

    from publications.middleware import process_pages

    caches["default"].clear()
    process_pages.clear()
    yield
    caches["default"].clear()
    process_pages.clear()


@pytest.fixture(autouse=True)
def publications_removed_after_transactional_tests(request):
    """Django's test runner empties the tables after a transactional test (live_server, transactional_db);
    on SQLite that is a DELETE, which the publications' trigger refuses while their plan exists. Remove them
    first, with the trigger lifted for that moment only (PostgreSQL's TRUNCATE needs none of this)."""
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    from publications import immutability

    if connection.vendor == "sqlite":
        immutability.run(connection, install=False)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM publications_artifactbuild")
            cursor.execute("DELETE FROM publications_publication")
        immutability.run(connection, install=True)


@pytest.fixture
def kumamoto_plan(db):
    """The Kumamoto plan as `make run` loads it (FY2020 and FY2021 published), for tests about the real plan."""
    from plans.models import Plan
    from publications.artifacts import run_build
    from publications.planfile import import_plan_file
    from publications.publishing import publish_years_with_actuals

    plan, _ = import_plan_file(KUMAMOTO_PLAN_FILE)
    for publication in publish_years_with_actuals(plan):
        run_build(publication.build)  # what the task does once the transaction commits
    return Plan.objects.get(pk=plan.pk)


@pytest.fixture
def kumamoto_drafts(db):
    """The Kumamoto plan read from its file but not published: working data only."""
    from plans.models import Plan
    from publications.planfile import import_plan_file

    plan, _ = import_plan_file(KUMAMOTO_PLAN_FILE)
    return Plan.objects.get(pk=plan.pk)
