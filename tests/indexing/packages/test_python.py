import sysconfig
from pathlib import Path

import pytest

from images.indexing.packages import Package, python

FIXTURES = Path(__file__).parent.parent / "fixtures" / "python"
SITE = "usr/local/lib/python3.11/site-packages"


def pypi(name, version, purl_name, licenses, path):
    return Package(
        name=name, version=version, type="pypi", purl=f"pkg:pypi/{purl_name}@{version}", path=path, licenses=licenses
    )


@pytest.mark.parametrize(
    "fixture, expected",
    [
        ("packaging-26.4.dist-info/METADATA", ("packaging", "26.4", "packaging", ("Apache-2.0 OR BSD-2-Clause",))),
        ("django-5.2.19.dist-info/METADATA", ("Django", "5.2.19", "django", ("BSD-3-Clause",))),
        ("pyyaml-6.0.4.dist-info/METADATA", ("PyYAML", "6.0.4", "pyyaml", ("MIT",))),
        ("six-1.17.0.dist-info/METADATA", ("six", "1.17.0", "six", ("MIT",))),
        (
            "cvss-3.6.dist-info/METADATA",
            ("cvss", "3.6", "cvss", ("LGPL-3.0-or-later",)),
        ),
        ("oauthlib-3.2.2.egg-info/PKG-INFO", ("oauthlib", "3.2.2", "oauthlib", ("BSD-3-Clause",))),
        ("wsgiref.egg-info", ("wsgiref", "0.1.2", "wsgiref", ("PSF or ZPL",))),
    ],
)
def test_parse_metadata(fixture, expected):
    path = f"{SITE}/{fixture}"
    assert python.is_python_metadata(path)
    name, version, purl_name, licenses = expected
    assert python.parse_metadata((FIXTURES / fixture).read_text(), path) == [
        pypi(name, version, purl_name, licenses, path)
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Metadata-Version: 2.1\nName: nameless-version\n", id="no-version"),
        pytest.param("Metadata-Version: 2.1\nVersion: 1.0\n", id="no-name"),
        pytest.param("", id="empty"),
    ],
)
def test_parse_metadata_without_name_or_version(text):
    assert python.parse_metadata(text, f"{SITE}/x.dist-info/METADATA") == []


def test_long_license_text_is_not_a_license_name():
    text = "Name: x\nVersion: 1\nLicense: Copyright (c) someone\n        Permission is hereby granted\n"
    assert python.parse_metadata(text, "x.dist-info/METADATA")[0].licenses == ()


@pytest.mark.parametrize(
    "path, expected",
    [
        ("usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA", True),
        ("app/.venv/lib/python3.12/site-packages/Django-5.0.dist-info/METADATA", True),
        ("usr/lib/python3/dist-packages/oauthlib-3.2.2.egg-info/PKG-INFO", True),
        ("usr/lib/python2.7/wsgiref.egg-info", True),
        ("usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD", False),
        ("src/project/PKG-INFO", False),
    ],
)
def test_is_python_metadata(path, expected):
    assert python.is_python_metadata(path) is expected


def test_every_distribution_of_the_running_environment():
    site_packages = Path(sysconfig.get_paths()["purelib"])
    metadata_files = sorted(site_packages.glob("*.dist-info/METADATA"))
    found = [python.parse_metadata(path.read_text(errors="replace"), str(path)) for path in metadata_files]
    assert len(metadata_files) > 50
    assert all(len(packages) == 1 and packages[0].version for packages in found)
