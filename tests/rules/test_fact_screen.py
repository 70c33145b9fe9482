"""The fact screen keeps out of the rule engine only facts no rule can match."""

from datetime import date

from hypothesis import given, settings, strategies as st

from credit_engine.grading.pipeline import rule_facts
from credit_engine.rules.conditions import FACT_FIELDS, FactScreen, evaluate
from credit_engine.rules.evaluation import evaluate_facts, evaluate_python
from grading_builders import AS_OF, enterprise_file, inspection, penalty, rec


def _value(expected):
    if isinstance(expected, tuple):
        return st.sampled_from(expected)
    if expected is bool:
        return st.booleans()
    if expected is int:
        return st.integers(-2, 40)
    if expected is float:
        return st.floats(0, 300000, allow_nan=False)
    return st.sampled_from(["V1", "V2", "record:7"])


@st.composite
def facts(draw, counters):
    kind = draw(st.sampled_from(sorted(FACT_FIELDS)))
    catalogue = dict(FACT_FIELDS[kind], **({name: int for name in counters} if kind == "subject" else {}))
    fields = draw(st.lists(st.sampled_from(sorted(catalogue)), unique=True))  # some may be missing
    return {"rid": 1, "kind": kind, **{f: draw(_value(catalogue[f])) for f in fields}}


def test_no_fact_any_rule_matches_is_screened_out(registry):
    for ruleset in registry.rulesets:
        counters = [c.name for c in ruleset.counters]

        @settings(max_examples=2000, deadline=None)
        @given(facts(counters))
        def check(fact):
            if any(evaluate(rule.condition, fact) for rule in ruleset.rules):
                assert ruleset.screen.admits(fact)

        check()


def test_facts_no_rule_can_match_are_screened_out(registry):
    screen = registry.rulesets[-1].screen
    compliant = {"rid": 1, "kind": "inspection", "in_window": True, "refused": False,
                 "result": "compliant", "age_months": 3}
    out_of_window = dict(compliant, result="non_compliant", in_window=False, age_months=30)
    assert not screen.admits(compliant)
    assert not screen.admits(out_of_window)
    assert screen.admits(dict(out_of_window, in_window=True, age_months=3))
    assert not screen.admits({"rid": 1, "kind": "no-such-kind"})


def test_the_screen_needs_every_required_equality_of_one_rule():
    screen = FactScreen([
        {"$and": [{"kind": "sampling"}, {"result": "fail"}, {"$or": [{"level": "city"}, {"level": "county"}]}]},
        {"$and": [{"kind": "sampling"}, {"$neq": {"hazard": "other"}}]},
    ])
    assert screen.admits({"kind": "sampling", "result": "pass", "hazard": "microbial"})  # second rule
    only_first = FactScreen([
        {"$and": [{"kind": "sampling"}, {"result": "fail"}, {"$or": [{"level": "city"}, {"level": "county"}]}]}])
    assert only_first.admits({"kind": "sampling", "result": "fail", "level": "national"})  # the engine decides
    assert not only_first.admits({"kind": "sampling", "result": "pass", "level": "city"})
    assert not only_first.admits({"kind": "sampling", "level": "city"})  # a missing field fails equality


def test_screened_evaluation_gives_the_hits_of_evaluating_every_fact(registry):
    f = enterprise_file(inspection(date(2026, 1, 10)), inspection(date(2023, 1, 10), "non_compliant"),
                        penalty(date(2026, 3, 1), "fine", fine_amount=20000), penalty(date(2020, 3, 1), "warning"),
                        rec("complaint", date(2026, 2, 1), substantiated=False))
    ruleset = registry.for_date(AS_OF)
    facts = rule_facts(f, AS_OF, ruleset)
    assert len([x for x in facts if ruleset.screen.admits(x)]) < len(facts)
    everything = evaluate_python(ruleset, facts)
    assert evaluate_facts(ruleset, facts, "python") == everything
    assert evaluate_facts(ruleset, facts, "engine") == everything
