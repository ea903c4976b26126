"""What kind of thing a name is, when it is not a trained network.

Type knowledge, not a list of names seen in any labelled paper:

- **Generic architectures** (CNN, RNN, LSTM, BiLSTM, GRU, MLP, ANN, autoencoder, GAN,
  transformer, GNN and their compounds such as "1D-CNN", "CNN-LSTM" or "Bi-GRU") are kinds
  of network, never a Model by themselves; extract.open_world ties one to a published
  architecture only through a citation of its authors.
- **Software, data, statistics and chemistry's methods**: deep learning frameworks and
  scientific libraries, data sets and databases, statistical and classical machine learning
  methods, force fields, density functionals and basis sets, by word lists of general
  knowledge of the field; and, for names no model table knows, by the noun a sentence puts
  after the name ("the R package X", "the X database", "the X matrix") or by how database,
  assay and matrix names are formed (UniProtKB, GenBank, RNA-seq, BLOSUM62).
"""

import re

from extract.aliases import key


def _words(text: str) -> frozenset[str]:
    """The words of `text`, as extract.aliases.key compares them."""
    return frozenset(key(word) for word in text.split())


# Words that name a kind of network, and what may stand beside them in a compound.
_GENERIC_WORDS = _words(
    """cnn cnns rnn rnns lstm lstms bilstm bilstms gru grus bigru mlp mlps ann anns dnn dnns
    nn nns dcnn fcnn fcn gnn gnns gcn gcns gat gin mpnn vae vaes gan gans dbn rbm rbms elm
    autoencoder autoencoders transformer transformers convlstm tcn resnn crnn rcnn
    perceptron perceptrons"""
)
_COMPOUND_PARTS = _words("1d 2d 3d 4d bi deep conv multi layer stacked based like style type")
_SPLIT = re.compile(r"[-_/\s+]+")


def is_generic_architecture(name: str) -> bool:
    """A kind of network ("CNN", "3D-CNN", "CNN-LSTM", "BiLSTM", "transformer"), not a model."""
    parts = [p for p in _SPLIT.split(name.casefold()) if p]
    if not parts:
        return False
    generic = [p in _GENERIC_WORDS or p.removesuffix("s") in _GENERIC_WORDS for p in parts]
    allowed = (g or p in _COMPOUND_PARTS for g, p in zip(generic, parts, strict=True))
    return any(generic) and all(allowed)


# Frameworks, libraries and tools that run or build networks, or do science around them.
_SOFTWARE = _words(
    """pytorch torch tensorflow keras jax flax theano caffe caffe2 mxnet paddlepaddle
    chainer lightning fastai onnxruntime cuda cudnn tensorrt openvino scikit-learn sklearn
    scikit-image skimage scipy numpy pandas matplotlib seaborn statsmodels xgboost lightgbm
    catboost opencv pillow biopython rdkit openmm gromacs amber namd pymol chimera chimerax
    fiji imagej napari ilastik cellprofiler qupath seurat scanpy anndata deseq2 edger limma
    bowtie bowtie2 bwa samtools bcftools gatk blast hmmer mafft muscle clustal clustalw
    clustalo iqtree raxml mrbayes beast phyml mega python matlab julia stata spss sas excel
    rstudio conda docker github zenodo huggingface weka knime orange"""
)
# Data sets, benchmarks and databases.
_DATA = _words(
    """imagenet imagenet1k imagenet21k imagenet22k coco mscoco mnist cifar cifar10 cifar100
    pascal voc kinetics librispeech audioset openimages laion uniprot uniprotkb uniref
    uniref50 uniref90 uniref100 swissprot trembl pdb pfam interpro cath scop genbank refseq
    ensembl gtex tcga encode biobank ukbiobank chembl zinc pubchem drugbank qm9 md17 oc20
    era5 cmip5 cmip6 modis landsat sentinel1 sentinel2 gbif inaturalist ebird xenocanto
    bigearthnet eurosat kegg reactome string biogrid go dbsnp gnomad clinvar cosmic"""
)
# Statistical and classical machine learning methods.
_STATISTICS = _words(
    """svm svms svr pca ica lda qda glm glms glmm glmms gam gams lasso ridge knn kmeans
    tsne umap hmm hmms anova ancova manova mcmc em bic aic roc auc mse rmse mae ols pls plsda
    sgd adam adamw relu softmax dropout arima sarima arma garch gbm"""
)
# Force fields, density functionals and basis sets: chemistry's named methods.
_CHEMISTRY = _words(
    """amber charmm charmm36 charmm27 opls oplsaa gromos ff14sb ff19sb ff99sb gaff gaff2 tip3p
    tip4p spce martini b3lyp pbe pbe0 blyp m062x wb97xd hf mp2 ccsd dft uff mmff mmff94"""
)
# How database, assay, file and matrix names are formed: UniProtKB, GenBank, RNA-seq, PubChem,
# and substitution matrices (BLOSUM62, PAM250, VTML200).
_NOT_A_NETWORK_FORM = re.compile(r"(?:DB|KB|Bank|Base|[-_]?[Ss]eq|Chem)$")
_MATRIX_FORM = re.compile(r"^(?:BLOSUM|PAM|VTML)\d+$", re.IGNORECASE)
# The noun a sentence puts after (or before) a name to say what it is.
_KIND_AFTER = re.compile(
    r"^\W{0,3}(?:\([^()]{0,60}\)\s*)?(?:R |Python |Bioconductor |MATLAB |Julia |web |online |"
    r"open-source |public )?(?:package|library|libraries|toolbox|toolkit|database|"
    r"databank|data ?set|data ?base|corpus|benchmark|repository|archive|atlas|catalog(?:ue)?|"
    r"collection|survey|assay|kit|test|regression|statistic|language|format|file|matri(?:x|ce)|"
    r"force[- ]field|functional|basis[- ]set|substitution|scoring function|index|indice|camera|"
    r"microscope|spectrometer|sequencer|instrument|scanner|telescope|(?:direct )?electron "
    r"detector|software)s?\b",
    re.IGNORECASE,
)
_KIND_BEFORE = re.compile(
    r"\b(?:R|Python|Bioconductor|MATLAB|CRAN|PyPI|package|library|database|dataset|data set)"
    r" (?:package |library |called |named )?$",
    re.IGNORECASE,
)


def is_known_non_model(name: str) -> bool:
    """Software, a data set or database, or a statistical method, by name or by its form."""
    first = name.split(" ")[0]
    bare, first_bare = key(name), key(first)
    kinds = (_SOFTWARE, _DATA, _STATISTICS, _CHEMISTRY)
    if any(bare in kind or first_bare in kind for kind in kinds):
        return True
    if _MATRIX_FORM.match(first):
        return True
    return bool(_NOT_A_NETWORK_FORM.search(first)) and not any(c.isdigit() for c in first)


def typed_as_non_model(sentence: str, start: int, end: int) -> bool:
    """Does the sentence type the name at [start, end) as software, data or a method?"""
    return bool(_KIND_AFTER.match(sentence[end:]) or _KIND_BEFORE.search(sentence[:start]))
