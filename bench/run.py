"""The benchmark: `make bench` (docs/benchmarks.md keeps the figures).

On this machine, in one run: gunicorn with the production settings (gunicorn.conf.py) against PostgreSQL and
Redis, loaded by wrk on 127.0.0.1 for a bounded time per URL:

1. requests per second and p50/p99 latency of the plan page, an indicator page, the indicator table and the
   JSON API of a plan of 40 indicators (`make_synthetic_data --prefix bench-40`, beside its 50 plans), with the page cache warm, then
   with no page cache (every request drawn from PostgreSQL), and a static file of the same size served
   through WhiteNoise by the same gunicorn (the practical upper limit);
2. the time to draw each chart, cold;
3. the plan page with no page cache at 10, 100 and 1,000 indicators;
4. time and peak memory of the Excel report (publications/exports.py) at 10, 100 and 1,000 indicators;
5. time, pages and peak memory of the PDF report (publications/report_pdf.py) of the Kumamoto plan and at 10,
   100 and 1,000 indicators;
6. the time to publish a correction of a plan of 10, 100 and 1,000 indicators with all its files, per kind;
7. SQL queries per page at 10 and at 1,000 indicators.

Options: --seconds N (per load, default 5), --repeat N (each warm and static load, default 3; the median
is shown), --connections N (default 32), --skip-data (the data is there), --only load (section 1 alone,
for measuring the page cache again).
The database is `kumamoto_bench` (created when missing, with the role kumamoto); set BENCH_DATABASE_URL for
another. Cache keys get a prefix of their own and are deleted at the end.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from common import BASE_DIR, PYTHON, ensure_database, forget_cache, gunicorn, manage, production_env, wrk

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://kumamoto@127.0.0.1:5432/kumamoto_bench")
PLAN = "bench-40-1"  # the plan under load: 40 indicators, as the synthetic plans have
SIZES = {10: "bench-10-1", 100: "bench-100-1", 1000: "bench-1000-1"}  # make_synthetic_data --prefix bench-N


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--skip-data", action="store_true")
    parser.add_argument("--only", choices=["load"])
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kumamoto-bench-"))
    env = production_env(DATABASE_URL, work / "static", f"bench-{secrets.token_hex(4)}")
    started = time.monotonic()
    try:
        prepare(env, options.skip_data)
        print(header(options))
        load_section(env, work, options)
        if options.only == "load":
            return
        cold_section(env, work, options)
        chart_section(env)
        excel_section(env)
        pdf_section(env)
        publish_section(env)
        query_section(env)
    finally:
        forget_cache(env)
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n(The whole run took {time.monotonic() - started:.0f} s.)")


def prepare(env: dict[str, str], skip_data: bool) -> None:
    database = DATABASE_URL.rsplit("/", 1)[1]
    ensure_database(database)
    manage(env, "migrate", "--no-input")
    if not skip_data:
        print(
            "Making the synthetic data where it is missing (the first run takes a few minutes) ...",
            flush=True,
        )
        # Citizens see publications only: the plans measured are published at their last year (2024), their
        # files built by the task worker as in production (the first run draws some 2,300 charts).
        manage(env, "make_synthetic_data", "--if-missing")  # 50 plans beside, as a city with many would have
        for count in [40, *SIZES]:
            manage(env, "make_synthetic_data", "--if-missing", "--publish", "--plans", "1", "--indicators",
                   str(count), "--prefix", f"bench-{count}")  # fmt: skip
        manage(env, "import_plan", "--if-missing", "--publish", "fixtures/kumamoto_4th_plan.yaml")
        manage(env, "db_worker", "--batch", "--no-startup-delay")
    manage(env, "collectstatic", "--no-input")


def header(options) -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    workers = os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() * 2 + 1))
    return (
        f"# Benchmark ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {cpu})\n"
        f"gunicorn.conf.py with {workers} sync workers; PostgreSQL and Redis on this machine; wrk -t1 "
        f"-c{options.connections} -d{options.seconds}s on 127.0.0.1 (wrk shares the 2 cores with the server); "
        f"warm and static: the median of {options.repeat} runs."
    )


def load_section(env: dict[str, str], work: Path, options) -> None:
    pages = {
        "plan page": f"/plans/{PLAN}/",
        "indicator page": f"/plans/{PLAN}/indicators/1-1-1/",
        "indicator table": f"/plans/{PLAN}/indicators/",
        "JSON API": f"/api/plans/{PLAN}/",
    }
    log = work / "gunicorn.log"
    results: dict[str, dict[str, object]] = {name: {} for name in pages}
    # Workers are not replaced during the load (GUNICORN_MAX_REQUESTS=0): at these rates the five would be
    # replaced every ~20 s, each spending about a second of CPU on its imports, which halves whichever 5-s
    # load runs then, page or static file alike. Production rates are a few requests a second.
    steady = {"GUNICORN_MAX_REQUESTS": "0"}
    with gunicorn(env | steady | {"GUNICORN_ACCESS_LOG": str(work / "access.log")}, log) as server:
        # A static file of the same size as each page, for the upper limit; WhiteNoise reads them on reload.
        copies = work / "static" / "bench"
        copies.mkdir(parents=True, exist_ok=True)
        for name, path in pages.items():
            status, body = server.get(path)
            assert status == 200, (path, status)
            (copies / f"{name.replace(' ', '-')}.html").write_bytes(body)
            results[name]["bytes"] = len(body)
        server.reload()
        runs: dict[tuple[str, str], list] = {}
        for _ in range(options.repeat):  # page and static file in turn, so that both see the same machine
            for name, path in pages.items():
                server.get(path)  # warms the page cache
                static = f"/static/bench/{name.replace(' ', '-')}.html"
                for kind, url in (("warm", path), ("static", static)):
                    runs.setdefault((name, kind), []).append(
                        wrk(server.port, url, options.seconds, options.connections)
                    )
        for (name, kind), loads in runs.items():
            results[name][kind] = median(loads)
    with gunicorn(env | {"PUBLIC_PAGE_CACHE_SECONDS": "0", "GUNICORN_ACCESS_LOG": "off"}, log) as server:
        for name, path in pages.items():
            results[name]["cold"] = wrk(server.port, path, options.seconds, options.connections)

    print("\n## Pages under load (requests/s, p50 / p99 latency)\n")
    print("| page | size | warm cache | no page cache | static file, same size | warm ÷ static |")
    print("| --- | --: | --: | --: | --: | --: |")
    for name, row in results.items():
        warm, cold, static = row["warm"], row["cold"], row["static"]
        print(
            f"| {name} | {row['bytes'] / 1024:.0f} KiB | {cell(warm)} | {cell(cold)} | {cell(static)} "
            f"| {warm.requests_per_second / static.requests_per_second:.2f} |"
        )
    errors = {f"{name} {kind}": load.error_detail for name, row in results.items()
              for kind, load in row.items() if kind != "bytes" and load.errors}  # fmt: skip
    print(f"\nErrors: {errors or 'none'}")


def median(loads: list):
    """The run with the median throughput (its latencies with it); errors of every run are kept."""
    middle = sorted(loads, key=lambda load: load.requests_per_second)[len(loads) // 2]
    errors = sum(load.errors for load in loads)
    detail = " ".join(load.error_detail for load in loads if load.errors)
    return replace(middle, errors=errors, error_detail=detail)


def cell(load) -> str:
    return f"{load.requests_per_second:,.0f} ({load.p50_ms:.1f} / {load.p99_ms:.1f} ms)"


def inprocess(env: dict[str, str], *args: str) -> dict:
    result = subprocess.run(
        [PYTHON, str(BASE_DIR / "bench" / "inprocess.py"), *args],
        cwd=BASE_DIR,
        env=env | {"PUBLIC_PAGE_CACHE_SECONDS": "0"},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench/inprocess.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def cold_section(env: dict[str, str], work: Path, options) -> None:
    """The plan page of 10 and 1,000 indicators drawn for every request (no page cache)."""
    log = work / "gunicorn-cold.log"
    print("\n## Plan page with no page cache, by size (requests/s, p50 / p99 latency)\n")
    print("| indicators | page size | no page cache |")
    print("| --: | --: | --: |")
    with gunicorn(env | {"PUBLIC_PAGE_CACHE_SECONDS": "0", "GUNICORN_ACCESS_LOG": "off"}, log) as server:
        for count, slug in SIZES.items():
            status, body = server.get(f"/plans/{slug}/")
            assert status == 200, (slug, status)
            load = wrk(server.port, f"/plans/{slug}/", options.seconds, options.connections)
            print(f"| {count:,} | {len(body) / 1024:,.0f} KiB | {cell(load)} |")


def publish_section(env: dict[str, str]) -> None:
    print(
        "\n## Publishing (a correction with every file: charts, CSVs, JSON, Excel, PDF; rolled back after)\n"
    )
    kinds = ["charts", "CSV", "JSON", "Excel", "PDF"]
    print(
        "| indicators | charts cached | the publication | its files | "
        + " | ".join(kinds)
        + " | files | peak RSS |"
    )
    print("| --: | --- | --: | --: | " + " | ".join("--:" for _ in kinds) + " | --: | --: |")
    for slug in SIZES.values():
        for cold in (False, True):
            row = inprocess(env, "publish", slug, "2024", *(["--cold"] if cold else []))
            per_kind = " | ".join(f"{row['per_kind'].get(kind, 0):.2f} s" for kind in kinds)
            print(
                f"| {row['indicators']:,} | {'none (first publication)' if cold else 'all but the changed one'} "
                f"| {row['publication_seconds']:.2f} s | {row['files_seconds']:.1f} s | {per_kind} | {row['files']:,} "
                f"| {row['peak_rss_mb']:.0f} MB |"
            )


def pdf_section(env: dict[str, str]) -> None:
    print(
        "\n## PDF report (publications/report_pdf.py build_pdf with WeasyPrint, a fresh process for each)\n"
    )
    print(
        "| plan | indicators | time | of which layout | pages | per page | size | peak RSS (process) | RSS before |"
    )
    print("| --- | --: | --: | --: | --: | --: | --: | --: | --: |")
    for slug, fy in [("kumamoto-welfare-4", "2021"), *((slug, "2024") for slug in SIZES.values())]:
        row = inprocess(env, "pdf", slug, fy)
        print(
            f"| {slug} (FY{fy}) | {row['indicators']:,} | {row['seconds']:.2f} s | {row['layout_seconds']:.2f} s "
            f"| {row['pages']:,} "
            f"| {row['seconds'] / row['pages'] * 1000:.0f} ms | {row['bytes'] / 1024:,.0f} KiB "
            f"| {row['peak_rss_mb']:.0f} MB | {row['rss_before_mb']:.0f} MB |"
        )


def chart_section(env: dict[str, str]) -> None:
    timings = inprocess(env, "charts", PLAN)
    print("\n## Charts, drawn cold (laid out in Python, written by a template; per chart)\n")
    print("| chart | charts drawn | mean | p50 | max |")
    print("| --- | --: | --: | --: | --: |")
    for kind, row in timings.items():
        print(f"| {kind} | {row['count']} | {row['mean_ms']} ms | {row['p50_ms']} ms | {row['max_ms']} ms |")


def excel_section(env: dict[str, str]) -> None:
    print("\n## Excel report (publications/exports.py build_report, a fresh process for each)\n")
    rows = []
    for slug in SIZES.values():
        result = inprocess(env, "excel", slug, "2024")  # the synthetic plans run 2015-2024
        if "error" in result:
            print(f"Not measured: {result['error']}")
            return
        rows.append(result)
    print("| indicators | time | per indicator | size | peak RSS (process) | RSS before the build |")
    print("| --: | --: | --: | --: | --: | --: |")
    for row in rows:
        print(
            f"| {row['indicators']:,} | {row['seconds']:.2f} s | {row['seconds'] / row['indicators'] * 1000:.1f} ms "
            f"| {row['bytes'] / 1024:,.0f} KiB | {row['peak_rss_mb']:.0f} MB | {row['rss_before_mb']:.0f} MB |"
        )


def query_section(env: dict[str, str]) -> None:
    counts = inprocess(env, "queries", SIZES[10], SIZES[1000])
    pages = [name for name in next(iter(counts.values())) if name != "indicators"]
    print("\n## SQL queries per page (drawn, not from the cache)\n")
    print("| indicators | " + " | ".join(pages) + " |")
    print("| --: | " + " | ".join("--:" for _ in pages) + " |")
    for row in counts.values():
        print(f"| {row['indicators']:,} | " + " | ".join(str(row[name]) for name in pages) + " |")


if __name__ == "__main__":
    main()
