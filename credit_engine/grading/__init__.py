"""Grading: a credit file and a compiled ruleset in, a CreditResult out.

Above both the domain (plain data, pure functions, the record-kind registry) and the
rules package (ruleset files, conditions, the rule engine): it is the one place that
needs both, so neither of them depends on the other's direction (docs/contributing.md).
"""
