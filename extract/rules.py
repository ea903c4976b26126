"""The rules extractor: answers the study's questions from an alias table and cue words.

No model is needed. It is the default when no LLM is configured and the baseline every LLM
run is compared against. A reuse is a known model named outside the introduction, related work
and discussion; its pattern comes from cue words near the mention, its stage from cue words of
the sentence and then of the section. Every reuse keeps its sentence as evidence.
"""

import multiprocessing
import re
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

from extract.catalogue import Mention
from extract.context import speaks_of_deep_learning
from extract.extractor import Done
from extract.open_world import named_models
from extract.passages import Passage, passages, sentences
from extract.records import Extraction, ExtractionFailure, Outcome, Paper, PaperText, Reuse
from extract.taxonomy import Pattern, Stage

EXTRACTOR = "rules"
VERSION = "rules-2"


def _cues[T](*table: tuple[str, T, str]) -> tuple[tuple[re.Pattern[str], T, str], ...]:
    return tuple((re.compile(rx, re.IGNORECASE), value, label) for rx, value, label in table)


# Checked before anything else: a negated adaptation cue means the model ran as released.
_AS_RELEASED = _cues(
    (
        r"without (any )?(re-?training|fine-?tuning|further training|modification)",
        Pattern.deployment,
        "used without retraining",
    ),
    (
        r"\bno (additional )?(re-?training|fine-?tuning)",
        Pattern.deployment,
        "used without retraining",
    ),
)
_PATTERN_CUES = _cues(
    (r"fine-?tun\w*", Pattern.adaptation, "fine-tuning"),
    (r"transfer[- ]learn\w*", Pattern.adaptation, "transfer learning"),
    (
        r"initiali[sz]\w* (\w+ ){0,3}(with|from) (the )?(its |their )?pre-?trained",
        Pattern.adaptation,
        "initialised from pre-trained weights",
    ),
    (
        r"\bLoRA\b|low-rank adaptation|adapter layers|parameter-efficient",
        Pattern.adaptation,
        "parameter-efficient tuning",
    ),
    (r"distill\w*", Pattern.adaptation, "distillation"),
    (r"re-?trained (\w+ ){0,3}on (our|the new|a new|custom)", Pattern.adaptation, "retraining"),
    (
        r"(custom|further)[- ]trained|trained (a |an )?(custom|new) (\w+ )?(network|model)",
        Pattern.adaptation,
        "retraining",
    ),
    (r"re-?implement\w*", Pattern.conceptual, "re-implementation"),
    (
        r"(modified|adapted|customi[sz]ed) (version|implementation|variant) of|"
        r"our (own )?implementation of",
        Pattern.conceptual,
        "modified re-implementation",
    ),
    (
        r"architecture (of|from|described by|proposed by)|(following|based on) the \w+ architecture",
        Pattern.conceptual,
        "architecture reused",
    ),
    (
        r"(trained|built) from scratch|random(ly)? initiali[sz]",
        Pattern.conceptual,
        "trained from scratch",
    ),
    (r"inspired by", Pattern.conceptual, "design inspired by"),
    (
        r"off[- ]the[- ]shelf|out[- ]of[- ]the[- ]box|as released|as provided",
        Pattern.deployment,
        "used off the shelf",
    ),
    (
        r"predicted (with|using|by)|predictions (from|of|made with)",
        Pattern.deployment,
        "predictions from the released model",
    ),
    (r"\bONNX\b|TensorRT|TorchScript", Pattern.deployment, "converted for inference"),
    (r"quanti[sz]\w*", Pattern.deployment, "quantised for inference"),
    (
        r"(generated|designed|computed|produced|run|extracted|scored) (with|using|by)",
        Pattern.deployment,
        "run as released",
    ),
    (
        r"default (parameters|settings|weights)|pre-?trained (weights|model)s? (were|was) (used|applied)",
        Pattern.deployment,
        "run with released weights",
    ),
)
_STAGE_CUES = _cues(
    (
        r"literature|prior (studies|publications)|screen\w* (\S+ ){0,2}(abstracts|papers|articles)",
        Stage.Background,
        "literature",
    ),
    (
        r"hypothes\w*|candidate\w*|prioriti[sz]\w*|generat\w* (new |novel )?(designs|sequences|"
        r"molecules)",
        Stage.Hypothesis,
        "hypotheses",
    ),
    (
        r"\b(detect\w*|track\w*|monitor\w*|count\w*|survey\w*|camera[- ]trap\w*|"
        r"recordings?|observ\w*)",
        Stage.Observation,
        "observation",
    ),
    (
        r"\b(analy[sz]\w*|quantif\w*|cluster(ed|ing)\b|interpret\w*|visuali[sz]\w*|statistic\w*)",
        Stage.Analysis,
        "analysis",
    ),
    (
        r"manuscript|draft\w*|report(ed|ing)? (the |our )?(findings|results)|summari[sz]\w* (the |our )?"
        r"(findings|results)",
        Stage.Conclusion,
        "reporting",
    ),
    (
        r"\b(predict\w*|classif\w*|simulat\w*|experiment\w*|test\w*|segment\w*|estimat\w*|"
        r"infer\w*|evaluat\w*)",
        Stage.Test,
        "experiment",
    ),
)


@dataclass(frozen=True)
class _Found:
    mention: Mention
    sentence: str
    offset: int  # of the mention inside the sentence
    passage: Passage
    next_sentence: str  # the following sentence when it names no other model, else ""
    alone: bool = True  # the only model the sentence names


# In a sentence that names several models, a cue farther than this from a mention is taken
# to describe another model ("the fine-tuned model ... compared to AlphaFold2 structures").
_REACH = 100


