"""Fixes from the review of roles and the LLM path, on invented sentences: sections nested
under prior work, uses_dl in the rules, and the bench's gold reuses."""

import pytest

from extract.records import PaperText, Section
from extract.rules import extract
from extract.taxonomy import Role


def test_a_subsection_of_the_introduction_holds_no_reuse() -> None:
    text = PaperText(work_id="W1", title="Plankton", sections=(
        Section(heading="Introduction / Deep learning for plankton", paragraphs=(
            "Zhang et al. trained ResNet-50 on plankton images [4].",)),
        Section(heading="Methods", paragraphs=("We counted plankton by hand.",)),
    ))  # fmt: skip
    result = extract(text)
    assert {r.model: r.role for r in result.reuses} == {"ResNet-50": Role.mentioned}
    assert not result.uses_ptms


def test_a_subsection_under_results_and_discussion_still_holds_reuse() -> None:
    text = PaperText(work_id="W1", title="Plankton", sections=(
        Section(heading="Results and Discussion / Limitations", paragraphs=(
            "We fine-tuned ResNet-50 on our plankton images.",)),
    ))  # fmt: skip
    assert {r.model: r.role for r in extract(text).reuses} == {"ResNet-50": Role.used}


def test_an_abstract_about_the_field_is_no_deep_learning_use_for_the_rules() -> None:
    text = PaperText(
        work_id="W1", title="Bird surveys by ear",
        abstract="Convolutional neural networks are increasingly proposed for bird surveys, "
        "but we rely on trained observers.",
        sections=(Section(heading="Methods", paragraphs=(
            "Observers counted birds at 40 points along transects.",)),),
    )  # fmt: skip
    assert not extract(text).uses_dl


def test_an_abstract_counts_for_the_rules_when_there_is_no_body() -> None:
    text = PaperText(
        work_id="W1",
        title="Bird surveys",
        abstract="We classified bird calls with a convolutional neural network.",
    )
    assert extract(text).uses_dl


def _used(*methods: str) -> dict[str, tuple[str, str]]:
    text = PaperText(
        work_id="W1", title="A study", sections=(Section(heading="Methods", paragraphs=methods),)
    )
    return {r.model: (r.pattern.value, r.stage.value)
            for r in extract(text).with_role(Role.used)}  # fmt: skip


def test_frozen_features_under_a_newly_trained_head_are_adaptation() -> None:
    found = _used("We froze the ResNet-50 backbone and trained a new classification head on "
                  "its features.")  # fmt: skip
    assert found["ResNet-50"][0] == "adaptation"


def test_frozen_features_fed_to_a_classical_classifier_stay_deployment() -> None:
    found = _used("Features from the frozen ResNet-50 were fed to a random forest.")
    assert found["ResNet-50"][0] == "deployment"


def test_segmenting_images_is_observation() -> None:
    assert _used("We segmented nuclei in every image with Cellpose.")["Cellpose"][1] == (
        "Observation"
    )


def test_we_used_x_to_do_something_is_deployment() -> None:
    assert _used("We used DeepLabCut to estimate poses of the mice.")["DeepLabCut"][0] == (
        "deployment"
    )


def test_labels_of_created_or_mentioned_models_are_not_gold_reuses() -> None:
    from extract.evaluate import Label

    label = Label.model_validate({"file": "p.xml", "reuses": [
        {"model": "ESM-2", "pattern": ["adaptation"], "stage": ["Test"]},
        {"model": "U-Net", "role": "used", "pattern": ["deployment"], "stage": ["Observation"]},
        {"model": "PlanktoNet", "role": "created"},
        {"model": "AlexNet", "role": "mentioned"},
    ]})  # fmt: skip
    assert [g.model for g in label.gold_reuses] == ["ESM-2", "U-Net"]


