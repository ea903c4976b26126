"""Models in no table, found from how papers introduce the models they use.

A sentence introduces a model when it says, of a name that looks like a model's (a capital
after the first letter, or a digit: DIA-NN, deepNF, SignalP 5.0, scVI), that the authors
used, ran, trained, fine-tuned or modified it: "pre-trained X", "we fine-tuned X", "the X
model / network / architecture", "X (citation) was used to ...", "weights of X", "X-based
...", "a modified version of X". A classic architecture described in prose by its authors
("a CNN following Krizhevsky et al. (2012)") is named by the table below. Each find is a
`Mention` with `found_by = "pattern"`, resolved through extract.catalogue (so a known name
found this way is still one Model).

Guards for the known traps: animals or people "pre-trained" on a task, spiking or
integrate-and-fire "neural networks" (models of the brain), deep learning as an analogy,
names that are datasets, software, hardware or units. Where a sentence sits is the caller's
concern: the rules extractor reads the introduction, related work and discussion too, and
gives the models named there the role "mentioned" (extract.roles).
"""

import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

from extract.catalogue import Mention, find_mentions, resolve
from extract.kinds import is_generic_architecture, is_known_non_model, typed_as_non_model
from extract.passages import sentences
from extract.use_evidence import ANALOGY

# A name as a model is written: starts with a letter, runs of letters and digits joined by
# single hyphens or dots, maybe a version ("SignalP 5.0", "YOLO v5").
NAME = (
    r"(?P<name>[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*(?: v?\d+(?:\.\d+)*\b(?![.-]\w))?"
    r"(?: \d+(?:\.\d+)?[MBK]\b)?)"
)
_CITE = r"(?: \((?:[^()]{1,80})\)| \[[\d,\s–-]{1,20}\])?"  # (Smith et al., 2020) or [12]
_USE = r"(?:used|applied|employed|run|trained|re-?trained|fine-?tuned|adapted|adopted|deployed)"
_INTRODUCTIONS = tuple(
    re.compile(rx, re.IGNORECASE)  # the name's own case is judged by looks_like_a_model
    for rx in (
        rf"\b(?:pre-?trained|fine-?tuned|re-?trained) (?:version of (?:the )?)?{NAME}",
        rf"\b(?:we|were|was|and) (?:fine-?tuned|re-?trained|adapted|deployed) (?:the |a )?{NAME}",
        rf"\b(?:the|a|an) {NAME}{_CITE} (?:model|network|architecture|classifier|detector|"
        r"backbone|encoder|predictor|framework)s?\b",
        rf"\b(?:weights|checkpoints?) (?:of|from) (?:the )?{NAME}",
        rf"\b{NAME}{_CITE},? (?:was|were|is|has been|had been) {_USE} (?:to|for|on|as|with)\b",
        rf"\b{NAME}-based (?:model|network|architecture|approach|classifier|segmentation|"
        r"detection|prediction|pipeline|embedding)s?\b",
        rf"\b(?:modified|adapted|customi[sz]ed|re-?implemented) (?:version|implementation|"
        rf"variant) of (?:the )?{NAME}",
        rf"\b(?:using|with|via|by) (?:the )?{NAME}{_CITE} (?:to|for) (?:predict|detect|segment|"
        r"classify|annotate|identify|estimate|generate|embed|extract|infer|score)",
    )
)
# First authors and years of the papers that introduced well-known models, so that prose
# naming a model by its citation ("a CNN designed for natural-image classification
# (Krizhevsky et al., 2012)") finds it: general knowledge of the field, not any paper's
# wording. A year one either side counts (preprints, online-first).
CITATIONS: dict[str, tuple[tuple[str, int], ...]] = {
    "krizhevsky": (("AlexNet", 2012),),
    "simonyan": (("VGG", 2014), ("VGG", 2015)),
    "ronneberger": (("U-Net", 2015),),
    "szegedy": (("GoogLeNet", 2015), ("Inception-v3", 2016)),
    "lecun": (("LeNet", 1998),),
    "redmon": (("YOLO", 2016),),
    "chollet": (("Xception", 2017),),
    "howard": (("MobileNetV2", 2017),),
    "sandler": (("MobileNetV2", 2018),),
    "dosovitskiy": (("ViT", 2021),),
    "vaswani": (("Transformer", 2017),),
    "devlin": (("BERT", 2019),),
    "kipf": (("GCN", 2017),),
    "isensee": (("nnU-Net", 2021),),
    "hochreiter": (("LSTM", 1997),),
    "goodfellow": (("GAN", 2014),),
    "he": (("ResNet", 2016),),
    "huang": (("DenseNet", 2017),),
    "tan": (("EfficientNet", 2019),),
    "jumper": (("AlphaFold2", 2021),),
    "baek": (("RoseTTAFold", 2021),),
    "mirdita": (("ColabFold", 2022),),
    "lin": (("ESM-2", 2023),),
    "rives": (("ESM-1b", 2021),),
    "mathis": (("DeepLabCut", 2018),),
    "nath": (("DeepLabCut", 2019),),
    "stringer": (("Cellpose", 2021),),
    "pachitariu": (("Cellpose", 2022),),
    "schmidt": (("StarDist", 2018),),
    "pereira": (("SLEAP", 2022),),
    "radford": (("CLIP", 2021),),
    "kirillov": (("Segment Anything", 2023),),
    "kahl": (("BirdNET", 2021),),
    "dauparas": (("ProteinMPNN", 2022),),
    "lopez": (("scVI", 2018),),
    "ren": (("Faster R-CNN", 2015),),
    "liu": (("Swin Transformer", 2021),),
    "almagro armenteros": (("SignalP", 2019),),
    "teufel": (("SignalP", 2022),),
    "zhou": (("DeepSEA", 2015),),
    "alipanahi": (("DeepBind", 2015),),
    "jaganathan": (("SpliceAI", 2019),),
    "avsec": (("Enformer", 2021),),
    "poplin": (("DeepVariant", 2018),),
    "lam": (("GraphCast", 2023),),
    "bi": (("Pangu-Weather", 2023),),
    "pathak": (("FourCastNet", 2022),),
}


