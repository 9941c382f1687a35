"""Which publications are current, kept in each process from one publication to the next (PostgreSQL).

Every public request needs to know which publication of its plan citizens see: one indexed query
(PublicationQuerySet.current_versions). On PostgreSQL that round trip costs as much as the rest of a page
kept in the cache, so each process keeps the answers and instead LISTENs on one channel. Migration 0005 adds a
trigger that NOTIFYs the channel with every new publication; PostgreSQL delivers the notification to every
listening connection when the publishing transaction commits, whichever process or host published. Each
request first reads what has arrived on the listening socket, without waiting (one recv), and when anything
has, the process forgets what it kept and asks again.

It is never staler than the database: the process listens before it asks, so every publication committed
after an answer was read is announced. If the listening connection cannot be opened or breaks, each request
asks the database, as on SQLite, until a reconnect succeeds (tried every RECONNECT_SECONDS); answers are
also asked again after RECHECK_SECONDS whatever arrives, so that even a silently lost connection leaves a
process at most that far behind. Each process holds one more connection to PostgreSQL for this.
"""

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

CHANNEL = "kumamoto_publications"
RECONNECT_SECONDS = 5.0
RECHECK_SECONDS = 60.0
KEPT_PLANS = 1024  # plans whose answers a process keeps; more are asked each time


class CurrentPublications:
    """The answers of `lookup(slug)` kept until the database announces a publication."""

    def __init__(self, alias: str = "default"):
        self.alias = alias
        self.lock = threading.Lock()
        self.listener = None  # a Django connection of its own, LISTENing, or None
        self.pid: int | None = None
        self.kept: dict[str, dict] = {}
        self.generation = 0  # counts the times `kept` was emptied
        self.kept_since = 0.0
        self.retry_at = 0.0

    def versions(self, slug: str, lookup: Callable[[str], dict]) -> dict:
        with self.lock:
            listening = self.listening()
            found = self.kept.get(slug) if listening else None
            generation = self.generation
        if found is not None:
            return found
        found = lookup(slug)
        if listening and found:  # an unpublished (or unknown) plan is asked each time
            with self.lock:
                if generation == self.generation and len(self.kept) < KEPT_PLANS:
                    self.kept[slug] = found
        return found

    def generation_if_listening(self) -> int | None:
        """A number that changes whenever what is current may have (None when not listening: unknown)."""
        with self.lock:
            return self.generation if self.listening() else None

    def forget(self) -> None:
        self.kept = {}
        self.generation += 1
        self.kept_since = time.monotonic()

    def listening(self) -> bool:
        """Whether the listening connection is open, having read what it was sent (under self.lock)."""
        if not enabled(self.alias):
            return False
        if self.pid != os.getpid():  # a forked worker: the parent's connection is not its own
            self.listener, self.pid = None, os.getpid()
        if self.listener is None and not self.listen():
            return False
        raw = self.listener.connection
        try:
            raw.poll()
            # A server that ends the connection (a restart, pg_terminate_backend) first sends a FATAL
            # message, which libpq files as a notice; only the next read finds the connection closed.
            broken = bool(raw.notices)
        except Exception:
            broken = True
        if broken:  # ask each time until it is back
            logger.warning("The publication notifications stopped; asking the database each time.")
            self.close()
            return False
        if raw.notifies:
            raw.notifies.clear()
            self.forget()
        elif time.monotonic() - self.kept_since > RECHECK_SECONDS:
            self.forget()
        return True

    def listen(self) -> bool:
        now = time.monotonic()
        if now < self.retry_at:
            return False
        self.retry_at = now + RECONNECT_SECONDS
        listener = connections.create_connection(self.alias)
        listener.inc_thread_sharing()  # closed by whichever thread finds it broken (gthread workers)
        try:
            listener.ensure_connection()
            raw = listener.connection
            if not hasattr(raw, "poll"):  # not psycopg2: no notifications read this way
                listener.close()
                return False
            with raw.cursor() as cursor:
                cursor.execute(f"LISTEN {CHANNEL}")
        except Exception:
            logger.warning("Cannot listen for publications; asking the database each time.", exc_info=True)
            listener.close()
            return False
        self.listener = listener
        self.forget()  # listening now: answers asked from here on are announced when they change
        return True

    def close(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            with contextlib.suppress(Exception):
                listener.close()
        self.forget()


def enabled(alias: str) -> bool:
    return settings.PUBLICATION_NOTIFICATIONS and connections[alias].vendor == "postgresql"


current_publications = CurrentPublications()
