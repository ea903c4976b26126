"""Query parameters that name a model or a field, resolved against the graph before a query
runs: a model or family by any name its Model nodes answer to (as the Cypher reads it), else
as the loader resolves names (sizes); a field by id or by name. A name the graph does not
hold is one line with the nearest names it does hold, never an empty answer.
"""

import re
from difflib import SequenceMatcher
from typing import Any

from extract.aliases import key
from extract.catalogue import resolve as resolve_model
from extract.errors import InputRejected
from extract.model_kinds import KINDS
from extract.taxonomy import Pattern, Stage
from kg.graph.statements import statement
from kg.graph.stores.base import GraphStore, Row


def _closeness(wanted: str, name: str) -> float:
    """How near `wanted` is to a name, or to the nearest of its words (a field is often
    written by one: "Biochemstry" for Biochemistry, Genetics and Molecular Biology)."""
    words = [key(w) for w in re.split(r"[\s,]+", name) if len(w) > 3]
    return max(SequenceMatcher(None, wanted, k).ratio() for k in (key(name), *words))


def _suggest(wanted: str, known: dict[str, str]) -> str:
    """' did you mean A, B?' from the names nearest `wanted`."""
    scored = sorted(((_closeness(key(wanted), name), k) for k, name in known.items()),
                    key=lambda pair: -pair[0])  # fmt: skip
    best = scored[0][0] if scored else 0.0
    near = [k for score, k in scored[:3] if score >= max(0.6, best - 0.15)]
    if not near:
        near = [k for k in known if key(wanted) and (key(wanted) in k or k in key(wanted))][:3]
    return f"; did you mean {', '.join(known[k] for k in near)}?" if near else ""


def model_name(store: GraphStore, written: str) -> str:
    """What `$model` (or `$family`) should be for `written`. The modules match a model by any
    of its names, in the Cypher (`toLower($model) IN m.aliases`: its name, its family's
    name, the catalogue's aliases), so that Neo4j Browser and the CLI answer a name alike;
    the CLI passes the graph's own spelling of the same models (one model: its name; a
    family: the family's name), which a user's own Cypher (`m.name = $model`) reads too. A
    name no Model answers to is read as the loader reads it ("ESM-2 650M": ESM-2), else it
    is one line with the nearest names the graph holds."""
    return _model_in(_models(store), written)


def _models(store: GraphStore) -> list[Row]:
    """Every Model's name, family and aliases (lookup/models), asked once per name."""
    return store.run(statement("lookup/models"), {})


def _model_in(rows: list[Row], written: str) -> str:
    if rows and all(r["aliases"] is None for r in rows):
        raise InputRejected(
            "this graph's models have no aliases (it was built by an older ptm-kg): "
            "rebuild it with `kg load` (or `kg demo`), then ask again"
        )
    families = {key(r["family"]): r["family"] for r in rows if r["family"]}
    for candidate in (written, resolve_model(written).name):
        if candidate != written and key(written) in families:  # "Alpha Fold": the family
            return str(families[key(written)])
        answering = [r for r in rows if candidate.lower() in (r["aliases"] or ())]
        if len({r["name"] for r in answering}) == 1:
            return str(answering[0]["name"])
        family = {r["family"] for r in answering if key(r["family"] or "") == key(candidate)}
        if len(family) == 1:
            return str(family.pop())
        if answering:
            return candidate
    names = {key(r["name"]): r["name"] for r in rows}
    hint = _suggest(written, names | families) or "; `kg query top_ptms` lists the models"
    raise InputRejected(f"no such model or family in the graph: {written!r}{hint}")


def family_name(store: GraphStore, written: str) -> str:
    """What `$family` should be for `written`: the family the graph spells so (by letters and
    digits), else the family of the one model `written` names (esm2: ESM), as the modules'
    Cypher reads it, so that a user's `m.family = $family` reads it too."""
    rows = _models(store)
    families = {key(r["family"]): r["family"] for r in rows if r["family"]}
    if key(written) in families:
        return str(families[key(written)])
    named = _model_in(rows, written)
    family = {r["family"] for r in rows if r["name"] == named and r["family"]}
    return str(family.pop()) if len(family) == 1 else named


def field_value(store: GraphStore, written: object) -> str:
    """The name of the Field (by id or name, any case) in the graph that `written` means."""
    rows = store.run(statement("lookup/fields"), {})
    by_id = {str(r["id"]): r["name"] for r in rows}
    by_name = {key(r["name"]): r["name"] for r in rows}
    text = str(written).strip()
    if text in by_id:
        return str(by_id[text])
    if key(text) in by_name:
        return str(by_name[key(text)])
    hint = _suggest(text, by_name) or "; `kg query ptm_reuse_by_field` lists the fields"
    raise InputRejected(f"no such field in the graph: {text!r} (give an id or a name){hint}")


def paper_id(store: GraphStore, written: str) -> str:
    """The Paper id in the graph that `written` (an id, or a DOI in any form) means."""
    text = written.strip()
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", text, flags=re.IGNORECASE).lower()
    rows = store.run(
        statement("lookup/paper"),
        {"id": text, "doi": doi},
    )
    if not rows:
        raise InputRejected(f"no such paper in the graph: {text!r} (give its id or its DOI; "
                            "`kg export DIR` lists every paper)")  # fmt: skip
    return str(rows[0]["id"])


def _one_of(kind: str, written: str, known: list[str]) -> str:
    """`written` as one of `known`, in any case."""
    for value in known:
        if value.casefold() == written.strip().casefold():
            return value
    raise InputRejected(f"no such {kind}: {written!r}; use one of {', '.join(known)}")


PATTERNS = [p.value for p in Pattern] + ["undetermined"]
STAGES = [s.value for s in Stage] + ["undetermined"]


def resolve_names(store: GraphStore, values: dict[str, Any]) -> dict[str, Any]:
    """`values` with a given `model`, `field`, `paper`, `pattern` and `stage` replaced by
    what the graph calls them."""
    resolved = dict(values)
    if resolved.get("pattern") is not None:
        resolved["pattern"] = _one_of("pattern", str(resolved["pattern"]), PATTERNS)
    if resolved.get("stage") is not None:
        resolved["stage"] = _one_of("stage", str(resolved["stage"]), STAGES)
    if resolved.get("paper") is not None:
        resolved["paper"] = paper_id(store, str(resolved["paper"]))
    if resolved.get("model") is not None:
        resolved["model"] = model_name(store, str(resolved["model"]))
    if resolved.get("kind") is not None:
        resolved["kind"] = _one_of("kind", str(resolved["kind"]), [*KINDS, "unknown"])
    if resolved.get("family") is not None:
        resolved["family"] = family_name(store, str(resolved["family"]))
    if resolved.get("field") is not None:
        resolved["field"] = field_value(store, resolved["field"])
    return resolved