def cited_model(author: str, year: str) -> str | None:
    """The well-known model a citation of (first author, year) names, if any."""
    for name, when in CITATIONS.get(author.lower(), ()):
        if abs(int(year) - when) <= 1:
            return name
    return None


_PROSE = re.compile(
    r"\b(?:CNN|convolutional (?:neural )?network|network|architecture|model)s?\b[^.]{0,80}?"
    r"\b(?:following|based on|adapted from|modified from|as in|described by|proposed by|"
    r"introduced by|of|from) (?P<author>[A-Z][a-z]+) et al\.?,? \(?(?P<year>\d{4})"
)
# A kind of network tied to its authors by a citation right after it: "a transformer (Vaswani
# et al., 2017)", "an LSTM [Hochreiter and Schmidhuber, 1997]".
_GENERIC_CITED = re.compile(
    r"\b(?P<kind>[A-Za-z][\w-]{1,20})s? [(\[](?P<author>[A-Z][a-z]+)"
    r"(?: et al\.?| (?:and|&) [A-Z][a-z]+)?,? \(?(?P<year>\d{4})"
)
# A network described in prose, then cited: "a CNN designed for natural-image classification
# (Krizhevsky et al., 2012)".
_DESCRIBED_CITED = re.compile(
    r"[(\[](?P<author>[A-Z][a-z]+)(?: et al\.?| (?:and|&) [A-Z][a-z]+)?,? "
    r"(?P<year>\d{4})[a-z]?[);\]]"
)
_ARCHITECTURE_WORDS = re.compile(r"\b(?:CNN|network|architecture|layers?|neural)\b", re.I)
# Substrings one of which every deep-learning cue below contains: a sentence with none of
# them is passed over without running the (slower) regular expressions.
DL_TRIGGERS = (
    "deep", "neural", "convolution", "cnn", "transformer", "autoencoder", "train", "tun",
    "language model", "foundation model", "weights", "checkpoint", "net", "lstm", "recurrent",
    "attention", "diffusion", "gnn", "gan", "hugging", "lora", "model zoo", "torch", "tensorflow",
    "keras", "transfer",
)  # fmt: skip


_TRIGGER = re.compile("|".join(map(re.escape, DL_TRIGGERS)))


