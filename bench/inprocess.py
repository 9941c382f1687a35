"""Measurements made inside one Django process, with the environment run.py gives it (production settings).

    python bench/inprocess.py charts SLUG         time to draw each chart of a plan, cold (no cache)
    python bench/inprocess.py excel SLUG FY       time and peak memory of one Excel report (a fresh process each)
    python bench/inprocess.py pdf SLUG FY         time, pages and peak memory of one PDF report (a fresh process each)
    python bench/inprocess.py queries SLUG...     SQL queries per page, the page cache off
    python bench/inprocess.py publish SLUG FY     time to publish a correction with all its files (rolled back)

Each prints one line of JSON.
"""

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumamoto_welfare.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from indicators.models import IndicatorValue  # noqa: E402
from plans.models import Plan  # noqa: E402
from publications import artifacts, charts, minicharts, publishing  # noqa: E402
from publications.exports import build_report  # noqa: E402
from publications.models import Publication  # noqa: E402
from publications.progress import load  # noqa: E402
from publications.report_pdf import PDF_VARIANT, laid_out, publisher_of  # noqa: E402


class RolledBack(Exception):
    pass


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def chart_times(slug: str) -> dict:
    """Each chart of the plan's current publication drawn by its renderer, as on a cache miss."""
    progress = load(Publication.objects.current(Plan.objects.get(slug=slug)).document())
    scale = progress.grade_scale
    original = charts.cached_chart
    timings: dict[str, list[float]] = {"indicator": [], "mini": [], "grades": []}

    def timed(kind, data, render):
        started = time.perf_counter()
        svg = render()
        timings[kind].append((time.perf_counter() - started) * 1000)
        return svg

    charts.cached_chart = timed  # draw every time, never from the cache
    try:
        first = progress.indicators[0]
        charts.indicator_svg(first.indicator, first.evaluation, scale, progress.fy, actuals=first.actuals)
        timings = {kind: [] for kind in timings}  # the first chart loads and compiles the template: not timed
        for row in progress.indicators:
            charts.indicator_svg(row.indicator, row.evaluation, scale, progress.fy, actuals=row.actuals)
            started = time.perf_counter()
            minicharts.mini_svg(
                minicharts.indicator_mini_chart(row.indicator, row.evaluation.grade, scale, row.actuals)
            )
            timings["mini"].append((time.perf_counter() - started) * 1000)
        for _ in range(10):
            charts.grade_summary_svg(progress.counts, "成果指標の評価の内訳")
    finally:
        charts.cached_chart = original
    return {
        kind: {
            "count": len(values),
            "mean_ms": round(statistics.mean(values), 1),
            "p50_ms": round(statistics.median(values), 1),
            "max_ms": round(max(values), 1),
        }
        for kind, values in timings.items()
    }


def excel(slug: str, fy: int) -> dict:
    publication = Publication.objects.current(Plan.objects.get(slug=slug), fy)
    progress = load(publication.document())
    before = peak_rss_mb()
    started = time.perf_counter()
    workbook = build_report(progress)
    seconds = time.perf_counter() - started
    return {
        "indicators": len(progress.indicators),
        "seconds": round(seconds, 2),
        "bytes": len(workbook),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def pdf(slug: str, fy: int) -> dict:
    publication = Publication.objects.current(Plan.objects.get(slug=slug), fy)
    progress = load(publication.document())
    before = peak_rss_mb()
    started = time.perf_counter()
    document = laid_out(progress, publisher_of(publication))
    layout = time.perf_counter() - started
    data = document.write_pdf(pdf_variant=PDF_VARIANT)  # what build_pdf does
    seconds = time.perf_counter() - started
    return {
        "indicators": len(progress.indicators),
        "seconds": round(seconds, 2),
        "layout_seconds": round(layout, 2),
        "pages": len(document.pages),
        "bytes": len(data),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def artifact_kind(name: str) -> str:
    """The kind of one of a publication's files, for the time per kind."""
    if name.startswith("charts/"):
        return "charts"
    return {
        artifacts.REPORT_FILE: "Excel",
        artifacts.REPORT_PDF_FILE: "PDF",
        artifacts.JSON_FILE: "JSON",
    }.get(name, "CSV")


def publish_timing(slug: str, fy: int) -> dict:
    """A correction of plan at fy, as a 承認者 publishes it, with all its files built, then rolled back.

    One value moves by 1 so that there is something to correct. The chart cache gives the charts of the
    indicators that did not change, as in a real correction; with --cold every chart is drawn, as for a first
    publication.
    """
    plan = Plan.objects.get(slug=slug)
    if "--cold" in sys.argv:  # every chart drawn, as if none had been drawn before (the cache is not emptied)
        charts.cached_chart = lambda kind, data, render: render()
    else:  # the charts of the publication being corrected, drawn before (not timed), as they were when it was made
        for name, make in artifacts.files_of(Publication.objects.current(plan, fy)):
            if name.startswith("charts/"):
                make()
    timings = {}
    try:
        with transaction.atomic():
            value = IndicatorValue.objects.filter(indicator__plan=plan, fiscal_year=fy).order_by("pk").first()
            IndicatorValue.objects.filter(pk=value.pk).update(value=value.value + 1)
            started = time.perf_counter()
            publication = publishing.publish(None, plan, fy, reason="ベンチマークの訂正（取り消します）")
            timings["publication_seconds"] = round(time.perf_counter() - started, 2)
            # What run_build does (every file built and stored), timed per kind of file.
            per_kind: dict[str, float] = {}
            files = list(artifacts.files_of(publication))
            for name, make in files:
                started = time.perf_counter()
                artifacts.store(publication.storage_path(name), make())
                kind = artifact_kind(name)
                per_kind[kind] = per_kind.get(kind, 0) + time.perf_counter() - started
            timings["files_seconds"] = round(sum(per_kind.values()), 2)
            timings["per_kind"] = {kind: round(seconds, 2) for kind, seconds in per_kind.items()}
            timings["files"] = len(files)
            raise RolledBack
    except RolledBack:
        pass
    timings["indicators"] = plan.indicators.count()
    timings["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return timings


def queries(slugs: list[str]) -> dict:
    """Queries per page with the page cache off in this process (as a page is drawn on a cache miss)."""
    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for slug in slugs:
        plan = Plan.objects.get(slug=slug)
        code = load(Publication.objects.current(plan).document()).indicators[0].indicator.code
        pages = {
            "plan page": f"/plans/{slug}/",
            "indicator page": f"/plans/{slug}/indicators/{code}/",
            "indicator table": f"/plans/{slug}/indicators/",
            "JSON API": f"/api/plans/{slug}/",
            "chart (old URL, a redirect)": f"/plans/{slug}/indicators/{code}/chart.svg",
            "plan CSV": f"/plans/{slug}/data.csv",
        }
        row = {"indicators": plan.indicators.count()}
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, secure=True)
            assert response.status_code in (200, 302), (url, response.status_code)
            row[name] = len(captured.captured_queries)
        counts[slug] = row
    return counts


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "charts":
        print(json.dumps(chart_times(arguments[0])))
    elif command == "excel":
        print(json.dumps(excel(arguments[0], int(arguments[1]))))
    elif command == "pdf":
        print(json.dumps(pdf(arguments[0], int(arguments[1]))))
    elif command == "publish":
        print(json.dumps(publish_timing(arguments[0], int(arguments[1]))))
    elif command == "queries":
        print(json.dumps(queries(arguments)))
    else:
        raise SystemExit(__doc__)
