"""The personal-data key: create a key file, rotate to a new key (docs/security.md)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from credit_engine.storage.personal_data import (
    PersonalDataKeys, fresh_keyring, retired, rotated, write_key_file,
)
from credit_engine.storage.repositories import person_keys

ROTATION_CHUNK = 1000  # persons re-encrypted per transaction

Transaction = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class RotationResult:
    """What a rotation did: the key now current, the keys removed, persons re-encrypted,
    and whether it finished (False: stopped early, run it again to continue)."""

    current: str
    removed: tuple[str, ...]
    resealed: int
    finished: bool


def create_key_file(path: Path) -> str:
    """Write a new key file (mode 0600) at `path`, never over an existing one; its key id."""
    ring = fresh_keyring()
    write_key_file(path, ring, replace=False)
    return ring.current


def rotate_data_key(keys: PersonalDataKeys, transaction: Transaction, *,
                    chunk: int = ROTATION_CHUNK, max_chunks: int | None = None,
                    progress: Callable[[int, int], None] = lambda done, total: None,
                    ) -> RotationResult:
    """Make a new key current and re-encrypt every person under it, `chunk` per transaction.

    A rotation that stopped (killed, or `max_chunks` reached) is continued, not restarted:
    while the key file still holds older keys, no new key is made. The older keys are
    removed from the file only once no stored value uses them.
    """
    ring = keys.ring
    with transaction() as session:
        in_use = person_keys.key_ids_in_use(session)
    if len(ring.keys) == 1 and in_use <= {ring.current}:
        ring = keys.save(rotated(ring))
    with transaction() as session:
        total = person_keys.count_not_under(session, ring.current)
    done = chunks = 0
    while max_chunks is None or chunks < max_chunks:
        with transaction() as session:
            count = person_keys.reseal_chunk(session, keys.ring, chunk)
        if count == 0:
            break
        done, chunks = done + count, chunks + 1
        progress(done, max(total, done))
    with transaction() as session:
        in_use = person_keys.key_ids_in_use(session)
    if max_chunks is not None and not in_use <= {ring.current}:
        return RotationResult(ring.current, (), done, False)
    removed = tuple(sorted(set(ring.keys) - in_use - {ring.current}))
    keys.save(retired(keys.ring, in_use))
    with transaction() as session:  # a writer that still used an old key meanwhile
        late = person_keys.key_ids_in_use(session) - set(keys.ring.keys)
    if late:
        keys.save(type(ring)(ring.current, {**keys.ring.keys,
                                            **{k: ring.keys[k] for k in late}}))
        return RotationResult(ring.current, (), done, False)
    return RotationResult(ring.current, removed, done, True)
