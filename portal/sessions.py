"""Database sessions that cost one write where Django's own cost four statements.

Django's database store checks that a new key is free (a SELECT) before it inserts it, and
``cycle_key`` writes a fresh session row at once, which the response then writes again. Here a
new key is simply random (32 characters of 36: a collision is out of reach, and the insert
itself refuses a taken key, upon which ``create`` draws another), and cycling a key only drops
the old row: the session is written once, when the response saves it. Every signed-in page
reads its session, so that read is one plain statement for one column, and every sign-in
writes one, so that write is one plain statement too (no model instance, no transaction of its
own outside one: a single statement commits by itself).
"""

from __future__ import annotations

from contextlib import nullcontext

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict:
        """The session's data, if its row exists and has not expired (else a new, empty one).

        The same condition as Django's ``load``, without building a query and a model
        instance for one column of one row: on a customer page that was a tenth of the work.
        """
        connection = connections[router.db_for_read(self.model)]
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('session_data')} FROM {table} "
                f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def _get_new_session_key(self) -> str:
        # save(must_create=True) inserts with force_insert: a taken key raises CreateError and
        # create() draws again, so the SELECT Django runs first would only repeat that check.
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self) -> None:
        """A new key for the same data, written when the response saves the session."""
        data = self._session
        old_key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if old_key:
            self.delete(old_key)

    def save(self, must_create: bool = False) -> None:
        """Django's ``save`` as one INSERT (``must_create``) or UPDATE, with its errors: a taken
        key raises CreateError, a row gone meanwhile raises UpdateError."""
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        key, encoded, expires = (
            self._get_or_create_session_key(),
            self.encode(data),
            self.get_expiry_date(),
        )
        connection = connections[router.db_for_write(self.model)]
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = [quote(c) for c in ("session_key", "session_data", "expire_date")]
        # Inside a transaction (a test, a caller's atomic block) a refused INSERT must not
        # break it: a savepoint then keeps the failure to this statement.
        guard = transaction.atomic(using=connection.alias) if connection.in_atomic_block else None
        with guard or nullcontext(), connection.cursor() as cursor:
            if must_create:
                try:
                    cursor.execute(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES (%s, %s, %s)",
                        [key, encoded, expires],
                    )
                except IntegrityError as exc:
                    raise CreateError from exc
            else:
                cursor.execute(
                    f"UPDATE {table} SET {columns[1]} = %s, {columns[2]} = %s "
                    f"WHERE {columns[0]} = %s",
                    [encoded, expires, key],
                )
                if cursor.rowcount == 0:
                    raise UpdateError
        return None
