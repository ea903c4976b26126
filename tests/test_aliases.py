from extract.aliases import MODELS, find_mentions, normalise


def names(text: str) -> list[str]:
    return [m.model.name for m in find_mentions(text)]


def test_the_table_covers_at_least_sixty_models_across_modalities() -> None:
    assert len(MODELS) >= 60
    assert {"vision", "text", "protein", "chemistry", "audio", "pose", "segmentation"} <= {
        m.modality for m in MODELS
    }


def test_longest_alias_wins_over_its_prefix() -> None:
    assert names("We fine-tuned ResNet-50 and BioBERT.") == ["ResNet-50", "BioBERT"]


def test_hyphens_spaces_and_case_are_one_model() -> None:
    for written in ("ESM-2", "ESM2", "esm 2", "esm2_t33_650M_UR50D"):
        assert names(f"Embeddings from {written} were used.") == ["ESM-2"], written


def test_words_that_contain_a_model_name_are_not_mentions() -> None:
    text = "Robert and Roberta studied comparative embryology with a clip-on whisper microphone."
    assert names(text) == []


def test_ambiguous_abbreviations_are_not_mentions() -> None:
    assert names("Diamond-like carbon (DLC) and S-adenosylmethionine (SAM) were used.") == []


def test_normalise_maps_aliases_to_canonical_names_with_family() -> None:
    model = normalise("alphafold 2")
    assert (model.name, model.family, model.modality) == ("AlphaFold2", "AlphaFold", "protein")
    assert normalise("Wav2Vec2").name == "wav2vec 2.0"


def test_normalise_keeps_unknown_names_cleaned() -> None:
    model = normalise('  "MyNet  v3", ')
    assert (model.name, model.family, model.modality) == ("MyNet v3", "MyNet v3", "unknown")
