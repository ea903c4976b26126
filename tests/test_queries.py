"""Each query module against the hand-built graph of tests/graphs.py, answers worked by hand."""

import pytest

from extract.errors import InputRejected
from extract.taxonomy import NATURAL_SCIENCE_FIELDS, Pattern, Stage
from kg.graph.loader import load_extractions, load_works
from kg.graph.stores.base import GraphStore
from kg.questions import queries
from tests.graphs import EXTRACTIONS, ROLE_EXTRACTIONS, ROLE_WORKS, WORKS, extraction, reuse, work

A, D = Pattern.adaptation, Pattern.deployment

BIO, AGRI, CHEM, CS = (
    "Biochemistry, Genetics and Molecular Biology",
    "Agricultural and Biological Sciences",
    "Chemistry",
    "Computer Science",
)


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    load_works(store, WORKS)
    load_extractions(store, EXTRACTIONS)
    return store


@pytest.fixture
def roles(graph: GraphStore) -> GraphStore:
    """The graph with W7-W9 of tests/graphs.py: a created model, undetermined values."""
    load_works(graph, ROLE_WORKS)
    load_extractions(graph, ROLE_EXTRACTIONS)
    return graph


def ask(store: GraphStore, name: str, *columns: str, **params: str) -> list[tuple[object, ...]]:
    rows = queries.run(store, name, params)
    return [tuple(row[c] for c in columns) for row in rows]


def test_ptm_reuse_by_field_counts_primary_fields(graph: GraphStore) -> None:
    assert ask(graph, "ptm_reuse_by_field", "field", "papers", "dl_papers", "ptm_papers",
               "ptm_share") == [
        (BIO, 2, 2, 2, 1.0),
        (AGRI, 2, 2, 1, 0.5),
        (CHEM, 2, 1, 1, 0.5),
    ]  # fmt: skip


def test_ptm_reuse_by_field_can_count_all_top_three_topics(graph: GraphStore) -> None:
    rows = ask(graph, "ptm_reuse_by_field", "field", "papers", "ptm_papers", max_rank="2")
    assert rows[0] == (BIO, 3, 3)
    # max_rank widens within the natural-science fields only (issue 19, friction 4) ...
    assert CS not in [r[0] for r in rows]
    every = ask(graph, "ptm_reuse_by_field", "field", "papers", "ptm_papers", max_rank="2",
                science_fields="null")  # fmt: skip
    assert (CS, 1, 1) in every  # ... unless every field is asked for (kg query --all-fields)


def test_every_max_rank_module_widens_within_the_natural_sciences_by_default() -> None:
    for name, module in queries.modules().items():
        if "max_rank" in module.parameters:
            assert module.parameters["science_fields"].default == sorted(NATURAL_SCIENCE_FIELDS), (
                name
            )


def test_models_resolve_as_the_loader_resolves_them_and_families_give_members(
    graph: GraphStore,
) -> None:
    for written in ("esm2", "ESM 2", "esm-2 650M"):
        rows = ask(graph, "papers_behind", "paper", model=written)
        assert rows == [("W3",), ("W2",), ("W1",)], written
    family = ask(graph, "evidence", "paper", "model", model="esm")  # the family ESM
    assert family == [("W1", "ESM-2"), ("W2", "ESM-2"), ("W3", "ESM-2")]
    with pytest.raises(InputRejected, match=r"no such model or family.*did you mean ESM, ESM-2"):
        queries.run(graph, "evidence", {"model": "ESM-3"})


NAMES = [("model", "ESM-2"), ("model", "ESM"), ("model", "AlphaFold2"), ("model", "AlphaFold"),
         ("field", 16), ("field", "Chemistry"), ("field", BIO)]  # fmt: skip


@pytest.mark.parametrize(("parameter", "written"), NAMES)
def test_a_name_means_the_same_in_the_cli_and_in_raw_cypher(
    graph: GraphStore, parameter: str, written: object
) -> None:
    """What Neo4j Browser runs (the file, `:param model => 'AlphaFold'`) and what `kg query`
    runs answer alike, for canonical names, families (AlphaFold: the models of that family, not
    the AlphaFold2 the loader reads the word as), field ids and names."""
    load_works(graph, [work(10, 2023, 13)])
    load_extractions(graph, [extraction(10, True, reuse("AlphaFold3", D, Stage.Test, "AlphaFold"),
                                        reuse("AlphaFold-Multimer", D, Stage.Test, "AlphaFold"),
                                        reuse("ESM-2", A, Stage.Test, "ESM"))])  # fmt: skip
    asked = 0
    for name, module in queries.modules().items():
        if parameter in module.parameters:
            raw = graph.run(module.cypher, module.defaults() | {parameter: written})
            assert queries.run(graph, name, {parameter: str(written)}) == raw, name
            asked += len(raw)
    assert asked > 0
    if written == "AlphaFold":
        rows = ask(graph, "evidence", "model", model="alphafold")
        assert sorted(rows) == [("AlphaFold-Multimer",), ("AlphaFold3",)]


