"""Search answers: /v1/search, /v2/search/repositories and the catalog search with facets."""

from rest_framework import serializers

from images.api.serializers.common import CategorySerializer, LabelledValueSerializer


class V1SearchResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    star_count = serializers.IntegerField()
    is_official = serializers.BooleanField()
    is_automated = serializers.BooleanField()
    is_trusted = serializers.BooleanField()


class V1SearchSerializer(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    num_results = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = V1SearchResultSerializer(many=True)


class SearchRepositorySerializer(serializers.Serializer):
    """An item of GET /v2/search/repositories/ (Docker Hub's classic search)."""

    repo_name = serializers.CharField()
    short_description = serializers.CharField(allow_blank=True)
    star_count = serializers.IntegerField()
    pull_count = serializers.IntegerField()
    repo_owner = serializers.CharField()
    is_automated = serializers.BooleanField()
    is_official = serializers.BooleanField()


class PublisherSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class CatalogResultSerializer(serializers.Serializer):
    """An item of GET /v2/search/catalog/ (Docker Hub's catalog search, api/search/v3)."""

    id = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.CharField()
    type = serializers.CharField()
    publisher = PublisherSerializer()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(allow_null=True)
    short_description = serializers.CharField(allow_blank=True)
    badge = serializers.CharField()
    star_count = serializers.IntegerField()
    pull_count = serializers.IntegerField()
    operating_systems = LabelledValueSerializer(many=True)
    architectures = LabelledValueSerializer(many=True)
    categories = CategorySerializer(many=True)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetsSerializer(serializers.Serializer):
    badges = FacetValueSerializer(many=True)
    categories = FacetValueSerializer(many=True)
    operating_systems = FacetValueSerializer(many=True)
    architectures = FacetValueSerializer(many=True)


class CatalogSearchSerializer(serializers.Serializer):
    total = serializers.IntegerField(
        help_text="How many repositories match, counted up to the count cap (HUB_SEARCH_COUNT_CAP, 1,000 by default)."
    )
    total_is_approximate = serializers.BooleanField(
        help_text="More repositories match than `total` (the cap); the facet counts are then those of the first "
        "`total` matches found, not of all of them."
    )
    results = CatalogResultSerializer(many=True)
    facets = FacetsSerializer()
