"""What the site does for every app: the health check and the page shown when a service is down.
Sign-in throttling is in sign_in.py. The middleware is in middleware.py, the cache helpers in cache.py.
"""

import logging
import sys

import redis
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import patch_cache_control
from django.views import defaults
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = "ただいまサービスを利用できません。しばらくしてから、もう一度お試しください。"
RETRY_AFTER_SECONDS = 30
# A database or cache that does not answer: the request fails as a whole (its transaction rolled back) and
# the next one may succeed, so the citizen is told to try again rather than shown an error.
SERVICE_UNAVAILABLE = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers a query, 503 when it does not: for the load balancer and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database does not answer (%s).", " ".join(str(error).split()))
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the open data API answers in JSON, as its clients expect; pages get the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": "このURLのデータはありません。"}, status=404, json_dumps_params={"ensure_ascii": False}
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 with Retry-After while the database or the cache is down, else the 500 page.

    Django calls it inside the `except` that caught the exception, so sys.exception() is that exception. Both
    pages are static templates, which render without the database.
    """
    unavailable = isinstance(sys.exception(), SERVICE_UNAVAILABLE)
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        message = UNAVAILABLE_MESSAGE if unavailable else "サーバーでエラーが発生しました。"
        response = JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(loader.get_template("500.html").render(), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response
