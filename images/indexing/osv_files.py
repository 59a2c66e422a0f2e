"""OSV records on disk: every record of a directory, a zip (osv.dev's ``all.zip``) or one file.

Bounds: a record is read up to ``MAX_RECORD_BYTES`` (from a file or a zip member alike); a record too
large raises ``AdvisoryError``, and the import skips that record and lists it, as it does every record
it cannot read (``vulns.parse_advisory``).
"""

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

from images.documents import size_text

from .vulns import MAX_RECORD_BYTES, Advisory, AdvisoryError, parse_advisory

RECORD_SUFFIXES = (".json", ".yaml", ".yml")


@dataclass(frozen=True)
class AdvisoryFile:
    """One record in a directory, zip or single file, read only when asked (for progress bars)."""

    name: str
    read: Callable[[], bytes] = field(repr=False, compare=False)


def _read_record(open_record: Callable[[], BinaryIO]) -> bytes:
    """A record's bytes, reading no more than one past ``MAX_RECORD_BYTES`` (a zip member's bytes
    inflate, whatever its header claims)."""
    with open_record() as stream:
        data = stream.read(MAX_RECORD_BYTES + 1)
    if len(data) > MAX_RECORD_BYTES:
        raise AdvisoryError(f"the record is more than the {size_text(MAX_RECORD_BYTES)} a record may be")
    return data


def advisory_files(source: str | Path) -> list[AdvisoryFile]:
    """Every ``.json``/``.yaml``/``.yml`` record under a directory, inside a zip (as osv.dev's
    ``all.zip`` downloads), or the single file given; sorted by name."""
    source = Path(source)
    if source.is_dir():
        return [
            AdvisoryFile(str(path.relative_to(source)), partial(_read_record, partial(path.open, "rb")))
            for path in sorted(source.rglob("*"))
            if path.suffix in RECORD_SUFFIXES and path.is_file()
        ]
    if zipfile.is_zipfile(source):
        # One open archive serves every read: reopening would parse the central directory of
        # osv.dev's all.zip (hundreds of thousands of entries) once per record.
        archive = zipfile.ZipFile(source)
        names = sorted(name for name in archive.namelist() if name.endswith(RECORD_SUFFIXES))
        return [AdvisoryFile(name, partial(_read_record, partial(archive.open, name))) for name in names]
    return [AdvisoryFile(source.name, partial(_read_record, partial(source.open, "rb")))]


def iter_advisories(source: str | Path) -> Iterator[Advisory]:
    """Parse every record of ``source``; a record that is not valid OSV raises ``AdvisoryError``
    naming the file."""
    for record_file in advisory_files(source):
        try:
            yield parse_advisory(record_file.read())
        except AdvisoryError as error:
            raise AdvisoryError(f"{record_file.name}: {error}") from error
