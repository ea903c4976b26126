"""What a sentence says was done with a model (the pattern) and what it served (the stage).

The pattern is read from what was done to the weights:

- adaptation: the weights were updated (fine-tuning, transfer learning with training,
  re-training a released network on new data, LoRA and other parameter-efficient tuning,
  distillation), or a new head was trained on its frozen features (docs/definitions.md);
- conceptual: the architecture or idea was re-implemented, trained from scratch, or derived
  into the authors' own network ("a network based on the U-Net architecture", a kind of
  network tied to its authors by a citation);
- deployment: the model was run or read as released ("frozen" with no new head, "as a
  feature extractor" for a classical method, "embeddings from X", "predictions of X", "using
  X to ...", "X was run with default settings").

The stage follows docs/definitions.md too: detecting, segmenting, tracking or counting in
images or recordings is Observation.

Cues are regular expressions over the sentence, plus constructions tied to the mention
itself (the words right before or after it). When nothing decides, the answer is
`undetermined`: no default stands in for evidence.
"""

import re
from dataclasses import dataclass

from extract.taxonomy import Pattern, Stage

type Cue[T] = tuple[re.Pattern[str], T, str]


def _cues[T](*table: tuple[str, T, str]) -> tuple[Cue[T], ...]:
    return tuple((re.compile(rx, re.IGNORECASE), value, label) for rx, value, label in table)


A, C, D = Pattern.adaptation, Pattern.conceptual, Pattern.deployment
HEAD = "frozen features under a newly trained head"
# A classical classifier on a model's outputs: the model ran as released (definitions.md).
CLASSICAL = re.compile(
    r"random forests?|support vector|\bSVMs?\b|logistic regression|gradient[- ]boost\w*|"
    r"XGBoost|k-nearest|\bkNN\b|linear regression|ridge regression|\blasso\b",
    re.IGNORECASE,
)
# Released weights named beside training: the training started from them.
RELEASED_WEIGHTS = re.compile(
    r"pre-?trained|ImageNet|\bCOCO\b|released (?:weights|checkpoints?)|checkpoints?|"
    r"transfer[- ]learn\w*|initiali[sz]\w* (?:\w+ ){0,3}(?:with|from)",
    re.IGNORECASE,
)

