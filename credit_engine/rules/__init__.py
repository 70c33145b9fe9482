"""Ruleset files: structure, loader, compiler; `rules/engine.py` is the only durable_rules user."""

from credit_engine.rules.compiled import CompiledRule, CompiledRuleset
from credit_engine.rules.loader import NoRulesetInForce, RulesetRegistry, load_ruleset_file

__all__ = ["CompiledRule", "CompiledRuleset", "NoRulesetInForce", "RulesetRegistry", "load_ruleset_file"]