def may_speak_of_dl(sentence: str) -> bool:
    return _TRIGGER.search(sentence.lower()) is not None


# A name is introduced as a deep learning model only in a sentence that speaks of one.
DL_CONTEXT = re.compile(
    r"deep[- ]learning|\bdeep (?:neural|autoencoder|network|model|generative)|neural net|"
    r"convolutional|\bCNNs?\b|transformer|autoencoder|pre-?train|fine-?tun|language model|"
    r"foundation model|(?:pre-?trained|network|model|learned|released) weights|weights (?:of|from)|"
    r"checkpoint|"
    r"U-?Net|\bLSTMs?\b|recurrent|self-attention|"
    r"diffusion model|graph neural|\bGNNs?\b|\bGANs?\b",
    re.I,
)
# Words one of which every DL_CONTEXT match contains: a text with none of them is decided by
# substring tests (in C), without running the (slow, case-blind) expression.
_DL_WORDS = (
    "deep", "neural net", "graph neural", "convolutional", "cnn", "transformer", "autoencoder",
    "pre-train", "pretrain", "fine-tun", "finetun", "language model", "foundation model",
    "weights", "checkpoint", "unet", "u-net", "lstm", "recurrent", "self-attention",
    "diffusion model", "gnn", " gan", "(gan", "-gan",
)  # fmt: skip
# The same expression on lower-case text, with the first letters of its alternatives looked
# ahead for: Python's engine then skips most positions at once (about twice as fast).
_DL_CONTEXT_LOWER = re.compile(rf"(?=[dnctaplfmrusgw])(?:{DL_CONTEXT.pattern.lower()})")


def speaks_of_dl(text: str) -> bool:
    """Does the text speak of deep learning (DL_CONTEXT)? Substring tests first (in C)."""
    low = text.lower()
    if not (any(word in low for word in _DL_WORDS) or low.startswith("gan")):
        return False
    return _DL_CONTEXT_LOWER.search(low) is not None


# Traps: not a model, or not deep learning.
_NOT_MODELS = frozenset(
    """We The This That These Those Our Their Its It In On For With From By As An A And Or Each
    All Both Such Other Figure Fig Table Supplementary Methods Results Data ImageNet COCO MNIST
    CIFAR CIFAR-10 CIFAR-100 UniProt PDB Pfam GenBank Biobank PyTorch TensorFlow Keras JAX
    Python MATLAB Julia CUDA GPU GPUs CPU NVIDIA Adam AdamW SGD ReLU Fiji ImageJ Excel GitHub
    Zenodo HuggingFace Google Microsoft Linux DNA RNA mRNA PCR qPCR CRISPR ATP NaCl GFP HMM
    HMMs MSA MSAs BLAST SVM PCA t-SNE UMAP ROC AUC MSE RMSE LSTM CNN CNNs RNN GAN VAE MLP
    OpenCV scikit-learn""".lower().split()
)
# Models of the brain: their "neural networks" are circuits of neurons, not deep learning. A
# sentence with these words speaks of the brain; a paper with the wider words is a paper
# about the brain, where a bare "neural network" needs a word of learning beside it.
BRAIN_MODEL = re.compile(r"spiking|integrate-and-fire|leaky integrat|Hodgkin|Izhikevich", re.I)
_BRAIN_PAPER_WORDS = (
    "spiking", "integrate-and-fire", "leaky integrat", "hodgkin", "izhikevich",
    "balanced network", "excitatory", "firing rate", "membrane potential", "stdp", "hebbian",
    "synaptic plasticity",
)  # fmt: skip


def about_the_brain(text: str) -> bool:
    """Is this a text about models of the brain (substring tests on the lower-cased text)?"""
    low = text.lower()
    return any(word in low for word in _BRAIN_PAPER_WORDS)


_PRETRAINED = re.compile(r"\bpre-?trained\b", re.I)
_BEINGS = re.compile(
    r"\b(?:mice|rats?|animals?|monkeys?|macaques?|subjects?|participants?|birds?|pigeons?|"
    r"fish|flies|bees|dogs?|infants?|children|volunteers|observers|humans?|students?)\b",
    re.I,
)


_COMPOUND = re.compile(r"-(?:based|like|style|type|derived|inspired)$", re.IGNORECASE)


