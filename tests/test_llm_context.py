"""What the LLM reads: whole-heading exclusions, the prefilter over title, abstract and body,
trap words confined to their sentence, the stage-evidence reserve, numbered sentences."""

import pytest

from extract.context import select, speaks_of_deep_learning
from extract.passages import Passage, is_not_reuse_heading
from extract.records import PaperText, Section


def paper(*sections: tuple[str, str], abstract: str = "We measured leaves.") -> PaperText:
    body = tuple(Section(heading=h, paragraphs=(p,)) for h, p in sections)
    return PaperText(work_id="W1", title="Leaves", abstract=abstract, sections=body)


@pytest.mark.parametrize(
    ("heading", "left_out"),
    [
        ("Discussion", True),
        ("2. Introduction and background", True),
        ("Conclusions and future work", True),
        ("Discussion / Related literature", True),
        ("Results and Discussion", False),
        ("Results and Discussion / Experimental validation of predictions", False),
        ("Introduction / Results of cell typing", False),
        ("Methods / Background subtraction", False),
        ("Discussion of the fits", False),
        ("Conclusions", False),
    ],
)
def test_exclusions_match_the_whole_own_heading(heading: str, left_out: bool) -> None:
    assert Passage(heading, "text").can_hold_reuse is not left_out
    assert is_not_reuse_heading(heading.rsplit(" / ", 1)[-1]) is left_out


def test_the_prefilter_reads_the_abstract_when_there_is_a_body() -> None:
    text = paper(
        ("Introduction", "Proteins fold."),
        ("Results and discussion", "Predicted structures agreed with the crystal structures."),
        abstract="We predicted structures with AlphaFold2 and scored variants with ESM-2.",
    )
    assert speaks_of_deep_learning(text)


def test_a_spiking_sentence_silences_only_itself() -> None:
    text = paper(
        ("Methods", "We simulated a spiking network of 1,000 neurons."),
        ("Methods", "A neural network decoder was trained on the recorded firing rates."),
    )
    assert speaks_of_deep_learning(text)
    only_brain = paper(
        ("Methods", "We simulated a spiking network of 1,000 neurons."),
        ("Results", "The simulated neural network reproduced the recordings."),
    )
    assert not speaks_of_deep_learning(only_brain)


def test_stage_evidence_reaches_the_context_within_its_reserve() -> None:
    filler = "Leaves were photographed, weighed and scanned at 600 dpi before fine-tuning. " * 6
    text = paper(
        ("Introduction", "Leaf shape varies. Here we ask whether venation predicts drought."),
        ("Methods", "We fine-tuned a ResNet-50 pre-trained on ImageNet on 4,000 leaf images."),
        *[("Methods", filler) for _ in range(30)],
        ("Discussion", "Leaves dried quickly. ResNet-50 scores ranked the candidate lines. "
         "The top ten lines were then grown under drought."),
    )  # fmt: skip
    context = select(text, budget=1500)
    assert context.tokens <= 1500 and context.stage_tokens > 0
    assert "Here we ask whether venation predicts drought." in context.sentences
    assert "ResNet-50 scores ranked the candidate lines." in context.sentences
    assert "The top ten lines were then grown under drought." in context.sentences
    assert "Leaves dried quickly." not in context.sentences


def test_every_sentence_is_numbered_and_found_by_its_number() -> None:
    text = paper(("Methods", "We fine-tuned ESM-2 on stability data. Training took a day."))
    context = select(text)
    assert context.sentence(1) == "Leaves" and context.sentence(2) == "We measured leaves."
    assert context.sentence(3) == "We fine-tuned ESM-2 on stability data."
    assert "[S4] Training took a day." in context.text
    assert context.sentence(5) is None and context.sentence(0) is None
