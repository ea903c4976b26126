"""Files written for the reader (figures, GraphML, CSVs, the report) appear whole or not at
all: each is written beside its target under a hidden name and renamed into place, so a full
disk or a failed renderer never leaves a 0-byte or half-written file behind."""

import contextlib
import os
from collections.abc import Callable
from pathlib import Path


def write_whole(path: Path, write: Callable[[Path], object]) -> Path:
    """Call `write(partial)` to write a sibling of `path` (same suffix, so writers that go
    by it still do), then rename it to `path`; on any failure remove it and re-raise."""
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}")
    try:
        write(partial)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return write_whole(path, lambda partial: partial.write_text(text, encoding="utf-8"))
