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
from kg.sources.local_files import DEFAULT_MAX_BYTES, require_regular
from kg.sources.own_papers import TEXT_SUFFIXES, complete, from_folder, from_text

CHUNK = 64 * 1024


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


def _lines(path: Path, size_limit: int) -> Iterator[tuple[str, object]]:
    """(where, parsed line) for a JSON Lines file, a text or markdown paper, or a folder of
    JATS / TEI files with its metadata.csv. A line longer than `size_limit` is a failure,
    read no further than that."""
    if path.is_dir():
        yield from from_folder(path, size_limit)
    elif path.suffix.lower() in TEXT_SUFFIXES:
        try:
            yield path.name, from_text(path, size_limit)
        except InputRejected as error:
            yield path.name, error
    else:
        with path.open("rb") as lines:
            number = 0
            while raw := lines.readline(size_limit + 1):
                number += 1
                where = f"{path.name}:{number}"
                if len(raw) > size_limit and not raw.endswith(b"\n"):
                    while (rest := lines.readline(CHUNK)) and not rest.endswith(b"\n"):
                        pass  # the rest of the line, never held whole
                    yield (
                        where,
                        InputRejected(f"a line over KG_FULLTEXT_MAX_MB ({size_limit / 1e6:g} MB)"),
                    )
                elif raw.strip():
                    try:
                        yield where, json.loads(raw)
                    except ValueError as error:
                        yield where, InputRejected(f"not JSON: {error}")


def require_corpus(path: Path) -> None:
    """Refuse a corpus path where there is nothing, or that is no folder or regular file
    (never a FIFO or a device), before anything else happens."""
    if not path.exists():
        raise InputRejected(
            f"no corpus file at {path}; give a .jsonl file of papers, a .txt or .md paper, or a "
            "folder of papers (.md / .txt, or JATS / TEI files with a metadata.csv)"
        )
    require_regular(path, "the corpus")


def iter_corpus(path: Path, size_limit: int = DEFAULT_MAX_BYTES) -> Iterator[Paper | Failure]:
    """Each paper of `path` as a valid paper or a failure, read one line at a time."""
    require_corpus(path)
    seen: set[str] = set()
    for where, line in _lines(path, size_limit):
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
