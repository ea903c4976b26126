import json
from pathlib import Path

from extract.evaluate import Binary, Label, score
from extract.records import Extraction
from extract.taxonomy import Pattern, Stage
from tests.graphs import reuse
from tests.test_cli import kg

DATA = Path(__file__).parent / "data"


def test_binary_scores_and_kappa() -> None:
    b = Binary(tp=6, fp=0, fn=1, tn=20)
    assert (round(b.precision, 3), round(b.recall, 3), round(b.f1, 3)) == (1.0, 0.857, 0.923)
    assert round(b.kappa, 3) == 0.899  # (26/27 - 462/729) / (1 - 462/729)


def test_models_match_by_alias_and_pattern_is_checked_against_the_accepted_list() -> None:
    label = Label.model_validate({
        "file": "x.xml", "uses_dl": True, "uses_ptms": True,
        "reuses": [{"model": "AlphaFold2", "aliases": ["ColabFold"], "pattern": ["deployment"],
                    "stage": ["Test"]}],
    })  # fmt: skip
    predicted = Extraction(
        work_id="W1", uses_dl=True, uses_ptms=True, extractor="t", extractor_version="1",
        reuses=(reuse("ColabFold", Pattern.adaptation, Stage.Test),
                reuse("AlphaFold2", Pattern.deployment, Stage.Test),
                reuse("BERT", Pattern.deployment, Stage.Test)),
    )  # fmt: skip
    scores = score([(label, predicted)])
    assert (scores.models.tp, scores.models.fp, scores.models.fn) == (1, 1, 0)
    assert (scores.pattern_accuracy, scores.stage_accuracy) == (0.0, 1.0)
    assert scores.papers[0].false_alarms[0].startswith("BERT")


def test_kg_eval_on_the_projects_own_labels(tmp_path: Path) -> None:
    out = tmp_path / "scores.json"
    done = kg(tmp_path, "eval", str(DATA / "labels.jsonl"), "--json", str(out))
    assert done.returncode == 0, done.stderr
    scores = json.loads(out.read_text())
    models = next(s for s in scores["scores"] if s["measure"] == "reused models")
    assert (models["tp"], models["fp"], models["fn"]) == (3, 0, 0)
    assert scores["pattern_accuracy"] == 1.0
    assert scores["stage_accuracy"] == 0.667  # YOLOv8 is read as Test, labelled Observation
