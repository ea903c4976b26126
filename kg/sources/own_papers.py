"""One's own papers in the forms a researcher has them, as the records a corpus line holds.

A corpus line may leave out what can be worked out: the work id (made stably from the DOI,
else the title), the text's `work_id` and `title` (the work's), and the domain and rank of a
field (given by id or by name, ranked in the order given). A line may also be flat:

    {"title": "...", "doi": "10.1/x", "year": 2024, "fields": ["Neuroscience"], "text": "..."}

Besides JSON Lines, a plain-text or markdown paper (the first line or `# ` heading is its
title, or the `title:` of a YAML front matter block as JOSS and Manubot papers open; `DOI:`,
`Year:`, `Journal:` and `Fields:` lines may follow; `## ` headings start sections, an
`## Abstract` section is the abstract) and a folder of JATS or TEI files with a
`metadata.csv` (columns file, doi, title, year, journal, fields) read without writing any JSON.
"""

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from extract.aliases import key
from extract.errors import InputRejected
from extract.taxonomy import DOMAINS, FIELDS
from kg.sources.local_files import DEFAULT_MAX_BYTES, decode, inside, read_regular

TEXT_SUFFIXES = (".txt", ".md", ".markdown")  # papers as plain text or markdown

_FIELD_BY_KEY = {key(name): field_id for field_id, (name, _) in FIELDS.items()}
_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:)", re.IGNORECASE)


def stable_id(doi: str | None, title: str | None) -> str:
    """An OpenAlex-shaped work id made from the DOI (else the title): the same paper gets the
    same id on every load."""
    if doi:
        basis = "doi:" + _DOI_PREFIX.sub("", doi.strip()).lower()
    else:
        basis = "title:" + " ".join(str(title or "").casefold().split())
    return f"W{int(hashlib.sha256(basis.encode()).hexdigest()[:13], 16)}"


def field_ref(given: Any, rank: int) -> dict[str, Any]:
    """A field given by OpenAlex id or by name (any case) as a FieldRef's fields."""
    if isinstance(given, dict):
        return {"rank": rank, **field_ref(given.get("id", given.get("name")), rank), **given}
    text = str(given).strip()
    field_id = int(text) if text.isdigit() else _FIELD_BY_KEY.get(key(text))
    if field_id not in FIELDS:
        names = {key(n): n for n, _ in FIELDS.values()}
        near = get_close_matches(key(text), list(names), n=2, cutoff=0.6)
        hint = f"; did you mean {' or '.join(names[n] for n in near)}?" if near else ""
        raise InputRejected(f"no such field: {text!r}{hint}")
    name, domain = FIELDS[field_id]
    return {"id": field_id, "name": name, "domain": DOMAINS[domain], "rank": rank}


def _paragraphs(body: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]


def complete(line: dict[str, Any]) -> dict[str, Any]:
    """A corpus line (nested or flat) with what can be worked out filled in."""
    if "work" not in line:  # flat: the work's fields, with the text as a string
        body = line.get("text")
        bare = {k: v for k, v in line.items() if k not in {"text", "abstract", "sections"}}
        flat: dict[str, Any] = {"abstract": line.get("abstract")}
        if isinstance(body, str):
            flat["sections"] = [{"heading": "Body", "paragraphs": _paragraphs(body)}]
        elif "sections" in line:
            flat["sections"] = line["sections"]
        line = {"work": bare, "text": flat}
    work: Any = dict(line["work"]) if isinstance(line.get("work"), dict) else line.get("work")
    text: Any = dict(line["text"]) if isinstance(line.get("text"), dict) else line.get("text")
    if isinstance(work, dict):
        if not work.get("id"):
            work["id"] = stable_id(work.get("doi"), work.get("title"))
        if isinstance(work.get("fields"), list):
            work["fields"] = [field_ref(f, rank) for rank, f in enumerate(work["fields"])]
        if text is None:
            text = {}
        if isinstance(text, dict):
            text.setdefault("work_id", work["id"])
            if work.get("title") is not None:
                text.setdefault("title", work["title"])
    return {**line, "work": work, "text": text}


