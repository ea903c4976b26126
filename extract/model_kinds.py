"""What a model is for, beside its modality: a protein language model and a structure
predictor are both `protein`, but a researcher asking for "every paper that fine-tuned a
protein language model" means ESM-2, not AlphaFold. A kind is read from the model's family
(the curated table), else from its modality; `kg models --kind` lists a kind's members and
the query modules that filter by model take a `kind` parameter."""

# Modalities that are a kind by themselves, whatever the family (DNABERT is a BERT, but a
# genomics model).
_BY_MODALITY_FIRST = {
    "dna": "genomics model",
    "proteomics": "proteomics model",
    "cell": "single-cell model",
    "chemistry": "molecular model",
    "geospatial": "geospatial model",
    "weather": "weather model",
    "pose": "pose estimation",
    "segmentation": "segmentation",
}

_BY_FAMILY = {
    **dict.fromkeys(("ESM", "ProtTrans"), "protein language model"),
    **dict.fromkeys(("AlphaFold", "RoseTTAFold"), "structure predictor"),
    "ProteinMPNN": "protein design",
    **dict.fromkeys(
        ("DeepLoc", "DeepTMHMM", "SignalP", "TargetP", "NetMHCpan"), "protein annotation"
    ),
    **dict.fromkeys(
        (
            "AlexNet",
            "ConvNeXt",
            "DINO",
            "DenseNet",
            "EfficientNet",
            "Inception",
            "MobileNet",
            "ResNet",
            "Swin",
            "VGG",
            "ViT",
            "Xception",
        ),
        "image backbone",
    ),
    **dict.fromkeys(("U-Net", "SAM"), "segmentation"),
    **dict.fromkeys(("YOLO", "R-CNN"), "object detection"),
    "Noise2Void": "image restoration",
    "Stable Diffusion": "image generation",
    **dict.fromkeys(
        ("BERT", "BART", "ELMo", "GPT", "LLaMA", "Mistral", "T5", "XLNet"), "language model"
    ),
    **dict.fromkeys(("GloVe", "word2vec", "fastText"), "word embedding"),
    "CLIP": "vision-language model",
}

_BY_MODALITY = {
    "vision": "image model",
    "text": "language model",
    "protein": "protein model",
    "audio": "audio model",
    "multimodal": "multimodal model",
    "graph": "graph model",
    "time series": "time-series model",
}

KINDS: tuple[str, ...] = tuple(
    sorted({*_BY_MODALITY_FIRST.values(), *_BY_FAMILY.values(), *_BY_MODALITY.values()})
)


def model_kind(family: str, modality: str) -> str:
    """The kind of a model of `family` and `modality`; `unknown` for a model in no table."""
    return (_BY_MODALITY_FIRST.get(modality) or _BY_FAMILY.get(family)
            or _BY_MODALITY.get(modality) or "unknown")  # fmt: skip
