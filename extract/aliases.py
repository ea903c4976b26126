"""The curated model table: canonical names, families, modalities, default patterns and the
ways papers write each model. Hand-kept; the generated long tail is extract/catalogue.tsv,
and extract.catalogue finds and resolves both.

An alias matches whole words, case-insensitively unless the entry is `exact_case` (names that
are also words or people: BERT, CLIP, Whisper, BART). Spaces, hyphens and the like inside an
alias are optional, so "ESM-2", "ESM 2" and "ESM2" are one model.
"""

import re
from dataclasses import dataclass

from extract.taxonomy import Pattern


@dataclass(frozen=True)
class ModelInfo:
    name: str
    family: str
    modality: str
    default_pattern: Pattern  # used when no cue near a mention says otherwise
    aliases: tuple[str, ...] = ()
    exact_case: bool = False


A, C, D = Pattern.adaptation, Pattern.conceptual, Pattern.deployment


def _m(
    name: str,
    family: str,
    modality: str,
    default: Pattern,
    *aliases: str,
    exact_case: bool = False,
) -> ModelInfo:
    return ModelInfo(name, family, modality, default, (name, *aliases), exact_case)


MODELS: tuple[ModelInfo, ...] = (
    # vision backbones and detectors
    _m("AlexNet", "AlexNet", "vision", A),
    _m("VGG-16", "VGG", "vision", A, "VGG16", "VGGNet-16", "VGG-Net 16"),
    _m("VGG-19", "VGG", "vision", A, "VGG19"),
    _m("VGG", "VGG", "vision", A, "VGGNet"),
    _m("ResNet-18", "ResNet", "vision", A, "ResNet18"),
    _m("ResNet-34", "ResNet", "vision", A, "ResNet34"),
    _m("ResNet-50", "ResNet", "vision", A, "ResNet50", "ResNet-50 v2"),
    _m("ResNet-101", "ResNet", "vision", A, "ResNet101"),
    _m("ResNet-152", "ResNet", "vision", A, "ResNet152"),
    _m("ResNet", "ResNet", "vision", A, "residual network", "residual networks"),
    _m("Inception-v3", "Inception", "vision", A, "InceptionV3", "Inception v3"),
    _m("GoogLeNet", "Inception", "vision", A),
    _m("DenseNet-121", "DenseNet", "vision", A, "DenseNet121"),
    _m("DenseNet", "DenseNet", "vision", A),
    _m("MobileNetV2", "MobileNet", "vision", A, "MobileNet v2", "MobileNet"),
    _m("EfficientNet", "EfficientNet", "vision", A, *(f"EfficientNet-B{i}" for i in range(8))),
    _m("Xception", "Xception", "vision", A),
    _m(
        "ViT",
        "ViT",
        "vision",
        A,
        "Vision Transformer",
        "ViT-B/16",
        "ViT-B/32",
        "ViT-L/14",
        "ViT-L/16",
        "ViT-L/32",
        "ViT-H/14",
        exact_case=True,
    ),
    _m("Swin Transformer", "Swin", "vision", A, "Swin-T", "Swin-B"),
    _m("ConvNeXt", "ConvNeXt", "vision", A),
    _m("DINOv2", "DINO", "vision", D, "DINO v2"),
    _m("Segment Anything", "SAM", "vision", D, "Segment Anything Model", "SAM model"),
    _m("U-Net", "U-Net", "vision", C, "UNet", "U-net"),
    _m("Mask R-CNN", "R-CNN", "vision", A, "MaskRCNN"),
    _m("Faster R-CNN", "R-CNN", "vision", A, "FasterRCNN"),
    _m("YOLOv3", "YOLO", "vision", A, "YOLO v3", exact_case=True),
    _m("YOLOv5", "YOLO", "vision", A, "YOLO v5", exact_case=True),
    _m("YOLOv8", "YOLO", "vision", A, "YOLO v8", exact_case=True),
    _m("YOLO", "YOLO", "vision", A, "You Only Look Once", exact_case=True),
    _m("Stable Diffusion", "Stable Diffusion", "vision", D),
    # microscopy, segmentation and pose tools
    _m("Cellpose", "Cellpose", "segmentation", D, "Cellpose 2.0", "CellPose"),
    _m("StarDist", "StarDist", "segmentation", D),
    _m("DeepLabCut", "DeepLabCut", "pose", A),  # not "DLC": diamond-like carbon
    _m("SLEAP", "SLEAP", "pose", A, exact_case=True),
    _m("OpenPose", "OpenPose", "pose", D),
    _m("Noise2Void", "Noise2Void", "vision", A, "N2V"),
    # language models
    _m("BERT", "BERT", "text", A, "BERT-base", "BERT-large", exact_case=True),
    _m("RoBERTa", "BERT", "text", A, exact_case=True),  # not Roberta
    _m("BioBERT", "BERT", "text", A),
    _m("SciBERT", "BERT", "text", A),
    _m("PubMedBERT", "BERT", "text", A, "BiomedBERT"),
    _m("ClinicalBERT", "BERT", "text", A),
    _m("MatBERT", "BERT", "text", A),
    _m("BART", "BART", "text", A, exact_case=True),
    _m("Flan-T5", "T5", "text", A, "FLAN-T5"),
    _m("XLNet", "XLNet", "text", A),
    _m("ELMo", "ELMo", "text", A, exact_case=True),
    _m("word2vec", "word2vec", "text", D, "Word2Vec"),
    _m("GloVe", "GloVe", "text", D, exact_case=True),
    _m("fastText", "fastText", "text", D, "FastText"),
    _m("GPT-2", "GPT", "text", A, "GPT2"),
    _m("GPT-3", "GPT", "text", D, "GPT3", "GPT-3.5"),
    _m("GPT-4", "GPT", "text", D, "GPT4", "GPT-4o"),
    _m("ChatGPT", "GPT", "text", D),
    _m("LLaMA", "LLaMA", "text", A, "Llama 2", "Llama-2", "Llama 3", "Llama-3"),
    _m("Mistral-7B", "Mistral", "text", A, "Mistral 7B"),
    # multimodal and audio
    _m("CLIP", "CLIP", "multimodal", D, exact_case=True),
    _m("wav2vec 2.0", "wav2vec", "audio", A, "wav2vec2", "wav2vec", "Wav2Vec2"),
    _m("HuBERT", "HuBERT", "audio", A, exact_case=True),
    _m("Whisper", "Whisper", "audio", D, exact_case=True),
    _m("VGGish", "VGGish", "audio", D),
    _m("YAMNet", "YAMNet", "audio", D),
    _m("BirdNET", "BirdNET", "audio", D),
    _m("PANNs", "PANNs", "audio", A, "CNN14"),
    # proteins, genomes and cells
    _m(
        "ESM-2",
        "ESM",
        "protein",
        A,
        "ESM2",
        "esm2_t6_8M_UR50D",
        "esm2_t12_35M_UR50D",
        "esm2_t30_150M_UR50D",
        "esm2_t33_650M_UR50D",
        "esm2_t36_3B_UR50D",
        "esm2_t48_15B_UR50D",
    ),
    _m("ESM-1b", "ESM", "protein", A, "ESM1b", "esm1b_t33_650M_UR50S"),
    _m("ESMFold", "ESM", "protein", D),
    _m("ProtBert", "ProtTrans", "protein", A, "ProtBERT"),
    _m("ProtT5", "ProtTrans", "protein", A, "ProtT5-XL", "ProtT5-XL-U50"),
    _m("ProstT5", "ProtTrans", "protein", D),
    _m("AlphaFold2", "AlphaFold", "protein", D, "AlphaFold", "AlphaFold 2", "AF2"),
    _m("AlphaFold-Multimer", "AlphaFold", "protein", D, "AlphaFold Multimer"),
    _m("AlphaFold3", "AlphaFold", "protein", D, "AlphaFold 3", "AF3"),
    _m("ColabFold", "AlphaFold", "protein", D),
    _m("RoseTTAFold", "RoseTTAFold", "protein", D),
    _m("ProteinMPNN", "ProteinMPNN", "protein", D),
    _m("RFdiffusion", "RoseTTAFold", "protein", D),
    _m("DeepTMHMM", "DeepTMHMM", "protein", D),
    _m("DNABERT", "BERT", "dna", A, "DNABERT-2"),
    _m("Nucleotide Transformer", "Nucleotide Transformer", "dna", A),
    _m("Enformer", "Enformer", "dna", D),
    _m("SpliceAI", "SpliceAI", "dna", D),
    _m("DeepSEA", "DeepSEA", "dna", D),
    _m("DeepVariant", "DeepVariant", "dna", D),
    _m("DeepBind", "DeepBind", "dna", D),
    _m("Basenji", "Basenji", "dna", D, "Basenji2"),
    # protein annotation and proteomics tools built on neural networks, run as released
    _m("SignalP", "SignalP", "protein", D, "SignalP 4.1", "SignalP 5.0", "SignalP 6.0", "Signal P"),
    _m("DeepLoc", "DeepLoc", "protein", D, "DeepLoc 1.0", "DeepLoc 2.0"),
    _m("TargetP", "TargetP", "protein", D, "TargetP 2.0"),
    _m("NetMHCpan", "NetMHCpan", "protein", D),
    _m("DIA-NN", "DIA-NN", "proteomics", D, "DIANN"),
    _m("Prosit", "Prosit", "proteomics", D),
    _m("scVI", "scVI", "cell", A, "scvi-tools", exact_case=True),
    _m("scGPT", "scGPT", "cell", A),
    _m("Geneformer", "Geneformer", "cell", A),
    # chemistry and materials
    _m("ChemBERTa", "BERT", "chemistry", A, "ChemBERTa-2"),
    _m("MolFormer", "MolFormer", "chemistry", A, "MoLFormer"),
    _m("Uni-Mol", "Uni-Mol", "chemistry", A),
    _m("SchNet", "SchNet", "chemistry", C),
    _m("ANI-2x", "ANI", "chemistry", D, "ANI-1x", "ANI-1ccx"),
    _m("MACE-MP-0", "MACE", "chemistry", A, "MACE-MP"),
    _m("Chemprop", "Chemprop", "chemistry", A),
    # earth and climate
    _m("Prithvi", "Prithvi", "geospatial", A),
    _m("FourCastNet", "FourCastNet", "weather", D),
    _m("GraphCast", "GraphCast", "weather", D),
    _m("Pangu-Weather", "Pangu-Weather", "weather", D),
    _m("ClimaX", "ClimaX", "weather", A),
)


def key(name: str) -> str:
    """Comparison key of a model name: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())
