"""Measurements made inside one Django process, with the environment run.py gives it (production settings).

    python bench/inprocess.py charts SLUG         time to draw each chart of a plan, cold (no cache)
    python bench/inprocess.py excel SLUG FY       time and peak memory of one Excel report (a fresh process each)
    python bench/inprocess.py queries SLUG...     SQL queries per page, the page cache off

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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from indicators.evaluation import grade_scale  # noqa: E402
from indicators.models import Indicator, grading_rule  # noqa: E402
from plans.models import Plan  # noqa: E402
from publications import charts  # noqa: E402
from publications.progress import plan_progress  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def chart_times(slug: str) -> dict:
    """Each chart drawn by its renderer, as on a cache miss (the data gathering is not timed)."""
    plan = Plan.objects.get(slug=slug)
    fy = plan.default_fiscal_year()
    rule = grading_rule(plan)
    scale = grade_scale(rule)
    original = charts.cached_chart
    timings: dict[str, list[float]] = {"indicator": [], "mini": [], "grades": []}

    def timed(kind, data, render):
        started = time.perf_counter()
        svg = render()
        timings[kind].append((time.perf_counter() - started) * 1000)
        return svg

    charts.cached_chart = timed  # draw every time, never from the cache
    try:
        charts.indicator_svg(
            *_first(plan, fy, rule, scale)
        )  # matplotlib's first figure loads fonts: not timed
        timings = {kind: [] for kind in timings}
        for indicator in Indicator.objects.filter(plan=plan).with_values():
            result = indicator.evaluate(fy, rule)
            charts.indicator_svg(indicator, result, scale, fy)
            charts.indicator_svg(indicator, result, scale, fy, mini=True)
        progress = plan_progress(plan, fy)
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


def _first(plan, fy, rule, scale):
    indicator = Indicator.objects.filter(plan=plan).with_values().first()
    return indicator, indicator.evaluate(fy, rule), scale, fy


def excel(slug: str, fy: int) -> dict:
    try:
        from publications.exports import build_report
    except ImportError as error:
        return {"error": f"publications.exports.build_report is not there yet ({error})"}
    plan = Plan.objects.get(slug=slug)
    before = peak_rss_mb()
    started = time.perf_counter()
    workbook = build_report(plan, fy)
    seconds = time.perf_counter() - started
    return {
        "indicators": plan.indicators.count(),
        "seconds": round(seconds, 2),
        "bytes": len(workbook),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def queries(slugs: list[str]) -> dict:
    """Queries per page as the page cache would draw it (the cache middleware is off in this process)."""
    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for slug in slugs:
        plan = Plan.objects.get(slug=slug)
        code = plan.indicators.order_by("position", "code").values_list("code", flat=True).first()
        pages = {
            "plan page": f"/plans/{slug}/",
            "indicator page": f"/plans/{slug}/indicators/{code}/",
            "indicator table": f"/plans/{slug}/indicators/",
            "JSON API": f"/api/plans/{slug}/",
            "chart.svg": f"/plans/{slug}/indicators/{code}/chart.svg",
            "plan CSV": f"/plans/{slug}/data.csv",
        }
        row = {"indicators": plan.indicators.count()}
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
            row[name] = len(captured.captured_queries)
        counts[slug] = row
    return counts


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "charts":
        print(json.dumps(chart_times(arguments[0])))
    elif command == "excel":
        print(json.dumps(excel(arguments[0], int(arguments[1]))))
    elif command == "queries":
        print(json.dumps(queries(arguments)))
    else:
        raise SystemExit(__doc__)
