"""Plain dataclasses and pure functions: subjects, records, grades, measures."""
