"""Pure lineage rules: an image's layer chain, the keys of its prefixes, what its annotations name as its base,
and what rebuilding on a newer base would change. No Django (images/services/lineage.py stores, the selectors read).

The chain is the config's `rootfs.diff_ids` (the digests of the uncompressed layers, the same however a layer was
compressed or re-pushed), or the manifest's layer digests when the config lists none or a different number.
Image A is built on image B when B's chain is a proper prefix of A's; the key of a prefix is a SHA-256 over its
ids in order, so "is B's chain a prefix of A's" is "is B's whole-chain key among A's prefix keys".
"""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

BASE_NAME = "org.opencontainers.image.base.name"
BASE_DIGEST = "org.opencontainers.image.base.digest"
_DIGEST_RE = re.compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$")
# Hosts of references that name Docker Hub's official images without a namespace: `debian` is `library/debian`.
_DOCKER_HUB = {"docker.io", "index.docker.io", "registry-1.docker.io"}
HIGH = frozenset({"critical", "high"})


def layer_chain(config: dict, layer_digests: list[str]) -> list[str]:
    """The ids of an image's layers, bottom first."""
    rootfs = config.get("rootfs") if isinstance(config, dict) else None
    diff_ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
    if (
        isinstance(diff_ids, list)
        and diff_ids
        and len(diff_ids) == len(layer_digests)
        and all(isinstance(d, str) and _DIGEST_RE.match(d) for d in diff_ids)
    ):
        return list(diff_ids)
    return [d for d in layer_digests if isinstance(d, str) and d]


def chain_keys(chain: list[str]) -> list[str]:
    """The key of each prefix of `chain`: keys[k - 1] is that of its first k layers (keys[-1]: the whole chain)."""
    running = hashlib.sha256()
    keys = []
    for layer_id in chain:
        running.update(layer_id.encode() + b"\n")
        keys.append(running.copy().hexdigest())
    return keys


def base_annotations(manifest: dict) -> tuple[str, str]:
    """(base name, base digest) from a manifest's annotations; "" for what they do not say or say badly."""
    annotations = manifest.get("annotations") if isinstance(manifest, dict) else None
    if not isinstance(annotations, dict):
        return "", ""
    name = annotations.get(BASE_NAME)
    digest = annotations.get(BASE_DIGEST)
    name = name.strip()[:512] if isinstance(name, str) else ""
    digest = digest.strip() if isinstance(digest, str) and _DIGEST_RE.match(digest.strip()) else ""
    return name, digest[:150]


def base_reference(name: str) -> tuple[str, str]:
    """("namespace/name", tag) of a base name such as `docker.io/library/debian:bookworm`, `debian:12` or
    `hub.example/acme/base@sha256:...` (tag "" when it names a digest or nothing); ("", "") when unreadable."""
    name = name.strip().lower() if name else ""
    if not name or " " in name:
        return "", ""
    name = name.split("@", 1)[0]
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        host, name = first, rest
    else:
        host = ""
    path, tag = name, ""
    if ":" in name.rsplit("/", 1)[-1]:
        path, _, tag = name.rpartition(":")
    if "/" not in path and (not host or host in _DOCKER_HUB):
        path = f"library/{path}"
    if not re.match(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)+$", path):
        return "", ""
    return path, tag


@dataclass(frozen=True)
class Finding:
    advisory: str
    package: str
    severity: str


@dataclass(frozen=True)
class RebuildGain:
    """What moving from the old base image to the new one fixes and changes."""

    fixed: int  # advisories found in the old base and not in the new one
    fixed_critical_high: int
    introduced: int  # advisories the new base has that the old one did not
    packages_changed: int  # packages added, removed or at another version


def rebuild_gain(
    old_findings: Iterable[Finding],
    new_findings: Iterable[Finding],
    old_packages: Iterable[tuple[str, str, str]],
    new_packages: Iterable[tuple[str, str, str]],
) -> RebuildGain:
    """Compare two base images. Advisories count once each, at the worst severity the old base had them;
    packages are (type, name, version), and a package whose set of versions differs counts once."""
    old_worst: dict[str, str] = {}
    for finding in old_findings:
        if finding.advisory not in old_worst or finding.severity in HIGH:
            old_worst[finding.advisory] = finding.severity
    new_advisories = {finding.advisory for finding in new_findings}
    fixed = [advisory for advisory in old_worst if advisory not in new_advisories]
    old_versions = _versions(old_packages)
    new_versions = _versions(new_packages)
    changed = sum(old_versions.get(key) != new_versions.get(key) for key in old_versions.keys() | new_versions.keys())
    return RebuildGain(
        fixed=len(fixed),
        fixed_critical_high=sum(old_worst[advisory] in HIGH for advisory in fixed),
        introduced=len(new_advisories - old_worst.keys()),
        packages_changed=changed,
    )


def _versions(packages: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], frozenset[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for package_type, name, version in packages:
        found.setdefault((package_type, name), set()).add(version)
    return {key: frozenset(values) for key, values in found.items()}
