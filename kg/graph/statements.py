"""Cypher the code runs that is not a query module (look-ups, the export tables, the
Browser's first query). It lives in queries/ beside the modules, in sub-folders that
`kg query` does not list, so that only the schema and queries/ spell labels and types."""

from functools import cache
from importlib import resources


@cache
def statement(name: str) -> str:
    """The statement in queries/<name>.cypher, e.g. `lookup/models`."""
    return resources.files("queries").joinpath(*f"{name}.cypher".split("/")).read_text("utf-8")
