"""Official yearly holiday schedules, one YAML file a year (data only; see working_days.py)."""