def test_fields_are_accepted_by_id_or_by_name_with_one_parameter_name(graph: GraphStore) -> None:
    by_id = ask(graph, "papers_behind", "paper", field="16")
    assert by_id == ask(graph, "papers_behind", "paper", field="chemistry") == [("W6",)]
    years = ask(graph, "ptm_reuse_by_field_year", "field", field="Biochemistry, genetics and "
                "molecular biology")  # fmt: skip
    assert {r[0] for r in years} == {BIO}
    with pytest.raises(InputRejected, match=r"no such field.*did you mean Chemistry"):
        queries.run(graph, "papers_behind", {"field": "Chemestry"})
    with pytest.raises(InputRejected, match=r"did you mean Biochemistry, Genetics and Mol"):
        queries.run(graph, "papers_behind", {"field": "Biochemstry"})
    concepts = {p for m in queries.modules().values() for p in m.parameters}
    assert "field_id" not in concepts and "model_name" not in concepts


def test_a_limited_answer_says_how_many_rows_there_are_in_all(graph: GraphStore) -> None:
    answer = queries.run_counted(graph, "evidence", {"limit": "2"})
    assert (len(answer.rows), answer.total) == (2, 6)
    assert queries.run_counted(graph, "patterns_overall").total is None


def test_patterns_overall_is_empty_on_an_empty_graph(store: GraphStore) -> None:
    assert queries.run(store, "patterns_overall") == []
    assert queries.run(store, "pattern_stage") == []


def test_patterns_overall_as_shares_of_reuses_and_of_papers(graph: GraphStore) -> None:
    assert ask(graph, "patterns_overall", "pattern", "reuses", "papers", "reuse_share",
               "paper_share") == [
        ("adaptation", 3, 3, 0.5, 0.75),
        ("deployment", 2, 2, 0.333, 0.5),
        ("conceptual", 1, 1, 0.167, 0.25),
    ]  # fmt: skip


def test_patterns_by_field(graph: GraphStore) -> None:
    assert ask(graph, "patterns_by_field", "field_id", "pattern", "reuses", "reuse_share",
               "paper_share") == [
        (13, "adaptation", 2, 0.667, 1.0),
        (13, "deployment", 1, 0.333, 0.5),
        (11, "adaptation", 1, 0.5, 1.0),
        (11, "deployment", 1, 0.5, 1.0),
        (16, "conceptual", 1, 1.0, 1.0),
    ]  # fmt: skip


def test_patterns_by_year(graph: GraphStore) -> None:
    assert ask(graph, "patterns_by_year", "year", "pattern", "reuse_share", from_year="2021") == [
        (2021, "adaptation", 1.0),
        (2022, "adaptation", 0.5),
        (2022, "deployment", 0.5),
        (2023, "conceptual", 1.0),
    ]


def test_pattern_by_stage(graph: GraphStore) -> None:
    assert ask(graph, "pattern_stage", "pattern", "stage", "reuses") == [
        ("adaptation", "Observation", 1),
        ("adaptation", "Test", 2),
        ("conceptual", "Test", 1),
        ("deployment", "Test", 1),
        ("deployment", "Analysis", 1),
    ]


def test_ptm_reuse_by_field_and_year(graph: GraphStore) -> None:
    rows = ask(graph, "ptm_reuse_by_field_year", "year", "papers", "ptm_papers", field="13")
    assert rows == [(2020, 1, 1), (2021, 1, 1)]


def test_stages_overall_lists_every_stage(graph: GraphStore) -> None:
    assert ask(graph, "stages_overall", "stage", "reuses", "papers", "reuse_share") == [
        ("Test", 4, 4, 0.667),
        ("Observation", 1, 1, 0.167),
        ("Analysis", 1, 1, 0.167),
        ("Background", 0, 0, 0.0),
        ("Hypothesis", 0, 0, 0.0),
        ("Conclusion", 0, 0, 0.0),
    ]


