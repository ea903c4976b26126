"""The one interface every extractor implements (rules, LLM), chosen by name at the CLI.

An extractor reads papers and hands over one outcome per paper (an `Extraction`, or an
`ExtractionFailure` that says why) through `done`, as each completes; the caller stores them.
`settings` is what, beside name and version, makes one run of it differ from another (the
LLM's model and budget); it never holds a secret.
"""

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from extract.records import Outcome, Paper

Done = Callable[[Outcome], None]


class Extractor(Protocol):
    name: str  # rules | llm
    version: str  # rules version or prompt version
    batch: int  # outcomes stored per transaction (1: each as it arrives)

    def settings(self) -> dict[str, Any]: ...

    def extract_all(self, papers: Iterable[Paper], done: Done) -> None: ...
