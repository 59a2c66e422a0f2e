"""The pure lineage rules (images/indexing/lineage.py), as tables."""

import pytest

from images.indexing.lineage import (
    Finding,
    base_annotations,
    base_reference,
    chain_keys,
    layer_chain,
    rebuild_gain,
)

A, B, C = (f"sha256:{c * 64}" for c in "abc")
D1, D2 = (f"sha256:{c * 64}" for c in "de")


@pytest.mark.parametrize(
    ("config", "digests", "chain"),
    [
        ({"rootfs": {"diff_ids": [A, B]}}, [D1, D2], [A, B]),  # diff_ids win
        ({"rootfs": {"diff_ids": [A]}}, [D1, D2], [D1, D2]),  # a count that disagrees: the layer digests
        ({}, [D1, D2], [D1, D2]),  # no rootfs
        ({"rootfs": {"diff_ids": ["nonsense", B]}}, [D1, D2], [D1, D2]),
        ({"rootfs": "x"}, [], []),
    ],
)
def test_layer_chain(config, digests, chain):
    assert layer_chain(config, digests) == chain


def test_prefix_keys_are_shared_exactly_by_shared_prefixes():
    base, derived, other = chain_keys([A, B]), chain_keys([A, B, C]), chain_keys([B, A])
    assert derived[:2] == base
    assert base[-1] in derived[:-1]  # the base's whole chain is a proper prefix of the derived one's
    assert not set(other) & set(derived)
    assert chain_keys([A + "x"])[0] != chain_keys([A])[0]


@pytest.mark.parametrize(
    ("annotations", "found"),
    [
        ({"org.opencontainers.image.base.name": "debian:bookworm"}, ("debian:bookworm", "")),
        ({"org.opencontainers.image.base.digest": A}, ("", A)),
        ({"org.opencontainers.image.base.digest": "not-a-digest"}, ("", "")),
        ({"org.opencontainers.image.base.name": 7}, ("", "")),
        (None, ("", "")),
    ],
)
def test_base_annotations(annotations, found):
    assert base_annotations({"annotations": annotations} if annotations is not None else {}) == found


@pytest.mark.parametrize(
    ("name", "reference"),
    [
        ("docker.io/library/debian:bookworm", ("library/debian", "bookworm")),
        ("debian:12", ("library/debian", "12")),
        ("debian", ("library/debian", "")),
        ("hub.example:5000/acme/base:1.0", ("acme/base", "1.0")),
        ("localhost/acme/base@sha256:" + "a" * 64, ("acme/base", "")),
        ("acme/base", ("acme/base", "")),
        ("", ("", "")),
        ("two words", ("", "")),
    ],
)
def test_base_reference(name, reference):
    assert base_reference(name) == reference


def test_rebuild_gain_counts_advisories_once_and_packages_by_name():
    old = [
        Finding("CVE-1", "openssl", "critical"),
        Finding("CVE-1", "libssl3", "critical"),
        Finding("CVE-2", "zlib", "low"),
    ]
    new = [Finding("CVE-2", "zlib", "low"), Finding("CVE-3", "curl", "high")]
    old_packages = [("deb", "openssl", "3.0.11"), ("deb", "zlib", "1.2"), ("deb", "gone", "1")]
    new_packages = [("deb", "openssl", "3.0.15"), ("deb", "zlib", "1.2"), ("deb", "curl", "8")]
    gain = rebuild_gain(old, new, old_packages, new_packages)
    assert (gain.fixed, gain.fixed_critical_high, gain.introduced, gain.packages_changed) == (1, 1, 1, 3)
    assert rebuild_gain([], [], [], []).fixed == 0
