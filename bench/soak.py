"""The reliability run: `make soak` (docs/benchmarks.md keeps what it showed). About three minutes.

It starts a PostgreSQL of its own (initdb in a temporary folder, a free port on 127.0.0.1), so that stopping it
disturbs nobody else's database, and gunicorn with the production settings against it and the local Redis.

1. Load: wrk, 50 connections for 60 s over a mix of public URLs (pages, charts, CSV, JSON, static files) of
   the Kumamoto plan and 5 synthetic plans. Passes with no error: every answer 2xx, no socket error.
2. PostgreSQL stopped under load: 8 threads ask for pages that the page cache cannot answer (each URL new),
   a writer saves a 40-indicator plan over and over (bench/soak_writer.py); after 10 s PostgreSQL is stopped
   ("fast" shutdown, which cuts open transactions) for 10 s, then started. Passes when, while it is down, every
   answer is a 503 page without a stack trace (and /healthz says 503), no answer is a 500 and no connection
   fails; the pages come back by themselves within seconds of PostgreSQL answering; and the plan is wholly
   one version, never part of one save and part of another.
"""

import argparse
import collections
import contextlib
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import BASE_DIR, HOST, PYTHON, forget_cache, free_port, gunicorn, manage, production_env, wrk

PLAN_FILE = BASE_DIR / "fixtures" / "kumamoto_4th_plan.yaml"


class PrivatePostgres:
    """A throwaway PostgreSQL cluster, run as the postgres user when this runs as root."""

    def __init__(self, folder: Path):
        versions = sorted(Path("/usr/lib/postgresql").iterdir(), key=lambda path: int(path.name))
        self.bin = versions[-1] / "bin"
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *command: str) -> None:
        subprocess.run([*self.as_postgres, *command], check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8")  # fmt: skip
        self.start()
        for statement in ("CREATE ROLE kumamoto LOGIN", "CREATE DATABASE kumamoto_soak OWNER kumamoto"):
            self.run(
                str(self.bin / "psql"), "-h", HOST, "-p", str(self.port), "-U", "postgres", "-qc", statement
            )

    def start(self) -> None:
        options = f"-c listen_addresses={HOST} -c port={self.port} -c unix_socket_directories={self.folder}"
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                 "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://kumamoto@{HOST}:{self.port}/kumamoto_soak"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=60, help="the load of part 1 (default 60)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--down", type=int, default=10, help="seconds PostgreSQL stays stopped (default 10)")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kumamoto-soak-"))
    os.chmod(work, 0o755)
    postgres = PrivatePostgres(work / "postgres")
    env = production_env(postgres.url, work / "static", f"soak-{secrets.token_hex(4)}")
    passed = True
    try:
        postgres.create()
        manage(env, "migrate", "--no-input")
        manage(env, "import_plan", "--publish", str(PLAN_FILE))
        manage(env, "make_synthetic_data", "--plans", "5", "--prefix", "soak", "--publish")
        manage(env, "db_worker", "--batch", "--no-startup-delay")  # the publications' files
        manage(env, "collectstatic", "--no-input")
        subprocess.run(
            [PYTHON, "bench/soak_writer.py", "1"], cwd=BASE_DIR, env=env, check=True, capture_output=True
        )
        print(f"# Reliability run ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores)\n")
        with gunicorn(env | {"GUNICORN_ACCESS_LOG": "off"}, work / "gunicorn.log") as server:
            passed &= load_part(server, work, options)
            passed &= restart_part(server, postgres, env, options)
        log = (work / "gunicorn.log").read_text()
        print(
            f"\ngunicorn's log: {log.count('WORKER TIMEOUT')} worker timeouts, {log.count('Booting worker')} "
            f"workers started (at start, on max_requests or after a crash), {log.count('Service Unavailable')} "
            "503s logged with their cause."
        )
    finally:
        forget_cache(env)
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):  # never started
            postgres.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("\nResult: " + ("PASSED" if passed else "FAILED"))
    sys.exit(0 if passed else 1)


def public_urls() -> list[str]:
    urls = ["/", "/static/css/site.css", "/api/plans/"]
    for slug, codes, years in [("kumamoto-welfare-4", ["1-1-1", "2-1-2", "3-1-1"], [2020, 2021])] + [
        (f"soak-{n}", ["1-1-1", "1-2-3", "2-3-5", "3-2-5"], [2024])
        for n in range(1, 6)  # published: 2024
    ]:
        urls += [
            f"/plans/{slug}/",
            f"/plans/{slug}/indicators/",
            f"/api/plans/{slug}/",
            f"/plans/{slug}/data.csv",
        ]
        urls += [f"/plans/{slug}/policies/1/?fy={fy}" for fy in years] + [
            f"/plans/{slug}/grades.svg?fy={years[0]}"
        ]
        for code in codes:
            urls += [f"/plans/{slug}/indicators/{code}/?fy={fy}" for fy in years]
            urls += [
                f"/plans/{slug}/indicators/{code}/chart.svg?fy={years[-1]}",
                f"/plans/{slug}/indicators/{code}/mini.svg",
            ]
    return urls


def load_part(server, work: Path, options) -> bool:
    urls = public_urls()
    # The old chart addresses lead (302) to the current publication's file.
    wrong = [f"{url}: {status}" for url in urls if (status := server.get(url)[0]) not in (200, 302)]
    if wrong:
        raise SystemExit("These URLs of the mix do not answer 200:\n" + "\n".join(wrong))
    script = work / "mix.lua"
    script.write_text(
        "local paths = {" + ", ".join(json.dumps(url) for url in urls) + "}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  return wrk.format('GET', paths[(n % #paths) + 1])\n"
        "end\n"
    )
    load = wrk(server.port, "/", options.seconds, options.connections, script=script)
    ok = load.errors == 0
    print(
        f"## 1. Load: {options.connections} connections for {options.seconds} s, {len(urls)} URLs in turn\n"
    )
    print(f"- {load.requests:,} requests, {load.requests_per_second:,.0f} per second, "
          f"p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms")  # fmt: skip
    print(f"- errors: {load.errors} {load.error_detail}".rstrip())
    print(f"- {'passed' if ok else 'FAILED'}: no error\n")
    return ok


