import json
from pathlib import Path

from extract.evaluate import Binary, Label, score
from extract.records import Extraction
from extract.taxonomy import Pattern, Role, Stage
from tests.fixtures import kg
from tests.graphs import reuse

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


def test_roles_are_scored_where_labelled_and_created_models_are_listed_apart() -> None:
    label = Label.model_validate({
        "file": "x.xml", "uses_dl": True, "uses_ptms": True,
        "reuses": [{"model": "ESM-2", "pattern": ["adaptation"], "stage": ["Test"]},
                   {"model": "PlanktoNet", "role": "created"},
                   {"model": "AlexNet", "role": "mentioned"}],
    })  # fmt: skip
    U = Pattern.undetermined
    predicted = Extraction(
        work_id="W1", uses_dl=True, uses_ptms=True, extractor="t", extractor_version="1",
        reuses=(reuse("ESM-2", Pattern.adaptation, Stage.undetermined),
                reuse("PlanktoNet", U, Stage.undetermined, role=Role.created),
                reuse("AlexNet", U, Stage.undetermined)),
    )  # fmt: skip
    scores = score([(label, predicted)])
    # AlexNet, labelled a mention, was said to be used: a false alarm and a wrong role.
    assert (scores.models.tp, scores.models.fp, scores.models.fn) == (1, 1, 0)
    assert (scores.role_labelled, scores.role_correct) == (2, 1)
    assert (scores.stage_undetermined, scores.stage_accuracy) == (1, 0.0)
    assert scores.pattern_accuracy == 1.0
    (paper,) = scores.papers
    assert paper.created == ["PlanktoNet"]
    assert paper.false_alarms[0].startswith("AlexNet")
    assert "AlexNet: role used, labelled mentioned" in paper.misses


def test_kg_eval_on_the_projects_own_labels(tmp_path: Path) -> None:
    out = tmp_path / "scores.json"
    done = kg(tmp_path, "eval", str(DATA / "labels.jsonl"), "--json", str(out))
    assert done.returncode == 0, done.stderr
    scores = json.loads(out.read_text())
    models = next(s for s in scores["scores"] if s["measure"] == "reused models")
    assert (models["tp"], models["fp"], models["fn"]) == (3, 0, 0)
    summary = scores["summary"]
    assert summary["pattern_accuracy"] == 1.0
    # No sentence says what ESM-2 or YOLOv8 served (YOLOv8 used to be read as Test by
    # default, labelled Observation): both undetermined; DeepLabCut's tracking is Observation.
    assert (summary["stage_coverage"], summary["stage_accuracy"]) == ("1/3", 1.0)
    # AlphaFold2, labelled a mention (introduction only), is read as one
    assert (summary["roles_labelled"], summary["role_accuracy"]) == (1, 1.0)
    assert {"per_value", "confusion", "shares", "by_corpus", "by_field"} <= set(scores)


def test_kg_eval_shows_every_score_column_at_80_columns(tmp_path: Path) -> None:
    from tests.fixtures import kg_env

    done = kg_env(tmp_path, "eval", str(DATA / "labels.jsonl"), COLUMNS="80")
    assert done.returncode == 0, done.stderr
    assert "not shown at this width" not in done.stdout.split("Misses and false alarms")[0]
    assert "largest gap" in done.stdout and "1/3" in done.stdout


def _paper(n: int, gold_stage: str, said: Stage) -> tuple[Label, Extraction]:
    label = Label.model_validate({
        "file": f"p{n}.xml", "uses_dl": True, "uses_ptms": True, "corpus": "a" if n % 2 else "b",
        "field": 13, "reuses": [{"model": "ESM-2", "pattern": ["deployment"],
                                 "stage": [gold_stage, "Test"]}],
    })  # fmt: skip
    predicted = Extraction(work_id=f"W{n}", uses_dl=True, uses_ptms=True, extractor="t",
                           extractor_version="1",
                           reuses=(reuse("ESM-2", Pattern.deployment, said),))  # fmt: skip
    return label, predicted


def test_a_lean_to_test_shows_per_value_and_in_the_shares_though_accuracy_is_one() -> None:
    from extract.eval_report import report

    # Four reuses labelled Analysis (Test also accepted), all extracted as Test, and one
    # undetermined: the old accuracy says 1.0, the per-value scores and shares do not.
    pairs = [_paper(n, "Analysis", Stage.Test) for n in range(4)]
    pairs.append(_paper(4, "Analysis", Stage.undetermined))
    figures = report(pairs)  # type: ignore[arg-type]
    summary = figures["summary"]
    assert summary["stage_accuracy"] == 1.0
    assert summary["stage_coverage"] == "4/5"
    assert summary["stage_largest_gap"] == "Test +100.0"
    per_value = {r["value"]: r for r in figures["per_value"]}
    assert (per_value["Test"]["precision"], per_value["Analysis"]["recall"]) == (0.0, 0.0)
    analysis = next(r for r in figures["confusion"]["stage"] if r["labelled"] == "Analysis")
    assert (analysis["Test"], analysis["undetermined"], analysis["Analysis"]) == (4, 1, 0)
    assert [r["group"] for r in figures["by_corpus"]] == ["a", "b"]
    assert figures["by_field"][0]["group"].startswith("13 Biochemistry")