_META = re.compile(r"^(doi|year|journal|fields?)\s*:\s*(.+)$", re.IGNORECASE)
_FRONT_TITLE = re.compile(r"^title\s*:\s*(.+)$")
_ATTRIBUTES = re.compile(r"\s*\{[^{}]*\}\s*$")  # pandoc's "## Methods {#methods}"


def from_text(path: Path, size_limit: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """A plain-text or markdown paper as a corpus line (UTF-8, or UTF-16 with its mark)."""
    lines = decode(read_regular(path, size_limit), path.name).splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise InputRejected(f"{path} is empty: a paper needs at least a title line")
    title, rest = lines[0].lstrip("# ").strip(), lines[1:]
    stripped = [line.strip() for line in rest]
    if lines[0].strip() == "---" and ("---" in stripped or "..." in stripped):
        end = min(stripped.index(mark) for mark in ("---", "...") if mark in stripped)
        front, rest = rest[:end], rest[end + 1 :]
        titles = [m.group(1) for line in front if (m := _FRONT_TITLE.match(line))]
        title = titles[0].strip().strip("\"'") if titles else path.stem
    work: dict[str, Any] = {"title": title}
    while rest and (not rest[0].strip() or _META.match(rest[0].strip())):
        if m := _META.match(rest.pop(0).strip()):
            name, value = m.group(1).lower(), m.group(2).strip()
            if name.startswith("field"):
                work["fields"] = [f.strip() for f in re.split(r"[;|]", value) if f.strip()]
            else:
                work[name] = int(value) if name == "year" and value.isdigit() else value
    sections: list[dict[str, Any]] = []
    abstract = None
    heading, chunk = "Body", list[str]()
    for line in [*rest, "## end"]:
        if line.startswith("#"):
            paragraphs = _paragraphs("\n".join(chunk))
            if paragraphs and heading.lower() == "abstract" and abstract is None:
                abstract = " ".join(paragraphs)
            elif paragraphs:
                sections.append({"heading": heading, "paragraphs": paragraphs})
            heading, chunk = _ATTRIBUTES.sub("", line.lstrip("# ")).strip(), []
        else:
            chunk.append(line)
    return complete({"work": work, "text": {"abstract": abstract, "sections": sections}})


def from_folder(
    folder: Path, size_limit: int = DEFAULT_MAX_BYTES
) -> Iterator[tuple[str, dict[str, Any] | InputRejected]]:
    """Each row of a folder's metadata.csv with its JATS or TEI file parsed, as a corpus line
    (or why it could not be read), with where it came from. A row's file must be a regular
    file inside the folder, within `size_limit` bytes (kg/sources/local_files.py)."""
    from extract.parse_fulltext import parse_xml

    sheet = folder / "metadata.csv"
    if not sheet.is_file():
        texts = sorted(p for p in folder.iterdir() if p.suffix.lower() in TEXT_SUFFIXES)
        if texts:  # markdown and text papers carry their own metadata lines
            for path in texts:
                try:
                    yield path.name, from_text(path)
                except InputRejected as error:
                    yield path.name, error
            return
        raise InputRejected(
            f"{folder} holds no metadata.csv and no .md or .txt paper: write one with the "
            "columns file, doi, title, year, journal, fields (fields separated by ;)"
        )
    rows = io.StringIO(decode(read_regular(sheet, size_limit), sheet.name), newline="")
    for number, row in enumerate(csv.DictReader(rows), start=2):
        where = f"{sheet.name}:{number}"
        try:
            name = (row.get("file") or "").strip()
            if not name:
                raise InputRejected("the row names no file (the column file)")
            parsed = parse_xml(read_regular(inside(folder, name), size_limit))
            year = (row.get("year") or "").strip()
            work = {
                "title": (row.get("title") or "").strip() or parsed.text.title,
                "doi": (row.get("doi") or "").strip() or parsed.doi,
                "year": int(year) if year.isdigit() else None,
                "journal": (row.get("journal") or "").strip() or None,
                "fields": [f.strip() for f in (row.get("fields") or "").split(";") if f.strip()],
            }
            text = parsed.text.model_dump(exclude={"work_id"})
            yield where, complete({"work": work, "text": text})
        except OSError as error:
            yield where, InputRejected(f"cannot read {row.get('file')!r}: {error.strerror}")
        except InputRejected as error:
            yield where, error
