"""What the LLM must answer: the study's five questions in one pydantic schema.

The field descriptions carry the taxonomy (they are what the model reads), and a validator
checks every evidence quote against the paper: a quote not found makes instructor re-ask with
the reason. The paper's index arrives through the validation context as `paper`; with
`lenient` set, quotes are not checked (used once, after the retry budget, to keep the
reuses whose quotes are right and drop the rest).
"""

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from extract.evidence import PaperIndex
from extract.records import Text
from extract.taxonomy import Pattern, Stage

PROMPT_VERSION = "llm-1"

SYSTEM_PROMPT = """\
You read excerpts of a natural-science paper and report how it uses deep learning, and in
particular which pre-trained deep learning models (PTMs) the authors reuse in their own work.

A PTM is a published deep learning model or architecture: ResNet, BERT, ESM-2, AlphaFold,
YOLO, Cellpose, DeepLabCut, CLIP, a Hugging Face checkpoint, and the like. Report a model
only when the authors themselves use it; a model named only as prior work, in a comparison
or as background is not a reuse. Animals "pre-trained" on a task, spiking neural network
models of the brain, and deep learning named only as an analogy are not deep learning use.

For every reuse give the model's name as the paper writes it, the reuse pattern, the stage of
the scientific process it serves, a few words on what was done, and one sentence copied word
for word from the excerpts as evidence.
"""


class ReuseAnswer(BaseModel):
    model: Text = Field(description="the pre-trained model's name exactly as the paper writes it")
    pattern: Pattern = Field(
        description=(
            "conceptual: the authors re-implement or re-train a published architecture or idea "
            "themselves, reusing knowledge but not weights (e.g. a U-Net trained from scratch). "
            "adaptation: they start from released weights and change them for their task: "
            "fine-tuning, transfer learning, re-training a released network on their data, "
            "LoRA or other parameter-efficient tuning, distillation. "
            "deployment: they run a released model as it is, possibly converted, quantised or "
            "served, on their own data (e.g. structures predicted with AlphaFold)."
        )
    )
    form: Text = Field(description="what was done with the model, in a few words")
    stage: Stage = Field(
        description=(
            "the step of the scientific process the model serves: Observation (collecting or "
            "noticing data: detecting, tracking, counting, recording), Background (reviewing "
            "prior work, screening literature), Hypothesis (forming testable explanations, "
            "proposing or prioritising candidates), Test (running the experiment or the "
            "prediction the study rests on), Analysis (examining results: quantifying, "
            "clustering, interpreting), Conclusion (reporting or writing up the findings)"
        )
    )
    evidence: Text = Field(
        description="one sentence copied word for word from the excerpts that shows the reuse"
    )

    @field_validator("evidence")
    @classmethod
    def _quote_is_in_the_paper(cls, evidence: str, info: ValidationInfo) -> str:
        context = info.context or {}
        paper: PaperIndex | None = context.get("paper")
        if paper is not None and not context.get("lenient"):
            reason = paper.why_not_found(evidence)
            if reason:
                raise ValueError(reason)
        return evidence


class PaperAnswer(BaseModel):
    uses_dl: bool = Field(description="do the authors use deep learning in their own work?")
    uses_ptms: bool = Field(description="do they reuse at least one pre-trained model?")
    reuses: list[ReuseAnswer] = Field(
        default_factory=list, description="one entry per pre-trained model the authors reuse"
    )
