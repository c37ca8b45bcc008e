"""The portal's session store (portal.sessions) and cache client (portal.cache): one plain
statement per session write, with Django's errors; one Redis client per connection pool."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.cache import ResilientRedisCache
from portal.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_new_session_is_written_once_and_read_back() -> None:
    store = SessionStore()
    store["case"] = {"kind": "solution", "id": 7}
    with CaptureQueriesContext(connection) as queries:
        store.save()
    # Inside the test's transaction a savepoint guards the INSERT; outside one, it is alone.
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1 and statements[0].startswith("INSERT INTO")
    row = Session.objects.get(session_key=store.session_key)
    assert row.expire_date > timezone.now()
    assert SessionStore(store.session_key)["case"] == {"kind": "solution", "id": 7}


def test_a_changed_session_updates_its_row_and_expiry() -> None:
    store = SessionStore()
    store["step"] = 1
    store.save()
    again = SessionStore(store.session_key)
    again["step"] = 2
    again.set_expiry(60)
    again.save()
    row = Session.objects.get(session_key=store.session_key)
    assert SessionStore(store.session_key)["step"] == 2
    assert row.expire_date < timezone.now() + timedelta(seconds=61)


def test_a_taken_key_refuses_the_insert_and_leaves_the_transaction_usable() -> None:
    first = SessionStore()
    first["owner"] = "first"
    first.save()
    second = SessionStore(first.session_key)
    second._session_cache = {"owner": "second"}
    # The test runs inside a transaction, as a caller's atomic block would.
    with pytest.raises(CreateError):
        second.save(must_create=True)
    assert SessionStore(first.session_key)["owner"] == "first"


def test_saving_a_session_whose_row_is_gone_raises_update_error() -> None:
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).delete()
    store["x"] = 2
    with pytest.raises(UpdateError):
        store.save()


def test_create_draws_another_key_when_the_first_is_taken(monkeypatch) -> None:
    taken = SessionStore()
    taken.save()
    keys = iter([taken.session_key, "k" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    fresh = SessionStore()
    fresh["y"] = 1
    fresh.create()
    assert fresh.session_key == "k" * 32
    assert Session.objects.filter(session_key__in=[taken.session_key, "k" * 32]).count() == 2


def test_cache_calls_share_one_redis_client_and_it_reconnects() -> None:
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    cache.set("shared-client", 1, 30)
    # The server drops the pool's connection (only this one: other workers share the server);
    # the same client connects again.
    client.client_kill_filter(_id=client.client_id(), skipme=False)
    assert cache.get("shared-client") == 1
    assert cache.available
