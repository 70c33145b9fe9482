"""A `limits` storage in an SQLite file, registered as the `sqlite` scheme: rate-limit
counters that every gunicorn worker of one machine shares, without a Redis.

`sqlite:////var/lib/credit-engine/rate_limits.db` (as in database URLs: `sqlite:///` and then
the file's path, so four slashes before an absolute one).
Each hit is one atomic UPSERT, so concurrent workers never lose an increment. Only the
fixed-window strategy (Flask-Limiter's default) is offered; Redis is the storage of choice
when several machines serve together (docs/security.md, Rate limits and proxies).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from limits.storage import Storage

from credit_engine.rate_limits import SQLITE_SCHEME, sqlite_file

BUSY_TIMEOUT_SECONDS = 10.0
PRUNE_EVERY = 1000  # hits between two deletions of expired counters

_SCHEMA = """CREATE TABLE IF NOT EXISTS rate_limit_counters (
    key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires_at REAL NOT NULL)"""
_HIT = """INSERT INTO rate_limit_counters (key, hits, expires_at) VALUES (:key, :amount, :expires)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN expires_at <= :now THEN excluded.hits ELSE hits + excluded.hits END,
    expires_at = CASE WHEN expires_at <= :now THEN excluded.expires_at ELSE expires_at END
RETURNING hits"""


class SqliteStorage(Storage):
    """Fixed-window counters in one SQLite table, shared by every process opening the file."""

    STORAGE_SCHEME = [SQLITE_SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False,
                 **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = sqlite_file(uri)
        self._local = threading.local()
        self._hits = 0  # opened on first use: an app is made before its folder may exist

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened anew after a fork (none crosses processes)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None or getattr(self._local, "pid", None) != os.getpid():
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS,
                                         isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(_SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        row = connection.execute(_HIT, {"key": key, "amount": amount, "now": now,
                                        "expires": now + expiry}).fetchone()
        self._hits += 1
        if self._hits % PRUNE_EVERY == 0:
            connection.execute("DELETE FROM rate_limit_counters WHERE expires_at <= ?", (now,))
        return int(row[0])

    def get(self, key: str) -> int:
        row = self._connection().execute(
            "SELECT hits FROM rate_limit_counters WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = self._connection().execute(
            "SELECT expires_at FROM rate_limit_counters WHERE key = ? AND expires_at > ?",
            (key, now)).fetchone()
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM rate_limit_counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM rate_limit_counters WHERE key = ?", (key,))