def restart_part(server, postgres: PrivatePostgres, env: dict[str, str], options) -> bool:
    before, down, after = 10, options.down, 20
    started = time.monotonic()
    deadline = started + before + down + after
    results: list[tuple[float, int, bool, str, float]] = []  # (answered, status, clean body, kind, asked)
    lock = threading.Lock()
    counter = iter(range(10**9))

    def ask(path: str, kind: str) -> None:
        asked = time.monotonic() - started
        try:
            connection = http.client.HTTPConnection(HOST, server.port, timeout=15)
            connection.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": "https"})
            response = connection.getresponse()
            body = response.read().decode("utf-8", errors="replace")
            status, clean = response.status, "Traceback" not in body and "psycopg2" not in body
            connection.close()
        except OSError:
            status, clean = 0, False  # the connection itself failed
        with lock:
            results.append((time.monotonic() - started, status, clean, kind, asked))

    def citizen() -> None:
        while time.monotonic() < deadline:
            slug = f"soak-{next(counter) % 5 + 1}"
            ask(
                f"/plans/{slug}/indicators/1-1-1/?fy=2024&n={next(counter)}", "page"
            )  # an unknown parameter: answered from the page cache all the same

    def monitor() -> None:
        while time.monotonic() < deadline:
            ask("/healthz", "healthz")
            time.sleep(0.25)

    writer = subprocess.Popen(
        [PYTHON, "bench/soak_writer.py", str(before + down + after - 2)],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    threads = [threading.Thread(target=citizen) for _ in range(8)] + [threading.Thread(target=monitor)]
    for thread in threads:
        thread.start()
    time.sleep(before)
    stopped_at = time.monotonic() - started
    postgres.stop()
    time.sleep(down)
    starting_at = time.monotonic() - started
    postgres.start()
    started_at = time.monotonic() - started  # pg_ctl -w: it answers from some moment before this
    for thread in threads:
        thread.join()
    written = json.loads(writer.communicate(timeout=120)[0].strip().splitlines()[-1])
    integrity = subprocess.run(
        [PYTHON, "bench/soak_writer.py", "--check"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    checked = json.loads(integrity.stdout.strip().splitlines()[-1])

    pages = [r for r in results if r[3] == "page"]
    while_down = [r for r in pages if stopped_at + 1 < r[0] < starting_at]
    after_start = [r for r in pages if r[0] > started_at]
    first_ok = min((r[0] for r in after_start if r[1] == 200), default=None)
    recovered_at = next(
        (r[0] for r in after_start if all(s[1] == 200 for s in after_start if s[0] >= r[0])), None
    )
    health_down = {r[1] for r in results if r[3] == "healthz" and stopped_at + 1 < r[0] < starting_at}
    by_status = collections.Counter(r[1] for r in pages)

    print(f"## 2. PostgreSQL stopped for {down} s under load (8 readers, 1 writer)\n")
    print("| seconds | " + " | ".join(str(s) for s in range(0, int(deadline - started), 2)) + " |")
    print("| --- | " + " | ".join("--:" for _ in range(0, int(deadline - started), 2)) + " |")
    for status in sorted(by_status):
        cells = [
            sum(1 for r in pages if r[1] == status and s <= r[0] < s + 2)
            for s in range(0, int(deadline - started), 2)
        ]
        print(f"| {status or 'no connection'} | " + " | ".join(str(c) for c in cells) + " |")
    print(
        f"\nPostgreSQL stopped at {stopped_at:.1f} s; started again from {starting_at:.1f} s, "
        f"answering by {started_at:.1f} s."
    )

    checks = {
        "while it was down, every page answer was a 503": bool(while_down)
        and all(r[1] == 503 for r in while_down),
        "no answer was a 500 and no connection failed": not any(r[1] in (0, 500) for r in pages),
        "no answer showed a stack trace": all(r[2] for r in pages if r[1]),
        "/healthz said 503 while it was down": health_down == {503},
        "pages came back within 5 s of PostgreSQL starting": recovered_at is not None
        and recovered_at - started_at < 5,
        "the plan is wholly one version (no half-applied save)": checked["whole"],
    }
    print(f"\n- page answers: {dict(by_status)}")
    slowest = max(pages, key=lambda r: r[0] - r[4])
    print(
        f"- slowest answer: {slowest[0] - slowest[4]:.1f} s (asked at {slowest[4]:.1f} s, status {slowest[1]})"
    )
    if first_ok is not None and recovered_at is not None:
        print(f"- first 200 {first_ok - started_at:.1f} s after PostgreSQL started; "
              f"every answer 200 from {recovered_at - started_at:.1f} s after")  # fmt: skip
    print(
        f"- writer: {written['saves_attempted']} saves begun, {written['saved']} committed, {written['failed']} failed:"
    )
    for error in written["errors"]:
        print(f"  - {error}")
    print(f"- afterwards the plan holds {checked['versions_found']} with values {checked['values_found']}, "
          f"{checked['indicators']} indicators and {checked['values']} values")  # fmt: skip
    for name, ok in checks.items():
        print(f"- {'passed' if ok else 'FAILED'}: {name}")
    return all(checks.values())


if __name__ == "__main__":
    main()
