"""The rules extractor: answers the study's questions from an alias table and cue words.

No model is needed. It is the default when no LLM is configured and the baseline every LLM
run is compared against. Every model a paper names gets a role (extract.roles): created (the
paper's own), mentioned (background: the introduction, related work, discussion, or a
sentence about the field) or used (a reuse). A reuse's pattern and stage come from what its
sentence, or the next, says (extract.cues), and are `undetermined` when nothing does. Every
record keeps its sentence as evidence.
"""

import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import reduce
from itertools import chain, islice
from typing import Any

from extract.acronyms import defined_otherwise
from extract.catalogue import Mention, resolve
from extract.context import works_with_deep_learning
from extract.cues import PRIORITY, RELEASED_WEIGHTS, TRAINED_BY_AUTHORS, Site, pattern, stage
from extract.document_kind import without_methods
from extract.extractor import Done
from extract.in_flight import in_order
from extract.open_world import is_trap, paragraph_models, speaks_of_dl
from extract.passages import Passage, passages, sentences
from extract.records import Extraction, ExtractionFailure, Outcome, Paper, PaperText, Reuse
from extract.roles import created_names, is_created
from extract.taxonomy import Pattern, Role, Stage, stronger_role
from extract.use_evidence import ONLY_NAMED, not_a_use, part_of_another

EXTRACTOR = "rules"
VERSION = "rules-3"


@dataclass(frozen=True)
class _Found:
    mention: Mention
    site: Site
    passage: Passage
    role: Role


def _score(found: _Found) -> tuple[int, int, int]:
    """Which mention of a model to keep: the strongest evidenced pattern, then one with a
    stage, then one in the methods."""
    cue = pattern(found.site)[0]
    return (PRIORITY.get(cue, 0), stage(found.site) is not Stage.undetermined,
            found.passage.is_methods)  # fmt: skip


def _role(mention: Mention, site: Site, passage: Passage, created: dict[str, str]) -> Role:
    own = is_created(mention.text, created) or is_created(mention.model.name, created)
    if own and mention.model.modality == "unknown":  # a known model is never the paper's own
        return Role.created
    if not passage.can_hold_reuse:
        return Role.mentioned
    why = not_a_use(site.sentence, site.start, site.end)
    if why == ONLY_NAMED and site.next_sentence:  # "X (Smith, 2020). It was run on ..."
        why = not_a_use(site.next_sentence)
    return Role.used if why is None else Role.mentioned


def _mentions(text: PaperText, created: dict[str, str]) -> list[_Found]:
    found: list[_Found] = []
    reports_no_work = without_methods(text)
    read = [
        (passage, sentences(passage.text), paragraph_models(passage.text))
        for passage in passages(text)
        if passage.can_hold_reuse or passage.is_background
    ]  # not references, funding...
    acronyms = any(m.text.isupper() for _, _, named in read for ms in named for m in ms)
    other = defined_otherwise(p.text for p in passages(text)) if acronyms else frozenset()
    for passage, split, named in read:
        for i, sentence in enumerate(split):
            following = split[i + 1] if i + 1 < len(split) and not named[i + 1] else ""
            alone = len({m.model.name for m in named[i]}) == 1
            for mention in named[i]:
                if mention.text in other and mention.found_by != "pattern":
                    continue  # an acronym this paper defines as something else
                site = Site(sentence, mention.start, mention.end, following, alone,
                            cited="et al" in mention.text)  # fmt: skip
                role = Role.mentioned if reports_no_work else _role(mention, site, passage,
                                                                     created)  # fmt: skip
                if any(other.end <= mention.start and other.model != mention.model and
                       part_of_another(sentence, other.end, mention.start)
                       for other in named[i]):  # fmt: skip
                    role = Role.mentioned  # a part of another model the sentence describes
                found.append(_Found(mention, site, passage, role))
    return found


def _record(mentions: list[_Found]) -> Reuse:
    """One model's record: its role over all mentions (created, else used, else mentioned),
    and for a reuse the pattern and stage its best-evidenced mention gives."""
    role = reduce(stronger_role, (found.role for found in mentions))
    best = max((f for f in mentions if f.role is role), key=_score)
    info = best.mention.model
    if role is Role.used:
        (chosen, form), served = pattern(best.site), stage(best.site)
        if form == TRAINED_BY_AUTHORS and any(RELEASED_WEIGHTS.search(f.site.sentence)
                                              for f in mentions):  # fmt: skip
            chosen, form = Pattern.adaptation, "trained from released weights"
    else:
        chosen, served = Pattern.undetermined, Stage.undetermined
        form = "introduced by this paper" if role is Role.created else "named as background"
    return Reuse(
        mention=best.mention.text,
        model=info.name,
        family=info.family,
        modality=info.modality,
        pattern=chosen,
        stage=served,
        form=form,
        evidence=best.site.sentence,
        found_by=best.mention.found_by,  # type: ignore[arg-type]
        role=role,
    )


def _unseen_creations(created: dict[str, str], seen: dict[str, list[_Found]]) -> tuple[Reuse, ...]:
    """The paper's own models that no sentence names the way a reuse is found ("We present
    PlanktoNet, a convolutional network ..."), where the creating sentence speaks of deep
    learning."""
    made = []
    for name, sentence in created.items():
        info = resolve(name)
        if info.name in seen or not speaks_of_dl(sentence) or is_trap(sentence):
            continue
        made.append(Reuse(mention=name, model=info.name, family=info.family,
                          modality=info.modality, pattern=Pattern.undetermined,
                          stage=Stage.undetermined, form="introduced by this paper",
                          evidence=sentence, found_by="pattern", role=Role.created))  # fmt: skip
    return tuple(made)


def extract(text: PaperText) -> Extraction:
    """Answer uses_dl, uses_ptms and the reuses (pattern, stage, evidence) for one paper. A
    document that reports no work of its own (a review, a notice) reuses nothing."""
    created = {} if without_methods(text) else created_names(text.title, passages(text))
    by_model: dict[str, list[_Found]] = {}
    for found in _mentions(text, created):
        by_model.setdefault(found.mention.model.name, []).append(found)
    records = tuple(_record(mentions) for mentions in by_model.values())
    records += _unseen_creations(created, by_model)
    used = any(r.role is Role.used for r in records)
    made = any(r.role is Role.created for r in records)
    uses_dl = used or made or (not without_methods(text) and works_with_deep_learning(text))
    return Extraction(
        work_id=text.work_id,
        uses_dl=uses_dl,
        uses_ptms=used,
        reuses=records,
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
            in_order(chain(head, stream),
                     lambda paper: pool.submit(_outcome, paper.work.id,
                                               paper.text.model_dump_json()),
                     self.workers * 8, done)  # fmt: skip
