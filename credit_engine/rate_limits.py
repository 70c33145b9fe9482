"""The rate-limit settings, checked when the settings are read (docs/security.md, Rate
limits and proxies): a limit `limits` cannot parse, a storage scheme it does not know or
whose client is not installed stops the service and every command; nothing fails open.

The storage defaults to one that all worker processes of one machine share: an SQLite
file beside an SQLite database (or, for another database, in the temporary directory);
`memory://` only for an in-memory database, which one process alone can use anyway.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

from limits import parse_many
from sqlalchemy.engine import make_url

MAX_TRUSTED_PROXIES = 16
SQLITE_SCHEME = "sqlite"
# Storage schemes of the `limits` library (synchronous ones) and the client each needs.
CLIENTS = {
    "memory": None, SQLITE_SCHEME: None,
    "redis": "redis", "rediss": "redis", "redis+unix": "redis",
    "redis+cluster": "redis", "redis+sentinel": "redis",
    "memcached": "pymemcache", "mongodb": "pymongo", "mongodb+srv": "pymongo",
}
EXTRAS = {"redis": "credit-engine[redis]"}


def checked_limit(value: str) -> str:
    """`value` if it is one or more limits such as `120 per minute` or `10/second;1000/day`."""
    try:
        parsed = parse_many(value)
    except ValueError:
        parsed = []
    if not parsed:
        raise ValueError(f"{value!r} is not a rate limit such as '120 per minute' "
                         "or '10/second;1000/day'")
    return value


def sqlite_file(uri: str) -> Path:
    """The file of an `sqlite:///path` storage URI (four slashes for an absolute path, as
    in database URLs); ValueError if it names none."""
    parsed = urlparse(uri)
    path = unquote(parsed.path)[1:]
    if parsed.scheme != SQLITE_SCHEME or parsed.netloc or not path.strip("/") \
            or path == ":memory:":
        raise ValueError(f"{uri!r} is not sqlite:///<path of a file>")
    return Path(path)


def checked_storage(value: str) -> str:
    """`value` if it is a storage URI of a known scheme whose client is installed."""
    scheme = urlparse(value).scheme
    if "://" not in value or scheme not in CLIENTS:
        raise ValueError(f"{value!r} is not a rate-limit storage: use one of "
                         f"{', '.join(s + '://' for s in CLIENTS)}")
    if scheme == SQLITE_SCHEME:
        sqlite_file(value)
    client = CLIENTS[scheme]
    if client is not None and importlib.util.find_spec(client) is None:
        extra = EXTRAS.get(client, client)
        raise ValueError(f"{scheme}:// needs the {client!r} client: install {extra}")
    return value


def default_storage(database_url: str) -> str:
    """The storage shared by every worker of this machine when none is configured."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            return "memory://"  # one process alone can use an in-memory database
        database = Path(url.database)
        beside = database.with_name(f"{database.stem}.rate-limits.db")
        return f"{SQLITE_SCHEME}:///{beside.resolve()}"
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    owner = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir())
    return f"{SQLITE_SCHEME}:///{folder / f'credit-engine-{owner}-{digest}.rate-limits.db'}"
