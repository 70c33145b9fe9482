"""Versioned ruleset files (data only): one YAML file per published version."""

from pathlib import Path

RULESETS_DIR = Path(__file__).resolve().parent
