"""Licences as SPDX expressions (https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/):
from Debian's machine-readable ``copyright`` files and from Python's core metadata.

Ids are checked against the SPDX licence list that ``packaging`` ships (``packaging.licenses``,
the same check pip and setuptools make for PEP 639's ``License-Expression``). A licence that has
no SPDX id becomes ``LicenseRef-<its name>``, as syft writes one: the name is kept, and the
expression stays valid.

Bounds: a copyright file is read whole (``MAX_COPYRIGHT_BYTES`` at most, refused before reading),
a paragraph at a time keeping only the first line of three fields; what is kept of it is one
expression, a few dozen bytes. Lookups are cached, and a name is looked up once per spelling.
"""

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

DEBIAN_COPYRIGHT = re.compile(r"^usr/share/doc/[^/]+/copyright$")
MAX_COPYRIGHT_BYTES = 4 << 20  # the largest in Debian (linux, texlive) are about 2 MiB
# "Format:" of DEP-5 (https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/), and the
# draft URLs older packages still carry (.../dep5.mdwn?op=file&rev=174).
_MACHINE_READABLE = re.compile(r"copyright-format|dep-?5", re.IGNORECASE)
_PARAGRAPH_FIELDS = frozenset({"format", "files", "license"})
PUBLIC_DOMAIN = "LicenseRef-public-domain"
MAX_EXPRESSION = 8000  # characters: Perl's copyright file, with some forty licences, is about 1,500
# The GNU ids SPDX deprecated ("GPL-2.0+", "LGPL-2.1"), for their -or-later and -only successors.
_GNU_DEPRECATED = re.compile(r"(?<![\w.-])((?:A|L)?GPL|GFDL)-(\d\.\d)(\+)?(?![\w.+-])")


def is_debian_copyright(path: str) -> bool:
    # Asked of every file in every layer: the string tests settle nearly all before the pattern.
    return path.startswith("usr/share/doc/") and path.endswith("/copyright") and bool(DEBIAN_COPYRIGHT.match(path))


@lru_cache(maxsize=1024)
def spdx_expression(text: str) -> str | None:
    """``text`` as a canonical SPDX expression ("mit or apache-2.0" -> "MIT OR Apache-2.0"), or
    None when it is not one (free text such as "BSD License", an unknown id)."""
    text = text.strip()
    if not text or len(text) > MAX_EXPRESSION:
        return None
    try:
        canonical = canonicalize_license_expression(text)
    except InvalidLicenseExpression:
        return None
    return _GNU_DEPRECATED.sub(lambda m: f"{m[1]}-{m[2]}-{'or-later' if m[3] else 'only'}", canonical)


def is_compound(expression: str) -> bool:
    return bool(re.search(r"\s(AND|OR|WITH)\s", expression))


def license_ref(name: str) -> str:
    """``LicenseRef-<name>``: "+" spelled "-plus", and runs of what SPDX ids may not hold (anything
    but letters, digits, "." and "-") turned into one "-"."""
    cleaned = re.sub(r"[^A-Za-z0-9.]+", "-", name.replace("+", "-plus")).strip("-")
    return f"LicenseRef-{cleaned or 'unknown'}"


def _conjuncts(expression: str) -> list[str]:
    # "A AND (B WITH C)" is the terms A and B WITH C; anything with an OR stays whole.
    if " OR " in expression:
        return [expression]
    return [term.strip() for term in expression.replace("(", "").replace(")", "").split(" AND ")]


def combine(expressions: Iterable[str | None]) -> str | None:
    """Several licences that all apply (a package's files under different licences): one
    expression, each distinct term once in the order first met, joined by AND."""
    parts = list(dict.fromkeys(term for expression in expressions if expression for term in _conjuncts(expression)))
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return " AND ".join(f"({part})" if " OR " in part else part for part in parts)  # WITH binds tighter


# --- Debian --------------------------------------------------------------------------------------

# Debian's own short names (copyright-format 1.0, "License short name") that are not SPDX ids.
_DEBIAN_NAMES = {
    "public-domain": PUBLIC_DOMAIN,
    "expat": "MIT",
    # /usr/share/common-licenses/Artistic is Perl's Artistic License, and Perl's own terms are
    # "GPL-1+ or Artistic" (the copyright-format spec says so under "Perl").
    "artistic": "Artistic-1.0-Perl",
    "perl": "Artistic-1.0-Perl OR GPL-1.0-or-later",
    "cc0": "CC0-1.0",
}
# The GNU licences: version and "+" become SPDX's -only / -or-later ids. Unversioned, each
# licence's own text allows any version ever published.
_GNU = re.compile(
    r"^(?P<family>gpl|lgpl|agpl|gfdl-niv|gfdl)(?:-(?P<version>\d+(?:\.\d+)?))?(?P<suffix>\+|-only|-or-later)?$"
)
_GNU_ANY_VERSION = {"gpl": "1.0", "lgpl": "2.0", "gfdl": "1.1", "gfdl-niv": "1.1"}
_FAMILIES = {"zope": "ZPL"}  # Debian "Zope-2.1" is SPDX "ZPL-2.1"


