"""Licences as SPDX expressions: Debian short names and copyright files, Python classifiers."""

import pytest

from images.indexing import licenses
from images.indexing.packages import python


@pytest.mark.parametrize(
    "name, expected",
    [
        ("GPL-2+", "GPL-2.0-or-later"),
        ("GPL-2", "GPL-2.0-only"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("GPL-3.0-or-later", "GPL-3.0-or-later"),
        ("GPL", "GPL-1.0-or-later"),  # the GPL's own words: no version named, any version
        ("LGPL-2.1+", "LGPL-2.1-or-later"),
        ("LGPL-2", "LGPL-2.0-only"),
        ("AGPL-3+", "AGPL-3.0-or-later"),
        ("GFDL-NIV-1.3+", "GFDL-1.3-no-invariants-or-later"),
        ("GFDL-1.2", "GFDL-1.2-only"),
        ("Expat", "MIT"),
        ("BSD-3-clause", "BSD-3-Clause"),
        ("BSD-2-Clause", "BSD-2-Clause"),
        ("Apache-2.0", "Apache-2.0"),
        ("Apache-2", "Apache-2.0"),
        ("CC-BY-SA-3", "CC-BY-SA-3.0"),
        ("CC0", "CC0-1.0"),
        ("Zope-2.1", "ZPL-2.1"),
        ("MPL-2.0+", "MPL-2.0+"),
        ("ISC", "ISC"),
        ("zlib", "Zlib"),
        ("public-domain", "LicenseRef-public-domain"),
        ("Artistic", "Artistic-1.0-Perl"),
        ("Perl", "Artistic-1.0-Perl OR GPL-1.0-or-later"),
        ("permissive", "LicenseRef-permissive"),
        ("BSD-3-clause-Regents", "LicenseRef-BSD-3-clause-Regents"),
    ],
)
def test_debian_short_names(name, expected):
    assert licenses.debian_license_name(name) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("GPL-2+ or Artistic", "GPL-2.0-or-later OR Artistic-1.0-Perl"),
        ("LGPL-2.0+ and GPL-2+", "LGPL-2.0-or-later AND GPL-2.0-or-later"),
        ("GPL-2+ or BSD-3-clause, and MIT", "(GPL-2.0-or-later OR BSD-3-Clause) AND MIT"),
        ("GPL-2+ and Perl", "GPL-2.0-or-later AND (Artistic-1.0-Perl OR GPL-1.0-or-later)"),
        ("GPL-3+ with Autoconf exception", "GPL-3.0-or-later WITH Autoconf-exception-3.0"),
        ("GPL-2+ with Autoconf exception", "GPL-2.0-or-later WITH Autoconf-exception-2.0"),
        ("GPL-3+ with GCC-exception-3.1", "GPL-3.0-or-later WITH GCC-exception-3.1"),
        ("GPL-3+ with Bison exception", "GPL-3.0-or-later WITH Bison-exception-2.2"),
        ("LGPL-2.1+ with OCaml-LGPL-linking exception", "LGPL-2.1-or-later WITH OCaml-LGPL-linking-exception"),
        # SPDX lists no OpenSSL exception for the GPL, and WITH takes listed exceptions only.
        ("GPL-2+ with OpenSSL exception", "LicenseRef-GPL-2-plus-with-OpenSSL-exception"),
        ("BSD (3 clause)", "LicenseRef-BSD-3-clause"),
    ],
)
def test_debian_license_fields(value, expected):
    assert licenses.debian_license(value) == expected
    assert licenses.spdx_expression(expected) == expected  # valid, and already canonical


DEP5 = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: example
Source: https://example.org/

Files: *
Copyright: 2001-2024 Example Authors
License: GPL-2+

