"""Lineage fields of the image and repository answers (images/selectors/lineage.py)."""

from rest_framework import serializers


class BaseImageSerializer(serializers.Serializer):
    repository = serializers.CharField(help_text="namespace/name")
    tag = serializers.CharField(allow_blank=True, help_text="a tag naming it now, or the last one that did")
    digest = serializers.CharField()
    created = serializers.DateTimeField(allow_null=True)
    layers = serializers.IntegerField(help_text="how many of this image's layers came from the base")
    from_annotation = serializers.BooleanField(help_text="named by org.opencontainers.image.base.* annotations")


class BaseUpdateSerializer(serializers.Serializer):
    tag = serializers.CharField()
    digest = serializers.CharField(help_text="the image the base's tag names now")
    updated_at = serializers.DateTimeField(allow_null=True)
    fixes = serializers.IntegerField(help_text="advisories rebuilding on the newer base would fix")
    fixes_critical_high = serializers.IntegerField()
    introduces = serializers.IntegerField()
    packages_changed = serializers.IntegerField()


class LineageSerializer(serializers.Serializer):
    base = BaseImageSerializer(allow_null=True)
    base_update = BaseUpdateSerializer(allow_null=True, help_text="set when the base's tag names a newer image")


def lineage_data(lineage) -> dict:
    base, update = lineage.base, lineage.update
    return {
        "base": None
        if base is None
        else {
            "repository": base.repository.full_name,
            "tag": lineage.base_tag,
            "digest": base.digest,
            "created": base.image_created_at,
            "layers": lineage.base_layers,
            "from_annotation": lineage.from_annotation,
        },
        "base_update": None
        if update is None
        else {
            "tag": update.tag,
            "digest": update.newer.digest,
            "updated_at": update.updated_at,
            "fixes": update.gain.fixed,
            "fixes_critical_high": update.gain.fixed_critical_high,
            "introduces": update.gain.introduced,
            "packages_changed": update.gain.packages_changed,
        },
    }
