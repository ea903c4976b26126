"""Bulk full-text packages on local disk, streamed article by article, never unpacked to
disk. Four kinds, told apart by the file name:

- `europepmc-dump` (`*.xml.gz`): Europe PMC's open-access subset, weekly files like
  `PMC13900_PMC17829.xml.gz` of many JATS `<article>` records one after another (in an
  `<article-set>` or not, with or without a DOCTYPE per article). The decompressed stream is
  cut into articles at `<article …>` / `</article>` on the bytes, so one article at a time is
  held and the XML is parsed later, in the worker pool.
- `pmc-oa-bulk` (`*.tar.gz`, `*.tgz`): the old PMC `oa_bulk` baselines and incrementals that
  users keep as mirrors (members like `PMC006xxxxxx/PMC6908519.xml`), read as a stream
  (`tarfile` mode `r|gz`: no seeking, one member at a time). Its file list beside it
  (`<name>.filelist.csv`: `Article File, Article Citation, AccessionID, LastUpdated, PMID,
  License, Retracted`) gives each member's licence and retraction (`filelist_of`).
- `allofplos` (`*.zip`): PLOS's corpus, one JATS file per article (`journal.pone.0050698.xml`).
- `meca` (`*.meca`): bioRxiv / medRxiv MECA packages, zips whose `manifest.xml` names the
  article's JATS (`<item type="article">` … `<instance media-type="application/xml"
  href="content/….xml">`); that member is read, never "the first .xml" (which may be the
  manifest itself).

Archives are hostile input: each member over `max_bytes` (KG_FULLTEXT_MAX_MB) is refused
from its declared size where the format gives one, and reading stops at the limit anyway;
such a member fails alone and the package goes on.
"""

import csv
import gzip
import re
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from lxml import etree

from extract.errors import InputRejected

KINDS = {".xml.gz": "europepmc-dump", ".tar.gz": "pmc-oa-bulk", ".tgz": "pmc-oa-bulk",
         ".zip": "allofplos", ".meca": "meca"}  # fmt: skip
CHUNK = 1 << 20
_START = re.compile(rb"<article[\s>]")
_END = b"</article>"


@dataclass(frozen=True)
class Member:
    """One article of a package: its XML, or why it could not be read."""

    name: str
    xml: bytes | None = None
    error: str | None = None


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    return next((kind for suffix, kind in KINDS.items() if name.endswith(suffix)), None)


