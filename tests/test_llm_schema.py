"""The answer schema as strict decoders take it, and the local checks of each reuse."""

from typing import Any

import pytest
from openai.lib._pydantic import to_strict_json_schema

from extract.context import select
from extract.errors import ConfigError
from extract.evidence import PaperIndex
from extract.llm_request import LLMConfig, decoding
from extract.llm_schema import PaperAnswer, ReuseAnswer, max_output_tokens
from extract.records import PaperText, Section
from extract.taxonomy import Pattern, Role, Stage


def objects(schema: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            found.append(schema)
        for value in schema.values():
            found += objects(value)
    elif isinstance(schema, list):
        for value in schema:
            found += objects(value)
    return found


def test_the_schema_is_already_in_strict_form() -> None:
    schema = PaperAnswer.model_json_schema()
    assert to_strict_json_schema(PaperAnswer) == schema  # openai's conversion changes nothing
    for obj in objects(schema):
        assert obj["additionalProperties"] is False
        assert obj["required"] == list(obj["properties"])
        for field in obj["properties"].values():
            assert "default" not in field and not ("$ref" in field and len(field) > 1)
    reuse = schema["$defs"]["ReuseAnswer"]["properties"]
    assert list(reuse)[:2] == ["evidence", "quote"]  # cite before classifying
    assert reuse["pattern"]["enum"] == [p.value for p in Pattern]
    assert "undetermined" in reuse["stage"]["enum"] and "frozen features" in str(reuse)
    assert reuse["role"]["enum"] == ["used", "created", "mentioned"]
    assert reuse["quote"]["anyOf"] == [{"type": "string"}, {"type": "null"}]


def raw(pattern: str = "adaptation", stage: str = "Test", **more: Any) -> dict[str, Any]:
    return {"evidence": [3], "quote": None, "model": "ESM-2", "role": "used",
            "pattern": pattern, "stage": stage, "form": "fine-tuned"} | more  # fmt: skip


TEXT = PaperText(
    work_id="W1", title="Enzymes", abstract="We study enzymes.",
    sections=(Section(heading="Methods", paragraphs=("We fine-tuned ESM-2 on stability.",)),),
)  # fmt: skip
CHECKS = {"context": select(TEXT), "paper": PaperIndex("We fine-tuned ESM-2 on stability.")}


@pytest.mark.parametrize(
    ("given", "pattern"),
    [("Adaptation", Pattern.adaptation), ("adaptation_reuse", Pattern.adaptation),
     ("Fine-tuning", Pattern.adaptation), ("Deployment Reuse", Pattern.deployment),
     ("re-implementation", Pattern.conceptual), ("unknown", Pattern.undetermined)],
)  # fmt: skip
def test_near_miss_patterns_are_coerced(given: str, pattern: Pattern) -> None:
    assert ReuseAnswer.model_validate(raw(pattern=given), context=CHECKS).pattern == pattern


@pytest.mark.parametrize(
    ("given", "stage"),
    [("Testing", Stage.Test), ("test", Stage.Test), ("data analysis", Stage.Analysis),
     ("OBSERVATION", Stage.Observation), ("hypothesis_stage", Stage.Hypothesis),
     ("n/a", Stage.undetermined)],
)  # fmt: skip
def test_near_miss_stages_are_coerced(given: str, stage: Stage) -> None:
    assert ReuseAnswer.model_validate(raw(stage=given), context=CHECKS).stage == stage


def test_a_bad_reuse_is_rejected_with_its_reason_and_the_rest_kept() -> None:
    answer = PaperAnswer.model_validate(
        {"uses_dl": True, "uses_ptms": True, "reuses": [
            raw(), raw(pattern="magic"), raw(evidence=[42], quote="We trained GPT-9."),
            raw(role="Mentioned")]},
        context=CHECKS,
    )  # fmt: skip
    assert [r.role for r in answer.reuses] == [Role.used, Role.mentioned]
    assert answer.reuses[0].quote == "We fine-tuned ESM-2 on stability."
    first, second = answer.rejected
    assert first.reason.startswith("pattern:") and "'adaptation'" in first.reason
    assert "cites no sentence" in second.reason


def test_the_cap_on_reuses_comes_from_the_context() -> None:
    answer = PaperAnswer.model_validate(
        {"uses_dl": True, "uses_ptms": True, "reuses": [raw(), raw(), raw()]},
        context=CHECKS | {"max_reuses": 2},
    )
    assert len(answer.reuses) == 2 and "over the cap of 2" in answer.rejected[0].reason


def test_max_tokens_is_bounded_by_the_schema() -> None:
    full = {"uses_dl": True, "uses_ptms": True,
            "reuses": [raw(quote="x" * 300, form="y" * 100)] * 12}  # fmt: skip
    assert len(str(full)) // 4 < max_output_tokens(12) < 2 * len(str(full)) // 4
    assert max_output_tokens(1) < max_output_tokens(12)


def test_decoding_is_set_on_purpose_and_strict_only_where_a_decoder_enforces_it() -> None:
    tools = decoding(LLMConfig(model="m", base_url="http://x/v1"))
    assert (tools["temperature"], tools["seed"]) == (0.0, 42)
    assert tools["extra_body"]["tools"][0]["function"]["strict"] is True
    assert "extra_body" not in decoding(LLMConfig(model="m", base_url="http://x/v1", mode="json"))
    off = decoding(LLMConfig(model="m", base_url="http://x/v1", strict=False))
    assert "extra_body" not in off
    with pytest.raises(ConfigError, match="KG_LLM_STRICT"):
        LLMConfig(model="m", base_url="http://x/v1", mode="md_json", strict=True)


def test_an_ollama_url_assumes_its_default_window_unless_told() -> None:
    assert LLMConfig(model="m", base_url="http://localhost:11434/v1").window == 4096
    told = LLMConfig(model="m", base_url="http://localhost:11434/v1", context_window=32768)
    assert told.window == 32768
    assert LLMConfig(model="m", base_url="http://localhost:8000/v1").window is None


PLANKTON = PaperText(
    work_id="W2", title="Counting plankton", abstract="We count plankton in images.",
    sections=(Section(heading="Methods", paragraphs=(
        "We fine-tuned U-Net on our plankton images. "
        "A CNN classifier and the ImageNet data set served as baselines. "
        "We present PlanktoNet, a network we trained on 2 million images.",)),),
)  # fmt: skip
PLANKTON_CHECKS = {"context": select(PLANKTON),
                   "paper": PaperIndex(PLANKTON.sections[0].paragraphs[0])}  # fmt: skip


def _numbered(checks: dict[str, Any], words: str) -> int:
    sentences = checks["context"].sentences
    return next(i for i, s in enumerate(sentences, start=1) if words in s)


@pytest.mark.parametrize("name", ["CNN", "BiLSTM", "ImageNet", "PyTorch"])
def test_the_llm_path_refuses_kinds_of_network_and_non_models(name: str) -> None:
    at = _numbered(PLANKTON_CHECKS, "baselines")
    answer = PaperAnswer.model_validate(
        {"uses_dl": True, "uses_ptms": True, "reuses": [raw(model=name, evidence=[at])]},
        context=PLANKTON_CHECKS,
    )
    assert answer.reuses == [] and name in answer.rejected[0].reason


def test_the_llm_path_keeps_a_plain_model_name_no_table_knows() -> None:
    text = PaperText(
        work_id="W3",
        title="Enhancers",
        abstract="We study enhancers.",
        sections=(
            Section(
                heading="Methods",
                paragraphs=("We ran the pre-trained Borzoi network on our enhancer sequences.",),
            ),
        ),
    )
    checks = {"context": select(text), "paper": PaperIndex(text.sections[0].paragraphs[0])}
    at = _numbered(checks, "Borzoi")
    answer = PaperAnswer.model_validate(
        {
            "uses_dl": True,
            "uses_ptms": True,
            "reuses": [raw(model="Borzoi", evidence=[at], pattern="deployment")],
        },
        context=checks,
    )
    assert [r.model for r in answer.reuses] == ["Borzoi"] and answer.rejected == []


def test_a_known_model_the_llm_calls_created_is_used() -> None:
    at = _numbered(PLANKTON_CHECKS, "fine-tuned U-Net")
    own = _numbered(PLANKTON_CHECKS, "PlanktoNet")
    answer = PaperAnswer.model_validate({"uses_dl": True, "uses_ptms": True, "reuses": [
        raw(model="U-Net", role="created", evidence=[at]),
        raw(model="PlanktoNet", role="created", evidence=[own]),
    ]}, context=PLANKTON_CHECKS)  # fmt: skip
    assert [r.role for r in answer.reuses] == [Role.used, Role.created]


def test_a_cited_sentence_that_does_not_name_the_model_is_no_evidence() -> None:
    answer = PaperAnswer.model_validate({"uses_dl": True, "uses_ptms": True, "reuses": [
        raw(model="GPT-9", evidence=[1]), raw(model="ESM-2", evidence=[1, 3]),
    ]}, context=CHECKS)  # fmt: skip
    (kept,) = answer.reuses
    assert kept.model == "ESM-2" and kept.quote == "We fine-tuned ESM-2 on stability."
    assert "naming GPT-9" in answer.rejected[0].reason


def test_a_paper_that_only_mentions_a_model_does_not_use_deep_learning() -> None:
    from extract.llm import to_extraction

    answer = PaperAnswer.model_validate({"uses_dl": False, "uses_ptms": False, "reuses": [
        raw(role="mentioned", quote="ESM-2 was proposed earlier."),
    ]})  # fmt: skip
    extraction = to_extraction("W1", answer)
    assert not extraction.uses_dl and not extraction.uses_ptms


def test_the_llm_and_the_rules_share_one_role_precedence() -> None:
    from extract.llm import to_extraction

    answer = PaperAnswer.model_validate({"uses_dl": True, "uses_ptms": True, "reuses": [
        raw(model="SeaNet", role="mentioned", quote="SeaNet was proposed earlier."),
        raw(model="SeaNet", role="used", quote="We ran SeaNet."),
        raw(model="SeaNet", role="created", quote="We present SeaNet."),
        raw(model="SeaNet", role="used", quote="We ran SeaNet again."),
    ]})  # fmt: skip
    (edge,) = to_extraction("W1", answer).reuses
    assert (edge.role, edge.evidence) == (Role.created, "We present SeaNet.")


def test_a_model_listed_twice_is_one_edge_and_used_wins() -> None:
    from extract.llm import to_extraction

    answer = PaperAnswer.model_validate({"uses_dl": True, "uses_ptms": True, "reuses": [
        raw(role="mentioned", quote="ESM-2 was proposed earlier."),
        raw(quote="We fine-tuned ESM-2 on stability.", stage="Analysis"),
        raw(model="esm2", quote="We fine-tuned ESM-2 on stability.", stage="Test"),
    ]})  # fmt: skip
    (edge,) = to_extraction("W1", answer).reuses
    assert (edge.model, edge.role, edge.stage) == ("ESM-2", Role.used, Stage.Analysis)


def test_kg_eval_shares_count_edges_by_the_labels_best_value() -> None:
    from extract.evaluate import GoldReuse, Label, score
    from extract.llm import to_extraction
    from extract.value_scores import value_scores

    label = Label(file="p.xml", uses_ptms=True, reuses=[
        GoldReuse(model="ESM-2", pattern=["adaptation"], stage=["Test", "Analysis"])])  # fmt: skip
    answer = PaperAnswer.model_validate({"uses_dl": True, "uses_ptms": True, "reuses": [
        raw(quote="We fine-tuned ESM-2.", stage="undetermined")]})  # fmt: skip
    pairs = [(label, to_extraction("W1", answer))]
    values = value_scores(pairs, score(pairs).pairs)
    stages = {r["value"]: r for r in values["stage"].shares()}
    assert (stages["Test"]["labelled"], stages["Analysis"]["labelled"]) == (1, 0)
    assert values["stage"].coverage == (0, 1)  # the one extracted edge is undetermined
    assert {r["value"]: r for r in values["pattern"].shares()}["adaptation"]["extracted %"] == 100


def test_extractions_stored_before_roles_and_ids_stay_readable() -> None:
    from extract.records import Extraction

    stored = {"work_id": "W1", "uses_dl": True, "uses_ptms": True, "extractor": "llm",
              "extractor_version": "llm-1", "reuses": [{
                  "mention": "esm2", "model": "ESM-2", "family": "ESM", "modality": "protein",
                  "pattern": "adaptation", "stage": "Test", "form": "fine-tuned",
                  "evidence": "We fine-tuned ESM-2.", "found_by": "llm"}]}  # fmt: skip
    (reuse,) = Extraction.model_validate(stored).reuses
    assert reuse.role == Role.used and reuse.stage == Stage.Test


def test_the_llm_settings_reach_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.settings import Settings, llm_config

    monkeypatch.setenv("KG_LLM_MODEL", "m")
    monkeypatch.setenv("KG_LLM_BASE_URL", "http://localhost:11434/v1")
    monkeypatch.setenv("KG_LLM_STRICT", "false")
    monkeypatch.setenv("KG_LLM_SEED", "7")
    monkeypatch.setenv("KG_LLM_CONTEXT_WINDOW", "16384")
    config = llm_config(Settings(_env_file=None))  # type: ignore[call-arg]
    assert (config.is_strict, config.seed, config.temperature, config.window) == (
        False, 7, 0.0, 16384
    )  # fmt: skip
    assert config.max_reuses == 12


@pytest.mark.parametrize("given", [[3], ["3"], ["S3"], ["[S3]"], "S3", 3])
def test_sentence_numbers_are_read_as_the_model_writes_them(given: Any) -> None:
    reuse = ReuseAnswer.model_validate(raw(evidence=given), context=CHECKS)
    assert reuse.evidence == [3] and reuse.quote == "We fine-tuned ESM-2 on stability."


def test_the_llm_defaults_are_stated_once_for_settings_and_config() -> None:
    from kg.settings import Settings, llm_config

    settings = Settings(_env_file=None, kg_llm_model="m", kg_llm_base_url="http://x/v1")  # type: ignore[call-arg]
    from_settings = llm_config(settings)
    bare = LLMConfig(model="m", base_url="http://x/v1")
    for name in ("mode", "timeout_s", "http_retries", "temperature", "seed", "max_reuses"):
        assert getattr(from_settings, name) == getattr(bare, name), name


def test_an_unreachable_endpoint_is_named_without_its_credentials() -> None:
    import importlib.util

    import openai

    from extract.llm_request import describe

    # the HTTP library under openai: httpx, or httpx2 from openai 3 on
    http = importlib.import_module("httpx2" if importlib.util.find_spec("httpx2") else "httpx")

    url = "http://user:sk-secret@127.0.0.1:9/v1"
    error = openai.APIConnectionError(request=http.Request("POST", url + "/chat/completions"))
    said = describe(error, 60, url)
    assert "http://127.0.0.1:9/v1" in said and "KG_LLM_BASE_URL" in said
    assert "sk-secret" not in said and "user" not in said
