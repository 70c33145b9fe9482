"""encrypt personal ID numbers and names at rest

Replaces persons.id_number and persons.name (plain text) with id_number_encrypted and
name_encrypted (AES-GCM, storage/personal_data.py), id_number_index (HMAC-SHA256 blind
index, UNIQUE: the exact match) and data_key_id. Existing rows are encrypted here, 1,000
per statement batch, under the current key of the data key file: CREDIT_ENGINE_DATA_KEY_FILE,
or, for an SQLite file without it, the key file beside it (created on first use). A caller
may hand the keys in with `config.attributes["data_keys"]` (a PersonalDataKeys).

Downgrade decrypts: it writes every ID number and name back in clear (with the same key
file), for going back to an older release only.

Audit entries written before this revision carried full names (`person.created`,
`person.updated`): their names are masked here (张**) and the chain is re-hashed from the
first such entry on, once, before any audit head is ever published (heads come with
0007). A closing entry `audit.rechained` records the old head (`N:HASH`), how many
payloads were masked and why, so the rewrite is itself on the record.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 1000

_persons = sa.table("persons", sa.column("id", sa.String), sa.column("id_number", sa.String),
                    sa.column("name", sa.String), sa.column("id_number_index", sa.String),
                    sa.column("id_number_encrypted", sa.Text),
                    sa.column("name_encrypted", sa.Text), sa.column("data_key_id", sa.String))


def _keys():  # type: ignore[no-untyped-def]
    given = context.config.attributes.get("data_keys")
    if given is not None:
        return given.ring
    from credit_engine.config import Settings
    from credit_engine.storage.personal_data import PersonalDataKeys

    key_file = Settings.from_env().data_key_file
    return PersonalDataKeys.for_database(key_file, op.get_bind().engine.url).ring


def _encrypt_existing_rows() -> None:
    bind = op.get_bind()
    pending = sa.select(_persons.c.id, _persons.c.id_number, _persons.c.name).where(
        _persons.c.id_number_index.is_(None)).order_by(_persons.c.id).limit(CHUNK)
    rows = bind.execute(pending).all()
    if not rows:
        return
    ring = _keys()
    while rows:
        bind.execute(sa.update(_persons).where(_persons.c.id == sa.bindparam("pid")), [{
            "pid": pid,
            "id_number_index": ring.blind_index(number),
            "id_number_encrypted": ring.encrypt(number.strip().upper(),
                                                f"persons.id_number:{pid}"),
            "name_encrypted": ring.encrypt(name, f"persons.name:{pid}"),
            "data_key_id": ring.current,
        } for pid, number, name in rows])
        rows = bind.execute(pending).all()


def upgrade() -> None:
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number_index', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('id_number_encrypted', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('name_encrypted', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('data_key_id', sa.String(length=32), nullable=True))
    _encrypt_existing_rows()
    _mask_names_in_audit_log()
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_constraint('uq_persons_id_number', type_='unique')
        batch_op.drop_column('id_number')
        batch_op.drop_column('name')
        for column in ('id_number_index', 'id_number_encrypted', 'name_encrypted',
                       'data_key_id'):
            batch_op.alter_column(column, nullable=False)
        batch_op.create_unique_constraint(op.f('uq_persons_id_number_index'),
                                          ['id_number_index'])
        batch_op.create_index(op.f('ix_persons_data_key_id'), ['data_key_id'], unique=False)


def _decrypt_rows() -> None:
    bind = op.get_bind()
    pending = sa.select(_persons.c.id, _persons.c.id_number_encrypted,
                        _persons.c.name_encrypted).where(
        _persons.c.id_number.is_(None)).order_by(_persons.c.id).limit(CHUNK)
    rows = bind.execute(pending).all()
    ring = _keys() if rows else None
    while rows and ring is not None:
        bind.execute(sa.update(_persons).where(_persons.c.id == sa.bindparam("pid")), [{
            "pid": pid, "id_number": ring.decrypt(number, f"persons.id_number:{pid}"),
            "name": ring.decrypt(name, f"persons.name:{pid}"),
        } for pid, number, name in rows])
        rows = bind.execute(pending).all()


_audit = sa.table("audit_log", sa.column("id", sa.BigInteger),
                  sa.column("at", sa.DateTime(timezone=True)), sa.column("actor", sa.String),
                  sa.column("action", sa.String), sa.column("target", sa.String),
                  sa.column("payload", sa.JSON), sa.column("prev_hash", sa.String),
                  sa.column("hash", sa.String))
_PERSON_ACTIONS = ("person.created", "person.updated")


def _masked(action: str, payload: object) -> object:
    from credit_engine.domain.identifiers import mask_name

    if action in _PERSON_ACTIONS and isinstance(payload, dict) \
            and isinstance(payload.get("name"), str) and not payload["name"].endswith("**"):
        return {**payload, "name": mask_name(payload["name"])}
    return payload


def _mask_names_in_audit_log() -> None:
    from credit_engine.domain.audit_chain import GENESIS_HASH, entry_hash
    from credit_engine.storage.models import utcnow

    bind = op.get_bind()
    first = bind.scalar(sa.select(sa.func.min(_audit.c.id))
                        .where(_audit.c.action.in_(_PERSON_ACTIONS)))
    if first is None:
        return
    entries = bind.scalar(sa.select(sa.func.count()).select_from(_audit))
    old_head = bind.scalar(sa.select(_audit.c.hash).order_by(_audit.c.id.desc()).limit(1))
    prev = bind.scalar(sa.select(_audit.c.hash).where(_audit.c.id < first)
                       .order_by(_audit.c.id.desc()).limit(1)) or GENESIS_HASH
    masked, cursor = 0, first - 1
    columns = (_audit.c.id, _audit.c.at, _audit.c.actor, _audit.c.action, _audit.c.target,
               _audit.c.payload)
    while rows := bind.execute(sa.select(*columns).where(_audit.c.id > cursor)
                               .order_by(_audit.c.id).limit(CHUNK)).all():
        changes = []
        for entry_id, at, actor, action, target, payload in rows:
            new_payload = _masked(action, payload)
            masked += new_payload is not payload
            new_hash = entry_hash(prev, at, actor, action, target, new_payload)  # type: ignore[arg-type]
            changes.append({"eid": entry_id, "new_payload": new_payload, "new_prev": prev,
                            "new_hash": new_hash})
            prev = new_hash
        bind.execute(sa.update(_audit).where(_audit.c.id == sa.bindparam("eid")).values(
            payload=sa.bindparam("new_payload"), prev_hash=sa.bindparam("new_prev"),
            hash=sa.bindparam("new_hash")), changes)
        cursor = rows[-1][0]
    at = utcnow()
    payload = {"old_head": f"{entries}:{old_head}", "masked_entries": masked,
               "reason": "personal names masked in audit payloads (encryption of personal "
                         "data at rest)"}
    closing_hash = entry_hash(prev, at, "migration:0006", "audit.rechained", "audit_log", payload)
    bind.execute(sa.insert(_audit).values(
        at=at, actor="migration:0006", action="audit.rechained", target="audit_log",
        payload=payload, prev_hash=prev, hash=closing_hash))


def downgrade() -> None:
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('name', sa.String(length=100), nullable=True))
    _decrypt_rows()
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(op.f('ix_persons_data_key_id'))
        batch_op.drop_constraint(op.f('uq_persons_id_number_index'), type_='unique')
        for column in ('id_number_index', 'id_number_encrypted', 'name_encrypted',
                       'data_key_id'):
            batch_op.drop_column(column)
        batch_op.alter_column('id_number', nullable=False)
        batch_op.alter_column('name', nullable=False)
        batch_op.create_unique_constraint('uq_persons_id_number', ['id_number'])
