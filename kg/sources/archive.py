"""Full-text XML files in a directory or a zip (such as PLOS's all-of-PLOS archive),
found by DOI, and the texts stored for a set of works.

Lookup tries file names first (PLOS names its files after the DOI: journal.pone.0050698.xml
is 10.1371/journal.pone.0050698), and reads the DOI inside the files only for what names do
not settle, once per archive. A file is used only for the work whose DOI it carries (a file
named for one DOI that holds another paper is refused), and only when it parses whole.

A member larger than `max_bytes` (KG_FULLTEXT_MAX_MB) is refused from the size its zip
entry or the file system gives, before it is read, and reading stops at the limit anyway:
a zip entry's declared size is the zip's word, not a fact.
"""

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from extract.errors import InputRejected
from extract.parse_fulltext import full_text_of, parse_xml
from extract.parse_openalex import rebuild_abstract
from extract.records import PaperText, Work
from kg.workspace import Workspace

_SUFFIXES = (".xml", ".nxml")


def _stem(name: str) -> str:
    base = name.rsplit("/", 1)[-1].lower()
    for suffix in (".tei.xml", ".nxml", ".xml"):
        if base.endswith(suffix):
            return base.removesuffix(suffix)
    return base


class Archive:
    def __init__(self, path: Path, max_bytes: int = 50_000_000) -> None:
        self.max_bytes = max_bytes
        if not path.exists():
            raise InputRejected(f"no full-text directory or zip at {path}")
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path) if path.is_file() else None
        except (zipfile.BadZipFile, OSError) as error:
            raise InputRejected(
                f"--fulltext {path}: not a readable zip ({error}); give a directory or a zip "
                "of JATS / TEI files"
            ) from error
        self._names = [n for n in self._members() if n.lower().endswith(_SUFFIXES)]
        self._by_stem = {_stem(n): n for n in self._names}
        self._by_doi: dict[str, str] | None = None
        self.failures: list[tuple[str, str]] = []  # (member, why it could not be read)

    def _members(self) -> Iterator[str]:
        if self._zip is not None:
            yield from self._zip.namelist()
        else:
            for file in sorted(self.path.rglob("*")):
                if file.is_file():
                    yield str(file.relative_to(self.path))

    def read(self, name: str) -> bytes:
        """A member's bytes; a damaged or oversized member is InputRejected with the reason."""
        try:
            if self._zip is not None:
                declared = self._zip.getinfo(name).file_size
                self._check_size(declared)
                with self._zip.open(name) as member:
                    data = member.read(self.max_bytes + 1)
            else:
                file = self.path / name
                self._check_size(file.stat().st_size)
                with file.open("rb") as member:
                    data = member.read(self.max_bytes + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as error:
            raise InputRejected(f"cannot read it: {error}") from error
        self._check_size(len(data))
        return data

    def _check_size(self, size: int) -> None:
        if size > self.max_bytes:
            raise InputRejected(
                f"it is {size:,} bytes or more, over the limit of {self.max_bytes:,} "
                "(KG_FULLTEXT_MAX_MB)"
            )

    def _doi_index(self) -> dict[str, str]:
        if self._by_doi is None:
            self._by_doi = {}
            for name in self._names:
                try:
                    doi = parse_xml(self.read(name)).doi
                except InputRejected as error:
                    self.failures.append((name, str(error)))
                    continue
                if doi:
                    self._by_doi.setdefault(doi, name)
        return self._by_doi

    def find(self, doi: str) -> str | None:
        """The member holding the paper with this (normalised) DOI, if any."""
        by_name = self._by_stem.get(doi.rsplit("/", 1)[-1])
        if by_name is not None:
            return by_name
        return self._doi_index().get(doi)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def abstract_text(work: Work, raw: dict[str, Any]) -> PaperText:
    return PaperText(
        work_id=work.id,
        title=work.title,
        abstract=rebuild_abstract(raw.get("abstract_inverted_index")),
        source="abstract",
    )


def store_texts(
    workspace: Workspace,
    works: Iterable[tuple[Work, dict[str, Any]]],
    archive: Archive | None,
) -> list[tuple[str, str]]:
    """Full text from the archive where it has the work's DOI, else the abstract. A text
    stored by an earlier run is kept, unless an abstract can now be upgraded to full text,
    so a rerun neither re-parses XML nor rewrites abstracts. Returns the failures (work or
    file, reason); `Workspace.coverage` tells what was stored."""
    failures: list[tuple[str, str]] = []
    for work, raw in works:
        stored = workspace.text(work.id)
        if stored is not None and stored.source != "abstract":
            continue
        member = archive.find(work.doi) if archive and work.doi else None
        if archive is not None and member is not None:
            try:
                text = full_text_of(parse_xml(archive.read(member), work.id), work.doi)
                workspace.store_text(text, f"{archive.path}:{member}", "archive")
                continue
            except InputRejected as error:
                failures.append((work.id, f"{member}: {error}; the abstract is kept"))
        if stored is None:
            stored = abstract_text(work, raw)
            if stored.abstract:
                workspace.store_text(stored, "openalex:abstract_inverted_index", "abstract")
    if archive is not None:
        listed = {f.split(":", 1)[0] for _, f in failures}
        failures += [(m, r) for m, r in archive.failures if m not in listed]
    return failures
