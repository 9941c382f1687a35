"""What the benchmark (run.py) and the soak test (soak.py) share: the production environment, gunicorn, wrk.

Everything runs on this machine and sends requests only to 127.0.0.1, each load bounded in time.
"""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
POSTGRES_ADMIN = os.environ.get("BENCH_POSTGRES_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# The environment of this process, less what configures the app: the production settings are given whole.
# (The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly refuses.)
APP_SETTINGS = {"DEBUG", "ALLOWED_HOSTS", "ADMIN_PATH", "CSRF_TRUSTED_ORIGINS", "CONN_MAX_AGE", "LOG_LEVEL",
                "PUBLIC_PAGE_CACHE_SECONDS", "PUBLICATION_NOTIFICATIONS", "TRUSTED_PROXIES", "WEB_CONCURRENCY"}  # fmt: skip


def is_app_setting(name: str) -> bool:
    return name in APP_SETTINGS or name.startswith(("DJANGO_", "SECURE_", "GUNICORN_"))


def production_env(database_url: str, static_root: Path, prefix: str, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not is_app_setting(name)}
    return env | {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CACHE_KEY_PREFIX": prefix,
        "STATIC_ROOT": str(static_root),
        # The publications' files stay with the benchmark database between runs.
        "MEDIA_ROOT": os.environ.get("BENCH_MEDIA_ROOT", "/var/tmp/kumamoto-bench-media"),
        "LOG_LEVEL": "ERROR",
        **extra,
    }


def manage(env: dict[str, str], *args: str, quiet: bool = True) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=1800
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    if not quiet:
        print(result.stdout.strip())
    return result.stdout


def ensure_database(name: str, owner: str = "kumamoto") -> None:
    import psycopg2

    with closing(psycopg2.connect(POSTGRES_ADMIN)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')


def forget_cache(env: dict[str, str]) -> None:
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    keys = list(client.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": "https"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def reload(self) -> None:
        """New workers (HUP): they load the app again, and WhiteNoise reads STATIC_ROOT again."""
        os.kill(self.process.pid, signal.SIGHUP)
        time.sleep(4)
        wait_until_answering(self)


@contextmanager
def gunicorn(env: dict[str, str], log: Path, **extra: str):
    port = free_port()
    env = env | {"GUNICORN_BIND": f"{HOST}:{port}", **extra}
    with log.open("ab") as output:
        process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log)
    try:
        wait_until_answering(server)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_until_answering(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{server.log.read_text()[-3000:]}")
        try:
            if server.get("/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within {timeout} s:\n{server.log.read_text()[-3000:]}")


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors (connect, read, write, timeout)
    error_detail: str


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(port: int, path: str, seconds: int, connections: int, script: Path | None = None) -> Load:
    """wrk against 127.0.0.1 for `seconds`, with the headers nginx adds. One thread: the second core serves."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    command += ["-H", "X-Forwarded-Proto: https", "-H", f"Host: {HOST}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx[1]) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return Load(
        requests_per_second=float(re.search(r"Requests/sec:\s+([0-9.]+)", output)[1]),
        p50_ms=_milliseconds(latency["50"]),
        p99_ms=_milliseconds(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", output)[1]),
        errors=errors,
        error_detail=" ".join(filter(None, [non_2xx and non_2xx[0], sockets and sockets[0]])),
    )
