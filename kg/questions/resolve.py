"""Query parameters that name a model or a field, resolved against the graph before a query
runs: a model as the loader resolves names (case, hyphens, spaces, sizes; a family stands
for its members), a field by id or by name. A name the graph does not hold is one line with
the nearest names it does hold, never an empty answer.
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
from kg.graph.stores.base import GraphStore


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
    """The Model name or family in the graph that `written` means. A family's own name means
    the family first (AlphaFold: every AlphaFold model, not the AlphaFold2 the loader reads
    it as), as the modules' Cypher reads it (`m.name = $model OR m.family = $model`), so the
    CLI and Neo4j Browser answer a family or a canonical name with the same rows."""
    rows = store.run(statement("lookup/models"), {})
    names = {key(r["name"]): r["name"] for r in rows}
    families = {key(r["family"]): r["family"] for r in rows if r["family"]}
    if key(written) in families:
        return str(families[key(written)])
    canonical = resolve_model(written)
    for candidate in (written, canonical.name):
        if key(candidate) in names:
            return str(names[key(candidate)])
    hint = _suggest(written, names | families) or "; `kg query top_ptms` lists the models"
    raise InputRejected(f"no such model or family in the graph: {written!r}{hint}")


def family_name(store: GraphStore, written: str) -> str:
    """The family in the graph that `written` means: a family by its name, else the family
    of the model it names (AlphaFold2: AlphaFold)."""
    rows = store.run(statement("lookup/models"), {})
    families = {key(r["family"]): r["family"] for r in rows if r["family"]}
    if key(written) in families:
        return str(families[key(written)])
    model = model_name(store, written)
    return str(next(r["family"] for r in rows if r["name"] == model))


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