def looks_like_a_model(name: str) -> bool:
    """The name's first word looks like a model's: a capital after its first letter or a
    digit (a version after a space, as in "SignalP 5.0", does not count on its own); and it
    is neither a kind of network nor software, data or a method (extract.kinds)."""
    base = name.split(" ")[0]
    letters = re.sub(r"[^A-Za-z0-9]", "", base)
    if len(letters) < 3 or len(name) > 30 or base.lower() in _NOT_MODELS:
        return False
    if is_generic_architecture(name) or is_generic_architecture(base) or is_known_non_model(name):
        return False
    return any(c.isdigit() for c in base) or any(c.isupper() for c in base[1:])


def is_trap(sentence: str) -> bool:
    """Deep-learning words that do not mean deep learning here (see the module docstring)."""
    if BRAIN_MODEL.search(sentence) or ANALOGY.search(sentence):
        return True
    for match in _PRETRAINED.finditer(sentence):  # animals or people trained on a task
        if _BEINGS.search(sentence, max(0, match.start() - 130), match.end() + 40):
            return True
    return False


def introduced(sentence: str) -> Iterator[Mention]:
    """Models this sentence introduces as used, that no table finds on sight."""
    if not speaks_of_dl(sentence) or is_trap(sentence):
        return
    known = {m.model.name for m in find_mentions(sentence)}
    seen: set[str] = set()
    for rx in _INTRODUCTIONS:
        for match in rx.finditer(sentence):
            name = _COMPOUND.sub("", match.group("name").rstrip(".-"))  # "U-Net-based": U-Net
            start, end = match.start("name"), match.end("name")
            if not looks_like_a_model(name) or typed_as_non_model(sentence, start, end):
                continue
            info = resolve(name)
            if info.name not in seen and info.name not in known:
                seen.add(info.name)
                yield Mention(info, name, start, start + len(name), "pattern")
    if _ARCHITECTURE_WORDS.search(sentence) or "(" in sentence or "[" in sentence:
        cited = [m for m in _GENERIC_CITED.finditer(sentence)
                 if is_generic_architecture(m.group("kind"))]  # fmt: skip
        described = _DESCRIBED_CITED.finditer(sentence) if _ARCHITECTURE_WORDS.search(
            sentence) else ()  # fmt: skip
        for match in (*_PROSE.finditer(sentence), *cited, *described):
            classic = cited_model(match.group("author"), match.group("year"))
            if classic:
                info = resolve(classic)
                if info.name not in seen:
                    seen.add(info.name)
                    at = match.start("author")
                    written = f"{match.group('author')} et al. ({match.group('year')})"
                    yield Mention(info, written, at, match.end(), "pattern")


# How networks and neural predictors are named (ERFNet, CycleGAN, Autoformer, ABCPred,
# EmbedSeg, BioWordVec, MegaDetector): a name of this shape is a model wherever a
# sentence names it, found by its shape ("shape"); whether the paper used it is the roles'
# question. A naming convention of the field, not a list of names.
_SHAPE = (
    r"(?:Net|NN|GAN|[Ff]ormer|BERT|GPT|Pred|PRED|Seg|Vec|Detector|MPNN)"
    r"(?:[-\s]?v?\d+(?:\.\d+)*)?"
)
_SHAPED = re.compile(rf"\b[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*?{_SHAPE}\b")
_SHAPED_HINTS = ("Net", "NN", "GAN", "ormer", "BERT", "GPT", "Pred", "PRED", "Seg", "Vec",
                 "Detector")  # fmt: skip


def _shape_hint(text: str) -> bool:
    return any(hint in text for hint in _SHAPED_HINTS)


_SUFFIX = re.compile(_SHAPE + "$")
_NEURAL = re.compile(r"neural|deep|\bnetworks?\b|transformer|language model", re.IGNORECASE)


