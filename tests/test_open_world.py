"""Models in no table, found from how sentences introduce them, and the traps that are not."""

import pytest

from extract.open_world import introduced
from extract.records import PaperText, Section
from extract.rules import extract


def names(sentence: str) -> list[str]:
    return [m.model.name for m in introduced(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Embeddings were computed with the pre-trained ZorbNet-7 network.", ["ZorbNet-7"]),
        ("We fine-tuned QuillBERT on 3,000 labelled abstracts.", ["QuillBERT"]),
        (
            "The GlyphSeg (Doe et al., 2031) model, a convolutional network, segmented nuclei.",
            ["GlyphSeg"],
        ),
        ("PlankNet [12] was used to classify the images with its released weights.", ["PlankNet"]),
        (
            "Weights of MorphoViT-L were loaded and frozen before training a linear head.",
            ["MorphoViT-L"],
        ),
        ("A modified version of DeepFrob, a deep autoencoder, embedded the genes.", ["DeepFrob"]),
        ("Cells were segmented using a CNN following Ronneberger et al. (2015).", ["U-Net"]),
        (
            "Spectra were scored using SpecFormer 2.1 to predict peptide identities with a "
            "transformer.",
            ["SpecFormer 2.1"],
        ),
    ],
)
def test_a_model_introduced_as_used_is_found(sentence: str, expected: list[str]) -> None:
    assert names(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Mice were pre-trained on the lever task for two weeks before testing ZorbNet-7 rewards.",
        "The SpikeNet model, a spiking neural network of cortex, was used to simulate activity.",
        "The R package DeadOrAlive was used to analyse the plate pictures.",  # no deep learning
        "Like a deep network, the retina builds features layer by layer in the PlankNet model.",
        "The network was pre-trained on ImageNet and then fine-tuned on our images.",
        "We used PyTorch to implement the convolutional network.",
    ],
)
def test_traps_are_not_models(sentence: str) -> None:
    assert names(sentence) == []


def test_a_pattern_found_reuse_is_marked_and_keeps_its_sentence() -> None:
    methods = "We fine-tuned QuillBERT, a transformer language model, on our abstracts."
    section = Section(heading="Methods", paragraphs=(methods,))
    text = PaperText(work_id="W1", title="T", sections=(section,))
    (reuse,) = extract(text).reuses
    assert (reuse.model, reuse.found_by, reuse.pattern.value) == ("QuillBERT", "pattern",
                                                                  "adaptation")  # fmt: skip
    assert reuse.evidence == methods


def test_models_named_only_in_related_work_are_not_reuses() -> None:
    text = PaperText(work_id="W1", title="T", sections=(
        Section(heading="Related work", paragraphs=("We fine-tuned QuillBERT before.",)),
    ))  # fmt: skip
    assert [r.role.value for r in extract(text).reuses] == ["mentioned"]
