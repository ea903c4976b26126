"""Write extract/catalogue.tsv: the long tail of the model table, from real registries.

    python tools/build_catalogue.py            # needs pip (to download wheels) and a word list

Nothing is imported from the packages: each wheel is downloaded with `pip download --no-deps`
and its registry read from the source with `ast`, so this runs on a machine without torch.

- timm: every function decorated with `@register_model` in `timm/models/*.py`, and each
  module (a family: `regnet.py` -> regnet); modality vision.
- torchvision: every `@register_model()` builder in `torchvision/models/**`; vision.
- transformers 4.57 (the last release with display names): `MODEL_NAMES_MAPPING` (model type
  -> "RoBERTa"); modality from the task mappings of `modeling_auto.py` that list the type.
- MONAI: the networks exported by `monai/networks/nets/__init__.py`; vision (medical imaging).
- PyTorch Geometric: `torch_geometric/nn/models/__init__.py` `__all__`; graph.
- fair-esm: the checkpoint loaders in `esm/pretrained.py` (esm2_t33_650M_UR50D ...); protein.
- DeepChem: the model classes exported by `deepchem/models/__init__.py`; chemistry.

A name is `ambiguous` when, lower-cased, it is an English word of the system word list
(`/usr/share/dict/words`, Debian's wamerican) or shorter than four characters: such names
(ALIGN, Nest, SAM, GIT) are found only where a sentence introduces them as a model, never on
sight. Curated entries of extract/aliases.py stay on top: the catalogue never overrides them.
"""

import ast
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

OUT = Path(__file__).parents[1] / "extract" / "catalogue.tsv"
WHEELS = {
    "timm": "timm==1.0.31",
    "torchvision": "torchvision==0.29.2",
    "transformers": "transformers==4.57.6",
    "monai": "monai==1.6.1",
    "torch_geometric": "torch_geometric==2.8.1",
    "fair_esm": "fair-esm==2.0.0",
    "deepchem": "deepchem==2.5.0",
}
WORDS = Path("/usr/share/dict/words")
_TASK_MODALITY = (
    ("AUDIO", "audio"), ("SPEECH", "audio"), ("CTC", "audio"), ("SPECTROGRAM", "audio"),
    ("WAVEFORM", "audio"), ("VISUAL_QUESTION", "multimodal"), ("IMAGE_TEXT", "multimodal"),
    ("VISION_2_SEQ", "multimodal"), ("ZERO_SHOT_IMAGE", "multimodal"),
    ("DOCUMENT", "multimodal"), ("TIME_SERIES", "time series"), ("IMAGE", "vision"),
    ("VIDEO", "vision"), ("SEGMENTATION", "vision"), ("OBJECT_DETECTION", "vision"),
    ("DEPTH", "vision"), ("KEYPOINT", "vision"), ("MASK_GENERATION", "vision"),
    ("BACKBONE", "vision"), ("MASKED_LM", "text"), ("CAUSAL_LM", "text"),
    ("SEQ_TO_SEQ", "text"), ("SEQUENCE_CLASSIFICATION", "text"),
    ("TOKEN_CLASSIFICATION", "text"), ("QUESTION_ANSWERING", "text"),
)  # fmt: skip


def download(where: Path) -> dict[str, zipfile.ZipFile]:
    specs = list(WHEELS.values())
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    "--quiet", "-d", str(where), *specs], check=True)  # fmt: skip
    found = {}
    for key in WHEELS:
        (wheel,) = where.glob(f"{key}-*.whl")
        found[key] = zipfile.ZipFile(wheel)
    return found


def _decorated(source: str, decorator: str) -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            for d in node.decorator_list:
                target = d.func if isinstance(d, ast.Call) else d
                if isinstance(target, ast.Name) and target.id == decorator:
                    yield node.name


def _literal(source: str, name: str) -> object:
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])  # fmt: skip
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            value = node.value
            if isinstance(value, ast.Call) and value.args:  # OrderedDict([...])
                value = value.args[0]
            assert value is not None
            return ast.literal_eval(value)
    raise KeyError(name)


def written_as(key: str, source: str) -> str:
    """How the module's own prose writes a family (regnet -> RegNet): the most frequent
    spelling with a capital whose letters and digits are `key`; else `key` itself."""
    plain = re.sub(r"[^a-z0-9]", "", key.lower())
    seen: dict[str, int] = {}
    for word in re.findall(r"\b[A-Za-z][A-Za-z0-9-]{2,}\b", source):
        if word != word.lower() and re.sub(r"[^a-z0-9]", "", word.lower()) == plain:
            seen[word] = seen.get(word, 0) + 1
    return max(seen, key=lambda w: (seen[w], w)) if seen else key