# A negated adaptation cue means the model ran as released ("without fine-tuning").
AS_RELEASED = _cues(
    (r"without (any |further )?(re-?training|fine-?tuning|further training|modification|"
     r"updating)", D, "used without retraining"),
    (r"\bno (additional |further )?(re-?training|fine-?tuning)", D, "used without retraining"),
)  # fmt: skip
FROM_SCRATCH = re.compile(r"(trained|built) from scratch|random(ly)? initiali[sz]", re.I)
_NEGATED = re.compile(r"\b(?:not|no|without|instead of|rather than)\s+(?:\w+\s+){0,2}$", re.I)
PATTERN_CUES = _cues(
    (r"fine-?tun\w*", A, "fine-tuning"),
    (r"transfer[- ]learn\w*", A, "transfer learning"),
    (r"initiali[sz]\w* (\w+ ){0,3}(with|from) (the )?(its |their )?pre-?trained", A,
     "initialised from pre-trained weights"),
    (r"\bLoRA\b|low-rank adaptation|adapter layers|parameter-efficient", A,
     "parameter-efficient tuning"),
    (r"distill\w*", A, "distillation"),
    (r"re-?trained (\w+ ){0,3}on (our|the new|a new|custom)", A, "retraining"),
    (r"\b(?:new|newly[- ]trained|additional|added|trainable|linear|classification|regression|"
     r"task[- ]specific)\s+(?:[\w-]+ ){0,2}(?:head|output layer|dense layers?|fully[- ]connected "
     r"layers?|softmax layer)s?\b|\blinear prob\w*|\b(?:head|output layer)s? (?:was|were) "
     r"(?:then )?trained|\b(?:replac\w+|re-?train\w*|add\w*) (?:only )?(?:the )?(?:final|last|top|"
     r"output|classification) (?:[\w-]+ ){0,2}layers?", A, HEAD),
    (r"\b(start\w*|initiali[sz]\w*) from (\S+ ){0,4}(pre-?trained|released) (weights|"
     r"checkpoints?|backbones?|models?|networks?)|\b(start\w*|initiali[sz]\w*) from (\S+ ){0,5}"
     r"(backbones?|checkpoints?|weights) pre-?trained", A, "training from released weights"),
    (r"(custom|further)[- ]trained|trained (a |an )?(custom|new) (\w+ )?(network|model)|"
     r"(continued|further) (pre-?)?training|unfroze\w*|weights were updated", A, "retraining"),
    (r"re-?implement\w*", C, "re-implementation"),
    (r"(modified|adapted|customi[sz]ed) (version|implementation|variant) of|"
     r"our (own )?implementation of", C, "modified re-implementation"),
    (r"architecture (of|from|described by|proposed by)|(following|based on) the \w+ "
     r"architecture|(network|model|architecture|design)s? (\w+ )?(based on|derived from|"
     r"adapted from|modelled on|modeled on|inspired by)", C, "architecture reused"),
    (FROM_SCRATCH.pattern, C, "trained from scratch"),
    (r"inspired by", C, "design inspired by"),
    (r"off[- ]the[- ]shelf|out[- ]of[- ]the[- ]box|as released|as provided", D,
     "used off the shelf"),
    (r"\b(?:frozen|froze|freez\w*)\b(?=[^.]{0,160}(?<!pre-)(?<!pre)\btrain)|"
     r"(?<!pre-)(?<!pre)\btrain\w*\b(?=[^.]{0,160}\b(?:frozen|froze|freez\w*))", A, HEAD),
    (r"\bfrozen\b|\bfroze\b|\bfreez\w*", D, "weights frozen"),
    (r"(as|for) (a |the )?(fixed |frozen )?feature extract\w*", D, "feature extractor"),
    (r"\b(embeddings?|features|representations) (\w+ ){0,3}(from|of|with|using|by)\b", D,
     "embeddings read from the released model"),
    (r"zero-shot|without updating", D, "run as released"),
    (r"predicted (with|using|by)|predictions (from|of|made with|by)", D,
     "predictions from the released model"),
    (r"\bONNX\b|TensorRT|TorchScript", D, "converted for inference"),
    (r"quanti[sz]\w*", D, "quantised for inference"),
    (r"(generated|designed|computed|produced|run|extracted|scored|obtained|searched|"
     r"annotated|modell?ed|identified|analy[sz]ed|processed) (with|using|by)", D,
     "run as released"),
    (r"default (parameters|settings|weights)|pre-?trained (weights|model)s? (were|was) "
     r"(used|applied)", D, "run with released weights"),
    (r"\b(?:was|were) used to (?:predict|obtain|compute|score|annotate|identify|estimate|"
     r"infer|classify|detect|segment|map|call|generate|design|assess)|\b(?:programs?|tools?|"
     r"servers?|software|models?|predictors?) used (?:for|to)\b", D, "run as released"),
)  # fmt: skip

