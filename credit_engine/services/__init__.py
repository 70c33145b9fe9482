"""Use cases: the only layer the API, the CLI and the jobs call."""
