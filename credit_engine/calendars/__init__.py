"""Official yearly holiday schedules as data (one YAML file a year) and their loading
(`schedules.py`): what the domain's working-day calendar is built from."""
