"""The rules extractor of another commit beside this checkout's, in one run: `kg extract
--extractor rules` speed on the same real corpus, measured alternately, and the scores of
both on the same labelled corpus with this checkout's scorer.

    git worktree add --detach /tmp/old a1fe47f
    PYTHONPATH=/tmp/old .venv/bin/python /tmp/old/bench/realcorpus.py ../shared/eval/papers \
        1140 /tmp/real1140.jsonl
    .venv/bin/python bench/rules_versions.py a1fe47f /tmp/real1140.jsonl eval/corpus/labels.jsonl

(The corpus is written by the older version's script, so that both versions read it: a
newer text record may carry fields an older one refuses.) With `-` for the corpus, only the
scores are measured.
The other commit is checked out in a temporary git worktree and run with this checkout's
virtual environment (PYTHONPATH puts the worktree's packages first). Speed: each round runs
`kg extract CORPUS --extractor rules` once per version, each in a fresh workspace, versions
alternating (three rounds), and prints papers per second. Scores: every labelled paper is
read once here (JATS, TEI or markdown), its text handed to both versions' `extract`, and both
answers scored by this checkout's `kg eval` figures (the other version's own `kg eval` may
not read markdown or print per-value scores).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from extract.eval_report import report
from extract.evaluate import read_labels
from extract.records import Extraction
from kg.cli.evaluate import _read_paper

HERE = Path(__file__).parents[1]
KG = HERE / ".venv" / "bin" / "kg"
PYTHON = HERE / ".venv" / "bin" / "python"
ROUNDS = 3
_EXTRACT_ALL = """
import json, sys
from extract.records import PaperText
from extract.rules import extract
for line in sys.stdin:
    text = PaperText.model_validate_json(line)
    print(extract(text).model_dump_json())
"""


def _run(tree: Path, args: list[str], workspace: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree), "KG_WORKSPACE": str(workspace)}
    started = time.perf_counter()
    subprocess.run([str(KG), *args], cwd=tree, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def speed(trees: dict[str, Path], corpus: Path, tmp: Path) -> None:
    papers = sum(1 for line in corpus.open() if line.strip())
    seconds: dict[str, list[float]] = {name: [] for name in trees}
    for round_ in range(ROUNDS):
        for name, tree in trees.items():
            workspace = tmp / f"ws-{name}-{round_}"
            took = _run(tree, ["extract", str(corpus), "--extractor", "rules"], workspace)
            seconds[name].append(took)
    for name, runs in seconds.items():
        rates = ", ".join(f"{papers / s:.1f}" for s in runs)
        print(f"kg extract --extractor rules, {name:>8}: {rates} papers/s ({papers} papers)")


def _extract(tree: Path, lines: list[str]) -> list[Extraction]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([str(PYTHON), "-c", _EXTRACT_ALL], cwd=tree, env=env, check=True,
                          input="\n".join(lines), capture_output=True, text=True)  # fmt: skip
    return [Extraction.model_validate_json(line) for line in done.stdout.splitlines()]


def scores(trees: dict[str, Path], labels: Path) -> None:
    gold = read_labels(labels)
    texts = [_read_paper(labels.parent / label.file, f"W{n}") for n, label in
             enumerate(gold, start=1)]  # fmt: skip
    for name, tree in trees.items():
        # a version from before article types reads texts without one
        current = name == "this"
        lines = [t.model_dump_json(exclude=None if current else {"article_type"}) for t in texts]
        figures = report(list(zip(gold, _extract(tree, lines), strict=True)))
        print(f"\n== {name}: {labels} ({figures['papers']} papers)")
        print(json.dumps({"scores": figures["scores"], "summary": figures["summary"]}, indent=1))
        for row, per in zip(figures["shares"], figures["per_value"], strict=True):
            print(f"  {row['value']:12} labelled {row['labelled %']:5.1f}%  extracted "
                  f"{row['extracted %']:5.1f}%  gap {row['gap (points)']:+5.1f}   precision "
                  f"{per['precision']}  recall {per['recall']}")  # fmt: skip


def main(commit: str, corpus: Path, labels: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        other = tmp / "other"
        subprocess.run(["git", "-C", str(HERE), "worktree", "add", "--detach", str(other), commit],
                       check=True, capture_output=True)  # fmt: skip
        try:
            trees = {commit[:8]: other, "this": HERE}
            if str(corpus) != "-":  # "-": the scores alone
                speed(trees, corpus.resolve(), tmp)
            scores(trees, labels.resolve())
        finally:
            subprocess.run(["git", "-C", str(HERE), "worktree", "remove", "--force", str(other)],
                           check=True, capture_output=True)  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
