"""Who made a model, was it used, and what was done to its weights: roles, kinds of names
that are not models, pattern cues and undetermined values, on invented sentences."""

import pytest

from extract.kinds import is_generic_architecture, is_known_non_model
from extract.open_world import named_models
from extract.records import Extraction, PaperText, Reuse, Section
from extract.rules import extract
from extract.taxonomy import Pattern, Role, Stage


def paper(*methods: str, title: str = "A study", intro: str = "") -> PaperText:
    sections = [Section(heading="Methods", paragraphs=methods)]
    if intro:
        sections.insert(0, Section(heading="Introduction", paragraphs=(intro,)))
    return PaperText(work_id="W1", title=title, sections=tuple(sections))


def roles(result: Extraction) -> dict[str, Role]:
    return {r.model: r.role for r in result.reuses}


def patterns(*methods: str) -> dict[str, Pattern]:
    return {r.model: r.pattern for r in extract(paper(*methods)).with_role(Role.used)}


# Roles


def test_a_model_the_paper_presents_and_its_variant_are_created_not_reused() -> None:
    result = extract(paper(
        "We present PlanktoNet, a convolutional network we trained on 2 million plankton images.",
        "The PlanktoNet-Lite network, a pruned convolutional network, was deployed on the ship.",
    ))  # fmt: skip
    assert roles(result) == {"PlanktoNet": Role.created, "PlanktoNet-Lite": Role.created}
    assert (result.uses_dl, result.uses_ptms) == (True, False)


def test_a_name_in_apposition_to_our_network_is_created() -> None:
    text = paper("We compared GlacioSeg, our new convolutional network, with Cellpose.")
    assert roles(extract(text)) == {"GlacioSeg": Role.created, "Cellpose": Role.used}


def test_a_name_given_by_others_is_not_the_papers_own() -> None:
    # "named" without the authors naming it: a brain region beside a network, not a model
    text = paper("Cells of the region named CA1 were segmented by a convolutional network.")
    assert extract(text).reuses == ()
    text = paper("We trained a convolutional network, which we call FoldCNN2, on 900 scans.")
    assert roles(extract(text)) == {"FoldCNN2": Role.created}


def test_a_title_that_names_no_model_creates_none() -> None:
    text = paper("A convolutional network was trained on 900 scans.",
                 title="COVID-19: deep learning on chest scans")  # fmt: skip
    assert extract(text).reuses == ()


def test_our_model_named_later_in_the_paper_is_created() -> None:
    result = extract(paper(
        "Our model, GlacioNet, is a deep convolutional network for crevasse maps.",
        "GlacioNet was trained on 400 aerial images and fine-tuned on 40 more.",
    ))  # fmt: skip
    assert roles(result) == {"GlacioNet": Role.created}


def test_a_title_that_names_the_tool_makes_it_the_papers_own() -> None:
    text = paper("ZorbSeg (a convolutional network) was used to segment 900 diatoms.",
                 title="ZorbSeg: a deep learning tool to segment diatoms")  # fmt: skip
    assert roles(extract(text)) == {"ZorbSeg": Role.created}


def test_naming_a_fine_tuned_known_model_is_adapting_it_not_creating_it() -> None:
    result = extract(paper("We call the fine-tuned model ESM-2 3B Zorb in what follows."))
    assert [(r.model, r.role, r.pattern) for r in result.reuses] == [
        ("ESM-2", Role.used, Pattern.adaptation)
    ]


def test_a_known_model_is_never_a_variant_of_the_papers_own() -> None:
    # ProtT5 begins with the paper's own ProtT, but a model table knows it
    result = extract(paper("We present ProtT, our new protein language model.",
                           "Embeddings from ProtT5 were computed for comparison."))  # fmt: skip
    assert roles(result) == {"ProtT": Role.created, "ProtT5": Role.used}


def test_the_authors_earlier_cited_model_is_reused() -> None:
    text = paper("We previously developed DeepFrob [12]. The pre-trained DeepFrob deep "
                 "autoencoder was applied to embed the genes.")  # fmt: skip
    assert roles(extract(text)) == {"DeepFrob": Role.used}


def test_models_named_as_examples_of_the_field_are_mentioned() -> None:
    result = extract(paper(
        "Networks such as AlexNet and Inception-v3 have transformed image analysis [3].",
        "We fine-tuned ResNet-50 on our plankton images.",
    ))  # fmt: skip
    assert roles(result) == {"AlexNet": Role.mentioned, "Inception-v3": Role.mentioned,
                             "ResNet-50": Role.used}  # fmt: skip
    assert [r.model for r in result.with_role(Role.used)] == ["ResNet-50"]


def test_a_model_described_as_someone_elses_work_in_the_methods_is_mentioned() -> None:
    result = extract(paper(
        "AlphaFold2 was developed by Jumper et al. for single protein chains.",
        "Earlier work fine-tuned ESM-2 for this task [8].",
        "Structures were predicted with ColabFold.",
    ))  # fmt: skip
    assert roles(result) == {"AlphaFold2": Role.mentioned, "ESM-2": Role.mentioned,
                             "ColabFold": Role.used}  # fmt: skip


def test_a_model_used_in_the_methods_and_named_in_the_introduction_is_used() -> None:
    text = paper("Structures were predicted with AlphaFold2.", intro="AlphaFold2 changed biology.")
    assert roles(extract(text)) == {"AlphaFold2": Role.used}


