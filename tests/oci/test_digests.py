"""images/oci/digests.py: which digests Hub can verify, and why the others are refused."""

import hashlib

import pytest

from images.errors import DigestInvalid
from images.oci.digests import digest_compute, digest_validate

SHA256 = "sha256:" + hashlib.sha256(b"x").hexdigest()
SHA512 = "sha512:" + hashlib.sha512(b"x").hexdigest()


@pytest.mark.parametrize("digest, algorithm", [(SHA256, "sha256"), (SHA512, "sha512")])
def test_valid(digest, algorithm):
    assert digest_validate(digest) == algorithm


@pytest.mark.parametrize(
    "digest, reason",
    [
        (None, "not a string"),
        (256, "not a string"),
        ("", "not a digest (algorithm:encoded)"),
        ("sha256", "not a digest (algorithm:encoded)"),
        ("sha256:", "not a digest (algorithm:encoded)"),
        (":" + "a" * 64, "not a digest (algorithm:encoded)"),
        ("SHA256:" + "a" * 64, "not a digest (algorithm:encoded)"),  # algorithm components are lowercase
        ("sha256:" + "a" * 63 + "+", "not a digest (algorithm:encoded)"),  # '+' is not in the encoded alphabet
        (SHA256 + "\n", "not a digest (algorithm:encoded)"),  # `$` in a regex would let this through
        (SHA256 + "\u0000", "not a digest (algorithm:encoded)"),
        (" " + SHA256, "not a digest (algorithm:encoded)"),
        ("md5:" + "a" * 32, "unsupported digest algorithm 'md5'"),
        ("sha384:" + "a" * 96, "unsupported digest algorithm 'sha384'"),
        ("blake3:" + "a" * 64, "unsupported digest algorithm 'blake3'"),
        ("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", "unsupported digest algorithm 'sha256+b64u'"),
        (SHA256.upper().replace("SHA", "sha"), "sha256 must be lowercase hex"),
        ("sha256:" + "g" * 64, "sha256 must be lowercase hex"),
        ("sha256:" + "a" * 63, "sha256 takes 64 hex characters, not 63"),
        ("sha256:" + "a" * 65, "sha256 takes 64 hex characters, not 65"),
        ("sha512:" + "a" * 64, "sha512 takes 128 hex characters, not 64"),
    ],
)
def test_invalid(digest, reason):
    with pytest.raises(DigestInvalid) as refused:
        digest_validate(digest)
    assert refused.value.detail["reason"] == reason


def test_the_refused_digest_is_shown_cut_short():
    with pytest.raises(DigestInvalid) as refused:
        digest_validate("sha256:" + "z" * 10_000)
    assert len(refused.value.detail["digest"]) == 200


@pytest.mark.parametrize("algorithm, expected", [("sha256", SHA256), ("sha512", SHA512)])
def test_compute(algorithm, expected):
    assert digest_compute(b"x", algorithm) == expected
    assert digest_validate(digest_compute(b"x", algorithm)) == algorithm


def test_compute_refuses_an_algorithm_hub_does_not_verify():
    with pytest.raises(DigestInvalid):
        digest_compute(b"x", "md5")
