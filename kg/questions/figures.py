"""The report's figures, drawn for a paper: no title inside the image (the caption, written
once in `FIGURES`, carries it), counts on the bars, every y-axis from 0, one panel per field
where lines would hide each other, and the model-field flows as a matrix of counts.

Each figure is a plain function from query rows to a matplotlib Figure; `save` writes it as
PNG, SVG or PDF at the asked resolution.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from math import ceil
from pathlib import Path
from textwrap import fill
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from kg.graph.stores.base import Row
from kg.questions.output import write_whole

ImageFormat = Literal["png", "svg", "pdf"]
PATTERN_COLOURS = {"adaptation": "#1b9e77", "deployment": "#7570b3", "conceptual": "#d95f02"}
Draw = Callable[[list[Row]], Figure]


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure that belongs to no window or global state (no pyplot)."""
    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


def save(figure: Figure, path: Path, dpi: int) -> Path:
    """Write the figure whole or not at all (see kg/questions/output.py)."""
    figure.tight_layout()
    metadata = {"Title": None} if path.suffix == ".pdf" else None
    return write_whole(path, lambda partial: figure.savefig(partial, dpi=dpi, metadata=metadata))


def _largest(rows: list[Row], key: str, weight: str, n: int) -> list[str]:
    """The n values of `key` with the largest summed `weight`, ties by name."""
    totals: Counter[str] = Counter()
    for row in rows:
        totals[row[key]] += row[weight]
    return sorted(totals, key=lambda k: (-totals[k], k))[:n]


def share_by_field(rows: list[Row]) -> Figure:
    figure, axes = _figure(8, 0.45 * len(rows) + 1.0)
    ordered = sorted(rows, key=lambda r: r["ptm_share"])
    axes.barh([r["field"] for r in ordered], [r["ptm_share"] for r in ordered], color="#1b9e77")
    for i, row in enumerate(ordered):
        axes.text(row["ptm_share"], i, f" {row['ptm_papers']}/{row['papers']}", va="center")
    axes.set_xlabel("share of papers reusing PTMs")
    axes.set_xlim(0, 1.15)
    return figure


def patterns_by_field(rows: list[Row]) -> Figure:
    rows = [r for r in rows if r["pattern"] is not None]  # a field with none evidenced: no bar
    fields = list(dict.fromkeys(r["field"] for r in rows))
    figure, axes = _figure(8, 0.45 * len(fields) + 1.3)
    left = [0.0] * len(fields)
    for pattern, colour in PATTERN_COLOURS.items():
        found = [next((r for r in rows if r["field"] == f and r["pattern"] == pattern), None)
                 for f in fields]  # fmt: skip
        shares = [r["reuse_share"] if r else 0.0 for r in found]
        bars = axes.barh(fields, shares, left=left, color=colour, label=pattern)
        labels = [str(r["reuses"]) if r and r["reuse_share"] >= 0.06 else "" for r in found]
        axes.bar_label(bars, labels=labels, label_type="center", color="white", fontsize="small")
        left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of the field's reuses (label: reuses)")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize="small")
    return figure


def stages(rows: list[Row]) -> Figure:
    ordered = sorted(rows, key=lambda r: r["stage_order"])
    figure, axes = _figure(8, 3.5)
    bars = axes.bar([r["stage"] for r in ordered], [r["reuses"] for r in ordered], color="#7570b3")
    axes.bar_label(bars, padding=2)
    axes.set_ylim(0, max((r["reuses"] for r in ordered), default=1) * 1.15 + 0.5)
    axes.set_ylabel("reuses")
    return figure


def patterns_over_time(rows: list[Row]) -> Figure:
    """Reuses per year, stacked by pattern, with the year's total on top."""
    years = sorted({r["year"] for r in rows if r["year"] is not None and r["pattern"] is not None})
    figure, axes = _figure(8, 3.8)
    bottom = [0] * len(years)
    for pattern, colour in PATTERN_COLOURS.items():
        counts = [sum(r["reuses"] for r in rows if r["year"] == y and r["pattern"] == pattern)
                  for y in years]  # fmt: skip
        axes.bar(years, counts, bottom=bottom, color=colour, label=pattern)
        bottom = [a + b for a, b in zip(bottom, counts, strict=True)]
    for year, total in zip(years, bottom, strict=True):
        axes.text(year, total, str(total), ha="center", va="bottom", fontsize="small")
    axes.set_ylim(0, max(bottom, default=1) * 1.15 + 0.5)
    axes.set_xlabel("publication year")
    axes.set_ylabel("reuses")
    axes.legend(fontsize="small", frameon=False)
    return figure


