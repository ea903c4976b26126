"""Corpus files: JSON Lines, one paper (work + text) per line.

A malformed line does not stop a read: it is returned as a failure with its line number and
reason, and every other paper is kept.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from extract.errors import InputRejected
from extract.records import Paper


@dataclass(frozen=True)
class Failure:
    where: str  # "file.jsonl:12" or a work id
    reason: str


@dataclass
class CorpusRead:
    papers: list[Paper] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def _reason(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "line"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def iter_corpus(path: Path) -> Iterator[Paper | Failure]:
    """Each line of `path` as a valid paper or a failure, read one line at a time."""
    if not path.is_file():
        raise InputRejected(f"no corpus file at {path}; give a .jsonl file of papers")
    seen: set[str] = set()
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            where = f"{path.name}:{number}"
            if not raw.strip():
                continue
            try:
                paper = Paper.model_validate_json(raw)
            except ValidationError as error:
                yield Failure(where, _reason(error))
                continue
            if paper.work.id != paper.text.work_id:
                yield Failure(where, "text.work_id differs from work.id")
            elif paper.work.id in seen:
                yield Failure(where, f"{paper.work.id} appears twice")
            else:
                seen.add(paper.work.id)
                yield paper


def read_corpus(path: Path) -> CorpusRead:
    """Every valid paper in `path`, and a failure for every line that is not one (in
    memory: for small corpora such as the demo's; large ones stream with iter_corpus)."""
    read = CorpusRead()
    for item in iter_corpus(path):
        if isinstance(item, Paper):
            read.papers.append(item)
        else:
            read.failures.append(item)
    return read
