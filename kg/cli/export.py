"""`kg export DIR`: tidy CSV and Parquet tables of the graph, with their data dictionary."""

from pathlib import Path
from typing import Annotated

import typer

from extract.errors import InputRejected
from kg.cli.app import app, friendly, open_graph, out
from kg.settings import load_settings


@app.command("export")
@friendly
def export_tables(
    out_dir: Annotated[Path, typer.Argument(help="Folder for the tables and their README.")],
) -> None:
    """Write the graph as tidy tables for pandas, R or a spreadsheet, as CSV and Parquet.

    papers (one row per paper), reuses (one row per paper and model, with pattern, stage and
    the evidence sentence), introductions (the models papers made, with their reusers), models
    and fields; README.md in the folder says what every column means.
    """
    from kg.questions.export import export, refuse_foreign_readme

    if out_dir.exists() and not out_dir.is_dir():
        raise InputRejected(f"{out_dir} is a file: give a folder for the tables")
    refuse_foreign_readme(out_dir)  # before the store is started
    with open_graph(load_settings()) as store:
        counts = export(store, out_dir)
    written = ", ".join(f"{n} {name}" for name, n in counts.items())
    out.print(f"Wrote {written} to {out_dir} (CSV and Parquet); README.md there says what "
              "each column means.", markup=False, highlight=False, soft_wrap=True)  # fmt: skip
