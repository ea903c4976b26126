"""The query modules: `queries/*.cypher`, one question per file, indexed from their headers.

A header is the file's leading `//` comment block:

    // Which natural-science fields reuse pre-trained models the most?      <- the question
    //
    // Parameters:
    //   $max_rank = 0     what it means                                      <- name, JSON default
    // Columns: field_id, field, papers                                       <- result columns

The files are the single source of truth: the index below is read from them, so adding a
question is adding a file.
"""

import json
import math
import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import cache
from importlib import resources
from typing import Any

from extract.errors import InputRejected
from kg.graph.stores.base import GraphStore, Row
from kg.questions.resolve import resolve_names

_PARAM = re.compile(r"^\$(\w+)\s*=\s*(\S+)\s*(.*)$")


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any
    help: str


@dataclass(frozen=True)
class QueryModule:
    name: str
    question: str
    columns: tuple[str, ...]
    cypher: str
    parameters: dict[str, Parameter] = field(default_factory=dict)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters.values()}


def parse_module(name: str, text: str) -> QueryModule:
    header = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        header.append(line[2:].strip())
    if not header or not header[0]:
        raise InputRejected(f"query {name}: the first line must be a // comment with its question")
    parameters: dict[str, Parameter] = {}
    columns: tuple[str, ...] = ()
    for line in header[1:]:
        if m := _PARAM.match(line):
            default = json.loads(m.group(2))
            parameters[m.group(1)] = Parameter(m.group(1), default, m.group(3))
        elif line.startswith("Columns:"):
            columns = tuple(c.split()[0] for c in line.removeprefix("Columns:").split(","))
    return QueryModule(name, header[0], columns, text, parameters)