# Constructions tied to the mention: the words right before it, or right after it.
NO_TRAINING_SAID = "released weights, no training said"
TRAINED_BY_AUTHORS = "trained by the authors"
_ARTICLE = r"(?:the |a |an |our |their |its )?(?:[\w-]+ ){0,2}"
_BEFORE = _cues(
    (rf"\b(?:fine-?tuned|re-?trained|further trained)\s+{_ARTICLE}$", A, "fine-tuning"),
    (rf"(?<![-\w])(?:train|trained|training|trains)\s+{_ARTICLE}$", C, TRAINED_BY_AUTHORS),
    (rf"\b(?:architecture of|modell?ed on|(?:network|model|architecture)s? (?:based on|"
     rf"following|derived from))\s+{_ARTICLE}$", C, "architecture reused"),
    (rf"\b(?:using|used|use|uses|with|via|through|by|ran|run|running|applied|applying|"
     rf"employed|employing|"
     rf"queried|querying)\s+{_ARTICLE}$", D, "run as released"),
    (r"\b(?:the |a |an )?(?:released |publicly available )?pre-?trained\s+(?:[\w-]+ ){0,1}$", D,
     NO_TRAINING_SAID),
)  # fmt: skip
_CITATION = r"(?:\s*\([^()]{0,80}\)|\s*\[[\d,\s–-]{1,20}\])?"
_AFTER = _cues(
    (rf"^{_CITATION}\s*(?:was|were) (?:then |further |subsequently )?(?:fine-?tuned|re-?trained)",
     A, "fine-tuning"),
    (rf"^(?:-like|-style|-inspired|-type|['’]s)?{_CITATION}\s*(?:architecture|design|topology|"
     r"backbone design)", C, "architecture reused"),
    (r"^-(?:like|style|inspired|type|based)\s+(?:[\w-]+\s+){0,3}(?:network|model|architecture|CNN|"
     r"classifier|detector|encoder)", C, "architecture reused"),
    (rf"^{_CITATION}\s*(?:model |network |architecture )?(?:was|were) (?:then |first |"
     r"subsequently |also )?trained\b", C, TRAINED_BY_AUTHORS),
    (rf"^{_CITATION}\s*(?:was|were|is) (?:then |also |first )?(?:run|applied|used|employed|"
     r"deployed|queried)\b", D, "run as released"),
    (rf"^{_CITATION}\s*predicts?\b", D, "predictions from the released model"),
    (r"^(?:-predicted|-derived|\s+predict\w*|\s+embeddings?|\s+structures?|\s+outputs?|"
     r"\s+scores?|\s+models? of)\b", D, "outputs of the released model"),
)  # fmt: skip

# Features of sequences and structures that annotation tools predict: predicting them
# annotates the data at hand (Analysis), it does not test the paper's claim.
_FEATURES = (
    r"\b(?:sites?|domains?|motifs?|locali[sz]ation|signal (?:peptides?|sequences?)|secondary "
    r"structures?|transmembrane|epitopes?|glycosylation|phosphorylation|disorder(?:ed)?|"
    r"cleavage|solvent (?:accessibility|exposure))\b"
)
STAGE_CUES = _cues(
    (r"literature|prior (studies|publications)|screen\w* (\S+ ){0,2}(abstracts|papers|articles)",
     Stage.Background, "literature"),
    (r"hypothes\w*|candidate\w*|prioriti[sz]\w*|generat\w* (new |novel )?(designs|sequences|"
     r"molecules)", Stage.Hypothesis, "hypotheses"),
    (r"\b(detect\w*|segment\w*|track\w*|monitor\w*|count\w*|survey\w*|camera[- ]trap\w*|"
     r"recordings?)", Stage.Observation, "observation"),
    (r"\b(analy[sz]\w*|quantif\w*|cluster(ed|ing)\b|interpret\w*|visuali[sz]\w*|statistic\w*)",
     Stage.Analysis, "analysis"),
    (rf"\b(?:putative|potential|annotat\w*|characteri[sz]\w*)\b|\bpredict\w*(?=[^.]*{_FEATURES})|"
     rf"{_FEATURES}(?=[^.]*\bpredict)", Stage.Analysis, "annotating the data"),
    (r"manuscript|draft\w*|report(ed|ing)? (the |our )?(findings|results)|summari[sz]\w* "
     r"(the |our )?(findings|results)|proofread\w*|readability|copy-?edit\w*|language "
     r"editing|(?:refin|polish|revis)\w* (?:the |this |our )?(?:text|paper|wording|prose)",
     Stage.Conclusion, "reporting"),
    (r"\b(predict\w*|classif\w*|simulat\w*|experiment\w*|test\w*|estimat\w*|"
     r"infer\w*|evaluat\w*)", Stage.Test, "experiment"),
)  # fmt: skip

