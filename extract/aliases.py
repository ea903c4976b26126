"""The curated model table: canonical names, families, modalities and the ways papers write
each model (no default pattern: a pattern is read from what a paper did, extract.cues).
Hand-kept; the generated long tail is extract/catalogue.tsv, and extract.catalogue finds and
resolves both.

An alias matches whole words, case-insensitively unless the entry is `exact_case` (names that
are also words or people: BERT, CLIP, Whisper, BART). Spaces, hyphens and the like inside an
alias are optional, so "ESM-2", "ESM 2" and "ESM2" are one model.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ModelInfo:
    name: str
    family: str
    modality: str
    aliases: tuple[str, ...] = ()
    exact_case: bool = False


def _m(name: str, family: str, modality: str, *aliases: str, exact_case: bool = False) -> ModelInfo:
    return ModelInfo(name, family, modality, (name, *aliases), exact_case)


MODELS: tuple[ModelInfo, ...] = (
    # vision backbones and detectors
    _m("AlexNet", "AlexNet", "vision"),
    _m("VGG-16", "VGG", "vision", "VGG16", "VGGNet-16", "VGG-Net 16"),
    _m("VGG-19", "VGG", "vision", "VGG19"),
    _m("VGG", "VGG", "vision", "VGGNet"),
    _m("ResNet-18", "ResNet", "vision", "ResNet18"),
    _m("ResNet-34", "ResNet", "vision", "ResNet34"),
    _m("ResNet-50", "ResNet", "vision", "ResNet50", "ResNet-50 v2"),
    _m("ResNet-101", "ResNet", "vision", "ResNet101"),
    _m("ResNet-152", "ResNet", "vision", "ResNet152"),
    _m("ResNet", "ResNet", "vision", "residual network", "residual networks"),
    _m("Inception-v3", "Inception", "vision", "InceptionV3", "Inception v3"),
    _m("GoogLeNet", "Inception", "vision"),
    _m("DenseNet-121", "DenseNet", "vision", "DenseNet121"),
    _m("DenseNet", "DenseNet", "vision"),
    _m("MobileNetV2", "MobileNet", "vision", "MobileNet v2", "MobileNet"),
    _m("EfficientNet", "EfficientNet", "vision", *(f"EfficientNet-B{i}" for i in range(8))),
    _m("Xception", "Xception", "vision"),
    _m(
        "ViT",
        "ViT",
        "vision",
        "Vision Transformer",
        "ViT-B/16",
        "ViT-B/32",
        "ViT-L/14",
        "ViT-L/16",
        "ViT-L/32",
        "ViT-H/14",
        exact_case=True,
    ),
    _m("Swin Transformer", "Swin", "vision", "Swin-T", "Swin-B"),
    _m("ConvNeXt", "ConvNeXt", "vision"),
    _m("DINOv2", "DINO", "vision", "DINO v2"),
    _m("Segment Anything", "SAM", "vision", "Segment Anything Model", "SAM model"),
    _m("U-Net", "U-Net", "vision", "UNet", "U-net"),
    _m("Mask R-CNN", "R-CNN", "vision", "MaskRCNN"),
    _m("Faster R-CNN", "R-CNN", "vision", "FasterRCNN"),
    _m("YOLOv3", "YOLO", "vision", "YOLO v3", exact_case=True),
    _m("YOLOv5", "YOLO", "vision", "YOLO v5", exact_case=True),
    _m("YOLOv8", "YOLO", "vision", "YOLO v8", exact_case=True),
    _m("YOLO", "YOLO", "vision", "You Only Look Once", exact_case=True),
    _m("Stable Diffusion", "Stable Diffusion", "vision"),
    # microscopy, segmentation and pose tools
    _m("Cellpose", "Cellpose", "segmentation", "Cellpose 2.0", "CellPose"),
    _m("StarDist", "StarDist", "segmentation"),
    _m("DeepLabCut", "DeepLabCut", "pose"),  # not "DLC": diamond-like carbon
    _m("SLEAP", "SLEAP", "pose", exact_case=True),
    _m("OpenPose", "OpenPose", "pose"),
    _m("Noise2Void", "Noise2Void", "vision", "N2V"),
    # language models
    _m("BERT", "BERT", "text", "BERT-base", "BERT-large", exact_case=True),
    _m("RoBERTa", "BERT", "text", exact_case=True),  # not Roberta
    _m("BioBERT", "BERT", "text"),
    _m("SciBERT", "BERT", "text"),
    _m("PubMedBERT", "BERT", "text", "BiomedBERT"),
    _m("ClinicalBERT", "BERT", "text"),
    _m("MatBERT", "BERT", "text"),
    _m("BART", "BART", "text", exact_case=True),
    _m("Flan-T5", "T5", "text", "FLAN-T5"),
    _m("XLNet", "XLNet", "text"),
    _m("ELMo", "ELMo", "text", exact_case=True),
    _m("word2vec", "word2vec", "text", "Word2Vec"),
    _m("GloVe", "GloVe", "text", exact_case=True),
    _m("fastText", "fastText", "text", "FastText"),
    _m("GPT-2", "GPT", "text", "GPT2"),
    _m("GPT-3", "GPT", "text", "GPT3", "text-davinci-003"),
    _m("GPT-3.5", "GPT", "text", "GPT-3.5-turbo", "gpt-3.5-turbo"),
    _m("GPT-4", "GPT", "text", "GPT4", "GPT-4o"),
    _m("ChatGPT", "GPT", "text"),
    _m("LLaMA", "LLaMA", "text", "Llama 2", "Llama-2", "Llama 3", "Llama-3"),
    _m("Mistral-7B", "Mistral", "text", "Mistral 7B"),
    # multimodal and audio
    _m("CLIP", "CLIP", "multimodal", exact_case=True),
    _m("wav2vec 2.0", "wav2vec", "audio", "wav2vec2", "wav2vec", "Wav2Vec2"),
    _m("HuBERT", "HuBERT", "audio", exact_case=True),
    _m("Whisper", "Whisper", "audio", exact_case=True),
    _m("VGGish", "VGGish", "audio"),
    _m("YAMNet", "YAMNet", "audio"),
    _m("BirdNET", "BirdNET", "audio"),
    _m("PANNs", "PANNs", "audio", "CNN14"),
    # proteins, genomes and cells
    _m(
        "ESM-2",
        "ESM",
        "protein",
        "ESM2",
        "esm2_t6_8M_UR50D",
        "esm2_t12_35M_UR50D",
        "esm2_t30_150M_UR50D",
        "esm2_t33_650M_UR50D",
        "esm2_t36_3B_UR50D",
        "esm2_t48_15B_UR50D",
    ),
    _m("ESM-1b", "ESM", "protein", "ESM1b", "esm1b_t33_650M_UR50S"),
    _m("ESMFold", "ESM", "protein"),
    _m("ProtBert", "ProtTrans", "protein", "ProtBERT"),
    _m("ProtT5", "ProtTrans", "protein", "ProtT5-XL", "ProtT5-XL-U50"),
    _m("ProstT5", "ProtTrans", "protein"),
    _m("AlphaFold2", "AlphaFold", "protein", "AlphaFold", "AlphaFold 2", "AF2"),
    _m("AlphaFold-Multimer", "AlphaFold", "protein", "AlphaFold Multimer"),
    _m("AlphaFold3", "AlphaFold", "protein", "AlphaFold 3", "AF3"),
    _m("ColabFold", "AlphaFold", "protein"),
    _m("RoseTTAFold", "RoseTTAFold", "protein"),
    _m("ProteinMPNN", "ProteinMPNN", "protein"),
    _m("RFdiffusion", "RoseTTAFold", "protein"),
    _m("DeepTMHMM", "DeepTMHMM", "protein"),
    _m("DNABERT", "BERT", "dna", "DNABERT-2"),
    _m("Nucleotide Transformer", "Nucleotide Transformer", "dna"),
    _m("Enformer", "Enformer", "dna"),
    _m("SpliceAI", "SpliceAI", "dna"),
    _m("DeepSEA", "DeepSEA", "dna"),
    _m("DeepVariant", "DeepVariant", "dna"),
    _m("DeepBind", "DeepBind", "dna"),
    _m("Basenji", "Basenji", "dna", "Basenji2"),
    # protein annotation and proteomics tools built on neural networks, run as released
    _m("SignalP", "SignalP", "protein", "SignalP 4.1", "SignalP 5.0", "SignalP 6.0", "Signal P"),
    _m("DeepLoc", "DeepLoc", "protein", "DeepLoc 1.0", "DeepLoc 2.0"),
    _m("TargetP", "TargetP", "protein", "TargetP 2.0"),
    _m("NetMHCpan", "NetMHCpan", "protein"),
    _m("DIA-NN", "DIA-NN", "proteomics", "DIANN"),
    _m("Prosit", "Prosit", "proteomics"),
    _m("scVI", "scVI", "cell", "scvi-tools", exact_case=True),
    _m("scGPT", "scGPT", "cell"),
    _m("Geneformer", "Geneformer", "cell"),
    # chemistry and materials
    _m("ChemBERTa", "BERT", "chemistry", "ChemBERTa-2"),
    _m("MolFormer", "MolFormer", "chemistry", "MoLFormer"),
    _m("Uni-Mol", "Uni-Mol", "chemistry"),
    _m("SchNet", "SchNet", "chemistry"),
    _m("ANI-2x", "ANI", "chemistry", "ANI-1x", "ANI-1ccx"),
    _m("MACE-MP-0", "MACE", "chemistry", "MACE-MP"),
    _m("Chemprop", "Chemprop", "chemistry"),
    # earth and climate
    _m("Prithvi", "Prithvi", "geospatial"),
    _m("FourCastNet", "FourCastNet", "weather"),
    _m("GraphCast", "GraphCast", "weather"),
    _m("Pangu-Weather", "Pangu-Weather", "weather"),
    _m("ClimaX", "ClimaX", "weather"),
)


def key(name: str) -> str:
    """Comparison key of a model name: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())
