"""The catalogue: namespaces, repositories, categories, stars."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models.functions import Length

from hub.accounts.names import NAME_RE
from images.models.choices import NamespaceKind, TrustedContent

# OCI distribution-spec name components: lowercase alphanumerics with single separators.
COMPONENT_RE = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
REPOSITORY_NAME_RE = rf"{COMPONENT_RE}(?:/{COMPONENT_RE})*"
NAMESPACE_NAME_RE = NAME_RE  # every namespace is an account's (a user's or an organization's) name

SHORT_DESCRIPTION_MAX = 100
FULL_DESCRIPTION_MAX = 25_000
MAX_CATEGORIES = 3
# The vulns_rank of a repository whose latest images are not scanned: after every scanned one.
VULNS_RANK_UNSCANNED = 10**18


class Namespace(models.Model):
    """The first path component of a repository name: a user's own or an organization's."""

    Kind = NamespaceKind

    name = models.CharField(max_length=255, unique=True, validators=[RegexValidator(rf"^{NAMESPACE_NAME_RE}$")])
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.USER)
    # The person a user namespace belongs to; organizations get members in accounts.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="namespace"
    )
    display_name = models.CharField(max_length=150, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    verified_until = models.DateTimeField(null=True, blank=True)
    sponsored_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Category(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Repository(models.Model):
    namespace = models.ForeignKey(Namespace, on_delete=models.CASCADE, related_name="repositories")
    # Everything after the namespace; may itself hold slashes (`team/app/api`).
    name = models.CharField(max_length=255, validators=[RegexValidator(rf"^{REPOSITORY_NAME_RE}$")])
    short_description = models.CharField(max_length=SHORT_DESCRIPTION_MAX, blank=True)
    full_description = models.TextField(blank=True, validators=[MaxLengthValidator(FULL_DESCRIPTION_MAX)])
    is_private = models.BooleanField(default=False)
    is_official = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    # Set in the publisher console. The logo is a small PNG made from the upload (images/services/logos.py),
    # kept in the database so every web process serves it without shared media storage.
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_updated_at = models.DateTimeField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    docs_url = models.URLField(max_length=500, blank=True)
    homepage_url = models.URLField(max_length=500, blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="repositories")
    # Derived from is_official and the namespace's grants, kept here so search can facet on it.
    trusted_content = models.CharField(max_length=16, choices=TrustedContent.choices, blank=True, default="")
    star_count = models.PositiveIntegerField(default=0)
    pull_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_pushed_at = models.DateTimeField(null=True, blank=True)
    # Search: trusted content as a number, so "best match" and "most pulls" are one index walk.
    trusted_rank = models.GeneratedField(
        expression=models.Case(
            models.When(trusted_content=TrustedContent.OFFICIAL, then=models.Value(3)),
            models.When(trusted_content=TrustedContent.VERIFIED, then=models.Value(2)),
            models.When(trusted_content=TrustedContent.SPONSORED, then=models.Value(1)),
            default=models.Value(0),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    # Search facets, denormalised so that one read of a repository row gives all of them: the
    # distinct OS and architecture values of RepositoryPlatform and the ids of the categories, each
    # as space-separated words with a space at both ends (" linux windows "). Kept in step by
    # images.services.search_index (repository_platforms_refresh, and a signal on category changes).
    facet_os = models.CharField(max_length=255, blank=True, default="", editable=False)
    facet_architectures = models.CharField(max_length=255, blank=True, default="", editable=False)
    facet_categories = models.CharField(max_length=255, blank=True, default="", editable=False)
    # Security posture of the latest tag's images, for the posture facets and the "fewest vulnerabilities"
    # sort: distinct advisories by severity, fixable critical/high ones, the total. NULL counts: not
    # scanned (no image of the latest tag has findings computed yet). Kept by images.services.posture.
    vulns_critical = models.PositiveIntegerField(null=True, blank=True, editable=False)
    vulns_high = models.PositiveIntegerField(null=True, blank=True, editable=False)
    vulns_medium = models.PositiveIntegerField(null=True, blank=True, editable=False)
    vulns_low = models.PositiveIntegerField(null=True, blank=True, editable=False)
    vulns_unknown = models.PositiveIntegerField(null=True, blank=True, editable=False)
    vulns_fixable = models.PositiveIntegerField(null=True, blank=True, editable=False)
    vulns_total = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Critical, then high, then total as one number (posture.vulns_rank), unscanned last: one index walk.
    vulns_rank = models.BigIntegerField(default=VULNS_RANK_UNSCANNED, editable=False)
    last_scanned_at = models.DateTimeField(null=True, blank=True, editable=False)
    has_sbom = models.BooleanField(default=False, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["namespace", "name"], name="repository_unique_name")]
        # Search: name lookups (exact match, typo candidates) and the sort orders of the catalogue.
        # PostgreSQL also gets a weighted tsvector and trigram indexes, SQLite an FTS5 table
        # (migration 0003, created only on the database they belong to).
        indexes = [
            models.Index(fields=["name"], name="repository_name"),
            models.Index(fields=["-pull_count"], name="repository_pulls"),
            models.Index(fields=["-star_count"], name="repository_stars"),
            models.Index(fields=["-last_pushed_at"], name="repository_pushed"),
            models.Index(fields=["trusted_content", "-pull_count"], name="repository_trusted_pulls"),
            # The order of each search sort, ties broken by id, so a page is an index walk. "Recently
            # updated" (last_pushed_at DESC NULLS LAST, id) is made by migration 0007 per database,
            # since SQLite takes no NULLS LAST in an index (its DESC puts NULLs last by itself). On
            # PostgreSQL the best-match order also includes what search tiers test (migration 0013).
            models.Index(fields=["-trusted_rank", "-pull_count", "-star_count", "id"], name="repository_best_order"),
            models.Index(fields=["-pull_count", "-trusted_rank", "id"], name="repository_pulls_order"),
            models.Index(fields=["-star_count", "-pull_count", "id"], name="repository_stars_order"),
            models.Index(fields=["vulns_rank", "-pull_count", "id"], name="repository_vulns_order"),
            # Typo candidates: names of about the query's length (images.search.service._typo_names).
            models.Index(Length("name"), "name", name="repository_name_length"),
        ]
        ordering = ["namespace__name", "name"]
        verbose_name_plural = "repositories"

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.namespace.name}/{self.name}"


class RepositoryPlatform(models.Model):
    """A platform (os/architecture/variant) that some tag of a repository has, for search facets.

    Derived from tags and manifests by images.services.search_index.repository_platforms_refresh().
    """

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="platforms")
    os = models.CharField(max_length=64)
    architecture = models.CharField(max_length=64)
    variant = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["os", "architecture", "variant"]
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "os", "architecture", "variant"], name="repository_platform_once"
            )
        ]
        indexes = [
            models.Index(fields=["os", "repository"], name="repository_platform_os"),
            models.Index(fields=["architecture", "repository"], name="repository_platform_arch"),
        ]

    def __str__(self):
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)


class Star(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stars")
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="stars")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "repository"], name="star_once")]
