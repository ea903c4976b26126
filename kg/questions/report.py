"""`kg report`: one self-contained HTML file with the study's answers, tables and figures,
plus the PNGs and CSVs beside it. Reads the graph only through the query modules."""

import base64
import html
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from matplotlib import rc_context

from kg.graph.stores.base import GraphStore, Row
from kg.questions import queries, render
from kg.questions.answers import Headlines, evidenced_row, headlines
from kg.questions.figures import FIGURES, FigureSpec, ImageFormat, save
from kg.questions.output import write_text

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
EXTRA = ("patterns_by_year", "ptm_reuse_by_field_year", "ptm_field_flows")  # figures only


@dataclass(frozen=True)
class Report:
    html: Path
    files: list[Path]
    headlines: Headlines


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


_MIME = {".png": "image/png", ".svg": "image/svg+xml"}


def _image(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(path.stem)}" src="data:{_MIME[path.suffix]};base64,{data}">'


def _figure_html(path: Path, spec: FigureSpec) -> str:
    """The figure with its title and caption, both written once, in FIGURES."""
    return (f'<figure id="{spec.name}">{_image(path)}<figcaption><b>{html.escape(spec.title)}.'
            f"</b> {html.escape(spec.caption)}</figcaption></figure>")  # fmt: skip


def draw_figures(
    tables: dict[str, list[Row]], out: Path, format: ImageFormat = "png", dpi: int = 150
) -> list[tuple[Path, Path, FigureSpec]]:
    """Every figure of FIGURES in `format`, and the image the HTML shows (the same file,
    or a PNG beside a PDF)."""
    drawn = []
    # mathtext off: a name such as `$\\undefined$-Net` is drawn as written, never parsed
    with rc_context({"text.parse_math": False}):
        for spec in FIGURES:
            figure = spec.draw(tables[spec.source])
            path = save(figure, out / f"{spec.name}.{format}", dpi)
            shown = path if format != "pdf" else save(figure, out / f"{spec.name}.png", dpi)
            drawn.append((path, shown, spec))
    return drawn


def _html_table(name: str, rows: list[Row], total: int | None = None) -> str:
    """One table; a table its limit cut says so, and how to see the rest."""
    module = queries.get(name)
    cut = ""
    if total is not None and total > len(rows):
        cut = (f'<p class="cut">Showing {len(rows)} of {total} rows; '
               f"<code>kg query {name} -p limit={total}</code> shows them all.</p>")  # fmt: skip
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
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{cut}"
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


def write_report(
    store: GraphStore,
    out: Path,
    source: str,
    build: str = "",
    format: ImageFormat = "png",
    dpi: int = 150,
) -> Report:
    """Run the query modules, draw the figures (as `format` at `dpi`), write report.html with
    everything inline. `build` says when the graph was built and whether that build
    completed."""
    out.mkdir(parents=True, exist_ok=True)
    answered = {name: queries.run_counted(store, name) for name in TABLES}
    tables = {name: answer.rows for name, answer in answered.items()}
    answers = headlines(tables, evidenced_row(store))
    corpus = queries.run(store, "corpus_summary")
    extra = {name: queries.run(store, name) for name in EXTRA}
    drawn = draw_figures(tables | extra, out, format, dpi)
    figures = list(dict.fromkeys(p for path, shown, _ in drawn for p in (path, shown)))
    csvs = []
    for name, rows in [*tables.items(), *extra.items()]:
        path = out / f"{name}.csv"
        write_text(path, render.to_csv(rows, queries.get(name).columns))
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
<p id="top-pattern">Most common reuse pattern: <b>{html.escape(a.pattern_name)}</b>
{html.escape(a.pattern_detail())}</p>
<p id="top-stage">Most impacted stage: <b>{html.escape(a.stage_name)}</b>
{html.escape(a.stage_detail())}</p></section>
<h2>Figures</h2>{"".join(_figure_html(shown, spec) for _, shown, spec in drawn)}
<h2>Tables</h2>{"".join(_html_table(name, a.rows, a.total) for name, a in answered.items())}
</body></html>
"""
    report = out / "report.html"
    write_text(report, page)
    return Report(report, [report, *figures, *csvs], answers)
