"""`kg models`: the model catalogue, one name looked up, or the reused names no table knows."""

from typing import Annotated

import typer

from extract.errors import InputRejected
from extract.model_kinds import model_kind
from kg.cli.app import FormatOption, app, emit, err, friendly, open_graph
from kg.questions import queries
from kg.settings import load_settings


@app.command()
@friendly
def models(
    name: Annotated[
        str | None, typer.Argument(help="A model name to look up, written as any paper would.")
    ] = None,
    unknown: Annotated[
        bool, typer.Option("--unknown", help="List reused names outside every table instead.")
    ] = False,
    min_papers: Annotated[
        int, typer.Option(min=1, help="With --unknown: names seen in at least this many papers.")
    ] = 2,
    kind: Annotated[
        str | None,
        typer.Option(help='List the models of this kind, e.g. "protein language model".'),
    ] = None,
    modality: Annotated[
        str | None, typer.Option(help="List the models of this modality, e.g. protein.")
    ] = None,
    format: FormatOption = "table",
) -> None:
    """The model catalogue by kind, modality and source; a NAME as the loader reads it
    (canonical name, family, modality, kind); the members of a --kind or --modality; or
    (--unknown) the reused names that no table knows, seen in several papers: candidates to
    curate in extract/aliases.py."""
    if kind is not None or modality is not None:
        members, title = _members(kind, modality)
        emit(members, format, title)
        return
    if name is not None:
        from extract.catalogue import resolve

        found = resolve(name)
        known = found.modality != "unknown"
        row = {"written": name, "model": found.name, "family": found.family,
               "modality": found.modality, "kind": model_kind(found.family, found.modality),
               "in_catalogue": known}  # fmt: skip
        title = f"{name!r} is read as {found.name}"
        if not known:
            title = f"{name!r} is in no table: it would be loaded as {found.name} (unknown)"
        emit([row], format, title)
        return
    if unknown:
        with open_graph(load_settings()) as store:
            rows = queries.run(store, "unknown_models", {"min_papers": str(min_papers)})
        module = queries.get("unknown_models")
        emit(rows, format, module.question, module.columns)
        if not rows:
            err.print(f"No reused name outside every table is seen in {min_papers} or more "
                      "papers; `--min-papers 1` lists every one.", markup=False)  # fmt: skip
        return
    counts: dict[tuple[str, str, str], int] = {}
    for entry in _catalogue():
        group = (entry["kind"], entry["modality"], entry["source"])
        counts[group] = counts.get(group, 0) + 1
    rows = [{"kind": k, "modality": m, "source": s, "models": n}
            for (k, m, s), n in sorted(counts.items())]  # fmt: skip
    emit(rows, format, f"Model catalogue: {sum(counts.values())} names (`--kind KIND` or "
         "`--modality MODALITY` lists the members)")  # fmt: skip


def _catalogue() -> list[dict[str, str]]:
    """Every model the tables know: the curated ones, then the generated catalogue."""
    from extract.aliases import MODELS
    from extract.catalogue import catalogue_rows

    rows = [
        {
            "model": m.name,
            "family": m.family,
            "modality": m.modality,
            "kind": model_kind(m.family, m.modality),
            "source": "curated",
        }
        for m in MODELS
    ]
    rows += [{"model": name, "family": family, "modality": modality,
              "kind": model_kind(family, modality), "source": source}
             for name, family, modality, source, _ in catalogue_rows()]  # fmt: skip
    return rows


def _members(kind: str | None, modality: str | None) -> tuple[list[dict[str, str]], str]:
    """The catalogue's models of a kind and/or a modality (any case), and a title; an
    unknown kind or modality is refused with the known ones."""
    every = _catalogue()
    for asked, column in ((kind, "kind"), (modality, "modality")):
        known = sorted({row[column] for row in every})
        if asked is not None and asked.casefold() not in {k.casefold() for k in known}:
            raise InputRejected(f"no model of {column} {asked!r}; {column}s: {', '.join(known)}")
    wanted = {"kind": kind, "modality": modality}
    rows = [
        row
        for row in every
        if all(
            value is None or row[column].casefold() == value.casefold()
            for column, value in wanted.items()
        )
    ]
    asked_for = " and ".join(f"{c} {v!r}" for c, v in wanted.items() if v is not None)
    return rows, f"{len(rows)} models of {asked_for}"