Files: lib/*.c
Copyright: 1999 Someone
License: Expat
 Permission is hereby granted, free of charge, to any person obtaining a copy
 .
License: Apache-2.0 (a second License line in one paragraph: only the first counts)

Files: debian/*
Copyright: 2024 A Maintainer
license: GPL-2+

License: Artistic
 A standalone License paragraph only holds the text of a name used above.
"""


def test_a_machine_readable_copyright_file_gives_every_files_licence_once():
    assert licenses.debian_copyright_license(DEP5) == "GPL-2.0-or-later AND MIT"


def test_the_header_licence_applies_too():
    text = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nLicense: ISC\n\n"
    text += "Files: *\nCopyright: 2020 X\nLicense: BSD-2-clause\n"
    assert licenses.debian_copyright_license(text) == "ISC AND BSD-2-Clause"


def test_the_dep5_draft_format_url_counts_as_machine_readable():
    text = DEP5.replace(
        "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
        "http://svn.debian.org/wsvn/dep/web/deps/dep5.mdwn?op=file&rev=174",
    )
    assert licenses.debian_copyright_license(text) == "GPL-2.0-or-later AND MIT"


@pytest.mark.parametrize(
    "text",
    [
        "This is the Debian prepackaged version of bash.\n\nLicense: GPL-3+\n",  # free text: not guessed
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: X\n",
        "",
    ],
)
def test_no_licence_without_a_machine_readable_file_naming_one(text):
    assert licenses.debian_copyright_license(text) is None


@pytest.mark.parametrize(
    "path, expected",
    [
        ("usr/share/doc/bash/copyright", True),
        ("usr/share/doc/bash/copyright.gz", False),
        ("usr/share/doc/bash/examples/copyright", False),
        ("usr/local/share/doc/bash/copyright", False),
    ],
)
def test_which_paths_are_copyright_files(path, expected):
    assert licenses.is_debian_copyright(path) is expected


@pytest.mark.parametrize(
    "classifier, expected",
    [
        ("License :: OSI Approved :: MIT License", "MIT"),
        ("License :: OSI Approved :: BSD License", "BSD-3-Clause"),  # as ScanCode and Trivy read it
        ("License :: OSI Approved :: Apache Software License", "Apache-2.0"),
        ("License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)", "GPL-2.0-or-later"),
        ("License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only"),
        ("License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"),
        ("License :: OSI Approved :: Python Software Foundation License", "PSF-2.0"),
        ("License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0"),
        ("License :: Public Domain", "LicenseRef-public-domain"),
        # No version to go on: kept as written rather than guessed.
        ("License :: OSI Approved :: GNU General Public License (GPL)", "GNU General Public License (GPL)"),
        ("License :: Other/Proprietary License", "Other/Proprietary License"),
        ("License :: OSI Approved", None),
        ("Programming Language :: Python :: 3", None),
    ],
)
def test_python_classifiers(classifier, expected):
    assert licenses.python_classifier_license(classifier) == expected


def test_every_mapped_classifier_is_a_valid_spdx_id():
    mapped = {name: spdx for name, spdx in licenses.PYTHON_CLASSIFIERS.items() if spdx}
    assert {name: licenses.spdx_expression(spdx) for name, spdx in mapped.items()} == mapped


def _metadata(*headers: str) -> str:
    return "Metadata-Version: 2.4\nName: example\nVersion: 1.0\n" + "".join(f"{h}\n" for h in headers)


@pytest.mark.parametrize(
    "headers, expected",
    [
        # PEP 639's field wins over everything else, canonicalised.
        (
            (
                "License-Expression: mit or apache-2.0",
                "License: BSD",
                "Classifier: License :: OSI Approved :: BSD License",
            ),
            ("MIT OR Apache-2.0",),
        ),
        (("License-Expression: Not An Expression",), ("Not An Expression",)),
        # A License field that is valid SPDX says more than a classifier.
        (("License: BSD-2-Clause", "Classifier: License :: OSI Approved :: BSD License"), ("BSD-2-Clause",)),
        (("License: BSD", "Classifier: License :: OSI Approved :: BSD License"), ("BSD-3-Clause",)),
        (
            (
                "Classifier: License :: OSI Approved :: MIT License",
                "Classifier: License :: OSI Approved :: Apache Software License",
                "Classifier: License :: OSI Approved",
            ),
            ("MIT", "Apache-2.0"),
        ),
        (("License: Apache 2.0",), ("Apache 2.0",)),
        (("License: UNKNOWN",), ()),
        ((), ()),
    ],
)
def test_python_licences(headers, expected):
    assert (
        python.parse_metadata(_metadata(*headers), "site-packages/example-1.0.dist-info/METADATA")[0].licenses
        == expected
    )
