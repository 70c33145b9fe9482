"""Storage repositories: every query the services need, one module per aggregate.

Each function takes the use case's Session. Reads hand back domain objects or small read
models (frozen dataclasses), never ORM rows, so nothing above the services sees SQLAlchemy.
Writes that a use case makes to a loaded aggregate go through the functions here too.
"""
