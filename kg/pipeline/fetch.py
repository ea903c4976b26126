"""The fetch stage's last step: the study's filters over every stored work, each decision
recorded in the workspace (a dropped work keeps its reason)."""

from collections.abc import Iterable

from extract.parse_openalex import StudyFilter
from extract.records import Work
from kg.workspace import Workspace


def apply_filter(workspace: Workspace, works: Iterable[Work], study: StudyFilter) -> dict[str, int]:
    """Record the filter's decision for each work; returns kept and per-reason counts."""
    decisions = {w.id: study.reason_to_drop(w) for w in works}
    workspace.set_dropped(decisions)
    summary: dict[str, int] = {"kept": 0}
    for reason in decisions.values():
        key = reason or "kept"
        summary[key] = summary.get(key, 0) + 1
    return summary
