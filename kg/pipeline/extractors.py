"""The extractors, registered by name: the one place that knows them. A new extractor is
one class (implementing extract.extractor.Extractor) and one line in `EXTRACTORS`.

`offline` extractors need no endpoint: `kg load` runs them for papers not yet extracted.
The others' outcomes must have been stored by `kg extract` first. An unknown name is one
`InputRejected` line, never a fall-back to another extractor.
"""

from collections.abc import Callable
from dataclasses import dataclass

from extract.errors import InputRejected
from extract.extractor import Extractor
from extract.rules import RulesExtractor
from kg.pipeline.extract import ExtractOptions
from kg.settings import Settings
from kg.workspace import Workspace

Make = Callable[[Settings, Workspace, ExtractOptions], Extractor]


@dataclass(frozen=True)
class Registered:
    make: Make
    offline: bool  # may run inside `kg load` for papers not yet extracted


def _rules(settings: Settings, workspace: Workspace, options: ExtractOptions) -> Extractor:
    return RulesExtractor(workers=options.workers)


def _llm(settings: Settings, workspace: Workspace, options: ExtractOptions) -> Extractor:
    """The LLM extractor, set up for the endpoint as its probe found it."""
    from extract.llm import LLMExtractor
    from kg.pipeline.llm_setup import llm_setup

    step = options.step
    progress = (lambda kind, tokens: step(kind, 1)) if step else None
    setup = llm_setup(settings, options.budget, options.concurrency, options.retry_failed,
                      options.reuse_from)  # fmt: skip
    return LLMExtractor(setup.config, workspace, setup.concurrency, progress)


EXTRACTORS: dict[str, Registered] = {
    "rules": Registered(_rules, offline=True),
    "llm": Registered(_llm, offline=False),
}


def registered(name: str, why: str = "") -> Registered:
    """The extractor called `name`, or one line naming the ones there are."""
    found = EXTRACTORS.get(name)
    if found is None:
        known = ", ".join(EXTRACTORS)
        raise InputRejected(f"no extractor called {name!r}{why}: use one of {known}")
    return found
