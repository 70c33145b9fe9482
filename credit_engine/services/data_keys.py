"""The personal-data key: create a key file, rotate to a new key (docs/security.md).

A rotation moves every value sealed under the data key: the persons' ID numbers and names
and the webhook endpoints' signing secrets (services/webhooks.py); an old key leaves the
file only when neither uses it any more.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from credit_engine.storage.personal_data import (
    PersonalDataKeys, fresh_keyring, retired, rotated, write_key_file,
)
from credit_engine.services import webhooks
from credit_engine.storage.repositories import person_keys

ROTATION_CHUNK = 1000  # persons (then webhook secrets) re-encrypted per transaction

Transaction = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class RotationResult:
    """What a rotation did: the key now current, the keys removed, persons re-encrypted,
    whether it finished (False: stopped early, run it again to continue) and webhook
    secrets resealed."""

    current: str
    removed: tuple[str, ...]
    resealed: int
    finished: bool
    secrets: int = 0


def key_ids_in_use(session: Session) -> set[str]:
    """Every data key some stored value is sealed under: persons and webhook secrets."""
    return person_keys.key_ids_in_use(session) | webhooks.secret_key_ids(session)


def create_key_file(path: Path) -> str:
    """Write a new key file (mode 0600) at `path`, never over an existing one; its key id."""
    ring = fresh_keyring()
    write_key_file(path, ring, replace=False)
    return ring.current


def rotate_data_key(keys: PersonalDataKeys, transaction: Transaction, *,
                    chunk: int = ROTATION_CHUNK, max_chunks: int | None = None,
                    progress: Callable[[int, int], None] = lambda done, total: None,
                    ) -> RotationResult:
    """Make a new key current and re-encrypt every person, then every webhook secret,
    under it, `chunk` per transaction (a chunk of webhook secrets counts as a chunk).

    A rotation that stopped (killed, or `max_chunks` reached) is continued, not restarted:
    while the key file still holds older keys, no new key is made. The older keys are
    removed from the file only once no stored value uses them.
    """
    ring = keys.ring
    with transaction() as session:
        in_use = key_ids_in_use(session)
    if len(ring.keys) == 1 and in_use <= {ring.current}:
        ring = keys.save(rotated(ring))
    with transaction() as session:
        total = person_keys.count_not_under(session, ring.current)
    done = secrets = chunks = 0
    while max_chunks is None or chunks < max_chunks:
        with transaction() as session:
            count = person_keys.reseal_chunk(session, keys.ring, chunk)
            sealed = 0 if count else webhooks.reseal_secrets(session, keys.ring, chunk)
        if count == sealed == 0:
            break
        done, secrets, chunks = done + count, secrets + sealed, chunks + 1
        if count:
            progress(done, max(total, done))
    with transaction() as session:
        in_use = key_ids_in_use(session)
    if max_chunks is not None and not in_use <= {ring.current}:
        return RotationResult(ring.current, (), done, False, secrets)
    removed = tuple(sorted(set(ring.keys) - in_use - {ring.current}))
    keys.save(retired(keys.ring, in_use))
    with transaction() as session:  # a writer that still used an old key meanwhile
        late = key_ids_in_use(session) - set(keys.ring.keys)
    if late:
        keys.save(type(ring)(ring.current, {**keys.ring.keys,
                                            **{k: ring.keys[k] for k in late}}))
        return RotationResult(ring.current, (), done, False, secrets)
    return RotationResult(ring.current, removed, done, True, secrets)