def timm(z: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    for path in sorted(z.namelist()):
        if re.fullmatch(r"timm/models/[a-z][\w]*\.py", path):
            source = z.read(path).decode()
            names = list(_decorated(source, "register_model"))
            if names:
                family = written_as(Path(path).stem, source)
                yield family, family, "vision"
                for name in names:
                    yield name, family, "vision"


def torchvision(z: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    for path in sorted(z.namelist()):
        if path.startswith("torchvision/models/") and path.endswith(".py"):
            source = z.read(path).decode()
            for name in _decorated(source, "register_model"):
                family = written_as(re.sub(r"[_\d].*$", "", name) or name, source)
                yield family, family, "vision"
                yield name, family, "vision"


def transformers(z: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    config = z.read("transformers/models/auto/configuration_auto.py").decode()
    display = dict(_literal(config, "MODEL_NAMES_MAPPING"))  # type: ignore[call-overload]
    modeling = z.read("transformers/models/auto/modeling_auto.py").decode()
    modality: dict[str, str] = {}
    for mapping in re.findall(r"^(MODEL_FOR_\w+_MAPPING_NAMES)\s*=", modeling, re.M):
        kind = next((m for marker, m in _TASK_MODALITY if marker in mapping), None)
        if kind is None:
            continue
        for model_type in dict(_literal(modeling, mapping)):  # type: ignore[call-overload]
            modality.setdefault(model_type, kind)
    assert isinstance(display, dict)
    for model_type, name in display.items():
        if model_type.endswith(("_text_model", "_vision_model", "_audio_model")):
            continue
        yield name, name, modality.get(model_type, "text")
        if re.sub(r"[^a-z0-9]", "", model_type) != re.sub(r"[^a-z0-9]", "", name.lower()):
            yield model_type, name, modality.get(model_type, "text")


def _exported(source: str) -> Iterator[str]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                yield alias.asname or alias.name


def monai(z: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    for name in _exported(z.read("monai/networks/nets/__init__.py").decode()):
        if name[0].isupper() and not name.endswith(("Block", "Layer", "Encoder", "Decoder")):
            yield name, name, "vision"


def torch_geometric(z: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    names = _literal(z.read("torch_geometric/nn/models/__init__.py").decode(), "__all__")
    assert isinstance(names, list)
    for name in names:
        if name[0].isupper() and not name.endswith(("Layer", "Memory", "Encoder", "Decoder")):
            yield name, name, "graph"


def fair_esm(z: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    source = z.read("esm/pretrained.py").decode()
    for name in re.findall(r"^def (esm\w+)\(", source, re.M):
        yield name, "ESM", "protein"


def deepchem(z: zipfile.ZipFile) -> Iterator[tuple[str, str, str]]:
    for name in _exported(z.read("deepchem/models/__init__.py").decode()):
        if name.endswith("Model") and name not in {"Model", "KerasModel", "TorchModel"}:
            yield name, name.removesuffix("Model") or name, "chemistry"


def ambiguous(name: str, words: set[str]) -> bool:
    plain = re.sub(r"[^a-z0-9]", "", name.lower())
    return len(plain) < 4 or plain in words or (name.isalpha() and name.lower() in words)


def main() -> None:
    if not WORDS.exists():
        sys.exit(f"needs a word list at {WORDS}: apt-get install wamerican")
    words = {w.strip().lower() for w in WORDS.read_text(errors="replace").splitlines()}
    readers = {"timm": timm, "torchvision": torchvision, "transformers": transformers,
               "monai": monai, "torch_geometric": torch_geometric, "fair_esm": fair_esm,
               "deepchem": deepchem}  # fmt: skip
    rows: dict[str, tuple[str, str, str, str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        wheels = download(Path(tmp))
        for source, read in readers.items():
            for name, family, modality in read(wheels[source]):
                key = re.sub(r"[^a-z0-9]", "", name.lower())
                flag = "ambiguous" if ambiguous(name, words) else "distinctive"
                rows.setdefault(key, (name, family, modality, source, flag))
    header = [
        "# The long tail of the model table, generated by tools/build_catalogue.py; do not edit.",
        "# Sources (registries read from the wheels' source, nothing imported): "
        + ", ".join(WHEELS.values()) + ".",
        "# Columns: name, family, modality, source, match (distinctive: found on sight;"
        " ambiguous: only where a sentence introduces it as a model).",
    ]  # fmt: skip
    lines = ["\t".join(row) for _, row in sorted(rows.items())]
    OUT.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    by_modality: dict[str, int] = {}
    for row in rows.values():
        by_modality[row[2]] = by_modality.get(row[2], 0) + 1
    print(f"{len(rows)} names -> {OUT}: " + ", ".join(f"{k} {v}" for k, v in
                                                       sorted(by_modality.items())))  # fmt: skip


if __name__ == "__main__":
    main()
