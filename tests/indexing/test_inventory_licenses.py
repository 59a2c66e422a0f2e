"""Licences found while indexing, from real files: this machine's dpkg status database and its
``/usr/share/doc/*/copyright`` files in one image layer, checked against a plain reading of the
same files and against syft; Python METADATA of this virtualenv in another."""

import importlib.metadata
import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from images.indexing.inventory import index_layers
from images.indexing.licenses import debian_copyright_license, spdx_expression
from images.oci.build import LayerSpec, image_build, layer_tar
from images.services.demo import DOC_DIR, DPKG_STATUS, MAX_COPYRIGHT_BYTES, _base_layer, installed_python_layer
from tests.helpers.images import layout_write
from tests.helpers.integration import require, require_path
from tests.helpers.rootfs import syft_binary

from .test_layers import GZIP, tar_of

# The Format field of DEP-5, before any Files or License field (a few files open with free text).
MACHINE_READABLE = re.compile(
    r"\A(?:(?!^(?:Files|License):).*\n)*?^Format:[ \t]*\S*(copyright-format|dep5)", re.IGNORECASE | re.MULTILINE
)
SITE = "usr/local/lib/python3.11/site-packages"


@pytest.fixture(scope="module")
def base_layer() -> LayerSpec:
    require_path(DPKG_STATUS, "the Debian packages of this machine are what is indexed")
    require_path(DOC_DIR, "their copyright files are where the licences are")
    return _base_layer()


@pytest.fixture(scope="module")
def debian_licenses(base_layer) -> dict[str, str]:
    inventory = index_layers([(0, io.BytesIO(layer_tar(base_layer)), GZIP)])
    debs = [package for package in inventory.packages if package.type == "deb"]
    assert debs
    return {package.name: package.licenses[0] for package in debs if package.licenses}


def _reference_reading(names) -> set[str]:
    """The packages whose copyright file (doc directory symlinks followed) is machine-readable and
    has a License field, read without the indexer."""
    licensed = set()
    for name in names:
        path = Path(os.path.realpath(DOC_DIR / name / "copyright"))
        if not path.is_relative_to(DOC_DIR) or not path.is_file() or path.stat().st_size > MAX_COPYRIGHT_BYTES:
            continue
        text = path.read_text(errors="replace")
        if MACHINE_READABLE.match(text) and re.search(r"^License:[ \t]*\S", text, re.MULTILINE | re.IGNORECASE):
            licensed.add(name)
    return licensed


def _installed(base_layer) -> set[str]:
    status = base_layer.files["var/lib/dpkg/status"].decode(errors="replace")
    return {
        re.search(r"^Package: (\S+)", stanza, re.MULTILINE)[1]
        for stanza in status.split("\n\n")
        if re.search(r"^Status: .* installed$", stanza, re.MULTILINE)
    }


def test_debian_packages_with_a_machine_readable_copyright_file_have_a_valid_spdx_expression(
    base_layer, debian_licenses
):
    assert set(debian_licenses) == _reference_reading(_installed(base_layer))
    assert all(spdx_expression(expression) == expression for expression in debian_licenses.values())
    if "zlib1g" in debian_licenses:
        assert debian_licenses["zlib1g"] == "Zlib"


def test_a_symlinked_doc_directory_gives_its_target_s_licence(base_layer, debian_licenses):
    installed = _installed(base_layer)
    linked = {
        path.rsplit("/", 1)[1]: target
        for path, target in base_layer.symlinks.items()
        if path.startswith("usr/share/doc/") and path.count("/") == 3 and "/" not in target
    }
    expected = {}
    for name, target in linked.items():
        copyright = DOC_DIR / target / "copyright"
        if name in installed and copyright.is_file() and copyright.stat().st_size <= MAX_COPYRIGHT_BYTES:
            expected[name] = debian_copyright_license(copyright.read_text(errors="replace"))
    require(any(expected.values()), "no doc directory here links to a machine-readable copyright file")
    assert {name: debian_licenses.get(name) for name in expected} == expected


def test_syft_finds_a_licence_for_every_package_hub_does(base_layer, debian_licenses, tmp_path):
    reference = layout_write(tmp_path / "layout", image_build([base_layer]))
    result = subprocess.run(
        [syft_binary(), "scan", reference.replace("oci:", "oci-dir:").rsplit(":", 1)[0], "-o", "syft-json", "-q"],
        capture_output=True,
        env={**os.environ, "SYFT_CHECK_FOR_APP_UPDATE": "false"},
        timeout=600,
        check=True,
    )
    syft = {
        artifact["name"]: {license["value"] for license in artifact["licenses"]}
        for artifact in json.loads(result.stdout)["artifacts"]
        if artifact["type"] == "deb" and artifact["licenses"]
    }
    # syft also reads the free-text files (their common-licenses references), which Hub does not guess at.
    assert set(debian_licenses) <= set(syft)
    if "zlib1g" in syft:
        assert syft["zlib1g"] == {"Zlib"} and debian_licenses["zlib1g"] == "Zlib"


def test_a_copyright_symlink_out_of_the_doc_tree_gives_no_licence():
    status = b"Package: evil\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n"
    layer = tar_of(
        ("var/lib/dpkg/status", status),
        ("usr/share/doc/evil/copyright", "->", "/var/lib/dpkg/status"),
        ("usr/share/doc/other/copyright", b"Format: copyright-format/1.0\n\nFiles: *\nLicense: MIT\n"),
    )
    inventory = index_layers([(0, io.BytesIO(layer), "")])
    assert [(package.name, package.licenses) for package in inventory.packages] == [("evil", ())]


def test_a_copyright_file_rewritten_as_free_text_by_a_later_layer_has_no_licence():
    status = b"Package: app\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n"
    dep5 = b"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n"
    layers = [
        tar_of(("var/lib/dpkg/status", status), ("usr/share/doc/app/copyright", dep5)),
        tar_of(("usr/share/doc/app/copyright", b"Copyright 2024 Someone. All rights reserved.\n")),
    ]
    first = index_layers([(0, io.BytesIO(layers[0]), "")])
    both = index_layers((index, io.BytesIO(layer), "") for index, layer in enumerate(layers))
    assert [package.licenses for package in first.packages] == [("GPL-2.0-or-later",)]
    assert [package.licenses for package in both.packages] == [()]


def test_python_distributions_of_this_virtualenv_get_spdx_licences():
    layer = LayerSpec(installed_python_layer(SITE, limit=1000), "RUN pip install")
    inventory = index_layers([(0, io.BytesIO(layer_tar(layer)), GZIP)])
    found = {package.name: package.licenses for package in inventory.packages if package.type == "pypi"}
    expression = {
        distribution.metadata["Name"]: distribution.metadata["License-Expression"]
        for distribution in importlib.metadata.distributions()
    }
    assert found
    for name, declared in found.items():
        if expression.get(name):  # PEP 639 metadata: exactly that, canonical
            assert declared == (spdx_expression(expression[name]) or expression[name],)
    valid = [declared for declared in found.values() if declared and all(map(spdx_expression, declared))]
    # The classifiers map to SPDX ids: nearly every distribution here ends with valid SPDX.
    assert len(valid) >= 0.9 * len(found)
    assert not {text for declared in found.values() for text in declared} & {"BSD License", "MIT License"}
