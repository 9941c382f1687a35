"""gunicorn with the production settings (DJANGO_ENV=production) against PostgreSQL and Redis on this machine.

Each server gets a database of its own (created here, dropped afterwards), a cache key prefix of its own in the
shared Redis, and a free port on the loopback. Requests carry what nginx adds (docs/deploy.md): the Host and
X-Forwarded-Proto: https, since nginx terminates TLS.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
import pytest
import redis
from django.conf import settings

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

BASE_DIR = Path(settings.BASE_DIR)
POSTGRES = os.environ.get("PRODUCTION_TEST_POSTGRES", "postgres://kumamoto@127.0.0.1:5432")
REDIS = os.environ.get("PRODUCTION_TEST_REDIS", "redis://127.0.0.1:6379/0")
PLAN_FILE = BASE_DIR / "fixtures" / "kumamoto_4th_plan.yaml"
ADMIN_PATH = "kanri/"  # not the default, to show that the setting moves the admin site
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def cookies(self) -> dict[str, str]:
        """Set-Cookie headers by name, whole (value and attributes)."""
        return {value.split("=", 1)[0]: value for value in self.headers.get_all("Set-Cookie") or []}


@dataclass
class Site:
    port: int
    env: dict[str, str]
    database: str
    log: Path

    def request(
        self, method: str, path: str, headers: dict | None = None, body: bytes | None = None
    ) -> Response:
        """One request as nginx forwards it (over HTTPS unless headers say otherwise)."""
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})}
        headers = {name: value for name, value in headers.items() if value is not None}
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            return Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()

    def get(self, path: str, **headers) -> Response:
        return self.request("GET", path, {name.replace("_", "-"): value for name, value in headers.items()})

    def post_form(self, path: str, fields: dict, headers: dict) -> Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        return self.request("POST", path, headers, urlencode(fields).encode())

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)

    def sql(self, statement: str, parameters: tuple = ()) -> list[tuple]:
        # closing() closes the connection; psycopg2's own `with connection` commits the transaction.
        with (
            closing(psycopg2.connect(f"{POSTGRES}/{self.database}")) as connection,
            connection,
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, parameters)
            return cursor.fetchall() if cursor.description else []


# The environment of this process, less what configures the app: the production settings are given whole.
# (The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly refuses.)
APP_SETTINGS = {"DEBUG", "ALLOWED_HOSTS", "ADMIN_PATH", "CSRF_TRUSTED_ORIGINS", "CONN_MAX_AGE", "LOG_LEVEL",
                "PUBLIC_PAGE_CACHE_SECONDS", "PUBLICATION_NOTIFICATIONS", "TRUSTED_PROXIES", "WEB_CONCURRENCY"}  # fmt: skip


def is_app_setting(name: str) -> bool:
    return name in APP_SETTINGS or name.startswith(("DJANGO_", "SECURE_", "GUNICORN_"))


def production_env(database_url: str, static_root: Path, port: int, prefix: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not is_app_setting(name)}
    return env | {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS,
        "CACHE_KEY_PREFIX": prefix,
        "ADMIN_PATH": ADMIN_PATH,
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(static_root.parent / "media"),
        "GUNICORN_BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": "2",
        # The tests stand where nginx would, on this host, and say who the client is in X-Real-IP.
        "TRUSTED_PROXIES": "127.0.0.1",
    }


def manage(env: dict[str, str], *args: str) -> str:
    return finish(start_manage(env, *args), args)


def start_manage(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen, args) -> str:
    output, _ = process.communicate(timeout=120)
    if process.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{output}")
    return output


def admin_sql(statement: str) -> None:
    """CREATE or DROP DATABASE, which PostgreSQL runs only outside a transaction."""
    with closing(psycopg2.connect(f"{POSTGRES}/postgres")) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)


def create_database() -> str:
    name = f"kumamoto_production_test_{secrets.token_hex(4)}"
    admin_sql(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def forget_cache(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def start_gunicorn(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_listening(process: subprocess.Popen, port: int, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen on port {port} within {timeout} s:\n{log.read_text()}")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def production_site(tmp_path_factory):
    """The Kumamoto plan served by gunicorn as in production: migrated, imported, static files collected."""
    tmp = tmp_path_factory.mktemp("production")
    database = create_database()
    prefix = f"production-test-{secrets.token_hex(4)}"
    port = free_port()
    env = production_env(f"{POSTGRES}/{database}", tmp / "static", port, prefix)
    site = Site(port, env, database, tmp / "gunicorn.log")
    process = None
    try:
        collectstatic = start_manage(env, "collectstatic", "--no-input")  # meanwhile, needs no database
        manage(env, "migrate", "--no-input")
        manage(env, "import_plan", "--publish", str(PLAN_FILE))
        # The publications' files are built by the task worker, as in production (docs/deploy.md).
        manage(env, "db_worker", "--batch", "--no-startup-delay")
        finish(collectstatic, ["collectstatic"])
        process = start_gunicorn(env, site.log)
        wait_until_listening(process, port, site.log)
        yield site
    finally:
        if process is not None:
            stop_gunicorn(process)
        drop_database(database)
        forget_cache(prefix)


@contextmanager
def variant(production_site: Site, log: Path, **changes: str):
    """The same site and database served by another gunicorn, its environment changed, its own cache keys."""
    port = free_port()
    prefix = f"production-test-{secrets.token_hex(4)}"
    env = production_site.env | {
        "GUNICORN_BIND": f"{HOST}:{port}",
        "CACHE_KEY_PREFIX": prefix,
        "WEB_CONCURRENCY": "1",
        **changes,
    }
    site = Site(port, env, production_site.database, log)
    process = start_gunicorn(env, log)
    try:
        wait_until_listening(process, port, log)
        yield site
    finally:
        stop_gunicorn(process)
        forget_cache(prefix)


@pytest.fixture
def site_without_database(production_site, tmp_path):
    """The site with its database unreachable (a closed port), as while PostgreSQL restarts."""
    url = f"postgres://kumamoto@{HOST}:{free_port()}/{production_site.database}"
    with variant(production_site, tmp_path / "gunicorn.log", DATABASE_URL=url) as site:
        yield site


@pytest.fixture
def site_without_redis(production_site, tmp_path):
    """The site with its cache unreachable (a closed port), as while Redis restarts."""
    with variant(
        production_site, tmp_path / "gunicorn.log", REDIS_URL=f"redis://{HOST}:{free_port()}/0"
    ) as site:
        yield site


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, as in tests/browser (Playwright cannot download its own browser here)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }
