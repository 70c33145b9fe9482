"""Engine and plain-Python backends agree; order, determinism, monotonicity, revocation;
eight threads at once."""

import threading
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

from credit_engine.grading.pipeline import grade
from credit_engine.domain.model import GRADES
from grading_builders import AS_OF, enterprise_file, inspection, penalty, rec

MEASURES = ["warning", "circulated_criticism", "fine", "confiscation", "suspension", "permit_withdrawal",
            "licence_revocation", "employment_restriction"]


@st.composite
def records(draw, start_id=1):
    count = draw(st.integers(0, 8))
    out = []
    for i in range(count):
        on = date(2023, 1, 1) + timedelta(days=draw(st.integers(0, 1300)))
        kind = draw(st.sampled_from(["penalty", "inspection", "complaint", "incident", "commendation", "sampling"]))
        rid = start_id + i
        if kind == "penalty":
            ms = draw(st.lists(st.sampled_from(MEASURES), min_size=1, max_size=3, unique=True))
            extra = {"fine_amount": draw(st.integers(100, 300000))} if "fine" in ms else {}
            out.append(penalty(on, *ms, rid=rid, aggravated=draw(st.booleans()), serious=draw(st.booleans()),
                               violation_id=draw(st.sampled_from([None, "V1", "V2"])), **extra))
        elif kind == "inspection":
            out.append(inspection(on, draw(st.sampled_from(["compliant", "basically_compliant", "non_compliant"])),
                                  rid=rid, refused=draw(st.booleans())))
        elif kind == "complaint":
            out.append(rec("complaint", on, rid=rid, substantiated=draw(st.booleans())))
        elif kind == "incident":
            out.append(rec("incident", on, rid=rid, level=draw(st.sampled_from(["general", "major"]))))
        elif kind == "commendation":
            out.append(rec("commendation", on, rid=rid, level=draw(st.sampled_from(["national", "city"])), title="t"))
        else:
            out.append(rec("sampling", on, rid=rid, result="fail", level=draw(st.sampled_from(["city", "national"])),
                           hazard=draw(st.sampled_from(["microbial", "illegal_substance"])), product="p"))
    return out


FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(records())
def test_engine_and_python_backends_give_identical_results(registry, recs):
    f = enterprise_file(*recs)
    assert grade(f, AS_OF, registry, backend="engine") == grade(f, AS_OF, registry, backend="python")


@FAST
@given(records(), st.randoms())
def test_record_order_does_not_matter(registry, recs, rnd):
    shuffled = list(recs)
    rnd.shuffle(shuffled)
    assert grade(enterprise_file(*recs), AS_OF, registry) == grade(enterprise_file(*shuffled), AS_OF, registry)


@FAST
@given(records(), st.sampled_from(MEASURES[:2] + MEASURES[3:]))
def test_adding_a_deduction_never_raises_the_grade(registry, recs, measure):
    before = grade(enterprise_file(*recs), AS_OF, registry, backend="python")
    after = grade(enterprise_file(*recs, penalty(date(2026, 5, 1), measure, rid=999)), AS_OF, registry, backend="python")
    assert GRADES.index(after.grade) >= GRADES.index(before.grade)
    assert after.score <= before.score


@FAST
@given(records(), st.integers(0, 8), st.integers(0, 400))
def test_revoking_as_of_d_equals_never_having_it_from_d(registry, recs, index, offset):
    if not recs:
        return
    victim = recs[index % len(recs)]
    revoked_on = victim.occurred_on + timedelta(days=1 + offset % 200)
    later = max(revoked_on, AS_OF)
    with_revoked = [replace(r, revoked_on=revoked_on) if r is victim else r for r in recs]
    without = [r for r in recs if r is not victim]
    a = grade(enterprise_file(*with_revoked), later, registry, backend="python")
    b = grade(enterprise_file(*without), later, registry, backend="python")
    assert (a.score, a.grade, a.reasons, a.measures, a.listed_until) == (b.score, b.grade, b.reasons, b.measures, b.listed_until)


@FAST
@given(records())
def test_grading_is_deterministic(registry, recs):
    f = enterprise_file(*recs)
    assert grade(f, AS_OF, registry) == grade(f, AS_OF, registry)


@FAST
@given(records(), st.integers(0, 1300), st.floats(0, 1))
def test_nothing_changes_before_next_change_on(registry, recs, day, fraction):
    # What the nightly regrade relies on: a subject not due is not regraded. Includes the
    # year-earlier grade behind HON-PRIORITY (records reach back to 2023).
    as_of = date(2024, 1, 1) + timedelta(days=day)
    f = enterprise_file(*recs)
    result = grade(f, as_of, registry, backend="python")
    until = result.next_change_on or as_of + timedelta(days=900)
    gap = (until - as_of).days - 1        # days strictly between as_of and until
    for on in {as_of + timedelta(days=1 + int(gap * fraction)), until - timedelta(days=1)}:
        if as_of < on < until:
            assert replace(grade(f, on, registry, backend="python"), as_of=as_of) == result


def test_eight_threads_at_once_give_correct_results(registry):
    files = [enterprise_file(inspection(date(2026, 1, 1), rid=1),
                             *[penalty(date(2026, 2, 1), "warning", rid=10 + i, violation_id=f"V{i}") for i in range(n)])
             for n in range(8)]
    expected = [grade(f, AS_OF, registry, backend="python") for f in files]
    errors, mismatches = [], []

    def work(i):
        try:
            for _ in range(25):
                if grade(files[i], AS_OF, registry, backend="engine") != expected[i]:
                    mismatches.append(i)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and mismatches == []
    from credit_engine.rules import engine
    assert engine._HITS == {}
