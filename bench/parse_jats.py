"""Parse every JATS/TEI file in a folder and say, per file, what was found.

    .venv/bin/python bench/parse_jats.py ../shared/eval/papers

A research article passes when it yields a title, an abstract and at least one body section;
corrections and retractions are listed but not judged. Prints papers per second too.
"""

import sys
import time
from pathlib import Path

from extract.errors import InputRejected
from extract.parse_fulltext import parse_xml

NOT_JUDGED = {"correction", "retraction"}


def main(folder: Path) -> int:
    files = sorted(p for p in folder.iterdir() if p.suffix in {".xml", ".nxml"})
    passed = judged = 0
    started = time.perf_counter()
    for path in files:
        try:
            parsed = parse_xml(path.read_bytes())
        except InputRejected as error:
            print(f"FAIL  {path.name}: {error}")
            judged += 1
            continue
        text = parsed.text
        paragraphs = sum(len(s.paragraphs) for s in text.sections)
        ok = bool(text.title and text.abstract and text.sections)
        kind = parsed.article_type or "?"
        verdict = "skip" if kind in NOT_JUDGED else ("ok" if ok else "FAIL")
        if verdict != "skip":
            judged += 1
            passed += ok
        print(
            f"{verdict:5} {path.name[:58]:58} {kind:17} title={bool(text.title)!s:5} "
            f"abstract={len(text.abstract or ''):5} sections={len(text.sections):3} "
            f"paragraphs={paragraphs:4}"
        )
    seconds = time.perf_counter() - started
    print(
        f"\n{passed}/{judged} research articles have title, abstract and body sections; "
        f"{len(files) - judged} not judged; {len(files) / seconds:.0f} files/s"
    )
    return 0 if passed == judged else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval/papers")))
