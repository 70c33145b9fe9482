"""Personal data at rest: the data key file, AES-GCM encryption of ID numbers and names,
and the keyed hash (blind index) that finds a person by ID number.

The key file is JSON, mode 0600:
`{"format": 1, "current": "k…", "keys": {"k…": "<base64 of 32 random bytes>", …}}`.
Each master key yields two keys through HKDF-SHA256 (different `info`): one for AES-GCM,
one for the HMAC-SHA256 blind index, so the two never share a key. A value is stored as
`KEYID:base64(nonce ‖ ciphertext ‖ tag)` with a random 12-byte nonce, bound to its row and
column by the associated data. Old keys stay in the file until `data-key rotate` has moved
every row to the current one; look-ups try the index under each key meanwhile.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import URL, make_url

KEY_FILE_VARIABLE = "CREDIT_ENGINE_DATA_KEY_FILE"
KEY_FILE_FORMAT = 1
KEY_BYTES = 32
NONCE_BYTES = 12
SESSION_INFO_KEY = "personal_data"  # where sessions carry the cipher (Session.info)


class DataKeyError(ValueError):
    """The data key file is missing, unreadable or malformed, or a value does not decrypt."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=b"credit-engine/" + purpose).derive(master)


def normalise_id_number(id_number: str) -> str:
    """The form the blind index is computed on: trimmed, check letter upper-case."""
    return id_number.strip().upper()


