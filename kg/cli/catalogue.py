"""`kg models`: the model catalogue, one name looked up, or the reused names no table knows."""

from typing import Annotated

import typer

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
    format: FormatOption = "table",
) -> None:
    """The model catalogue by modality and source; a NAME as the loader reads it (canonical
    name, family, modality); or (--unknown) the reused names that no table knows, seen in
    several papers: candidates to curate in extract/aliases.py."""
    if name is not None:
        from extract.catalogue import resolve

        found = resolve(name)
        known = found.modality != "unknown"
        row = {"written": name, "model": found.name, "family": found.family,
               "modality": found.modality, "in_catalogue": known}  # fmt: skip
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
    from extract.aliases import MODELS
    from extract.catalogue import catalogue_rows

    counts: dict[tuple[str, str], int] = {}
    for info in MODELS:
        counts[(info.modality, "curated")] = counts.get((info.modality, "curated"), 0) + 1
    for _, _, modality, source, _ in catalogue_rows():
        counts[(modality, source)] = counts.get((modality, source), 0) + 1
    rows = [{"modality": m, "source": s, "models": n} for (m, s), n in sorted(counts.items())]
    emit(rows, format, f"Model catalogue: {sum(counts.values())} names")