def shaped(sentence: str, known: set[str]) -> Iterator[Mention]:
    """Names shaped like a network's that no table knows (see _SHAPE)."""
    if not _shape_hint(sentence) or is_trap(sentence):
        return
    for match in _SHAPED.finditer(sentence):
        name, (start, end) = match.group(0), match.span()
        if not looks_like_a_model(name) or typed_as_non_model(sentence, start, end):
            continue
        if len(_SUFFIX.sub("", name)) < 2 or sentence[max(0, start - 1) : start] in ("/", "."):
            continue  # "NNN" codons; a name inside a web address
        if name.isupper() and not _NEURAL.search(sentence):
            continue  # an acronym ("LMNN": large-margin nearest neighbours) needs "neural" near
        info = resolve(name)
        family = resolve(info.family)  # "NetMHCpan3" is NetMHCpan
        if family.modality != "unknown":
            continue
        if info.name not in known and info.modality == "unknown":
            known.add(info.name)
            yield Mention(info, name, match.start(), match.end(), "shape")


# "Inception, version 3", "SignalP (v. 5.0)": a name and its version written apart.
_VERSIONED = re.compile(
    r"\b(?P<name>[A-Z][A-Za-z]+(?:-[A-Za-z]+)?),? \(?(?:version|ver\.|v\.)\s?(?P<v>\d+(?:\.\d+)?)"
)


def versioned(sentence: str, found: list[Mention]) -> Iterator[Mention]:
    """Known models named with their version written apart, that no table finds as written."""
    if "ver" not in sentence and "v." not in sentence:
        return
    for match in _VERSIONED.finditer(sentence):
        if any(m.start <= match.start() < m.end for m in found):
            continue
        name, version = match.group("name"), match.group("v")
        for written in (f"{name} v{version}", f"{name}-v{version}", f"{name}{version}"):
            info = resolve(written)
            if info.modality != "unknown":
                yield Mention(info, match.group(0), match.start(), match.end(), "pattern")
                break


# A catalogue name (not curated) counts where the sentence speaks of deep learning models.
_MODEL_CONTEXT = re.compile(
    DL_CONTEXT.pattern + r"|\b(?:networks?|architectures?|backbones?|detectors?|classifiers?)\b",
    re.IGNORECASE,
)


def paragraph_models(paragraph: str) -> list[tuple[Mention, ...]]:
    """`named_models` of each of the paragraph's sentences, with the known names found in one
    walk over the paragraph and the other finders run only where the paragraph as a whole
    allows them (a deep-learning word, a version, a network-shaped name): most sentences of
    a paper are decided without a regular expression of their own."""
    known = find_mentions(paragraph)
    dl = speaks_of_dl(paragraph)
    shape = _shape_hint(paragraph)
    version = "ver" in paragraph or "v." in paragraph  # versioned() then reads each sentence
    out: list[tuple[Mention, ...]] = []
    offset = at = 0  # mentions are in text order: each sentence takes the next ones
    for sentence in sentences(paragraph):
        start = paragraph.find(sentence, offset)
        end = start + len(sentence)
        offset = end
        while at < len(known) and known[at].start < start:
            at += 1
        mine = []
        while at < len(known) and known[at].end <= end:
            mine.append(replace(known[at], start=known[at].start - start,
                                end=known[at].end - start))  # fmt: skip
            at += 1
        if mine or dl or shape or version:
            out.append(_named(sentence, mine, dl, shape, version))
        else:
            out.append(())
    return out


@lru_cache(maxsize=4096)  # the rules and the prefilter read the same sentences
def named_models(sentence: str) -> tuple[Mention, ...]:
    """The models a sentence names: the curated table's on sight, the catalogue's where the
    sentence speaks of models, those it introduces as used, and names shaped like a
    network's."""
    return _named(sentence, find_mentions(sentence), True, True, True)


def _named(sentence: str, known: list[Mention], dl: bool, shape: bool,
           version: bool) -> tuple[Mention, ...]:  # fmt: skip
    found = [
        m
        for m in known
        if m.found_by == "table" or not typed_as_non_model(sentence, m.start, m.end)
    ]
    if any(m.found_by != "table" for m in found) and not _MODEL_CONTEXT.search(sentence):
        found = [m for m in found if m.found_by == "table"]
    opened = (*(introduced(sentence) if dl else ()),
              *(versioned(sentence, found) if version else ()))  # fmt: skip
    if not shape:
        return (*found, *opened)
    names = {m.model.name for m in (*found, *opened)}
    return (*found, *opened, *shaped(sentence, names))
