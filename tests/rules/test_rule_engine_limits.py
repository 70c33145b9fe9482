"""What the engine module absorbs of durable-rules: large files, silent drops, the host's
own background thread."""

import threading
from datetime import date, timedelta

import pytest
from durable.lang import get_host

from credit_engine.grading.pipeline import grade
from credit_engine.errors import EngineError
from credit_engine.rules import engine
from grading_builders import AS_OF, enterprise_file, inspection

RULE = {"R": {"$and": [{"kind": "x"}, {"$gte": {"n": 5}}]}}


def _facts(count):
    return [{"kind": "x", "rid": i, "n": i % 10} for i in range(1, count + 1)]


def test_more_facts_than_one_batch_takes_give_every_hit():
    name = engine.register("test-large-batch", RULE)
    hits = engine.evaluate(name, _facts(5 * engine.MAX_BATCH + 7))
    assert hits == [("R", i) for i in range(1, 5 * engine.MAX_BATCH + 8) if i % 10 >= 5]


def test_facts_the_engine_leaves_unprocessed_raise_instead_of_a_partial_result(monkeypatch):
    # durable-rules can log an internal error and return normally with part of a batch
    # unprocessed; simulated here by a catch-all that misses fact 3.
    real = engine._catch_all

    def misses_three(c):
        if int(c.m.rid) != 3:
            real(c)
    monkeypatch.setattr(engine, "_catch_all", misses_three)
    name = engine.register("test-dropping-engine", RULE)
    with pytest.raises(EngineError, match="did not process 1 of 10 facts"):
        engine.evaluate(name, _facts(10))
    assert engine._HITS == {} and engine._SEEN == {}


def test_an_evaluation_left_incomplete_once_is_retried_and_logged(monkeypatch, caplog):
    real, dropped = engine._catch_all, []

    def misses_three_once(c):
        if int(c.m.rid) == 3 and not dropped:
            dropped.append(3)
            return
        real(c)
    monkeypatch.setattr(engine, "_catch_all", misses_three_once)
    name = engine.register("test-flaky-engine", RULE)
    assert engine.evaluate(name, _facts(10)) == [("R", i) for i in (5, 6, 7, 8, 9)]
    assert dropped == [3]
    assert "did not process 1 of 10 facts" in caplog.text


def test_the_hosts_background_dispatch_waits_for_a_running_evaluation():
    name = engine.register("test-large-batch", RULE)
    ruleset = get_host().get_ruleset(name)
    dispatched = threading.Event()
    worker = threading.Thread(target=lambda: (ruleset.dispatch(), dispatched.set()))
    with engine._LOCK:                      # an evaluation in progress holds the lock
        worker.start()
        assert not dispatched.wait(0.3)     # the background call cannot run meanwhile
    assert dispatched.wait(5)
    worker.join()


def test_an_enterprise_with_thousands_of_records_grades_like_the_python_backend(registry):
    failing = [inspection(AS_OF - timedelta(days=1 + i % 700), "basically_compliant")
               for i in range(1500)]
    f = enterprise_file(*failing, inspection(date(2026, 1, 10)))
    by_engine = grade(f, AS_OF, registry, backend="engine")
    assert by_engine == grade(f, AS_OF, registry, backend="python")
    assert by_engine.grade == "D"
