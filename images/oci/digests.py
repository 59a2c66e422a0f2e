"""Digests: the OCI grammar, the algorithms Hub verifies, validation and computation.

image-spec descriptor.md: `algorithm ":" encoded`, with algorithm components of `[a-z0-9]` joined
by `+._-`. Of the registered algorithms Hub verifies sha256 and sha512, whose encoded part is
lowercase hex of a fixed length; anything else (another algorithm, uppercase hex, the wrong
length) is refused, because Hub could never check that the bytes match it.
"""

import hashlib
import re

from images.errors import DigestInvalid

# Encoded length (hex characters) of each algorithm Hub verifies.
ALGORITHMS = {"sha256": 64, "sha512": 128}
DIGEST_GRAMMAR = re.compile(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+")
DIGEST_RE = re.compile(r"sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}")
_LOWER_HEX = re.compile(r"[a-f0-9]+")


def digest_problem(digest: object) -> str | None:
    """Why `digest` is not one Hub can verify, or None when it is."""
    if not isinstance(digest, str):
        return "not a string"
    if DIGEST_RE.fullmatch(digest):
        return None
    if not DIGEST_GRAMMAR.fullmatch(digest):
        return "not a digest (algorithm:encoded)"
    algorithm, _, encoded = digest.partition(":")
    if algorithm not in ALGORITHMS:
        return f"unsupported digest algorithm {algorithm[:32]!r}"
    if not _LOWER_HEX.fullmatch(encoded):
        return f"{algorithm} must be lowercase hex"
    return f"{algorithm} takes {ALGORITHMS[algorithm]} hex characters, not {len(encoded)}"


def digest_validate(digest: str | None) -> str:
    """Return the algorithm of a digest Hub can verify, or raise DigestInvalid saying why."""
    problem = digest_problem(digest)
    if problem is not None:
        shown = digest[:200] if isinstance(digest, str) else ""
        raise DigestInvalid(digest=shown, reason=problem)
    return digest.partition(":")[0]


def digest_compute(data: bytes, algorithm: str = "sha256") -> str:
    """The digest of `data`; `algorithm` is one of ALGORITHMS (what digest_validate returned)."""
    if algorithm not in ALGORITHMS:
        raise DigestInvalid(reason=f"unsupported digest algorithm {algorithm[:32]!r}")
    return f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"
