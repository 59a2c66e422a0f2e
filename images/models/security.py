"""What the indexer finds inside images: packages, and the known vulnerabilities that apply to them."""

from django.db import models
from django.db.models import F
from django.db.models.functions import Lower

from images.models.choices import FixState, Severity
from images.models.content import Layer, Manifest

LICENSE_SEPARATOR = ", "


class Package(models.Model):
    # Indexed by package_in_manifest, which starts with it.
    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="packages", db_index=False)
    # The layer that introduced it (null when the package database could not be attributed).
    layer = models.ForeignKey(Layer, null=True, blank=True, on_delete=models.SET_NULL, related_name="packages")
    type = models.CharField(max_length=32)  # purl type: deb, apk, rpm, pypi, npm, golang, maven, gem
    name = models.CharField(max_length=255)
    version = models.CharField(max_length=255)
    source_name = models.CharField(max_length=255, blank=True)
    source_version = models.CharField(max_length=255, blank=True)
    arch = models.CharField(max_length=64, blank=True)
    licenses = models.TextField(blank=True)  # LICENSE_SEPARATOR between the declared licenses
    purl = models.CharField(max_length=1024)
    path = models.CharField(max_length=1024, blank=True)
    # "<ecosystem>/<normalised name>" as advisories name it (the source package for Debian, Ubuntu
    # and Alpine): what a changed advisory looks up to find the images it touches.
    advisory_key = models.CharField(max_length=400, blank=True, db_index=True)

    class Meta:
        ordering = ["type", "name", "version"]
        indexes = [
            models.Index(fields=["type", "name"], name="package_type_name"),
            # `pkg:` search (images/search/packages.py): names case-folded, read with their versions and images
            # from the index alone.
            models.Index(Lower("name"), F("type"), F("version"), F("manifest"), name="package_search"),
            # Whether one image holds a package (a result's matches, a tag tested in the order of a page): one
            # probe instead of a read of each of the image's packages (migration 0021).
            models.Index(F("manifest"), Lower("name"), F("type"), F("version"), name="package_in_manifest"),
        ]

    @property
    def license_list(self) -> tuple[str, ...]:
        """The licenses the package declares, each as it was written."""
        return tuple(part for part in (text.strip() for text in self.licenses.split(LICENSE_SEPARATOR)) if part)


class Vulnerability(models.Model):
    """One OSV record (osv.dev, GitHub advisories, PyPA, Go vulndb ...), kept whole in `data`."""

    osv_id = models.CharField(max_length=100, unique=True)
    summary = models.TextField(blank=True)
    details = models.TextField(blank=True)
    aliases = models.JSONField(default=list, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.UNKNOWN)
    cvss_score = models.FloatField(null=True, blank=True)
    cvss_vector = models.CharField(max_length=255, blank=True)
    # Where `severity` comes from: "CVSS 3.1 vector", "GitHub database_specific", "via alias GHSA-... (...)".
    severity_source = models.CharField(max_length=200, blank=True)
    published = models.DateTimeField(null=True, blank=True)
    modified = models.DateTimeField(null=True, blank=True)
    withdrawn = models.DateTimeField(null=True, blank=True)
    references = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict)
    # The distribution feed that wrote it ("debian-tracker", "alpine-secdb"); "" for OSV records.
    source = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        verbose_name_plural = "vulnerabilities"

    def __str__(self):
        return self.osv_id

    @property
    def known_aliases(self) -> list[str]:
        """The aliases people look for next to the id: CVE ids first, then GitHub's GHSA ids."""
        aliases = [str(alias) for alias in self.aliases or [] if str(alias).startswith(("CVE-", "GHSA-"))]
        return sorted(set(aliases), key=lambda alias: (not alias.startswith("CVE-"), alias))


class VulnerabilityAlias(models.Model):
    """One of a record's `aliases` (CVE-..., GHSA-...), indexed so a record is found by any of its names."""

    vulnerability = models.ForeignKey(Vulnerability, on_delete=models.CASCADE, related_name="alias_rows")
    alias = models.CharField(max_length=100, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vulnerability", "alias"], name="vulnerability_alias_once")]


class AffectedPackage(models.Model):
    """An `affected[]` entry of a record, indexed by (ecosystem, normalised name) for matching."""

    vulnerability = models.ForeignKey(Vulnerability, on_delete=models.CASCADE, related_name="affected")
    ecosystem = models.CharField(max_length=100)
    name = models.CharField(max_length=255)
    data = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["ecosystem", "name"], name="affected_ecosystem_name")]


class Finding(models.Model):
    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="findings")
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="findings")
    vulnerability = models.ForeignKey(Vulnerability, on_delete=models.CASCADE, related_name="findings")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.UNKNOWN)
    fixed_version = models.CharField(max_length=255, blank=True)
    fix_state = models.CharField(max_length=10, choices=FixState.choices, default=FixState.UNFIXED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["package", "vulnerability"], name="finding_once")]
        # An image's findings by severity, with whether each is fixable, from the index alone (`severity:`,
        # `fixable:` search, migration 0021).
        indexes = [models.Index(fields=["manifest", "severity", "fixed_version"], name="finding_manifest_fix")]
