"""Bulk files for the tests and bench/bulk.py, in the documented layouts: Europe PMC xml.gz
dumps (many `<article>`s in an `<article-set>`), PMC oa_bulk tar.gz, allofplos zips, MECA
packages (a manifest naming the JATS), and an OpenAlex snapshot's gzip JSON Lines."""

import gzip
import io
import json
import tarfile
import zipfile
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from tests.fixtures import openalex_work

BODY = ("We fine-tuned the released ESM-2 650M checkpoint on 18,000 melting temperatures. "
        "Structures were predicted with ColabFold using default settings.")  # fmt: skip


def jats(doi: str, pmcid: str | None = None, body: str = BODY, pad: int = 0) -> bytes:
    """A small JATS article; `pad` adds that many bytes of extra paragraph."""
    pmc = f'<article-id pub-id-type="pmc">{pmcid}</article-id>' if pmcid else ""
    extra = f"<p>{'x' * pad}</p>" if pad else ""
    return (f'<article article-type="research-article"><front><article-meta>'
            f'<article-id pub-id-type="doi">{doi}</article-id>{pmc}'
            f"<title-group><article-title>Paper {doi}</article-title></title-group>"
            f"<abstract><p>We studied proteins.</p></abstract></article-meta></front>"
            f"<body><sec><title>Methods</title><p>{body}</p>{extra}</sec></body>"
            f'<back><ref-list><ref><pub-id pub-id-type="doi">10.9/ref</pub-id></ref></ref-list>'
            f"</back></article>").encode()  # fmt: skip


def write_dump(path: Path, articles: Iterable[bytes]) -> Path:
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<article-set>\n')
        for article in articles:
            out.write(b'<!DOCTYPE article PUBLIC "-//NLM//DTD JATS//EN" "JATS.dtd">\n')
            out.write(article + b"\n")
        out.write(b"</article-set>\n")
    return path


def write_tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def write_meca(path: Path, article: bytes, name: str = "content/123.xml") -> Path:
    manifest = ('<?xml version="1.0"?><manifest xmlns="https://manuscriptexchange.org/schema/'
                'manifest" version="1.0"><item type="manuscript-pdf"><instance '
                'media-type="application/pdf" href="content/123.pdf"/></item><item '
                f'type="article"><instance media-type="application/xml" href="{name}"/></item>'
                "</manifest>").encode()  # fmt: skip
    return write_zip(path, {"manifest.xml": manifest, "content/123.pdf": b"%PDF-1.4",
                            "transfer.xml": b"<transfer/>", name: article})  # fmt: skip


def snapshot_work(n: int, doi: str, pmcid: str | None = None, **changes: Any) -> dict[str, Any]:
    """An OpenAlex work as the snapshot holds it: the API's JSON, type and OA included."""
    work = openalex_work(n, doi, pmcid)
    work |= {"type": "article", "title": f"Deep learning for proteins {n}"} | changes
    return work


def write_snapshot(root: Path, works: Iterable[dict[str, Any]], parts: int = 1) -> Path:
    """`root/data/jsonl/works/updated_date=2026-06-01/part_NNNN.gz`, as the 2026 layout."""
    folder = root / "data" / "jsonl" / "works" / "updated_date=2026-06-01"
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        outs = [stack.enter_context(gzip.open(folder / f"part_{n:04d}.gz", "wt", compresslevel=1))
                for n in range(parts)]  # fmt: skip
        for i, work in enumerate(works):
            outs[i % parts].write(json.dumps(work) + "\n")
    return root
