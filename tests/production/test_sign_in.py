"""Failed sign-ins are throttled by account across addresses and by address, with a growing cool-off."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import F
from django.test import Client, RequestFactory

from kumamoto_welfare import sign_in

LOGIN = f"/{settings.ADMIN_PATH}login/"
PASSWORD = "correct horse battery staple"


def attempt(username: str, password: str, address: str, **headers):
    """POST the admin's sign-in form from `address`, as a new browser would."""
    client = Client(REMOTE_ADDR=address, **headers)
    return client.post(LOGIN, {"username": username, "password": password, "next": f"/{settings.ADMIN_PATH}"})


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == f"/{settings.ADMIN_PATH}"


def locked_out(response) -> bool:
    return response.status_code == 429 and "しばらくサインインできません" in response.content.decode()


def days_pass(minutes: int) -> None:
    """Move every recorded failure `minutes` into the past, as if that much time had gone by."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Each failed sign-in hashes a password, even for a name that does not exist; keep that cheap here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("staff", password=PASSWORD, is_staff=True)


@pytest.fixture
def colleague(db):
    return get_user_model().objects.create_user("colleague", password=PASSWORD, is_staff=True)


@pytest.mark.parametrize(
    ("trusted", "remote", "real_ip", "expected"),
    [
        (["127.0.0.1"], "127.0.0.1", "203.0.113.5", "203.0.113.5"),  # through a named nginx
        ([], "127.0.0.1", "203.0.113.5", "127.0.0.1"),  # by default no proxy is believed, not even this host
        (["127.0.0.1"], "198.51.100.9", "203.0.113.5", "198.51.100.9"),  # not from the named proxy
        (["127.0.0.1"], "127.0.0.1", "not an address", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_the_client_address_comes_from_x_real_ip_only_through_a_proxy_the_deployment_names(
    settings, trusted, remote, real_ip, expected
):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_REAL_IP=real_ip)

    assert sign_in.client_ip(request) == expected


def test_no_proxy_is_trusted_unless_the_deployment_names_one():
    assert settings.TRUSTED_PROXIES == []


def test_the_user_name_axes_records_is_cut_to_the_length_of_a_user_name():
    request = RequestFactory().post("/admin/login/", {"username": "A" * 5000})

    assert sign_in.sign_in_username(request, None) == "A" * 150
    assert sign_in.sign_in_username(request, {"username": "a\x00b"}) == "ab"
    assert sign_in.sign_in_username(RequestFactory().post("/"), None) is None


def test_axes_compares_with_the_same_account_limit_the_handler_scales_to():
    assert settings.AXES_FAILURE_LIMIT == sign_in.ACCOUNT_FAILURE_LIMIT == 10


@pytest.mark.parametrize(
    ("account", "address", "score"),
    [(9, 0, 9), (10, 0, 10), (0, 99, 9), (0, 100, 10), (3, 50, 5), (12, 250, 25)],
)
def test_either_limit_brings_the_count_to_the_account_limit(account, address, score):
    assert sign_in.lockout_score(account, address) == score


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(0, 15), (10, 15), (19, 15), (20, 60), (29, 60), (30, 240), (40, 1440), (5000, 1440)],
)
def test_the_cool_off_grows_with_the_accounts_failures_in_a_day(failures, minutes):
    assert sign_in.cool_off_for(failures) == timedelta(minutes=minutes)


def test_120_guesses_at_one_account_from_30_addresses_are_stopped_at_the_tenth(staff):
    responses = [attempt("staff", f"guess{n}", f"203.0.113.{n % 30 + 1}") for n in range(120)]

    assert [r.status_code for r in responses[:9]] == [200] * 9  # the form again, with its error
    assert all(locked_out(r) for r in responses[9:])
    # Even the right password, from an address that never failed, waits out the cool-off.
    assert locked_out(attempt("staff", PASSWORD, "192.0.2.200"))


def test_a_new_x_real_ip_from_a_peer_that_is_not_a_named_proxy_gains_nothing(staff):
    for n in range(12):
        response = attempt("staff", "wrong", "127.0.0.1", HTTP_X_REAL_IP=f"198.51.100.{n + 1}")

    assert locked_out(response)
    assert locked_out(attempt("staff", PASSWORD, "127.0.0.1", HTTP_X_REAL_IP="198.51.100.77"))


def test_through_a_named_proxy_the_account_is_still_locked_whatever_address_it_reports(settings, staff):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(10):
        attempt("staff", "wrong", "127.0.0.1", HTTP_X_REAL_IP=f"198.51.100.{n + 1}")

    assert locked_out(attempt("staff", PASSWORD, "127.0.0.1", HTTP_X_REAL_IP="198.51.100.99"))


def test_a_colleague_at_the_same_address_still_signs_in_after_one_account_is_locked(staff, colleague):
    for _ in range(10):
        attempt("staff", "wrong", "192.0.2.10")

    assert locked_out(attempt("staff", PASSWORD, "192.0.2.10"))
    assert signed_in(attempt("colleague", PASSWORD, "192.0.2.10"))


def test_a_colleagues_sign_in_does_not_clear_the_failures_at_another_account(staff, colleague):
    for _ in range(9):
        attempt("staff", "wrong", "192.0.2.10")
    assert signed_in(attempt("colleague", PASSWORD, "192.0.2.10"))

    assert locked_out(attempt("staff", "wrong", "192.0.2.10"))


def test_one_address_trying_many_names_is_stopped_at_the_hundredth_failure(colleague):
    for n in range(99):
        assert attempt(f"name{n}", "wrong", "192.0.2.66").status_code == 200

    assert locked_out(attempt("name99", "wrong", "192.0.2.66"))
    assert locked_out(attempt("colleague", PASSWORD, "192.0.2.66"))
    assert signed_in(attempt("colleague", PASSWORD, "192.0.2.67"))


def test_after_ten_failures_the_account_is_still_locked_14_minutes_later(staff):
    for _ in range(10):
        attempt("staff", "wrong", "192.0.2.10")
    days_pass(14)

    assert locked_out(attempt("staff", PASSWORD, "192.0.2.10"))


def test_after_ten_failures_the_account_signs_in_again_16_minutes_later(staff):
    for _ in range(10):
        attempt("staff", "wrong", "192.0.2.10")
    days_pass(16)

    assert signed_in(attempt("staff", PASSWORD, "192.0.2.10"))


def test_trying_during_a_lockout_starts_its_cool_off_again(staff):
    for _ in range(10):
        attempt("staff", "wrong", "192.0.2.10")
    days_pass(10)
    assert locked_out(attempt("staff", PASSWORD, "192.0.2.10"))
    days_pass(10)  # 20 minutes after the tenth failure, 10 after the last try

    assert locked_out(attempt("staff", PASSWORD, "192.0.2.10"))


def test_twenty_failures_in_a_day_lock_the_account_for_an_hour(staff):
    for _ in range(20):  # ten to lock, ten more while locked
        attempt("staff", "wrong", "192.0.2.10")
    days_pass(50)
    assert locked_out(attempt("staff", PASSWORD, "192.0.2.10"))  # the 21st failure: an hour from now
    days_pass(61)

    assert signed_in(attempt("staff", PASSWORD, "192.0.2.10"))


def test_a_failure_just_after_a_lockout_ends_locks_the_account_again(staff):
    for _ in range(10):
        attempt("staff", "wrong", "192.0.2.10")
    days_pass(16)

    assert locked_out(attempt("staff", "wrong", "192.0.2.10"))


def test_a_successful_sign_in_clears_the_accounts_failures(staff):
    for _ in range(9):
        attempt("staff", "wrong", "192.0.2.10")
    assert signed_in(attempt("staff", PASSWORD, "192.0.2.10"))

    assert [attempt("staff", "wrong", "192.0.2.10").status_code for _ in range(9)] == [200] * 9


def test_an_administrator_lifts_the_lockout_from_the_user_list(staff, admin_client):
    for _ in range(10):
        attempt("staff", "wrong", "192.0.2.10")
    assert locked_out(attempt("staff", PASSWORD, "192.0.2.10"))

    response = admin_client.post(
        f"/{settings.ADMIN_PATH}auth/user/",
        {"action": "lift_sign_in_lockout", "_selected_action": [staff.pk]},
        follow=True,
    )

    assert "1人のサインインの制限を解除しました。" in response.content.decode()
    assert signed_in(attempt("staff", PASSWORD, "192.0.2.10"))


def test_staff_without_the_right_to_change_users_cannot_lift_a_lockout(staff, colleague):
    colleague.user_permissions.add(*_view_user_permission())
    for _ in range(10):
        attempt("staff", "wrong", "192.0.2.10")
    client = Client()
    client.force_login(colleague)

    client.post(
        f"/{settings.ADMIN_PATH}auth/user/",
        {"action": "lift_sign_in_lockout", "_selected_action": [staff.pk]},
    )

    assert locked_out(attempt("staff", PASSWORD, "192.0.2.10"))


def test_the_lockout_page_is_in_japanese_and_the_same_for_an_account_that_does_not_exist(staff):
    for _ in range(10):
        attempt("staff", "wrong", "192.0.2.10")
        attempt("nobody", "wrong", "192.0.2.11")

    existing = attempt("staff", "wrong", "192.0.2.10")
    missing = attempt("nobody", "wrong", "192.0.2.11")

    assert locked_out(existing) and locked_out(missing)
    assert _without_tokens(existing.content.decode()) == _without_tokens(missing.content.decode())
    page = existing.content.decode()
    assert '<html lang="ja"' in page and "サインインできません" in page and "staff" not in page


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def _view_user_permission():
    return Permission.objects.filter(codename="view_user")
