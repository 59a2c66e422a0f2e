"""Java archives (jar, war, ear and plugin archives): ``META-INF/maven/<group>/<artifact>/pom.properties``
written by Maven, else ``META-INF/MANIFEST.MF``. Archives nested in ``WEB-INF/lib/``, ``BOOT-INF/lib/``
and the like are read too.

Bounds: archives come out of untrusted layers, so before an archive is opened its central directory
(the part zipfile reads whole) must be at most ``MAX_DIRECTORY_BYTES``; a member is inflated only
up to its limit (metadata ``MAX_METADATA_BYTES``, nested archives ``MAX_NESTED_ARCHIVE_BYTES``,
through a bounded read, so a lying size is harmless too); nesting stops at ``MAX_NESTING``; and
one file, nested archives included, may inflate at most ``MAX_READ_BYTES`` and open at most
``MAX_ARCHIVES`` archives, so a zip bomb of nested archives costs no more than a plain one.

A file that is not a readable archive raises ``UnreadableFile``, and one beyond a limit
``OverLimit``; ``packages`` skips it with the reason (one archive is one application's packages,
the rest of the image is still indexed). A broken member or nested archive is passed over.
"""

import io
import posixpath
import re
import struct
import zipfile
import zlib

from images.documents import size_text

from .model import MAX_PACKAGES_PER_FILE, OverLimit, Package, UnreadableFile, check_count, make_purl

ARCHIVE_SUFFIXES = (".jar", ".war", ".ear", ".jpi", ".hpi", ".par", ".sar", ".nar")
MAX_METADATA_BYTES = 1 << 20
MAX_NESTED_ARCHIVE_BYTES = 128 << 20
MAX_NESTING = 3
MAX_DIRECTORY_BYTES = 16 << 20  # a 100 MiB Spring Boot jar's central directory is about 4 MiB
MAX_READ_BYTES = 256 << 20
MAX_ARCHIVES = 10_000

_POM_PROPERTIES = re.compile(r"^META-INF/maven/[^/]+/[^/]+/pom\.properties$")
_VERSION_IN_FILE_NAME = re.compile(r"^(?P<name>.+?)-(?P<version>\d[\w.+-]*)$")
_END_OF_DIRECTORY = b"PK\x05\x06"  # the record zipfile reads first, within the last 64 KiB
_ZIP64_END_OF_DIRECTORY = b"PK\x06\x06"  # right before the 20-byte zip64 locator, when there is one
# A member or a nested archive that cannot be read is passed over (OverLimit is caught first).
_MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError, RuntimeError)


def is_java_archive(path: str) -> bool:
    return path.lower().endswith(ARCHIVE_SUFFIXES)


def _is_metadata(member: str) -> bool:
    return member == "META-INF/MANIFEST.MF" or bool(_POM_PROPERTIES.match(member))


def directory_size(data: bytes) -> int:
    """The central directory size that zipfile will read for ``data``, found the way it finds it
    (the end record at the very end, else the last one in the final 64 KiB); 0 when there is none."""
    end = len(data) - 22
    if not (end >= 0 and data[end : end + 4] == _END_OF_DIRECTORY and data[-2:] == b"\0\0"):
        end = data.rfind(_END_OF_DIRECTORY, max(len(data) - (1 << 16) - 22, 0))
    if end < 0 or end + 22 > len(data):
        return 0
    size = struct.unpack_from("<I", data, end + 12)[0]
    zip64 = end - 20 - 56
    if zip64 >= 0 and data[end - 20 : end - 16] == b"PK\x06\x07" and data[zip64 : zip64 + 4] == _ZIP64_END_OF_DIRECTORY:
        size = max(size, struct.unpack_from("<Q", data, zip64 + 40)[0])
    return size


class _Reading:
    """What reading one file, the archives nested in it included, may still cost."""

    def __init__(self):
        self.bytes_left, self.archives_left = MAX_READ_BYTES, MAX_ARCHIVES

    def open(self, data: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
        self.archives_left -= 1
        if self.archives_left < 0:
            raise OverLimit(f"more than {MAX_ARCHIVES} nested archives")
        if (size := directory_size(data)) > MAX_DIRECTORY_BYTES:
            raise OverLimit(f"zip directory of {size} bytes, more than the {size_text(MAX_DIRECTORY_BYTES)} allowed")
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            return archive, archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error) as error:
            raise UnreadableFile(f"not a readable zip archive: {error}") from None

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
        """The member's bytes, or None when it is larger than ``limit`` (claimed or found)."""
        if info.file_size > limit:
            return None
        with archive.open(info) as member:
            data = member.read(limit + 1)
        self.bytes_left -= len(data)
        if self.bytes_left < 0:
            raise OverLimit(f"inflates to more than {size_text(MAX_READ_BYTES)} (zip bomb?)")
        return data if len(data) <= limit else None