# What the authors did with a model, over all its mentions (and within one sentence):
# training further from released weights is the reuse even where the model also ran as
# released; building on its architecture comes next.
PRIORITY = {Pattern.adaptation: 3, Pattern.conceptual: 2, Pattern.deployment: 1}
# In a sentence that names several models, a cue farther than this from a mention is taken
# to describe another model ("the fine-tuned model ... compared to AlphaFold2 structures").
REACH = 100


@dataclass(frozen=True)
class Site:
    """Where a model is named: its sentence, its place in it, and the next sentence."""

    sentence: str
    start: int
    end: int
    next_sentence: str = ""  # the following sentence when it names no other model
    alone: bool = True  # the only model the sentence names
    cited: bool = False  # named through its authors' citation (a classic architecture)


def _found[T](sentence: str, at: int, cues: tuple[Cue[T], ...]) -> list[tuple[int, T, str]]:
    """(distance from `at`, value, label) of every cue in the sentence; a negated adaptation
    cue ("rather than fine-tuned") does not count."""
    found = []
    for rx, value, label in cues:
        for m in rx.finditer(sentence):
            if value is Pattern.adaptation and _NEGATED.search(sentence[: m.start()]):
                continue
            found.append((min(abs(m.start() - at), abs(m.end() - at)), value, label))
    return found


def _tied(site: Site) -> list[tuple[int, Pattern, str]]:
    before, after = site.sentence[max(0, site.start - 60) : site.start], site.sentence[site.end :]
    tied = [(0, value, label) for rx, value, label in _BEFORE if rx.search(before)]
    tied += [(0, value, label) for rx, value, label in _AFTER if rx.match(after)]
    if site.cited:
        tied.append((0, Pattern.conceptual, "architecture from its authors' paper"))
    return tied


def pattern(site: Site) -> tuple[Pattern, str]:
    """The pattern this mention's sentence (or the next) evidences, or undetermined."""
    if not FROM_SCRATCH.search(site.sentence):
        for rx, value, label in AS_RELEASED:
            if rx.search(site.sentence):
                return value, label
    in_sentence = _found(site.sentence, site.start, PATTERN_CUES)
    tied = _tied(site)
    if CLASSICAL.search(site.sentence):  # a classical classifier on its outputs, not a head
        in_sentence = [f for f in in_sentence if f[2] != HEAD]
    if RELEASED_WEIGHTS.search(site.sentence):  # "we trained a pre-trained X": from its weights
        tied = [(0, A, "trained from released weights") if t[2] == TRAINED_BY_AUTHORS else t
                for t in tied]  # fmt: skip
    if any(value is Pattern.adaptation for _, value, _ in in_sentence):
        # "the pre-trained X ... fine-tuned": training said after all
        tied = [t for t in tied if t[2] != NO_TRAINING_SAID]
    found = tied + in_sentence
    if not site.alone:  # the nearest cue within reach, then the stronger pattern
        near = [f for f in found if f[0] <= REACH]
        if near:
            best = min(near, key=lambda f: (f[0], -PRIORITY[f[1]]))
            return best[1], best[2]
    elif found:  # one model: what was done to its weights, the strongest evidence first
        best = min(found, key=lambda f: (-PRIORITY[f[1]], f[0]))
        return best[1], best[2]
    later = _found(site.next_sentence, 0, PATTERN_CUES)  # "We used X. It was fine-tuned..."
    if later:
        best = min(later, key=lambda f: (-PRIORITY[f[1]], f[0]))
        return best[1], best[2]
    return Pattern.undetermined, "no evidence of what was done with the model"


def stage(site: Site) -> Stage:
    """The stage the sentence (or the next) evidences; the rarer stages have the more
    specific cues, so the first table entry that matches wins."""
    for text in (site.sentence, site.next_sentence):
        for rx, value, _ in STAGE_CUES:
            if rx.search(text):
                return value
    return Stage.undetermined
