"""gunicorn, as production runs it behind nginx (docs/deploy.md): `gunicorn -c gunicorn.conf.py`.

Read from the environment, beside the app's own settings:
GUNICORN_BIND      where to listen (default 127.0.0.1:8000: only nginx on the same host reaches it).
WEB_CONCURRENCY    worker processes (default 2 per core + 1).
GUNICORN_THREADS   threads per worker (default 1: sync workers; more gives gthread workers).
GUNICORN_ACCESS_LOG  "-" for standard output (the default), a file, or "off" when nginx's log is enough.
GUNICORN_MAX_REQUESTS  requests after which a worker is replaced (default 10000; 0: never).
"""

import multiprocessing
import os

wsgi_app = "kumamoto_welfare.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer than this is cut off and its worker replaced; the slowest page (a cold Excel
# report of a thousand indicators) takes a few seconds.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Each worker is replaced after about ten thousand requests, so that memory a long-lived process gathers
# (caches, fragmentation) is given back; the jitter keeps them from restarting together.
# GUNICORN_MAX_REQUESTS=0 keeps workers (make bench measures steady state: see docs/benchmarks.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10

# nginx sets X-Forwarded-Proto; gunicorn believes it only from these addresses.
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")

# Recent gunicorn (27 here) opens a control socket in the home folder by default, one path for every instance
# on the host; nothing here uses it (systemd signals the master), so none is opened. Older versions ignore it.
control_socket_disable = True

_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access_log == "off" else _access_log
errorlog = "-"
# The citizen's address from nginx (X-Real-IP) and seconds per request (%(L)s), for finding slow pages.
access_log_format = '%({x-real-ip}i)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'


def post_worker_init(worker):
    """Load the URLconf, and with it the views, templates' modules and openpyxl, before the worker
    takes its first request rather than during it: a new or replaced worker then answers at full speed."""
    from django.urls import resolve

    resolve("/healthz")
