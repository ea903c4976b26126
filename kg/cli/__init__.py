"""The `kg` command. Thin: each command builds settings, calls one function, renders the result."""

from kg.cli import catalogue, corpus, explore, export, where  # noqa: F401  (importing them registers their commands)
from kg.cli.app import app

__all__ = ["app"]