def _gnu_license(match: re.Match) -> str | None:
    family, version, suffix = match["family"], match["version"], match["suffix"] or ""
    if version is None:
        if family not in _GNU_ANY_VERSION:
            return None
        version, suffix = _GNU_ANY_VERSION[family], "+"
    if "." not in version:
        version += ".0"
    later = "or-later" if suffix in ("+", "-or-later") else "only"
    if family == "gfdl-niv":
        return spdx_expression(f"GFDL-{version}-no-invariants-{later}")
    return spdx_expression(f"{family.upper()}-{version}-{later}")


@lru_cache(maxsize=4096)
def debian_license_name(name: str) -> str:
    """One Debian short name ("GPL-2+", "Expat", "BSD-3-clause", "Apache-2") as an SPDX id or
    expression; a name with no SPDX id becomes a LicenseRef."""
    key = name.strip().lower()
    if key in _DEBIAN_NAMES:
        return _DEBIAN_NAMES[key]
    if (gnu := _GNU.match(key)) and (spdx := _gnu_license(gnu)):
        return spdx
    base, plus = (name[:-1], "+") if name.endswith("+") else (name, "")
    family, dash, version = base.rpartition("-")
    candidates = [base]
    if dash and version.isdigit():
        candidates.append(f"{family}-{version}.0")  # "Apache-2" -> "Apache-2.0"
    if dash and family.lower() in _FAMILIES:
        candidates.append(f"{_FAMILIES[family.lower()]}-{version}")
    for candidate in candidates:
        if " " not in candidate and (spdx := spdx_expression(candidate)) and not is_compound(spdx):
            return spdx + plus
    return license_ref(name)


@lru_cache(maxsize=1024)
def _exception_id(name: str, license_version: str) -> str | None:
    """An SPDX exception id for Debian's "with <name> exception" ("Autoconf", "GCC-3.1", "Font")."""
    base = re.sub(r"\s+", "-", name.strip())
    if base.lower().endswith("-exception"):
        base = base[: -len("-exception")]
    # For a name without a version, the exception's version follows the licence's (Autoconf
    # exception 2.0 goes with the GPL 2, 3.0 with the GPL 3).
    versions = ("3.0", "3.1", "2.2", "2.0") if license_version.startswith("3") else ("2.0", "2.2", "3.0", "3.1")
    candidates = [base, f"{base}-exception", *(f"{base}-exception-{version}" for version in versions)]
    if "-" in base:  # "GCC-3.1" -> "GCC-exception-3.1"
        head, _, tail = base.rpartition("-")
        candidates.append(f"{head}-exception-{tail}")
    for candidate in candidates:
        if spdx := spdx_expression(f"MIT WITH {candidate}"):
            return spdx.split(" WITH ", 1)[1]
    return None


def _debian_term(term: str) -> str:
    with_exception = re.match(r"^(?P<license>\S+)\s+with\s+(?P<exception>.+?)(?:\s+exception)?$", term, re.IGNORECASE)
    if not with_exception:
        return debian_license_name(term) if " " not in term else license_ref(term)
    license = debian_license_name(with_exception["license"])
    version = re.search(r"\d+(?:\.\d+)?", license)
    exception = _exception_id(with_exception["exception"], version.group() if version else "")
    if exception and not is_compound(license) and not license.startswith("LicenseRef-"):
        return f"{license} WITH {exception}"
    return license_ref(term)  # SPDX 2.3 has no WITH for a LicenseRef, nor for an unlisted exception


def debian_license(value: str) -> str | None:
    """The short-name line of a ``License:`` field ("GPL-2+ or Artistic", "LGPL-2.1+ with OCaml-LGPL-
    linking exception", "GPL-2+ or BSD-3-clause, and MIT") as one SPDX expression.

    "and"/"or" become AND/OR (SPDX gives AND precedence, as the copyright format does); a comma
    closes a group, so "A or B, and C" is "(A OR B) AND C".
    """
    groups = []
    for group in (part.strip() for part in value.split(",")):
        operator, _, rest = group.partition(" ")
        operator = operator.upper()
        if operator in ("AND", "OR") and groups:
            group = rest
        else:
            operator = "AND"
        terms = re.split(r"\s+(and|or)\s+", group, flags=re.IGNORECASE)
        if not terms[0]:
            continue
        words = []
        for index, term in enumerate(terms):
            if index % 2:
                words.append(term.upper())
            else:
                spdx = _debian_term(term.strip())
                words.append(f"({spdx})" if is_compound(spdx) and len(terms) > 1 else spdx)
        groups.append((operator, " ".join(words)))
    if not groups:
        return None
    expression = groups[0][1]
    for operator, group in groups[1:]:
        expression = f"{_grouped(expression)} {operator} {_grouped(group)}"
    return spdx_expression(expression) or license_ref(value)


def _grouped(expression: str) -> str:
    return f"({expression})" if is_compound(expression) else expression