def test_only_a_mention_leaves_the_paper_without_reuse_or_deep_learning() -> None:
    text = paper("Seeds were weighed.", intro="Tools such as AlphaFold2 have become common.")
    result = extract(text)
    assert (result.uses_dl, result.uses_ptms) == (False, False)
    assert roles(result) == {"AlphaFold2": Role.mentioned}


# Generic architectures and names that are not models


@pytest.mark.parametrize(
    "sentence",
    [
        "A BiLSTM encoder and a CNN-based classifier were trained on the sequences.",
        "The ANN model used here was a standard feed-forward network.",
        "We trained a 1D-CNN model and a GRU network on the recordings.",
        "A GAN model generated synthetic spectra for the convolutional network.",
    ],
)
def test_generic_architectures_are_never_models(sentence: str) -> None:
    assert named_models(sentence) == ()
    assert extract(paper(sentence)).uses_ptms is False


def test_a_generic_architecture_tied_to_its_authors_is_conceptual_reuse() -> None:
    sentence = "Reads were encoded by a transformer (Vaswani et al., 2017) we trained from scratch."
    assert patterns(sentence) == {"Transformer": Pattern.conceptual}
    assert patterns("An LSTM (Hochreiter & Schmidhuber, 1997) was re-implemented in JAX.") == {
        "LSTM": Pattern.conceptual
    }


@pytest.mark.parametrize(
    "sentence",
    [
        "The convolutional network was implemented in PyTorch and pre-trained on ImageNet.",
        "We used the SeqKit2 library to prepare reads for the convolutional network.",
        "Spectra from the MassBase2 database were used to train the neural network.",
        "The R package DeadOrAlive2 was used with a deep learning model of our own.",
    ],
)
def test_software_data_and_statistics_are_rejected_by_their_kind(sentence: str) -> None:
    assert named_models(sentence) == ()


def test_kinds_come_from_type_knowledge_and_name_forms() -> None:
    assert all(map(is_generic_architecture, ["CNN", "3D-CNN", "CNN-LSTM", "Bi-GRU", "GANs"]))
    assert not any(map(is_generic_architecture, ["ResNet-50", "GRUBERT", "PlanktoNet"]))
    assert all(map(is_known_non_model, ["Keras", "scikit-learn", "CIFAR-10", "PCA", "FooDB"]))
    assert not any(map(is_known_non_model, ["ESM-2", "Cellpose", "ZorbNet-7"]))


# Patterns from what was done to the weights


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The pre-trained ZorbNet-7 network was kept frozen and used as a feature extractor.",
         Pattern.deployment),
        ("Embeddings from ESM-2 were fed to a random forest.", Pattern.deployment),
        ("A pre-trained VGG-16 sorted the images into twelve classes.", Pattern.deployment),
        ("A pre-trained VGG-16 was fine-tuned to sort the images.", Pattern.adaptation),
        ("Predictions of AlphaFold2 were compared with crystal structures.", Pattern.deployment),
        ("Peptide spectra were searched using DIA-NN in library-free mode.", Pattern.deployment),
        ("We froze the first layers of ResNet-50 and fine-tuned the rest.", Pattern.adaptation),
        ("We trained a ZorbPose network starting from its ResNet-50 backbone pre-trained on "
         "ImageNet.", Pattern.adaptation),
        ("ResNet-50 was trained from scratch rather than fine-tuned.", Pattern.conceptual),
        ("Our segmentation network is based on U-Net, with fewer filters.", Pattern.conceptual),
        ("Nuclei were segmented by a network using a U-Net architecture [4].", Pattern.conceptual),
    ],
)  # fmt: skip
def test_pattern_from_what_was_done_to_the_weights(sentence: str, expected: Pattern) -> None:
    assert set(patterns(sentence).values()) == {expected}


# Undetermined


def test_no_evidence_gives_undetermined_pattern_and_stage() -> None:
    (reuse,) = extract(paper("We relied on Cellpose throughout.")).reuses
    assert (reuse.role, reuse.pattern, reuse.stage) == (Role.used, Pattern.undetermined,
                                                        Stage.undetermined)  # fmt: skip
    assert reuse.form == "no evidence of what was done with the model"


def test_a_stage_cue_in_the_next_sentence_counts_when_it_names_no_other_model() -> None:
    (reuse,) = extract(paper("We ran BirdNET on every recording night. Calls were counted.")).reuses
    assert reuse.stage is Stage.Observation


def test_a_reuse_stored_before_roles_reads_as_used() -> None:
    old = ('{"mention": "ESM-2", "model": "ESM-2", "family": "ESM", "modality": "protein", '
           '"pattern": "adaptation", "stage": "Test", "form": "fine-tuning", '
           '"evidence": "We fine-tuned ESM-2.", "found_by": "table"}')  # fmt: skip
    assert Reuse.model_validate_json(old).role is Role.used


def test_pre_trained_is_no_evidence_against_fine_tuning_said_in_the_same_sentence() -> None:
    found = patterns(
        "We adapted the pre-trained SLEAP ResNet-50 model to our aquarium videos by "
        "fine-tuning it on 300 labelled frames."
    )
    assert found.get("SLEAP") is Pattern.adaptation
