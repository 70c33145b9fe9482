"""The persons' encrypted values by data key: what a key rotation reads and rewrites."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from credit_engine.storage.models import PersonRow
from credit_engine.storage.personal_data import DataKeyError, Keyring, normalise_id_number


def key_ids_in_use(session: Session) -> set[str]:
    """The ids of every data key some stored person is encrypted under."""
    return set(session.scalars(select(PersonRow.data_key_id).distinct()))


def count_not_under(session: Session, key_id: str) -> int:
    """How many persons are encrypted under another key than `key_id`."""
    return session.scalar(select(func.count()).select_from(PersonRow)
                          .where(PersonRow.data_key_id != key_id)) or 0


def reseal_chunk(session: Session, ring: Keyring, limit: int) -> int:
    """Re-encrypt (and re-index) up to `limit` persons not under the current key; how many.

    `updated_at` is kept: a new ciphertext is no change of the credit file, and must not
    make the next incremental regrade take every person for changed.
    """
    rows = session.execute(
        select(PersonRow.id, PersonRow.id_number_encrypted, PersonRow.name_encrypted,
               PersonRow.updated_at)
        .where(PersonRow.data_key_id != ring.current).order_by(PersonRow.id).limit(limit)
        .with_for_update()).all()
    if not rows:
        return 0
    changes = []
    for person_id, number_sealed, name_sealed, updated_at in rows:
        number = ring.decrypt(number_sealed, f"persons.id_number:{person_id}")
        name = ring.decrypt(name_sealed, f"persons.name:{person_id}")
        changes.append({
            "pid": person_id, "id_number_index": ring.blind_index(number),
            "id_number_encrypted": ring.encrypt(normalise_id_number(number),
                                                f"persons.id_number:{person_id}"),
            "name_encrypted": ring.encrypt(name, f"persons.name:{person_id}"),
            "data_key_id": ring.current, "updated_at": updated_at})
    table = PersonRow.__table__
    session.connection().execute(
        update(table).where(table.c.id == bindparam("pid")), changes)  # type: ignore[arg-type]
    return len(rows)


def key_file_problem(session: Session, ring: Keyring) -> str | None:
    """Why the key file cannot be the one the stored persons were sealed with (None when it
    can): the newest person must decrypt. Checked at start, so a wrong but well-formed key
    file stops the service instead of matching nobody and registering duplicates."""
    row = session.execute(select(PersonRow.id, PersonRow.id_number_encrypted)
                          .order_by(PersonRow.created_at.desc()).limit(1)).first()
    if row is None:
        return None
    try:
        ring.decrypt(row[1], f"persons.id_number:{row[0]}")
    except DataKeyError as error:
        return str(error)
    return None
