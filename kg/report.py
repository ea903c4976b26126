"""`kg report`: one self-contained HTML file with the study's answers, tables and figures,
plus the PNGs and CSVs beside it. Reads the graph only through the query modules."""

import base64
import html
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from kg import queries, render
from kg.answers import Headlines, headlines
from kg.stores.base import GraphStore, Row

TITLE = "ptm-kg report: reuse of pre-trained models in the natural sciences"
TABLES = (
    "ptm_reuse_by_field",
    "patterns_overall",
    "patterns_by_field",
    "stages_overall",
    "pattern_stage",
    "top_ptms",
    "ptms_by_reach",
    "fields_by_distinct_ptms",
    "papers_by_year",
)
PATTERN_COLOURS = {"adaptation": "#1b9e77", "deployment": "#7570b3", "conceptual": "#d95f02"}


@dataclass(frozen=True)
class Report:
    html: Path
    files: list[Path]
    headlines: Headlines


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure that belongs to no window or global state (no pyplot)."""
    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


def _save(figure: Figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    return path


def share_by_field(rows: list[Row], path: Path) -> Path:
    figure, axes = _figure(8, 0.45 * len(rows) + 1.2)
    ordered = sorted(rows, key=lambda r: r["ptm_share"])
    axes.barh([r["field"] for r in ordered], [r["ptm_share"] for r in ordered], color="#1b9e77")
    for i, row in enumerate(ordered):
        axes.text(row["ptm_share"], i, f" {row['ptm_papers']}/{row['papers']}", va="center")
    axes.set_xlabel("share of papers reusing PTMs")
    axes.set_xlim(0, 1.15)
    axes.set_title(f"PTM reuse by field\nall {len(rows)} fields with papers, primary topic")
    return _save(figure, path)


def patterns_by_field(rows: list[Row], path: Path) -> Path:
    fields = list(dict.fromkeys(r["field"] for r in rows))
    figure, axes = _figure(8, 0.45 * len(fields) + 1.5)
    left = [0.0] * len(fields)
    for pattern, colour in PATTERN_COLOURS.items():
        values = [
            next(
                (r["reuse_share"] for r in rows if r["field"] == f and r["pattern"] == pattern), 0.0
            )
            for f in fields
        ]
        axes.barh(fields, values, left=left, color=colour, label=pattern)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("share of the field's reuses")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize="small")
    axes.set_title("Reuse patterns by field")
    return _save(figure, path)


def stages(rows: list[Row], path: Path) -> Path:
    ordered = sorted(rows, key=lambda r: r["stage_order"])
    figure, axes = _figure(8, 3.5)
    axes.bar([r["stage"] for r in ordered], [r["reuses"] for r in ordered], color="#7570b3")
    axes.set_ylabel("reuses")
    axes.set_title("Stages of the scientific process that PTMs serve")
    return _save(figure, path)


def _largest(rows: list[Row], key: str, weight: str, n: int) -> list[str]:
    """The n values of `key` with the largest summed `weight`, ties by name."""
    totals: Counter[str] = Counter()
    for row in rows:
        totals[row[key]] += row[weight]
    return sorted(totals, key=lambda k: (-totals[k], k))[:n]


_STYLES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def adoption(rows: list[Row], path: Path) -> Path:
    """Every field's cumulative count of papers reusing PTMs, run on to the last year of the
    corpus; each field has its own colour, dash and marker so overlapping lines stay apart."""
    figure, axes = _figure(8, 4.5)
    fields = _largest(rows, "field", "ptm_papers", len({r["field"] for r in rows}))
    years = sorted({r["year"] for r in rows if r["year"] is not None})
    for i, field in enumerate(fields):
        by_year = Counter({r["year"]: r["ptm_papers"] for r in rows if r["field"] == field})
        first = min((y for y in years if by_year[y]), default=None)
        if first is None:
            continue
        shown = [y for y in years if y >= first]
        axes.plot(shown, list(accumulate(by_year[y] for y in shown)), label=field,
                  linestyle=_STYLES[i % len(_STYLES)], marker=_MARKERS[i % len(_MARKERS)],
                  markersize=4, linewidth=1.4, alpha=0.85)  # fmt: skip
    axes.set_xlabel("year")
    axes.set_ylabel("papers reusing PTMs (cumulative)")
    axes.legend(fontsize="x-small", ncol=2)
    axes.set_title(f"Adoption over time: all {len(fields)} fields (primary topic)")
    return _save(figure, path)


def _width(papers: int) -> float:
    return 0.8 + 1.2 * papers


def flow_diagram(rows: list[Row], path: Path, models: int = 15) -> Path:
    """The `models` most reused models and the fields they reach; the title says how many of
    all the models are shown, and a key gives the line widths."""
    every = {r["model"] for r in rows}
    left = _largest(rows, "model", "papers", models)
    right = sorted({r["field"] for r in rows if r["model"] in left})
    height = max(len(left), len(right), 2)
    figure, axes = _figure(9, 0.4 * height + 2.0)
    y_left = {m: height - 1 - i * (height - 1) / max(len(left) - 1, 1) for i, m in enumerate(left)}
    y_right = {
        f: height - 1 - i * (height - 1) / max(len(right) - 1, 1) for i, f in enumerate(right)
    }
    for row in rows:
        if row["model"] in y_left:
            axes.plot([0, 1], [y_left[row["model"]], y_right[row["field"]]],
                      color="#1b9e77", alpha=0.5, linewidth=_width(row["papers"]))  # fmt: skip
    for model, y in y_left.items():
        axes.text(-0.02, y, model, ha="right", va="center", fontsize="small")
    for field, y in y_right.items():
        axes.text(1.02, y, field, ha="left", va="center", fontsize="small")
    most = max((r["papers"] for r in rows), default=1)
    for papers in sorted({1, max(1, most // 2), most}):
        axes.plot([], [], color="#1b9e77", alpha=0.5, linewidth=_width(papers),
                  label=f"{papers} paper{'s' if papers != 1 else ''}")  # fmt: skip
    axes.legend(title="line width", loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
                fontsize="small", title_fontsize="small", frameon=False)  # fmt: skip
    axes.set_xlim(-0.6, 1.9)
    axes.axis("off")
    shown = f"top {len(left)} of {len(every)} models" if len(left) < len(every) else (
        f"all {len(every)} models")  # fmt: skip
    axes.set_title(f"PTM → field flows: {shown}, by papers")
    return _save(figure, path)


def corpus_line(rows: list[Row]) -> str:
    """The corpus in one sentence: size, extractors, full-text share, papers left out."""
    total = sum(r["papers"] for r in rows)
    counted = sum(r["papers"] for r in rows if r["status"] == "extracted")
    extractors = sorted({f"{r['extractor']} ({r['version']})" for r in rows
                         if r["status"] == "extracted"})  # fmt: skip
    full = sum(r["papers"] for r in rows
               if r["text_source"] not in ("abstract", "unknown", "corpus"))  # fmt: skip
    given = sum(r["papers"] for r in rows if r["text_source"] == "corpus")
    left_out = total - counted
    return (
        f"Corpus: {total} papers; {counted} counted in the shares, read by "
        f"{', '.join(extractors) or 'no extractor'}; {left_out} left out (extraction failed "
        f"or pending). Text: {full} read in full from archives or open-access services, "
        f"{given} as given in a corpus file, {total - full - given} from the abstract only."
    )


def _image(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def _figure_html(path: Path, caption: str) -> str:
    return f"<figure>{_image(path)}<figcaption>{html.escape(caption)}</figcaption></figure>"


def _html_table(name: str, rows: list[Row]) -> str:
    module = queries.get(name)
    columns = list(rows[0]) if rows else list(module.columns)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(render.cell(r.get(c)))}</td>" for c in columns)
        + "</tr>"
        for r in rows
    )
    return (
        f"<h3>{html.escape(module.question)} <code>{name}</code></h3>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }
h1 { font-size: 1.6em; } .answers { background: #f3f7f5; padding: 1em 1.5em; }
.answers p { font-size: 1.15em; margin: .3em 0; } img { max-width: 100%; margin: 1em 0; }
table { border-collapse: collapse; margin: .5em 0 1.5em; font-size: .9em; }
td, th { border: 1px solid #ccc; padding: .2em .6em; text-align: left; }
th { background: #eee; } code { color: #666; font-size: .8em; }
figure { margin: 1em 0 2em; } figcaption { color: #555; font-size: .9em; }
"""


