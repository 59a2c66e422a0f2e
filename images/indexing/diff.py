"""What changed from one platform image to another: layers, history, packages, findings, sizes and
config. Pure: both sides come in as plain values (``ImageFacts``), read by ``selectors/diff.py``.

Packages are matched by (type, name) and their versions ordered the way the ecosystem orders them
(``versions.version_key``, the matcher's ordering); a version the ecosystem cannot parse, or an
ecosystem without an order, is a "changed" package rather than a guess at up or down.
"""

import difflib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .versions import InvalidVersion, UnsupportedEcosystem, version_key
from .vulns import package_ecosystem


@dataclass(frozen=True)
class LayerFact:
    digest: str
    size: int
    uncompressed_size: int | None = None
    created_by: str = ""


@dataclass(frozen=True)
class PackageFact:
    type: str
    name: str
    version: str


@dataclass(frozen=True)
class FindingFact:
    advisory: str  # the advisory id (OSV id)
    package: str
    version: str
    severity: str
    fixed_version: str = ""


@dataclass
class ImageFacts:
    """One side of a diff. ``history`` is every step's command in order, empty steps included."""

    layers: list[LayerFact] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    packages: list[PackageFact] = field(default_factory=list)
    findings: list[FindingFact] = field(default_factory=list)
    os_ecosystem: str = ""
    compressed_size: int | None = None
    uncompressed_size: int | None = None
    config: dict = field(default_factory=dict)  # what config_summary() returns


@dataclass(frozen=True)
class PackageChange:
    type: str
    name: str
    before: str  # "" when added
    after: str  # "" when removed


@dataclass(frozen=True)
class HistoryStep:
    change: str  # "same", "added" or "removed"
    created_by: str


@dataclass(frozen=True)
class SizeChange:
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class ConfigChange:
    field: str  # "entrypoint", "env", "label" ...
    key: str  # the env variable, label or port for keyed fields; "" otherwise
    before: str | None  # None: not set
    after: str | None


@dataclass
class ImageDiff:
    layers_shared: list[LayerFact]
    layers_added: list[LayerFact]
    layers_removed: list[LayerFact]
    history: list[HistoryStep]
    packages_added: list[PackageChange]
    packages_removed: list[PackageChange]
    packages_upgraded: list[PackageChange]
    packages_downgraded: list[PackageChange]
    packages_changed: list[PackageChange]  # versions the ecosystem cannot order
    findings_fixed: list[FindingFact]
    findings_introduced: list[FindingFact]
    compressed: SizeChange
    uncompressed: SizeChange
    config: list[ConfigChange]

    @property
    def history_changed(self) -> bool:
        return any(step.change != "same" for step in self.history)


def image_diff(before: ImageFacts, after: ImageFacts) -> ImageDiff:
    shared, added, removed = layers_compare(before.layers, after.layers)
    changes = packages_compare(before.packages, after.packages, after.os_ecosystem or before.os_ecosystem)
    fixed, introduced = findings_compare(before.findings, after.findings)
    return ImageDiff(
        layers_shared=shared,
        layers_added=added,
        layers_removed=removed,
        history=history_compare(before.history, after.history),
        packages_added=changes["added"],
        packages_removed=changes["removed"],
        packages_upgraded=changes["upgraded"],
        packages_downgraded=changes["downgraded"],
        packages_changed=changes["changed"],
        findings_fixed=fixed,
        findings_introduced=introduced,
        compressed=SizeChange(before.compressed_size, after.compressed_size),
        uncompressed=SizeChange(before.uncompressed_size, after.uncompressed_size),
        config=config_compare(before.config, after.config),
    )


def layers_compare(before: list[LayerFact], after: list[LayerFact]):
    """(shared, added, removed) by digest, each in its image's order; a digest twice counts twice."""
    left = Counter(layer.digest for layer in before)
    right = Counter(layer.digest for layer in after)
    shared, added = [], []
    for layer in after:
        if left[layer.digest] > 0:
            left[layer.digest] -= 1
            shared.append(layer)
        else:
            added.append(layer)
    removed = []
    for layer in before:
        if right[layer.digest] > 0:
            right[layer.digest] -= 1
        else:
            removed.append(layer)
    return shared, added, removed


def history_compare(before: list[str], after: list[str]) -> list[HistoryStep]:
    """Every step of both histories in order, as a line diff of their commands."""
    steps = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            steps.extend(HistoryStep("same", command) for command in before[a1:a2])
            continue
        steps.extend(HistoryStep("removed", command) for command in before[a1:a2])
        steps.extend(HistoryStep("added", command) for command in after[b1:b2])
    return steps


@lru_cache(maxsize=65536)
def _order(ecosystem: str | None, left: str, right: str) -> int | None:
    """-1, 0 or 1 as `left` is older, the same, newer; None when the ecosystem cannot tell."""
    if not ecosystem:
        return None
    try:
        left_key, right_key = version_key(ecosystem, left), version_key(ecosystem, right)
        # One comparison for the usual case (an upgrade): Debian's is not cheap.
        return -1 if left_key < right_key else (1 if left_key > right_key else 0)
    except (InvalidVersion, UnsupportedEcosystem, TypeError, ValueError):
        return None


