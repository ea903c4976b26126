"""The `kg` command. Thin: each command builds settings, calls one function, renders the result."""

from kg.cli import (  # noqa: F401  (importing them registers their commands)
    browser,
    catalogue,
    cost,
    cypher,
    evaluate,
    explore,
    export,
    extract,
    fetch,
    llm,
    load,
    where,
)
from kg.cli.app import app

__all__ = ["app"]