def _paragraphs(text: str) -> Iterator[dict[str, str]]:
    """deb822 paragraphs, each as {lowercased field: first line}, of the fields the licence needs."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if fields:
                yield fields
            fields = {}
        elif line[0] not in " \t#" and ":" in line:
            key, _, value = line.partition(":")
            key = key.strip().lower()
            if key in _PARAGRAPH_FIELDS and key not in fields:
                fields[key] = value.strip()
    if fields:
        yield fields


def debian_copyright_license(text: str) -> str | None:
    """The licence of a package from its ``copyright`` file: the licences of the header and of every
    Files paragraph, all of which apply (AND). None when the file is not machine-readable (free
    text is not guessed at) or names no licence. Standalone License paragraphs only hold the texts
    of names used elsewhere, so they are not read."""
    paragraphs = _paragraphs(text)
    header = next(paragraphs, None)
    if header is None or not _MACHINE_READABLE.search(header.get("format", "")):
        return None
    names = [header.get("license", "")]
    names += [paragraph.get("license", "") for paragraph in paragraphs if "files" in paragraph]
    return combine(debian_license(name) for name in names if name)


# --- Python ----------------------------------------------------------------------------------------

# Trove classifiers ("License :: OSI Approved :: <name>") that name one licence. A classifier for
# a family without a version is mapped as ScanCode and Trivy map it ("BSD License" to
# BSD-3-Clause, "Apache Software License" to Apache-2.0); the unversioned GNU classifiers
# ("GNU General Public License (GPL)") and others with no likely version are kept as written.
PYTHON_CLASSIFIERS = {
    "Academic Free License (AFL)": None,
    "Apache Software License": "Apache-2.0",
    "Artistic License": None,
    "Attribution Assurance License": "AAL",
    "Blue Oak Model License (BlueOak-1.0.0)": "BlueOak-1.0.0",
    "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "BSD License": "BSD-3-Clause",
    "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
    "CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)": "CECILL-2.1",
    "CeCILL-B Free Software License Agreement (CECILL-B)": "CECILL-B",
    "CeCILL-C Free Software License Agreement (CECILL-C)": "CECILL-C",
    "Common Development and Distribution License 1.0 (CDDL-1.0)": "CDDL-1.0",
    "Common Public License": "CPL-1.0",
    "Eclipse Public License 1.0 (EPL-1.0)": "EPL-1.0",
    "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
    "Educational Community License, Version 2.0 (ECL 2.0)": "ECL-2.0",
    "European Union Public Licence 1.0 (EUPL 1.0)": "EUPL-1.0",
    "European Union Public Licence 1.1 (EUPL 1.1)": "EUPL-1.1",
    "European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "GNU Free Documentation License (FDL)": None,
    "GNU General Public License (GPL)": None,
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0-only",
    "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "GNU Library or Lesser General Public License (LGPL)": None,
    "Historical Permission Notice and Disclaimer (HPND)": "HPND",
    "IBM Public License": "IPL-1.0",
    "Intel Open Source License": "Intel",
    "ISC License (ISCL)": "ISC",
    "MirOS License (MirOS)": "MirOS",
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "Motosoto License": "Motosoto",
    "Mozilla Public License 1.0 (MPL)": "MPL-1.0",
    "Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "Mulan Permissive Software License v2 (MulanPSL-2.0)": "MulanPSL-2.0",
    "Nethack General Public License": "NGPL",
    "Nokia Open Source License": "Nokia",
    "Open Group Test Suite License": "OGTSL",
    "Open Software License 3.0 (OSL-3.0)": "OSL-3.0",
    "PostgreSQL License": "PostgreSQL",
    "Python License (CNRI Python License)": "CNRI-Python",
    "Python Software Foundation License": "PSF-2.0",
    "Qt Public License (QPL)": "QPL-1.0",
    "Ricoh Source Code Public License": "RSCPL",
    "SIL Open Font License 1.1 (OFL-1.1)": "OFL-1.1",
    "Sleepycat License": "Sleepycat",
    "Sun Industry Standards Source License (SISSL)": "SISSL",
    "Sun Public License": "SPL-1.0",
    "The Unlicense (Unlicense)": "Unlicense",
    "Universal Permissive License (UPL)": "UPL-1.0",
    "University of Illinois/NCSA Open Source License": "NCSA",
    "Vovida Software License 1.0": "VSL-1.0",
    "W3C License": "W3C",
    "X.Net License": "Xnet",
    "zlib/libpng License": "Zlib",
    "Zero-Clause BSD (0BSD)": "0BSD",
    "Zope Public License": None,
    "Public Domain": PUBLIC_DOMAIN,
}
# Classifiers that only open a branch of the tree, naming no licence.
_CLASSIFIER_BRANCHES = frozenset({("License", "OSI Approved"), ("License", "DFSG approved")})


def python_classifier_license(classifier: str) -> str | None:
    """What a ``License ::`` classifier says: an SPDX id, else its last part as written; None for
    any other classifier and for a branch ("License :: OSI Approved")."""
    parts = tuple(part.strip() for part in classifier.split("::"))
    if len(parts) < 2 or parts[0] != "License" or parts in _CLASSIFIER_BRANCHES:
        return None
    return PYTHON_CLASSIFIERS.get(parts[-1]) or parts[-1]
