"""The ptm-kg guide Neo4j Browser plays with `:guide URL`: the study's questions as slides,
each with the parameters to set and its query, runnable with one click; the schema last.

What we relied on (neo4j/neo4j-browser, 5.x sources: guideResolverHelper.tsx, Directives.tsx,
utils.ts): `:guide URL` fetches the page from a host in the server's
`browser.remote_content_hostname_whitelist` (a cross-origin request, so the page must be
served with `Access-Control-Allow-Origin`), takes its title from `<title>` and one slide
per `<slide>` element; Browser strips scripts and `on…` attributes. A `<pre
class="runnable">` puts its text into the editor when clicked, and runs it from the play
icon Browser puts before it.

Everything on the slides comes from the query modules (kg/questions/queries.py) and the
schema (kg/graph/schema.py), so the guide cannot drift from what `kg query` runs.
"""

import json
from html import escape
from typing import Any

from kg.graph.describe import type_name
from kg.graph.schema import SCHEMA, Schema
from kg.graph.statements import statement
from kg.questions import queries

TITLE = "ptm-kg: pre-trained models in the natural sciences"
GUIDE_FILE = "ptm-kg.html"

# The slides after the first: the study's three questions, then the flows, then the
# papers behind a number.
SLIDES = ("ptm_reuse_by_field", "patterns_overall", "stages_overall", "ptm_field_flows",
          "model_migration", "family_field_flows", "papers_behind")  # fmt: skip


def _literal(value: Any) -> str:
    """A parameter value as Cypher writes it (JSON's null, numbers, strings and lists are)."""
    return json.dumps(value)


def _runnable(text: str) -> str:
    return f'<pre class="runnable">{escape(text.strip())}</pre>'


def _slide(title: str, *parts: str) -> str:
    body = "\n".join((f"<h3>{escape(title)}</h3>", *parts))
    return f'<slide class="row-fluid">\n<div class="col-sm-12">\n{body}\n</div>\n</slide>'


def _question(module: queries.QueryModule) -> str:
    params = [_runnable(f":param {p.name} => {_literal(p.default)}")
              for p in module.parameters.values()]  # fmt: skip
    setting = ("<p>Set its parameters first (click a block, then run it; change a value "
               "to ask another question):</p>", *params) if params else ()  # fmt: skip
    return _slide(
        module.question,
        f"<p><code>kg query {module.name}</code> answers the same rows; columns: "
        f"{escape(', '.join(module.columns))}.</p>",
        *setting,
        "<p>Then the question:</p>",
        _runnable(module.cypher),
    )


def _schema(schema: Schema) -> str:
    def typed(properties: dict[str, type]) -> str:
        return escape(", ".join(f"{p} ({type_name(t)})" for p, t in properties.items()))

    nodes = "".join(f"<tr><td>{n.label}</td><td>{typed(dict(n.properties))}</td></tr>"
                    for n in schema.nodes)  # fmt: skip
    rels = "".join(
        f"<tr><td>(:{r.start})-[:{r.type}]-&gt;(:{r.end})</td>"
        f"<td>{escape(', '.join(r.properties)) or '—'}</td></tr>"
        for r in schema.relationships
    )
    return _slide(
        "The schema",
        f"<table class='table'><tr><th>label</th><th>properties</th></tr>{nodes}</table>",
        f"<table class='table'><tr><th>relationship</th><th>properties</th></tr>{rels}</table>",
        "<p>A model answers to any of its <code>aliases</code> (lower case), so "
        "<code>:param model =&gt; 'esm2'</code> or <code>'AlphaFold'</code> (a family) works "
        "in every module that takes a model. <code>kg schema</code> prints the same.</p>",
    )


def guide_html(schema: Schema = SCHEMA) -> str:
    """The whole guide, one HTML page."""
    first = _slide(
        "ptm-kg",
        "<p>How natural scientists reuse pre-trained deep learning models: a Paper has "
        "Reuses, each linked to its Model, its Pattern (conceptual, adaptation, deployment) "
        "and its Stage (Observation … Conclusion); a Paper is in Fields; a Paper may "
        "introduce a Model.</p>",
        "<p>Drag <code>ptm-kg.grass</code> (written by <code>kg browser</code>) onto this "
        "window for the project's colours. Click a grey block to copy it into the editor; "
        "its play icon runs it.</p>",
        "<p>The graph around one model (double-click a Pattern or Stage node to see its "
        "other reuses):</p>",
        _runnable(statement("browser/start")),
        "<p>A whole field, drawn:</p>",
        _runnable(statement("browser/field_graph")),
        "<p>From a pattern to everything that reuses a model that way:</p>",
        _runnable(statement("browser/pattern")),
    )
    slides = [first, *(_question(queries.get(name)) for name in SLIDES), _schema(schema)]
    return (f"<title>{escape(TITLE)}</title>\n<article class=\"guide\">\n"
            f"<carousel class=\"deck container-fluid\">\n{chr(10).join(slides)}\n"
            "</carousel>\n</article>\n")  # fmt: skip
