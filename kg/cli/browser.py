"""`kg browser`: where Neo4j Browser is, the guide to play there, and the kit to load (the
query modules as favourites and a style)."""

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import app, friendly, out, warn_if_incomplete
from kg.graph.statements import statement
from kg.settings import load_settings


@app.command()
@friendly
def browser(
    out_dir: Annotated[Path | None, typer.Option("--out", help="Where to write the kit.")] = None,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="Serve the ptm-kg guide on loopback until Ctrl-C, for a Neo4j that `make "
            "neo4j` did not start (it serves its own).",
        ),
    ] = False,
) -> None:
    """How to explore the graph in Neo4j Browser: a guide to play, the queries and a style."""
    from kg.graph.stores.neo4j_server import background_server
    from kg.questions.browser import browser_line, browser_target, export_kit

    settings = load_settings()
    kit = out_dir or settings.kg_workspace / "browser"
    favourites, style = export_kit(kit)
    warn_if_incomplete(settings, None)
    background = background_server()
    target = browser_target(background)
    prose = [
        f"{browser_line(target)}. Load the graph with `KG_STORE=neo4j kg demo` or `kg load`. Open:",
        f"Style: drag {style} onto the Browser window (Paper, Model, Field, Pattern and Stage "
        "get their own colours and captions).",
        f"Queries: Favorites (star icon) > Import, and pick {favourites}; each file is one "
        "question, with its parameters in its header. Set them before running a query:",
        "Behind a number: papers_behind lists the papers a table counted (also field, "
        "pattern, stage, max_rank, limit):",
        "Start with:",
    ]
    code = [
        ":param max_rank => 0",
        ":param science_fields => [11, 13, 16, 19, 23, 24, 28, 31]",
        ":param model => 'ESM-2'",
        statement("browser/start").strip(),
    ]
    blocks = [(prose[0], [target.connect_url]), (prose[1], []), (prose[2], code[:2]),
              (prose[3], code[2:3]), (prose[4], code[3:])]  # fmt: skip
    guide = (background or {}).get("guide_url")
    if guide:
        blocks.insert(1, ("Guide: the study's questions as slides, each query a click away; "
                          "run in Browser:", [f":guide {guide}"]))  # fmt: skip
    elif not serve:
        blocks.insert(1, ("Guide: `kg browser --serve` serves the ptm-kg guide for Browser's "
                          ":guide (the server must allow-list 127.0.0.1 in "
                          "browser.remote_content_hostname_whitelist, as docker-compose.yml "
                          "does).", []))  # fmt: skip
    for text, lines in blocks:
        out.print(text, markup=False, highlight=False)  # prose wraps to the terminal
        for line in lines:  # Cypher is never wrapped, so it pastes as it is
            out.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    if serve:
        _serve_guide(kit / "guide")


def _serve_guide(folder: Path) -> None:
    """The guide on loopback, in the foreground, until Ctrl-C."""
    from kg.questions.browser.serve import guide_server, guide_url, write_guide

    write_guide(folder)
    server = guide_server(folder)
    out.print("Guide: run in Browser (serving it until Ctrl-C):", markup=False, highlight=False)
    out.print(f"  :guide {guide_url(server)}", markup=False, highlight=False, soft_wrap=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
