"""Installed Python distributions: ``*.dist-info/METADATA`` (wheels, pip) and ``*.egg-info/PKG-INFO``
(setuptools; an ``.egg-info`` may also be a single file holding the same text).

Both are Core Metadata (https://packaging.python.org/specifications/core-metadata/), an email-header
format, so the standard library's header parser reads them, continuation lines included.

Bounds: at most ``MAX_BYTES`` are read (``packages`` skips a larger file with the reason); the
header format does not nest, and the parser reads it in one pass.
"""

import re
from email.parser import HeaderParser

from packaging.utils import canonicalize_name

from .. import licenses
from .model import Package, make_purl

MAX_BYTES = 4 << 20  # METADATA holds the long description: the largest real ones are about 1 MiB
_METADATA = re.compile(r"(^|/)[^/]+\.dist-info/METADATA$|(^|/)[^/]+\.egg-info(/PKG-INFO)?$")


def is_python_metadata(path: str) -> bool:
    return bool(_METADATA.search(path))


def _licenses(headers) -> tuple[str, ...]:
    """SPDX expressions where the metadata allows: PEP 639's ``License-Expression`` first; then a
    ``License`` field that is already a valid SPDX expression (more precise than any classifier:
    "BSD-2-Clause" against "BSD License"); then the licence classifiers, each mapped to an SPDX id
    (``licenses.PYTHON_CLASSIFIERS``) or kept as written; last, a short free-text ``License``."""
    if expression := (headers.get("License-Expression") or "").strip():
        return (licenses.spdx_expression(expression) or expression,)
    # The free-text License field sometimes holds a whole license text: keep only a short name.
    license_text = (headers.get("License") or "").strip()
    if license_text == "UNKNOWN" or "\n" in license_text or len(license_text) > 100:
        license_text = ""
    if license_text and (expression := licenses.spdx_expression(license_text)):
        return (expression,)
    from_classifiers = (
        licenses.python_classifier_license(classifier) for classifier in headers.get_all("Classifier") or []
    )
    if declared := tuple(dict.fromkeys(name for name in from_classifiers if name)):
        return declared
    return (license_text,) if license_text else ()


def parse_metadata(text: str, path: str) -> list[Package]:
    headers = HeaderParser().parsestr(text)
    name, version = (headers.get("Name") or "").strip(), (headers.get("Version") or "").strip()
    if not name or not version:
        return []
    return [
        Package(
            name=name,
            version=version,
            type="pypi",
            purl=make_purl("pypi", canonicalize_name(name), version),
            path=path,
            licenses=_licenses(headers),
        )
    ]
