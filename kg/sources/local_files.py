"""Reading the files a user hands us: regular files only, within a size limit, inside the
folder that names them, in an encoding we can tell.

A corpus, a paper or a folder's metadata.csv may name anything: `/dev/zero` (reads
forever), a FIFO (blocks forever), `../elsewhere/private.xml` or a symlink out of the
folder (reads what the folder's owner did not give), a 60 MB file (more than
KG_FULLTEXT_MAX_MB). Each is refused with one reason before it is read: the file is opened
without blocking, checked to be regular with fstat, and read no further than the limit.

Text is UTF-8 (a byte-order mark, as a spreadsheet's "CSV UTF-8" writes, is dropped), or
UTF-16 with its byte-order mark; anything else is refused with one line naming the file and
a guess at its encoding, never read as garbage.
"""

import codecs
import os
import stat
from pathlib import Path

from extract.errors import InputRejected

DEFAULT_MAX_BYTES = 50_000_000  # as KG_FULLTEXT_MAX_MB's default


def inside(folder: Path, name: str) -> Path:
    """`folder / name` when it resolves (symlinks followed) inside `folder`; else refused."""
    base = folder.resolve()
    target = (base / name).resolve()
    if not target.is_relative_to(base):
        raise InputRejected(f"{name!r} is outside the folder {folder}: name files inside it")
    return target


def read_regular(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of `path` when it is a regular file of at most `max_bytes`; else refused,
    without blocking (a FIFO) or reading without end (a device)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise InputRejected(f"cannot read {path}: {error.strerror}") from error
    with os.fdopen(fd, "rb") as opened:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputRejected(f"{path} is not a regular file")
        if info.st_size > max_bytes:
            raise InputRejected(_too_large(path, info.st_size, max_bytes))
        data = opened.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew while we read it
        raise InputRejected(_too_large(path, len(data), max_bytes))
    return data


def _too_large(path: Path, size: int, max_bytes: int) -> str:
    return (f"{path} is {size / 1e6:.1f} MB, over KG_FULLTEXT_MAX_MB ({max_bytes / 1e6:g} MB): "
            "raise it or leave the file out")  # fmt: skip


def require_regular(path: Path, what: str) -> None:
    """Refuse `path` unless it is a regular file or a directory (never a FIFO or device)."""
    if path.is_dir():
        return
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise InputRejected(f"cannot read {what} {path}: {error.strerror}") from error
    if not stat.S_ISREG(mode):
        raise InputRejected(f"{what} {path} is not a regular file")


def decode(data: bytes, name: str) -> str:
    """`data` as text: UTF-8 (its byte-order mark dropped) or UTF-16 with a byte-order
    mark; anything else is refused naming the file and what it looks like."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputRejected(f"{name} starts as UTF-16 but is not: {error.reason}") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputRejected(
            f"{name} is not UTF-8 (byte {error.start} of it; it looks like {_guess(data)}): "
            "save it as UTF-8 and run the command again"
        ) from error


def _guess(data: bytes) -> str:
    """A guess at the encoding of bytes that are not UTF-8."""
    if b"\x00" in data[:200]:
        return "UTF-16 without a byte-order mark"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "Latin-1 (ISO-8859-1)"
    return "Windows-1252 (cp1252), what Excel writes by default"