def packages_in(paths: Iterable[Path]) -> list[Path]:
    """The packages given: files of a known kind, folders (searched for them), and text
    files listing packages one per line."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and kind_of(p))
        elif path.is_file() and kind_of(path):
            found.append(path)
        elif path.is_file() and path.suffix in (".txt", ".list"):
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            listed = [Path(line.strip()) for line in lines if line.strip()]
            found += packages_in(p if p.is_absolute() else path.parent / p for p in listed)
        else:
            raise InputRejected(
                f"--bulk {path}: not a folder, a package (.xml.gz, .tar.gz, .zip, .meca) or a "
                "list of packages"
            )
    return [p.resolve() for p in dict.fromkeys(found)]


def filelist_of(package: Path) -> dict[str, tuple[str | None, bool]]:
    """Licence and retraction per member, from an oa_bulk package's `.filelist.csv` (empty
    when there is none or it cannot be read)."""
    name = package.name
    for suffix in (".tar.gz", ".tgz"):
        name = name.removesuffix(suffix)
    listing = package.with_name(f"{name}.filelist.csv")
    if not listing.is_file():
        return {}
    found: dict[str, tuple[str | None, bool]] = {}
    try:
        with listing.open(encoding="utf-8", errors="replace", newline="") as rows:
            for row in csv.DictReader(rows):
                member = (row.get("Article File") or "").strip()
                licence = (row.get("License") or "").strip()[:40] or None
                retracted = (row.get("Retracted") or "").strip().lower() == "yes"
                if member:
                    found[member] = (licence, retracted)
    except (OSError, csv.Error):
        return {}
    return found


def _too_large(size: int, max_bytes: int) -> str:
    return f"it is {size:,} bytes or more, over the limit of {max_bytes:,} (KG_FULLTEXT_MAX_MB)"


def split_articles(chunks: Iterable[bytes], max_bytes: int) -> Iterator[Member]:
    """The `<article>` records of a byte stream, one at a time; one longer than `max_bytes`
    is a Member with an error, and the stream goes on after it."""
    buffer = b""
    count = 0
    skipping = False
    for chunk in chunks:
        buffer += chunk
        pos = 0
        while True:
            if skipping:
                end = buffer.find(_END, pos)
                if end < 0:
                    pos = max(pos, len(buffer) - len(_END))
                    break
                pos, skipping = end + len(_END), False
                continue
            start = _START.search(buffer, pos)
            if start is None:
                pos = max(pos, len(buffer) - 16)  # a tag may be cut at the chunk's end
                break
            end = buffer.find(_END, start.start())
            if end < 0:
                pos = start.start()
                if len(buffer) - pos > max_bytes:
                    count += 1
                    yield Member(f"article {count}", error=_too_large(max_bytes + 1, max_bytes))
                    skipping, pos = True, len(buffer) - len(_END)
                break
            count += 1
            size = end + len(_END) - start.start()
            if size > max_bytes:
                yield Member(f"article {count}", error=_too_large(size, max_bytes))
            else:
                yield Member(f"article {count}", buffer[start.start() : end + len(_END)])
            pos = end + len(_END)
        buffer = buffer[pos:]


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _chunks(stream: _Readable) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def _capped(stream: IO[bytes], max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputRejected(_too_large(len(data), max_bytes))
    return data


def _dump(path: Path, max_bytes: int) -> Iterator[Member]:
    with gzip.open(path, "rb") as stream:
        yield from split_articles(_chunks(stream), max_bytes)


def _tar(path: Path, max_bytes: int) -> Iterator[Member]:
    with tarfile.open(path, mode="r|gz") as tar:
        for info in tar:
            if not info.isfile() or not info.name.lower().endswith((".xml", ".nxml")):
                continue
            if info.size > max_bytes:
                yield Member(info.name, error=_too_large(info.size, max_bytes))
                continue
            stream = tar.extractfile(info)
            if stream is None:
                continue
            try:
                yield Member(info.name, _capped(stream, max_bytes))
            except InputRejected as error:
                yield Member(info.name, error=str(error))


def _zip_member(archive: zipfile.ZipFile, name: str, max_bytes: int) -> Member:
    try:
        declared = archive.getinfo(name).file_size
        if declared > max_bytes:
            return Member(name, error=_too_large(declared, max_bytes))
        with archive.open(name) as stream:
            return Member(name, _capped(stream, max_bytes))
    except InputRejected as error:
        return Member(name, error=str(error))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error) as error:
        return Member(name, error=f"cannot read it: {error}")


def _plos(path: Path, max_bytes: int) -> Iterator[Member]:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.is_dir() and info.filename.lower().endswith((".xml", ".nxml")):
                yield _zip_member(archive, info.filename, max_bytes)


def meca_article(manifest: bytes) -> str | None:
    """The JATS member a MECA manifest names for its article item."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(manifest.strip(), parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    for item in root.iter("{*}item", "item"):
        kind = item.get("type") or item.get("item-type") or ""
        if "article" not in kind:
            continue
        for instance in item.iter("{*}instance", "instance"):
            href = instance.get("href") or ""
            if instance.get("media-type") == "application/xml" and href:
                return href
    return None


def _meca(path: Path, max_bytes: int) -> Iterator[Member]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifests = sorted((n for n in names if n.rsplit("/", 1)[-1] == "manifest.xml"), key=len)
        if not manifests:
            yield Member("manifest.xml", error="no manifest.xml in the MECA package")
            return
        manifest = _zip_member(archive, manifests[0], max_bytes)
        if manifest.xml is None:
            yield manifest
            return
        href = meca_article(manifest.xml)
        if href is None:
            yield Member(manifests[0], error="the manifest names no article XML")
            return
        folder = manifests[0].rpartition("/")[0]
        name = f"{folder}/{href}" if folder else href
        if name not in names:
            yield Member(name, error="the manifest names a member the package does not hold")
            return
        yield _zip_member(archive, name, max_bytes)


_READERS = {"europepmc-dump": _dump, "pmc-oa-bulk": _tar, "allofplos": _plos, "meca": _meca}


def members(path: Path, max_bytes: int) -> Iterator[Member]:
    """The articles of one package; a package that breaks off is a last Member with the
    reason (what came before it stands)."""
    kind = kind_of(path)
    if kind is None:
        raise InputRejected(f"{path}: not a bulk package")
    try:
        yield from _READERS[kind](path, max_bytes)
    except (OSError, EOFError, tarfile.TarError, zipfile.BadZipFile, zlib.error) as error:
        yield Member(path.name, error=f"the package cannot be read on: {error}")
