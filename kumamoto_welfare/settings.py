"""Settings for the Kumamoto welfare plan tracker, read from the environment (one file for every environment).

DJANGO_ENV     "development" (the default: DEBUG on, SQLite, a local cache) or "production" (docs/deploy.md):
               DEBUG off, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL required, HTTPS-only cookies, HSTS,
               compressed static files with hashed names, the public pages served from the cache.
DATABASE_URL   default: an SQLite file in the project folder (the embedded default);
               postgres://user@host:5432/name selects PostgreSQL through psycopg2.
REDIS_URL      redis://host:6379/0: the cache (charts, public pages) in Redis, shared by every process;
               without it each process keeps its own cache in memory.
SECRET_KEY     required when DEBUG is off.
DEBUG          "1"/"true" to turn on debugging (the default for local development).
ALLOWED_HOSTS  comma-separated host names.
ADMIN_PATH     where the admin site is served (default "admin/").
Less often needed: CONN_MAX_AGE, PUBLIC_PAGE_CACHE_SECONDS, PUBLICATION_NOTIFICATIONS, CACHE_KEY_PREFIX, STATIC_ROOT, TRUSTED_PROXIES,
SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD,
CSRF_TRUSTED_ORIGINS, LOG_LEVEL (each described where it is read below).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(f'DJANGO_ENV must be "development" or "production", not "{ENVIRONMENT}".')
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production: it shows settings and stack traces.")
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured(
            f"Production needs {', '.join(missing)} in the environment (docs/deploy.md)."
        )

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for local development: a key that is obviously not secret.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "kumamoto_welfare.apps.AdminConfig",  # Django's admin, with the index of admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tables2",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "plans",
    "indicators",
    "initiatives",
    "publications",
    "succession",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # English under /en/, else Japanese: first, so that the page cache finds an English page's key in English
    "kumamoto_welfare.middleware.PathLanguageMiddleware",
    # A kept public page is answered here; the middleware below run only when a page is drawn, and the
    # headers they add (CSP, X-Frame-Options) are kept with it.
    "publications.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kumamoto_welfare.middleware.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kumamoto_welfare.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "kumamoto_welfare.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Seconds a process keeps its connection between requests; the health check replaces a connection
        # that died meanwhile (a restarted PostgreSQL) before a request uses it.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails the request within seconds (a 503 page) instead of holding the worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# The cache holds charts (content-addressed, publications/charts.py) and public pages keyed by their publication
# (publications/views.py).
# Redis shares it between every process and host; without REDIS_URL each process has its own, in memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        # Keeps two sites (or a benchmark and a test) apart when they share one Redis.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kumamoto-welfare"),
    }
}
if REDIS_URL:
    CACHES["default"] |= {
        # Django's own Redis backend, reusing its client objects (kumamoto_welfare/cache.py says why).
        "BACKEND": "kumamoto_welfare.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # A Redis that does not answer fails the request within seconds (a 503) instead of holding the worker.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
# Charts drawn before (content-addressed: the same data draws the same chart), kept apart from the pages so
# that emptying one leaves the other.
CACHES["charts"] = CACHES["default"] | {
    "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + "-charts",
    **({} if REDIS_URL else {"LOCATION": "charts"}),  # a LocMemCache of its own
}
# How long a rendered public page is kept in the cache. Its key is the publication it shows (publications never
# change), so a kept page is never stale and this only bounds the memory; 0 turns the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "86400"))

# On PostgreSQL, each process keeps which publications are current and listens for new ones (LISTEN/NOTIFY,
# publications/current.py) instead of asking on every request. Off in development and the tests, whose
# transactions are rolled back and so announce nothing; on in production.
PUBLICATION_NOTIFICATIONS = env_bool("PUBLICATION_NOTIFICATIONS", PRODUCTION)

# Publications' files (charts, CSV, JSON, Excel) are stored here when they are published (publications/artifacts.py).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "media/"

# Background tasks (django-tasks): building a publication's files. Development and tests run a task at once,
# in the request; production stores it in the database for `manage.py db_worker` (docs/deploy.md).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND")
        or (
            "django_tasks_db.DatabaseBackend"
            if PRODUCTION
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# django-simple-history's "revert" form saves after checking only the view permission; it is disabled (the
# admin refuses its POST too: plans.admin.NoRevertHistoryAdmin).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Sessions live in the database, so any process on any host can serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out sign-in is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
# Japanese at the plain URLs, English under /en/ (docs/translation.md: adding a language is a catalogue in
# locale/ and a line here).
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
if PRODUCTION:
    # `collectstatic` writes each file under a name with its hash, gzipped beside it; WhiteNoise serves them
    # (with a cache lifetime of a year) before any other middleware runs. Development serves the files as they
    # are, through runserver, without collectstatic.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# The sign-in page of the admin site; its path is not published anywhere.
ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin/").strip("/") + "/"
if ADMIN_PATH == "/":
    raise ImproperlyConfigured('ADMIN_PATH must not be empty (the default is "admin/").')
# Where a sign-in lands when its ?next= is refused (off-site, //host, javascript:): the admin index, not
# Django's default /accounts/profile/, which this site does not have.
LOGIN_REDIRECT_URL = "admin:index"

# --- Security headers (all environments, so that development shows what production blocks) ---------------

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# No inline script or style anywhere: the pages link site.css, charts are SVG images (<img src>).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The charts are SVG images with presentation attributes only (fill="…", no style). Opened on their own they are
# documents; this policy lets them load nothing and run nothing.
SVG_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

# Failed sign-ins (django-axes): a limit per account from any address and a higher one per address, with a
# cool-off that grows with the account's failures in the last day (kumamoto_welfare/sign_in.py, docs/deploy.md).
AXES_HANDLER = "kumamoto_welfare.sign_in.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = 10  # sign_in.ACCOUNT_FAILURE_LIMIT; the handler scales the address's count to it
AXES_COOLOFF_TIME = "kumamoto_welfare.sign_in.cool_off"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "kumamoto_welfare.sign_in.client_ip"
AXES_USERNAME_CALLABLE = "kumamoto_welfare.sign_in.sign_in_username"
AXES_LOCKOUT_CALLABLE = "kumamoto_welfare.sign_in.lockout_response"
# The same words for every user name, existing or not, and no length: the cool-off differs.
AXES_COOLOFF_MESSAGE = (
    "サインインの失敗が続いたため、しばらくサインインできません。時間をおいてから、もう一度お試しください。"
    "急ぐときは、システムの管理者に制限の解除を頼んでください。"
)
# Addresses of the reverse proxies whose X-Real-IP header names the client: none unless the deployment names
# them (docs/deploy.md), since anyone who reaches the app directly could write the header.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")

if PRODUCTION:
    # nginx terminates TLS and says so in X-Forwarded-Proto; gunicorn listens only on the loopback.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's check may come over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Has effect only once the domain is submitted to the browsers' preload list (docs/deploy.md).
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

    # Everything to standard error, which gunicorn and systemd's journal collect.
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    }

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"