def test_the_benches_count_only_gold_reuses(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import context_recall, llm_requests

    llm_requests.main(["tests/data/labels.jsonl"])  # a mentioned label has no pattern
    context_recall.main(["tests/data/labels.jsonl"])
    said = capsys.readouterr().out
    assert "gold reuses kept: 3/3" in said
    assert "gold reused models inside the selected context: 3/3" in said


def test_the_schema_explains_each_role_with_an_invented_example() -> None:
    from extract.llm_schema import PaperAnswer

    role = PaperAnswer.model_json_schema()["$defs"]["ReuseAnswer"]["properties"]["role"]
    said = role["description"]
    parts = said.split("created:")[0], said.split("created:")[1].split("mentioned:")[0]
    assert said.startswith("used:") and all("('" in part for part in parts)
    assert "('" in said.split("mentioned:")[1]  # each role with an invented example
    assert "introduction" in said and "example of the field" in said


def test_a_synonym_is_read_before_its_suffix_is_stripped() -> None:
    from extract.llm_checks import coerce_pattern, coerce_role, coerce_stage
    from extract.taxonomy import Pattern

    assert coerce_role("reuse") is Role.used
    assert coerce_role("Reused") is Role.used
    assert coerce_pattern("adaptation_reuse") is Pattern.adaptation
    for word in ("pattern", "stage", "step", "phase"):  # no value: refused, not undetermined
        assert coerce_pattern(word) == word and coerce_stage(word) == word


def test_before_elsewhere_in_the_sentence_does_not_veto_creation() -> None:
    text = PaperText(work_id="W1", title="Plankton", sections=(
        Section(heading="Methods", paragraphs=(
            "We present PlanktoNet, a convolutional network that denoises images before "
            "classification.",)),
    ))  # fmt: skip
    assert {r.model: r.role for r in extract(text).reuses} == {"PlanktoNet": Role.created}


@pytest.mark.parametrize("sentence", [
    "We previously developed PlanktoNet, a convolutional network for plankton images.",
    "Our earlier network PlanktoNet, a convolutional classifier, was applied to the images.",
    "PlanktoNet, which we developed before, is a convolutional network for plankton.",
])  # fmt: skip
def test_the_authors_earlier_model_is_not_created_here(sentence: str) -> None:
    text = PaperText(
        work_id="W1",
        title="Plankton",
        sections=(Section(heading="Methods", paragraphs=(sentence,)),),
    )
    assert Role.created not in {r.role for r in extract(text).reuses}


@pytest.mark.parametrize(("heading", "background", "back_matter"), [
    ("Literature review", True, False), ("Motivation", True, False),
    ("2. State of the art", True, False), ("Introduction / Deep learning for plankton", True,
                                           False),
    ("Results and Discussion", False, False), ("Results / Regions of interest", False, False),
    ("Conflicts of interest", False, True), ("Acknowledgements", False, True),
    ("Conclusions", False, False), ("Conclusions and future work", True, False),
])  # fmt: skip
def test_one_section_classifier_judges_whole_headings(
    heading: str, background: bool, back_matter: bool
) -> None:
    from extract.passages import Passage

    passage = Passage(heading, "text")
    assert (passage.is_background, passage.is_back_matter) == (background, back_matter)
    assert passage.can_hold_reuse is not (background or back_matter)


def test_models_under_a_literature_review_are_kept_as_mentioned() -> None:
    text = PaperText(work_id="W1", title="Plankton", sections=(
        Section(heading="Literature review", paragraphs=(
            "Zhang et al. trained ResNet-50 on plankton images [4].",)),
        Section(heading="Methods", paragraphs=("We counted plankton by hand.",)),
    ))  # fmt: skip
    assert {r.model: r.role for r in extract(text).reuses} == {"ResNet-50": Role.mentioned}


def test_a_results_section_about_regions_of_interest_gives_stage_evidence() -> None:
    from extract.passages import Passage
    from extract.stage_evidence import stage_excerpts

    methods = Passage("Methods", "We fine-tuned ResNet-50 on our plankton images.")
    results = Passage("Results / Regions of interest",
                      "ResNet-50 detected plankton in 90% of the frames.")  # fmt: skip
    excerpts = stage_excerpts([methods, results], [methods], 1000)
    assert [e.passage.heading for e in excerpts] == ["Results / Regions of interest"]


def test_a_paragraph_given_as_stage_evidence_is_not_also_picked_whole() -> None:
    from extract.context import select

    filler = " ".join(f"Sample {n} was stored at four degrees." for n in range(30))
    text = PaperText(work_id="W1", title="Plankton", abstract="We study plankton.", sections=(
        Section(heading="Methods", paragraphs=(
            "We fine-tuned the pre-trained ResNet-50 network on our plankton images.",)),
        Section(heading="Results", paragraphs=(
            "ResNet-50 detected plankton in 90% of the frames. " + filler,)),
    ))  # fmt: skip
    for budget in (250, 400, 3000):
        said = select(text, budget).sentences
        assert len(said) == len(set(said)), budget


@pytest.mark.parametrize("model", ["o3-mini", "o1", "gpt-5", "openai/o4-mini", "gpt-5-mini"])
def test_reasoning_models_get_max_completion_tokens_and_their_own_temperature(
    model: str,
) -> None:
    from extract.llm_request import LLMConfig, decoding, output_limit

    options = decoding(LLMConfig(model=model, base_url="http://x/v1"))
    assert "max_tokens" not in options and "temperature" not in options
    assert output_limit(options).startswith("max_completion_tokens=")


@pytest.mark.parametrize("model", ["gpt-4o-mini", "llama3.1:8b", "qwen2.5", "olmo-2"])
def test_other_models_keep_max_tokens_and_temperature_zero(model: str) -> None:
    from extract.llm_request import LLMConfig, decoding

    options = decoding(LLMConfig(model=model, base_url="http://x/v1"))
    assert options["temperature"] == 0.0 and "max_tokens" in options
