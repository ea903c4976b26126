from extract.context import approx_tokens, select
from extract.evidence import PaperIndex
from extract.records import PaperText, Section


def test_quotes_survive_ligatures_hyphenation_quotes_and_whitespace() -> None:
    paper = PaperIndex(
        "The network was ﬁne-tuned on our data-\nset with “default” settings —  twice."
    )
    assert paper.why_not_found('The network was fine-tuned on our dataset with "default"') is None
    assert paper.why_not_found("settings - twice.") is None
    assert paper.why_not_found("THE NETWORK   WAS FINE-TUNED") is None


def test_long_quotes_tolerate_a_small_difference() -> None:
    sentence = (
        "Cell bodies were segmented with the pre-trained Cellpose cyto2 model without "
        "retraining and traces were deconvolved with OASIS in every recording session"
    )
    paper = PaperIndex(sentence)
    assert paper.why_not_found(sentence.replace("OASIS", "OASIS [12]")) is None


def test_invented_quotes_are_refused_with_a_reason_to_pass_on() -> None:
    paper = PaperIndex("We fine-tuned ESM-2 on enzymes.")
    reason = paper.why_not_found("We trained GPT-9 on the moon.")
    assert reason is not None and "copy one sentence" in reason
    assert paper.why_not_found("") is not None


def text(*sections: tuple[str, str]) -> PaperText:
    return PaperText(
        work_id="W1",
        title="A title",
        abstract="An abstract.",
        sections=tuple(Section(heading=h, paragraphs=(p,)) for h, p in sections),
    )


def test_context_keeps_cue_paragraphs_within_the_budget() -> None:
    filler = "Samples were collected in the field and weighed. " * 40
    paper = text(
        ("Introduction", filler),
        ("Methods", "We fine-tuned a ResNet-50 pre-trained on ImageNet."),
        ("Methods", filler),
        ("Results", "Accuracy reached 91% after fine-tuning the network."),
    )
    context = select(paper, budget=200)
    assert "ResNet-50" in context.text and "Accuracy reached" in context.text
    assert "weighed" not in context.text
    assert context.tokens <= 200 and context.has_cue
    assert context.text.index("ResNet-50") < context.text.index("Accuracy reached")


def test_a_paper_without_cues_has_no_context_to_send() -> None:
    paper = text(("Methods", "Roots were scanned and weighed."))
    assert select(paper).has_cue is False


def test_approx_tokens_is_four_characters_a_token() -> None:
    assert approx_tokens("a" * 400) == 100


def _paper(*sections: tuple[str, str]) -> PaperText:
    body = tuple(Section(heading=h, paragraphs=(p,)) for h, p in sections)
    return PaperText(work_id="W1", title="Leaves", abstract="We measured leaves.", sections=body)


def test_the_prefilter_sends_only_papers_with_a_cue_where_a_reuse_can_be() -> None:
    from extract.context import speaks_of_deep_learning

    methods = ("Methods", "Leaves were scanned and measured with calipers.")
    assert not speaks_of_deep_learning(_paper(
        ("Introduction", "Deep learning with convolutional networks has transformed imaging."),
        methods,
        ("Discussion", "A transformer-based model could be fine-tuned in future work."),
    ))  # fmt: skip
    assert not speaks_of_deep_learning(_paper(
        methods, ("Results", "Like a deep network, the venation builds features layer by layer."),
    ))  # fmt: skip
    assert not speaks_of_deep_learning(_paper(
        ("Methods", "Mice were pre-trained on the lever task for two weeks."),
        ("Results", "Sample weights and the cell-cycle checkpoint were distilled into a score."),
    ))  # fmt: skip
    assert speaks_of_deep_learning(_paper(
        methods, ("Figure 2", "Leaf outlines segmented by a convolutional network."),
    ))  # fmt: skip


def test_in_a_brain_model_paper_neural_network_means_the_brain() -> None:
    from extract.context import speaks_of_deep_learning

    brain = _paper(
        ("Methods", "We simulated 5,000 integrate-and-fire neurons."),
        ("Results", "The simulated neural network reproduced the recordings."),
    )
    assert not speaks_of_deep_learning(brain)
