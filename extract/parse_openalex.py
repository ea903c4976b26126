"""OpenAlex work JSON -> Work records, abstracts, and the study's filters. Pure functions."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from extract.errors import InputRejected
from extract.parse_fulltext import normalise_doi
from extract.records import FieldRef, Work
from extract.taxonomy import NATURAL_SCIENCE_FIELDS

# The search terms of the study.
STUDY_TERMS = (
    "deep learning",
    "deep neural network",
    "hugging face",
    "model checkpoint",
    "model weights",
    "pre-trained model",
)


def short_id(url_or_id: str) -> str:
    """W2741809807 from https://openalex.org/W2741809807 (and ids for fields, domains...)."""
    return url_or_id.rstrip("/").rsplit("/", 1)[-1]


def rebuild_abstract(inverted: Mapping[str, Iterable[int]] | None) -> str | None:
    """The abstract text from OpenAlex's inverted index; gaps in the positions are skipped."""
    if not inverted:
        return None
    placed: dict[int, str] = {}
    for word, positions in inverted.items():
        for position in positions:
            if isinstance(position, int) and position >= 0:
                placed.setdefault(position, word)
    return " ".join(placed[i] for i in sorted(placed)) or None


def _fields(raw: Mapping[str, Any]) -> tuple[FieldRef, ...]:
    refs: list[FieldRef] = []
    for rank, topic in enumerate((raw.get("topics") or [])[:3]):
        field_info = topic.get("field") or {}
        domain = topic.get("domain") or {}
        if not field_info.get("id"):
            continue
        refs.append(
            FieldRef(
                id=int(short_id(str(field_info["id"]))),
                name=field_info.get("display_name") or "",
                domain=domain.get("display_name") or "",
                rank=rank,
                score=topic.get("score"),
            )
        )
    return tuple(refs)


def _journal(raw: Mapping[str, Any]) -> str | None:
    location = raw.get("primary_location") or {}
    source = location.get("source") or raw.get("host_venue") or {}
    name = source.get("display_name")
    return str(name) if name else None


def parse_work(raw: Mapping[str, Any]) -> Work:
    """A Work from one OpenAlex work object; missing optional fields stay empty."""
    if not isinstance(raw, Mapping) or "not_an_object" in raw:
        shown = raw.get("not_an_object") if isinstance(raw, Mapping) else repr(raw)[:200]
        raise InputRejected(f"a result that is not a JSON object: {shown}")
    if not raw.get("id"):
        raise InputRejected("an OpenAlex work without an id")
    open_access = raw.get("open_access") or {}
    doi = raw.get("doi")
    try:
        return Work(
            id=short_id(str(raw["id"])),
            doi=normalise_doi(doi) if doi else None,
            title=raw.get("title") or raw.get("display_name") or "",
            year=raw.get("publication_year"),
            journal=_journal(raw),
            cited_by_count=raw.get("cited_by_count") or 0,
            is_oa=open_access.get("is_oa"),
            fields=_fields(raw),
        )
    except (ValueError, TypeError) as error:
        raise InputRejected(f"OpenAlex work {raw.get('id')}: {error}") from error


@dataclass(frozen=True)
class StudyFilter:
    """The study kept a paper when any of its top three topics fell in a natural-science
    field and it had at least one citation."""

    fields: frozenset[int] = NATURAL_SCIENCE_FIELDS
    min_citations: int = 1

    def reason_to_drop(self, work: Work) -> str | None:
        if self.fields and not any(f.id in self.fields for f in work.fields):
            return "no top-3 topic in the chosen fields"
        if (work.cited_by_count or 0) < self.min_citations:
            return f"cited fewer than {self.min_citations} times"
        return None