def test_stages_by_field(graph: GraphStore) -> None:
    assert ask(graph, "stages_by_field", "field_id", "stage", "reuses") == [
        (11, "Observation", 1),
        (11, "Test", 1),
        (13, "Test", 2),
        (13, "Analysis", 1),
        (16, "Test", 1),
    ]


def test_top_ptms(graph: GraphStore) -> None:
    assert ask(graph, "top_ptms", "model", "papers", "fields", "adaptation", "deployment",
               "conceptual") == [
        ("ESM-2", 3, 2, 2, 1, 0),
        ("AlphaFold2", 1, 1, 0, 1, 0),
        ("ResNet-50", 1, 1, 1, 0, 0),
        ("SchNet", 1, 1, 0, 0, 1),
    ]  # fmt: skip
    assert ask(graph, "top_ptms", "model", limit="1") == [("ESM-2",)]


def test_top_ptms_by_field(graph: GraphStore) -> None:
    assert ask(graph, "top_ptms_by_field", "field_id", "model", "papers", per_field="1") == [
        (11, "ESM-2", 1),
        (13, "ESM-2", 2),
        (16, "SchNet", 1),
    ]


def test_ptm_families(graph: GraphStore) -> None:
    assert ask(graph, "ptm_families", "family", "models", "papers", "fields", "first_year") == [
        ("ESM", 1, 3, 2, 2020),
        ("AlphaFold2", 1, 1, 1, 2020),
        ("ResNet-50", 1, 1, 1, 2022),
        ("SchNet", 1, 1, 1, 2023),
    ]


def test_family_field_flows(graph: GraphStore) -> None:
    rows = ask(graph, "family_field_flows", "family", "field_id", "first_year", min_papers="2")
    assert rows == [("ESM", 13, 2020)]


def test_fields_by_distinct_ptms(graph: GraphStore) -> None:
    assert ask(graph, "fields_by_distinct_ptms", "field_id", "models", "ptm_papers") == [
        (13, 2, 2),
        (11, 2, 1),
        (16, 1, 1),
    ]


def test_ptms_by_reach(graph: GraphStore) -> None:
    rows = ask(graph, "ptms_by_reach", "model", "fields", "field_names", limit="1")
    assert len(rows) == 1 and rows[0][:2] == ("ESM-2", 2)
    assert sorted(rows[0][2]) == [AGRI, BIO]


def test_ptm_field_flows_give_the_first_year_in_each_field(graph: GraphStore) -> None:
    assert ask(graph, "ptm_field_flows", "model", "field_id", "first_year", "last_year",
               "papers") == [
        ("AlphaFold2", 13, 2020, 2020, 1),
        ("ESM-2", 13, 2020, 2021, 2),
        ("ESM-2", 11, 2022, 2022, 1),
        ("ResNet-50", 11, 2022, 2022, 1),
        ("SchNet", 16, 2023, 2023, 1),
    ]  # fmt: skip
    assert ask(graph, "ptm_field_flows", "model", "field_id", min_papers="2") == [("ESM-2", 13)]


def test_model_migration_gives_the_fields_a_model_reached_after_its_first(
    graph: GraphStore,
) -> None:
    columns = ("model", "first_field", "first_domain", "first_year", "field", "arrived",
               "years_later", "papers")  # fmt: skip
    moved = [("ESM-2", BIO, "Life Sciences", 2020, AGRI, 2022, 2, 1)]
    assert ask(graph, "model_migration", *columns) == moved
    assert ask(graph, "model_migration", *columns, model="esm", field="11") == moved
    assert ask(graph, "model_migration", "model", from_domain="Physical Sciences") == []
    assert ask(graph, "model_migration", "model", field="Chemistry") == []


def test_family_field_flows_lists_a_familys_first_adopters(graph: GraphStore) -> None:
    rows = ask(graph, "family_field_flows", "family", "field_id", "first_year", family="esm-2")
    assert rows == [("ESM", 13, 2020), ("ESM", 11, 2022)]  # a model's name gives its family


def test_a_kind_filters_models_apart_from_their_modality(graph: GraphStore) -> None:
    rows = ask(graph, "evidence", "paper", "model", kind="Protein language model")
    assert rows == [("W1", "ESM-2"), ("W2", "ESM-2"), ("W3", "ESM-2")]
    assert ask(graph, "top_ptms", "model", kind="protein language model") == [("ESM-2",)]
    with pytest.raises(InputRejected, match=r"no such kind.*structure predictor"):
        queries.run(graph, "evidence", {"kind": "folding"})


