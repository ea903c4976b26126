"""Works from a local copy of the OpenAlex snapshot instead of the API: no call, no cost.

The snapshot's documented layouts (developers.openalex.org/download/snapshot-format): since
2026 `data/jsonl/works/updated_date=YYYY-MM-DD/part_NNNN.gz` (gzip JSON Lines, each line
"exactly the same as you'd get from our API") and `data/parquet/works/...`; before,
`data/works/updated_date=…/part_000.gz` (now under `legacy-data/`). `DIR` may be the
snapshot's root or its works folder; parquet is preferred where both are present.

The columnar engine is DuckDB (`duckdb` on PyPI): it reads gzip JSON Lines and parquet
alike, in parallel, out of core within a memory limit, and filters on the JSON with
`json_extract` without building a Python object per line; only the works that pass its
filters reach Python. (pyarrow, already a dependency, reads parquet well but has no
streaming JSON reader for nested, ragged records like OpenAlex's.)

The filters are the API path's (kg/sources/openalex.py `search_query`): type article,
publication year in range, open access; the search phrases in the title or the abstract
(rebuilt from `abstract_inverted_index`), case-insensitive; then the study's filters (a
top-3 topic in the chosen fields, enough citations) as a pre-filter, which `apply_filter`
decides again on the stored works as for the API path. Each work is stored as the API path
stores it: its raw JSON and its parsed Work, the same ids; the request log says
`snapshot:<DIR>`.
"""

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from extract.errors import InputRejected
from extract.parse_openalex import StudyFilter, parse_work, rebuild_abstract
from kg.workspace import Workspace

PAGE = 1000  # works stored per transaction
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Selection:
    phrases: tuple[str, ...]
    years: tuple[int, int]
    study: StudyFilter
    open_access_only: bool = True


@dataclass
class SnapshotReport:
    files: int = 0
    candidates: int = 0  # works that passed the engine's filters
    stored: int = 0  # of them, with a phrase in the title or abstract


def snapshot_files(directory: Path) -> tuple[str, list[Path]]:
    """The works files of a snapshot: ("parquet" | "json", files)."""
    if not directory.is_dir():
        raise InputRejected(f"--snapshot {directory}: not a folder")
    for root in (directory / "data" / "parquet" / "works", directory / "data" / "works",
                 directory / "data" / "jsonl" / "works", directory):  # fmt: skip
        parquet = sorted(root.rglob("*.parquet")) if root.is_dir() else []
        if parquet:
            return "parquet", parquet
        jsonl = sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(
            (".gz", ".jsonl", ".json"))) if root.is_dir() else []  # fmt: skip
        if jsonl:
            return "json", jsonl
    raise InputRejected(
        f"--snapshot {directory}: no works files (data/jsonl/works/**/*.gz or "
        "data/parquet/works/**/*.parquet)"
    )


def _source(kind: str, files: Sequence[Path]) -> str:
    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    if kind == "parquet":
        return f"(SELECT to_json(w) AS j FROM read_parquet([{listed}], union_by_name=true) w)"
    return (f"(SELECT json AS j FROM read_ndjson_objects([{listed}], compression='auto',"
            " ignore_errors=true))")  # fmt: skip


def _where(selection: Selection) -> tuple[str, list[Any]]:
    clauses = ["j->>'$.type' = 'article'",
               "TRY_CAST(j->>'$.publication_year' AS INTEGER) BETWEEN ? AND ?",
               "coalesce(TRY_CAST(j->>'$.cited_by_count' AS INTEGER), 0) >= ?"]  # fmt: skip
    args: list[Any] = [*selection.years, selection.study.min_citations]
    if selection.open_access_only:
        clauses.append("j->>'$.open_access.is_oa' = 'true'")
    if selection.study.fields:
        field_ids = [f"https://openalex.org/fields/{f}" for f in sorted(selection.study.fields)]
        tops = " OR ".join(f"list_contains(?, j->>'$.topics[{n}].field.id')" for n in range(3))
        clauses.append(f"({tops})")
        args += [field_ids] * 3
    words = [[w.lower() for w in _WORD.findall(p)] for p in selection.phrases]
    matches = []
    for phrase, phrase_words in zip(selection.phrases, words, strict=True):
        matches.append("lower(j->>'$.title') LIKE ?")
        args.append(f"%{phrase.lower()}%")
        if phrase_words:  # each word a key of the inverted index: the only strings in it
            matches.append("(" + " AND ".join(["contains(abstract, ?)"] * len(phrase_words)) + ")")
            args += [f'"{w}"' for w in phrase_words]
    clauses.append("(" + " OR ".join(matches) + ")")
    return " AND ".join(clauses), args


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def has_phrase(raw: dict[str, Any], phrases: Sequence[str]) -> bool:
    """A phrase in the title or the rebuilt abstract, as words, case-insensitive."""
    title = _normal(str(raw.get("title") or raw.get("display_name") or ""))
    abstract = _normal(rebuild_abstract(raw.get("abstract_inverted_index")) or "")
    wanted = [_normal(p) for p in phrases]
    return any(p and (f" {p} " in f" {title} " or f" {p} " in f" {abstract} ") for p in wanted)


def candidates(directory: Path, selection: Selection, memory: str = "1GB") -> Iterator[str]:
    """The raw JSON of each work that passes the engine's filters, streamed."""
    kind, files = snapshot_files(directory)
    where, args = _where(selection)
    db = duckdb.connect(config={"memory_limit": memory, "preserve_insertion_order": False})
    try:
        source = (f"(SELECT j, lower(json_extract(j, '$.abstract_inverted_index')::VARCHAR)"
                  f" AS abstract FROM {_source(kind, files)})")  # fmt: skip
        cursor = db.execute(f"SELECT j FROM {source} WHERE {where}", args)
        while rows := cursor.fetchmany(PAGE):
            for (raw,) in rows:
                yield raw
    except duckdb.Error as error:
        raise InputRejected(f"--snapshot {directory}: {str(error).splitlines()[0]}") from error
    finally:
        db.close()


def select_works(
    workspace: Workspace,
    directory: Path,
    selection: Selection,
    step: Callable[[int], None] = lambda n: None,
) -> SnapshotReport:
    """Store the works of the snapshot at `directory` that `selection` keeps."""
    phrases = [p.strip() for p in selection.phrases if p.strip()]
    if not phrases:
        raise InputRejected("give at least one search term")
    report = SnapshotReport(files=len(snapshot_files(directory)[1]))
    origin = f"snapshot:{directory.resolve()}"
    page: list[dict[str, Any]] = []
    for text in candidates(directory, Selection(tuple(phrases), selection.years, selection.study,
                                                selection.open_access_only)):  # fmt: skip
        report.candidates += 1
        raw = json.loads(text)
        if not has_phrase(raw, phrases):
            continue
        page.append(raw)
        if len(page) == PAGE:
            report.stored += _store(workspace, origin, page)
            step(len(page))
            page = []
    if page:
        report.stored += _store(workspace, origin, page)
        step(len(page))
    return report


def _store(workspace: Workspace, origin: str, page: list[dict[str, Any]]) -> int:
    parsed: list[Any] = []
    for raw in page:
        try:
            parsed.append(parse_work(raw))
        except InputRejected as error:
            parsed.append(str(error))
    workspace.store_page(origin, page, parsed)
    return len(page)
