"""The records every stage takes and returns. Defined once, here."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extract.taxonomy import Pattern, Stage


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldRef(Record):
    """One OpenAlex field a work belongs to, through one of its top topics."""

    id: int = Field(description="OpenAlex field id, e.g. 13")
    name: str
    domain: str
    rank: int = Field(ge=0, description="0 for the primary topic's field, then 1, 2")
    score: float | None = Field(default=None, description="topic score from OpenAlex")


class Work(Record):
    """A paper's bibliographic record (from OpenAlex or the demo corpus)."""

    id: str = Field(pattern=r"^W\d+$", description="OpenAlex work id, e.g. W2741809807")
    doi: str | None = None
    title: str
    year: int | None = Field(default=None, ge=1800, le=2100)
    journal: str | None = None
    cited_by_count: int = Field(default=0, ge=0)
    is_oa: bool | None = None
    fields: tuple[FieldRef, ...] = ()


class Section(Record):
    heading: str
    paragraphs: tuple[str, ...] = ()


class PaperText(Record):
    """What can be read of a paper: title, abstract and body sections."""

    work_id: str
    title: str
    abstract: str | None = None
    sections: tuple[Section, ...] = ()
    source: Literal["jats", "tei", "abstract", "corpus"] = "corpus"


class Reuse(Record):
    """One pre-trained model a paper reuses, with the sentence that shows it."""

    mention: str = Field(description="the model as written in the paper")
    model: str = Field(description="canonical model name, e.g. ResNet-50")
    family: str
    modality: str
    pattern: Pattern
    stage: Stage
    form: str = Field(description="what was done with the model, in a few words")
    evidence: str = Field(description="the sentence of the paper the reuse was read from")


class Extraction(Record):
    """An extractor's answer to the study's five questions for one paper."""

    work_id: str
    uses_dl: bool
    uses_ptms: bool
    reuses: tuple[Reuse, ...] = ()
    extractor: str = Field(description="which extractor answered, e.g. rules")
    extractor_version: str = Field(description="rules version or prompt version")


class Paper(Record):
    """A work with its text: what a corpus file holds per line."""

    work: Work
    text: PaperText
