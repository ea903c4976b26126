"""`kg where`: which workspace and store the commands here use."""

from kg.cli.app import app, friendly, out
from kg.graph.stores import store_name
from kg.pipeline.mixing import DEMO_ORIGIN, where_line
from kg.settings import load_settings
from kg.workspace import Workspace


@app.command()
@friendly
def where() -> None:
    """Say which workspace and store the commands here use, and what the workspace holds."""
    settings = load_settings()
    out.print(where_line(settings), markup=False, highlight=False, soft_wrap=True)
    if not (settings.kg_workspace / "corpus.sqlite").exists():
        out.print("No workspace there yet: `kg demo` or `kg load FILE` makes one.", markup=False)
        return
    workspace = Workspace(settings.kg_workspace)
    try:
        demo, own = workspace.kept_by_origin(DEMO_ORIGIN)
        build = workspace.last_build(store_name(settings))  # of the store named here
        other = workspace.last_build()
    finally:
        workspace.close()
    out.print(f"Kept works: {own} of your own, {demo} from the demo.", markup=False)
    if build is not None:
        state = "completed" if build.completed_at else "did NOT complete"
        out.print(f"Last build of this store: {build.mode}, started {build.started_at}, "
                  f"{state}.", markup=False, highlight=False)  # fmt: skip
    elif other is not None:
        out.print(f"No build of this store from this workspace yet (the last one went to "
                  f"{other.store}): `kg load --rebuild` builds it.", markup=False,
                  highlight=False, soft_wrap=True)  # fmt: skip
