"""Load a synthetic population straight into a database (bulk inserts, bounded memory).

    python bench/scale_load.py --url sqlite:////tmp/scale.db --enterprises 100000 \
        --persons 30000 --records-per-enterprise 10 --end 2026-11-29

The population comes from `credit_engine.population.iter_population` (the generator that
bench/generate.py writes to JSONL); rows are inserted with executemany in batches, which
is what a bulk import would do, not through the HTTP API.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from datetime import date
from typing import Any

from sqlalchemy import insert
from tqdm import tqdm

from credit_engine.config import Settings
from credit_engine.population import iter_population
from credit_engine.storage.database import make_engine
from credit_engine.storage.models import EnterpriseRow, PersonRow, RecordRow, RoleRow, utcnow
from credit_engine.storage.personal_data import Keyring, PersonalDataKeys
from credit_engine.storage.migrate import upgrade_database
from credit_engine.storage.repositories.subjects import seal_person

BATCH = 5000


def person_id(id_number: str) -> str:
    """A stable opaque person id for an ID number (the bench needs no secrecy)."""
    return hashlib.sha256(id_number.encode()).hexdigest()[:24]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _record_row(record: dict[str, Any], now: Any) -> dict[str, Any]:
    subject = record["subject"]
    body = json.dumps([subject, record["kind"], record["occurred_on"], record["details"]],
                      sort_keys=True, ensure_ascii=False)
    return {"external_id": record["external_id"],
            "enterprise_uscc": subject["id"] if subject["type"] == "enterprise" else None,
            "person_id": person_id(subject["id"]) if subject["type"] == "person" else None,
            "kind": record["kind"], "occurred_on": date.fromisoformat(record["occurred_on"]),
            "details": record["details"], "content_hash": hashlib.sha256(body.encode()).hexdigest(),
            "received_at": now, "received_by": "bench"}


def _person_row(ring: Keyring, person: dict[str, Any], now: Any) -> dict[str, Any]:
    """A persons row as the repository writes it: ID number and name encrypted."""
    row = PersonRow(id=person_id(person["id_number"]))
    seal_person(ring, row, person["id_number"], person["name"])
    return {"id": row.id, "id_number_index": row.id_number_index,
            "id_number_encrypted": row.id_number_encrypted,
            "name_encrypted": row.name_encrypted, "data_key_id": row.data_key_id,
            "created_at": now, "updated_at": now}


def _rows(kind: str, items: list[dict[str, Any]], ring: Keyring) -> list[dict[str, Any]]:
    now = utcnow()
    if kind == "persons":
        return [_person_row(ring, p, now) for p in items]
    if kind == "enterprises":
        return [{**{k: e.get(k) for k in ("uscc", "name", "category", "district", "licence_no")},
                 "licensed_on": _day(e.get("licensed_on")), "created_at": now, "updated_at": now}
                for e in items]
    if kind == "roles":
        return [{"uscc": r["uscc"], "person_id": person_id(r["id_number"]), "role": r["role"],
                 "from_on": date.fromisoformat(r["from"]), "to_on": _day(r["to"]),
                 "created_at": now, "updated_at": now} for r in items]
    return [_record_row(r, now) for r in items]


TABLES = {"persons": PersonRow, "enterprises": EnterpriseRow, "roles": RoleRow,
          "records": RecordRow}


def load(url: str, seed: int, enterprises: int, persons: int, records_per_enterprise: float,
         end: date) -> dict[str, int]:
    """Migrate `url` and insert the population; returns the row counts."""
    upgrade_database(url)
    engine = make_engine(url)
    # The same key the service uses: CREDIT_ENGINE_DATA_KEY_FILE, or beside the SQLite file.
    ring = PersonalDataKeys.for_database(Settings.from_env().data_key_file, url).ring
    counts = dict.fromkeys(TABLES, 0)
    chunks = iter_population(seed, enterprises, persons,
                             records_per_enterprise=records_per_enterprise, end=end)
    try:
        with tqdm(total=enterprises + persons, unit="subject", file=sys.stderr) as bar:
            for chunk in chunks:
                with engine.begin() as connection:
                    for kind, model in TABLES.items():
                        rows = _rows(kind, getattr(chunk, kind), ring)
                        for start in range(0, len(rows), BATCH):
                            connection.execute(insert(model), rows[start:start + BATCH])
                        counts[kind] += len(rows)
                bar.update(len(chunk.persons) + len(chunk.enterprises))
    finally:
        engine.dispose()
    return counts


def main(argv: list[str] | None = None) -> int:
    """Load and print one summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--enterprises", type=int, required=True)
    parser.add_argument("--persons", type=int, required=True)
    parser.add_argument("--records-per-enterprise", type=float, default=10.0)
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 11, 29))
    args = parser.parse_args(argv)
    began = time.perf_counter()
    counts = load(args.url, args.seed, args.enterprises, args.persons,
                  args.records_per_enterprise, args.end)
    print(json.dumps({"event": "load", **counts,
                      "seconds": round(time.perf_counter() - began, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
