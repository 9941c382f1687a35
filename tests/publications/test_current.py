"""Which publications are current, kept by a process until PostgreSQL announces a new one
(publications/current.py). These tests commit (transactional_db): only a committed publication is announced.
"""

import time

import pytest
from django.db import connection

from publications import current
from publications.current import CurrentPublications
from publications.models import Publication
from tests.factories import make_indicator, make_measure, make_plan, make_policy, publish

SLUG = "watched-plan"


class CountingLookup:
    def __init__(self):
        self.asked = 0

    def __call__(self, slug):
        self.asked += 1
        return Publication.objects.current_versions(slug)


@pytest.fixture
def plan_with_a_value(transactional_db, settings):
    settings.PUBLICATION_NOTIFICATIONS = True
    plan = make_plan(slug=SLUG)
    indicator = make_indicator(make_measure(make_policy(plan)), actuals={2020: "10", 2021: "12"})
    yield plan, indicator
    current.current_publications.close()  # the process's own, which the pages use: let the test database go


@pytest.fixture
def watch():
    watch = CurrentPublications()
    yield watch
    watch.close()


def until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_on_postgresql_a_kept_answer_is_used_without_a_query_until_a_publication_is_announced(
    plan_with_a_value, watch
):
    plan, _ = plan_with_a_value
    if connection.vendor != "postgresql":
        assert not current.enabled("default")  # SQLite announces nothing: each request asks
        return
    publish(plan, 2020)
    lookup = CountingLookup()

    first = watch.versions(SLUG, lookup)
    again = [watch.versions(SLUG, lookup) for _ in range(5)]

    assert sorted(first) == [2020] and again == [first] * 5
    assert lookup.asked == 1

    publish(plan, 2021)  # committed: PostgreSQL notifies every listener

    assert until(lambda: 2021 in watch.versions(SLUG, lookup))
    assert lookup.asked == 2


def test_on_sqlite_or_with_notifications_off_every_request_asks_the_database(
    plan_with_a_value, watch, settings
):
    plan, _ = plan_with_a_value
    publish(plan, 2020)
    settings.PUBLICATION_NOTIFICATIONS = connection.vendor != "postgresql"  # off, on PostgreSQL
    lookup = CountingLookup()

    answers = [watch.versions(SLUG, lookup) for _ in range(3)]

    assert lookup.asked == 3 and all(sorted(answer) == [2020] for answer in answers)


def test_a_broken_listening_connection_makes_each_request_ask_until_it_listens_again(
    plan_with_a_value, watch, monkeypatch
):
    plan, _ = plan_with_a_value
    if connection.vendor != "postgresql":
        assert not current.enabled("default")
        return
    publish(plan, 2020)
    lookup = CountingLookup()
    watch.versions(SLUG, lookup)
    backend = watch.listener.connection.get_backend_pid()
    monkeypatch.setattr(current, "RECONNECT_SECONDS", 3600.0)

    with connection.cursor() as cursor:  # as when PostgreSQL restarts
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    publish(plan, 2021)  # announced to no one

    assert 2021 in watch.versions(SLUG, lookup)  # the first request after it shows it: asked, not kept
    assert watch.listener is None
    asked = lookup.asked
    watch.versions(SLUG, lookup)
    assert lookup.asked == asked + 1  # asked each time while it cannot listen

    watch.retry_at = 0.0  # the reconnect is due
    watch.versions(SLUG, lookup)
    assert watch.listener is not None
    kept = lookup.asked
    watch.versions(SLUG, lookup)
    assert lookup.asked == kept


def test_an_unpublished_plan_is_asked_each_time_so_that_its_first_publication_shows_at_once(
    plan_with_a_value, watch
):
    lookup = CountingLookup()

    assert watch.versions(SLUG, lookup) == {} and watch.versions("no-such-plan", lookup) == {}
    assert watch.versions(SLUG, lookup) == {}
    assert lookup.asked == 3


def test_on_postgresql_the_plan_page_shows_a_new_publication_at_once_though_its_key_is_kept(
    plan_with_a_value, client
):
    plan, _ = plan_with_a_value
    if connection.vendor != "postgresql":
        assert not current.enabled("default")
        return
    publish(plan, 2020)
    first = client.get(f"/plans/{SLUG}/")
    assert first.status_code == 200 and "令和2年度" in first.content.decode()
    again = client.get(f"/plans/{SLUG}/")
    assert again["ETag"] == first["ETag"]

    publish(plan, 2021)

    assert until(lambda: client.get(f"/plans/{SLUG}/")["ETag"] != first["ETag"])
    assert "令和3年度（2021年度）" in client.get(f"/plans/{SLUG}/").content.decode()


def test_kept_page_keys_are_bounded_so_random_queries_cannot_fill_memory(plan_with_a_value, monkeypatch):
    from django.test import RequestFactory

    from publications.middleware import PageKeys

    monkeypatch.setattr(current.current_publications, "generation_if_listening", lambda: 7)
    keys, computed = PageKeys(size=3), []
    for n in range(10):
        keys.find(RequestFactory().get(f"/plans/{SLUG}/?z={n}"), lambda request: computed.append(1))

    assert len(keys.keys) <= 3 and len(computed) == 10
    keys.find(RequestFactory().get(f"/plans/{SLUG}/?z=9"), lambda request: computed.append(1))
    assert len(computed) == 10  # the last one asked is kept
