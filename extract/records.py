"""The records every stage takes and returns. Defined once, here.

Every string that comes from outside (OpenAlex, XML, corpus files, an LLM's answer) is a
`Text`: characters the graph stores refuse or cannot encode (NUL and the other C0 controls
but tab and newlines, lone surrogates, U+FFFE/U+FFFF) are dropped as the record is made, so
one bad character can never reach a store, a ledger or a batch.
"""

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from extract.taxonomy import Pattern, Role, Stage

_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """`value` without the characters a store refuses (see the module docstring)."""
    return _REFUSED.sub("", value)


Text = Annotated[str, AfterValidator(clean_text)]

# The longest key or indexed string (ids, model names, families, DOIs) a record may hold, in
# UTF-8 bytes: FalkorDB's server dies enforcing a unique constraint on a string of about
# 4,500 bytes and Neo4j refuses to index one of 8 kB, so a longer one fails its record, with
# this reason, before it can reach a store. Real names are a few dozen bytes.
KEY_MAX_BYTES = 1000


def bounded_key(value: str) -> str:
    """`value` when a graph store can index it; else the reason, as a ValueError."""
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > KEY_MAX_BYTES:
        raise ValueError(f"{size:,} bytes long; a key of the graph holds at most "
                         f"{KEY_MAX_BYTES:,}")  # fmt: skip
    return value


Key = Annotated[str, AfterValidator(clean_text), AfterValidator(bounded_key)]
WorkId = Annotated[str, Field(pattern=r"^W\d{1,19}$", description="OpenAlex work id")]
# Whole numbers the graph stores hold (64-bit): a larger one (a citation count of 1e20) makes
# the record fail with that reason, the same for a fresh (bulk) and an incremental load.
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldRef(Record):
    """One OpenAlex field a work belongs to, through one of its top topics."""

    id: Int64 = Field(description="OpenAlex field id, e.g. 13")
    name: Key
    domain: Key
    rank: Int64 = Field(ge=0, description="0 for the primary topic's field, then 1, 2")
    score: float | None = Field(default=None, allow_inf_nan=False,
                                description="topic score from OpenAlex")  # fmt: skip


class Work(Record):
    """A paper's bibliographic record (from OpenAlex or the demo corpus)."""

    id: WorkId = Field(description="OpenAlex work id, e.g. W2741809807")
    doi: Key | None = None
    title: Text
    year: int | None = Field(default=None, ge=1800, le=2100)
    journal: Text | None = None
    # None: not known (a paper of one's own, not from OpenAlex), never read as 0 citations
    cited_by_count: Int64 | None = Field(default=None, ge=0)
    is_oa: bool | None = None
    fields: tuple[FieldRef, ...] = ()


class Section(Record):
    heading: Text
    paragraphs: tuple[Text, ...] = ()


class PaperText(Record):
    """What can be read of a paper: title, abstract and body sections."""

    work_id: Key
    title: Text
    abstract: Text | None = None
    sections: tuple[Section, ...] = ()
    source: Literal["jats", "tei", "abstract", "corpus"] = "corpus"
    article_type: Text | None = Field(
        default=None, description="as the publisher types it (JATS article-type): "
        "research-article, review-article, correction, editorial ...",
    )  # fmt: skip


class Reuse(Record):
    """One model a paper names, with its role and the sentence that shows it.

    Only role `used` is a reuse (a REUSES edge); `created` is the paper's own model (an
    INTRODUCES edge), `mentioned` a model named only as background (kept here, not in the
    graph). Pattern and stage are `undetermined` when no evidence in the paper decides them.
    Stored runs from before roles read as `used`.
    """

    mention: Text = Field(description="the model as written in the paper")
    model: Key = Field(description="canonical model name, e.g. ResNet-50")
    family: Key
    modality: Key
    pattern: Pattern
    stage: Stage
    form: Text = Field(description="what was done with the model, in a few words")
    evidence: Text = Field(description="the sentence of the paper the reuse was read from")
    found_by: Literal["table", "catalogue", "pattern", "shape", "llm"] = Field(
        default="table",
        description="the curated table, the generated catalogue, an introducing sentence "
        "(a model in no table), a name shaped like a network's (ERFNet, CycleGAN), or the LLM",
    )
    role: Role = Field(
        default=Role.used,
        description="used (a reuse), created (the paper's own model) or mentioned (background)",
    )


class Extraction(Record):
    """An extractor's answer to the study's five questions for one paper."""

    work_id: Key
    uses_dl: bool
    uses_ptms: bool  # at least one reuse with role `used`
    reuses: tuple[Reuse, ...] = ()
    extractor: str = Field(description="which extractor answered, e.g. rules")
    extractor_version: str = Field(description="rules version or prompt version")

    def with_role(self, role: Role) -> tuple[Reuse, ...]:
        """The named models of one role (`used`: the reuses)."""
        return tuple(reuse for reuse in self.reuses if reuse.role is role)


class ExtractionFailure(Record):
    """A paper an extractor could not answer for: recorded, never read as "no reuse"."""

    work_id: Key
    extractor: str
    extractor_version: str
    reason: Text


Outcome = Extraction | ExtractionFailure


class Paper(Record):
    """A work with its text: what a corpus file holds per line."""

    work: Work
    text: PaperText
