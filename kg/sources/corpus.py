"""Corpus files: JSON Lines, one paper (work + text) per line; also a text or markdown paper,
or a folder of JATS / TEI files with a metadata.csv (kg/sources/own_papers.py).

A malformed line does not stop a read: it is returned as a failure with its line number and
reason, and every other paper is kept.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from extract.errors import InputRejected
from extract.records import Paper
from kg.sources.own_papers import TEXT_SUFFIXES, complete, from_folder, from_text


@dataclass(frozen=True)
class Failure:
    where: str  # "file.jsonl:12" or a work id
    reason: str


@dataclass
class CorpusRead:
    papers: list[Paper] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def _reason(error: ValidationError) -> str:
    """Every problem of a line at once, each with where it is."""
    problems = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "line"
        problems.append(f"{where}: {problem['msg']}")
    return "; ".join(problems)


def _validated(where: str, line: object) -> Paper | Failure:
    try:
        if not isinstance(line, dict):
            return Failure(where, 'a line must be a JSON object ({"work": ..., "text": ...})')
        return Paper.model_validate(complete(line))
    except ValidationError as error:
        return Failure(where, _reason(error))
    except InputRejected as error:
        return Failure(where, str(error))


def _lines(path: Path) -> Iterator[tuple[str, object]]:
    """(where, parsed line) for a JSON Lines file, a text or markdown paper, or a folder of
    JATS / TEI files with its metadata.csv."""
    if path.is_dir():
        yield from from_folder(path)
    elif path.suffix.lower() in TEXT_SUFFIXES:
        yield path.name, from_text(path)
    else:
        with path.open("rb") as lines:
            for number, raw in enumerate(lines, start=1):
                if raw.strip():
                    try:
                        yield f"{path.name}:{number}", json.loads(raw)
                    except ValueError as error:
                        yield f"{path.name}:{number}", InputRejected(f"not JSON: {error}")


def require_corpus(path: Path) -> None:
    """Refuse a corpus path where there is nothing, before anything else happens."""
    if not path.exists():
        raise InputRejected(
            f"no corpus file at {path}; give a .jsonl file of papers, a .txt or .md paper, or a "
            "folder of papers (.md / .txt, or JATS / TEI files with a metadata.csv)"
        )


def iter_corpus(path: Path) -> Iterator[Paper | Failure]:
    """Each paper of `path` as a valid paper or a failure, read one line at a time."""
    require_corpus(path)
    seen: set[str] = set()
    for where, line in _lines(path):
        paper = Failure(where, str(line)) if isinstance(line, InputRejected) else (
            _validated(where, line))  # fmt: skip
        if isinstance(paper, Failure):
            yield paper
        elif paper.work.id != paper.text.work_id:
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