def archive_excerpt(data: bytes, depth: int = 0, reading: _Reading | None = None) -> bytes:
    """A small zip holding only the archive's metadata files and, recursively, nested archives'
    excerpts, which ``parse_archive`` reads exactly like the original."""
    reading = reading or _Reading()
    archive, members = reading.open(data)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as excerpt:
        for info in members:
            try:
                if _is_metadata(info.filename):
                    if (content := reading.read(archive, info, MAX_METADATA_BYTES)) is not None:
                        excerpt.writestr(info.filename, content)
                elif is_java_archive(info.filename) and depth < MAX_NESTING:
                    nested = reading.read(archive, info, MAX_NESTED_ARCHIVE_BYTES)
                    if nested is not None:
                        excerpt.writestr(info.filename, archive_excerpt(nested, depth + 1, reading))
            except OverLimit:
                raise
            except _MEMBER_ERRORS:
                continue
    return output.getvalue()


def parse_properties(text: str) -> dict[str, str]:
    properties = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!")) and "=" in line:
            key, _, value = line.partition("=")
            properties[key.strip()] = value.strip()
    return properties


def parse_manifest(text: str) -> dict[str, str]:
    """MANIFEST.MF main section: ``Key: value`` lines, continuation lines start with one space."""
    attributes, last_key = {}, None
    for line in text.splitlines():
        if not line:
            break  # the main section ends at the first blank line; per-entry sections follow
        if line.startswith(" ") and last_key:
            attributes[last_key] += line[1:]
        elif ":" in line:
            last_key, _, value = line.partition(":")
            attributes[last_key] = value.strip()
    return attributes


def _maven_package(group: str, artifact: str, version: str, path: str, licenses=()) -> Package:
    return Package(
        name=f"{group}:{artifact}" if group else artifact,
        version=version,
        type="maven",
        purl=make_purl("maven", artifact, version, group),
        path=path,
        licenses=tuple(licenses),
    )


def _package_from_manifest(manifest: dict[str, str], archive_path: str) -> Package | None:
    stem = posixpath.splitext(posixpath.basename(archive_path))[0]
    from_file_name = _VERSION_IN_FILE_NAME.match(stem)
    # The file name is how the artifact is published (artifact-version.jar); OSGi symbolic names
    # ("org.opentest4j;singleton:=true") mix group and artifact, so they come last.
    symbolic_name = manifest.get("Bundle-SymbolicName", "").split(";")[0].strip()
    artifact = (
        (from_file_name["name"] if from_file_name else "")
        or manifest.get("Implementation-Title")
        or manifest.get("Bundle-Name")
        or symbolic_name
        or stem
    )
    version = (
        manifest.get("Implementation-Version")
        or manifest.get("Bundle-Version")
        or (from_file_name["version"] if from_file_name else "")
        or manifest.get("Specification-Version")
    )
    if not artifact or not version:
        return None
    group = manifest.get("Implementation-Vendor-Id", "")
    licenses = [manifest["Bundle-License"].split(";")[0]] if manifest.get("Bundle-License") else []
    return _maven_package(group, artifact, version, archive_path, licenses)


def parse_archive(data: bytes, path: str, depth: int = 0, reading: _Reading | None = None) -> list[Package]:
    reading = reading or _Reading()
    archive, members = reading.open(data)
    packages: list[Package] = []
    manifest = None
    for info in members:
        try:
            if _POM_PROPERTIES.match(info.filename):
                content = reading.read(archive, info, MAX_METADATA_BYTES)
                properties = parse_properties(content.decode("utf-8", "replace")) if content else {}
                if properties.get("artifactId") and properties.get("version"):
                    check_count(packages)
                    packages.append(
                        _maven_package(
                            properties.get("groupId", ""), properties["artifactId"], properties["version"], path
                        )
                    )
            elif info.filename == "META-INF/MANIFEST.MF":
                content = reading.read(archive, info, MAX_METADATA_BYTES)
                manifest = parse_manifest(content.decode("utf-8", "replace")) if content else None
            elif is_java_archive(info.filename) and depth < MAX_NESTING:
                nested = reading.read(archive, info, MAX_NESTED_ARCHIVE_BYTES)
                if nested is not None:
                    packages.extend(parse_archive(nested, f"{path}:{info.filename}", depth + 1, reading))
                    if len(packages) > MAX_PACKAGES_PER_FILE:
                        raise OverLimit(f"lists more than {MAX_PACKAGES_PER_FILE} packages")
        except OverLimit:
            raise
        except _MEMBER_ERRORS:
            continue
    # Maven's pom.properties names the artifact exactly; the manifest is the fallback for archives
    # built without it (Gradle, Ant), so it only counts when this archive has no pom.properties.
    # An archive with neither still usually says what it is in its file name (javax.inject-1.jar).
    if not any(package.path == path for package in packages):
        if package := _package_from_manifest(manifest or {}, path):
            packages.insert(0, package)
    return packages
