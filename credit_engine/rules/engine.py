"""The only module that imports durable_rules: registration and evaluation of compiled
rulesets, behind one process-wide lock (the engine has no locking of its own)."""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import logging
import threading
from typing import Any, Callable, Iterable, Mapping

from durable.lang import get_host

from credit_engine.errors import EngineError

log = logging.getLogger(__name__)

CATCH_ALL = "_CATCH_ALL"
_LOCK = threading.RLock()
_REGISTERED: dict[str, str] = {}          # engine name -> definition digest
_HITS: dict[str, list[tuple[str, int]]] = {}   # sid -> hits of the running evaluation
_SEEN: dict[str, set[int]] = {}                # sid -> rids the catch-all saw
_SIDS = itertools.count(1)

Hit = tuple[str, int]


def _action(rule_id: str) -> Callable[[Any], None]:
    """An action that records which rule fired on which fact (by `rid`)."""
    def action(c: Any) -> None:
        _HITS[c.m.sid].append((rule_id, int(c.m.rid)))
    return action


def _catch_all(c: Any) -> None:
    """Every fact matches this rule, so the engine never raises MessageNotHandled; it
    also counts the facts the engine really processed (see `_check_complete`)."""
    _SEEN[c.m.sid].add(int(c.m.rid))


def _guard_background_dispatch(ruleset: Any) -> None:
    """The host's own timer thread calls `dispatch` and `dispatch_timers` of every
    ruleset every 0.2 s, outside any lock: mid-evaluation it can take one of our pending
    actions, and the evaluating thread then fails with `error code 307` and returns with
    facts unprocessed. Both calls now wait for the engine lock like everything else."""
    for method in ("dispatch", "dispatch_timers"):
        unguarded = getattr(ruleset, method)

        def guarded(unguarded: Callable[[], Any] = unguarded) -> Any:
            with _LOCK:
                return unguarded()
        setattr(ruleset, method, guarded)


def register(base_name: str, conditions: Mapping[str, Mapping[str, Any]]) -> str:
    """Register `{rule_id: condition}` once per process; returns the engine's ruleset name."""
    digest = hashlib.sha256(json.dumps(conditions, sort_keys=True).encode()).hexdigest()
    with _LOCK:
        name = base_name
        if _REGISTERED.get(name, digest) != digest:
            name = f"{base_name}#{digest[:12]}"    # same id@version, different content (tests)
        if _REGISTERED.get(name) == digest:
            return name
        definition: dict[str, Any] = {
            rule_id: {"all": [{"m": copy.deepcopy(dict(cond))}], "run": _action(rule_id)}
            for rule_id, cond in conditions.items()
        }
        definition[CATCH_ALL] = {"all": [{"m": {"$ex": {"kind": 1}}}], "run": _catch_all}
        host = get_host()
        try:
            host.register_rulesets({name: definition})
        except Exception as exc:  # the engine reports bare numeric codes
            raise EngineError(f"the rule engine rejected ruleset {name}: {exc}") from exc
        _guard_background_dispatch(host.get_ruleset(name))
        _REGISTERED[name] = digest
        return name


class IncompleteEvaluation(EngineError):
    """The engine returned without processing every asserted fact."""


def _check_complete(name: str, batch: list[dict[str, Any]], seen: set[int]) -> None:
    """Every asserted fact must have reached the catch-all rule. The engine can log an
    internal error (code 307) and return normally with part of the batch unprocessed;
    an incomplete evaluation must never become a grade."""
    missing = {int(fact["rid"]) for fact in batch} - seen
    if missing:
        raise IncompleteEvaluation(
            f"the rule engine did not process {len(missing)} of {len(batch)} facts in {name} "
            f"(first rid {min(missing)}); nothing was graded")


MAX_BATCH = 500
"""Facts asserted into one state: bounds a state's memory and how long one call holds
the engine lock, whatever the size of a credit file."""


def evaluate(name: str, facts: Iterable[Mapping[str, Any]]) -> list[Hit]:
    """Evaluate the facts; return sorted, distinct (rule id, fact rid) hits.

    Every rule matches one fact (the compiler never joins facts), so facts can be
    asserted in slices of MAX_BATCH, each into a fresh state, with the same hits.
    """
    facts = list(facts)
    if len(facts) <= MAX_BATCH:
        return _evaluate_slice(name, facts)
    hits: set[Hit] = set()
    for start in range(0, len(facts), MAX_BATCH):
        hits.update(_evaluate_slice(name, facts[start:start + MAX_BATCH]))
    return sorted(hits)


def _evaluate_slice(name: str, facts: list[Mapping[str, Any]]) -> list[Hit]:
    """One batch; an incomplete evaluation is tried once more in a fresh state (logged),
    and raised if that is incomplete too."""
    try:
        return _evaluate_batch(name, facts)
    except IncompleteEvaluation as first:
        log.warning("%s; evaluating the batch again in a fresh state", first)
        return _evaluate_batch(name, facts)


def _evaluate_batch(name: str, facts: list[Mapping[str, Any]]) -> list[Hit]:
    """Assert the facts in one batch into a fresh state; return (rule id, fact rid) hits."""
    with _LOCK:
        if name not in _REGISTERED:
            raise EngineError(f"ruleset {name} is not registered with the rule engine")
        host = get_host()
        sid = f"eval-{next(_SIDS)}"
        batch = [dict(fact, sid=sid) for fact in facts]
        _HITS[sid], _SEEN[sid] = [], set()
        try:
            if batch:
                state = host.assert_facts(name, batch)
                if isinstance(state, dict) and state.get("exception"):
                    raise EngineError(f"a rule action failed in {name}: {state['exception']}")
                state = host.get_state(name, sid)
                if state.get("exception"):
                    raise EngineError(f"a rule action failed in {name}: {state['exception']}")
                _check_complete(name, batch, _SEEN[sid])
            return sorted(set(_HITS[sid]))
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"rule engine failure in {name}: {type(exc).__name__}: {exc}") from exc
        finally:
            _HITS.pop(sid, None)
            _SEEN.pop(sid, None)
            if batch:
                try:
                    host.delete_state(name, sid)
                except Exception:  # nothing stored under the sid: nothing to leak
                    pass
