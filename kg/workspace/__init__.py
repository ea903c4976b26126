"""The workspace's SQLite file, `corpus.sqlite`: everything a graph is built from.

One class over one file (WAL), made of one module per table group: works with the request
that returned them, search cursors and missing DOIs (works.py); texts and full-text lookups
(texts.py); the LLM ledger (ledger.py); extraction runs, their outcomes and the graph builds
(runs.py); PMCIDs mapped from DOIs and the bulk packages read (bulk.py). The schema has
numbered migrations (`PRAGMA user_version`, in migrations.py), so a
workspace made by an older ptm-kg opens and is brought up to date, and one made by a newer
ptm-kg is refused. Each write is one transaction; SQLite and file-system errors become one
`WorkspaceUnusable` line that says what to do (database.py).
"""

from extract.ledger import Call
from kg.workspace.bulk import Bulk, PackageRead
from kg.workspace.ledger import CallLedger, CostLine
from kg.workspace.runs import Build, Run, Runs
from kg.workspace.texts import Texts, papers, text_sha
from kg.workspace.works import Search, Works

__all__ = ["Build", "Call", "CostLine", "PackageRead", "Run", "Search", "Workspace", "papers",
           "text_sha"]  # fmt: skip


class Workspace(Works, Texts, CallLedger, Runs, Bulk):
    """The workspace at `directory`: opened (and migrated) on construction; `close()` it."""