@cache
def modules() -> dict[str, QueryModule]:
    """Every query module shipped in the `queries` package, by name (file stem)."""
    found = {}
    for entry in sorted(resources.files("queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            found[name] = parse_module(name, entry.read_text(encoding="utf-8"))
    return found


def get(name: str) -> QueryModule:
    try:
        return modules()[name]
    except KeyError:
        near = get_close_matches(name, list(modules()), n=3, cutoff=0.6)
        guess = f"did you mean {', '.join(near)}? " if near else ""
        known = ", ".join(modules())
        raise InputRejected(f"no query named {name!r}; {guess}known queries: {known}") from None


_INT64 = (-(2**63), 2**63 - 1)
# A whole-number parameter with a default of 0 or more (a limit, a year, a rank, a count) is
# taken from its least to 2^31-1: FalkorDB reads a LIMIT modulo 2^32, Neo4j does not.
INT_MAX = 2**31 - 1
_KINDS = "a string, a number, true, false, null or a list of those"


def _scalar(value: Any) -> bool:
    """A value a query parameter may hold: data only, never a map (whose keys a store
    would have to write into the query text)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return _INT64[0] <= value <= _INT64[1]
    return isinstance(value, float) and math.isfinite(value)


def _checked(name: str, raw: str, value: Any) -> Any:
    if _scalar(value) or (isinstance(value, list) and all(map(_scalar, value))):
        return value
    raise InputRejected(f"--param {name}={raw}: expected {_KINDS} (no maps, whole numbers "
                        "within 64 bits, finite numbers)")  # fmt: skip


def _coerce(parameter: Parameter, raw: str) -> Any:
    """A --param value in the type of the parameter's default (JSON for anything else).
    Parameters are data: the value is checked here and passed to the store as a parameter."""
    default = parameter.default
    try:
        if isinstance(default, bool):
            if raw.lower() not in {"true", "false"}:
                raise ValueError(raw)
            return raw.lower() == "true"
        if isinstance(default, int):
            value = _checked(parameter.name, raw, int(raw))
            least = 1 if parameter.name in {"limit", "per_field"} else 0
            if default >= 0 and value < least:
                raise InputRejected(f"--param {parameter.name}={raw}: must be {least} or more")
            if default >= 0 and value > INT_MAX:
                raise InputRejected(f"--param {parameter.name}={raw}: must be at most {INT_MAX}")
            return value
        if isinstance(default, list):
            try:
                return _list_like(parameter, raw, json.loads(raw))
            except RecursionError:
                raise ValueError(raw) from None
        if isinstance(default, float):
            return _checked(parameter.name, raw, float(raw))
        if isinstance(default, str):
            return raw
        try:  # no type to go by (a null default): JSON if it parses, else the text itself
            parsed = json.loads(raw)
        except (json.JSONDecodeError, RecursionError):
            return raw
        return _checked(parameter.name, raw, parsed)
    except ValueError:
        kind = {bool: "true or false", int: "a whole number", float: "a number",
                list: "a JSON list"}.get(type(default), "a value")  # fmt: skip
        raise InputRejected(f"--param {parameter.name}={raw}: expected {kind}") from None


def _list_like(parameter: Parameter, raw: str, value: Any) -> list[Any] | None:
    """A list whose elements are of the kind of the default's (whole numbers from 0 to
    INT_MAX for a list of field ids), so that a store never compares ids with strings; or
    null, which the modules read as "no such restriction"."""
    if value is None:
        return None
    numbers = all(isinstance(x, int) and not isinstance(x, bool) for x in parameter.default)
    if not isinstance(value, list):
        raise InputRejected(f"--param {parameter.name}={raw}: expected a JSON list, e.g. "
                            f"{json.dumps(parameter.default)}")  # fmt: skip
    for element in value:
        whole = isinstance(element, int) and not isinstance(element, bool)
        if numbers and not (whole and 0 <= element <= INT_MAX):
            raise InputRejected(f"--param {parameter.name}={raw}: expected a list of whole "
                                f"numbers from 0 to {INT_MAX}, e.g. "
                                f"{json.dumps(parameter.default)}")  # fmt: skip
    return list(_checked(parameter.name, raw, value))


def parameters_for(module: QueryModule, overrides: dict[str, str]) -> dict[str, Any]:
    """The module's defaults with `overrides` (raw strings from the command line) applied."""
    values = module.defaults()
    for key, raw in overrides.items():
        if key not in module.parameters:
            known = ", ".join(module.parameters) or "none"
            raise InputRejected(f"query {module.name} has no parameter {key!r} (it takes: {known})")
        values[key] = _coerce(module.parameters[key], raw)
    return values


def run(store: GraphStore, name: str, overrides: dict[str, str] | None = None) -> list[Row]:
    """The module's answer; a model or field parameter is first resolved against the graph
    (kg/questions/resolve.py), so a name the graph does not hold is an error, not an empty table."""
    module = get(name)
    values = resolve_names(store, parameters_for(module, overrides or {}))
    return store.run(module.cypher, values)


def adhoc(text: str, name: str) -> QueryModule:
    """Cypher a user brings (a file or a string). A header like a module's, when it has one,
    gives the question, the parameters' defaults and the columns."""
    try:
        return parse_module(name, text)
    except InputRejected:  # no header: any parameter, no defaults
        return QueryModule(name, "", (), text)


def run_adhoc(store: GraphStore, module: QueryModule, overrides: dict[str, str]) -> list[Row]:
    """Run a user's Cypher read-only (the store refuses a write), its parameters read as a
    module's are (typed by their default, else JSON or text) and names resolved alike."""
    values = module.defaults()
    for key, raw in overrides.items():
        values[key] = _coerce(module.parameters.get(key, Parameter(key, None, "")), raw)
    return store.run(module.cypher, resolve_names(store, values), read_only=True)


CAP = 100_000  # rows read to count what a limited module left out


@dataclass(frozen=True)
class Answer:
    rows: list[Row]
    total: int | None  # rows without the limit (at most CAP); None: the module has no limit
    limit: int | None


def run_counted(store: GraphStore, name: str, overrides: dict[str, str] | None = None) -> Answer:
    """Like `run`, and for a module that ends in LIMIT $limit, how many rows there are in
    all, so a reader is told when a table is cut."""
    module = get(name)
    if "LIMIT $limit" not in module.cypher:
        return Answer(run(store, name, overrides), None, None)
    limit = int(parameters_for(module, overrides or {})["limit"])
    every = run(store, name, {**(overrides or {}), "limit": str(max(CAP, limit))})
    return Answer(every[:limit], len(every), limit)
