"""credit-engine: food-safety credit rating and joint reward/punishment rule engine."""

__version__ = "0.1.0"
