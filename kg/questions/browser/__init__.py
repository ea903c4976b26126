"""What a Neo4j Browser user loads: the query modules as favourites and a style file; and
where Browser is: the server `make neo4j` started, else docker compose's."""

import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from kg.questions import queries

BROWSER_URL = "http://localhost:7474/browser/"  # docker compose's (docker-compose.yml)
COMPOSE_BOLT = "bolt://localhost:7687"


@dataclass(frozen=True)
class BrowserTarget:
    """A Neo4j Browser, the Bolt URI its connect box needs, and where the password is."""

    browser_url: str
    bolt_uri: str
    user: str
    password_from: str
    started_by: str

    @property
    def connect_url(self) -> str:
        """Browser's URL with the server filled in, so its connect box asks only for the
        password."""
        scheme, _, host = self.bolt_uri.partition("://")
        server = f"{scheme}://{self.user}@{host}"
        return f"{self.browser_url}?dbms={quote(server, safe=':/@')}&preselectAuthMethod=NATIVE"


def browser_target(background: dict[str, str] | None) -> BrowserTarget:
    """The Browser of the server `make neo4j` runs (`background`: what it wrote in .neo4j/),
    else docker compose's."""
    if background:
        return BrowserTarget(background["browser_url"], background["uri"], background["user"],
                             f"NEO4J_PASSWORD in {background['env']}", "make neo4j")  # fmt: skip
    return BrowserTarget(BROWSER_URL, COMPOSE_BOLT, "neo4j", "NEO4J_PASSWORD in .env",
                         "docker compose up -d")  # fmt: skip


def browser_line(target: BrowserTarget) -> str:
    """One line: where Browser is, what to connect to, and with which password."""
    return (f"Neo4j Browser at {target.browser_url} ({target.started_by}): connect to "
            f"{target.bolt_uri} as {target.user}, {target.password_from}")  # fmt: skip


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
