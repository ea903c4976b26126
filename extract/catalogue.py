"""Every model name we know, found in text in one pass, and any written name resolved to one
canonical Model.

Two sources, curated first: the hand-kept table of `extract.aliases` (families, modalities,
trap guards such as exact case for BERT or Whisper) and the generated long
tail of `catalogue.tsv` (timm, torchvision, transformers, MONAI, PyG, fair-esm, DeepChem;
see tools/build_catalogue.py). A catalogue name marked ambiguous (an English word, or under
four characters) is never found on sight, only where a sentence introduces it as a model
(extract.open_world).

`find_mentions` walks the text's letter-and-digit runs once, and at each run tries the
longest n-gram (up to six runs, joined by at most one space, hyphen, underscore, slash or
dot) whose key (lower case, letters and digits only) names a model: "ResNet-50", "ResNet
50" and "resnet50" are one key. `resolve` maps a written name to its canonical Model: by
key; else with sizes and sub-versions dropped ("ESM-2 650M" is ESM-2, "BERT-large" is
BERT); else it is an unknown model, named as written without its size, whose family is the
name without its version ("SignalP 5.0" of family SignalP).
"""

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from extract.aliases import MODELS, ModelInfo, key

_RUN = re.compile(r"[A-Za-z0-9]+")
_JOINERS = frozenset({" ", "-", "_", "/", ".", "\u2010", "\u2011"})
_MAX_RUNS = 6
# sizes and sub-versions that name a checkpoint of a model, not another model
_SIZE = re.compile(
    r"[\s_-]*(?:\(?\d+(?:\.\d+)?\s?[MBK]\)?|base|large|small|tiny|mini|huge|giant|xx?l)$",
    re.IGNORECASE,
)
_VERSION = re.compile(r"[\s_-]*v?\d+(?:\.\d+)*[a-z]?$", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    model: ModelInfo
    text: str
    start: int
    end: int
    found_by: str = "table"  # table (curated), catalogue (generated), pattern (open world)


@dataclass(frozen=True)
class _Entry:
    info: ModelInfo
    exact: frozenset[str]  # for exact-case entries: the aliases' letters and digits as cased
    curated: bool


def _letters(text: str) -> str:
    return "".join(_RUN.findall(text))


@cache
def catalogue_rows() -> tuple[tuple[str, str, str, str, str], ...]:
    """(name, family, modality, source, match) for every generated catalogue entry."""
    text = (resources.files("extract") / "catalogue.tsv").read_text(encoding="utf-8")
    rows = [tuple(line.split("\t")) for line in text.splitlines() if not line.startswith("#")]
    return tuple(row for row in rows if len(row) == 5)


@cache
def _table() -> dict[str, _Entry]:
    """Key -> entry; curated aliases first, then distinctive catalogue names."""
    table: dict[str, _Entry] = {}
    for info in MODELS:
        for alias in info.aliases:
            exact = frozenset(_letters(a) for a in info.aliases) if info.exact_case else frozenset()
            table.setdefault(key(alias), _Entry(info, exact, curated=True))
    for name, family, modality, _source, match in catalogue_rows():
        if match != "distinctive":
            continue
        info = ModelInfo(name, family, modality, (name,))
        table.setdefault(key(name), _Entry(info, frozenset(), curated=False))
    return table


@cache
def _starts() -> frozenset[str]:
    """Every letter-and-digit run a name can begin with in text: each key's prefixes that end
    where letters turn to digits, after any digit ("SignalP4.1": signalp4), or where the
    alias itself breaks ("U-Net": u)."""
    starts: set[str] = set()
    for entry_key in _table():
        starts.add(entry_key)
        for boundary in re.finditer(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z0-9])", entry_key):
            if boundary.start() > 1:  # "t" of "t5": one letter is too common a word to try
                starts.add(entry_key[: boundary.start()])
    names = [alias for info in MODELS for alias in info.aliases]
    names += [name for name, *_, match in catalogue_rows() if match == "distinctive"]
    for name in names:
        first = _RUN.match(name.lstrip())
        if first:
            starts.add(first.group(0).lower())
    return frozenset(starts)


@cache
def _ambiguous() -> dict[str, ModelInfo]:
    """Catalogue names found only where a sentence introduces them (by key)."""
    return {
        key(name): ModelInfo(name, family, modality, (name,))
        for name, family, modality, _source, match in catalogue_rows()
        if match == "ambiguous"
    }


def _looks_like_a_name(surface: str) -> bool:
    """A catalogue name is found on sight only as a model would be written: with a capital
    after its first letter, a digit, or an underscore (a registry id such as resnet50d)."""
    return any(c.isdigit() or c == "_" for c in surface) or any(c.isupper() for c in surface[1:])


