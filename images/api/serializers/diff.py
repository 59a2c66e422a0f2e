"""The compare answer (two platform images and what changed) and storage use."""

from rest_framework import serializers


class ComparedImageSerializer(serializers.Serializer):
    repository = serializers.CharField(help_text="namespace/name")
    reference = serializers.CharField(help_text="how to name it again: namespace/name:tag or @digest")
    tag = serializers.CharField(allow_blank=True)
    digest = serializers.CharField(help_text="the platform image's digest")
    index_digest = serializers.CharField(allow_blank=True, help_text="the index it was picked from, if any")
    platform = serializers.CharField()
    platforms = serializers.ListField(child=serializers.CharField(), help_text="an index's platforms")


class LayerChangeSerializer(serializers.Serializer):
    digest = serializers.CharField()
    size = serializers.IntegerField()
    uncompressed_size = serializers.IntegerField(allow_null=True)
    instruction = serializers.CharField(allow_blank=True)


class HistoryStepSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=["same", "added", "removed"])
    instruction = serializers.CharField(allow_blank=True)


class PackageChangeSerializer(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)


class FindingChangeSerializer(serializers.Serializer):
    id = serializers.CharField()
    package = serializers.CharField()
    version = serializers.CharField()
    severity = serializers.CharField()
    fixed_version = serializers.CharField(allow_blank=True)


class SizeChangeSerializer(serializers.Serializer):
    before = serializers.IntegerField(allow_null=True)
    after = serializers.IntegerField(allow_null=True)
    delta = serializers.IntegerField(allow_null=True)


class ConfigChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="entrypoint, cmd, user, workdir, env, label or port")
    key = serializers.CharField(allow_blank=True)
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)


def _changes(serializer):
    return serializers.DictField(child=serializer(many=True))


class DownloadSerializer(serializers.Serializer):
    full = serializers.IntegerField(help_text="bytes pulling `to` fetches onto an empty machine (config and layers)")
    needed = serializers.IntegerField(help_text="bytes it fetches where `from` is already pulled")
    blobs_total = serializers.IntegerField()
    blobs_needed = serializers.IntegerField()


class CompareSerializer(serializers.Serializer):
    before = ComparedImageSerializer(help_text="the image named by `from`")
    after = ComparedImageSerializer(help_text="the image named by `to`")
    layers = _changes(LayerChangeSerializer)  # shared / added / removed
    history = HistoryStepSerializer(many=True)
    packages = _changes(PackageChangeSerializer)  # added / removed / upgraded / downgraded / changed
    vulnerabilities = _changes(FindingChangeSerializer)  # fixed / introduced
    size = serializers.DictField(child=SizeChangeSerializer())  # compressed / uncompressed
    config = ConfigChangeSerializer(many=True)
    download = DownloadSerializer()


class RepositoryStorageSerializer(serializers.Serializer):
    name = serializers.CharField()
    images = serializers.IntegerField()
    total = serializers.IntegerField(help_text="bytes of its blobs, each once")
    unique = serializers.IntegerField(help_text="bytes of blobs no other repository of the namespace holds")
    shared = serializers.IntegerField(help_text="bytes of blobs other repositories of the namespace hold too")


class StorageUseSerializer(serializers.Serializer):
    namespace = serializers.CharField()
    total = serializers.IntegerField(help_text="THE storage-use figure: each blob once per namespace")
    blobs = serializers.IntegerField()
    sum_of_repositories = serializers.IntegerField(help_text="the repositories' totals added up")
    repositories = RepositoryStorageSerializer(many=True)
