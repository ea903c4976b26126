"""The bulk half of `kg fetch`: works from a local OpenAlex snapshot (--snapshot), DOIs
mapped to PMCIDs (--pmcid-map, else the ID Converter), and full text from local bulk
packages (--bulk)."""

import os
from dataclasses import replace
from pathlib import Path

from extract.parse_openalex import STUDY_TERMS, StudyFilter
from kg.cli.app import err, out, progress, regular_file
from kg.settings import Settings, max_bytes, politeness
from kg.sources.bounded import Refused
from kg.sources.bulk.packages import packages_in
from kg.sources.bulk.read import BulkReport, BulkRun
from kg.sources.fulltext.client import Failed
from kg.sources.fulltext.pmc_inventory import read_inventory
from kg.sources.fulltext.pmcids import convert_dois, read_mapping_file
from kg.sources.snapshot import Selection, SnapshotReport, select_works, snapshot_files
from kg.workspace import Workspace


def check_inputs(bulk: list[Path] | None, snapshot: Path | None, mapping: Path | None) -> None:
    """One line for a missing or unusable input, before anything is asked or stored."""
    if bulk:
        packages_in(bulk)
    if snapshot is not None:
        snapshot_files(snapshot)
    if mapping is not None:
        regular_file(mapping, "the PMCID mapping file")


def from_snapshot(
    workspace: Workspace,
    directory: Path,
    search: list[str] | None,
    years: tuple[int, int],
    study: StudyFilter,
) -> SnapshotReport:
    selection = Selection(tuple(search or STUDY_TERMS), years, study)
    with progress(0) as step:
        report = select_works(workspace, directory, selection, lambda n: step("works", n))
    out.print(f"OpenAlex snapshot {directory}: {report.files} file(s), {report.candidates} "
              f"work(s) passed the filters, {report.stored} stored (no API call)",
              markup=False, highlight=False)  # fmt: skip
    return report


def map_pmcids(
    workspace: Workspace, settings: Settings, mapping_file: Path | None, ask: bool
) -> None:
    """PMCIDs for kept works that OpenAlex gave none: from the mapping file when given,
    else (when `ask`) from the ID Converter. A failing converter is one line, not the end
    of the fetch: the works keep the other services."""
    dois = workspace.unmapped_dois()
    if not dois:
        return
    if mapping_file is not None:
        wanted = set(dois)
        mapped: dict[str, str | None] = dict.fromkeys(dois)
        mapped.update(read_mapping_file(mapping_file, wanted))
        workspace.store_pmcids(mapped, f"file:{mapping_file.name}")
        found = sum(1 for v in mapped.values() if v)
        out.print(f"PMCIDs: {found} of {len(dois)} DOI(s) mapped by {mapping_file.name}",
                  markup=False, highlight=False)  # fmt: skip
        return
    if not ask:
        return
    found = 0

    def store(batch: dict[str, str | None]) -> None:
        nonlocal found
        workspace.store_pmcids(batch, "idconv")
        found += sum(1 for v in batch.values() if v)

    try:
        # NCBI asks for at most 3 requests a second without an API key
        polite = replace(politeness(settings, 1), rate=min(3.0, settings.kg_fulltext_rate))
        requests = convert_dois(dois, settings.idconv_url, polite, store)
    except (Failed, Refused) as error:
        err.print(f"note: the ID Converter failed ({error}); the works without a PMCID keep "
                  "the other services", markup=False, highlight=False)  # fmt: skip
        return
    out.print(f"PMCIDs: {found} of {len(dois)} DOI(s) mapped by the ID Converter "
              f"({requests} request(s))", markup=False, highlight=False)  # fmt: skip


def pmc_versions(workspace: Workspace, settings: Settings) -> None:
    """The latest version of each wanted PMCID, from the bucket's newest daily inventory."""
    wanted = set(workspace.wanted_by_id()[1])
    if not wanted:
        return
    try:
        inventory = read_inventory(settings.pmc_url, politeness(settings, 1), wanted)
    except (Failed, Refused) as error:
        err.print(f"note: the PMC inventory could not be read ({error}); each paper's versions "
                  "are listed instead", markup=False, highlight=False)  # fmt: skip
        return
    versions = inventory.versions or {}
    if inventory.report:
        workspace.store_pmc_versions(versions, inventory.report)
    out.print(f"PMC inventory {inventory.report or '(none found)'}: {len(versions)} of "
              f"{len(wanted)} PMCID(s) listed ({inventory.requests} request(s))",
              markup=False, highlight=False)  # fmt: skip


def read_bulk(
    workspace: Workspace, settings: Settings, paths: list[Path], workers: int | None
) -> BulkReport:
    packages = packages_in(paths)
    wanted = len(workspace.wanted_by_id()[0])
    run = BulkRun(workspace, packages, max_bytes(settings), workers or os.cpu_count() or 1)
    with run, progress(wanted) as step:  # the workers fork before the bar's thread starts
        report = run.consume(lambda n: step("bulk", n))
    found = ", ".join(f"{n} from {s}" for s, n in sorted(report.by_service.items())) or "none"
    out.print(f"Bulk packages: {report.packages} ({report.skipped} read before, skipped), "
              f"{report.articles} article(s) read, {report.parsed} parsed; found {found}",
              markup=False, highlight=False)  # fmt: skip
    return report
