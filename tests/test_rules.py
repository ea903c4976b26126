from extract.records import PaperText, Section
from extract.rules import extract
from extract.taxonomy import Pattern, Role, Stage


def paper(methods: str, intro: str = "", abstract: str | None = None) -> PaperText:
    sections = [Section(heading="Methods", paragraphs=(methods,))]
    if intro:
        sections.insert(0, Section(heading="Introduction", paragraphs=(intro,)))
    return PaperText(work_id="W1", title="A study", abstract=abstract, sections=tuple(sections))


def only_reuse(methods: str) -> tuple[str, Pattern, Stage]:
    (reuse,) = extract(paper(methods)).reuses
    return reuse.model, reuse.pattern, reuse.stage


def test_fine_tuning_is_adaptation() -> None:
    assert only_reuse("We fine-tuned ESM-2 on 5,000 enzymes.")[:2] == ("ESM-2", Pattern.adaptation)


def test_transfer_learning_and_pretrained_initialisation_are_adaptation() -> None:
    assert only_reuse("A ResNet-50 was adapted by transfer learning.")[1] == Pattern.adaptation
    text = "The network was initialised with pre-trained weights of VGG16."
    assert only_reuse(text)[1] == Pattern.adaptation


def test_lora_and_distillation_are_adaptation() -> None:
    assert only_reuse("MolFormer was adapted with LoRA adapters.")[1] == Pattern.adaptation
    assert only_reuse("We distilled BERT into a smaller student.")[1] == Pattern.adaptation


def test_reimplementation_and_training_from_scratch_are_conceptual() -> None:
    assert only_reuse("We re-implemented SchNet in JAX.")[1] == Pattern.conceptual
    assert only_reuse("U-Net was trained from scratch on our images.")[1] == Pattern.conceptual


def test_negated_fine_tuning_is_deployment() -> None:
    assert only_reuse("ColabFold was run without fine-tuning.")[1] == Pattern.deployment
    assert only_reuse("Embeddings came from ProtT5 with no retraining.")[1] == Pattern.deployment


def test_off_the_shelf_onnx_and_quantisation_are_deployment() -> None:
    assert only_reuse("We used Cellpose off-the-shelf.")[1] == Pattern.deployment
    assert only_reuse("The ViT was exported to ONNX for inference.")[1] == Pattern.deployment
    assert only_reuse("Whisper was quantised to 8 bits.")[1] == Pattern.deployment


def test_a_cue_in_the_next_sentence_counts_when_it_names_no_other_model() -> None:
    text = "We started from ResNet-18. The network was then fine-tuned on galaxy images."
    assert only_reuse(text)[1] == Pattern.adaptation


def test_without_evidence_pattern_and_stage_are_undetermined_not_a_default() -> None:
    # AlphaFold's usual use is deployment, and the methods section used to mean Test: neither
    # stands in for what the sentence does not say.
    assert only_reuse("AlphaFold2 is listed in Table 3.")[1:] == (Pattern.undetermined,
                                                                   Stage.undetermined)  # fmt: skip


def test_stage_from_sentence_cues() -> None:
    assert only_reuse("YOLOv8 was fine-tuned to detect and count litter.")[2] == Stage.Observation
    text = "GPT-4 was used to screen 2,000 abstracts of the literature."
    assert only_reuse(text)[2] == Stage.Background
    text = "Geneformer was fine-tuned to prioritise candidate regulators."
    assert only_reuse(text)[2] == Stage.Hypothesis
    assert only_reuse("ChatGPT was used to draft the summary.")[2] == Stage.Conclusion
    text = "Embeddings from ESM-2 were clustered and visualised."
    assert only_reuse(text)[2] == Stage.Analysis


def test_a_methods_sentence_without_a_stage_cue_has_no_stage() -> None:
    found = only_reuse("We fine-tuned BioBERT on our corpus.")
    assert found[1:] == (Pattern.adaptation, Stage.undetermined)


def test_models_named_only_in_the_introduction_are_not_reuses() -> None:
    text = paper("Samples were measured by mass spectrometry.", intro="AlphaFold2 changed biology.")
    result = extract(text)
    assert (result.uses_dl, result.uses_ptms, result.with_role(Role.used)) == (False, False, ())
    assert [(r.model, r.role) for r in result.reuses] == [("AlphaFold2", Role.mentioned)]


def test_animals_pretrained_on_a_task_are_not_a_ptm() -> None:
    text = paper("Mice were pre-trained on a lever-press task for two weeks.")
    assert (extract(text).uses_dl, extract(text).uses_ptms) == (False, False)


def test_a_spiking_neural_network_model_of_cortex_is_not_deep_learning() -> None:
    text = paper("The spiking neural network had 4,000 integrate-and-fire neurons.")
    assert extract(text).uses_dl is False


def test_deep_learning_without_a_ptm() -> None:
    result = extract(paper("A convolutional neural network was trained from random weights."))
    assert (result.uses_dl, result.uses_ptms) == (True, False)


def test_each_model_is_one_reuse_with_its_sentence_as_evidence() -> None:
    methods = (
        "We fine-tuned ESM-2 on enzymes. Predictions were compared with ESM-2 scores. "
        "Structures were predicted with ColabFold."
    )
    text = paper(methods, abstract="ESM-2 embeddings were used.")
    result = extract(text)
    assert [r.model for r in result.reuses] == ["ESM-2", "ColabFold"]
    assert result.reuses[0].evidence == "We fine-tuned ESM-2 on enzymes."
    for reuse in result.reuses:
        assert reuse.evidence in methods