# Words that, hyphenated to a name, make a compound naming something else: assays
# ("CLIP-seq", "BERT-ChIP"), genotypes and cell states ("SAM-deficient", "GAN-positive").
_OTHER_COMPOUNDS = frozenset(
    [
        "seq",
        "chip",
        "pcr",
        "positive",
        "negative",
        "binding",
        "bound",
        "deficient",
        "knockout",
        "ko",
        "mediated",
        "dependent",
        "independent",
        "expressing",
        "expression",
        "treated",
        "infected",
        "tagged",
        "null",
        "mutant",
        "mutants",
        "cell",
        "cells",
        "tag",
        "labelling",
        "staining",
        "stained",
        "rich",
        "poor",
        "free",
        "fed",
    ]
)
_HYPHENATED = re.compile(r"[-‐‑]([A-Za-z]+)\b")


def _in_compound(text: str, end: int) -> bool:
    """Is the name ending at `end` the head of a hyphenated compound that names something
    else ("CLIP-seq", "BERT-positive")?"""
    after = _HYPHENATED.match(text, end)
    if after is None:
        return False
    return after.group(1).lower() in _OTHER_COMPOUNDS


def might_name_known(text: str) -> bool:
    """Does the text hold a run a known name starts with? (One set test, in C.)"""
    return not _starts().isdisjoint(_RUN.findall(text.lower()))


@cache
def _prefixes() -> frozenset[str]:
    """Every prefix of every key: a walk over runs stops as soon as its letters begin none."""
    return frozenset(k[:n] for k in _table() for n in range(1, len(k) + 1))


def find_mentions(text: str) -> list[Mention]:
    """Every known model named in `text`, left to right, longest first, no overlaps."""
    table, starts = _table(), _starts()
    lows = _RUN.findall(text.lower())
    if starts.isdisjoint(lows):
        return []  # the common case: no run a name starts with
    runs = list(_RUN.finditer(text))
    if len(runs) != len(lows):  # a character whose lower case is a letter (the Kelvin sign)
        lows = [run.group(0).lower() for run in runs]
    prefixes = _prefixes()
    found: list[Mention] = []
    taken = -1  # the last run inside a mention already found
    for i, low in enumerate(lows):
        if low not in starts or i <= taken:
            continue
        if runs[i].start() > 0 and text[runs[i].start() - 1] == "-":
            continue  # "pre-ResNet": a name never continues a hyphenated word
        last, joined = i, low
        extensions = [(i, joined)]
        while last + 1 < len(runs) and last + 1 - i < _MAX_RUNS:
            gap = text[runs[last].end() : runs[last + 1].start()]
            if len(gap) != 1 or gap not in _JOINERS:
                break
            last += 1
            joined += lows[last]
            if joined not in prefixes:
                break
            extensions.append((last, joined))
        for end, letters in reversed(extensions):
            entry = table.get(letters)
            if entry is None:
                continue
            surface = text[runs[i].start() : runs[end].end()]
            if entry.exact and _letters(surface) not in entry.exact:
                continue
            if not entry.curated and not _looks_like_a_name(surface):
                continue
            if _in_compound(text, runs[end].end()):
                break  # "CLIP-seq": the compound is an assay; no shorter name is in it either
            by = "table" if entry.curated else "catalogue"
            found.append(Mention(entry.info, surface, runs[i].start(), runs[end].end(), by))
            taken = end
            break
    return found


def resolve(written: str) -> ModelInfo:
    """The canonical Model for a written name (see the module docstring)."""
    cleaned = " ".join(written.strip().strip(".,;:()[]\"'").split())
    table = _table()
    sizeless = cleaned
    while (shorter := _SIZE.sub("", sizeless)) != sizeless and shorter:
        sizeless = shorter
    for candidate in (cleaned, sizeless):
        entry = table.get(key(candidate))
        if entry is not None:
            return entry.info
        ambiguous = _ambiguous().get(key(candidate))
        if ambiguous is not None and candidate != candidate.lower():
            return ambiguous
    found = find_mentions(sizeless)
    if len(found) == 1 and found[0].text == sizeless:
        return found[0].model
    family = _VERSION.sub("", sizeless).rstrip(" -_") or sizeless
    return ModelInfo(sizeless or cleaned, family, "unknown", (cleaned,))


def _forms(written: str) -> list[str]:
    """The lower-case ways a user types one name: as written, without separators, and with
    hyphens and spaces swapped ("ESM-2": esm-2, esm2, esm 2)."""
    low = " ".join(written.lower().split())
    return [low, re.sub(r"[\s_.-]", "", low), low.replace("-", " "), low.replace(" ", "-")]


@cache
def spellings(name: str, family: str) -> tuple[str, ...]:
    """Every lower-case name a Model answers to in a query (its `aliases` on the graph): its
    name, its family's name and, for a catalogued model, the catalogue's aliases, each in the
    forms of `_forms`. The queries match `toLower($model) IN m.aliases`, so a family's name
    means every model of the family and an alias means its model, in Browser as in the CLI."""
    known = resolve(name)
    catalogued = known.name == name and known.family == family
    written = [name, family, *(known.aliases if catalogued else ())]
    forms = (form for w in written for form in _forms(w))
    return tuple(dict.fromkeys(f for f in forms if f and ";" not in f))