def _versions(packages: list[PackageFact]) -> dict[tuple[str, str], frozenset[str]]:
    grouped: dict[tuple[str, str], set[str]] = {}
    for package in packages:
        grouped.setdefault((package.type, package.name), set()).add(package.version)
    return {key: frozenset(versions) for key, versions in grouped.items()}


def packages_compare(before: list[PackageFact], after: list[PackageFact], os_ecosystem: str):
    """Packages by (type, name): added, removed, upgraded, downgraded, changed (no known order).

    A name held at several versions (a Python package in two virtualenvs) is compared version by
    version: the versions only one side holds are added or removed.
    """
    left, right = _versions(before), _versions(after)
    empty: frozenset[str] = frozenset()
    changed = [key for key in left.keys() | right.keys() if left.get(key, empty) != right.get(key, empty)]
    ecosystems: dict[str, str | None] = {}  # by package type
    result: dict[str, list[PackageChange]] = {k: [] for k in ("added", "removed", "upgraded", "downgraded", "changed")}
    for key in sorted(changed):
        old, new = left.get(key, empty), right.get(key, empty)
        kind, name = key
        if len(old) == 1 and len(new) == 1:
            (was,), (now,) = old, new
            if kind not in ecosystems:
                ecosystems[kind] = package_ecosystem(PackageFact(kind, name, now), os_ecosystem)
            bucket = {-1: "upgraded", 1: "downgraded"}.get(_order(ecosystems[kind], was, now), "changed")
            result[bucket].append(PackageChange(kind, name, was, now))
            continue
        for version in sorted(new - old):
            result["added"].append(PackageChange(kind, name, "", version))
        for version in sorted(old - new):
            result["removed"].append(PackageChange(kind, name, version, ""))
    return result


def findings_compare(before: list[FindingFact], after: list[FindingFact]):
    """(fixed, introduced): an advisory on a package that only one side has."""
    left = {(f.advisory, f.package) for f in before}
    right = {(f.advisory, f.package) for f in after}
    fixed = sorted((f for f in before if (f.advisory, f.package) not in right), key=_finding_order)
    introduced = sorted((f for f in after if (f.advisory, f.package) not in left), key=_finding_order)
    return _unique(fixed), _unique(introduced)


_SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _finding_order(finding: FindingFact):
    return (_SEVERITY_RANK.get(finding.severity, 4), finding.advisory, finding.package)


def _unique(findings: list[FindingFact]) -> list[FindingFact]:
    seen, unique = set(), []
    for finding in findings:
        if (finding.advisory, finding.package) not in seen:
            seen.add((finding.advisory, finding.package))
            unique.append(finding)
    return unique


# Config fields the diff shows: (name, key in the OCI config's "config" object).
_SCALARS = (("entrypoint", "Entrypoint"), ("cmd", "Cmd"), ("user", "User"), ("workdir", "WorkingDir"))


def config_summary(config: dict) -> dict:
    """What the diff compares of an OCI image config: entrypoint, cmd, user, workdir (as text), env
    and labels (name -> value), exposed ports (a sorted list)."""
    run = config.get("config") if isinstance(config.get("config"), dict) else {}
    summary: dict = {}
    for name, key in _SCALARS:
        value = run.get(key)
        summary[name] = _text(value) if value not in (None, "", []) else None
    env = {}
    for item in run.get("Env") or []:
        if isinstance(item, str):
            variable, _, value = item.partition("=")
            env[variable] = value
    summary["env"] = env
    labels = run.get("Labels") if isinstance(run.get("Labels"), dict) else {}
    summary["labels"] = {str(k): str(v) for k, v in labels.items()}
    ports = run.get("ExposedPorts") if isinstance(run.get("ExposedPorts"), dict) else {}
    summary["ports"] = sorted(str(port) for port in ports)
    return summary


def _text(value) -> str:
    if isinstance(value, list):
        return " ".join(str(part) for part in value)
    return str(value)


def config_compare(before: dict, after: dict) -> list[ConfigChange]:
    """Each config field that differs, in a fixed order; env and labels key by key."""
    changes = []
    for name, _ in _SCALARS:
        if before.get(name) != after.get(name):
            changes.append(ConfigChange(name, "", before.get(name), after.get(name)))
    for name, single in (("env", "env"), ("labels", "label")):
        old, new = before.get(name) or {}, after.get(name) or {}
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                changes.append(ConfigChange(single, key, old.get(key), new.get(key)))
    old_ports, new_ports = set(before.get("ports") or ()), set(after.get("ports") or ())
    for port in sorted(old_ports ^ new_ports):
        was, now = (port if port in old_ports else None), (port if port in new_ports else None)
        changes.append(ConfigChange("port", port, was, now))
    return changes