def adoption(rows: list[Row]) -> Figure:
    """Small multiples: one panel per field, its cumulative papers reusing PTMs, on shared
    axes from 0, so that no line can hide another."""
    fields = _largest(rows, "field", "ptm_papers", len({r["field"] for r in rows}))
    years = sorted({r["year"] for r in rows if r["year"] is not None})
    columns = min(4, max(len(fields), 1))
    lines = max(ceil(len(fields) / columns), 1)
    figure = Figure(figsize=(2.4 * columns + 0.6, 1.9 * lines + 0.6))
    panels = figure.subplots(lines, columns, sharex=True, sharey=True, squeeze=False)
    for i, axes in enumerate(panels.flat):
        if i >= len(fields):
            axes.axis("off")
            continue
        by_year = Counter({r["year"]: r["ptm_papers"] for r in rows if r["field"] == fields[i]})
        axes.step(years, list(accumulate(by_year[y] for y in years)), where="post",
                  color="#1b9e77", linewidth=1.6)  # fmt: skip
        axes.set_title(fill(fields[i], 30), fontsize="small")  # a panel's label, not a title
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", alpha=0.3)
    figure.supxlabel("publication year", fontsize="small")
    figure.supylabel("papers reusing PTMs (cumulative)", fontsize="small")
    return figure


def flow_matrix(rows: list[Row], models: int = 15) -> Figure:
    """The most reused models (rows) by field (columns): each cell the papers of that field
    reusing that model, written in the cell; blank where none."""
    left = _largest(rows, "model", "papers", models)
    fields = _largest([r for r in rows if r["model"] in left], "field", "papers", 100)
    cells = {(r["model"], r["field"]): r["papers"] for r in rows}
    matrix = [[cells.get((m, f), 0) for f in fields] for m in left]
    figure, axes = _figure(1.0 + 0.55 * len(fields) + 2.2, 0.35 * len(left) + 2.8)
    most = max((max(line, default=0) for line in matrix), default=1) or 1
    axes.imshow(matrix, cmap="Greens", vmin=0, vmax=most * 1.25, aspect="auto")
    for i, line in enumerate(matrix):
        for j, papers in enumerate(line):
            if papers:
                axes.text(j, i, str(papers), ha="center", va="center", fontsize="small",
                          color="white" if papers > most * 0.6 else "black")  # fmt: skip
    axes.set_xticks(range(len(fields)), fields, rotation=40, ha="right", fontsize="small")
    axes.set_yticks(range(len(left)), left, fontsize="small")
    axes.set_xlabel("field (primary topic)")
    return figure


@dataclass(frozen=True)
class FigureSpec:
    name: str  # file stem
    source: str  # the query whose rows it draws
    title: str
    caption: str  # what the unit is and what is left out; the title is not repeated
    draw: Draw


FIGURES = (
    FigureSpec("ptm_share_by_field", "ptm_reuse_by_field", "PTM reuse by field",
               "Share of each field's papers that reuse a pre-trained model; the label gives "
               "papers reusing PTMs over papers. Unit: papers, each counted once, in the field "
               "of its primary topic. Papers whose extraction failed or is pending are left out "
               "(column left_out of the table).", share_by_field),
    FigureSpec("patterns_by_field", "patterns_by_field", "Reuse patterns by field",
               "Each bar is one field's reuses (one per paper and model), split by pattern; "
               "segments are labelled with their number of reuses.", patterns_by_field),
    FigureSpec("patterns_over_time", "patterns_by_year", "Reuse patterns over time",
               "Reuses per publication year, stacked by pattern, with the year's total on top.",
               patterns_over_time),
    FigureSpec("stages", "stages_overall", "Stages of the scientific process that PTMs serve",
               "Unit: reuses (one per paper and model). Per paper: column paper_share of the "
               "table.", stages),
    FigureSpec("adoption_over_time", "ptm_reuse_by_field_year", "Adoption over time by field",
               "One panel per field (primary topic), on shared axes from 0: papers reusing "
               "PTMs, cumulative by publication year.", adoption),
    FigureSpec("ptm_field_flows", "ptm_field_flows", "Which models flow into which fields",
               "The most reused models (up to 15) by the field of the papers reusing them "
               "(primary topic); each cell gives the number of papers, blank for none.",
               flow_matrix),
)  # fmt: skip