def _closest[T](
    sentence: str,
    at: int,
    cues: tuple[tuple[re.Pattern[str], T, str], ...],
    reach: int | None = None,
) -> tuple[T, str] | None:
    best: tuple[int, T, str] | None = None
    for rx, value, label in cues:
        for m in rx.finditer(sentence):
            distance = min(abs(m.start() - at), abs(m.end() - at))
            if (reach is None or distance <= reach) and (best is None or distance < best[0]):
                best = (distance, value, label)
    return None if best is None else (best[1], best[2])


def _cue(found: _Found) -> tuple[Pattern, str] | None:
    """The pattern this mention's sentence (or the next) describes, if any."""
    for rx, pattern, label in _AS_RELEASED:
        if rx.search(found.sentence):
            return pattern, label
    reach = None if found.alone else _REACH
    cue = _closest(found.sentence, found.offset, _PATTERN_CUES, reach)
    if cue is None:  # "We used ResNet-50. The network was then fine-tuned on ..."
        cue = _closest(found.next_sentence, 0, _PATTERN_CUES)
    return cue


# What the authors did with a model, over all its mentions: training further from released
# weights is the reuse even where another sentence runs the model as released.
_PRIORITY = {Pattern.adaptation: 3, Pattern.conceptual: 2, Pattern.deployment: 1}


def _stage(found: _Found) -> Stage:
    # The rarer stages have the more specific cues, so the first table entry that matches wins.
    for rx, stage, _ in _STAGE_CUES:
        if rx.search(found.sentence):
            return stage
    return Stage.Analysis if found.passage.is_results else Stage.Test


def _score(found: _Found) -> int:
    """Which mention of a model to keep: one with a pattern cue, then one in the methods."""
    has_cue = _closest(found.sentence, found.offset, _PATTERN_CUES) is not None
    return 2 * has_cue + found.passage.is_methods


def _mentions(text: PaperText) -> list[_Found]:
    found: list[_Found] = []
    for passage in passages(text):
        if not passage.can_hold_reuse:
            continue
        split = sentences(passage.text)
        named = [named_models(sentence) for sentence in split]
        for i, sentence in enumerate(split):
            following = split[i + 1] if i + 1 < len(split) and not named[i + 1] else ""
            alone = len({m.model.name for m in named[i]}) == 1
            for mention in named[i]:
                found.append(_Found(mention, sentence, mention.start, passage, following, alone))
    return found


def _reuse(mentions: list[_Found]) -> Reuse:
    def rank(found: _Found) -> tuple[int, int]:
        cue = _cue(found)
        return (_PRIORITY[cue[0]] if cue else 0, _score(found))

    best = max(mentions, key=rank)
    cue = _cue(best)
    pattern, form = cue or (best.mention.model.default_pattern,
                            "use not described; default for this model")  # fmt: skip
    info = best.mention.model
    return Reuse(
        mention=best.mention.text,
        model=info.name,
        family=info.family,
        modality=info.modality,
        pattern=pattern,
        stage=_stage(best),
        form=form,
        evidence=best.sentence,
        found_by=best.mention.found_by,  # type: ignore[arg-type]
    )


def extract(text: PaperText) -> Extraction:
    """Answer uses_dl, uses_ptms and the reuses (pattern, stage, evidence) for one paper."""
    by_model: dict[str, list[_Found]] = {}
    for found in _mentions(text):
        by_model.setdefault(found.mention.model.name, []).append(found)
    reuses = tuple(_reuse(mentions) for mentions in by_model.values())
    uses_dl = bool(reuses) or speaks_of_deep_learning(text)  # the LLM prefilter's rule
    return Extraction(
        work_id=text.work_id,
        uses_dl=uses_dl,
        uses_ptms=bool(reuses),
        reuses=reuses,
        extractor=EXTRACTOR,
        extractor_version=VERSION,
    )


def _outcome(work_id: str, text_json: str) -> Outcome:
    """One paper's extraction, or its failure: what a worker process sends back."""
    try:
        return extract(PaperText.model_validate_json(text_json))
    except Exception as error:  # one paper that breaks the rules must not end the run
        return ExtractionFailure(work_id=work_id, extractor=EXTRACTOR, extractor_version=VERSION,
                                 reason=f"rules extractor failed: {error!r}")  # fmt: skip


class RulesExtractor:
    """The `rules` extractor behind the one `Extractor` interface.

    With `workers` > 1 the papers fan out over a process pool (each paper travels as its
    JSON), with at most `workers` x 8 papers in flight, and outcomes come back in input
    order; a stream shorter than `_POOL_AFTER` papers is done in this process, which spares
    small corpora the pool's start-up.
    """

    name = EXTRACTOR
    version = VERSION
    batch = 500  # cheap outcomes: stored in batches
    _POOL_AFTER = 64

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)

    def settings(self) -> dict[str, Any]:
        return {}

    def extract_all(self, papers: Iterable[Paper], done: Done) -> None:
        stream = iter(papers)
        head = list(islice(stream, self._POOL_AFTER))
        if self.workers == 1 or len(head) < self._POOL_AFTER:
            for paper in chain(head, stream):
                done(_outcome(paper.work.id, paper.text.model_dump_json()))
            return
        context = multiprocessing.get_context("spawn")  # no fork of a threaded process
        with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
            in_flight: deque[Future[Outcome]] = deque()
            for paper in chain(head, stream):
                in_flight.append(pool.submit(_outcome, paper.work.id,
                                             paper.text.model_dump_json()))  # fmt: skip
                if len(in_flight) >= self.workers * 8:
                    done(in_flight.popleft().result())
            while in_flight:
                done(in_flight.popleft().result())