@dataclass(frozen=True)
class DataKey:
    """One master key and the two keys derived from it."""

    key_id: str
    master: bytes = field(repr=False)

    @cached_property
    def _aead(self) -> AESGCM:
        return AESGCM(_derive(self.master, b"personal-data-encryption"))

    @cached_property
    def _index_key(self) -> bytes:
        return _derive(self.master, b"id-number-blind-index")

    def encrypt(self, plain: str, context: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plain.encode("utf-8"), context.encode("utf-8"))
        return f"{self.key_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, token: bytes, context: str) -> str:
        try:
            plain = self._aead.decrypt(token[:NONCE_BYTES], token[NONCE_BYTES:],
                                       context.encode("utf-8"))
        except InvalidTag:
            raise DataKeyError(f"a {context} value does not decrypt under key "
                               f"{self.key_id}: wrong key file or altered data") from None
        return plain.decode("utf-8")

    def blind_index(self, id_number: str) -> str:
        return hmac.new(self._index_key, normalise_id_number(id_number).encode("ascii"),
                        hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Keyring:
    """The keys of the key file; `current` encrypts, every key decrypts."""

    current: str
    keys: dict[str, DataKey]

    @property
    def current_key(self) -> DataKey:
        return self.keys[self.current]

    def encrypt(self, plain: str, context: str) -> str:
        """`plain` sealed under the current key, bound to `context` (row and column)."""
        return self.current_key.encrypt(plain, context)

    def decrypt(self, stored: str, context: str) -> str:
        """The plain text of a stored value, whichever key of the ring sealed it."""
        key_id, _, body = stored.partition(":")
        key = self.keys.get(key_id)
        if key is None:
            raise DataKeyError(f"a {context} value is sealed under key {key_id!r}, "
                               f"which the data key file no longer holds")
        return key.decrypt(base64.b64decode(body), context)

    def blind_index(self, id_number: str) -> str:
        """The keyed hash of an ID number under the current key."""
        return self.current_key.blind_index(id_number)

    def blind_indexes(self, id_number: str) -> list[str]:
        """The keyed hash under every key: finds rows not yet moved by a rotation."""
        return [key.blind_index(id_number) for key in self.keys.values()]


def rotated(ring: Keyring) -> Keyring:
    """`ring` with a new random key added and made current."""
    fresh = fresh_keyring()
    return Keyring(fresh.current, {**ring.keys, **fresh.keys})


def retired(ring: Keyring, in_use: set[str]) -> Keyring:
    """`ring` without the keys no stored value uses (the current one always kept)."""
    keep = in_use | {ring.current}
    return Keyring(ring.current, {kid: key for kid, key in ring.keys.items() if kid in keep})


def new_key_id() -> str:
    return "k" + secrets.token_hex(4)


def keyring_json(ring: Keyring) -> str:
    keys = {kid: base64.b64encode(key.master).decode("ascii") for kid, key in ring.keys.items()}
    return json.dumps({"format": KEY_FILE_FORMAT, "current": ring.current, "keys": keys},
                      indent=2) + "\n"


def parse_keyring(text: str, source: str) -> Keyring:
    """The keyring in a key file's text; DataKeyError naming `source` when malformed."""
    try:
        data = json.loads(text)
        if data.get("format") != KEY_FILE_FORMAT:
            raise ValueError(f"format must be {KEY_FILE_FORMAT}")
        keys = {str(kid): DataKey(str(kid), base64.b64decode(value, validate=True))
                for kid, value in data["keys"].items()}
        if any(len(key.master) != KEY_BYTES for key in keys.values()):
            raise ValueError(f"every key must be {KEY_BYTES} bytes")
        if data["current"] not in keys:
            raise ValueError("the current key is not among the keys")
        return Keyring(str(data["current"]), keys)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise DataKeyError(f"{source}: not a valid data key file ({error})") from None


def fresh_keyring() -> Keyring:
    kid = new_key_id()
    return Keyring(kid, {kid: DataKey(kid, secrets.token_bytes(KEY_BYTES))})


def read_key_file(path: Path) -> Keyring:
    """The keyring in `path` (DataKeyError naming the variable when unusable)."""
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise DataKeyError(f"{KEY_FILE_VARIABLE}: cannot read {path}: {error}") from None
    return parse_keyring(text, f"{KEY_FILE_VARIABLE} ({path})")


def write_key_file(path: Path, ring: Keyring, *, replace: bool) -> None:
    """Write `ring` to `path` with mode 0600: a new file (never overwriting one), or,
    with `replace`, atomically in place of the old one."""
    text = keyring_json(ring).encode("utf-8")
    target = path if not replace else path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    if replace:
        os.replace(target, path)


def load_or_create(path: Path) -> Keyring:
    """The keyring in `path`, created (0600) when the file does not exist yet."""
    try:
        ring = fresh_keyring()
        write_key_file(path, ring, replace=False)
        return ring
    except FileExistsError:
        return read_key_file(path)
    except OSError as error:
        raise DataKeyError(f"{KEY_FILE_VARIABLE}: cannot create {path}: {error}") from None


def sqlite_key_path(database_path: str) -> Path:
    """Where the embedded default keeps its key: beside the SQLite file."""
    database = Path(database_path)
    return database.with_name(database.name + ".data-key.json")


class PersonalDataKeys:
    """The data keys for one database, loaded on first use: from the key file named by
    the settings, or, for an SQLite file without one, from beside that file."""

    def __init__(self, key_file: Path | None, sqlite_path: str | None) -> None:
        self.key_file = key_file
        self.sqlite_path = sqlite_path
        self._ring: Keyring | None = None
        self._loaded_stamp: tuple[int, int] | None = None

    @classmethod
    def for_database(cls, key_file: Path | None, database_url: str | URL) -> PersonalDataKeys:
        """The keys for the database at `database_url`."""
        url = make_url(database_url) if isinstance(database_url, str) else database_url
        if url.get_backend_name() != "sqlite":
            return cls(key_file, None)
        return cls(key_file, url.database or ":memory:")

    @property
    def path(self) -> Path | None:
        if self.key_file is not None:
            return self.key_file
        if self.sqlite_path and self.sqlite_path != ":memory:":
            return sqlite_key_path(self.sqlite_path)
        return None

    def _stamp(self) -> tuple[int, int] | None:
        path = self.path
        try:
            found = path.stat() if path is not None else None
        except OSError:
            return None
        return None if found is None else (found.st_mtime_ns, found.st_size)

    @property
    def ring(self) -> Keyring:
        """The keys, read again whenever the key file changed (a rotation in another
        process): no process goes on writing under a key the rotation retired."""
        if self._ring is not None and self._stamp() == self._loaded_stamp:
            return self._ring
        path = self.path
        if self.key_file is not None:
            ring = read_key_file(self.key_file)
        elif path is not None:
            ring = load_or_create(path)
        elif self.sqlite_path is not None:  # an in-memory database: a key as short-lived
            ring = self._ring or fresh_keyring()
        else:
            raise DataKeyError(f"{KEY_FILE_VARIABLE} is required for this database")
        self._ring, self._loaded_stamp = ring, self._stamp()
        return ring

    def save(self, ring: Keyring) -> Keyring:
        """Replace the key file with `ring` (atomically, mode 0600)."""
        path = self.path
        if path is None:
            raise DataKeyError("an in-memory database has no key file to rotate")
        write_key_file(path, ring, replace=True)
        self._ring = None
        return self.ring