def test_papers_by_year(graph: GraphStore) -> None:
    assert ask(graph, "papers_by_year", "year", "papers", "dl_papers", "ptm_papers",
               from_year="2020") == [
        (2020, 1, 1, 1),
        (2021, 1, 1, 1),
        (2022, 1, 1, 1),
        (2023, 1, 1, 1),
    ]  # fmt: skip


def test_every_module_returns_the_columns_its_header_names(roles: GraphStore) -> None:
    for name, module in queries.modules().items():
        rows = queries.run(roles, name, {"min_papers": "1"} if name == "unknown_models" else {})
        assert rows, name
        assert tuple(rows[0]) == module.columns, name


def test_every_module_has_a_question_and_documented_parameters() -> None:
    for name, module in queries.modules().items():
        assert module.question.endswith("?"), name
        for parameter in module.parameters.values():
            assert f"${parameter.name}" in module.cypher.split("Columns:")[1], name
            assert parameter.help, name


def test_unknown_queries_and_parameters_are_rejected_with_the_known_ones() -> None:
    with pytest.raises(InputRejected, match=r"known queries: .*top_ptms"):
        queries.get("top_models")
    with pytest.raises(InputRejected, match=r"'top_ptm'; did you mean top_ptms\?"):
        queries.get("top_ptm")
    with pytest.raises(InputRejected, match="it takes: limit, max_rank, science_fields"):
        queries.parameters_for(queries.get("top_ptms"), {"top": "3"})
    with pytest.raises(InputRejected, match="expected a whole number"):
        queries.parameters_for(queries.get("top_ptms"), {"limit": "ten"})


def test_evidence_lists_the_quote_behind_each_edge(graph: GraphStore) -> None:
    assert ask(graph, "evidence", "paper", "model", "evidence", model="ESM-2") == [
        ("W1", "ESM-2", "We used ESM-2."),
        ("W2", "ESM-2", "We used ESM-2."),
        ("W3", "ESM-2", "We used ESM-2."),
    ]
    assert ask(graph, "evidence", "model", paper="W1") == [("AlphaFold2",), ("ESM-2",)]
    assert ask(graph, "papers_behind", "paper", pattern="Conceptual", stage="test") == [("W6",)]
    with pytest.raises(InputRejected, match="no such pattern: 'adapt'; use one of conceptual"):
        queries.run(graph, "papers_behind", {"pattern": "adapt"})
    with pytest.raises(InputRejected, match="no such paper in the graph: 'W99'"):
        queries.run(graph, "evidence", {"paper": "W99"})


def test_papers_behind_lists_the_papers_a_number_counts(graph: GraphStore) -> None:
    rows = queries.run(graph, "papers_behind", {"model": "ESM-2"})
    assert [r["paper"] for r in rows] == ["W3", "W2", "W1"]
    assert rows[0]["models"] and "ESM-2" in rows[0]["models"]
    adapted = queries.run(graph, "papers_behind", {"model": "ESM-2", "pattern": "adaptation"})
    assert [r["paper"] for r in adapted] == ["W2", "W1"]
    field = queries.run(graph, "papers_behind", {"field": "Chemistry"})
    assert [r["paper"] for r in field] == ["W6"]


def test_unknown_models_lists_names_outside_every_table(graph: GraphStore) -> None:
    rows = queries.run(graph, "unknown_models", {"min_papers": "1"})
    assert [(r["model"], r["papers"], r["written_as"]) for r in rows] == [("SchNet", 1, ["SchNet"])]
    assert queries.run(graph, "unknown_models") == []  # seen in one paper only


def test_undetermined_patterns_are_counted_and_left_out_of_shares(roles: GraphStore) -> None:
    assert ask(roles, "patterns_overall", "pattern", "reuses", "papers", "reuse_share",
               "paper_share", "undetermined") == [
        ("adaptation", 4, 4, 0.5, 0.667, 1),
        ("deployment", 3, 3, 0.375, 0.5, 1),
        ("conceptual", 1, 1, 0.125, 0.167, 1),
    ]  # fmt: skip
    by_field = ask(roles, "patterns_by_field", "field_id", "pattern", "reuse_share",
                   "undetermined")  # fmt: skip
    assert (13, "adaptation", 0.667, 1) in by_field  # W7's ESM-2 counted, not shared
    top = ask(roles, "top_ptms", "model", "adaptation", "deployment", "undetermined")
    assert top[0] == ("ESM-2", 2, 1, 1)


