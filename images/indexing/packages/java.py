"""Java archives (jar, war, ear and plugin archives): ``META-INF/maven/<group>/<artifact>/pom.properties``
written by Maven, else ``META-INF/MANIFEST.MF``. Archives nested in ``WEB-INF/lib/``, ``BOOT-INF/lib/``
and the like are read too.

Archives come out of untrusted layers, so member sizes are checked before anything is inflated
and nesting is bounded.
"""

import io
import posixpath
import re
import zipfile

from .model import Package, make_purl

ARCHIVE_SUFFIXES = (".jar", ".war", ".ear", ".jpi", ".hpi", ".par", ".sar", ".nar")
MAX_METADATA_BYTES = 1 << 20
MAX_NESTED_ARCHIVE_BYTES = 128 << 20
MAX_NESTING = 3

_POM_PROPERTIES = re.compile(r"^META-INF/maven/[^/]+/[^/]+/pom\.properties$")
_VERSION_IN_FILE_NAME = re.compile(r"^(?P<name>.+?)-(?P<version>\d[\w.+-]*)$")


def is_java_archive(path: str) -> bool:
    return path.lower().endswith(ARCHIVE_SUFFIXES)


def _is_metadata(member: str) -> bool:
    return member == "META-INF/MANIFEST.MF" or bool(_POM_PROPERTIES.match(member))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    # file_size is what the archive claims; reading through a bounded stream makes a lying
    # header harmless too.
    if info.file_size > limit:
        return None
    with archive.open(info) as member:
        data = member.read(limit + 1)
    return data if len(data) <= limit else None


def archive_excerpt(data: bytes, depth: int = 0) -> bytes | None:
    """A small zip holding only the archive's metadata files and, recursively, nested archives'
    excerpts, which ``parse_archive`` reads exactly like the original."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as excerpt:
        for info in members:
            try:
                if _is_metadata(info.filename):
                    if (content := _read_member(archive, info, MAX_METADATA_BYTES)) is not None:
                        excerpt.writestr(info.filename, content)
                elif is_java_archive(info.filename) and depth < MAX_NESTING:
                    nested = _read_member(archive, info, MAX_NESTED_ARCHIVE_BYTES)
                    if nested is not None and (nested_excerpt := archive_excerpt(nested, depth + 1)):
                        excerpt.writestr(info.filename, nested_excerpt)
            except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
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


def parse_archive(data: bytes, path: str, depth: int = 0) -> list[Package]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return []
    packages: list[Package] = []
    manifest = None
    for info in members:
        try:
            if _POM_PROPERTIES.match(info.filename):
                content = _read_member(archive, info, MAX_METADATA_BYTES)
                properties = parse_properties(content.decode("utf-8", "replace")) if content else {}
                if properties.get("artifactId") and properties.get("version"):
                    packages.append(
                        _maven_package(
                            properties.get("groupId", ""), properties["artifactId"], properties["version"], path
                        )
                    )
            elif info.filename == "META-INF/MANIFEST.MF":
                content = _read_member(archive, info, MAX_METADATA_BYTES)
                manifest = parse_manifest(content.decode("utf-8", "replace")) if content else None
            elif is_java_archive(info.filename) and depth < MAX_NESTING:
                nested = _read_member(archive, info, MAX_NESTED_ARCHIVE_BYTES)
                if nested is not None:
                    packages.extend(parse_archive(nested, f"{path}:{info.filename}", depth + 1))
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
            continue
    # Maven's pom.properties names the artifact exactly; the manifest is the fallback for archives
    # built without it (Gradle, Ant), so it only counts when this archive has no pom.properties.
    # An archive with neither still usually says what it is in its file name (javax.inject-1.jar).
    if not any(package.path == path for package in packages):
        if package := _package_from_manifest(manifest or {}, path):
            packages.insert(0, package)
    return packages
