"""What each repository's tagged images hold, derived for search (images/services/repository_contents.py keeps it).

A `pkg:` or `cve:`/`severity:`/`fixable:` term matches a repository when the platform image of one of its tags
does (images/search/packages.py). These rows say so per repository: one per distinct package (type, name,
version) and one per distinct finding (advisory, severity, fixable) in any image a tag of it reaches (its
manifest, or a child of the index it names). A search reads these small, narrow rows by an index instead of
joining 3 million package rows to the tags.
"""

from django.db import models

from images.models.catalogue import Repository
from images.models.choices import Severity
from images.models.security import Vulnerability


class RepositoryPackage(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+", db_index=False)
    type = models.CharField(max_length=32)
    name = models.CharField(max_length=255)
    lname = models.CharField(max_length=255)  # LOWER(name), as Package's search index reads it
    version = models.CharField(max_length=255)

    class Meta:
        indexes = [
            # A term's repositories and the Packages tab's counts, read from the index alone.
            models.Index(fields=["lname", "type", "version", "name", "repository"], name="repository_package_search"),
            # Whether one repository holds a term's package: the probe of a broad query's page.
            models.Index(fields=["repository", "lname", "type", "version"], name="repository_package_probe"),
        ]


class RepositoryFinding(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+", db_index=False)
    vulnerability = models.ForeignKey(Vulnerability, on_delete=models.CASCADE, related_name="+", db_index=False)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.UNKNOWN)
    fixable = models.BooleanField()  # a fixed version is known (Finding.fixed_version is not empty)

    class Meta:
        indexes = [
            models.Index(fields=["vulnerability", "repository"], name="repository_finding_advisory"),
            models.Index(fields=["severity", "fixable", "repository"], name="repository_finding_severity"),
            models.Index(
                fields=["repository", "severity", "fixable", "vulnerability"], name="repository_finding_probe"
            ),
        ]