def test_undetermined_stages_are_counted_and_get_no_hub(roles: GraphStore) -> None:
    rows = ask(roles, "stages_overall", "stage", "reuses", "reuse_share", "undetermined")
    assert rows[:2] == [("Test", 4, 0.571, 2), ("Observation", 2, 0.286, 2)]
    assert "undetermined" not in {row[0] for row in rows}
    assert ask(roles, "pattern_stage", "undetermined")[0] == (2,)
    by_field = ask(roles, "stages_by_field", "field_id", "stage", "undetermined")
    assert (13, "Test", 1) in by_field
    # W9's field has no evidenced stage: one row with no stage carries its count
    assert [row for row in by_field if row[0] == 17] == [(17, None, 1)]


def test_evidenced_values_give_the_share_of_undetermined(roles: GraphStore) -> None:
    assert queries.run(roles, "evidenced_values") == [{
        "reuses": 9, "pattern_evidenced": 8, "pattern_undetermined": 1,
        "pattern_undetermined_share": 0.111, "stage_evidenced": 7, "stage_undetermined": 2,
        "stage_undetermined_share": 0.222, "introduced_models": 1,
    }]  # fmt: skip


def test_models_introduced_in_natural_science_papers_and_their_reusers(roles: GraphStore) -> None:
    assert ask(roles, "models_introduced", "model", "introduced_by", "home_field", "field",
               "reusing_papers", "first_reuse") == [
        ("PlanktoNet", "W7", BIO, AGRI, 1, 2023),
        ("PlanktoNet", "W7", BIO, CS, 1, 2024),
    ]  # fmt: skip
    # introduced outside the natural sciences: not listed
    assert ask(roles, "models_introduced", "model", science_fields="[17]") == []


def test_headlines_when_no_reuse_has_an_evidenced_value(store: GraphStore) -> None:
    from extract.taxonomy import Pattern, Stage
    from kg.questions.answers import HEADLINE_TABLES, evidenced_row, headlines
    from tests.graphs import extraction, reuse, work

    load_works(store, [work(1, 2021, 13), work(2, 2022, 13)])
    load_extractions(store, [
        extraction(1, True, reuse("ESM-2", Pattern.undetermined, Stage.undetermined)),
        extraction(2, True, reuse("AlphaFold2", Pattern.undetermined, Stage.undetermined)),
    ])  # fmt: skip
    tables = {name: queries.run(store, name) for name in HEADLINE_TABLES}
    answers = headlines(tables, evidenced_row(store))  # no "the graph holds no PTM reuse yet"
    assert tables["patterns_overall"] == [{"pattern": None, "reuses": 0, "papers": 0,
                                           "reuse_share": None, "paper_share": None,
                                           "undetermined": 2}]  # fmt: skip
    by_field = ask(store, "patterns_by_field", "field_id", "pattern", "reuses", "reuse_share",
                   "undetermined")  # fmt: skip
    assert by_field == [(13, None, 0, None, 2)]
    by_year = ask(store, "patterns_by_year", "year", "pattern", "reuses", "undetermined")
    assert by_year == [(2021, None, 0, 1), (2022, None, 0, 1)]
    stages = ask(store, "stages_by_field", "field_id", "stage", "reuses", "undetermined")
    assert stages == [(13, None, 0, 2)]
    assert queries.run(store, "pattern_stage") == [{"pattern": None, "stage": None,
                                                    "stage_order": None, "reuses": 0,
                                                    "undetermined": 2}]  # fmt: skip
    assert (answers.top_pattern, answers.top_stage) == (None, None)
    assert answers.stage_name == "no evidenced stage"
    assert answers.stage_detail() == "(all 2 reuses have an undetermined stage)"
    assert answers.pattern_detail() == "(all 2 reuses have an undetermined pattern)"


def test_a_family_name_means_that_family_alone(graph: GraphStore) -> None:
    """ "FasterRCNN" is a family, and also the letters of the model "Faster R-CNN" of another
    family: the family asked for is the one so named, in the CLI as in the raw Cypher."""
    load_works(graph, [work(20, 2022, 13), work(21, 2023, 16)])
    load_extractions(graph, [extraction(20, True, reuse("Faster R-CNN", D, Stage.Test, "R-CNN")),
                             extraction(21, True, reuse("fasterrcnn_resnet50_fpn", D, Stage.Test,
                                                        "FasterRCNN"))])  # fmt: skip
    module = queries.get("family_field_flows")
    raw = graph.run(module.cypher, module.defaults() | {"family": "FasterRCNN"})
    assert {row["family"] for row in raw} == {"FasterRCNN"}
    assert queries.run(graph, "family_field_flows", {"family": "FasterRCNN"}) == raw
