from pathlib import Path

from extract.aliases import MODELS
from extract.catalogue import find_mentions, resolve


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
    model = resolve("alphafold 2")
    assert (model.name, model.family, model.modality) == ("AlphaFold2", "AlphaFold", "protein")
    assert resolve("Wav2Vec2").name == "wav2vec 2.0"


def test_unknown_names_are_kept_cleaned_with_their_family() -> None:
    model = resolve('  "MyNet  v3", ')
    assert (model.name, model.family, model.modality) == ("MyNet v3", "MyNet", "unknown")


def test_sizes_and_checkpoints_resolve_to_one_model() -> None:
    for written in ("ESM-2 650M", "esm2 (3B)", "ESM2-15B", "esm2_t36_3B_UR50D", "ESM-2"):
        model = resolve(written)
        assert (model.name, model.family) == ("ESM-2", "ESM"), written
    assert resolve("BERT-large").name == "BERT"
    assert resolve("SignalP 5.0").family == "SignalP"


def test_the_catalogue_finds_names_outside_the_curated_table() -> None:
    found = find_mentions("We fine-tuned a RetinaNet detector and a SwinUNETR on our scans.")
    assert [(m.model.name, m.model.modality) for m in found] == [
        ("RetinaNet", "vision"),
        ("SwinUNETR", "vision"),
    ]
    assert names("The nest of a pit viper.") == []  # catalogue names that are words


def test_the_catalogue_is_large_and_spans_modalities() -> None:
    from extract.catalogue import catalogue_rows

    rows = catalogue_rows()
    assert len(rows) > 1500
    assert {"vision", "text", "protein", "graph", "chemistry", "audio"} <= {r[2] for r in rows}


def test_versions_are_found_however_they_are_split() -> None:
    for written in ("SignalP4.1", "SignalP 4.1", "SignalP-4.1", "SignalP 5.0"):
        assert names(f"Secretomes were predicted by {written} with default cut-offs.") == [
            "SignalP"
        ], written


def test_a_kind_tells_apart_models_of_one_modality() -> None:
    from extract.catalogue import resolve
    from extract.model_kinds import model_kind

    kinds = {
        name: model_kind(resolve(name).family, resolve(name).modality)
        for name in ("esm2", "AlphaFold2", "ColabFold", "ResNet-50", "DNABERT", "BioBERT")
    }
    assert kinds == {"esm2": "protein language model", "AlphaFold2": "structure predictor",
                     "ColabFold": "structure predictor", "ResNet-50": "image backbone",
                     "DNABERT": "genomics model", "BioBERT": "language model"}  # fmt: skip


def test_kg_models_lists_the_members_of_a_kind_or_a_modality(tmp_path: Path) -> None:
    from tests.fixtures import kg

    plm = kg(tmp_path, "models", "--kind", "protein language model", "-f", "csv")
    names = {line.split(",")[0] for line in plm.stdout.splitlines()[1:]}
    assert {"ESM-2", "ESM-1b"} <= names and "AlphaFold2" not in names
    protein = kg(tmp_path, "models", "--modality", "protein", "-f", "csv").stdout
    assert "AlphaFold2" in protein and "ESM-2" in protein
    wrong = kg(tmp_path, "models", "--kind", "folding")
    assert wrong.returncode != 0 and "structure predictor" in wrong.stderr