def write_report(store: GraphStore, out: Path, source: str, build: str = "") -> Report:
    """Run the query modules, draw the figures, write report.html with everything inline.
    `build` says when the graph was built and whether that build completed."""
    out.mkdir(parents=True, exist_ok=True)
    tables = {name: queries.run(store, name) for name in TABLES}
    answers = headlines(tables)
    corpus = queries.run(store, "corpus_summary")
    by_year = queries.run(store, "ptm_reuse_by_field_year")
    flows = queries.run(store, "ptm_field_flows")
    captioned = [
        (share_by_field(tables["ptm_reuse_by_field"], out / "ptm_share_by_field.png"),
         "Unit: papers, each counted once, in the field of its primary topic. Papers whose "
         "extraction failed or is pending are left out (column left_out of the table)."),
        (patterns_by_field(tables["patterns_by_field"], out / "patterns_by_field.png"),
         "Unit: reuses (one per paper and model), by the field of the paper's primary topic; "
         "each bar is the field's reuses."),
        (stages(tables["stages_overall"], out / "stages.png"),
         "Unit: reuses (one per paper and model). Per paper: column paper_share below."),
        (adoption(by_year, out / "adoption_over_time.png"),
         "Unit: papers reusing PTMs, cumulative by publication year, in the field of their "
         "primary topic; every field is drawn."),
        (flow_diagram(flows, out / "ptm_field_flows.png"),
         "Unit: papers. A line joins a model and a field when papers of that field (primary "
         "topic) reuse the model; its width grows with their number."),
    ]  # fmt: skip
    figures = [path for path, _ in captioned]
    csvs = []
    for name, rows in [*tables.items(), ("ptm_reuse_by_field_year", by_year),
                       ("ptm_field_flows", flows)]:  # fmt: skip
        path = out / f"{name}.csv"
        path.write_text(render.to_csv(rows, queries.get(name).columns), encoding="utf-8")
        csvs.append(path)
    a = answers
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(TITLE)}</title>
<style>{_STYLE}</style></head><body>
<h1>{html.escape(TITLE)}</h1>
<p>Graph: {html.escape(source)}. Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by ptm-kg.</p>
<p id="corpus">{html.escape(corpus_line(corpus))}</p>
<p id="build">{html.escape(build)}</p>
<section class="answers"><h2>The study's three questions</h2>
<p id="leading-field">Leading field: <b>{html.escape(a.leading_field)}</b>
({a.leading_field_ptm_papers} papers reusing PTMs)</p>
<p id="top-pattern">Most common reuse pattern: <b>{html.escape(a.top_pattern)}</b>
({a.top_pattern_share:.0%} {html.escape(a.pattern_basis())})</p>
<p id="top-stage">Most impacted stage: <b>{html.escape(a.top_stage)}</b>
({a.top_stage_share:.0%} {html.escape(a.stage_basis())})</p></section>
<h2>Figures</h2>{"".join(_figure_html(f, caption) for f, caption in captioned)}
<h2>Tables</h2>{"".join(_html_table(name, rows) for name, rows in tables.items())}
</body></html>
"""
    report = out / "report.html"
    report.write_text(page, encoding="utf-8")
    return Report(report, [report, *figures, *csvs], answers)
