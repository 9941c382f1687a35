"""How failed sign-ins are throttled (django-axes), as docs/deploy.md describes it.

- An account (a user name) is locked after ACCOUNT_FAILURE_LIMIT failures, from whatever addresses they came:
  a guesser who changes address, or who writes a new X-Real-IP, gains nothing.
- An address is locked after ADDRESS_FAILURE_LIMIT failures, at any user names: far more than one person
  mistypes, so that colleagues behind the same office address are not locked out by one of them.
- The cool-off grows with the account's failures in the last day (COOL_OFF_STEPS): 15 minutes, then longer.
  Attempts are kept for a day for that reason, and a failure during a lockout counts too.
- A successful sign-in clears that account's failures, and only that account's: not those of the address,
  which a guesser at the same address could otherwise clear by signing in to an account of their own.
- The lockout page says the same for every user name, existing or not.

The address is the client's own (REMOTE_ADDR) unless the request came through one of the proxies named in
TRUSTED_PROXIES, whose X-Real-IP header is believed then.
"""

import ipaddress
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

ACCOUNT_FAILURE_LIMIT = 10
ADDRESS_FAILURE_LIMIT = 100
# (failures of the account in the last day, cool-off): the last step reached applies.
COOL_OFF_STEPS = (
    (0, timedelta(minutes=15)),
    (2 * ACCOUNT_FAILURE_LIMIT, timedelta(hours=1)),
    (3 * ACCOUNT_FAILURE_LIMIT, timedelta(hours=4)),
    (4 * ACCOUNT_FAILURE_LIMIT, timedelta(hours=24)),
)
REMEMBERED_FOR = timedelta(hours=24)
LOCKED_OUT_STATUS = 429  # Too Many Requests


def client_ip(request: HttpRequest) -> str:
    """The client's address: nginx's X-Real-IP when the request came through a trusted proxy.

    The header is believed only from the proxies in TRUSTED_PROXIES (none unless the deployment names them),
    since anyone else could write it.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
    if remote in settings.TRUSTED_PROXIES and forwarded:
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return remote


def sign_in_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The user name django-axes records for a failed sign-in, cut to what a user name can be.

    Django's sign-in form does not limit the length it passes on, and axes stores it in a column of 255
    characters, which PostgreSQL enforces: a 5,000-character name would otherwise be a 500.
    """
    username = (credentials or request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None:
        return None
    user_model = get_user_model()
    longest = user_model._meta.get_field(user_model.USERNAME_FIELD).max_length
    return str(username).replace("\x00", "")[:longest]


def cool_off_for(failures_in_a_day: int) -> timedelta:
    """The lockout's length after this many failures of one account in the last day."""
    return [cool_off for reached, cool_off in COOL_OFF_STEPS if failures_in_a_day >= reached][-1]


def cool_off(request: HttpRequest | None) -> timedelta:
    """AXES_COOLOFF_TIME: how long the account the request names stays locked, from its last day's failures."""
    if request is None:
        return COOL_OFF_STEPS[0][1]
    username = get_client_username(request, getattr(request, "axes_credentials", None))
    since = _attempt_time(request) - REMEMBERED_FOR
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return cool_off_for(failures or 0)


def lockout_score(account_failures: int, address_failures: int) -> int:
    """One count that reaches ACCOUNT_FAILURE_LIMIT exactly when either limit is reached.

    django-axes compares one count with one limit; the address's failures are scaled so that
    ADDRESS_FAILURE_LIMIT of them weigh as much as ACCOUNT_FAILURE_LIMIT failures of one account.
    """
    return max(account_failures, address_failures * ACCOUNT_FAILURE_LIMIT // ADDRESS_FAILURE_LIMIT)


class AccountAndAddressHandler(AxesDatabaseHandler):
    """django-axes's database handler with a limit per account and a higher one per address.

    AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"], so the handler's attempt lists come in that order.
    """

    def get_failures(self, request, credentials=None) -> int:
        account, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return lockout_score(account, address)

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        # Axes would delete every attempt older than this request's cool-off; the cool-off differs from one
        # account to another and grows with a day's failures, so a day of attempts is kept for everyone.
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - REMEMBERED_FOR).delete()
        return count

    def reset_user_attempts(self, request, credentials=None) -> int:
        count, _ = AccessAttempt.objects.filter(username=get_client_username(request, credentials)).delete()
        return count


def _attempt_time(request: HttpRequest):
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the admin's look, the same words whatever the user name, 429."""
    return render(
        request, "admin/locked_out.html", {"message": settings.AXES_COOLOFF_MESSAGE}, status=LOCKED_OUT_STATUS
    )
