"""What a Neo4j Browser user loads: the query modules as favourites and a style file."""

import zipfile
from importlib import resources
from pathlib import Path

from kg.questions import queries

BROWSER_URL = "http://localhost:7474"


def style_text() -> str:
    return (resources.files("kg.questions.browser") / "style.grass").read_text(encoding="utf-8")


def export_kit(out: Path) -> tuple[Path, Path]:
    """A zip of every query module (Browser's Favorites > Import takes it) and the style."""
    out.mkdir(parents=True, exist_ok=True)
    favourites = out / "ptm-kg-queries.zip"
    with zipfile.ZipFile(favourites, "w") as zipped:
        for name, module in queries.modules().items():
            zipped.writestr(f"ptm-kg/{name}.cypher", module.cypher)
    style = out / "ptm-kg.grass"
    style.write_text(style_text(), encoding="utf-8")
    return favourites, style
