"""`kg eval` on the project's evaluation corpus (eval/corpus: 151 real papers, labelled by
reading), once with the rules and once with the LLM path against a scripted endpoint. The
corpus is read by these two runs only; the floors are a little under the figures measured
when they were set (bench/README.md), so a change that loses ground fails here."""

import json
import re
from pathlib import Path
from typing import Any

from extract.aliases import key
from extract.evaluate import Label, read_labels
from kg.cli.evaluate import _read_paper
from tests.fixtures import kg_env
from tests.llm_server import LLMServer

CORPUS = Path(__file__).parents[1] / "eval" / "corpus" / "labels.jsonl"
_NUMBERED = re.compile(r"\[S(\d+)\] (.*?)(?= \[S\d+\]|\n|$| …)")


def _measure(figures: dict[str, Any], name: str) -> dict[str, Any]:
    return next(row for row in figures["scores"] if row["measure"] == name)


def test_the_rules_on_the_evaluation_corpus_hold_their_ground(tmp_path: Path) -> None:
    out = tmp_path / "scores.json"
    done = kg_env(tmp_path, "eval", str(CORPUS), "--json", str(out))
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    assert figures["papers"] == 151
    models, uses_dl = _measure(figures, "reused models"), _measure(figures, "uses_dl")
    assert models["precision"] >= 0.72 and models["recall"] >= 0.51
    assert uses_dl["precision"] >= 0.83
    summary = figures["summary"]
    assert summary["role_accuracy"] >= 0.68
    assert summary["pattern_accuracy"] >= 0.85 and summary["stage_accuracy"] >= 0.65
    assert max(abs(row["gap (points)"]) for row in figures["shares"]) <= 10
    assert {row["group"] for row in figures["by_corpus"]} == {
        "elife", "joss", "journals", "manuscripts", "plos"}  # fmt: skip


def _gold_reader(labels: list[Label], titles: list[str]) -> Any:
    """A model that reads the excerpts as the labels do: every labelled model the excerpts
    name, with its labelled role, best pattern and stage, citing the first sentence that
    names it."""
    gold = {title: label for title, label in zip(titles, labels, strict=True)}

    def answer(request: dict[str, Any]) -> str:
        excerpt = next(str(m["content"]) for m in request["messages"] if "Title: " in
                       str(m.get("content")))  # fmt: skip
        title = re.sub(r"^\[S\d+\] ", "", excerpt.split("Title: ", 1)[1].split("\n", 1)[0])
        numbered = [(int(n), key(s)) for n, s in _NUMBERED.findall(excerpt)]
        label = gold.get(title)
        reuses = []
        for entry in label.reuses if label else ():
            names = [k for k in map(key, [entry.model, *entry.aliases]) if len(k) >= 3]
            citing = [n for n, s in numbered if any(name in s for name in names)]
            if citing:
                best = {
                    kind: (values or ["undetermined"])[0]
                    for kind, values in (("pattern", entry.pattern), ("stage", entry.stage))
                }
                reuses.append({"evidence": citing[:1], "quote": None, "model": entry.model,
                               "role": entry.role or "used", "form": "read", **best})  # fmt: skip
        used = any(r["role"] == "used" for r in reuses)
        return json.dumps({"uses_dl": bool(label and label.uses_dl), "uses_ptms": used,
                           "reuses": reuses})  # fmt: skip

    return answer


def test_the_llm_path_on_the_evaluation_corpus_keeps_what_its_evidence_shows(
    tmp_path: Path,
) -> None:
    labels = read_labels(CORPUS)
    titles = [_read_paper(CORPUS.parent / label.file, "W0").title for label in labels]
    out = tmp_path / "scores.json"
    with LLMServer() as server:
        server.default = _gold_reader(labels, titles)
        done = kg_env(tmp_path, "eval", str(CORPUS), "--extractor", "llm", "--json", str(out),
                      KG_LLM_BASE_URL=server.base_url, KG_LLM_MODEL="scripted",
                      OPENAI_API_KEY="test")  # fmt: skip
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    summary = figures["summary"]
    # The prefilter sends only papers with a deep-learning cue; one request each.
    assert 0 < summary["papers_sent_to_llm"] == len(server.requests) < 151
    models = _measure(figures, "reused models")
    # A reader that names only labelled models raises no false alarm; what it loses is what
    # the context does not hold, or a use whose cited sentence does not show it.
    assert models["precision"] >= 0.95 and models["recall"] >= 0.60
    assert summary["pattern_accuracy"] == 1.0
