"""npm packages: ``node_modules/<name>/package.json`` and ``node_modules/@scope/<name>/package.json``.

Only the package.json at a package's root counts: packages such as glob also ship
``dist/esm/package.json`` files that only set the module type and carry no name or version.

Bounds: a package.json is JSON from the image, read with ``documents.load_json``: larger than
``MAX_BYTES``, nested deeper than ``documents.MAX_DEPTH`` or not JSON at all, it raises
``UnreadableFile`` with the reason, and ``packages`` skips it (one file is one package; the rest of
the image is still indexed). Valid JSON that names no package (no name or version) is no package.
"""

import re

from images.documents import DocumentError, load_json

from .model import Package, UnreadableFile, make_purl

MAX_BYTES = 1 << 20  # real ones are a few KiB; the largest on the registry some hundred KiB

_PACKAGE_ROOT = re.compile(r"(^|/)node_modules/(@[^/]+/)?[^/@][^/]*/package\.json$")


def is_npm_manifest(path: str) -> bool:
    return bool(_PACKAGE_ROOT.search(path))


def _licenses(manifest: dict) -> tuple[str, ...]:
    # "license": "MIT" is current; {"type": "MIT"} and a "licenses" list are older forms still found.
    declared = manifest.get("license") or manifest.get("licenses") or []
    if not isinstance(declared, list):
        declared = [declared]
    names = []
    for entry in declared:
        name = entry.get("type") if isinstance(entry, dict) else entry
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return tuple(names)


def parse_package_json(text: str, path: str) -> list[Package]:
    try:
        manifest = load_json(text, MAX_BYTES)
    except DocumentError as error:
        raise UnreadableFile(f"package.json {error}") from None
    if not isinstance(manifest, dict):
        return []
    name, version = manifest.get("name"), manifest.get("version")
    if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
        return []
    namespace, _, short_name = name.rpartition("/")
    return [
        Package(
            name=name,
            version=version,
            type="npm",
            purl=make_purl("npm", short_name, version, namespace),
            path=path,
            licenses=_licenses(manifest),
        )
    ]
