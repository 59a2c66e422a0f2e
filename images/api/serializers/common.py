"""Shapes every part of the Hub API shares: the error body, categories, labelled values, page envelopes."""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    message = serializers.CharField()
    errinfo = serializers.DictField(required=False)


class CategorySerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class LabelledValueSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()


_PAGES: dict[type, type] = {}


def paginated(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """Docker Hub's page of `item`s: {count, next, previous, results} (images/api/pagination.py)."""
    if item not in _PAGES:
        name = "Paginated" + item.__name__.removesuffix("Serializer") + "List"
        _PAGES[item] = type(
            name,
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": item(many=True),
                "__module__": __name__,
            },
        )
    return _PAGES[item]
