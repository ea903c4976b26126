"""Write a corpus of N real full texts (JSON Lines) by cycling the labelled JATS papers.

    .venv/bin/python bench/realcorpus.py ../shared/eval/papers 1100 /tmp/real1100.jsonl

Each copy gets its own work id (W1, W2, ...), so extraction does every paper again; the
texts are the real ones, unchanged, so per-paper costs are those of real papers (about 50,000
characters each).
"""

import json
import sys
from itertools import cycle, islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from extract.errors import InputRejected
from extract.parse_fulltext import parse_xml


def main(folder: Path, n: int, out: Path) -> None:
    texts = []
    for path in sorted(folder.iterdir()):
        try:
            texts.append(parse_xml(path.read_bytes()).text)
        except InputRejected:
            continue
    with out.open("w", encoding="utf-8") as lines:
        for number, text in enumerate(islice(cycle(texts), n), start=1):
            work = {"id": f"W{number}", "title": text.title or "untitled", "year": 2020}
            record = text.model_copy(update={"work_id": f"W{number}"}).model_dump()
            lines.write(json.dumps({"work": work, "text": record}) + "\n")
    chars = sum(len(t.model_dump_json()) for t in texts) / len(texts)
    print(f"{n} papers from {len(texts)} real texts (mean {chars:,.0f} characters) -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
