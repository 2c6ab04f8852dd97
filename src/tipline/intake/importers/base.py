"""The importer interface and its registry.

An importer turns one entry (a file on disk or in a ZIP) into a stream of ReportRec or
RejectedRec. It never writes to the database: `intake.ingest` hands its records to the
writer. Add a format by subclassing `Importer` and decorating it with `@register`: the
registry is then the one list of what an import accepts (`accepted_suffixes`), for the
upload form and service, the CLI and the walk through folders and ZIPs alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import IO, ClassVar

from tipline.core.registry import Registry
from tipline.intake.records import RejectedRec, ReportRec
from tipline.intake.sources import ZIP_SUFFIX, Container, Entry

Outcome = ReportRec | RejectedRec


class Importer(ABC):
    """One input format: turns its files into report records, and never writes."""

    #: unique name, shown in messages and docs
    name: ClassVar[str]
    #: file suffixes this importer reads (".xml")
    suffixes: ClassVar[tuple[str, ...]]
    #: records carry no open handles (no file contents), so a large file on disk may be
    #: parsed in a second process while this one writes
    parallel: ClassVar[bool] = False
    #: each file is one report (NCMEC's `<id>.json`): the file itself is the report's raw
    #: record, and a folder's or ZIP's reports can be counted before they are read
    one_report_per_file: ClassVar[bool] = False
    #: a report's PDF and files lie beside its file (NCMEC's export folders), so a file given
    #: alone is read with its folder
    reads_siblings: ClassVar[bool] = False

    @abstractmethod
    def records(self, entry: Entry, container: Container) -> Iterator[Outcome]:
        """Parse `entry` (siblings in `container` may hold its files) into outcomes."""


class StreamImporter(Importer):
    """An importer of files that stand alone, read as one stream from start to end (XML, CSV):
    their records need nothing beside the file, so a large one may be parsed in a second
    process."""

    parallel = True

    def records(self, entry: Entry, container: Container) -> Iterator[Outcome]:
        with entry.open() as fh:
            yield from self.parse_stream(fh, name=entry.name)

    @abstractmethod
    def parse_stream(self, fh: IO[bytes], *, name: str) -> Iterator[Outcome]:
        """Parse the open file `fh`, called `name` in messages, into outcomes."""


_REGISTRY: Registry[Importer] = Registry("importer")
register = _REGISTRY.register
importers = _REGISTRY.all


def importer_for(entry: Entry) -> Importer | None:
    return importer_for_suffix(entry.suffix)


def importer_for_suffix(suffix: str) -> Importer | None:
    """The importer of files ending in `suffix` (lower case, with its dot), if any."""
    for importer in _REGISTRY.values():
        if suffix in importer.suffixes:
            return importer
    return None


def accepted_suffixes() -> tuple[str, ...]:
    """Every file suffix an import takes: each importer's, then the ZIP that may hold them."""
    return (*(s for importer in _REGISTRY.values() for s in importer.suffixes), ZIP_SUFFIX)
